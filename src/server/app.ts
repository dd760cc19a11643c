// HTTP: the EC2 Query endpoint (POST form body or GET query string), STS GetCallerIdentity, moto's reset
// endpoint, and the console's JSON API under /_rampart. The protocol work happens in src/ec2.
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { dispatch, handlerFor } from '../ec2/dispatch.js';
import { serializeError } from '../ec2/xml.js';
import { probe } from '../engine/probe.js';
import { parseTarget } from '../scenario/targets.js';
import { cloudTrailShape, MemoryJournal, type Journal, type JournalCall } from '../store/journal.js';
import { toJson } from '../cli/format.js';
import { Accounts, callerOf, newRequestId } from './accounts.js';
import { verifySigV4, type Credential } from './sigv4.js';

export interface AppOptions {
  accounts?: Accounts;
  /** where successful mutating calls are kept (default: in memory) */
  journal?: Journal;
  /** the largest request body accepted, in bytes */
  maxBodyBytes?: number;
  /** called with every event (e.g. to append it to events.jsonl) */
  onEvent?: (event: Record<string, unknown>) => void;
  /** strict mode: only these keys, with valid SigV4 signatures, are accepted (else AuthFailure, 401) */
  credentials?: Credential[];
}

/** Replays a journal into the accounts: the state a server had when it stopped. */
export function replay(accounts: Accounts, journal: Journal): number {
  let n = 0;
  for (const c of journal.calls()) {
    const t = accounts.get(c.accountId, c.regionName);
    t.region.beginCall();
    const r = dispatch(c.action, c.params, { region: t.region, engine: t.engine, accountId: c.accountId, regionName: c.regionName, requestId: c.requestId, now: new Date(c.time) });
    t.region.endCall(r.status === 200);
    if (r.status !== 200) process.stderr.write(`rampart: replaying call ${c.seq} (${c.action}) failed with ${r.errorCode}; skipped\n`);
    n++;
  }
  return n;
}

const XML = { 'content-type': 'text/xml;charset=UTF-8' };

