// Strict mode: SigV4 signatures are verified against configured keys; everything else is AuthFailure (401).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { parseCredentials } from '../../src/server/sigv4.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, credentials: parseCredentials('AKIDGOOD:good-secret:444455556666') });
});
afterAll(async () => server.close());

const client = (accessKeyId: string, secretAccessKey: string, region = 'eu-central-1') =>
  new EC2Client({ endpoint: server.url, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });

describe('strict SigV4 mode', () => {
  it('accepts a correctly signed request and answers for the key\'s configured account', async () => {
    const r = await client('AKIDGOOD', 'good-secret').send(new DescribeVpcsCommand({}));
    expect(r.Vpcs?.[0].OwnerId).toBe('444455556666');
  });

  it('a wrong secret is AuthFailure with HTTP 401', async () => {
    const err = await client('AKIDGOOD', 'bad-secret').send(new DescribeVpcsCommand({})).catch((e) => e);
    expect(err.name).toBe('AuthFailure');
    expect(err.$metadata.httpStatusCode).toBe(401);
  });

  it('an unknown key and an unsigned request are AuthFailure', async () => {
    const err = await client('AKIDOTHER', 'x').send(new DescribeVpcsCommand({})).catch((e) => e);
    expect(err.name).toBe('AuthFailure');
    const raw = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DescribeVpcs' });
    expect(raw.status).toBe(401);
    expect(await raw.text()).toContain('<Code>AuthFailure</Code>');
  });

  it('a body changed after signing no longer verifies', async () => {
    const c = client('AKIDGOOD', 'good-secret');
    let signed: { headers: Record<string, string>; body: string } | undefined;
    // capture the request as it goes on the wire (after signing)
    c.middlewareStack.add((next) => async (args) => {
      const req = args.request as { body?: string; headers: Record<string, string> };
      signed = { headers: { ...req.headers }, body: String(req.body) };
      return next(args);
    }, { step: 'deserialize' });
    await c.send(new DescribeVpcsCommand({}));
    expect(signed).toBeDefined();
    const replay = (body: string) => {
      const headers = { ...signed!.headers, 'content-length': String(Buffer.byteLength(body)) };
      delete (headers as Record<string, string>)['host'];
      return fetch(server.url, { method: 'POST', headers, body });
    };
    expect((await replay(signed!.body)).status).toBe(200);
    const tampered = await replay(signed!.body + '&VpcId.1=vpc-00000000000000000');
    expect(tampered.status).toBe(401);
    expect(await tampered.text()).toContain('does not match the signature');
  });
});
