// Spec §4 and §6: network ACL entries and associations.
import { describe, expect, it } from 'vitest';
import type { NetworkAclEntry } from '../../src/model/types.js';
import { customVpc, expectAwsError } from './helpers.js';

const allow = (ruleNumber: number, egress = false, extra: Partial<NetworkAclEntry> = {}): NetworkAclEntry => ({
  ruleNumber, egress, protocol: -1, ruleAction: 'allow', cidrBlock: '10.0.0.0/8', ...extra,
});

function setup() {
  const { region, vpc, subnet } = customVpc();
  const acl = region.createNetworkAcl({ vpcId: vpc.id });
  return { region, vpc, subnet, acl };
}

describe('entries', () => {
  it('rule numbers run 1–32766', () => {
    const { region, acl } = setup();
    region.createNetworkAclEntry(acl.id, allow(1));
    region.createNetworkAclEntry(acl.id, allow(32766));
    for (const n of [0, 32767, 32768, -1, 1.5]) expectAwsError(() => region.createNetworkAclEntry(acl.id, allow(n)), 'InvalidParameterValue');
  });

  it('entries are kept in rule-number order per direction, the * rules last', () => {
    const { region, acl } = setup();
    region.createNetworkAclEntry(acl.id, allow(300));
    region.createNetworkAclEntry(acl.id, allow(100));
    region.createNetworkAclEntry(acl.id, allow(200, true));
    expect(region.getNetworkAcl(acl.id).entries.map((e) => `${e.egress ? 'out' : 'in'}:${e.ruleNumber}`)).toEqual([
      'in:100', 'in:300', 'in:32767', 'out:200', 'out:32767',
    ]);
  });

  it('a duplicate rule number in one direction is NetworkAclEntryAlreadyExists "The network acl entry identified by 100 already exists."', () => {
    const { region, acl } = setup();
    region.createNetworkAclEntry(acl.id, allow(100));
    expectAwsError(
      () => region.createNetworkAclEntry(acl.id, allow(100, false, { ruleAction: 'deny', cidrBlock: '0.0.0.0/0' })),
      'NetworkAclEntryAlreadyExists',
      'The network acl entry identified by 100 already exists.',
    );
  });

  it('the same rule number is allowed in the other direction', () => {
    const { region, acl } = setup();
    region.createNetworkAclEntry(acl.id, allow(100));
    region.createNetworkAclEntry(acl.id, allow(100, true));
    expect(region.getNetworkAcl(acl.id).entries.filter((e) => e.ruleNumber === 100)).toHaveLength(2);
  });

  it('the default ACL rule 100 already exists', () => {
    const { region, vpc } = setup();
    expectAwsError(() => region.createNetworkAclEntry(region.defaultNetworkAcl(vpc.id).id, allow(100)), 'NetworkAclEntryAlreadyExists');
  });

  it('replacing an entry that does not exist is InvalidNetworkAclEntry.NotFound', () => {
    const { region, acl } = setup();
    expectAwsError(() => region.replaceNetworkAclEntry(acl.id, allow(100)), 'InvalidNetworkAclEntry.NotFound');
    region.createNetworkAclEntry(acl.id, allow(100));
    // only the other direction has it
    expectAwsError(() => region.replaceNetworkAclEntry(acl.id, allow(100, true)), 'InvalidNetworkAclEntry.NotFound');
  });

  it('an entry is replaced whole, keeping its number', () => {
    const { region, acl } = setup();
    region.createNetworkAclEntry(acl.id, allow(100, false, { protocol: 6, portRange: { from: 22, to: 22 } }));
    region.replaceNetworkAclEntry(acl.id, { ruleNumber: 100, egress: false, protocol: -1, ruleAction: 'deny', cidrBlock: '192.168.0.0/16' });
    expect(region.getNetworkAcl(acl.id).entries.find((e) => e.ruleNumber === 100 && !e.egress)).toEqual({
      ruleNumber: 100, egress: false, protocol: -1, ruleAction: 'deny', cidrBlock: '192.168.0.0/16',
    });
  });

  it('the * rules cannot be deleted or replaced', () => {
    const { region, acl, vpc } = setup();
    for (const id of [acl.id, region.defaultNetworkAcl(vpc.id).id]) {
      expectAwsError(() => region.deleteNetworkAclEntry(id, 32767, false), 'InvalidParameterValue');
      expectAwsError(() => region.deleteNetworkAclEntry(id, 32767, true), 'InvalidParameterValue');
      expectAwsError(() => region.deleteNetworkAclEntry(id, 32768, false), 'InvalidParameterValue');
      expectAwsError(() => region.replaceNetworkAclEntry(id, { ruleNumber: 32767, egress: false, protocol: -1, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' }), 'InvalidParameterValue');
    }
    expect(region.getNetworkAcl(acl.id).entries.filter((e) => e.ruleNumber === 32767)).toHaveLength(2);
  });

  it('deleting an entry removes only that direction; deleting a missing one is InvalidNetworkAclEntry.NotFound', () => {
    const { region, acl } = setup();
    region.createNetworkAclEntry(acl.id, allow(100));
    region.createNetworkAclEntry(acl.id, allow(100, true));
    region.deleteNetworkAclEntry(acl.id, 100, false);
    expect(region.getNetworkAcl(acl.id).entries.filter((e) => e.ruleNumber === 100).map((e) => e.egress)).toEqual([true]);
    expectAwsError(() => region.deleteNetworkAclEntry(acl.id, 100, false), 'InvalidNetworkAclEntry.NotFound');
  });

  it('the default ACL rule 100 can be deleted (it is an ordinary entry)', () => {
    const { region, vpc } = setup();
    const acl = region.defaultNetworkAcl(vpc.id);
    region.deleteNetworkAclEntry(acl.id, 100, false);
    expect(region.getNetworkAcl(acl.id).entries.filter((e) => !e.egress).map((e) => e.ruleNumber)).toEqual([32767]);
  });

  it('tcp (6) and udp (17) entries need a port range', () => {
    const { region, acl } = setup();
    expectAwsError(() => region.createNetworkAclEntry(acl.id, allow(100, false, { protocol: 6 })), 'InvalidParameterValue');
    expectAwsError(() => region.createNetworkAclEntry(acl.id, allow(100, false, { protocol: 17 })), 'InvalidParameterValue');
    const e = region.createNetworkAclEntry(acl.id, allow(100, false, { protocol: 6, portRange: { from: 1024, to: 65535 } }));
    expect(e.portRange).toEqual({ from: 1024, to: 65535 });
  });

  it('a port out of 0–65535 is "TCP/UDP port (-1) out of range"', () => {
    const { region, acl } = setup();
    expectAwsError(() => region.createNetworkAclEntry(acl.id, allow(100, false, { protocol: 6, portRange: { from: -1, to: 80 } })), 'InvalidParameterValue', 'TCP/UDP port (-1) out of range');
  });

  it('protocol -1 and protocols other than 6/17/1/58 ignore (drop) a port range', () => {
    const { region, acl } = setup();
    const all = region.createNetworkAclEntry(acl.id, allow(100, false, { protocol: -1, portRange: { from: 22, to: 22 } }));
    expect(all.portRange).toBeUndefined();
    const gre = region.createNetworkAclEntry(acl.id, allow(110, false, { protocol: 47, portRange: { from: 22, to: 22 } }));
    expect(gre.portRange).toBeUndefined();
    expect(gre.protocol).toBe(47);
  });

  it('icmp entries carry a type and code', () => {
    const { region, acl } = setup();
    expectAwsError(() => region.createNetworkAclEntry(acl.id, allow(100, false, { protocol: 1 })), 'InvalidParameterValue');
    const e = region.createNetworkAclEntry(acl.id, allow(100, false, { protocol: 1, icmpTypeCode: { type: 3, code: 4 } }));
    expect(e.icmpTypeCode).toEqual({ type: 3, code: 4 });
  });

  it('an entry has exactly one of CidrBlock and Ipv6CidrBlock, stored canonical', () => {
    const { region, acl } = setup();
    expectAwsError(() => region.createNetworkAclEntry(acl.id, { ruleNumber: 100, egress: false, protocol: -1, ruleAction: 'allow' }), 'MissingParameter');
    expectAwsError(() => region.createNetworkAclEntry(acl.id, allow(100, false, { ipv6CidrBlock: '::/0' })), 'InvalidParameterCombination');
    expect(region.createNetworkAclEntry(acl.id, allow(100, false, { cidrBlock: '10.1.2.3/16' })).cidrBlock).toBe('10.1.0.0/16');
    expect(region.createNetworkAclEntry(acl.id, { ruleNumber: 101, egress: false, protocol: -1, ruleAction: 'allow', ipv6CidrBlock: '2001:DB8::/32' }).ipv6CidrBlock).toBe('2001:db8::/32');
    expectAwsError(() => region.createNetworkAclEntry(acl.id, { ruleNumber: 102, egress: false, protocol: -1, ruleAction: 'allow', cidrBlock: '::/0' }), 'InvalidParameterValue');
  });

  it('rule actions are allow and deny only', () => {
    const { region, acl } = setup();
    expectAwsError(() => region.createNetworkAclEntry(acl.id, allow(100, false, { ruleAction: 'accept' as never })), 'InvalidParameterValue');
  });

  it('an unknown ACL is InvalidNetworkAclID.NotFound "The networkAcl ID \'acl-…\' does not exist"', () => {
    const { region } = setup();
    const id = 'acl-0123456789abcdef0';
    const msg = `The networkAcl ID '${id}' does not exist`;
    expectAwsError(() => region.getNetworkAcl(id), 'InvalidNetworkAclID.NotFound', msg);
    expectAwsError(() => region.createNetworkAclEntry(id, allow(100)), 'InvalidNetworkAclID.NotFound', msg);
    expectAwsError(() => region.deleteNetworkAcl(id), 'InvalidNetworkAclID.NotFound', msg);
    expectAwsError(() => region.replaceNetworkAclAssociation('aclassoc-0123456789abcdef0', id), 'InvalidNetworkAclID.NotFound', msg);
  });
});

describe('IPv6 associated later', () => {
  it('a custom entry 101 in the default ACL is kept when IPv6 is associated later (numbers stay unique per direction)', () => {
    const { region, vpc } = customVpc();
    const acl = region.defaultNetworkAcl(vpc.id);
    region.createNetworkAclEntry(acl.id, allow(101, false, { ruleAction: 'deny', cidrBlock: '192.0.2.0/24' }));
    region.associateVpcCidrBlock(vpc.id, { amazonProvidedIpv6CidrBlock: true });
    const entries = region.getNetworkAcl(acl.id).entries;
    for (const egress of [false, true]) {
      const numbers = entries.filter((e) => e.egress === egress).map((e) => e.ruleNumber);
      expect(new Set(numbers).size).toBe(numbers.length);
    }
    expect(entries.find((e) => !e.egress && e.ruleNumber === 101)).toMatchObject({ ruleAction: 'deny', cidrBlock: '192.0.2.0/24' });
    // outbound 101 was free, so it got the IPv6 allow-all
    expect(entries.find((e) => e.egress && e.ruleNumber === 101)).toMatchObject({ ruleAction: 'allow', ipv6CidrBlock: '::/0' });
  });
});

describe('associations', () => {
  it('every subnet has exactly one network ACL', () => {
    const { region, vpc, acl } = setup();
    const s2 = region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.2.0/24' });
    region.associateSubnetNetworkAcl(s2.id, acl.id);
    for (const s of region.subnets.values()) {
      const holders = [...region.networkAcls.values()].filter((a) => a.associations.some((x) => x.subnetId === s.id));
      expect(holders).toHaveLength(1);
    }
  });

  it('ReplaceNetworkAclAssociation moves the subnet and gives a new association id', () => {
    const { region, vpc, subnet, acl } = setup();
    const dflt = region.defaultNetworkAcl(vpc.id);
    const oldAssoc = dflt.associations.find((a) => a.subnetId === subnet.id)!.networkAclAssociationId;
    const newAssoc = region.replaceNetworkAclAssociation(oldAssoc, acl.id);
    expect(newAssoc).toMatch(/^aclassoc-[0-9a-f]{17}$/);
    expect(newAssoc).not.toBe(oldAssoc);
    expect(region.subnetNetworkAcl(subnet.id).id).toBe(acl.id);
    expect(region.getNetworkAcl(acl.id).associations).toEqual([{ networkAclAssociationId: newAssoc, subnetId: subnet.id }]);
    expect(region.defaultNetworkAcl(vpc.id).associations.some((a) => a.subnetId === subnet.id)).toBe(false);
    // the old association id is gone
    expectAwsError(() => region.replaceNetworkAclAssociation(oldAssoc, dflt.id), 'InvalidAssociationID.NotFound');
    // and back again, with yet another id
    const back = region.replaceNetworkAclAssociation(newAssoc, dflt.id);
    expect(back).not.toBe(newAssoc);
    expect(region.subnetNetworkAcl(subnet.id).id).toBe(dflt.id);
  });

  it('an ACL of another VPC cannot be associated', () => {
    const { region, subnet } = setup();
    const other = region.createVpc({ cidrBlock: '10.9.0.0/16' });
    const foreign = region.createNetworkAcl({ vpcId: other.id });
    expectAwsError(() => region.associateSubnetNetworkAcl(subnet.id, foreign.id), 'InvalidParameterValue');
    expect(region.getNetworkAcl(foreign.id).associations).toEqual([]);
  });

  it('a network ACL in use by a subnet cannot be deleted: DependencyViolation', () => {
    const { region, subnet, acl } = setup();
    region.associateSubnetNetworkAcl(subnet.id, acl.id);
    expectAwsError(() => region.deleteNetworkAcl(acl.id), 'DependencyViolation');
    expect(region.networkAcls.has(acl.id)).toBe(true);
  });

  it('an unused custom network ACL can be deleted', () => {
    const { region, acl } = setup();
    region.deleteNetworkAcl(acl.id);
    expect(region.networkAcls.has(acl.id)).toBe(false);
  });

  it('the default network ACL cannot be deleted', () => {
    const { region, vpc } = setup();
    const dflt = region.defaultNetworkAcl(vpc.id);
    // even with no subnet using it
    for (const s of [...region.subnets.values()]) region.associateSubnetNetworkAcl(s.id, region.createNetworkAcl({ vpcId: vpc.id }).id);
    expect(dflt.associations).toEqual([]);
    expectAwsError(() => region.deleteNetworkAcl(dflt.id), 'InvalidParameterValue', `cannot delete default network ACL ${dflt.id}`);
  });

  it('a new subnet is associated with the default ACL', () => {
    const { region, vpc } = setup();
    const s = region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.5.0/24' });
    expect(region.subnetNetworkAcl(s.id).isDefault).toBe(true);
  });

  it('deleting a subnet removes its ACL association', () => {
    const { region, subnet, acl } = setup();
    region.associateSubnetNetworkAcl(subnet.id, acl.id);
    region.deleteSubnet(subnet.id);
    expect(region.getNetworkAcl(acl.id).associations).toEqual([]);
    region.deleteNetworkAcl(acl.id);
  });
});
