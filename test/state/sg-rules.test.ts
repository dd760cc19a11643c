// Spec §1 and §6: security group rules — protocols and ports, peers, canonical CIDRs, duplicates,
// descriptions, rule ids, revoking and modifying.
import { describe, expect, it } from 'vitest';
import { Region } from '../../src/state/region.js';
import { customVpc, expectAwsError, newGroup, tcp } from './helpers.js';

function setup() {
  const { region, vpc, subnet } = customVpc();
  const sg = newGroup(region, vpc.id);
  return { region, vpc, subnet, sg };
}

describe('protocols', () => {
  it('protocol names and numbers are the same rule: "6" duplicates "tcp"', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8')]);
    expect(r.protocol).toBe(6);
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: '6', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]),
      'InvalidPermission.Duplicate',
    );
  });

  it.each([
    ['udp', '17', 53, 53],
    ['icmp', '1', 8, 0],
    ['icmpv6', '58', 128, 0],
  ])('protocol "%s" and "%s" are the same rule', (name, num, from, to) => {
    const { region, sg } = setup();
    region.authorize(sg.id, false, [{ ipProtocol: num, fromPort: from, toPort: to, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]);
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: name, fromPort: from, toPort: to, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]),
      'InvalidPermission.Duplicate',
    );
  });

  it('a rule given as "6" can be revoked as "tcp"', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [{ ipProtocol: '6', fromPort: 443, toPort: 443, ipRanges: [{ cidrIp: '0.0.0.0/0' }] }]);
    const res = region.revoke(sg.id, false, { permissions: [tcp(443, 443, '0.0.0.0/0')] });
    expect(res.revoked.map((x) => x.id)).toEqual([r.id]);
    expect(region.groupRules(sg.id, false)).toEqual([]);
  });

  it('protocol -1 ignores ports: they are stored as -1/-1 whatever From/To say', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [{ ipProtocol: '-1', fromPort: 0, toPort: 0, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]);
    expect(r).toMatchObject({ protocol: -1, fromPort: -1, toPort: -1 });
  });

  it('protocol numbers other than tcp/udp/icmp/icmpv6 ignore ports (stored -1/-1)', () => {
    const { region, sg } = setup();
    const [gre] = region.authorize(sg.id, false, [{ ipProtocol: '47', fromPort: 10, toPort: 20, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]);
    expect(gre).toMatchObject({ protocol: 47, fromPort: -1, toPort: -1 });
    // the same protocol with other ports is the same rule
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: '47', fromPort: 1, toPort: 2, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]),
      'InvalidPermission.Duplicate',
    );
    const [esp] = region.authorize(sg.id, false, [{ ipProtocol: '50', ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]);
    expect(esp).toMatchObject({ protocol: 50, fromPort: -1, toPort: -1 });
  });

  it('revoking a -1 rule with FromPort 0 / ToPort 0 matches it (the Terraform case)', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, true, [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '10.1.0.0/16' }] }]);
    const res = region.revoke(sg.id, true, { permissions: [{ ipProtocol: '-1', fromPort: 0, toPort: 0, ipRanges: [{ cidrIp: '10.1.0.0/16' }] }] });
    expect(res.revoked.map((x) => x.id)).toEqual([r.id]);
    expect(res.unknown).toEqual([]);
  });

  it('the default all-outbound rule of a new group can be revoked with -1 and ports 0/0', () => {
    const { region, sg } = setup();
    region.revoke(sg.id, true, { permissions: [{ ipProtocol: '-1', fromPort: 0, toPort: 0, ipRanges: [{ cidrIp: '0.0.0.0/0' }] }] });
    expect(region.groupRules(sg.id, true)).toEqual([]);
  });

  it('an unknown protocol name is rejected', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [{ ipProtocol: 'gre', ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]), 'InvalidParameterValue');
    expectAwsError(() => region.authorize(sg.id, false, [{ ipProtocol: '256', ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]), 'InvalidParameterValue');
  });

  it('a missing IpProtocol is MissingParameter', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [{ ipProtocol: '', ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]), 'MissingParameter');
  });
});

