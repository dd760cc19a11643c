// The event log and the Config-like timeline, driven against a real server with a data directory: the state
// of a resource at past times, its history, and what changed between two times.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand, CreateNetworkAclCommand, CreateNetworkAclEntryCommand, CreateSecurityGroupCommand,
  DescribeVpcsCommand, EC2Client, RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { rampart } from '../cli/helpers.js';
import { parseTime } from '../../src/cli/events.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString();

let dir: string;
let server: RunningServer;
const t: number[] = [];
let groupId: string;
let ruleId: string;
let aclId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-events-'));
  server = await startServer({ port: 0, dataDir: dir });
  const ec2 = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
  const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0].VpcId!;
  const mark = async () => {
    await sleep(15);
    t.push(Date.now());
    await sleep(15);
  };
  await mark(); // t0: nothing yet
  groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web tier', VpcId: vpcId }))).GroupId!;
  await mark(); // t1: the group, no inbound rule
  const a = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'SSH' }] }] }));
  ruleId = a.SecurityGroupRules![0].SecurityGroupRuleId!;
  await mark(); // t2: SSH allowed
  aclId = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
  await mark(); // t3: an ACL with only its * entries
  await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: aclId, RuleNumber: 90, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } }));
  await mark(); // t4: the ACL denies SSH
  await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ruleId] }));
  await mark(); // t5: SSH revoked
}, 60_000);

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('timeline', () => {
  it('shows a security group as it was at each past time', () => {
    const before = rampart('timeline', groupId, '--data-dir', dir, '--at', iso(t[0]));
    expect(before.status).toBe(1);
    expect(before.out).toContain(`${groupId} did not exist at`);

    const t1 = rampart('timeline', groupId, '--data-dir', dir, '--at', iso(t[1]), '--format', 'json');
    expect(t1.status).toBe(0);
    const j1 = JSON.parse(t1.out);
    expect(j1).toMatchObject({ exists: true, resourceType: 'AWS::EC2::SecurityGroup', configuration: { name: 'web', ingress: [] } });
    expect(j1.rules).toHaveLength(1); // AWS's default outbound allow-all rule
    expect(j1.rules[0]).toMatchObject({ isEgress: true, protocol: -1, peer: { cidr: '0.0.0.0/0' } });

    const t2 = rampart('timeline', groupId, '--data-dir', dir, '--at', iso(t[2]));
    expect(t2.status).toBe(0);
    expect(t2.out).toContain(`inbound tcp 22 from 203.0.113.0/24 "SSH" [${ruleId}]`);
    expect(t2.out).toContain('outbound all traffic to 0.0.0.0/0');

    const t4 = JSON.parse(rampart('timeline', groupId, '--data-dir', dir, '--at', iso(t[5]), '--format', 'json').out);
    expect(t4.configuration.ingress).toEqual([]);
    // the rule itself is a resource with its own timeline
    expect(rampart('timeline', ruleId, '--data-dir', dir, '--at', iso(t[4])).status).toBe(0);
    expect(rampart('timeline', ruleId, '--data-dir', dir, '--at', iso(t[5])).status).toBe(1);
  });

  it('lists the history of a resource: its state after every call that named it', () => {
    const r = rampart('timeline', groupId, '--data-dir', dir, '--format', 'json');
    expect(r.status).toBe(0);
    const h = JSON.parse(r.out);
    expect(h.map((x: { eventName: string }) => x.eventName)).toEqual(['CreateSecurityGroup', 'AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress']);
    expect(h.map((x: { configuration: { ingress: string[] } }) => x.configuration.ingress)).toEqual([[], [ruleId], []]);
  });

  it('prints what changed between two times, with rules and ACL entries', () => {
    const d = rampart('timeline', '--data-dir', dir, '--diff', iso(t[1]), iso(t[4]));
    expect(d.status).toBe(1);
    expect(d.out).toContain('3 calls (AuthorizeSecurityGroupIngress, CreateNetworkAcl, CreateNetworkAclEntry)');
    expect(d.out).toContain(`~ AWS::EC2::SecurityGroup ${groupId} (web)`);
    expect(d.out).toContain(`    + rule inbound tcp 22 from 203.0.113.0/24 "SSH" [${ruleId}]`);
    expect(d.out).toContain(`+ AWS::EC2::NetworkAcl ${aclId}`);
    const j = JSON.parse(rampart('timeline', '--data-dir', dir, '--diff', iso(t[1]), iso(t[4]), '--format', 'json').out);
    expect(j.added.map((x: { resourceId: string }) => x.resourceId).sort()).toEqual([aclId, ruleId].sort());
    expect(j.removed).toEqual([]);
    expect(j.changed.map((c: { resourceId: string; fields: string[] }) => [c.resourceId, c.fields])).toEqual([[groupId, ['ingress']]]);

    // the entry added to an ACL that already existed shows as an entry change
    const e = rampart('timeline', aclId, '--data-dir', dir, '--diff', iso(t[3]), iso(t[4]));
    expect(e.status).toBe(1);
    expect(e.out.trimEnd().split('\n').slice(1)).toEqual([`~ AWS::EC2::NetworkAcl ${aclId}`, '    + entry inbound #90 (tcp 22 0.0.0.0/0) deny']);
    const e2 = rampart('timeline', '--data-dir', dir, '--diff', iso(t[4]), iso(t[5]));
    expect(e2.out).toContain(`    - rule inbound tcp 22 from 203.0.113.0/24 "SSH" [${ruleId}]`);
    expect(e2.out).not.toContain(aclId);

    const none = rampart('timeline', '--data-dir', dir, '--diff', iso(t[5]), 'now');
    expect(none.status).toBe(0);
    expect(none.out).toContain('no change');
    // the default resources of an account exist before its first call: they are not "added"
    const all = JSON.parse(rampart('timeline', '--data-dir', dir, '--diff', iso(t[0]), iso(t[1]), '--format', 'json').out);
    expect(all.added.map((x: { resourceId: string }) => x.resourceId).sort()).toEqual([groupId, all.added.find((x: { resourceType: string }) => x.resourceType === 'AWS::EC2::SecurityGroupRule').resourceId].sort());
  });

  it('rejects bad input with status 2', () => {
    expect(rampart('timeline', groupId, '--data-dir', dir, '--at', 'yesterday-ish').status).toBe(2);
    expect(rampart('timeline', '--data-dir', dir, '--diff', 'now').status).toBe(2);
    expect(rampart('timeline', groupId, '--data-dir', join(dir, 'nothing-here'), '--at', 'now').status).toBe(2);
  });
});

