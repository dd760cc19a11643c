// Spec §4: network ACLs apply only when traffic enters or leaves a subnet; first match by rule number; IPv4
// entries never match IPv6 traffic; the `*` rules deny the rest; stateless, so the response needs the client's
// ephemeral ports allowed.
import { describe, expect, it } from 'vitest';
import { EPHEMERAL_PORTS, NumberSet } from '../../src/net/index.js';
import { aclId, allows, build, codes, go, pkt, probeBetween, reply, send, type Net } from './helpers.js';

const ALLOW_ALL = `
        inbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
          - { rule: 101, protocol: all, cidr: "::/0", action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
          - { rule: 101, protocol: all, cidr: "::/0", action: allow }`;

/**
 * Clients c1 (10.0.1.10) and c2 (10.0.1.11) in subnet `front` behind ACL `edge`; servers s1 (10.0.2.20) and
 * s2 (10.0.2.21) in subnet `back` behind ACL `guard`. Security groups allow everything, so ACLs alone decide.
 */
const acls = (guard: string, edge = ALLOW_ALL): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    ipv6: 2600:1f18:aaaa:bb00::/56
    subnets:
      front: { cidr: 10.0.1.0/24, ipv6Cidr: 2600:1f18:aaaa:bb01::/64, networkAcl: edge }
      back:  { cidr: 10.0.2.0/24, ipv6Cidr: 2600:1f18:aaaa:bb02::/64, networkAcl: guard }
    networkAcls:
      edge:${edge}
      guard:${guard}
    securityGroups:
      open:
        inbound:
          - { protocol: all, from: 10.0.0.0/16 }
          - { protocol: all, from: "2600:1f18:aaaa:bb00::/56" }
        outbound:
          - { protocol: all, to: 0.0.0.0/0 }
          - { protocol: all, to: "::/0" }
instances:
  c1: { subnet: front, groups: [open], privateIp: 10.0.1.10, ipv6: true }
  c2: { subnet: front, groups: [open], privateIp: 10.0.1.11, ipv6: true }
  s1: { subnet: back, groups: [open], privateIp: 10.0.2.20, ipv6: true }
  s2: { subnet: back, groups: [open], privateIp: 10.0.2.21, ipv6: true }