describe('ports', () => {
  it('tcp ports run 0–65535: 0 and 65535 are accepted', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [tcp(0, 65535, '10.0.0.0/8')]);
    expect(r).toMatchObject({ protocol: 6, fromPort: 0, toPort: 65535 });
  });

  it('tcp port -1 is rejected with "TCP/UDP port (-1) out of range"', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [tcp(-1, -1, '10.0.0.0/8')]), 'InvalidParameterValue', 'TCP/UDP port (-1) out of range');
  });

  it('tcp port 65536 is out of range', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [tcp(80, 65536, '10.0.0.0/8')]), 'InvalidParameterValue', 'TCP/UDP port (65536) out of range');
  });

  it('udp ports are checked the same way', () => {
    const { region, sg } = setup();
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'udp', fromPort: -1, toPort: 53, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]),
      'InvalidParameterValue',
      'TCP/UDP port (-1) out of range',
    );
  });

  it('tcp and udp need a port range', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]), 'InvalidParameterValue');
    expectAwsError(() => region.authorize(sg.id, false, [{ ipProtocol: 'udp', fromPort: 53, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]), 'InvalidParameterValue');
  });

  it('a tcp range with FromPort > ToPort is rejected', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [tcp(443, 80, '10.0.0.0/8')]), 'InvalidParameterValue');
  });

  it('icmp needs a type and code', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [{ ipProtocol: 'icmp', ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]), 'InvalidParameterValue');
  });

  it('icmp FromPort is the type and ToPort the code', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [{ ipProtocol: 'icmp', fromPort: 3, toPort: 4, ipRanges: [{ cidrIp: '0.0.0.0/0' }] }]);
    expect(r).toMatchObject({ protocol: 1, fromPort: 3, toPort: 4 });
  });

  it('icmp type -1 (all) requires code -1', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [{ ipProtocol: 'icmp', fromPort: -1, toPort: 0, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]), 'InvalidParameterValue');
    const [r] = region.authorize(sg.id, false, [{ ipProtocol: 'icmp', fromPort: -1, toPort: -1, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]);
    expect(r).toMatchObject({ protocol: 1, fromPort: -1, toPort: -1 });
  });

  it('icmp type 8 with code -1 means every code of that type', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [{ ipProtocol: 'icmp', fromPort: 8, toPort: -1, ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]);
    expect(r).toMatchObject({ fromPort: 8, toPort: -1 });
  });

  it('icmpv6 may omit the port range: all types and codes', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [{ ipProtocol: 'icmpv6', ipv6Ranges: [{ cidrIpv6: '::/0' }] }]);
    expect(r).toMatchObject({ protocol: 58, fromPort: -1, toPort: -1 });
  });
});

