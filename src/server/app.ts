// HTTP: the EC2 Query endpoint (POST form body or GET query string), STS GetCallerIdentity, moto's reset
// endpoint, and the console's JSON API under /_rampart. The protocol work happens in src/ec2.
import { Hono } from 'hono';
import { dispatch } from '../ec2/dispatch.js';
import { serializeError } from '../ec2/xml.js';
import { Accounts, callerOf, newRequestId } from './accounts.js';

export interface AppOptions {
  accounts?: Accounts;
  /** the largest request body accepted, in bytes */
  maxBodyBytes?: number;
}

const XML = { 'content-type': 'text/xml;charset=UTF-8' };

export function createApp(opts: AppOptions = {}): { app: Hono; accounts: Accounts } {
  const accounts = opts.accounts ?? new Accounts();
  const maxBody = opts.maxBodyBytes ?? 10 * 1024 * 1024;
  const app = new Hono();

  app.post('/moto-api/reset', (c) => {
    accounts.reset();
    return c.json({ status: 'ok' });
  });

  app.get('/_rampart/health', (c) => c.json({ status: 'ok' }));

  const handle = async (c: import('hono').Context, params: URLSearchParams) => {
    const requestId = newRequestId();
    const caller = callerOf(c.req.header('authorization'), params.get('X-Amz-Credential') ?? undefined);
    const action = params.get('Action') ?? undefined;
    if (action === 'GetCallerIdentity') {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${caller.accountId}:root</Arn><UserId>${caller.accountId}</UserId><Account>${caller.accountId}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
      return c.body(body, 200, { ...XML, 'x-amzn-requestid': requestId });
    }
    const tenant = accounts.get(caller.accountId, caller.regionName);
    const r = dispatch(action, params, {
      region: tenant.region, engine: tenant.engine, accountId: caller.accountId, regionName: caller.regionName, requestId, now: new Date(),
    });
    return c.body(r.body, r.status as 200, { ...XML, 'x-amzn-requestid': requestId });
  };

  app.post('/', async (c) => {
    const len = Number(c.req.header('content-length') ?? '0');
    if (len > maxBody) return c.body(serializeError('RequestEntityTooLarge', `Request body is larger than ${maxBody} bytes`, newRequestId()), 413, XML);
    const text = await c.req.text();
    if (text.length > maxBody) return c.body(serializeError('RequestEntityTooLarge', `Request body is larger than ${maxBody} bytes`, newRequestId()), 413, XML);
    return handle(c, new URLSearchParams(text));
  });
  app.get('/', (c) => handle(c, new URL(c.req.url).searchParams));

  app.onError((e, c) => {
    process.stderr.write(`rampart: internal error: ${e.stack ?? e.message}\n`);
    return c.body(serializeError('InternalError', 'An internal error has occurred', newRequestId()), 500, XML);
  });
  return { app, accounts };
}
