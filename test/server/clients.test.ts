// Other real clients against a real server: the AWS CLI (v1 from pip, v2 from Debian when present) and raw
// HTTP for what SDKs never send.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecurityGroupCommand, CreateTagsCommand, DescribeSecurityGroupsCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import type { RunningServer } from '../../src/server/serve.js';
import { withServer } from './helpers.js';

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const AWS_CLIS = ['/usr/bin/aws', which('aws')].filter((x, i, a): x is string => !!x && a.indexOf(x) === i && spawnSync(x, ['--version']).status === 0);

let s: Awaited<ReturnType<typeof withServer>>;
let server: RunningServer;
beforeAll(async () => {
  s = await withServer();
  server = s.server;
});
afterAll(async () => server.close());

describe.skipIf(AWS_CLIS.length === 0)('the AWS CLI', () => {
  for (const cli of AWS_CLIS) {
    // the server runs in this process: the CLI must be run asynchronously so the server can answer it
    it(`${cli} creates a group, authorizes SSH and reads it back`, async () => {
      const env = { ...process.env, AWS_ACCESS_KEY_ID: '210987654321', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'eu-west-1', AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1' };
      const run = promisify(execFile);
      const aws = async (...args: string[]) => JSON.parse((await run(cli, ['--endpoint-url', server.url, '--output', 'json', 'ec2', ...args], { env, encoding: 'utf8', timeout: 60_000 })).stdout || '{}');
      const name = `cli-${cli.replace(/\W/g, '')}`;
      const g = await aws('create-security-group', '--group-name', name, '--description', 'from the CLI');
      expect(g.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
      await aws('authorize-security-group-ingress', '--group-id', g.GroupId, '--protocol', 'tcp', '--port', '22', '--cidr', '203.0.113.0/24');
      const d = await aws('describe-security-groups', '--group-ids', g.GroupId);
      expect(d.SecurityGroups[0].IpPermissions).toEqual([
        expect.objectContaining({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [expect.objectContaining({ CidrIp: '203.0.113.0/24' })] }),
      ]);
      const vpcs = await aws('describe-vpcs', '--filters', 'Name=is-default,Values=true');
      expect(vpcs.Vpcs[0].CidrBlock).toBe('172.31.0.0/16');
      // an AWS error comes back as the CLI's error with the code
      const bad = await run(cli, ['--endpoint-url', server.url, 'ec2', 'delete-security-group', '--group-id', 'sg-00000000000000000'], { env, encoding: 'utf8', timeout: 60_000 }).catch((e: { code?: number; stderr?: string }) => e);
      expect((bad as { code?: number }).code).not.toBe(0);
      expect((bad as { stderr?: string }).stderr).toContain('InvalidGroup.NotFound');
    }, 120_000);
  }
});

describe('what SDKs never send', () => {
  const post = (body: string) => fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

  it('descriptions and tags with XML-breaking characters round-trip intact', async () => {
    const ec2 = s.ec2({ accessKeyId: '310987654321' });
    const nasty = `<a href="x">&amp; 'quoted' ]]> \u00e9\u4e2d`;
    const g = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'xml', Description: 'plain' }));
    await ec2.send(new CreateTagsCommand({ Resources: [g.GroupId!], Tags: [{ Key: 'note', Value: nasty }] }));
    const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [g.GroupId!] }] }));
    expect(tags.Tags?.[0].Value).toBe(nasty);
    // a description outside AWS's character set is refused, not garbled
    await expect(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'xml2', Description: '<script>' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const d = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [g.GroupId!] }));
    expect(d.SecurityGroups?.[0].Description).toBe('plain');
  });

  it('malformed parameters get 4xx error documents and the server keeps serving', async () => {
    const cases = [
      'Action=AuthorizeSecurityGroupIngress&GroupId=sg-x&IpPermissions.1.FromPort=abc',
      'Action=AuthorizeSecurityGroupIngress&IpPermissions.0.IpProtocol=tcp',
      'Action=CreateSecurityGroup',
      'Action=DescribeSecurityGroups&MaxResults=999999999999',
      'Action=DescribeSecurityGroups&Filter.1.Name=nonsense&Filter.1.Value.1=x',
      'Action=NoSuchThing',
      '',
      '%%%%',
      'Action=CreateTags&ResourceId.1=sg-00000000000000000&Tag.1.Key=k&Tag.1.Value=' + encodeURIComponent('\u0000\u0001'),
      'Action=DescribeVpcs&' + Array.from({ length: 12_000 }, (_, i) => `VpcId.${i + 1}=vpc-1`).join('&'),
    ];
    for (const body of cases) {
      const r = await post(body);
      expect(r.status, body.slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(r.status, body.slice(0, 80)).toBeLessThan(500);
      expect(await r.text()).toMatch(/<Response><Errors><Error><Code>[A-Za-z.]+<\/Code>/);
    }
    const ok = await post('Action=DescribeRegions&Version=2016-11-15');
    expect(ok.status).toBe(200);
  });

  it('a huge body is refused with 413 and the server keeps serving', async () => {
    const r = await post('Action=DescribeVpcs&Junk=' + 'x'.repeat(11 * 1024 * 1024));
    expect(r.status).toBe(413);
    expect((await post('Action=DescribeRegions')).status).toBe(200);
  });
});