describe('peers', () => {
  it('CIDRs are canonicalised: 100.68.0.18/18 is stored as 100.68.0.0/18', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [tcp(22, 22, '100.68.0.18/18')]);
    expect(r.peer).toEqual({ kind: 'cidr4', cidr: '100.68.0.0/18' });
  });

  it('IPv6 CIDRs are canonicalised too', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv6Ranges: [{ cidrIpv6: '2001:DB8:0:0::1/64' }] }]);
    expect(r.peer).toEqual({ kind: 'cidr6', cidr: '2001:db8::/64' });
  });

  it('a non-canonical form of an existing rule is InvalidPermission.Duplicate', () => {
    const { region, sg } = setup();
    region.authorize(sg.id, false, [tcp(22, 22, '100.68.0.0/18')]);
    expectAwsError(() => region.authorize(sg.id, false, [tcp(22, 22, '100.68.0.18/18')]), 'InvalidPermission.Duplicate');
  });

  it('a rule can be revoked by a non-canonical form of its CIDR', () => {
    const { region, sg } = setup();
    region.authorize(sg.id, false, [tcp(22, 22, '100.68.0.0/18')]);
    expect(region.revoke(sg.id, false, { permissions: [tcp(22, 22, '100.68.63.255/18')] }).revoked).toHaveLength(1);
  });

  it('a single address without /32 is rejected', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [tcp(22, 22, '203.0.113.7')]), 'InvalidParameterValue');
    const [r] = region.authorize(sg.id, false, [tcp(22, 22, '203.0.113.7/32')]);
    expect(r.peer).toEqual({ kind: 'cidr4', cidr: '203.0.113.7/32' });
  });

  it('a single IPv6 address without /128 is rejected', () => {
    const { region, sg } = setup();
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv6Ranges: [{ cidrIpv6: '2001:db8::1' }] }]),
      'InvalidParameterValue',
    );
  });

  it('an IPv6 CIDR in IpRanges (or IPv4 in Ipv6Ranges) is rejected', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, false, [tcp(22, 22, '::/0')]), 'InvalidParameterValue');
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv6Ranges: [{ cidrIpv6: '10.0.0.0/8' }] }]),
      'InvalidParameterValue',
    );
  });

  it('a permission with no peer fails: "Missing source specification: include source security group or CIDR information"', () => {
    const { region, sg } = setup();
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }]),
      'InvalidParameterValue',
      'Missing source specification: include source security group or CIDR information',
    );
  });

  it('a UserIdGroupPair with neither GroupId nor GroupName is a missing source', () => {
    const { region, sg } = setup();
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, userIdGroupPairs: [{ userId: region.accountId }] }]),
      'InvalidParameterValue',
      'Missing source specification: include source security group or CIDR information',
    );
  });

  it('a rule (SecurityGroupRuleRequest) takes exactly one peer', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorizeRules(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }]), 'InvalidParameterValue', 'Missing source specification: include source security group or CIDR information');
    expectAwsError(
      () => region.authorizeRules(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8', cidrIpv6: '::/0' }]),
      'InvalidParameterCombination',
    );
    expectAwsError(
      () => region.authorizeRules(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8', referencedGroupId: sg.id }]),
      'InvalidParameterCombination',
    );
    const [r] = region.authorizeRules(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, referencedGroupId: sg.id }]);
    expect(r.peer).toMatchObject({ kind: 'group', groupId: sg.id });
  });

  it('an IpPermission with several peers becomes one rule per peer, in AWS order (IPv4, IPv6, prefix lists, groups)', () => {
    const { region, sg, vpc } = setup();
    const pl = region.createManagedPrefixList({ prefixListName: 'corp', addressFamily: 'IPv4', maxEntries: 2 });
    const other = newGroup(region, vpc.id, 'other');
    const rules = region.authorize(sg.id, false, [{
      ipProtocol: 'tcp', fromPort: 443, toPort: 443,
      userIdGroupPairs: [{ groupId: other.id }],
      prefixListIds: [{ prefixListId: pl.id }],
      ipv6Ranges: [{ cidrIpv6: '::/0' }],
      ipRanges: [{ cidrIp: '0.0.0.0/0' }, { cidrIp: '10.0.0.0/8' }],
    }]);
    expect(rules.map((r) => r.peer.kind)).toEqual(['cidr4', 'cidr4', 'cidr6', 'prefixList', 'group']);
    expect(new Set(rules.map((r) => r.id)).size).toBe(5);
  });

  it('a group in the same VPC is referenced by id, and by name (legacy SourceSecurityGroupName)', () => {
    const { region, sg, vpc } = setup();
    const other = newGroup(region, vpc.id, 'other');
    const [byName] = region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, userIdGroupPairs: [{ groupName: 'other' }] }]);
    expect(byName.peer).toEqual({ kind: 'group', groupId: other.id, userId: region.accountId });
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, userIdGroupPairs: [{ groupId: other.id }] }]),
      'InvalidPermission.Duplicate',
    );
  });

  it('a rule referencing an unknown group is InvalidGroup.NotFound; a malformed one InvalidGroupId.Malformed', () => {
    const { region, sg } = setup();
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, userIdGroupPairs: [{ groupId: 'sg-0123456789abcdef0' }] }]),
      'InvalidGroup.NotFound',
      "The security group 'sg-0123456789abcdef0' does not exist",
    );
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, userIdGroupPairs: [{ groupId: 'sg-nothex' }] }]),
      'InvalidGroupId.Malformed',
    );
  });

  it('a rule referencing an unknown prefix list is InvalidPrefixListID.NotFound', () => {
    const { region, sg } = setup();
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, prefixListIds: [{ prefixListId: 'pl-0123456789abcdef0' }] }]),
      'InvalidPrefixListID.NotFound',
    );
  });
});

