// What cannot be imported is reported with its file, JSON path and reason, never dropped silently; bad input
// (no such file, not JSON) is an error of its own.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportInputError, importSources } from '../../src/importer/index.js';

type J = Record<string, unknown>;

function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-import-'));
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof data === 'string' ? data : JSON.stringify(data, null, 4));
  }
  return dir;
}

const OWNER = '123456789012';
const vpc = (id: string, cidr: string): J => ({ VpcId: id, CidrBlock: cidr, OwnerId: OWNER, IsDefault: false, CidrBlockAssociationSet: [{ AssociationId: `vpc-cidr-assoc-${id.slice(4)}`, CidrBlock: cidr, CidrBlockState: { State: 'associated' } }] });
const group = (id: string, name: string, vpcId: string, ingress: J[] = []): J => ({ GroupId: id, GroupName: name, Description: name, VpcId: vpcId, OwnerId: OWNER, IpPermissions: ingress, IpPermissionsEgress: [] });
const V1 = 'vpc-0000000000000aaa1';
const V2 = 'vpc-0000000000000aaa2';

describe('import warnings: file, JSON path, why', () => {
  it('an unknown top-level key is skipped at its path, the known keys of the same file are read', () => {
    const dir = folder({ 'mixed.json': { Vpcs: [vpc(V1, '10.0.0.0/16')], Volumes: [{ VolumeId: 'vol-1' }], NextToken: 'abc' } });
    const r = importSources([dir]);
    expect(r.regions[0].state.vpcs.has(V1)).toBe(true);
    expect(r.warnings).toEqual([expect.objectContaining({ kind: 'skipped', file: join(dir, 'mixed.json'), path: '$.Volumes', message: expect.stringMatching(/unknown top-level key 'Volumes'/) })]);
    expect(r.skipped).toBe(1);
  });

  it('a malformed CIDR in a rule skips that rule only, at the exact peer', () => {
    const dir = folder({
      'v.json': { Vpcs: [vpc(V1, '10.0.0.0/16')] },
      'g.json': { SecurityGroups: [group('sg-0000000000000bbb1', 'web', V1, [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.300/24' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8::/zz' }] }])] },
    });
    const r = importSources([dir]);
    const region = r.regions[0].state;
    expect(region.groupRules('sg-0000000000000bbb1', false).map((x) => x.peer)).toEqual([{ kind: 'cidr4', cidr: '0.0.0.0/0' }]);
    expect(r.warnings.map((w) => [w.kind, w.path, w.message])).toEqual([
      ['skipped', '$.SecurityGroups[0].IpPermissions[0].IpRanges[1]', "rule not imported: malformed IPv4 CIDR '10.0.0.300/24' (AWS stores only valid blocks)"],
      ['skipped', '$.SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0]', "rule not imported: malformed IPv6 CIDR '2001:db8::/zz' (AWS stores only valid blocks)"],
    ]);
  });

  it('a malformed CIDR in a network ACL entry skips the entry, with its path', () => {
    const dir = folder({
      'v.json': { Vpcs: [vpc(V1, '10.0.0.0/16')] },
      'a.json': { NetworkAcls: [{ NetworkAclId: 'acl-0000000000000ccc1', VpcId: V1, IsDefault: false, Associations: [], Entries: [
        { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '10.0.0.0/33', PortRange: { From: 22, To: 22 } },
        { RuleNumber: 110, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '10.0.0.0/8', PortRange: { From: 22, To: 22 } },
      ] }] },
    });
    const r = importSources([dir]);
    const acl = r.regions[0].state.networkAcls.get('acl-0000000000000ccc1')!;
    expect(acl.entries.filter((e) => e.ruleNumber < 32767).map((e) => e.ruleNumber)).toEqual([110]);
    expect(r.warnings).toEqual([expect.objectContaining({ kind: 'skipped', path: '$.NetworkAcls[0].Entries[0]', message: expect.stringMatching(/entry 100 \(ingress\) not imported: InvalidParameterValue: malformed IPv4 CIDR '10\.0\.0\.0\/33'/) })]);
  });

  it('a reference to a group of the same VPC that is not in the import is reported (AWS cannot hold it)', () => {
    const dir = folder({
      'v.json': { Vpcs: [vpc(V1, '10.0.0.0/16')] },
      'g.json': { SecurityGroups: [group('sg-0000000000000bbb1', 'db', V1, [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-0000000000000bbb9', UserId: OWNER }] }])] },
    });
    const r = importSources([dir]);
    expect(r.regions[0].state.groupRules('sg-0000000000000bbb1', false)).toEqual([]);
    expect(r.warnings).toEqual([expect.objectContaining({ kind: 'skipped', path: '$.SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0]', message: expect.stringMatching(/references sg-0000000000000bbb9, which is not in the import; a group of the same VPC cannot be deleted while referenced/) })]);
  });

  it('a reference across a peering to a group not in the import is kept, stale, as AWS keeps it', () => {
    const dir = folder({
      'v.json': { Vpcs: [vpc(V1, '10.0.0.0/16')] },
      'g.json': { SecurityGroups: [group('sg-0000000000000bbb1', 'db', V1, [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-0000000000000bbb9', UserId: '999988887777', VpcId: 'vpc-0000000000000fff9', VpcPeeringConnectionId: 'pcx-0000000000000fff9', PeeringStatus: 'deleted' }] }])] },
    });
    const r = importSources([dir]);
    const region = r.regions[0].state;
    const [rule] = region.groupRules('sg-0000000000000bbb1', false);
    expect(rule.peer).toEqual({ kind: 'group', groupId: 'sg-0000000000000bbb9', userId: '999988887777', vpcId: 'vpc-0000000000000fff9', vpcPeeringConnectionId: 'pcx-0000000000000fff9' });
    expect(region.staleRules()).toEqual([rule]);
    expect(r.skipped).toBe(0);
    expect([...region.vpcs.keys()]).toEqual([V1]);
    expect(region.vpcPeeringConnections.size).toBe(0);
    expect(region.securityGroups.has('sg-0000000000000bbb9')).toBe(false);
  });

  it('a reference to a group of another imported VPC with no active peering is stale too', () => {
    const dir = folder({
      'v.json': { Vpcs: [vpc(V1, '10.0.0.0/16'), vpc(V2, '10.1.0.0/16')] },
      'g.json': { SecurityGroups: [
        group('sg-0000000000000bbb1', 'db', V1, [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-0000000000000bbb2', UserId: OWNER, VpcId: V2 }] }]),
        group('sg-0000000000000bbb2', 'app', V2),
      ] },
    });
    const r = importSources([dir]);
    const region = r.regions[0].state;
    expect(region.staleRules().map((x) => x.groupId)).toEqual(['sg-0000000000000bbb1']);
    expect(region.vpcPeeringConnections.size).toBe(0);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/kept as a stale reference: sg-0000000000000bbb2 .* no active peering/)]);
  });

  it('a resource whose VPC is missing is skipped with the AWS error', () => {
    const dir = folder({ 's.json': { Subnets: [{ SubnetId: 'subnet-0000000000000ddd1', VpcId: V1, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }] } });
    const r = importSources([dir]);
    expect(r.warnings).toEqual([expect.objectContaining({ kind: 'skipped', path: '$.Subnets[0]', message: expect.stringMatching(/subnet subnet-0000000000000ddd1 not imported: InvalidVpcID\.NotFound/) })]);
  });

  it('prefix list entries that say no list are skipped; named after the list they are read', () => {
    const dir = folder({
      'lists.json': { ManagedPrefixLists: [{ PrefixListId: 'pl-0000000000000eee1', PrefixListName: 'office', AddressFamily: 'IPv4', MaxEntries: 2, OwnerId: OWNER, Version: 1 }] },
      'entries.json': { Entries: [{ Cidr: '192.0.2.0/24' }] },
      'pl-0000000000000eee1.json': { Entries: [{ Cidr: '198.51.100.0/24', Description: 'office' }] },
    });
    const r = importSources([dir]);
    expect(r.regions[0].state.prefixLists.get('pl-0000000000000eee1')!.entries).toEqual([{ cidr: '198.51.100.0/24', description: 'office' }]);
    expect(r.warnings).toEqual([expect.objectContaining({ kind: 'skipped', path: '$.Entries', file: join(dir, 'entries.json') })]);
  });

  it('the same resource in two files with different content: the first is kept, and it is said', () => {
    const dir = folder({ '1.json': { Vpcs: [vpc(V1, '10.0.0.0/16')] }, '2.json': { Vpcs: [{ ...vpc(V1, '10.0.0.0/16'), Tags: [{ Key: 'Name', Value: 'x' }] }] } });
    const r = importSources([dir]);
    expect(r.regions[0].state.vpcs.get(V1)!.tags).toEqual([]);
    expect(r.warnings).toEqual([expect.objectContaining({ kind: 'note', file: join(dir, '2.json'), path: '$.Vpcs[0]' })]);
  });

  it('terraform types that shape the network but are not modelled are reported, other types only noted', () => {
    const dir = folder({ 'state.json': { format_version: '1.0', values: { root_module: { resources: [
      { address: 'aws_vpc.a', mode: 'managed', type: 'aws_vpc', name: 'a', values: { id: V1, cidr_block: '10.0.0.0/16' } },
      { address: 'aws_vpc_endpoint.s3', mode: 'managed', type: 'aws_vpc_endpoint', name: 's3', values: { id: 'vpce-0000000000000aaa1' } },
      { address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', name: 'r', values: { id: 'r' } },
    ] } } } });
    const r = importSources([dir]);
    expect(r.warnings.map((w) => [w.kind, w.path])).toEqual([['skipped', '$.values.root_module.resources[1]'], ['note', '$']]);
    expect(r.warnings[1].message).toMatch(/aws_iam_role×1/);
  });

  it('bad input is an error: no such path, not JSON, no JSON files', () => {
    expect(() => importSources(['/nonexistent/rampart'])).toThrow(ImportInputError);
    expect(() => importSources([folder({ 'x.json': '{ "Vpcs": [' })])).toThrow(/not JSON/);
    expect(() => importSources([folder({ 'readme.txt': 'hello' })])).toThrow(/no \.json files/);
  });
});
