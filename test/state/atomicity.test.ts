// One call, one transaction: a failing call leaves the state exactly as it was (maps and indexes).
import { describe, expect, it } from 'vitest';
import { Region } from '../../src/state/region.js';
import { customVpc, expectAwsError, groupIndexes, newGroup, snapshot, tcp } from './helpers.js';

function setup() {
  const { region, vpc, subnet } = customVpc({ quotas: { rulesPerSecurityGroup: 4 } });
  const sg = newGroup(region, vpc.id, 'app');
  const other = newGroup(region, vpc.id, 'other');
  region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8'), { ipProtocol: 'tcp', fromPort: 80, toPort: 80, userIdGroupPairs: [{ groupId: other.id }] }]);
  return { region, vpc, subnet, sg, other };
}

/** Asserts `fn` fails with `code` and changes neither the maps nor the group indexes. */
function unchanged(region: Region, groupIds: string[], fn: () => unknown, code: Parameters<typeof expectAwsError>[1]) {
  const before = snapshot(region);
  const idx = groupIds.map((g) => groupIndexes(region, g));
  expectAwsError(fn, code);
  expect(snapshot(region)).toBe(before);
  expect(groupIds.map((g) => groupIndexes(region, g))).toEqual(idx);
}

describe('authorize', () => {
  it('a multi-permission authorize whose second permission is malformed adds nothing', () => {
    const { region, sg, other } = setup();
    unchanged(region, [sg.id, other.id], () => region.authorize(sg.id, false, [tcp(443, 443, '0.0.0.0/0'), tcp(-1, 80, '0.0.0.0/0')]), 'InvalidParameterValue');
  });

  it('a multi-permission authorize whose second permission duplicates an existing rule adds nothing', () => {
    const { region, sg, other } = setup();
    unchanged(region, [sg.id, other.id], () => region.authorize(sg.id, false, [tcp(443, 443, '0.0.0.0/0'), tcp(22, 22, '10.0.0.0/8')]), 'InvalidPermission.Duplicate');
  });

  it('a multi-permission authorize whose second permission references an unknown group adds nothing', () => {
    const { region, sg, other } = setup();
    unchanged(
      region, [sg.id, other.id],
      () => region.authorize(sg.id, false, [
        { ipProtocol: 'tcp', fromPort: 9000, toPort: 9000, userIdGroupPairs: [{ groupId: other.id }] },
        { ipProtocol: 'tcp', fromPort: 9001, toPort: 9001, userIdGroupPairs: [{ groupId: 'sg-0123456789abcdef0' }] },
      ]),
      'InvalidGroup.NotFound',
    );
  });

  it('an authorize that would break the rule quota adds nothing', () => {
    const { region, sg, other } = setup();
    unchanged(region, [sg.id, other.id], () => region.authorize(sg.id, false, [tcp(1, 1, '1.0.0.0/8'), tcp(2, 2, '2.0.0.0/8'), tcp(3, 3, '3.0.0.0/8')]), 'RulesPerSecurityGroupLimitExceeded');
  });

  it('an authorize with a bad description on its last peer adds nothing', () => {
    const { region, sg, other } = setup();
    unchanged(
      region, [sg.id, other.id],
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 5, toPort: 5, ipRanges: [{ cidrIp: '5.0.0.0/8' }, { cidrIp: '6.0.0.0/8', description: 'bad\u00e9' }] }]),
      'InvalidParameterValue',
    );
  });

  it('an authorize with invalid tags adds nothing', () => {
    const { region, sg, other } = setup();
    unchanged(region, [sg.id, other.id], () => region.authorize(sg.id, false, [tcp(5, 5, '5.0.0.0/8')], [{ key: 'aws:reserved', value: 'x' }]), 'InvalidParameterValue');
  });
});

describe('revoke', () => {
  it('a revoke with one unknown permission in a non-default VPC removes nothing', () => {
    const { region, sg, other } = setup();
    unchanged(region, [sg.id, other.id], () => region.revoke(sg.id, false, { permissions: [tcp(22, 22, '10.0.0.0/8'), tcp(23, 23, '10.0.0.0/8')] }), 'InvalidPermission.NotFound');
  });

  it('a revoke by rule ids with one unknown id removes nothing', () => {
    const { region, sg, other } = setup();
    const ids = region.groupRules(sg.id, false).map((r) => r.id);
    unchanged(region, [sg.id, other.id], () => region.revoke(sg.id, false, { ruleIds: [...ids, 'sgr-0123456789abcdef0'] }), 'InvalidSecurityGroupRuleId.NotFound');
  });

  it('a revoke with a malformed second permission removes nothing', () => {
    const { region, sg, other } = setup();
    unchanged(region, [sg.id, other.id], () => region.revoke(sg.id, false, { permissions: [tcp(22, 22, '10.0.0.0/8'), { ipProtocol: 'tcp', ipRanges: [{ cidrIp: '10.0.0.0/8' }] }] }), 'InvalidParameterValue');
  });
});