describe('duplicates', () => {
  it('the same permission twice in one call is InvalidParameterValue "The same permission must not appear multiple times"', () => {
    const { region, sg } = setup();
    expectAwsError(
      () => region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8'), tcp(22, 22, '10.0.0.0/8')]),
      'InvalidParameterValue',
      'The same permission must not appear multiple times',
    );
    expect(region.groupRules(sg.id, false)).toEqual([]);
  });

  it('the same permission twice in one call, written differently (6 vs tcp, non-canonical CIDR), is still repeated', () => {
    const { region, sg } = setup();
    expectAwsError(
      () => region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8'), { ipProtocol: '6', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.1.2.3/8' }] }]),
      'InvalidParameterValue',
      'The same permission must not appear multiple times',
    );
  });

  it('duplicate message: the specified rule "peer: sg-…, TCP, from port: 0, to port: 65535, ALLOW" already exists', () => {
    const { region, sg, vpc } = setup();
    const other = newGroup(region, vpc.id, 'other');
    const perm = { ipProtocol: 'tcp', fromPort: 0, toPort: 65535, userIdGroupPairs: [{ groupId: other.id }] };
    region.authorize(sg.id, false, [perm]);
    expectAwsError(
      () => region.authorize(sg.id, false, [perm]),
      'InvalidPermission.Duplicate',
      `the specified rule "peer: ${other.id}, TCP, from port: 0, to port: 65535, ALLOW" already exists`,
    );
  });

  it('duplicate message for a CIDR peer names the canonical CIDR', () => {
    const { region, sg } = setup();
    region.authorize(sg.id, false, [tcp(22, 22, '100.68.0.0/18')]);
    expectAwsError(
      () => region.authorize(sg.id, false, [tcp(22, 22, '100.68.0.18/18')]),
      'InvalidPermission.Duplicate',
      'the specified rule "peer: 100.68.0.0/18, TCP, from port: 22, to port: 22, ALLOW" already exists',
    );
  });

  it('a description does not make a rule different', () => {
    const { region, sg } = setup();
    region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8', description: 'a' }] }]);
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8', description: 'b' }] }]),
      'InvalidPermission.Duplicate',
    );
  });

  it('the same rule inbound and outbound are two different rules', () => {
    const { region, sg } = setup();
    region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8')]);
    expect(region.authorize(sg.id, true, [tcp(22, 22, '10.0.0.0/8')])).toHaveLength(1);
  });

  it('re-adding the default all-outbound rule of a new group is a duplicate', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.authorize(sg.id, true, [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }] }]), 'InvalidPermission.Duplicate');
  });
});

describe('descriptions', () => {
  it('a rule description may use a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$*', () => {
    const { region, sg } = setup();
    const description = 'Allow ._-:/()#,@[]+=&;{}!$* 09 AZ az';
    const [r] = region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8', description }] }]);
    expect(r.description).toBe(description);
  });

  it.each(['caf\u00e9', 'semi"quote', 'back\\slash', 'tab\there', 'percent%', 'question?', "apostrophe'", 'lt<', 'caret^', 'tilde~'])(
    'a rule description with a character outside the set is rejected: %j',
    (description) => {
      const { region, sg } = setup();
      expectAwsError(
        () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8', description }] }]),
        'InvalidParameterValue',
      );
    },
  );

  it('a rule description may be 255 characters but not 256', () => {
    const { region, sg } = setup();
    region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8', description: 'x'.repeat(255) }] }]);
    expectAwsError(
      () => region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 23, toPort: 23, ipRanges: [{ cidrIp: '10.0.0.0/8', description: 'x'.repeat(256) }] }]),
      'InvalidParameterValue',
    );
  });

  it('updateRuleDescriptions changes a description by rule id, checking the character set', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8')]);
    region.updateRuleDescriptions(sg.id, false, { ruleDescriptions: [{ securityGroupRuleId: r.id, description: 'ssh from corp' }] });
    expect(region.rule(r.id).description).toBe('ssh from corp');
    expectAwsError(() => region.updateRuleDescriptions(sg.id, false, { ruleDescriptions: [{ securityGroupRuleId: r.id, description: 'bad\u00e9' }] }), 'InvalidParameterValue');
    expect(region.rule(r.id).description).toBe('ssh from corp');
  });
});

