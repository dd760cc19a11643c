// rampart import --server: the import loaded into a running rampart serve, read back through the EC2 API with
// the AWS SDK, real ids included, and still there after the server restarts (the import is journaled).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DescribeNetworkAclsCommand, DescribeNetworkInterfacesCommand, DescribeRouteTablesCommand, DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand, DescribeStaleSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { importCommand } from '../../src/cli/import.js';
import { ACCOUNT_DIR, differences, fixtureItems } from './helpers.js';

type J = Record<string, unknown>;

const dataDir = mkdtempSync(join(tmpdir(), 'rampart-import-serve-'));
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

function client(url: string): EC2Client {
  // a 12-digit access key id is the account (moto's convention, as rampart serve reads it)
  return new EC2Client({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' }, maxAttempts: 1 });
}

async function described(ec2: EC2Client): Promise<Record<string, J[]>> {
  return {
    Vpcs: ((await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? []) as J[],
    Subnets: ((await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []) as J[],
    SecurityGroups: ((await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []) as J[],
    SecurityGroupRules: ((await ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules ?? []) as J[],
    NetworkAcls: ((await ec2.send(new DescribeNetworkAclsCommand({}))).NetworkAcls ?? []) as J[],
    RouteTables: ((await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables ?? []) as J[],
    NetworkInterfaces: ((await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces ?? []) as J[],
  };
}

/**
 * Members the server prints that the CLI fixtures (older output) do not have; and PeeringStatus, which the
 * server leaves out for a peering it does not know (AWS shows `deleted`; the import keeps the reference itself).
 */
const NEWER = ['IpSource', 'Ipv6AddressAttribute', 'PeeringStatus'];

function expectSameAsFixture(d: Record<string, J[]>): void {
  expect(differences(fixtureItems(ACCOUNT_DIR, 'Vpcs'), d.Vpcs, 'VpcId', ['DhcpOptionsId', ...NEWER])).toEqual([]);
  expect(differences(fixtureItems(ACCOUNT_DIR, 'Subnets'), d.Subnets, 'SubnetId', ['AvailableIpAddressCount', 'EnableDns64', 'Ipv6Native', 'PrivateDnsNameOptionsOnLaunch', 'SubnetArn', ...NEWER])).toEqual([]);
  expect(differences(fixtureItems(ACCOUNT_DIR, 'SecurityGroups'), d.SecurityGroups, 'GroupId', NEWER)).toEqual([]);
  expect(differences(fixtureItems(ACCOUNT_DIR, 'SecurityGroupRules'), d.SecurityGroupRules, 'SecurityGroupRuleId', ['SecurityGroupRuleArn', ...NEWER])).toEqual([]);
  expect(differences(fixtureItems(ACCOUNT_DIR, 'NetworkAcls'), d.NetworkAcls, 'NetworkAclId', NEWER)).toEqual([]);
  expect(differences(fixtureItems(ACCOUNT_DIR, 'RouteTables'), d.RouteTables, 'RouteTableId', NEWER)).toEqual([]);
  expect(differences(fixtureItems(ACCOUNT_DIR, 'NetworkInterfaces'), d.NetworkInterfaces, 'NetworkInterfaceId', ['PrivateDnsName', 'PublicDnsName', 'AttachTime', 'IsPrimaryIpv6', 'PublicIpv4Pool', ...NEWER])).toEqual([]);
}

describe('rampart import --server', () => {
  let url = '';
  it('loads the account into rampart serve; the EC2 API answers with the same groups, rules (ids), entries, associations, interfaces', async () => {
    const server = await startServer({ port: 0, dataDir });
    servers.push(server);
    url = server.url;
    let out = '';
    const status = await importCommand([ACCOUNT_DIR], { server: url, json: true }, (s) => (out += s));
    expect(status).toBe(0);
    const summary = JSON.parse(out) as { server: { account: string; region: string; counts: Record<string, number> }[] };
    expect(summary.server).toEqual([{ account: '111122223333', region: 'us-east-1', counts: expect.objectContaining({ rules: 21, staleRules: 1, networkInterfaces: 8 }) }]);
    const ec2 = client(url);
    expectSameAsFixture(await described(ec2));
    const stale = await ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: 'vpc-0badc0ffee0ddf00d' }));
    expect(stale.StaleSecurityGroupSet?.map((g) => g.GroupId)).toEqual(['sg-0f1f2f3f4f5f6f7f8']);
  });

  it('a restarted server replays the import from its journal: the same answers', async () => {
    await servers.pop()!.close();
    const server = await startServer({ port: 0, dataDir });
    servers.push(server);
    expect(server.replayed).toBeGreaterThan(0);
    expectSameAsFixture(await described(client(server.url)));
  });

  it('a body that is not an import is a 400 and changes nothing', async () => {
    const res = await fetch(new URL('/_rampart/import?account=111122223333', servers[0].url), { method: 'POST', body: '{"nope": 1}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/documents/);
  });
});