describe('events', () => {
  it('filters by resource, action, and relative or absolute times, as JSON lines or text', () => {
    const all = rampart('events', '--data-dir', dir, '--since', '1h');
    expect(all.status).toBe(0);
    const names = all.out.trim().split('\n').map((l) => JSON.parse(l).eventName);
    expect(names).toEqual(['CreateSecurityGroup', 'AuthorizeSecurityGroupIngress', 'CreateNetworkAcl', 'CreateNetworkAclEntry', 'RevokeSecurityGroupIngress']);

    const text = rampart('events', '--data-dir', dir, '--resource', groupId, '--format', 'text');
    const lines = text.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  AuthorizeSecurityGroupIngress +123456789012/us-east-1  .*${groupId}.*${ruleId}.*\\(AKIDEXAMPLE from 127\\.0\\.0\\.1\\)$`));

    expect(rampart('events', '--data-dir', dir, '--action', 'CreateNetworkAclEntry').out.trim().split('\n')).toHaveLength(1);
    expect(rampart('events', '--data-dir', dir, '--since', new Date(Date.now() + 3_600_000).toISOString()).out).toBe('');
    expect(rampart('events', '--data-dir', dir, '--until', '2h ago').out).toBe('');
    expect(rampart('events', '--data-dir', dir, '--until', 'now').out.trim().split('\n')).toHaveLength(5);
    expect(rampart('events', '--data-dir', dir, '--region', 'eu-west-1').out).toBe('');
    expect(rampart('events', '--data-dir', dir, '--since', 'last tuesday').status).toBe(2);
    expect(rampart('events', '--data-dir', dir, '--format', 'xml').status).toBe(2);
  });

  it('parses relative times', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(iso(parseTime('2h', now))).toBe('2026-12-02T10:00:00.000Z');
    expect(iso(parseTime('7d ago', now))).toBe('2026-11-25T12:00:00.000Z');
    expect(iso(parseTime('30m', now))).toBe('2026-12-02T11:30:00.000Z');
    expect(iso(parseTime('2026-12-01', now))).toBe('2026-12-01T00:00:00.000Z');
    expect(parseTime('now', now)).toBe(now);
    expect(() => parseTime('2x', now)).toThrow(/not a time/);
  });
});