describe('rule ids', () => {
  it('every rule has an id "sgr-" + 17 hex digits', () => {
    const { region, sg, vpc } = setup();
    region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8'), tcp(80, 80, '0.0.0.0/0')]);
    const all = [...region.securityGroupRules.values()];
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const r of all) expect(r.id).toMatch(/^sgr-[0-9a-f]{17}$/);
    // default group rules too
    for (const r of region.groupRules(region.defaultSecurityGroup(vpc.id).id, false)) expect(r.id).toMatch(/^sgr-[0-9a-f]{17}$/);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
  });

  it('rules can be revoked by their ids', () => {
    const { region, sg } = setup();
    const [a, b] = region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8'), tcp(80, 80, '0.0.0.0/0')]);
    const res = region.revoke(sg.id, false, { ruleIds: [a.id] });
    expect(res.revoked.map((r) => r.id)).toEqual([a.id]);
    expect(region.groupRules(sg.id, false).map((r) => r.id)).toEqual([b.id]);
    expect(region.securityGroupRules.has(a.id)).toBe(false);
  });

  it('revoking an unknown rule id is InvalidSecurityGroupRuleId.NotFound; a malformed one .Malformed', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.revoke(sg.id, false, { ruleIds: ['sgr-0123456789abcdef0'] }), 'InvalidSecurityGroupRuleId.NotFound');
    expectAwsError(() => region.revoke(sg.id, false, { ruleIds: ['sgr-xyz'] }), 'InvalidSecurityGroupRuleId.Malformed');
  });

  it('an outbound rule id is not found when revoking inbound rules', () => {
    const { region, sg } = setup();
    const egressId = region.groupRules(sg.id, true)[0].id;
    expectAwsError(() => region.revoke(sg.id, false, { ruleIds: [egressId] }), 'InvalidSecurityGroupRuleId.NotFound');
    expect(region.groupRules(sg.id, true)).toHaveLength(1);
  });

  it('a rule id of another group is not found in this group', () => {
    const { region, sg, vpc } = setup();
    const other = newGroup(region, vpc.id, 'other');
    const [r] = region.authorize(other.id, false, [tcp(22, 22, '10.0.0.0/8')]);
    expectAwsError(() => region.revoke(sg.id, false, { ruleIds: [r.id] }), 'InvalidSecurityGroupRuleId.NotFound');
  });

  it('rules can be tagged by id', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8')]);
    region.createTags([r.id], [{ key: 'Name', value: 'ssh' }]);
    expect(region.rule(r.id).tags).toEqual([{ key: 'Name', value: 'ssh' }]);
  });
});