`);

const deciding = (n: Net, from: string, to: string, port: number, opts: Parameters<typeof go>[4] = {}) => {
  const d = go(n, from, to, port, { commit: false, trace: true, ...opts });
  const hop = d.hops.find((h) => h.kind === 'network-acl' && h.aclEntry && (!h.allowed || h.direction === 'ingress'));
  return { allowed: d.allowed, rule: hop?.aclEntry?.ruleNumber, codes: codes(d) };
};

describe('network ACLs (spec §4)', () => {
  it('network ACLs do not apply between addresses of the same subnet', () => {
    const n = acls(' {}'); // only the `*` rules: deny everything in and out
    expect(allows(n, 's1', 's2', 22)).toBe(true);
    expect(allows(n, 's2', 's1', 5432, { protocol: 'udp' })).toBe(true);
    expect(allows(n, 's1', 's2', 22, { family: 6 })).toBe(true);
    const same = go(n, 's1', 's2', 22, { commit: false, trace: true });
    expect(same.hops.some((h) => h.kind === 'network-acl' && h.detail.includes('do not apply'))).toBe(true);
    // entering the subnet from another one, the same ACL denies
    const d = go(n, 'c1', 's1', 22, { commit: false });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['SUBNET_ACL_RESTRICTION']);
    expect(d.explanations[0].resourceId).toBe(aclId(n, 'v/guard'));
  });

  it('first match by rule number: a deny at 90 beats an allow at 100 (whatever order they were written in)', () => {
    const n = acls(`
        inbound:
          - { rule: 100, protocol: tcp, ports: 22, cidr: 10.0.1.0/24, action: allow }
          - { rule: 90, protocol: tcp, ports: 22, cidr: 10.0.1.10/32, action: deny }`);
    expect(deciding(n, 'c1', 's1', 22)).toEqual({ allowed: false, rule: 90, codes: ['SUBNET_ACL_RESTRICTION'] });
    expect(allows(n, 'c1', 's1', 22)).toBe(false);
    expect(deciding(n, 'c2', 's1', 22).rule).toBe(100);
    // c2's SYN gets in (rule 100); the ACL has no outbound allow, so the server's answer would not get out
    expect(go(n, 'c2', 's1', 22, { commit: false, trace: true }).hops.find((h) => h.kind === 'network-acl' && h.direction === 'ingress')?.allowed).toBe(true);
  });

  it('first match by rule number: an allow at 80 beats a deny at 90', () => {
    const n = acls(`
        inbound:
          - { rule: 90, protocol: all, cidr: 10.0.1.0/24, action: deny }
          - { rule: 80, protocol: tcp, ports: 22, cidr: 10.0.1.10/32, action: allow }
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`);
    expect(deciding(n, 'c1', 's1', 22)).toEqual({ allowed: true, rule: 80, codes: [] });
    expect(allows(n, 'c1', 's1', 22)).toBe(true);
    expect(deciding(n, 'c1', 's1', 23).rule).toBe(90);
    expect(allows(n, 'c1', 's1', 23)).toBe(false);
    expect(allows(n, 'c2', 's1', 22)).toBe(false);
  });

  it('IPv4 entries never match IPv6 traffic: an IPv4 allow-all leaves IPv6 to the IPv6 `*` rule (32768)', () => {
    const n = acls(`
        inbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`);
    expect(allows(n, 'c1', 's1', 443)).toBe(true);
    expect(deciding(n, 'c1', 's1', 443, { family: 6 })).toEqual({ allowed: false, rule: 32768, codes: ['SUBNET_ACL_RESTRICTION'] });
    expect(allows(n, 'c1', 's1', 443, { family: 6 })).toBe(false);
  });

  it('IPv6 entries never match IPv4 traffic: an IPv6 deny at rule 1 leaves IPv4 alone', () => {
    const n = acls(`
        inbound:
          - { rule: 1, protocol: all, cidr: "::/0", action: deny }
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
          - { rule: 101, protocol: all, cidr: "::/0", action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`);
    expect(deciding(n, 'c1', 's1', 443)).toEqual({ allowed: true, rule: 100, codes: [] });
    expect(deciding(n, 'c1', 's1', 443, { family: 6 }).rule).toBe(1);
  });

  it('the `*` rule (32767) denies whatever no numbered entry matched', () => {
    const n = acls(`
        inbound:
          - { rule: 100, protocol: tcp, ports: 80, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`);
    expect(allows(n, 'c1', 's1', 80)).toBe(true);
    expect(deciding(n, 'c1', 's1', 81)).toEqual({ allowed: false, rule: 32767, codes: ['SUBNET_ACL_RESTRICTION'] });
    expect(deciding(n, 'c1', 's1', 80, { protocol: 'udp' }).rule).toBe(32767);
    expect(deciding(n, 'c1', 's1', 0, { protocol: 'icmp' }).rule).toBe(32767);
  });
});

describe('return traffic through network ACLs on ephemeral ports (spec §4, stateless)', () => {
  const webIn = `
        inbound:
          - { rule: 100, protocol: tcp, ports: 80, cidr: 0.0.0.0/0, action: allow }`;

  it('probe: the response is blocked when the outbound ACL lacks the ephemeral ports', () => {
    const n = acls(`${webIn}
        outbound:
          - { rule: 100, protocol: tcp, ports: 80, cidr: 0.0.0.0/0, action: allow }`);
    const r = probeBetween(n, 'c1', 's1', 80);
    expect(r.forward.allowed).toBe(true);
    expect(r.response!.allowed).toBe(false);
    expect(r.reachable).toBe(false);
    expect(r.returnPorts!.isEmpty).toBe(true);
    expect(r.explanations.map((e) => [e.path, e.code, e.direction])).toEqual([['response', 'SUBNET_ACL_RESTRICTION', 'egress']]);
    expect(r.explanations[0].resourceId).toBe(aclId(n, 'v/guard'));
  });

  it('probe: with 1024-65535 allowed outbound the response returns to every Linux ephemeral port', () => {
    const n = acls(`${webIn}
        outbound:
          - { rule: 100, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow }`);
    const r = probeBetween(n, 'c1', 's1', 80);
    expect(r.reachable).toBe(true);
    expect(r.explanations).toEqual([]);
    expect(r.returnPorts!.covers(NumberSet.range(32768, 61000))).toBe(true);
  });

  it('probe: 32768-61000 covers Linux clients but only part of the Windows range (49152-65535)', () => {
    const n = acls(`${webIn}
        outbound:
          - { rule: 100, protocol: tcp, ports: 32768-61000, cidr: 0.0.0.0/0, action: allow }`);
    expect(probeBetween(n, 'c1', 's1', 80).reachable).toBe(true);
    const win = probeBetween(n, 'c1', 's1', 80, { ephemeral: EPHEMERAL_PORTS.windows });
    expect(win.returnPorts!.format()).toBe(NumberSet.range(49152, 61000).format());
    expect(win.reachable).toBe(false);
    expect(win.explanations.map((e) => e.code)).toEqual(['SUBNET_ACL_RESTRICTION']);
    expect(win.explanations[0].message).toContain('61001-65535');
  });

  it('probe: partial ephemeral coverage is reported in returnPorts and named', () => {
    const n = acls(`${webIn}
        outbound:
          - { rule: 100, protocol: tcp, ports: 32768-40000, cidr: 0.0.0.0/0, action: allow }`);
    const r = probeBetween(n, 'c1', 's1', 80);
    expect(r.returnPorts!.format()).toBe(NumberSet.range(32768, 40000).format());
    expect(r.response!.allowed).toBe(true); // a port that works was judged
    expect(r.reachable).toBe(false);
    expect(r.explanations).toHaveLength(1);
    expect(r.explanations[0]).toMatchObject({ path: 'response', code: 'SUBNET_ACL_RESTRICTION' });
    expect(r.explanations[0].message).toContain('40001-61000');
  });

  it("a NACL deny that only matters for the return path: the client subnet's inbound denies ephemeral ports from the server", () => {
    const n = acls(ALLOW_ALL, `
        inbound:
          - { rule: 50, protocol: tcp, ports: 32768-61000, cidr: 10.0.2.0/24, action: deny }
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`);
    const r = probeBetween(n, 'c1', 's1', 80);
    expect(r.forward.allowed).toBe(true);
    expect(r.response!.allowed).toBe(false);
    expect(r.explanations.map((e) => [e.path, e.code, e.direction, e.resourceId])).toEqual([['response', 'SUBNET_ACL_RESTRICTION', 'ingress', aclId(n, 'v/edge')]]);
    // packet by packet: the SYN passes (and is tracked), the SYN-ACK meets the stateless ACL and is dropped
    const syn = pkt(n, 'c1', 's1', 80);
    expect(send(n, 'c1', syn).allowed).toBe(true);
    const back = send(n, 's1', reply(syn), { trace: true });
    expect(back.allowed).toBe(false);
    expect(codes(back)).toEqual(['SUBNET_ACL_RESTRICTION']);
    // the security groups let it through (connection tracking); only the ACL stopped it
    expect(back.hops.find((h) => h.kind === 'security-groups' && h.direction === 'egress')?.byConnectionTracking).toBe(true);
    // the same request from a port outside the denied range gets its answer
    const syn2 = pkt(n, 'c1', 's1', 80, { srcPort: 61001 });
    expect(send(n, 'c1', syn2).allowed).toBe(true);
    expect(send(n, 's1', reply(syn2)).allowed).toBe(true);
  });
});
