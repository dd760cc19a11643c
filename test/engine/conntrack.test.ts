// Spec §3: connection tracking. Security groups are stateful; untracked flows (world-open rule + all-open
// opposite direction) meet the rules on every packet; tracked connections outlive a revoked rule until they
// idle out (timeouts per protocol, settable per ENI); NACLs are judged on every packet; some interface types
// always track.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { Packet } from '../../src/engine/packet.js';
import { ACK, aclId, build, codes, eniId, FIN_ACK, groupId, pkt, reply, RST, send, SYN_ACK, type Net } from './helpers.js';

/**
 * `client` (10.0.1.10) in subnet front; servers in subnet back (ACL `guard`, allow-all to start with):
 *   web    tcp/80 from 0.0.0.0/0 + default all-outbound      → untracked
 *   ssh    tcp/22 from the client's /32 + default outbound   → tracked
 *   quiet  tcp/22, udp/53, proto 47 from the client, no outbound rules at all
 *   pinger icmp and tcp/80 from 0.0.0.0/0 + all-outbound
 */
const conn = (sshTracking = '', quietTracking = ''): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    ipv6: 2600:1f18:aaaa:bb00::/56
    subnets:
      front: { cidr: 10.0.1.0/24, ipv6Cidr: 2600:1f18:aaaa:bb01::/64 }
      back:  { cidr: 10.0.2.0/24, ipv6Cidr: 2600:1f18:aaaa:bb02::/64, networkAcl: guard }
    networkAcls:
      guard:
        inbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
          - { rule: 101, protocol: all, cidr: "::/0", action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
          - { rule: 101, protocol: all, cidr: "::/0", action: allow }
    securityGroups:
      client:
        outbound:
          - { protocol: all, to: 0.0.0.0/0 }
          - { protocol: all, to: "::/0" }
      web:
        inbound:
          - { protocol: tcp, ports: 80, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 80, from: "::/0" }
      ssh:
        inbound:
          - { protocol: tcp, ports: 22, from: 10.0.1.10/32 }
      quiet:
        inbound:
          - { protocol: tcp, ports: 22, from: 10.0.1.10/32 }
          - { protocol: udp, ports: 53, from: 10.0.1.10/32 }
          - { protocol: 47, from: 10.0.1.10/32 }
        outbound: []
      pinger:
        inbound:
          - { protocol: icmp, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 80, from: 0.0.0.0/0 }
instances:
  client: { subnet: front, groups: [client], privateIp: 10.0.1.10, ipv6: true }
  web:    { subnet: back, groups: [web], privateIp: 10.0.2.20, ipv6: true }
  ssh:    { subnet: back, groups: [ssh], privateIp: 10.0.2.21${sshTracking} }
  quiet:  { subnet: back, groups: [quiet], privateIp: 10.0.2.22${quietTracking} }
  pinger: { subnet: back, groups: [pinger], privateIp: 10.0.2.23 }
`);

/** Revokes every inbound rule of a group that allows `port` (any protocol when port is undefined). */
function revokeInbound(n: Net, group: string, match: (r: { protocol: number; fromPort: number; toPort: number }) => boolean): void {
  const gid = groupId(n, group);
  const ids = n.region.groupRules(gid, false).filter(match).map((r) => r.id);
  expect(ids.length).toBeGreaterThan(0);
  n.region.revoke(gid, false, { ruleIds: ids });
}

/** SYN, SYN-ACK, ACK from `client` to `server` at time `t`; returns the client's ACK for later packets. */
function handshake(n: Net, server: string, port: number, t = 0, family: 4 | 6 = 4): Packet {
  const syn = pkt(n, 'client', server, port, { family });
  expect(send(n, 'client', syn, { now: t }).allowed, 'SYN').toBe(true);
  expect(send(n, server, reply(syn, SYN_ACK), { now: t }).allowed, 'SYN-ACK').toBe(true);
  const ack = { ...syn, tcpFlags: ACK };
  expect(send(n, 'client', ack, { now: t }).allowed, 'ACK').toBe(true);
  return ack;
}

const conns = (n: Net, name: string, now = 0) => n.engine.connections(eniId(n, name), now);

describe('security groups are stateful (spec §3)', () => {
  it('the response to allowed traffic is allowed back without an outbound rule', () => {
    const n = conn();
    const syn = pkt(n, 'client', 'quiet', 22);
    expect(send(n, 'client', syn).allowed).toBe(true);
    const back = send(n, 'quiet', reply(syn, SYN_ACK), { trace: true });
    expect(back.allowed).toBe(true);
    const sgHops = back.hops.filter((h) => h.kind === 'security-groups');
    // the server's egress (no rules) and the client's ingress (no rules) both pass by connection tracking
    expect(sgHops.map((h) => [h.direction, h.byConnectionTracking])).toEqual([['egress', true], ['ingress', true]]);
  });

  it('without the request, the same packet from the server is denied (no outbound rule)', () => {
    const n = conn();
    const back = send(n, 'quiet', reply(pkt(n, 'client', 'quiet', 22), SYN_ACK));
    expect(back.allowed).toBe(false);
    expect(codes(back)).toEqual(['ENI_SG_RULES_MISMATCH']);
    expect(back.explanations[0].direction).toBe('egress');
  });

  it('a response on other ports than the request is not a response', () => {
    const n = conn();
    const syn = pkt(n, 'client', 'quiet', 22);
    send(n, 'client', syn);
    expect(send(n, 'quiet', { ...reply(syn, SYN_ACK), srcPort: 23 }, { commit: false }).allowed).toBe(false);
    expect(send(n, 'quiet', { ...reply(syn, SYN_ACK), dstPort: 40001 }, { commit: false }).allowed).toBe(false);
  });
});

describe('untracked and tracked flows when a rule is removed (spec §3)', () => {
  it('an untracked flow (inbound tcp/80 from 0.0.0.0/0 + default all-outbound) is cut at once when the inbound rule is revoked', () => {
    const n = conn();
    const ack = handshake(n, 'web', 80);
    expect(conns(n, 'web')).toBe(0); // nothing tracked on the server
    const d = send(n, 'client', ack, { now: 1, trace: true, commit: false });
    expect(d.allowed).toBe(true);
    expect(d.hops.find((h) => h.kind === 'security-groups' && h.direction === 'ingress')?.tracked).toBe(false);
    revokeInbound(n, 'web', (r) => r.fromPort === 80);
    const cut = send(n, 'client', ack, { now: 1 });
    expect(cut.allowed).toBe(false);
    expect(codes(cut)).toEqual(['ENI_SG_RULES_MISMATCH']);
    expect(cut.explanations[0]).toMatchObject({ direction: 'ingress', resourceId: eniId(n, 'web') });
  });

  it('a tracked flow (SSH from a /32) survives revocation until it idles out: TCP established default 432000 s', () => {
    const n = conn();
    const ack = handshake(n, 'ssh', 22);
    expect(conns(n, 'ssh')).toBe(1);
    revokeInbound(n, 'ssh', (r) => r.fromPort === 22);
    expect(send(n, 'client', ack, { now: 1000 }).allowed).toBe(true); // refreshes the idle timer
    expect(send(n, 'client', ack, { now: 1000 + 431999, commit: false }).allowed).toBe(true);
    expect(send(n, 'client', ack, { now: 1000 + 432000, commit: false }).allowed).toBe(false);
    // a new connection is judged by the rules: denied
    expect(send(n, 'client', pkt(n, 'client', 'ssh', 22, { srcPort: 50000 }), { now: 1001 }).allowed).toBe(false);
  });

  it('tcpEstablishedTimeout: 60 on the ENI: alive after 59 s idle, dead after 60 s', () => {
    const n = conn(', connectionTracking: { tcpEstablishedTimeout: 60 }');
    expect(n.region.getNetworkInterface(eniId(n, 'ssh')).connectionTracking.tcpEstablishedTimeout).toBe(60);
    const ack = handshake(n, 'ssh', 22, 100);
    revokeInbound(n, 'ssh', (r) => r.fromPort === 22);
    expect(send(n, 'client', ack, { now: 159, commit: false }).allowed).toBe(true);
    expect(send(n, 'client', ack, { now: 160, commit: false }).allowed).toBe(false);
    // (the expired entry is gone for good)
    expect(send(n, 'client', ack, { now: 159, commit: false }).allowed).toBe(false);
  });

  it('tcpEstablishedTimeout: each packet restarts the idle timer', () => {
    const n = conn(', connectionTracking: { tcpEstablishedTimeout: 60 }');
    const ack = handshake(n, 'ssh', 22, 0);
    revokeInbound(n, 'ssh', (r) => r.fromPort === 22);
    for (let t = 50; t <= 500; t += 50) expect(send(n, 'client', ack, { now: t }).allowed, `t=${t}`).toBe(true);
    expect(send(n, 'client', ack, { now: 560, commit: false }).allowed).toBe(false);
  });

  it('an untracked TCP flow needs the opposite direction open on all ports: 1024-65535 outbound keeps it tracked', () => {
    const n = conn();
    const web = groupId(n, 'web');
    const all = n.region.groupRules(web, true).map((r) => r.id);
    n.region.revoke(web, true, { ruleIds: all });
    n.region.authorize(web, true, [{ ipProtocol: 'tcp', fromPort: 1024, toPort: 65535, ipRanges: [{ cidrIp: '0.0.0.0/0' }] }]);
    handshake(n, 'web', 80);
    expect(conns(n, 'web')).toBe(1);
    // the same protocol on 0-65535 counts as all ports (rampart's reading of "all ports"; see policy.ts)
    const n2 = conn();
    const web2 = groupId(n2, 'web');
    n2.region.revoke(web2, true, { ruleIds: n2.region.groupRules(web2, true).map((r) => r.id) });
    n2.region.authorize(web2, true, [{ ipProtocol: 'tcp', fromPort: 0, toPort: 65535, ipRanges: [{ cidrIp: '0.0.0.0/0' }] }]);
    handshake(n2, 'web', 80);
    expect(conns(n2, 'web')).toBe(0);
  });

  it('IPv4 and IPv6 are judged separately: without ::/0 outbound, the IPv6 flow is tracked while the IPv4 one is not', () => {
    const n = conn();
    // web's outbound is the default 0.0.0.0/0 only: IPv6 has no all-open opposite direction
    const ack6 = handshake(n, 'web', 80, 0, 6);
    expect(conns(n, 'web')).toBe(1);
    handshake(n, 'web', 80, 0, 4);
    expect(conns(n, 'web')).toBe(1);
    revokeInbound(n, 'web', (r) => r.fromPort === 80);
    expect(send(n, 'client', ack6, { now: 5, commit: false }).allowed).toBe(true);
    expect(send(n, 'client', { ...pkt(n, 'client', 'web', 80), tcpFlags: ACK }, { now: 5, commit: false }).allowed).toBe(false);
  });
});

describe('idle timeouts by protocol (spec §3)', () => {
  it('a UDP single transaction times out after 30 s idle', () => {
    const n = conn();
    const q = pkt(n, 'client', 'quiet', 53, { protocol: 'udp' });
    expect(send(n, 'client', q, { now: 0 }).allowed).toBe(true);
    expect(send(n, 'quiet', reply(q), { now: 10 }).allowed).toBe(true);
    expect(send(n, 'quiet', reply(q), { now: 39, commit: false }).allowed).toBe(true);
    expect(send(n, 'quiet', reply(q), { now: 40, commit: false }).allowed).toBe(false);
  });

  it('a UDP stream (two request/response pairs) times out after 180 s idle', () => {
    const n = conn();
    const q = pkt(n, 'client', 'quiet', 53, { protocol: 'udp' });
    for (const [t, from, p] of [[0, 'client', q], [1, 'quiet', reply(q)], [2, 'client', q], [3, 'quiet', reply(q)]] as const) {
      expect(send(n, from, p, { now: t }).allowed, `t=${t}`).toBe(true);
    }
    expect(send(n, 'quiet', reply(q), { now: 3 + 30, commit: false }).allowed).toBe(true); // a single transaction would be gone
    expect(send(n, 'quiet', reply(q), { now: 3 + 179, commit: false }).allowed).toBe(true);
    expect(send(n, 'quiet', reply(q), { now: 3 + 180, commit: false }).allowed).toBe(false);
  });

  it('UDP timeouts are set per ENI: udpTimeout 60 and udpStreamTimeout 60 on the server, the default 30 s on the client', () => {
    const n = conn('', ', connectionTracking: { udpTimeout: 60, udpStreamTimeout: 60 }');
    const quiet = eniId(n, 'quiet');
    const q = pkt(n, 'client', 'quiet', 53, { protocol: 'udp' });
    send(n, 'client', q, { now: 0 });
    // the server's own decision (its ENI's timeouts)
    const atServer = (now: number) => n.engine.decideAtInterface(quiet, true, reply(q), { now, commit: false, crossesSubnet: false });
    expect(atServer(59)).toBe(true);
    // the whole path at 59 s: the client's ENI (default 30 s) has forgotten the flow, and it has no inbound rule
    const d = send(n, 'quiet', reply(q), { now: 59, commit: false });
    expect(d.allowed).toBe(false);
    expect(d.explanations[0]).toMatchObject({ code: 'ENI_SG_RULES_MISMATCH', direction: 'ingress', resourceId: eniId(n, 'client') });
    expect(atServer(60)).toBe(false);
    // a stream: 60 s on the server too
    const n2 = conn('', ', connectionTracking: { udpTimeout: 60, udpStreamTimeout: 60 }');
    for (const [t, from, p] of [[0, 'client', q], [1, 'quiet', reply(q)], [2, 'client', q], [3, 'quiet', reply(q)]] as const) send(n2, from, p, { now: t });
    const atServer2 = (now: number) => n2.engine.decideAtInterface(eniId(n2, 'quiet'), true, reply(q), { now, commit: false, crossesSubnet: false });
    expect(atServer2(62)).toBe(true);
    expect(atServer2(63)).toBe(false);
  });

  it('ICMP is always tracked, even when world-open rules would leave TCP untracked', () => {
    const n = conn();
    const ping = pkt(n, 'client', 'pinger', 0, { protocol: 'icmp' });
    const d = send(n, 'client', ping, { trace: true });
    expect(d.allowed).toBe(true);
    expect(d.hops.find((h) => h.kind === 'security-groups' && h.direction === 'ingress')?.tracked).toBe(true);
    expect(conns(n, 'pinger')).toBe(1);
    // TCP on the same world-open terms is untracked
    send(n, 'client', pkt(n, 'client', 'pinger', 80));
    expect(conns(n, 'pinger')).toBe(1);
    // the echo reply passes by tracking; after revoking the ICMP rule the tracked flow carries on
    expect(send(n, 'pinger', reply(ping), { now: 1, trace: true }).hops.find((h) => h.kind === 'security-groups' && h.direction === 'egress')?.byConnectionTracking).toBe(true);
    revokeInbound(n, 'pinger', (r) => r.protocol === 1);
    expect(send(n, 'client', ping, { now: 2 }).allowed).toBe(true);
    // a fresh pinger shows the rule is really gone for new flows
    expect(send(n, 'client', { ...ping, src: pkt(n, '10.0.1.99', 'pinger', 0, { protocol: 'icmp' }).src }, { now: 2, commit: false }).allowed).toBe(false);
  });

  it('other protocols (GRE) are tracked by addresses and protocol: responses accepted within 600 s', () => {
    const n = conn();
    const gre = pkt(n, 'client', 'quiet', 0, { protocol: 47 });
    expect(send(n, 'client', gre, { now: 0 }).allowed).toBe(true);
    expect(conns(n, 'quiet')).toBe(1);
    expect(send(n, 'quiet', reply(gre), { now: 599, commit: false }).allowed).toBe(true);
    expect(send(n, 'quiet', reply(gre), { now: 600, commit: false }).allowed).toBe(false);
  });
});

describe('ends of a tracked connection (spec §3)', () => {
  it('a network ACL change breaks an established connection (ACLs are judged on every packet)', () => {
    const n = conn();
    const ack = handshake(n, 'ssh', 22);
    const guard = aclId(n, 'v/guard');
    n.region.replaceNetworkAclEntry(guard, { ruleNumber: 100, egress: false, protocol: -1, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' });
    const d = send(n, 'client', ack, { now: 1 });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['SUBNET_ACL_RESTRICTION']);
    expect(conns(n, 'ssh', 1)).toBe(1); // the entry is still there: the ACL alone breaks the connection
  });

  it('a network ACL change on the outbound side breaks the server\'s half of an established connection', () => {
    const n = conn();
    const ack = handshake(n, 'ssh', 22);
    n.region.replaceNetworkAclEntry(aclId(n, 'v/guard'), { ruleNumber: 100, egress: true, protocol: 6, portRange: { from: 0, to: 1023 }, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' });
    expect(send(n, 'client', ack, { now: 1 }).allowed).toBe(true);
    const back = send(n, 'ssh', reply(ack, ACK), { now: 1 });
    expect(back.allowed).toBe(false);
    expect(codes(back)).toEqual(['SUBNET_ACL_RESTRICTION']);
    expect(back.explanations[0].direction).toBe('egress');
  });

  it('a TCP RST ends the tracked connection', () => {
    const n = conn();
    const ack = handshake(n, 'ssh', 22);
    revokeInbound(n, 'ssh', (r) => r.fromPort === 22);
    expect(send(n, 'client', { ...ack, tcpFlags: RST }, { now: 1 }).allowed).toBe(true); // passes as part of the connection
    expect(conns(n, 'ssh', 1)).toBe(0);
    expect(send(n, 'client', ack, { now: 2 }).allowed).toBe(false);
  });

  it('a TCP RST from the server ends it too', () => {
    const n = conn();
    const ack = handshake(n, 'quiet', 22);
    expect(send(n, 'quiet', reply(ack, RST), { now: 1 }).allowed).toBe(true);
    expect(conns(n, 'quiet', 1)).toBe(0);
    // quiet has no outbound rules: without the connection its packets are denied
    expect(send(n, 'quiet', reply(ack, ACK), { now: 2 }).allowed).toBe(false);
  });

  it('FIN from both sides and the last ACK close the connection', () => {
    const n = conn();
    const ack = handshake(n, 'quiet', 22);
    send(n, 'client', { ...ack, tcpFlags: FIN_ACK }, { now: 1 });
    send(n, 'quiet', reply(ack, FIN_ACK), { now: 1 });
    expect(send(n, 'client', ack, { now: 1 }).allowed).toBe(true);
    expect(conns(n, 'quiet', 1)).toBe(0);
    expect(send(n, 'quiet', reply(ack, ACK), { now: 2 }).allowed).toBe(false);
  });
});

describe('always-tracked interface types (spec §3)', () => {
  const lbs = (): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      front: { cidr: 10.0.1.0/24 }
      back:  { cidr: 10.0.2.0/24 }
    securityGroups:
      client: {}
      web:
        inbound:
          - { protocol: tcp, ports: 80, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
instances:
  client: { subnet: front, groups: [client], privateIp: 10.0.1.10 }
  web:    { subnet: back, groups: [web], privateIp: 10.0.2.20 }
resources:
  lb:  { type: nlb, subnets: [back], groups: [web], privateIps: [10.0.2.50] }
  vpce: { type: vpc-endpoint, subnets: [back], groups: [web], privateIps: [10.0.2.51] }
`);

  it('an NLB tracks a flow that would be untracked on an instance with the same group', () => {
    const n = lbs();
    expect(n.region.getNetworkInterface(eniId(n, 'lb')).interfaceType).toBe('network_load_balancer');
    const toLb = handshake(n, 'lb', 80);
    const toWeb = handshake(n, 'web', 80);
    expect(conns(n, 'lb')).toBe(1);
    expect(conns(n, 'web')).toBe(0);
    const d = send(n, 'client', pkt(n, 'client', 'lb', 80, { srcPort: 45000 }), { commit: false, trace: true });
    expect(d.hops.find((h) => h.kind === 'security-groups' && h.direction === 'ingress')?.detail).toMatch(/always tracks/);
    revokeInbound(n, 'web', (r) => r.fromPort === 80);
    expect(send(n, 'client', toLb, { now: 1 }).allowed).toBe(true);
    expect(send(n, 'client', toWeb, { now: 1 }).allowed).toBe(false);
  });

  it('an interface VPC endpoint (PrivateLink) always tracks', () => {
    const n = lbs();
    expect(n.region.getNetworkInterface(eniId(n, 'vpce')).interfaceType).toBe('vpc_endpoint');
    const ack = handshake(n, 'vpce', 443);
    expect(conns(n, 'vpce')).toBe(1);
    revokeInbound(n, 'web', (r) => r.fromPort === 443);
    expect(send(n, 'client', ack, { now: 1 }).allowed).toBe(true);
  });
});