describe('revoke', () => {
  it('revoking a permission that matches nothing is InvalidPermission.NotFound in a non-default VPC', () => {
    const { region, sg } = setup();
    expectAwsError(() => region.revoke(sg.id, false, { permissions: [tcp(22, 22, '10.0.0.0/8')] }), 'InvalidPermission.NotFound');
  });

  it('revoking a permission that matches nothing succeeds in the default VPC, reporting it as unknown', () => {
    const region = new Region();
    const sg = region.createSecurityGroup({ groupName: 'web', description: 'web' });
    const [r] = region.authorize(sg.id, false, [tcp(80, 80, '0.0.0.0/0')]);
    const res = region.revoke(sg.id, false, { permissions: [tcp(22, 22, '10.0.0.0/8'), tcp(80, 80, '0.0.0.0/0')] });
    expect(res.revoked.map((x) => x.id)).toEqual([r.id]);
    expect(res.unknown).toHaveLength(1);
    expect(res.unknown[0]).toMatchObject({ protocol: 6, fromPort: 22, toPort: 22, peer: { kind: 'cidr4', cidr: '10.0.0.0/8' } });
  });

  it('a revoke that partly matches in a non-default VPC removes nothing', () => {
    const { region, sg } = setup();
    region.authorize(sg.id, false, [tcp(80, 80, '0.0.0.0/0')]);
    expectAwsError(() => region.revoke(sg.id, false, { permissions: [tcp(80, 80, '0.0.0.0/0'), tcp(22, 22, '10.0.0.0/8')] }), 'InvalidPermission.NotFound');
    expect(region.groupRules(sg.id, false)).toHaveLength(1);
  });

  it('revoking by a different port range does not match', () => {
    const { region, sg } = setup();
    region.authorize(sg.id, false, [tcp(80, 81, '0.0.0.0/0')]);
    expectAwsError(() => region.revoke(sg.id, false, { permissions: [tcp(80, 80, '0.0.0.0/0')] }), 'InvalidPermission.NotFound');
  });

  it('revoking needs IpPermissions or rule ids, not both', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [tcp(80, 80, '0.0.0.0/0')]);
    expectAwsError(() => region.revoke(sg.id, false, {}), 'MissingParameter');
    expectAwsError(() => region.revoke(sg.id, false, { ruleIds: [r.id], permissions: [tcp(80, 80, '0.0.0.0/0')] }), 'InvalidParameterCombination');
  });
});

describe('ModifySecurityGroupRules', () => {
  it('replaces a rule in place and keeps its id', () => {
    const { region, sg } = setup();
    const [r] = region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8')]);
    const [m] = region.modifySecurityGroupRules(sg.id, [{ securityGroupRuleId: r.id, securityGroupRule: { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '192.168.1.9/24', description: 'https' } }]);
    expect(m.id).toBe(r.id);
    expect(region.rule(r.id)).toMatchObject({ protocol: 6, fromPort: 443, toPort: 443, peer: { kind: 'cidr4', cidr: '192.168.1.0/24' }, description: 'https' });
    expect(region.groupRules(sg.id, false).map((x) => x.id)).toEqual([r.id]);
    // the old identity is free again, the new one taken
    region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8')]);
    expectAwsError(() => region.authorize(sg.id, false, [tcp(443, 443, '192.168.1.0/24')]), 'InvalidPermission.Duplicate');
  });

  it('modifying a rule into a copy of another rule of the group is InvalidPermission.Duplicate', () => {
    const { region, sg } = setup();
    const [a] = region.authorize(sg.id, false, [tcp(22, 22, '10.0.0.0/8'), tcp(80, 80, '10.0.0.0/8')]);
    expectAwsError(
      () => region.modifySecurityGroupRules(sg.id, [{ securityGroupRuleId: a.id, securityGroupRule: { ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv4: '10.0.0.0/8' } }]),
      'InvalidPermission.Duplicate',
    );
  });

  it('a group reference can be swapped for a CIDR, and the reference index follows', () => {
    const { region, sg, vpc } = setup();
    const other = newGroup(region, vpc.id, 'other');
    const [r] = region.authorize(sg.id, false, [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, userIdGroupPairs: [{ groupId: other.id }] }]);
    expect([...region.rulesReferencing(other.id)]).toEqual([r.id]);
    region.modifySecurityGroupRules(sg.id, [{ securityGroupRuleId: r.id, securityGroupRule: { ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIpv4: '10.0.0.0/16' } }]);
    expect([...region.rulesReferencing(other.id)]).toEqual([]);
    region.deleteSecurityGroup({ groupId: other.id });
  });

  it('an unknown or foreign rule id is InvalidSecurityGroupRuleId.NotFound', () => {
    const { region, sg, vpc } = setup();
    const other = newGroup(region, vpc.id, 'other');
    const [r] = region.authorize(other.id, false, [tcp(22, 22, '10.0.0.0/8')]);
    expectAwsError(
      () => region.modifySecurityGroupRules(sg.id, [{ securityGroupRuleId: r.id, securityGroupRule: { ipProtocol: '-1', cidrIpv4: '10.0.0.0/8' } }]),
      'InvalidSecurityGroupRuleId.NotFound',
    );
  });
});
