// Spec §1, §2, §4: what AWS creates on its own — the default VPC, default security group, default and
// custom network ACLs, and the first rule of a new security group.
import { describe, expect, it } from 'vitest';
import { Region } from '../../src/state/region.js';
import { customVpc, newGroup } from './helpers.js';

describe('default VPC', () => {
  const region = new Region();
  const vpc = region.defaultVpc()!;

  it('new Region() has a default VPC 172.31.0.0/16', () => {
    expect(vpc).toBeDefined();
    expect(vpc.isDefault).toBe(true);
    expect(vpc.cidrBlocks.map((b) => b.cidrBlock)).toEqual(['172.31.0.0/16']);
    expect(vpc.ipv6CidrBlocks).toEqual([]);
  });

  it('the default VPC has one /20 default subnet per availability zone, each mapping public IPs on launch', () => {
    const subnets = [...region.subnets.values()].filter((s) => s.vpcId === vpc.id);
    const azs = region.availabilityZones();
    expect(subnets).toHaveLength(azs.length);
    expect(subnets.map((s) => s.availabilityZone).sort()).toEqual([...azs].sort());
    for (const s of subnets) {
      expect(s.cidrBlock).toMatch(/^172\.31\.\d+\.0\/20$/);
      expect(s.defaultForAz).toBe(true);
      expect(s.mapPublicIpOnLaunch).toBe(true);
    }
    expect(new Set(subnets.map((s) => s.cidrBlock)).size).toBe(subnets.length);
  });

  it('the default VPC has an internet gateway attached', () => {
    const igw = region.attachedInternetGateway(vpc.id);
    expect(igw).toBeDefined();
    expect(igw!.attachments).toEqual([{ vpcId: vpc.id, state: 'available' }]);
  });

  it('the main route table of the default VPC routes 0.0.0.0/0 to the internet gateway, next to the local route', () => {
    const rtb = region.mainRouteTable(vpc.id);
    const igw = region.attachedInternetGateway(vpc.id)!;
    expect(rtb.routes).toContainEqual(expect.objectContaining({ destinationCidrBlock: '172.31.0.0/16', target: { kind: 'local' } }));
    expect(rtb.routes).toContainEqual(expect.objectContaining({ destinationCidrBlock: '0.0.0.0/0', target: { kind: 'igw', gatewayId: igw.id } }));
    // default subnets use the main route table (no explicit association)
    for (const s of region.subnets.values()) expect(region.subnetRouteTable(s.id).id).toBe(rtb.id);
  });

  it('a second default VPC cannot be created', () => {
    expect(() => region.createDefaultVpc()).toThrow(/Default VPC already exists/);
  });

  it('new Region({ defaultVpc: false }) has no VPC at all', () => {
    const r = new Region({ defaultVpc: false });
    expect(r.vpcs.size).toBe(0);
    expect(r.defaultVpc()).toBeUndefined();
    expect(r.securityGroups.size).toBe(0);
  });
});

describe('default security group', () => {
  it('is named "default" with description "default VPC security group"', () => {
    const { region, vpc } = customVpc();
    const sg = region.defaultSecurityGroup(vpc.id);
    expect(sg.name).toBe('default');
    expect(sg.description).toBe('default VPC security group');
    expect(sg.vpcId).toBe(vpc.id);
  });

  it('allows all inbound traffic from itself and nothing else inbound', () => {
    const { region, vpc } = customVpc();
    const sg = region.defaultSecurityGroup(vpc.id);
    const ingress = region.groupRules(sg.id, false);
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ protocol: -1, fromPort: -1, toPort: -1, isEgress: false, peer: { kind: 'group', groupId: sg.id, userId: region.accountId } });
  });

  it('allows all outbound traffic to 0.0.0.0/0 only, when the VPC has no IPv6', () => {
    const { region, vpc } = customVpc();
    const egress = region.groupRules(region.defaultSecurityGroup(vpc.id).id, true);
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({ protocol: -1, fromPort: -1, toPort: -1, isEgress: true, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' } });
  });

  it('also allows all outbound traffic to ::/0 when the VPC has IPv6', () => {
    const { region, vpc } = customVpc({ ipv6: true });
    const egress = region.groupRules(region.defaultSecurityGroup(vpc.id).id, true);
    expect(egress.map((r) => r.peer)).toEqual([{ kind: 'cidr4', cidr: '0.0.0.0/0' }, { kind: 'cidr6', cidr: '::/0' }]);
    expect(egress.every((r) => r.protocol === -1)).toBe(true);
  });

  it('gets the ::/0 outbound rule when IPv6 is associated later (rampart\'s reading of "only when the VPC has IPv6")', () => {
    const { region, vpc } = customVpc();
    const sg = region.defaultSecurityGroup(vpc.id);
    const custom = newGroup(region, vpc.id);
    region.associateVpcCidrBlock(vpc.id, { amazonProvidedIpv6CidrBlock: true });
    expect(region.groupRules(sg.id, true).map((r) => r.peer)).toEqual([{ kind: 'cidr4', cidr: '0.0.0.0/0' }, { kind: 'cidr6', cidr: '::/0' }]);
    // other groups are left alone
    expect(region.groupRules(custom.id, true).map((r) => r.peer)).toEqual([{ kind: 'cidr4', cidr: '0.0.0.0/0' }]);
  });

  it('the default VPC also has its default security group', () => {
    const region = new Region();
    const sg = region.defaultSecurityGroup(region.defaultVpc()!.id);
    expect(sg.description).toBe('default VPC security group');
  });
});