describe('connection-tracking allowance (spec §3)', () => {
  it('new tracked connections beyond the allowance are dropped; untracked flows do not count', () => {
    const n = conn();
    const engine = new Engine(n.region, { conntrackAllowance: 2 });
    const m = { ...n, engine };
    for (const sp of [41000, 41001]) expect(send(m, 'client', pkt(m, 'client', 'ssh', 22, { srcPort: sp })).allowed).toBe(true);
    const third = send(m, 'client', pkt(m, 'client', 'ssh', 22, { srcPort: 41002 }));
    expect(third.allowed).toBe(false);
    expect(codes(third)).toContain('CONNTRACK_ALLOWANCE_EXCEEDED');
    expect(engine.stats.allowanceExceeded).toBeGreaterThan(0);
    // untracked flows (web: tcp/80 from 0.0.0.0/0 + all-outbound) open no entry, so the allowance never stops them
    const e2 = new Engine(n.region, { conntrackAllowance: 1 });
    for (const sp of [42000, 42001, 42002]) {
      expect(e2.decideAtInterface(eniId(n, 'web'), false, pkt(n, 'client', 'web', 80, { srcPort: sp })), `port ${sp}`).toBe(true);
    }
    expect(e2.connections(eniId(n, 'web'))).toBe(0);
  });
});

