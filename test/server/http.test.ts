// The HTTP surface around the EC2 protocol: the query forms (POST body, GET query string), moto's reset endpoint,
// the console's JSON API under /_rampart, unknown routes, and the headers every EC2 answer carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/serve.js';
import { withServer } from './helpers.js';

let server: RunningServer;
beforeAll(async () => {
  server = (await withServer()).server;
});
afterAll(async () => server.close());

const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64);
const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: AUTH, ...headers }, body });
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('the EC2 endpoint over HTTP', () => {
  it('answers POST form bodies with text/xml, a request id header equal to the document\'s, and a content length', async () => {
    const r = await post('Action=DescribeRegions&Version=2016-11-15');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    const body = await r.text();
    expect(r.headers.get('x-amzn-requestid')).toBe(tag(body, 'requestId'));
    expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    expect(body).toContain('<regionName>us-east-1</regionName>');
  });

  it('answers the GET query-string form, and a POST reads its body, not its query string', async () => {
    const g = await fetch(`${server.url}/?Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=is-default&Filter.1.Value.1=true`, { headers: { authorization: AUTH } });
    expect(g.status).toBe(200);
    expect(await g.text()).toContain('<cidrBlock>172.31.0.0/16</cidrBlock>');
    const p = await fetch(`${server.url}/?Action=DescribeVpcs`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DescribeRegions&Version=2016-11-15' });
    expect(await p.text()).toContain('<DescribeRegionsResponse');
  });

  it('percent-encoded, plus-encoded and non-ASCII values arrive as sent; malformed escapes are kept literally', async () => {
    const name = `http enc+${Date.now()}`;
    const c = await post(`Action=CreateSecurityGroup&GroupName=${encodeURIComponent(name).replace(/%20/g, '+')}&GroupDescription=a+b%2Bc`);
    const cbody = await c.text();
    expect(c.status, cbody).toBe(200);
    const groupId = tag(cbody, 'groupId')!;
    const value = 'caf\u00e9 100% \u4e2d & <x>';
    const t = await post(`Action=CreateTags&ResourceId.1=${groupId}&Tag.1.Key=k&Tag.1.Value=${encodeURIComponent(value)}&Tag.2.Key=raw&Tag.2.Value=a%zz%`);
    expect(t.status, await t.text()).toBe(200);
    const dbody = await (await post(`Action=DescribeSecurityGroups&GroupId.1=${groupId}`)).text();
    expect(tag(dbody, 'groupName')).toBe(name);
    expect(tag(dbody, 'groupDescription')).toBe('a b+c');
    const tags = await (await post(`Action=DescribeTags&Filter.1.Name=resource-id&Filter.1.Value.1=${groupId}`)).text();
    const values = [...tags.matchAll(/<value>([^<]*)<\/value>/g)].map((m) => m[1]);
    // %zz and a trailing % are no escapes: the value keeps them as text
    expect(values.sort()).toEqual(['a%zz%', 'caf\u00e9 100% \u4e2d &amp; &lt;x&gt;']);
  });

  it('a body without Action is MissingParameter; one over the limit is 413 even when sent chunked', async () => {
    const r = await post('Version=2016-11-15');
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('<Code>MissingParameter</Code>');
    // a body streamed without a content-length
    const big = new ReadableStream<Uint8Array>({
      start(ctl) {
        const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
        ctl.enqueue(new TextEncoder().encode('Action=DescribeVpcs&Junk='));
        for (let i = 0; i < 11; i++) ctl.enqueue(chunk);
        ctl.close();
      },
    });
    const r2 = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big, duplex: 'half' } as RequestInit);
    expect(r2.status).toBe(413);
    expect(await r2.text()).toContain('<Code>RequestEntityTooLarge</Code>');
    expect((await post('Action=DescribeRegions')).status).toBe(200);
  });

  it('STS GetCallerIdentity names the account of the access key', async () => {
    const r = await post('Action=GetCallerIdentity&Version=2011-06-15', { authorization: AUTH.replace('AKIDEXAMPLE', '111122223333') });
    const body = await r.text();
    expect(tag(body, 'Account')).toBe('111122223333');
    expect(tag(body, 'Arn')).toBe('arn:aws:iam::111122223333:root');
  });

  it('unknown paths are 404', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/_rampart/nope`)).status).toBe(404);
  });
});

describe('the console JSON API and moto\'s reset', () => {
  it('health, accounts, state, events and probes', async () => {
    const c = await (await post('Action=CreateSecurityGroup&GroupName=json-api&GroupDescription=console', { 'user-agent': 'http-test' })).text();
    const groupId = tag(c, 'groupId')!;
    const health = await (await fetch(`${server.url}/_rampart/health`)).json();
    expect(health).toEqual({ status: 'ok', data: server.dataLocation });
    const accounts = await (await fetch(`${server.url}/_rampart/accounts`)).json();
    expect(accounts).toContainEqual({ account: '123456789012', region: 'us-east-1' });
    const state = (await (await fetch(`${server.url}/_rampart/state?account=123456789012&region=us-east-1`)).json()) as { securityGroups: { id: string }[]; vpcs: unknown[] };
    expect(state.securityGroups.map((g) => g.id)).toContain(groupId);
    expect(state.vpcs).toHaveLength(1);
    const events = (await (await fetch(`${server.url}/_rampart/events?resource=${groupId}`)).json()) as Record<string, unknown>[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventName: 'CreateSecurityGroup', userAgent: 'http-test', requestParameters: { groupName: 'json-api' }, responseElements: { groupId } });
    const probe = await fetch(`${server.url}/_rampart/probe?from=internet&to=${encodeURIComponent('203.0.113.9:22')}`);
    expect(probe.status).toBe(200);
    expect(((await probe.json()) as { reachable: unknown }).reachable).toBeTypeOf('boolean');
    const bad = await fetch(`${server.url}/_rampart/probe?from=internet&to=eni-00000000000000000:22`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('eni-00000000000000000');
  });

  it('POST /moto-api/reset forgets every account, Region and journalled call', async () => {
    await post('Action=CreateSecurityGroup&GroupName=before-reset&GroupDescription=x');
    const r = await fetch(`${server.url}/moto-api/reset`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${server.url}/_rampart/accounts`)).json()).toEqual([]);
    expect(await (await fetch(`${server.url}/_rampart/events`)).json()).toEqual([]);
    const d = await (await post('Action=DescribeSecurityGroups&Filter.1.Name=group-name&Filter.1.Value.1=before-reset')).text();
    expect(d).not.toContain('before-reset');
  });
});
