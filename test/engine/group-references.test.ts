// Spec §2: group references match members' private IPv4/IPv6 addresses (secondary ones too), never public or
// Elastic IPs; the default group's self-reference; several groups on an ENI are one union of rules.
import { describe, expect, it } from 'vitest';
import { addressText, allows, build, codes, go, groupId, pkt, send, type Net } from './helpers.js';

const refs = (): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    ipv6: 2600:1f18:aaaa:bb00::/56
    internetGateway: true
    subnets:
      pub:  { cidr: 10.0.1.0/24, ipv6Cidr: 2600:1f18:aaaa:bb01::/64, routeTable: out }
      data: { cidr: 10.0.2.0/24, ipv6Cidr: 2600:1f18:aaaa:bb02::/64, routeTable: out }
    routeTables:
      out:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
          - { destination: "::/0", target: igw }
    securityGroups:
      app:
        inbound:
          - { protocol: tcp, ports: 9999, from: 0.0.0.0/0 }
        outbound:
          - { protocol: all, to: 0.0.0.0/0 }
          - { protocol: all, to: "::/0" }
      other:
        outbound:
          - { protocol: all, to: 0.0.0.0/0 }
          - { protocol: all, to: "::/0" }
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: app }
instances:
  app1:     { subnet: pub, groups: [app], privateIp: 10.0.1.10, secondaryIps: 1, ipv6: true, publicIp: true }
  app2:     { subnet: pub, groups: [app], privateIp: 10.0.1.11, elasticIp: true }
  stranger: { subnet: pub, groups: [other], privateIp: 10.0.1.12, ipv6: true, publicIp: true }
  db:       { subnet: data, groups: [db], privateIp: 10.0.2.20, ipv6: true, publicIp: true }
`);

describe('group references match private addresses of members (spec §2)', () => {
  it('a reference matches the primary private IPv4 address of a member, not a non-member', () => {
    const n = refs();
    expect(allows(n, 'app1', 'db', 5432)).toBe(true);
    expect(allows(n, 'app2', 'db', 5432)).toBe(true);
    const d = go(n, 'stranger', 'db', 5432, { commit: false, trace: true });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['ENI_SG_RULES_MISMATCH']);
    expect(d.explanations[0].direction).toBe('ingress');
  });

  it('a reference matches the IPv6 address of a member', () => {
    const n = refs();
    expect(allows(n, 'app1', 'db', 5432, { family: 6 })).toBe(true);
    expect(allows(n, 'app1', 'db', 5432, { family: 6, trace: true })).toBe(true);
    expect(allows(n, 'stranger', 'db', 5432, { family: 6 })).toBe(false);
  });

  it('a reference matches a secondary private IPv4 address of a member', () => {
    const n = refs();
    const p = pkt(n, 'app1/secondary', 'db', 5432);
    expect(p.src).not.toBe(pkt(n, 'app1', 'db', 5432).src);
    expect(send(n, 'app1', p, { commit: false }).allowed).toBe(true);
    expect(send(n, 'app1', p, { commit: false, trace: true }).allowed).toBe(true);
  });

  it("a reference does not match a member's public IP: traffic that comes in through the internet gateway is denied", () => {
    const n = refs();
    // app1 → db's public IP: out through the IGW (source translated to app1's public IP) and back in
    const d = go(n, 'app1', 'db/public', 5432, { commit: false, trace: true });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['ENI_SG_RULES_MISMATCH']);
    expect(d.to).toEqual({ kind: 'eni', networkInterfaceId: n.names.endpoints.get('db')![0] });
    expect(d.delivered!.src).toBe(pkt(n, 'app1/public', 'db', 5432).src);
    expect(d.hops.filter((h) => h.kind === 'internet-gateway').length).toBe(2);
    expect(allows(n, 'app1', 'db/public', 5432)).toBe(false);
  });

  it("a reference does not match a member's Elastic IP", () => {
    const n = refs();
    expect(allows(n, 'app2', 'db/public', 5432)).toBe(false);
    expect(allows(n, 'app2', 'db/public', 5432, { trace: true })).toBe(false);
  });

  it('the same public-IP path is allowed once a CIDR rule names the public address (the path itself works)', () => {
    const n = refs();
    const text = addressText(n, 'app1/public');
    n.region.authorize(groupId(n, 'db'), false, [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, ipRanges: [{ cidrIp: `${text}/32` }] }]);
    expect(allows(n, 'app1', 'db/public', 5432)).toBe(true);
    expect(allows(n, 'app1', 'db/public', 5432, { trace: true })).toBe(true);
  });

  it("the referenced group's own rules are not imported", () => {
    const n = refs();
    // app allows 9999 from anywhere; db references app for 5432 only
    expect(allows(n, 'stranger', 'app1', 9999)).toBe(true);
    expect(allows(n, 'stranger', 'db', 9999)).toBe(false);
    expect(allows(n, 'app1', 'db', 9999)).toBe(false);
  });
});

describe('a new security group (spec §2)', () => {
  it('allows all IPv4 outbound, no IPv6 outbound and nothing inbound; with no outbound rules nothing leaves', () => {
    const n = build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    ipv6: 2600:1f18:aaaa:bb00::/56
    subnets:
      one: { cidr: 10.0.1.0/24, ipv6Cidr: 2600:1f18:aaaa:bb01::/64 }
    securityGroups:
      fresh: {}
      closed:
        outbound: []
      open:
        inbound:
          - { protocol: all, from: 0.0.0.0/0 }
          - { protocol: all, from: "::/0" }
instances:
  fresh:  { subnet: one, groups: [fresh], privateIp: 10.0.1.10, ipv6: true }
  closed: { subnet: one, groups: [closed], privateIp: 10.0.1.11, ipv6: true }
  open:   { subnet: one, groups: [open], privateIp: 10.0.1.12, ipv6: true }
`);
    const fresh = n.region.getGroup(groupId(n, 'fresh'));
    expect([fresh.ingress.length, fresh.egress.length]).toEqual([0, 1]);
    expect(allows(n, 'fresh', 'open', 12345)).toBe(true);
    expect(allows(n, 'fresh', 'open', 0, { protocol: 47 })).toBe(true);
    expect(allows(n, 'fresh', 'open', 443, { family: 6 })).toBe(false);
    expect(allows(n, 'open', 'fresh', 22)).toBe(false);
    const d = go(n, 'closed', 'open', 443, { commit: false });
    expect(codes(d)).toEqual(['ENI_SG_RULES_MISMATCH']);
    expect(d.explanations[0].direction).toBe('egress');
  });
});