describe('default network ACL', () => {
  it('has rule 100 allowing all inbound and outbound, and the * 32767 deny rules', () => {
    const { region, vpc } = customVpc();
    const acl = region.defaultNetworkAcl(vpc.id);
    expect(acl.isDefault).toBe(true);
    expect(acl.entries).toEqual([
      { ruleNumber: 100, egress: false, protocol: -1, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' },
      { ruleNumber: 32767, egress: false, protocol: -1, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' },
      { ruleNumber: 100, egress: true, protocol: -1, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' },
      { ruleNumber: 32767, egress: true, protocol: -1, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' },
    ]);
  });

  it('with IPv6 it also has rule 101 allowing ::/0 and the * 32768 deny rules', () => {
    const { region, vpc } = customVpc({ ipv6: true });
    const acl = region.defaultNetworkAcl(vpc.id);
    for (const egress of [false, true]) {
      expect(acl.entries.filter((e) => e.egress === egress)).toEqual([
        { ruleNumber: 100, egress, protocol: -1, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' },
        { ruleNumber: 101, egress, protocol: -1, ruleAction: 'allow', ipv6CidrBlock: '::/0' },
        { ruleNumber: 32767, egress, protocol: -1, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' },
        { ruleNumber: 32768, egress, protocol: -1, ruleAction: 'deny', ipv6CidrBlock: '::/0' },
      ]);
    }
  });

  it('gets rule 101 and the * 32768 rules when IPv6 is associated with the VPC later', () => {
    const { region, vpc } = customVpc();
    const custom = region.createNetworkAcl({ vpcId: vpc.id });
    region.associateVpcCidrBlock(vpc.id, { amazonProvidedIpv6CidrBlock: true });
    const acl = region.defaultNetworkAcl(vpc.id);
    expect(acl.entries.map((e) => `${e.egress ? 'out' : 'in'}:${e.ruleNumber}:${e.cidrBlock ?? e.ipv6CidrBlock}:${e.ruleAction}`)).toEqual([
      'in:100:0.0.0.0/0:allow', 'in:101:::/0:allow', 'in:32767:0.0.0.0/0:deny', 'in:32768:::/0:deny',
      'out:100:0.0.0.0/0:allow', 'out:101:::/0:allow', 'out:32767:0.0.0.0/0:deny', 'out:32768:::/0:deny',
    ]);
    // a custom ACL gets only the * IPv6 deny rules
    expect(region.getNetworkAcl(custom.id).entries.map((e) => `${e.egress ? 'out' : 'in'}:${e.ruleNumber}`)).toEqual([
      'in:32767', 'in:32768', 'out:32767', 'out:32768',
    ]);
  });

  it('a second IPv6 block does not add the IPv6 rules again', () => {
    const { region, vpc } = customVpc({ ipv6: true });
    const before = JSON.stringify(region.defaultNetworkAcl(vpc.id).entries);
    region.associateVpcCidrBlock(vpc.id, { amazonProvidedIpv6CidrBlock: true });
    expect(JSON.stringify(region.defaultNetworkAcl(vpc.id).entries)).toBe(before);
  });

  it('subnets not explicitly associated use the default network ACL', () => {
    const { region, vpc, subnet } = customVpc();
    expect(region.subnetNetworkAcl(subnet.id).id).toBe(region.defaultNetworkAcl(vpc.id).id);
  });
});

describe('custom network ACL', () => {
  it('starts with only the * deny-all entries, inbound and outbound, and no subnets', () => {
    const { region, vpc } = customVpc();
    const acl = region.createNetworkAcl({ vpcId: vpc.id });
    expect(acl.isDefault).toBe(false);
    expect(acl.associations).toEqual([]);
    expect(acl.entries).toEqual([
      { ruleNumber: 32767, egress: false, protocol: -1, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' },
      { ruleNumber: 32767, egress: true, protocol: -1, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' },
    ]);
  });

  it('in a VPC with IPv6 starts with the * 32767 and 32768 deny entries only', () => {
    const { region, vpc } = customVpc({ ipv6: true });
    const acl = region.createNetworkAcl({ vpcId: vpc.id });
    expect(acl.entries.every((e) => e.ruleAction === 'deny')).toBe(true);
    expect(acl.entries.map((e) => e.ruleNumber).sort()).toEqual([32767, 32767, 32768, 32768]);
  });
});

describe('new security group', () => {
  it('has no inbound rules and one outbound rule allowing all IPv4 traffic', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    expect(region.groupRules(sg.id, false)).toEqual([]);
    const egress = region.groupRules(sg.id, true);
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({ protocol: -1, fromPort: -1, toPort: -1, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' } });
  });

  it('gets no ::/0 outbound rule even in a VPC with IPv6', () => {
    const { region, vpc } = customVpc({ ipv6: true });
    const sg = newGroup(region, vpc.id);
    expect(region.groupRules(sg.id, true).map((r) => r.peer)).toEqual([{ kind: 'cidr4', cidr: '0.0.0.0/0' }]);
  });

  it('goes to the default VPC when no VPC is given', () => {
    const region = new Region();
    const sg = region.createSecurityGroup({ groupName: 'web', description: 'web' });
    expect(sg.vpcId).toBe(region.defaultVpc()!.id);
  });
});
