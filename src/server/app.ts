// HTTP: the EC2 Query endpoint (POST form body or GET query string), STS GetCallerIdentity, moto's reset
// endpoint, and the console's JSON API under /_rampart. The protocol work happens in src/ec2.
//
// Plain node:http, no framework: a request is read into one Buffer, parsed straight into (name, value) pairs, and
// answered with one write of headers and body. (A fetch-style framework converts every request and response to
// WHATWG Request/Response objects and back, which cost more than the EC2 work of a typical call.)
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import { dispatch, handlerFor } from '../ec2/dispatch.js';
import { serializeError } from '../ec2/xml.js';
import { probe } from '../engine/probe.js';
import { parseTarget } from '../scenario/targets.js';
import { cloudTrailShape, MemoryJournal, type Journal, type JournalCall } from '../store/journal.js';
import { toJson } from '../cli/format.js';
import { Accounts, callerOf, newRequestId } from './accounts.js';
import { formGet, parseForm, type FormPairs } from './form.js';
import { verifySigV4, type Credential } from './sigv4.js';
import { IMPORT_ACTION, importCall, replayImport } from '../importer/server.js';
import { consoleTraffic } from '../flowlogs/deliver.js';

export interface AppOptions {
  accounts?: Accounts;
  /** where successful mutating calls are kept (default: in memory) */
  journal?: Journal;
  /** the largest request body accepted, in bytes */
  maxBodyBytes?: number;
  /** called with every event, and the event as one JSON text, once the call is in the journal */
  onEvent?: (event: Record<string, unknown>, json: string) => void;
  /** the events of the calls committed together, as JSON lines (e.g. to append them to events.jsonl in one write) */
  eventLog?: (lines: string) => void;
  /** strict mode: only these keys, with valid SigV4 signatures, are accepted (else AuthFailure, 401) */
  credentials?: Credential[];
  /** where flow logs deliver their files (`POST /_rampart/traffic`); undefined: records are only counted */
  flowLogDir?: string;
}

/** Replays a journal into the accounts: the state a server had when it stopped. */
export function replay(accounts: Accounts, journal: Journal): number {
  let n = 0;
  for (const c of journal.calls()) {
    const t = accounts.get(c.accountId, c.regionName);
    if (c.action === IMPORT_ACTION) {
      replayImport(t.region, c.params);
      n++;
      continue;
    }
    t.region.beginCall();
    const r = dispatch(c.action, c.params, { region: t.region, engine: t.engine, accountId: c.accountId, regionName: c.regionName, requestId: c.requestId, now: new Date(c.time) });
    t.region.endCall(r.status === 200);
    if (r.status !== 200) process.stderr.write(`rampart: replaying call ${c.seq} (${c.action}) failed with ${r.errorCode}; skipped\n`);
    n++;
  }
  return n;
}

const XML_TYPE = 'text/xml;charset=UTF-8';
const JSON_TYPE = 'application/json';

function send(res: ServerResponse, status: number, body: string, contentType: string, requestId?: string): void {
  const headers: OutgoingHttpHeaders = { 'content-type': contentType, 'content-length': Buffer.byteLength(body) };
  if (requestId !== undefined) headers['x-amzn-requestid'] = requestId;
  // headers and a string body leave in one write
  res.writeHead(status, headers);
  res.end(body);
}

const sendJson = (res: ServerResponse, value: unknown, status = 200) => send(res, status, JSON.stringify(value), JSON_TYPE);

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