describe("the default security group's self-reference (spec §2)", () => {
  const defaults = (): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      one: { cidr: 10.0.1.0/24 }
      two: { cidr: 10.0.2.0/24 }
    securityGroups:
      outsider: {}
instances:
  m1: { subnet: one, privateIp: 10.0.1.10 }
  m2: { subnet: two, privateIp: 10.0.2.10 }
  x:  { subnet: one, groups: [outsider], privateIp: 10.0.1.30 }
`);

  it('members of the default group talk to each other on any protocol and port', () => {
    const n = defaults();
    const dflt = groupId(n, 'v/default');
    expect(n.region.getNetworkInterface(n.names.endpoints.get('m1')![0]).groups).toEqual([dflt]);
    for (const port of [1, 22, 5432, 65535]) {
      expect(allows(n, 'm1', 'm2', port), `tcp/${port}`).toBe(true);
      expect(allows(n, 'm2', 'm1', port, { protocol: 'udp' }), `udp/${port}`).toBe(true);
    }
    expect(allows(n, 'm1', 'm2', 0, { protocol: 'icmp' })).toBe(true);
    expect(allows(n, 'm1', 'm2', 0, { protocol: 47 })).toBe(true);
  });

  it('a non-member cannot reach a member of the default group on any port', () => {
    const n = defaults();
    for (const port of [1, 22, 80, 65535]) expect(allows(n, 'x', 'm1', port), `tcp/${port}`).toBe(false);
    expect(allows(n, 'x', 'm1', 53, { protocol: 'udp' })).toBe(false);
    expect(allows(n, 'x', 'm1', 0, { protocol: 'icmp' })).toBe(false);
    expect(allows(n, 'x', 'm2', 0, { protocol: 47 })).toBe(false);
    // while a member can reach the outsider's… nothing: the outsider has no inbound rules
    expect(allows(n, 'm1', 'x', 22)).toBe(false);
  });
});

describe('several groups on one ENI are one union of rules (spec §2)', () => {
  const union = (): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      one: { cidr: 10.0.1.0/24 }
      two: { cidr: 10.0.2.0/24 }
    securityGroups:
      narrow:
        inbound:
          - { protocol: tcp, ports: 22, from: 10.0.1.0/24 }
      wide:
        inbound:
          - { protocol: tcp, ports: 22, from: 10.0.0.0/16 }
          - { protocol: tcp, ports: 80, from: 0.0.0.0/0 }
      client: {}
instances:
  onlyNarrow: { subnet: one, groups: [narrow], privateIp: 10.0.1.20 }
  both:       { subnet: one, groups: [narrow, wide], privateIp: 10.0.1.21 }
  near:       { subnet: one, groups: [client], privateIp: 10.0.1.10 }
  remote:     { subnet: two, groups: [client], privateIp: 10.0.2.10 }
`);

  it('the most permissive rule of any group wins', () => {
    const n = union();
    expect(allows(n, 'remote', 'onlyNarrow', 22)).toBe(false);
    expect(allows(n, 'remote', 'both', 22)).toBe(true);
    expect(allows(n, 'remote', 'both', 80)).toBe(true);
    expect(allows(n, 'remote', 'both', 23)).toBe(false);
    expect(allows(n, 'near', 'both', 22)).toBe(true);
  });

  it('the trace names every allowing rule, from each group', () => {
    const n = union();
    const d = go(n, 'near', 'both', 22, { commit: false, trace: true });
    const hop = d.hops.find((h) => h.kind === 'security-groups' && h.direction === 'ingress')!;
    expect(new Set(hop.rules!.map((r) => r.groupId))).toEqual(new Set([groupId(n, 'narrow'), groupId(n, 'wide')]));
  });
});
