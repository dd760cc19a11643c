import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import type { RunningServer } from '../../src/server/serve.js';
import { withServer } from './helpers.js';

describe('rampart serve, through the AWS SDK', () => {
  let s: Awaited<ReturnType<typeof withServer>>;
  let server: RunningServer;
  beforeAll(async () => {
    s = await withServer();
    server = s.server;
  });
  afterAll(async () => server.close());

  it('answers an unknown parameter with UnknownParameter (400), not a server error', async () => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DescribeVpcs&Version=2016-11-15&Bogus=1' });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/<Code>(UnknownParameter|InvalidAction)<\/Code>/);
  });

  it('an action rampart does not serve is InvalidAction', async () => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=CreateVolume&Version=2016-11-15' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>InvalidAction</Code>');
  });

  it('the SDK reaches the endpoint and reads EC2 error documents', async () => {
    const err = await s.ec2().send(new DescribeVpcsCommand({ VpcIds: ['vpc-00000000000000000'] })).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(['InvalidAction', 'InvalidVpcID.NotFound']).toContain(err.name);
  });
});
