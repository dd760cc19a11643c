// Spec §2 (last item): Amazon-provided service addresses are never filtered by security groups or network
// ACLs, and never logged. Explanations: every blocker is named when asked (allBlockers, probes).
import { describe, expect, it } from 'vitest';
import { aclId, build, codes, eniId, go, probeBetween, type Net } from './helpers.js';

/** `locked`: no outbound rules at all, in a subnet whose network ACL denies everything both ways. */
const locked = (): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    ipv6: 2600:1f18:aaaa:bb00::/56
    subnets:
      one: { cidr: 10.0.1.0/24, ipv6Cidr: 2600:1f18:aaaa:bb01::/64, networkAcl: closed }
      two: { cidr: 10.0.2.0/24 }
    networkAcls:
      closed: {}
    securityGroups:
      none:
        outbound: []
instances:
  locked: { subnet: one, groups: [none], privateIp: 10.0.1.10, ipv6: true }
  peer:   { subnet: two, privateIp: 10.0.2.10 }
`);

describe('addresses security groups and network ACLs never filter (spec §2)', () => {
  const services: [string, string][] = [
    ['169.254.169.254', 'instance metadata'],
    ['169.254.169.253', 'Amazon DNS'],
    ['169.254.169.123', 'Amazon Time Sync'],
    ['10.0.0.2', 'Amazon DNS'], // VPC base + 2
    ['169.254.169.250', 'Windows license activation'],
    ['fd00:ec2::123', 'Amazon Time Sync'],
    ['fd00:ec2::254', 'instance metadata'],
  ];
  for (const [address, name] of services) {
    it(`${address} (${name}) passes with no outbound rules and a deny-all network ACL`, () => {
      const n = locked();
      for (const opts of [{}, { trace: true }]) {
        const d = go(n, 'locked', address, 53, { protocol: 'udp', commit: false, flowEvents: true, ...opts });
        expect(d.allowed).toBe(true);
        expect(d.to).toEqual({ kind: 'aws-service', name });
        expect(d.flowEvents).toEqual([]); // never in flow logs
      }
    });
  }

  it("the subnet's router (base + 1) is not filtered either; other addresses are", () => {
    const n = locked();
    expect(go(n, 'locked', '10.0.1.1', 0, { protocol: 'icmp', commit: false }).to).toEqual({ kind: 'aws-service', name: 'VPC router' });
    const d = go(n, 'locked', '10.0.0.3', 53, { protocol: 'udp', commit: false });
    expect(d.allowed).toBe(false);
    expect(codes(d)[0]).toBe('ENI_SG_RULES_MISMATCH');
    expect(go(n, 'locked', 'peer', 22, { commit: false }).allowed).toBe(false);
  });
});

describe('explanations name every blocker', () => {
  const blocked = (): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      front: { cidr: 10.0.1.0/24, networkAcl: front }
      back:  { cidr: 10.0.2.0/24, networkAcl: back }
    networkAcls:
      front:
        inbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
      back: {}
    securityGroups:
      client: {}
      mute:
        outbound: []
      server: {}
instances:
  client: { subnet: front, groups: [client], privateIp: 10.0.1.10 }
  mute:   { subnet: front, groups: [mute], privateIp: 10.0.1.11 }
  server: { subnet: back, groups: [server], privateIp: 10.0.2.20 }
`);

  it('when the network ACL and the security group both block, allBlockers names both (SUBNET_ACL_RESTRICTION and ENI_SG_RULES_MISMATCH)', () => {
    const n = blocked();
    const d = go(n, 'client', 'server', 443, { commit: false, allBlockers: true });
    expect(d.allowed).toBe(false);
    expect(d.explanations.map((e) => [e.code, e.direction, e.resourceId])).toEqual([
      ['SUBNET_ACL_RESTRICTION', 'ingress', aclId(n, 'v/back')],
      ['ENI_SG_RULES_MISMATCH', 'ingress', eniId(n, 'server')],
    ]);
    // without allBlockers the walk stops at the first
    expect(codes(go(n, 'client', 'server', 443, { commit: false }))).toEqual(['SUBNET_ACL_RESTRICTION']);
  });

  it('a probe names both blockers too', () => {
    const n = blocked();
    const r = probeBetween(n, 'client', 'server', 443);
    expect(r.reachable).toBe(false);
    expect(r.explanations.filter((e) => e.path === 'request').map((e) => e.code)).toEqual(['SUBNET_ACL_RESTRICTION', 'ENI_SG_RULES_MISMATCH']);
  });

  it('blockers on both sides are named in path order: source group egress first, then the destination ACL and group', () => {
    const n = blocked();
    const d = go(n, 'mute', 'server', 443, { commit: false, allBlockers: true });
    expect(d.explanations.map((e) => [e.code, e.direction])).toEqual([
      ['ENI_SG_RULES_MISMATCH', 'egress'],
      ['SUBNET_ACL_RESTRICTION', 'ingress'],
      ['ENI_SG_RULES_MISMATCH', 'ingress'],
    ]);
  });

  it('naming every blocker has no side effects past the first block: a packet the ACL dropped opens no connection behind it', () => {
    const n = blocked();
    n.region.authorize(n.names.groups.get('server')!, false, [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: [{ cidrIp: '10.0.1.0/24' }] }]);
    const d = go(n, 'client', 'server', 443, { allBlockers: true }); // commit (the default)
    expect(codes(d)).toEqual(['SUBNET_ACL_RESTRICTION']);
    // the packet did leave the client through its groups, so the client's ENI tracks it (as AWS does)…
    expect(n.engine.connections(eniId(n, 'client'))).toBe(1);
    // …but it never reached the server: the server's groups must not have opened a connection for it
    expect(n.engine.connections(eniId(n, 'server'))).toBe(0);
  });

  it('naming every blocker has no side effects past the first block: a packet its own groups refused opens nothing downstream', () => {
    const n = blocked();
    n.region.authorize(n.names.groups.get('server')!, false, [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: [{ cidrIp: '10.0.1.0/24' }] }]);
    n.region.replaceNetworkAclEntry(aclId(n, 'v/front'), { ruleNumber: 100, egress: false, protocol: -1, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' });
    for (const egress of [false, true]) n.region.createNetworkAclEntry(aclId(n, 'v/back'), { ruleNumber: 100, egress, protocol: -1, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' });
    const d = go(n, 'mute', 'server', 443, { allBlockers: true });
    expect(codes(d)).toEqual(['ENI_SG_RULES_MISMATCH']);
    expect(n.engine.connections(eniId(n, 'server'))).toBe(0);
    // the same packet from a client whose groups let it out is tracked at the server
    go(n, 'client', 'server', 443, { allBlockers: true });
    expect(n.engine.connections(eniId(n, 'server'))).toBe(1);
  });
});
