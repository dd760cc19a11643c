// Spec §5: quotas — their defaults and that they are configurable.
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTAS } from '../../src/model/quotas.js';
import { Region } from '../../src/state/region.js';
import { customVpc, expectAwsError, newGroup, tcp } from './helpers.js';

const v4 = (i: number) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`;
const v6 = (i: number) => `2001:db8:${(i + 1).toString(16)}::/48`;
const tcpV6 = (port: number, cidrIpv6: string) => ({ ipProtocol: 'tcp', fromPort: port, toPort: port, ipv6Ranges: [{ cidrIpv6 }] });

describe('defaults', () => {
  it('the default quotas are AWS defaults', () => {
    expect(DEFAULT_QUOTAS).toMatchObject({
      securityGroupsPerRegion: 2500,
      rulesPerSecurityGroup: 60,
      securityGroupsPerInterface: 5,
      rulesTimesGroupsPerInterface: 1000,
      networkAclsPerVpc: 200,
      networkAclEntriesPerDirection: 20,
      ipv4CidrBlocksPerVpc: 5,
    });
    expect(new Region({ defaultVpc: false }).quotas).toEqual(DEFAULT_QUOTAS);
  });

  it('quotas are configurable per Region', () => {
    const r = new Region({ defaultVpc: false, quotas: { securityGroupsPerInterface: 16, rulesPerSecurityGroup: 62 } });
    expect(r.quotas.securityGroupsPerInterface).toBe(16);
    expect(r.quotas.rulesPerSecurityGroup).toBe(62);
    expect(r.quotas.networkAclsPerVpc).toBe(200);
  });

  it('rulesPerSecurityGroup × securityGroupsPerInterface > 1000 is rejected at construction', () => {
    expect(() => new Region({ defaultVpc: false, quotas: { rulesPerSecurityGroup: 201 } })).toThrow(RangeError);
    expect(() => new Region({ defaultVpc: false, quotas: { securityGroupsPerInterface: 16, rulesPerSecurityGroup: 63 } })).toThrow(/may not exceed 1000/);
    // exactly 1000 is allowed
    expect(() => new Region({ defaultVpc: false, quotas: { rulesPerSecurityGroup: 200 } })).not.toThrow();
    expect(() => new Region({ defaultVpc: false, quotas: { securityGroupsPerInterface: 16, rulesPerSecurityGroup: 62 } })).not.toThrow();
  });

  it('negative or fractional quotas are rejected', () => {
    expect(() => new Region({ defaultVpc: false, quotas: { networkAclsPerVpc: -1 } })).toThrow(RangeError);
    expect(() => new Region({ defaultVpc: false, quotas: { networkAclsPerVpc: 1.5 } })).toThrow(RangeError);
  });
});

describe('rules per security group (default 60, per direction, per family)', () => {
  it('60 IPv4 and 60 IPv6 inbound rules fit; the 61st IPv4 rule is RulesPerSecurityGroupLimitExceeded', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    for (let i = 0; i < 60; i++) region.authorize(sg.id, false, [tcp(443, 443, v4(i))]);
    for (let i = 0; i < 60; i++) region.authorize(sg.id, false, [tcpV6(443, v6(i))]);
    expect(region.groupRules(sg.id, false)).toHaveLength(120);
    expectAwsError(() => region.authorize(sg.id, false, [tcp(443, 443, v4(60))]), 'RulesPerSecurityGroupLimitExceeded');
    expectAwsError(() => region.authorize(sg.id, false, [tcpV6(443, v6(60))]), 'RulesPerSecurityGroupLimitExceeded');
    expect(region.groupRules(sg.id, false)).toHaveLength(120);
  });

  it('inbound and outbound are counted separately', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    for (let i = 0; i < 60; i++) region.authorize(sg.id, false, [tcp(443, 443, v4(i))]);
    // the group already has its default all-outbound IPv4 rule: 59 more fit outbound
    for (let i = 0; i < 59; i++) region.authorize(sg.id, true, [tcp(443, 443, v4(i))]);
    expectAwsError(() => region.authorize(sg.id, true, [tcp(443, 443, v4(59))]), 'RulesPerSecurityGroupLimitExceeded');
  });

  it('one call adding 61 IPv4 rules at once fails and adds none', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    const ranges = Array.from({ length: 61 }, (_, i) => ({ cidrIp: v4(i) }));
    expectAwsError(() => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: ranges }]), 'RulesPerSecurityGroupLimitExceeded');
    expect(region.groupRules(sg.id, false)).toEqual([]);
    region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: ranges.slice(0, 60) }]);
    expect(region.groupRules(sg.id, false)).toHaveLength(60);
  });

  it('a group reference counts 1 in each family', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    const other = newGroup(region, vpc.id, 'other');
    for (let i = 0; i < 59; i++) region.authorize(sg.id, false, [tcp(443, 443, v4(i))]);
    for (let i = 0; i < 59; i++) region.authorize(sg.id, false, [tcpV6(443, v6(i))]);
    region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, userIdGroupPairs: [{ groupId: other.id }] }]);
    // 60 in each family now: neither family takes one more
    expectAwsError(() => region.authorize(sg.id, false, [tcp(443, 443, v4(59))]), 'RulesPerSecurityGroupLimitExceeded');
    expectAwsError(() => region.authorize(sg.id, false, [tcpV6(443, v6(59))]), 'RulesPerSecurityGroupLimitExceeded');
  });

  it('a group reference does not fit when one family is already full', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    for (let i = 0; i < 60; i++) region.authorize(sg.id, false, [tcpV6(443, v6(i))]);
    expectAwsError(() => region.authorize(sg.id, false, [{ ipProtocol: '-1', userIdGroupPairs: [{ groupId: sg.id }] }]), 'RulesPerSecurityGroupLimitExceeded');
    // IPv4 CIDR rules still fit
    region.authorize(sg.id, false, [tcp(443, 443, v4(0))]);
  });

  it('a customer-managed prefix list counts its max entries, not its current entries', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    const pl = region.createManagedPrefixList({ prefixListName: 'corp', addressFamily: 'IPv4', maxEntries: 10, entries: [{ cidr: '192.0.2.0/24' }] });
    for (let i = 0; i < 50; i++) region.authorize(sg.id, false, [tcp(443, 443, v4(i))]);
    region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, prefixListIds: [{ prefixListId: pl.id }] }]);
    expectAwsError(() => region.authorize(sg.id, false, [tcp(443, 443, v4(50))]), 'RulesPerSecurityGroupLimitExceeded');
  });

  it('a prefix list that would overflow the quota is refused', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    const pl = region.createManagedPrefixList({ prefixListName: 'big', addressFamily: 'IPv4', maxEntries: 11 });
    for (let i = 0; i < 50; i++) region.authorize(sg.id, false, [tcp(443, 443, v4(i))]);
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, prefixListIds: [{ prefixListId: pl.id }] }]),
      'RulesPerSecurityGroupLimitExceeded',
    );
  });

  it('an IPv6 prefix list counts against the IPv6 family only', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    const pl = region.createManagedPrefixList({ prefixListName: 'v6', addressFamily: 'IPv6', maxEntries: 60 });
    region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, prefixListIds: [{ prefixListId: pl.id }] }]);
    for (let i = 0; i < 60; i++) region.authorize(sg.id, false, [tcp(443, 443, v4(i))]);
    expectAwsError(() => region.authorize(sg.id, false, [tcpV6(443, v6(0))]), 'RulesPerSecurityGroupLimitExceeded');
  });

  it('growing a referenced prefix list beyond the rule quota is refused', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    const pl = region.createManagedPrefixList({ prefixListName: 'corp', addressFamily: 'IPv4', maxEntries: 10 });
    for (let i = 0; i < 50; i++) region.authorize(sg.id, false, [tcp(443, 443, v4(i))]);
    region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, prefixListIds: [{ prefixListId: pl.id }] }]);
    expectAwsError(() => region.modifyManagedPrefixList(pl.id, { maxEntries: 11 }), 'RulesPerSecurityGroupLimitExceeded');
    expect(region.getPrefixList(pl.id).maxEntries).toBe(10);
  });

  it('a lowered quota applies the same way', () => {
    const { region, vpc } = customVpc({ quotas: { rulesPerSecurityGroup: 2 } });
    const sg = newGroup(region, vpc.id);
    region.authorize(sg.id, false, [tcp(22, 22, v4(0)), tcp(22, 22, v4(1))]);
    expectAwsError(() => region.authorize(sg.id, false, [tcp(22, 22, v4(2))]), 'RulesPerSecurityGroupLimitExceeded');
  });

  it('ModifySecurityGroupRules turning an IPv6 rule into an IPv4 one is held to the IPv4 quota', () => {
    const { region, vpc } = customVpc({ quotas: { rulesPerSecurityGroup: 2 } });
    const sg = newGroup(region, vpc.id);
    region.authorize(sg.id, false, [tcp(22, 22, v4(0)), tcp(22, 22, v4(1))]);
    const [r6] = region.authorize(sg.id, false, [tcpV6(22, v6(0))]);
    expectAwsError(
      () => region.modifySecurityGroupRules(sg.id, [{ securityGroupRuleId: r6.id, securityGroupRule: { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: v4(2) } }]),
      'RulesPerSecurityGroupLimitExceeded',
    );
    expect(region.rule(r6.id).peer).toEqual({ kind: 'cidr6', cidr: v6(0) });
  });
});

describe('security groups per Region', () => {
  it('the quota is per Region, not per VPC: SecurityGroupLimitExceeded across two VPCs', () => {
    const region = new Region({ defaultVpc: false, quotas: { securityGroupsPerRegion: 3 } });
    const a = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const b = region.createVpc({ cidrBlock: '10.1.0.0/16' });
    newGroup(region, a.id, 'one');
    newGroup(region, a.id, 'two');
    newGroup(region, b.id, 'three');
    expectAwsError(() => newGroup(region, b.id, 'four'), 'SecurityGroupLimitExceeded');
    expectAwsError(() => newGroup(region, a.id, 'four'), 'SecurityGroupLimitExceeded');
  });

  it('deleting a group frees a place', () => {
    const region = new Region({ defaultVpc: false, quotas: { securityGroupsPerRegion: 1 } });
    const a = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const g = newGroup(region, a.id, 'one');
    expectAwsError(() => newGroup(region, a.id, 'two'), 'SecurityGroupLimitExceeded');
    region.deleteSecurityGroup({ groupId: g.id });
    newGroup(region, a.id, 'two');
  });

  it('the default quota is 2,500 groups in the Region', () => {
    const region = new Region({ defaultVpc: false });
    const a = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const b = region.createVpc({ cidrBlock: '10.1.0.0/16' });
    for (let i = 0; i < 1250; i++) newGroup(region, a.id, `g${i}`);
    for (let i = 1250; i < 2500; i++) newGroup(region, b.id, `g${i}`);
    expectAwsError(() => newGroup(region, b.id, 'g2500'), 'SecurityGroupLimitExceeded');
  });
});

describe('security groups per network interface', () => {
  function fiveGroups(region: Region, vpcId: string, n = 6) {
    return Array.from({ length: n }, (_, i) => newGroup(region, vpcId, `g${i}`).id);
  }

  it('5 groups fit on an ENI; 6 is SecurityGroupsPerInterfaceLimitExceeded', () => {
    const { region, vpc, subnet } = customVpc();
    const ids = fiveGroups(region, vpc.id);
    const eni = region.createNetworkInterface({ subnetId: subnet.id, groups: ids.slice(0, 5) });
    expect(eni.groups).toHaveLength(5);
    expectAwsError(() => region.createNetworkInterface({ subnetId: subnet.id, groups: ids }), 'SecurityGroupsPerInterfaceLimitExceeded');
  });

  it('the same quota applies to ModifyNetworkInterfaceAttribute and RunInstances', () => {
    const { region, vpc, subnet } = customVpc();
    const ids = fiveGroups(region, vpc.id);
    const eni = region.createNetworkInterface({ subnetId: subnet.id, groups: [ids[0]] });
    expectAwsError(() => region.modifyNetworkInterfaceAttribute(eni.id, { groups: ids }), 'SecurityGroupsPerInterfaceLimitExceeded');
    expect(region.getNetworkInterface(eni.id).groups).toEqual([ids[0]]);
    expectAwsError(() => region.runInstances({ subnetId: subnet.id, groups: ids }), 'SecurityGroupsPerInterfaceLimitExceeded');
  });

  it('the quota can be raised to 16', () => {
    const { region, vpc, subnet } = customVpc({ quotas: { securityGroupsPerInterface: 16, rulesPerSecurityGroup: 62 } });
    const ids = fiveGroups(region, vpc.id, 16);
    expect(region.createNetworkInterface({ subnetId: subnet.id, groups: ids }).groups).toHaveLength(16);
  });

  it('a group listed twice counts once', () => {
    const { region, vpc, subnet } = customVpc();
    const ids = fiveGroups(region, vpc.id, 5);
    expect(region.createNetworkInterface({ subnetId: subnet.id, groups: [...ids, ids[0]] }).groups).toEqual(ids);
  });
});

describe('network ACLs per VPC', () => {
  it('a lowered quota gives NetworkAclLimitExceeded (the default ACL counts)', () => {
    const { region, vpc } = customVpc({ quotas: { networkAclsPerVpc: 3 } });
    region.createNetworkAcl({ vpcId: vpc.id });
    region.createNetworkAcl({ vpcId: vpc.id });
    expectAwsError(() => region.createNetworkAcl({ vpcId: vpc.id }), 'NetworkAclLimitExceeded');
  });

  it('the quota is per VPC', () => {
    const { region, vpc } = customVpc({ quotas: { networkAclsPerVpc: 2 } });
    const other = region.createVpc({ cidrBlock: '10.1.0.0/16' });
    region.createNetworkAcl({ vpcId: vpc.id });
    region.createNetworkAcl({ vpcId: other.id });
    expectAwsError(() => region.createNetworkAcl({ vpcId: vpc.id }), 'NetworkAclLimitExceeded');
  });

  it('the default quota is 200 network ACLs per VPC', () => {
    const { region, vpc } = customVpc();
    for (let i = 0; i < 199; i++) region.createNetworkAcl({ vpcId: vpc.id });
    expectAwsError(() => region.createNetworkAcl({ vpcId: vpc.id }), 'NetworkAclLimitExceeded');
  });
});

describe('network ACL entries per direction', () => {
  const entry = (ruleNumber: number, egress = false) => ({ ruleNumber, egress, protocol: -1, ruleAction: 'allow' as const, cidrBlock: '10.0.0.0/8' });

  it('20 entries per direction fit; the 21st is NetworkAclEntryLimitExceeded (the * rules do not count)', () => {
    const { region, vpc } = customVpc({ ipv6: true });
    const acl = region.createNetworkAcl({ vpcId: vpc.id });
    for (let i = 1; i <= 20; i++) region.createNetworkAclEntry(acl.id, entry(i * 10));
    expectAwsError(() => region.createNetworkAclEntry(acl.id, entry(300)), 'NetworkAclEntryLimitExceeded');
    // outbound is counted separately
    for (let i = 1; i <= 20; i++) region.createNetworkAclEntry(acl.id, entry(i * 10, true));
    expectAwsError(() => region.createNetworkAclEntry(acl.id, entry(300, true)), 'NetworkAclEntryLimitExceeded');
  });

  it('the default ACL rule 100 counts like any other entry', () => {
    const { region, vpc } = customVpc();
    const acl = region.defaultNetworkAcl(vpc.id);
    for (let i = 1; i <= 19; i++) region.createNetworkAclEntry(acl.id, entry(i));
    expectAwsError(() => region.createNetworkAclEntry(acl.id, entry(200)), 'NetworkAclEntryLimitExceeded');
  });

  it('the quota can be raised to 40', () => {
    const { region, vpc } = customVpc({ quotas: { networkAclEntriesPerDirection: 40 } });
    const acl = region.createNetworkAcl({ vpcId: vpc.id });
    for (let i = 1; i <= 40; i++) region.createNetworkAclEntry(acl.id, entry(i));
    expectAwsError(() => region.createNetworkAclEntry(acl.id, entry(41)), 'NetworkAclEntryLimitExceeded');
  });

  it('replacing an entry at the limit is allowed', () => {
    const { region, vpc } = customVpc({ quotas: { networkAclEntriesPerDirection: 1 } });
    const acl = region.createNetworkAcl({ vpcId: vpc.id });
    region.createNetworkAclEntry(acl.id, entry(1));
    region.replaceNetworkAclEntry(acl.id, { ...entry(1), ruleAction: 'deny' });
    expect(region.getNetworkAcl(acl.id).entries.find((e) => e.ruleNumber === 1)!.ruleAction).toBe('deny');
  });
});

describe('VPC blocks', () => {
  it('a VPC block is /16 to /28: /15 and /29 are InvalidVpc.Range', () => {
    const region = new Region({ defaultVpc: false });
    expectAwsError(() => region.createVpc({ cidrBlock: '10.0.0.0/15' }), 'InvalidVpc.Range');
    expectAwsError(() => region.createVpc({ cidrBlock: '10.0.0.0/29' }), 'InvalidVpc.Range');
    expect(region.createVpc({ cidrBlock: '10.0.0.0/16' }).cidrBlocks[0].cidrBlock).toBe('10.0.0.0/16');
    expect(region.createVpc({ cidrBlock: '10.1.0.0/28' }).cidrBlocks[0].cidrBlock).toBe('10.1.0.0/28');
  });

  it('a secondary block is held to /16–/28 too', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.associateVpcCidrBlock(vpc.id, { cidrBlock: '10.2.0.0/15' }), 'InvalidVpc.Range');
    expectAwsError(() => region.associateVpcCidrBlock(vpc.id, { cidrBlock: '10.3.0.0/30' }), 'InvalidVpc.Range');
  });

  it('a VPC has up to 5 IPv4 blocks', () => {
    const { region, vpc } = customVpc();
    for (let i = 1; i <= 4; i++) region.associateVpcCidrBlock(vpc.id, { cidrBlock: `10.${i}.0.0/16` });
    expect(region.getVpc(vpc.id).cidrBlocks).toHaveLength(5);
    expectAwsError(() => region.associateVpcCidrBlock(vpc.id, { cidrBlock: '10.9.0.0/16' }), 'CidrLimitExceeded');
    expect(region.getVpc(vpc.id).cidrBlocks).toHaveLength(5);
  });

  it('a secondary block may not overlap the VPC blocks', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.associateVpcCidrBlock(vpc.id, { cidrBlock: '10.0.128.0/17' }), 'VpcCidrConflict');
  });

  it('a secondary block adds a local route to every route table of the VPC', () => {
    const { region, vpc } = customVpc();
    const rtb = region.createRouteTable({ vpcId: vpc.id });
    region.associateVpcCidrBlock(vpc.id, { cidrBlock: '10.7.0.0/16' });
    for (const r of [rtb, region.mainRouteTable(vpc.id)]) {
      expect(region.getRouteTable(r.id).routes).toContainEqual(expect.objectContaining({ destinationCidrBlock: '10.7.0.0/16', target: { kind: 'local' } }));
    }
  });

  it('an IPv6 VPC block is a /56', () => {
    const region = new Region({ defaultVpc: false });
    const vpc = region.createVpc({ cidrBlock: '10.0.0.0/16', amazonProvidedIpv6CidrBlock: true });
    expect(vpc.ipv6CidrBlocks[0].ipv6CidrBlock).toMatch(/\/56$/);
    expectAwsError(() => region.createVpc({ cidrBlock: '10.1.0.0/16', ipv6CidrBlock: '2001:db8::/48' }), 'InvalidVpc.Range');
  });
});

describe('subnet blocks', () => {
  it('a subnet outside the VPC blocks is InvalidSubnet.Range', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.1.0.0/24' }), 'InvalidSubnet.Range');
    // partly outside
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.0.0/15' }), 'InvalidSubnet.Range');
  });

  it('a subnet in a secondary block is allowed', () => {
    const { region, vpc } = customVpc();
    region.associateVpcCidrBlock(vpc.id, { cidrBlock: '10.8.0.0/16' });
    expect(region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.8.3.0/24' }).cidrBlock).toBe('10.8.3.0/24');
  });

  it('a subnet block is /16 to /28', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.2.0/29' }), 'InvalidSubnet.Range');
    expect(region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.2.0/28' }).cidrBlock).toBe('10.0.2.0/28');
  });

  it('overlapping subnets are InvalidSubnet.Conflict', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.1.0/24' }), 'InvalidSubnet.Conflict');
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.1.128/25' }), 'InvalidSubnet.Conflict');
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.0.0/23' }), 'InvalidSubnet.Conflict');
  });

  it('the same subnet block in two VPCs does not conflict', () => {
    const { region } = customVpc();
    const other = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    expect(region.createSubnet({ vpcId: other.id, cidrBlock: '10.0.1.0/24' }).vpcId).toBe(other.id);
  });

  it('an IPv6 subnet block is a /64 inside the VPC block', () => {
    const { region, vpc } = customVpc({ ipv6: true });
    const block = region.getVpc(vpc.id).ipv6CidrBlocks[0].ipv6CidrBlock;
    const base = block.replace('/56', '/64');
    const s = region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.2.0/24', ipv6CidrBlock: base });
    expect(s.ipv6CidrBlocks[0].ipv6CidrBlock).toBe(base);
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.3.0/24', ipv6CidrBlock: block }), 'InvalidSubnet.Range');
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.3.0/24', ipv6CidrBlock: '2001:db8::/64' }), 'InvalidSubnet.Range');
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.3.0/24', ipv6CidrBlock: base }), 'InvalidSubnet.Conflict');
  });
});

describe('reserved subnet addresses', () => {
  it('the first four addresses and the last of a subnet cannot be assigned', () => {
    const { region, subnet } = customVpc();
    for (const ip of ['10.0.1.0', '10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.255']) {
      expectAwsError(() => region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: ip }), 'InvalidParameterValue', /reserved/);
    }
    expect(region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.4' }).privateIpAddresses[0].privateIpAddress).toBe('10.0.1.4');
    expect(region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.254' }).privateIpAddresses[0].privateIpAddress).toBe('10.0.1.254');
  });

  it('automatic assignment starts at the fifth address (.4)', () => {
    const { region, subnet } = customVpc();
    const a = region.createNetworkInterface({ subnetId: subnet.id });
    const b = region.createNetworkInterface({ subnetId: subnet.id });
    expect(a.privateIpAddresses[0].privateIpAddress).toBe('10.0.1.4');
    expect(b.privateIpAddresses[0].privateIpAddress).toBe('10.0.1.5');
  });

  it('a /28 subnet has 11 usable addresses', () => {
    const region = new Region({ defaultVpc: false });
    const vpc = region.createVpc({ cidrBlock: '10.0.0.0/28' });
    const s = region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.0.0/28' });
    const got = Array.from({ length: 11 }, () => region.createNetworkInterface({ subnetId: s.id }).privateIpAddresses[0].privateIpAddress);
    expect(got[0]).toBe('10.0.0.4');
    expect(got[10]).toBe('10.0.0.14');
    expectAwsError(() => region.createNetworkInterface({ subnetId: s.id }), 'InsufficientFreeAddressesInSubnet');
  });

  it('an address outside the subnet is rejected', () => {
    const { region, subnet } = customVpc();
    expectAwsError(() => region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.2.10' }), 'InvalidParameterValue');
  });

  it('an address in use is InvalidIPAddress.InUse', () => {
    const { region, subnet } = customVpc();
    region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.10' });
    expectAwsError(() => region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.10' }), 'InvalidIPAddress.InUse');
    expectAwsError(() => region.runInstances({ subnetId: subnet.id, privateIpAddress: '10.0.1.10' }), 'InvalidIPAddress.InUse');
  });

  it('automatic assignment skips addresses in use', () => {
    const { region, subnet } = customVpc();
    region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.4' });
    expect(region.createNetworkInterface({ subnetId: subnet.id }).privateIpAddresses[0].privateIpAddress).toBe('10.0.1.5');
  });

  it('an address is free again once its ENI is deleted', () => {
    const { region, subnet } = customVpc();
    const e = region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.10' });
    region.deleteNetworkInterface(e.id);
    region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.10' });
  });
});