export function createApp(opts: AppOptions = {}): { app: Hono; accounts: Accounts; journal: Journal } {
  const accounts = opts.accounts ?? new Accounts();
  const journal = opts.journal ?? new MemoryJournal();
  const maxBody = opts.maxBodyBytes ?? 10 * 1024 * 1024;
  const app = new Hono();

  // moto's server mode: test suites reset all state before each test
  app.post('/moto-api/reset', (c) => {
    accounts.reset();
    journal.reset();
    return c.json({ status: 'ok' });
  });

  app.get('/_rampart/health', (c) => c.json({ status: 'ok', data: journal.location }));

  // The console's JSON API: the state of an account/Region, probes, events.
  const tenantOf = (c: Context) => accounts.get(c.req.query('account') ?? '123456789012', c.req.query('region') ?? 'us-east-1');
  app.get('/_rampart/accounts', (c) => c.json(accounts.all().map((t) => ({ account: t.accountId, region: t.regionName }))));
  app.get('/_rampart/state', (c) => {
    const r = tenantOf(c).region;
    const list = <T>(m: Map<string, T>) => [...m.values()];
    return c.body(toJson({
      vpcs: list(r.vpcs), subnets: list(r.subnets), securityGroups: list(r.securityGroups), securityGroupRules: list(r.securityGroupRules),
      networkAcls: list(r.networkAcls), routeTables: list(r.routeTables), internetGateways: list(r.internetGateways),
      vpcPeeringConnections: list(r.vpcPeeringConnections), prefixLists: list(r.prefixLists), networkInterfaces: list(r.networkInterfaces),
      instances: list(r.instances), addresses: list(r.addresses),
    }), 200, { 'content-type': 'application/json' });
  });
  app.get('/_rampart/probe', (c) => {
    const t = tenantOf(c);
    try {
      const from = parseTarget(c.req.query('from') ?? '', undefined, t.region);
      const to = parseTarget(c.req.query('to') ?? '', undefined, t.region);
      const r = probe(t.engine, { from: from.endpoint, to: to.endpoint, protocol: to.protocol ?? 6, port: to.port, icmpType: to.icmpType });
      return c.body(toJson({ reachable: r.reachable, request: r.request, forward: r.forward, response: r.response, explanations: r.explanations }), 200, { 'content-type': 'application/json' });
    } catch (e) {
      return c.json({ error: e instanceof Error ? e.message : String(e) }, 400);
    }
  });
  app.get('/_rampart/events', (c) => c.json(journal.events({ resourceId: c.req.query('resource'), since: c.req.query('since'), until: c.req.query('until'), action: c.req.query('action') })));

  const handle = async (c: Context, params: URLSearchParams, body: string) => {
    const requestId = newRequestId();
    const caller = callerOf(c.req.header('authorization'), params.get('X-Amz-Credential') ?? undefined);
    if (opts.credentials) {
      const url = new URL(c.req.url);
      const v = verifySigV4({ method: c.req.method, path: url.pathname, query: url.search.slice(1), headers: c.req.header(), body }, opts.credentials);
      if (!v.ok) return c.body(serializeError('AuthFailure', v.message, requestId), 401, { ...XML, 'x-amzn-requestid': requestId });
      if (v.credential.accountId) caller.accountId = v.credential.accountId;
    }
    const action = params.get('Action') ?? undefined;
    if (action === 'GetCallerIdentity') {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${caller.accountId}:root</Arn><UserId>${caller.accountId}</UserId><Account>${caller.accountId}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
      return c.body(body, 200, { ...XML, 'x-amzn-requestid': requestId });
    }
    const tenant = accounts.get(caller.accountId, caller.regionName);
    const now = new Date();
    const mutating = action !== undefined && handlerFor(action)?.mutating === true;
    if (mutating) tenant.region.beginCall();
    const r = dispatch(action, params, { region: tenant.region, engine: tenant.engine, accountId: caller.accountId, regionName: caller.regionName, requestId, now });
    if (mutating) tenant.region.endCall(r.status === 200);
    if (r.event) {
      const sourceIp = c.req.header('x-forwarded-for') ?? '127.0.0.1';
      const event = {
        eventVersion: '1.08',
        userIdentity: { type: 'IAMUser', principalId: caller.accessKeyId, arn: `arn:aws:iam::${caller.accountId}:user/rampart`, accountId: caller.accountId, accessKeyId: caller.accessKeyId },
        eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: 'ec2.amazonaws.com', eventName: r.event.action, awsRegion: caller.regionName,
        sourceIPAddress: sourceIp, userAgent: c.req.header('user-agent') ?? '',
        requestParameters: cloudTrailShape(r.event.input), responseElements: cloudTrailShape({ RequestId: requestId, ...(r.event.output ?? {}) }),
        requestID: requestId, eventID: randomUUID(), readOnly: false, eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: caller.accountId,
      };
      const call: JournalCall = {
        accountId: caller.accountId, regionName: caller.regionName, action: r.event.action, params: [...params.entries()], requestId,
        time: now.toISOString(), accessKeyId: caller.accessKeyId, sourceIp, event,
      };
      // Acknowledged only once it is on disk: the journal write is synchronous.
      journal.append(call);
      opts.onEvent?.(event);
    }
    return c.body(r.body, r.status as 200, { ...XML, 'x-amzn-requestid': requestId });
  };

  app.post('/', async (c) => {
    const len = Number(c.req.header('content-length') ?? '0');
    if (len > maxBody) return c.body(serializeError('RequestEntityTooLarge', `Request body is larger than ${maxBody} bytes`, newRequestId()), 413, XML);
    const text = await c.req.text();
    if (text.length > maxBody) return c.body(serializeError('RequestEntityTooLarge', `Request body is larger than ${maxBody} bytes`, newRequestId()), 413, XML);
    return handle(c, new URLSearchParams(text), text);
  });
  app.get('/', (c) => handle(c, new URL(c.req.url).searchParams, ''));

  app.onError((e, c) => {
    process.stderr.write(`rampart: internal error: ${e.stack ?? e.message}\n`);
    return c.body(serializeError('InternalError', 'An internal error has occurred', newRequestId()), 500, XML);
  });
  return { app, accounts, journal };
}