/** The `rampart serve` request listener, with the accounts and journal it serves. */
export function createApp(opts: AppOptions = {}): { listener: RequestListener; accounts: Accounts; journal: Journal; flush: () => void } {
  const accounts = opts.accounts ?? new Accounts();
  const journal = opts.journal ?? new MemoryJournal();
  const maxCallBody = opts.maxBodyBytes ?? 10 * 1024 * 1024;
  const maxImportBody = Math.max(maxCallBody, 512 * 1024 * 1024);
  const tooLarge = (res: ServerResponse, maxBody = maxCallBody) =>
    send(res, 413, serializeError('RequestEntityTooLarge', `Request body is larger than ${maxBody} bytes`, newRequestId()), XML_TYPE);

  // Group commit. A mutating call changes the state at once, but its answer waits until the call is in the
  // journal; the calls handled in one turn of the event loop (several clients' requests) are written in one
  // transaction just after it (setImmediate), and then all their answers go. While calls wait to be written,
  // every other answer waits with them, so no client ever sees a change that a crash could still undo. If the
  // write fails, nothing in that batch is acknowledged (InternalError).
  const pending: { call: JournalCall; event: Record<string, unknown> }[] = [];
  const answers: ((failure: boolean) => void)[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0 && answers.length === 0) return;
    const batch = pending.splice(0);
    const waiting = answers.splice(0);
    let failed = false;
    try {
      journal.appendAll(batch.map((p) => p.call));
    } catch (e) {
      failed = true;
      process.stderr.write(`rampart: internal error: the journal refused ${batch.length} call(s): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
    if (!failed && batch.length > 0) {
      try {
        if (opts.eventLog) opts.eventLog(batch.map((p) => p.call.eventJson).join('\n') + '\n');
        if (opts.onEvent) for (const p of batch) opts.onEvent(p.event, p.call.eventJson!);
      } catch (e) {
        process.stderr.write(`rampart: the event log could not be written: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
    for (const a of waiting) a(failed);
  };
  /** Answers now, or after the calls waiting for the journal. */
  const answer = (res: ServerResponse, status: number, body: string, requestId: string): void => {
    if (answers.length === 0) return send(res, status, body, XML_TYPE, requestId);
    answers.push((failed) => {
      if (failed) send(res, 500, serializeError('InternalError', 'An internal error has occurred', requestId), XML_TYPE, requestId);
      else send(res, status, body, XML_TYPE, requestId);
    });
  };
  const commitThenAnswer = (res: ServerResponse, call: JournalCall, event: Record<string, unknown>, status: number, body: string, requestId: string): void => {
    pending.push({ call, event });
    answers.push((failed) => {
      if (failed) send(res, 500, serializeError('InternalError', 'An internal error has occurred', requestId), XML_TYPE, requestId);
      else send(res, status, body, XML_TYPE, requestId);
    });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  /** POST /_rampart/import (src/importer/server.ts): answered as JSON once the import is in the journal. */
  const importRoute = (res: ServerResponse, rawQuery: string, text: string): void => {
    const r = importCall(accounts, rawQuery, text);
    if (!r.call) return sendJson(res, r.body, r.status);
    pending.push({ call: r.call, event: r.event! });
    answers.push((failed) => (failed ? sendJson(res, { error: 'the journal refused the import' }, 500) : sendJson(res, r.body)));
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  /** One EC2 (or STS) call: parameters from the POST body or the GET query string. */
  const handle = (req: IncomingMessage, res: ServerResponse, params: FormPairs, body: string, rawQuery: string): void => {
    const requestId = newRequestId();
    const caller = callerOf(header(req, 'authorization'), formGet(params, 'X-Amz-Credential'));
    if (opts.credentials) {
      const headers: Record<string, string | undefined> = {};
      for (const name of Object.keys(req.headers)) headers[name] = header(req, name);
      const v = verifySigV4({ method: req.method ?? 'GET', path: '/', query: rawQuery, headers, body }, opts.credentials);
      if (!v.ok) return answer(res, 401, serializeError('AuthFailure', v.message, requestId), requestId);
      if (v.credential.accountId) caller.accountId = v.credential.accountId;
    }
    const action = formGet(params, 'Action');
    if (action === 'GetCallerIdentity') {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${caller.accountId}:root</Arn><UserId>${caller.accountId}</UserId><Account>${caller.accountId}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
      return answer(res, 200, xml, requestId);
    }
    const tenant = accounts.get(caller.accountId, caller.regionName);
    const now = new Date();
    const mutating = action !== undefined && handlerFor(action)?.mutating === true;
    if (mutating) tenant.region.beginCall();
    const r = dispatch(action, params, { region: tenant.region, engine: tenant.engine, accountId: caller.accountId, regionName: caller.regionName, requestId, now });
    if (mutating) tenant.region.endCall(r.status === 200);
    if (r.event) {
      const sourceIp = header(req, 'x-forwarded-for') ?? '127.0.0.1';
      const time = now.toISOString();
      const event = {
        eventVersion: '1.08',
        userIdentity: { type: 'IAMUser', principalId: caller.accessKeyId, arn: `arn:aws:iam::${caller.accountId}:user/rampart`, accountId: caller.accountId, accessKeyId: caller.accessKeyId },
        eventTime: `${time.slice(0, 19)}Z`, eventSource: 'ec2.amazonaws.com', eventName: r.event.action, awsRegion: caller.regionName,
        sourceIPAddress: sourceIp, userAgent: header(req, 'user-agent') ?? '',
        requestParameters: cloudTrailShape(r.event.input), responseElements: cloudTrailShape({ RequestId: requestId, ...(r.event.output ?? {}) }),
        requestID: requestId, eventID: randomUUID(), readOnly: false, eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: caller.accountId,
      };
      // serialised once, for the journal and the event log alike
      const eventJson = JSON.stringify(event);
      const call: JournalCall = {
        accountId: caller.accountId, regionName: caller.regionName, action: r.event.action, params, requestId,
        time, accessKeyId: caller.accessKeyId, sourceIp, event, eventJson,
      };
      // acknowledged only once it is on disk
      return commitThenAnswer(res, call, event, r.status, r.body, requestId);
    }
    answer(res, r.status, r.body, requestId);
  };

  /** The console's JSON API: the state of an account/Region, probes, events. */
  const consoleApi = (res: ServerResponse, path: string, query: URLSearchParams): boolean => {
    // the console reads committed state only
    flush();
    const tenant = () => accounts.get(query.get('account') ?? '123456789012', query.get('region') ?? 'us-east-1');
    switch (path) {
      case '/_rampart/health':
        sendJson(res, { status: 'ok', data: journal.location });
        return true;
      case '/_rampart/accounts':
        sendJson(res, accounts.all().map((t) => ({ account: t.accountId, region: t.regionName })));
        return true;
      case '/_rampart/state': {
        const r = tenant().region;
        const list = <T>(m: Map<string, T>) => [...m.values()];
        send(res, 200, toJson({
          vpcs: list(r.vpcs), subnets: list(r.subnets), securityGroups: list(r.securityGroups), securityGroupRules: list(r.securityGroupRules),
          networkAcls: list(r.networkAcls), routeTables: list(r.routeTables), internetGateways: list(r.internetGateways),
          vpcPeeringConnections: list(r.vpcPeeringConnections), prefixLists: list(r.prefixLists), networkInterfaces: list(r.networkInterfaces),
          instances: list(r.instances), addresses: list(r.addresses),
        }), JSON_TYPE);
        return true;
      }
      case '/_rampart/probe': {
        const t = tenant();
        try {
          const from = parseTarget(query.get('from') ?? '', undefined, t.region);
          const to = parseTarget(query.get('to') ?? '', undefined, t.region);
          const r = probe(t.engine, { from: from.endpoint, to: to.endpoint, protocol: to.protocol ?? 6, port: to.port, icmpType: to.icmpType });
          send(res, 200, toJson({ reachable: r.reachable, request: r.request, forward: r.forward, response: r.response, explanations: r.explanations }), JSON_TYPE);
        } catch (e) {
          sendJson(res, { error: e instanceof Error ? e.message : String(e) }, 400);
        }
        return true;
      }
      case '/_rampart/events':
        sendJson(res, journal.events({ resourceId: query.get('resource') ?? undefined, since: query.get('since') ?? undefined, until: query.get('until') ?? undefined, action: query.get('action') ?? undefined }));
        return true;
    }
    return false;
  };

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const method = req.method;
    // rampart import --server: describe-* documents, which run larger than EC2 calls
    const isImport = path === '/_rampart/import';
    const maxBody = isImport ? maxImportBody : maxCallBody;
    if ((path === '/' || isImport) && method === 'POST') {
      if (Number(req.headers['content-length'] ?? '0') > maxBody) {
        tooLarge(res, maxBody);
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let refused = false;
      req.on('data', (chunk: Buffer) => {
        if (refused) return;
        size += chunk.length;
        if (size > maxBody) {
          refused = true;
          chunks.length = 0;
          tooLarge(res, maxBody);
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (refused) return;
        let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
        // a byte-order mark is not part of the body (the Encoding Standard's UTF-8 decode drops it)
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        guard(res, () => (isImport ? importRoute(res, rawQuery, text) : handle(req, res, parseForm(text), text, rawQuery)));
      });
      return;
    }
    if (path === '/' && (method === 'GET' || method === 'HEAD')) return handle(req, res, parseForm(rawQuery), '', rawQuery);
    if (path === '/moto-api/reset' && method === 'POST') {
      // moto's server mode: test suites reset all state before each test (calls made before it are written first)
      flush();
      accounts.reset();
      journal.reset();
      req.resume();
      return sendJson(res, { status: 'ok' });
    }
    if (path === '/_rampart/traffic' && method === 'POST') {
      // plays traffic on a tenant from now and delivers every flow log's records (src/flowlogs/deliver.ts): it
      // reads committed state, and changes none (no journal entry)
      req.resume();
      flush();
      const query = new URLSearchParams(rawQuery);
      const t = accounts.get(query.get('account') ?? '123456789012', query.get('region') ?? 'us-east-1');
      return guard(res, () => {
        const r = consoleTraffic(t.region, t.engine, opts.flowLogDir, query);
        sendJson(res, r.body, r.status);
      });
    }
    if ((method === 'GET' || method === 'HEAD') && path.startsWith('/_rampart/') && consoleApi(res, path, new URLSearchParams(rawQuery))) return;
    req.resume();
    send(res, 404, '404 Not Found', 'text/plain;charset=UTF-8');
  };

  const guard = (res: ServerResponse, f: () => void): void => {
    try {
      f();
    } catch (e) {
      process.stderr.write(`rampart: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      if (!res.headersSent) send(res, 500, serializeError('InternalError', 'An internal error has occurred', newRequestId()), XML_TYPE);
      else res.destroy();
    }
  };

  const listener: RequestListener = (req, res) => guard(res, () => route(req, res));
  return { listener, accounts, journal, flush };
}
