// Spec §1/§2/§4: protocol -1 and protocols other than TCP/UDP/ICMP/ICMPv6 ignore ports; names and numbers are
// the same protocol; ICMP rules match type (FromPort) and code (ToPort).
import { describe, expect, it } from 'vitest';
import { CompiledAcl, firstMatchingEntry } from '../../src/engine/nacl.js';
import type { Packet } from '../../src/engine/packet.js';
import type { NetworkAcl } from '../../src/model/types.js';
import { aclId, allows, build, groupId, pkt, send, type Net } from './helpers.js';

/** client and server in one subnet (no NACL between them), `far` in another subnet behind ACL `edge`. */
const net = (serverInbound: string, edge = `
        inbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      one: { cidr: 10.0.1.0/24 }
      two: { cidr: 10.0.2.0/24, networkAcl: edge }
    networkAcls:
      edge:${edge}
    securityGroups:
      client: {}
      server:
        inbound:
${serverInbound}
instances:
  client: { subnet: one, groups: [client], privateIp: 10.0.1.10 }
  other:  { subnet: one, groups: [client], privateIp: 10.0.1.11 }
  server: { subnet: one, groups: [server], privateIp: 10.0.1.20 }
  far:    { subnet: two, groups: [server], privateIp: 10.0.2.20 }
`);

/** A packet of any protocol with ports set, even where the protocol has none. */
const raw = (n: Net, from: string, to: string, protocol: number, srcPort: number, dstPort: number): Packet => ({ ...pkt(n, from, to, 0, { protocol: 'tcp' }), protocol, srcPort, dstPort, tcpFlags: undefined });