describe('modifySecurityGroupRules', () => {
  it('a modify whose second update is a duplicate changes nothing', () => {
    const { region, sg, other } = setup();
    const [ssh, ref] = region.groupRules(sg.id, false);
    unchanged(
      region, [sg.id, other.id],
      () => region.modifySecurityGroupRules(sg.id, [
        { securityGroupRuleId: ref.id, securityGroupRule: { ipProtocol: 'tcp', fromPort: 8080, toPort: 8080, cidrIpv4: '0.0.0.0/0' } },
        { securityGroupRuleId: ssh.id, securityGroupRule: { ipProtocol: 'tcp', fromPort: 8080, toPort: 8080, cidrIpv4: '0.0.0.0/0' } },
      ]),
      'InvalidPermission.Duplicate',
    );
  });

  it('a modify whose second update names an unknown rule changes nothing', () => {
    const { region, sg, other } = setup();
    const [, ref] = region.groupRules(sg.id, false);
    unchanged(
      region, [sg.id, other.id],
      () => region.modifySecurityGroupRules(sg.id, [
        { securityGroupRuleId: ref.id, securityGroupRule: { ipProtocol: 'tcp', fromPort: 8080, toPort: 8080, cidrIpv4: '0.0.0.0/0' } },
        { securityGroupRuleId: 'sgr-0123456789abcdef0', securityGroupRule: { ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' } },
      ]),
      'InvalidSecurityGroupRuleId.NotFound',
    );
  });

  it('a modify that would break the rule quota changes nothing', () => {
    const { region, sg, other } = setup();
    const [ssh] = region.groupRules(sg.id, false);
    const pl = region.createManagedPrefixList({ prefixListName: 'big', addressFamily: 'IPv4', maxEntries: 4 });
    unchanged(
      region, [sg.id, other.id],
      () => region.modifySecurityGroupRules(sg.id, [{ securityGroupRuleId: ssh.id, securityGroupRule: { ipProtocol: 'tcp', fromPort: 22, toPort: 22, prefixListId: pl.id } }]),
      'RulesPerSecurityGroupLimitExceeded',
    );
  });
});

describe('network interfaces and instances', () => {
  it('createNetworkInterface with too many groups changes nothing', () => {
    const { region, vpc, subnet, sg, other } = setup();
    const extra = ['x1', 'x2', 'x3', 'x4'].map((n) => newGroup(region, vpc.id, n).id);
    unchanged(region, [sg.id, other.id, ...extra], () => region.createNetworkInterface({ subnetId: subnet.id, groups: [sg.id, other.id, ...extra] }), 'SecurityGroupsPerInterfaceLimitExceeded');
    // the address the failed call would have taken is still free
    expect(region.createNetworkInterface({ subnetId: subnet.id, groups: [sg.id] }).privateIpAddresses[0].privateIpAddress).toBe('10.0.1.4');
  });

  it('createNetworkInterface with an address in use changes nothing', () => {
    const { region, subnet, sg, other } = setup();
    region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.20', groups: [sg.id] });
    unchanged(region, [sg.id, other.id], () => region.createNetworkInterface({ subnetId: subnet.id, privateIpAddresses: ['10.0.1.21', '10.0.1.20'], groups: [other.id] }), 'InvalidIPAddress.InUse');
  });

  it('modifyNetworkInterfaceAttribute with a group of another VPC changes nothing', () => {
    const { region, subnet, sg, other } = setup();
    const eni = region.createNetworkInterface({ subnetId: subnet.id, groups: [sg.id] });
    const foreignVpc = region.createVpc({ cidrBlock: '10.5.0.0/16' });
    const foreign = newGroup(region, foreignVpc.id, 'foreign');
    unchanged(region, [sg.id, other.id, foreign.id], () => region.modifyNetworkInterfaceAttribute(eni.id, { groups: [other.id, foreign.id] }), 'InvalidParameter');
  });

  it('runInstances that runs out of addresses part-way launches none', () => {
    const region = new Region({ defaultVpc: false });
    const vpc = region.createVpc({ cidrBlock: '10.0.0.0/28' });
    const s = region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.0.0/28' });
    const sg = region.defaultSecurityGroup(vpc.id);
    // a /28 has 11 usable addresses
    unchanged(region, [sg.id], () => region.runInstances({ subnetId: s.id, count: 12 }), 'InsufficientFreeAddressesInSubnet');
    expect(region.runInstances({ subnetId: s.id, count: 11 })).toHaveLength(11);
  });

  it('createServiceResource whose second subnet fails creates no ENI', () => {
    const { region, vpc, subnet, sg, other } = setup();
    const s2 = region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.2.0/24' });
    region.createNetworkInterface({ subnetId: s2.id, privateIpAddress: '10.0.2.50', groups: [sg.id] });
    unchanged(
      region, [sg.id, other.id],
      () => region.createServiceResource({ kind: 'rds', name: 'db', subnetIds: [subnet.id, s2.id], groups: [other.id], privateIpAddresses: ['10.0.1.50', '10.0.2.50'] }),
      'InvalidIPAddress.InUse',
    );
  });

  it('createServiceResource with invalid tags creates no ENI', () => {
    const { region, subnet, sg, other } = setup();
    unchanged(region, [sg.id, other.id], () => region.createServiceResource({ kind: 'alb', name: 'web', subnetIds: [subnet.id], groups: [sg.id], tags: [{ key: '', value: 'x' }] }), 'InvalidParameterValue');
  });
});

describe('network ACLs', () => {
  it('a failing NACL entry call changes nothing', () => {
    const { region, vpc } = setup();
    const acl = region.defaultNetworkAcl(vpc.id);
    unchanged(region, [], () => region.createNetworkAclEntry(acl.id, { ruleNumber: 100, egress: false, protocol: -1, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' }), 'NetworkAclEntryAlreadyExists');
    unchanged(region, [], () => region.replaceNetworkAclEntry(acl.id, { ruleNumber: 100, egress: false, protocol: 6, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' }), 'InvalidParameterValue');
  });
});