describe('what an ICMP connection covers', () => {
  const icmpNet = (): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      one: { cidr: 10.0.1.0/24 }
    securityGroups:
      client: {}
      echo:
        inbound:
          - { protocol: icmp, type: 8, from: 10.0.1.10/32 }
        outbound: []
instances:
  client: { subnet: one, groups: [client], privateIp: 10.0.1.10 }
  echo:   { subnet: one, groups: [echo], privateIp: 10.0.1.20 }
`);

  it('an echo request opens a connection whose echo reply passes back', () => {
    const n = icmpNet();
    const ping = pkt(n, 'client', 'echo', 0, { protocol: 'icmp', icmpType: 8 });
    expect(send(n, 'client', ping).allowed).toBe(true);
    expect(send(n, 'echo', reply(ping), { now: 1 }).allowed).toBe(true);
    // an ICMP message of another type from the server is not a reply: no outbound rule allows it
    expect(send(n, 'echo', { ...reply(ping), icmpType: 13 }, { now: 1, commit: false }).allowed).toBe(false);
  });

  it("an echo request's connection does not let another ICMP query type through (only echo is allowed inbound)", () => {
    const n = icmpNet();
    const ping = pkt(n, 'client', 'echo', 0, { protocol: 'icmp', icmpType: 8 });
    expect(send(n, 'client', ping).allowed).toBe(true);
    const timestamp = { ...ping, icmpType: 13 };
    expect(send(n, 'client', timestamp, { now: 1, commit: false }).allowed).toBe(false);
  });
});