describe('protocol -1 and other protocols ignore ports (spec §1)', () => {
  it('a protocol -1 (all) rule allows every protocol and every port from its peer', () => {
    const n = net('          - { protocol: all, from: 10.0.1.10/32 }');
    for (const port of [0, 1, 22, 443, 65535]) {
      expect(allows(n, 'client', 'server', port, { protocol: 'tcp' }), `tcp/${port}`).toBe(true);
      expect(allows(n, 'client', 'server', port, { protocol: 'udp' }), `udp/${port}`).toBe(true);
    }
    expect(allows(n, 'client', 'server', 0, { protocol: 'icmp', icmpType: 8 })).toBe(true);
    expect(allows(n, 'client', 'server', 0, { protocol: 'icmp', icmpType: 13 })).toBe(true);
    for (const proto of [47, 50, 132]) expect(allows(n, 'client', 'server', 0, { protocol: proto }), `proto ${proto}`).toBe(true);
    // the peer still counts
    expect(allows(n, 'other', 'server', 22)).toBe(false);
  });

  it('a protocol -1 rule authorized with From=0/To=0 (as Terraform writes it) still covers all ports', () => {
    const n = net('          - { protocol: tcp, ports: 1, from: 192.0.2.0/24 }');
    const server = groupId(n, 'server');
    const [r] = n.region.authorize(server, false, [{ ipProtocol: '-1', fromPort: 0, toPort: 0, ipRanges: [{ cidrIp: '10.0.1.10/32' }] }]);
    expect([r.fromPort, r.toPort]).toEqual([-1, -1]);
    expect(allows(n, 'client', 'server', 8080)).toBe(true);
    expect(allows(n, 'client', 'server', 53, { protocol: 'udp' })).toBe(true);
  });

  it('a rule for protocol 47 (GRE) ignores ports whatever From/To say', () => {
    const n = net('          - { protocol: tcp, ports: 1, from: 192.0.2.0/24 }');
    const server = groupId(n, 'server');
    n.region.authorize(server, false, [{ ipProtocol: '47', fromPort: 5, toPort: 5, ipRanges: [{ cidrIp: '10.0.1.10/32' }] }]);
    for (const [sp, dp] of [[0, 0], [5, 5], [1234, 9999]]) {
      const p = raw(n, 'client', 'server', 47, sp, dp);
      expect(send(n, 'client', p, { commit: false }).allowed, `ports ${sp}/${dp}`).toBe(true);
      expect(send(n, 'client', p, { commit: false, trace: true }).allowed, `traced, ports ${sp}/${dp}`).toBe(true);
    }
    // only protocol 47: not TCP on port 5, not another protocol
    expect(allows(n, 'client', 'server', 5)).toBe(false);
    expect(allows(n, 'client', 'server', 0, { protocol: 50 })).toBe(false);
  });

  it('protocol names and numbers are the same rule: 6 is tcp, 17 is udp, 1 is icmp', () => {
    const n = net(`          - { protocol: "6", ports: 443, from: 10.0.1.10/32 }
          - { protocol: udp, ports: 53, from: 10.0.1.10/32 }
          - { protocol: "1", from: 10.0.1.10/32 }`);
    expect(allows(n, 'client', 'server', 443, { protocol: 'tcp' })).toBe(true);
    expect(allows(n, 'client', 'server', 443, { protocol: 6 })).toBe(true);
    expect(allows(n, 'client', 'server', 443, { protocol: 'udp' })).toBe(false);
    expect(allows(n, 'client', 'server', 53, { protocol: 17 })).toBe(true);
    expect(allows(n, 'client', 'server', 53, { protocol: 'tcp' })).toBe(false);
    expect(allows(n, 'client', 'server', 0, { protocol: 'icmp' })).toBe(true);
    // a rule written `tcp` duplicates the one written `6`
    const server = groupId(n, 'server');
    expect(() => n.region.authorize(server, false, [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: [{ cidrIp: '10.0.1.10/32' }] }])).toThrow(/already exists/);
  });

  it('an ICMP rule matches type (FromPort) and code (ToPort); -1 is all', () => {
    const n = net(`          - { protocol: icmp, type: 3, code: 4, from: 10.0.1.10/32 }
          - { protocol: icmp, type: 8, from: 10.0.1.10/32 }`);
    expect(allows(n, 'client', 'server', 0, { protocol: 'icmp', icmpType: 3, icmpCode: 4 })).toBe(true);
    expect(allows(n, 'client', 'server', 0, { protocol: 'icmp', icmpType: 3, icmpCode: 1 })).toBe(false);
    expect(allows(n, 'client', 'server', 0, { protocol: 'icmp', icmpType: 8, icmpCode: 0 })).toBe(true);
    expect(allows(n, 'client', 'server', 0, { protocol: 'icmp', icmpType: 8, icmpCode: 7 })).toBe(true);
    expect(allows(n, 'client', 'server', 0, { protocol: 'icmp', icmpType: 13 })).toBe(false);
  });

  it('a network ACL entry for protocol -1 or 47 ignores ports; a tcp entry does not', () => {
    const n = net('          - { protocol: all, from: 10.0.0.0/16 }', `
        inbound:
          - { rule: 100, protocol: 47, cidr: 10.0.1.0/24, action: allow }
          - { rule: 110, protocol: tcp, ports: 22, cidr: 10.0.1.0/24, action: allow }
        outbound:
          - { rule: 100, protocol: -1, cidr: 0.0.0.0/0, action: allow }`);
    expect(send(n, 'client', raw(n, 'client', 'far', 47, 7, 7), { commit: false }).allowed).toBe(true);
    expect(allows(n, 'client', 'far', 22)).toBe(true);
    expect(allows(n, 'client', 'far', 23)).toBe(false);
    expect(allows(n, 'client', 'far', 0, { protocol: 50 })).toBe(false);
  });

  it('a network ACL ICMP entry matches type and code: type 3 code 4 (path MTU discovery) only', () => {
    const n = net('          - { protocol: all, from: 10.0.0.0/16 }', `
        inbound:
          - { rule: 100, protocol: icmp, type: 3, code: 4, cidr: 10.0.1.0/24, action: allow }
        outbound:
          - { rule: 100, protocol: -1, cidr: 0.0.0.0/0, action: allow }`);
    expect(allows(n, 'client', 'far', 0, { protocol: 'icmp', icmpType: 3, icmpCode: 4 })).toBe(true);
    expect(allows(n, 'client', 'far', 0, { protocol: 'icmp', icmpType: 3, icmpCode: 1 })).toBe(false);
    expect(allows(n, 'client', 'far', 0, { protocol: 'icmp', icmpType: 8 })).toBe(false);
  });

  it('the NACL evaluators ignore a port range left on an entry for a protocol without ports', () => {
    // A hand-built ACL (the state drops such ranges) must still be read the AWS way.
    const n = build(`vpcs: { v: { cidr: 10.0.0.0/16 } }`);
    const acl: NetworkAcl = {
      ...n.region.getNetworkAcl(aclId(n, 'v/default')),
      entries: [
        { ruleNumber: 10, egress: false, protocol: 47, ruleAction: 'allow', cidrBlock: '0.0.0.0/0', portRange: { from: 5, to: 5 } },
        { ruleNumber: 32767, egress: false, protocol: -1, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' },
      ],
    };
    const p: Packet = { family: 4, src: 1, dst: 2, protocol: 47, srcPort: 0, dstPort: 0 };
    expect(firstMatchingEntry(acl, false, p)?.ruleNumber).toBe(10);
    expect(new CompiledAcl(acl).decide(false, p) & 1).toBe(1);
  });
});
