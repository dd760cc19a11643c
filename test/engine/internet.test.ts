// The internet gateway: inbound needs an attached gateway and a public IPv4 (or the IPv6 address); outbound
// needs a route to the gateway and, for IPv4, a public address to translate to. IPv6 needs no public IPv4.
import { describe, expect, it } from 'vitest';
import { addressText, allows, build, codes, eniId, go, pkt, probeBetween, send, type Net } from './helpers.js';

const inet = (): Net => build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    ipv6: 2600:1f18:aaaa:bb00::/56
    internetGateway: true
    subnets:
      pub:  { cidr: 10.0.1.0/24, ipv6Cidr: 2600:1f18:aaaa:bb01::/64, routeTable: out }
      priv: { cidr: 10.0.2.0/24, ipv6Cidr: 2600:1f18:aaaa:bb02::/64 }
    routeTables:
      out:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
          - { destination: "::/0", target: igw }
    securityGroups:
      web:
        inbound:
          - { protocol: tcp, ports: 80, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 80, from: "::/0" }
        outbound:
          - { protocol: all, to: 0.0.0.0/0 }
          - { protocol: all, to: "::/0" }
  dark:
    cidr: 10.9.0.0/16
    subnets:
      d: { cidr: 10.9.1.0/24 }
    securityGroups:
      web:
        inbound:
          - { protocol: tcp, ports: 80, from: 0.0.0.0/0 }
instances:
  web:    { subnet: pub, groups: [web], privateIp: 10.0.1.10, publicIp: true, ipv6: true }
  eip:    { subnet: pub, groups: [web], privateIp: 10.0.1.11, elasticIp: true }
  noip:   { subnet: pub, groups: [web], privateIp: 10.0.1.12, ipv6: true }
  hidden: { subnet: priv, groups: [web], privateIp: 10.0.2.10, publicIp: true }
  lonely: { subnet: d, groups: [dark/web], privateIp: 10.9.1.10, publicIp: true }
`);

describe('the internet gateway', () => {
  it('inbound: the internet reaches an instance at its public IP through the attached gateway', () => {
    const n = inet();
    const d = go(n, 'internet', 'web/public', 80, { commit: false, trace: true });
    expect(d.allowed).toBe(true);
    expect(d.to).toEqual({ kind: 'eni', networkInterfaceId: eniId(n, 'web') });
    // the gateway translates the public destination to the private address
    expect(d.delivered!.dst).toBe(pkt(n, 'internet', 'web', 80).dst);
    expect(d.hops.find((h) => h.kind === 'internet-gateway')?.detail).toMatch(/translates/);
    expect(allows(n, 'internet', 'eip/public', 80)).toBe(true);
    expect(probeBetween(n, 'internet', 'web', 80).reachable).toBe(true);
  });

  it('inbound: a VPC without an attached internet gateway is not reachable at a public IP (BAD_STATE_ATTACHMENT)', () => {
    const n = inet();
    expect(addressText(n, 'lonely/public')).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const d = go(n, 'internet', 'lonely/public', 80, { commit: false });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['BAD_STATE_ATTACHMENT']);
  });

  it('inbound: an address that is no public IP (a private address) is not reachable (IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS)', () => {
    const n = inet();
    const d = go(n, 'internet', 'noip', 80, { commit: false });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS']);
    // a probe to an instance without a public IPv4 says the same
    const r = probeBetween(n, 'internet', 'noip', 80);
    expect(r.reachable).toBe(false);
    expect(r.explanations.map((e) => e.code)).toEqual(['IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS']);
  });

  it('inbound reaches an instance whose subnet has no route to the gateway, but the response cannot leave', () => {
    const n = inet();
    expect(allows(n, 'internet', 'hidden/public', 80)).toBe(true);
    const r = probeBetween(n, 'internet', 'hidden', 80);
    expect(r.forward.allowed).toBe(true);
    expect(r.explanations.map((e) => [e.path, e.code])).toEqual([['response', 'NO_ROUTE_TO_DESTINATION']]);
  });

  it('outbound needs a route 0.0.0.0/0 → igw (NO_ROUTE_TO_DESTINATION otherwise)', () => {
    const n = inet();
    expect(allows(n, 'web', '8.8.8.8', 443)).toBe(true);
    const d = go(n, 'hidden', '8.8.8.8', 443, { commit: false });
    expect(codes(d)).toEqual(['NO_ROUTE_TO_DESTINATION']);
  });

  it('outbound IPv4 needs a public or Elastic IP (NO_PUBLIC_IP otherwise)', () => {
    const n = inet();
    const d = go(n, 'noip', '8.8.8.8', 443, { commit: false, trace: true });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['NO_PUBLIC_IP']);
    expect(d.explanations[0].resourceId).toBe(eniId(n, 'noip'));
    // with an Elastic IP the source is translated
    const ok = go(n, 'eip', '8.8.8.8', 443, { commit: false });
    expect(ok.allowed).toBe(true);
    expect(ok.to).toEqual({ kind: 'internet' });
    expect(ok.delivered!.src).toBe(pkt(n, 'eip/public', '8.8.8.8', 443).src);
  });

  it('IPv6 works without a public IPv4, both ways', () => {
    const n = inet();
    const out = go(n, 'noip', '2001:4860:4860::8888', 443, { commit: false });
    expect(out.allowed).toBe(true);
    expect(out.to).toEqual({ kind: 'internet' });
    expect(out.delivered!.src).toBe(pkt(n, 'noip', '2001:4860:4860::8888', 443).src); // no translation
    expect(allows(n, 'internet', 'noip', 80, { family: 6 })).toBe(true);
    expect(probeBetween(n, 'internet', 'noip', 80, { family: 6 }).reachable).toBe(true);
  });

  it("inbound from the internet meets the subnet's network ACL", () => {
    const n = inet();
    const acl = n.region.createNetworkAcl({ vpcId: n.names.vpcs.get('v')! });
    n.region.createNetworkAclEntry(acl.id, { ruleNumber: 100, egress: false, protocol: 6, portRange: { from: 443, to: 443 }, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' });
    n.region.associateSubnetNetworkAcl(n.names.subnets.get('pub')!, acl.id);
    const d = go(n, 'internet', 'web/public', 80, { commit: false });
    expect(codes(d)).toEqual(['SUBNET_ACL_RESTRICTION']);
    expect(d.explanations[0]).toMatchObject({ direction: 'ingress', resourceId: acl.id });
  });

  it('a route to a detached internet gateway is a blackhole (BAD_STATE_ROUTE)', () => {
    const n = build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    ipv6: 2600:1f18:aaaa:bb00::/56
    internetGateway: true
    subnets:
      pub: { cidr: 10.0.1.0/24, ipv6Cidr: 2600:1f18:aaaa:bb01::/64, routeTable: out }
    routeTables:
      out:
        routes:
          - { destination: "::/0", target: igw }
    securityGroups:
      web:
        outbound:
          - { protocol: all, to: "::/0" }
instances:
  six: { subnet: pub, groups: [web], privateIp: 10.0.1.10, ipv6: true }
`);
    expect(allows(n, 'six', '2001:db8::1', 443)).toBe(true);
    const igw = n.region.attachedInternetGateway(n.names.vpcs.get('v')!)!;
    n.region.detachInternetGateway(igw.id, n.names.vpcs.get('v')!);
    const d = send(n, 'six', pkt(n, 'six', '2001:db8::1', 443), { commit: false });
    expect(codes(d)).toEqual(['BAD_STATE_ROUTE']);
    expect(d.explanations[0].resourceId).toBe(igw.id);
  });
});
