// replay --server: the state of a running rampart serve, rebuilt from /_rampart/state, decides flows exactly as
// the server's own engine does; a rule revoked on the server shows up as changed flows.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand, CreateNetworkAclCommand, CreateNetworkAclEntryCommand, CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, DescribeNetworkAclsCommand, EC2Client,
  ReplaceNetworkAclAssociationCommand, RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { parseRecord, parseLogFormat } from '../../src/flowlogs/format.js';
import { ACCEPT, FlowJudge, ReplaySession } from '../../src/flowlogs/replay.js';
import { Engine } from '../../src/engine/engine.js';
import { replayCommand, stateFromServer } from '../../src/cli/replay.js';

let server: RunningServer;
let ec2: EC2Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startServer({ port: 0 });
  ec2 = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
  const app = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.1.1.0/24' }))).Subnet!.SubnetId!;
  const data = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.1.2.0/24' }))).Subnet!.SubnetId!;
  const web = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpc }))).GroupId!;
  const db = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'db', VpcId: vpc }))).GroupId!;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const a = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web }] }] }));
  ids.dbRule = a.SecurityGroupRules![0].SecurityGroupRuleId!;
  const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpc }))).NetworkAcl!.NetworkAclId!;
  await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '10.1.1.0/24', PortRange: { From: 5432, To: 5432 } }));
  await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: true, CidrBlock: '10.1.1.0/24', PortRange: { From: 1024, To: 65535 } }));
  const acls = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [data] }] }));
  const assoc = acls.NetworkAcls![0].Associations!.find((x) => x.SubnetId === data)!.NetworkAclAssociationId!;
  await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: acl }));
  ids.web = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: app, Groups: [web], PrivateIpAddress: '10.1.1.10' }))).NetworkInterface!.NetworkInterfaceId!;
  ids.db = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: data, Groups: [db], PrivateIpAddress: '10.1.2.20' }))).NetworkInterface!.NetworkInterfaceId!;
}, 60_000);

afterAll(async () => {
  await server.close();
});

const F = parseLogFormat('${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}');

function flows(): string[] {
  // requests and responses at both interfaces, allowed and not, from the subnet, another subnet and the internet
  const out: string[] = [];
  const add = (eni: string, src: string, dst: string, sp: number, dp: number) => out.push(`2 ${eni} ${src} ${dst} ${sp} ${dp} 6 3 180 1767225600 1767225660 ACTION OK`);
  for (const [i, port] of [5432, 22, 443].entries()) {
    add(ids.web, '10.1.1.10', '10.1.2.20', 40000 + i, port);
    add(ids.db, '10.1.1.10', '10.1.2.20', 40000 + i, port);
    add(ids.db, '10.1.2.20', '10.1.1.10', port, 40000 + i);
    add(ids.web, '10.1.2.20', '10.1.1.10', port, 40000 + i);
    add(ids.web, '198.51.100.7', '10.1.1.10', 50000 + i, port);
    add(ids.db, '10.1.1.99', '10.1.2.20', 41000 + i, port);
  }
  return out;
}

describe('replay --server', () => {
  it('the rebuilt state decides every flow as the server\'s own engine does', async () => {
    const rebuilt = await stateFromServer(server.url, '123456789012', 'us-east-1');
    const own = server.accounts.get('123456789012', 'us-east-1');
    const a = new FlowJudge(own.engine);
    const b = new FlowJudge(new Engine(rebuilt));
    const verdicts = flows().map((l) => [a.judge(parseRecord(l.replace('ACTION', 'ACCEPT'), F)), b.judge(parseRecord(l.replace('ACTION', 'ACCEPT'), F))]);
    expect(verdicts.map((v) => v[1])).toEqual(verdicts.map((v) => v[0]));
    expect(new Set(verdicts.map((v) => v[0])).size).toBe(2); // some accepted, some rejected
    expect([...rebuilt.securityGroupRules.keys()].sort()).toEqual([...own.region.securityGroupRules.keys()].sort());
    expect([...rebuilt.networkInterfaces.keys()].sort()).toEqual([...own.region.networkInterfaces.keys()].sort());
  });

  it('reports the flows a rule revoked on the server would reject', async () => {
    const own = server.accounts.get('123456789012', 'us-east-1');
    const judge = new FlowJudge(own.engine);
    const lines = flows().map((l) => l.replace('ACTION', judge.judge(parseRecord(l.replace('ACTION', 'ACCEPT'), F)) === ACCEPT ? 'ACCEPT' : 'REJECT'));
    const dir = mkdtempSync(join(tmpdir(), 'rampart-srv-'));
    const file = join(dir, 'flows.log');
    writeFileSync(file, [F.header, ...lines].join('\n') + '\n');
    let out = '';
    expect(await replayCommand([file], { server: server.url }, (s) => (out += s))).toBe(0);
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: own.region.securityGroupRules.get(ids.dbRule)!.groupId, SecurityGroupRuleIds: [ids.dbRule] }));
    out = '';
    expect(await replayCommand([file], { server: server.url, json: true }, (s) => (out += s))).toBe(1);
    const j = JSON.parse(out);
    // web → db:5432: the request at db and its response at db
    expect(j.totals.toReject).toBe(2);
    expect(j.changes.every((g: { port: number; interfaceId: string }) => g.port === 5432 && g.interfaceId === ids.db)).toBe(true);
    // the same answer from the in-process session against the server's own engine
    const s = new ReplaySession(own.engine);
    for (const l of lines) s.add(parseRecord(l, F));
    expect(s.totals.toReject).toBe(2);
    await expect(replayCommand([file], { server: 'http://127.0.0.1:1' }, () => {})).rejects.toThrow(/cannot read the state/);
  });
});

describe('replay --data-dir', () => {
  it('judges against the state a data directory held at a past time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-dd-'));
    const srv = await startServer({ port: 0, dataDir: dir });
    try {
      const c = new EC2Client({ endpoint: srv.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
      const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc!.VpcId!;
      const sub = (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.2.1.0/24' }))).Subnet!.SubnetId!;
      const g = (await c.send(new CreateSecurityGroupCommand({ GroupName: 'api', Description: 'api', VpcId: vpc }))).GroupId!;
      const rule = (await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '192.0.2.0/24' }] }] }))).SecurityGroupRules![0].SecurityGroupRuleId!;
      const eni = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: sub, Groups: [g], PrivateIpAddress: '10.2.1.5' }))).NetworkInterface!.NetworkInterfaceId!;
      await new Promise((r) => setTimeout(r, 20));
      const before = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 20));
      await c.send(new RevokeSecurityGroupIngressCommand({ GroupId: g, SecurityGroupRuleIds: [rule] }));
      const file = join(dir, 'flows.log');
      writeFileSync(file, `2 ${eni} 192.0.2.9 10.2.1.5 50000 8443 6 3 180 1767225600 1767225660 ACCEPT OK\n2 ${eni} 10.2.1.5 192.0.2.9 8443 50000 6 3 180 1767225600 1767225660 ACCEPT OK\n`);
      let out = '';
      expect(await replayCommand([file], { dataDir: dir, at: before, format: F.logFormat }, (s) => (out += s))).toBe(0);
      expect(out).toContain('2 unchanged');
      out = '';
      expect(await replayCommand([file], { dataDir: dir, format: F.logFormat }, (s) => (out += s))).toBe(1);
      expect(out).toContain('2 would change (2 ACCEPT → REJECT');
    } finally {
      await srv.close();
    }
  }, 30_000);
});
