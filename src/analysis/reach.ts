// Exact reachability over all packets at once. The engine decides one packet; here the same walk is made
// with *sets* of destination ports (TCP/UDP ports, ICMP type·256+code keys): every filter the walk meets —
// security groups, NACLs, routes, peering, internet gateways — narrows the set, using the engine's compiled
// tables (address atoms → allowed ports). The response path is walked the same way over the client's
// ephemeral ports. Nothing is sampled: a port is in the answer exactly when the packet engine would pass it.
import { EPHEMERAL_PORTS, NumberSet, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tryParseIp, type Family } from '../net/index.js';
import type { NetworkInterface } from '../model/types.js';
import type { Engine, ExplanationCode } from '../engine/engine.js';
import { verdictAllows } from '../engine/nacl.js';

const ALL = NumberSet.range(0, 65535);

export type FlowEndpoint = { kind: 'eni'; networkInterfaceId: string } | { kind: 'internet' };

/** The result of walking a set of packets (one family, protocol, source and destination address). */
export interface FlowResult {
  /** destination ports (ICMP keys) that get through every filter */
  ports: NumberSet;
  /** where the packets end */
  to: { kind: 'eni'; networkInterfaceId: string } | { kind: 'internet' } | { kind: 'aws-service' } | undefined;
  /** the addresses as they arrive (after internet-gateway translation) */
  deliveredSrc?: number | bigint;
  deliveredDst?: number | bigint;
  /** why nothing at all gets through, when nothing does */
  blocked?: ExplanationCode;
}

/** Reachable traffic of one protocol between two endpoints. */
export interface ProtocolReach {
  protocol: number;
  /** ports whose request gets through */
  forward: NumberSet;
  /** client ports (of the ephemeral range) the response can return to; undefined for ICMP / other protocols */
  returnPorts?: NumberSet;
  /** whether the response path exists at all */
  returns: boolean;
  /** ports that work end to end: the request gets through and the response returns to every client port */
  reachable: NumberSet;
  /** ports whose request gets through but whose response returns to only part of the client range */
  partial: NumberSet;
}

export interface PairReach {
  family: Family;
  src: number | bigint;
  dst: number | bigint;
  protocols: ProtocolReach[];
  blocked?: ExplanationCode;
}

/** Non-internet IPv4 space: a packet from the internet never carries these sources. */
const NON_INTERNET_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

function v4Range(base: string, prefix: number): { lo: number; hi: number } {
  const b = tryParseIp(base)!.value as number;
  return { lo: b, hi: b + 2 ** (32 - prefix) - 1 };
}

/** The internet as address ranges: IPv4 minus private and reserved space; IPv6 global unicast 2000::/3. */
export const INTERNET_V4 = NumberSet.range(0, 0xffffffff).subtract(NumberSet.of(NON_INTERNET_V4.map(([b, p]) => v4Range(b, p))));
export const INTERNET_V6 = { lo: 0x2n << 124n, hi: (0x4n << 124n) - 1n };

export class Reachability {
  /** the protocols analysed: TCP, UDP, ICMP/ICMPv6, every other number a rule or entry names, and one for the rest */
  readonly protocols: { 4: number[]; 6: number[] };
  /** the number standing for "every protocol no rule names" */
  readonly otherProtocol: number;
  readonly ephemeral: { lo: number; hi: number };
  private readonly ephemeralSet: NumberSet;

  constructor(
    readonly engine: Engine,
    opts: { ephemeral?: { lo: number; hi: number } } = {},
  ) {
    this.ephemeral = opts.ephemeral ?? EPHEMERAL_PORTS.linux;
    this.ephemeralSet = NumberSet.range(this.ephemeral.lo, this.ephemeral.hi);
    const named = new Set<number>();
    for (const r of engine.region.securityGroupRules.values()) if (r.protocol >= 0) named.add(r.protocol);
    for (const a of engine.region.networkAcls.values()) for (const e of a.entries) if (e.protocol >= 0) named.add(e.protocol);
    for (const p of [PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6]) named.delete(p);
    let other = 253;
    while (named.has(other)) other = (other + 1) % 256;
    this.otherProtocol = other;
    const extra = [...named].sort((a, b) => a - b);
    this.protocols = { 4: [PROTO_TCP, PROTO_UDP, PROTO_ICMP, ...extra, other], 6: [PROTO_TCP, PROTO_UDP, PROTO_ICMPV6, ...extra, other] };
  }

  private get region() {
    return this.engine.region;
  }

  /** A protocol's full port (key) space: 0–65535; protocols without ports use key 0 only. */
  static portSpace(protocol: number): NumberSet {
    return protocol === PROTO_TCP || protocol === PROTO_UDP || protocol === PROTO_ICMP || protocol === PROTO_ICMPV6 ? ALL : NumberSet.range(0, 0);
  }

  private sgPorts(eni: NetworkInterface, egress: boolean, family: Family, protocol: number, peer: number | bigint): NumberSet {
    if (eni.groups.length === 0) return ALL; // no security groups (NAT gateway, Gateway Load Balancer)
    return this.engine.groupSet(eni.groups).allowedPorts(egress, family, protocol, peer).toSet();
  }

  private aclPorts(subnetId: string, egress: boolean, family: Family, protocol: number, peer: number | bigint): NumberSet {
    return this.engine.networkAcl(subnetId).portVerdicts(egress, family, protocol, peer).allowed();
  }

  /**
   * Walks every packet of one protocol from an endpoint to a destination address, as Engine.send does for
   * one packet: SG egress, NACL out (leaving the subnet), route, NACL in (entering another), SG ingress;
   * internet gateways translate public addresses. `assumeReply` treats the packets as responses (SGs pass).
   */
  flow(from: FlowEndpoint, family: Family, src: number | bigint, dst: number | bigint, protocol: number, assumeReply = false): FlowResult {
    const space = Reachability.portSpace(protocol);
    if (from.kind === 'internet') return this.fromInternet(family, src, dst, protocol, space, assumeReply);
    const eni = this.region.networkInterfaces.get(from.networkInterfaceId);
    if (!eni) return { ports: NumberSet.EMPTY, to: undefined, blocked: 'NO_DESTINATION' };
    if (this.engine.unfilteredService(eni.vpcId, family, dst) !== undefined) return { ports: space, to: { kind: 'aws-service' }, deliveredSrc: src, deliveredDst: dst };
    let ports = assumeReply ? space : space.intersect(this.sgPorts(eni, true, family, protocol, dst));
    const route = this.engine.routeDecision(eni.subnetId, family, dst);
    if (route.kind === 'blocked') return { ports: NumberSet.EMPTY, to: undefined, blocked: route.code };
    if (route.kind === 'vpc') {
      const dstId = this.engine.eniByPrivateAddress(route.vpcId, dst);
      if (dstId === undefined) return { ports: NumberSet.EMPTY, to: undefined, blocked: 'NO_DESTINATION' };
      const target = this.region.networkInterfaces.get(dstId)!;
      const crosses = target.subnetId !== eni.subnetId;
      if (crosses) ports = ports.intersect(this.aclPorts(eni.subnetId, true, family, protocol, dst));
      return this.arrive(target, family, src, dst, protocol, ports, crosses, assumeReply);
    }
    // out through the internet gateway
    ports = ports.intersect(this.aclPorts(eni.subnetId, true, family, protocol, dst));
    let outSrc = src;
    if (family === 4) {
      const priv = eni.privateIpAddresses.find((p) => tryParseIp(p.privateIpAddress)!.value === src);
      if (!priv?.association) return { ports: NumberSet.EMPTY, to: undefined, blocked: 'NO_PUBLIC_IP' };
      outSrc = tryParseIp(priv.association.publicIp)!.value;
    }
    if (this.engine.eniByPublicAddress(dst) !== undefined) return this.fromInternet(family, outSrc, dst, protocol, ports, assumeReply);
    return { ports, to: { kind: 'internet' }, deliveredSrc: outSrc, deliveredDst: dst };
  }

  private fromInternet(family: Family, src: number | bigint, dst: number | bigint, protocol: number, ports: NumberSet, assumeReply: boolean): FlowResult {
    const dstId = this.engine.eniByPublicAddress(dst);
    if (dstId === undefined) return { ports: NumberSet.EMPTY, to: undefined, blocked: 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS' };
    const target = this.region.networkInterfaces.get(dstId)!;
    if (!this.region.attachedInternetGateway(target.vpcId)) return { ports: NumberSet.EMPTY, to: undefined, blocked: 'BAD_STATE_ATTACHMENT' };
    let inDst = dst;
    if (family === 4) {
      const priv = target.privateIpAddresses.find((p) => p.association && tryParseIp(p.association.publicIp)!.value === dst)!;
      inDst = tryParseIp(priv.privateIpAddress)!.value;
    }
    return this.arrive(target, family, src, inDst, protocol, ports, true, assumeReply);
  }

  private arrive(target: NetworkInterface, family: Family, src: number | bigint, dst: number | bigint, protocol: number, ports: NumberSet, crosses: boolean, assumeReply: boolean): FlowResult {
    let p = ports;
    if (crosses && !p.isEmpty) p = p.intersect(this.aclPorts(target.subnetId, false, family, protocol, src));
    if (!assumeReply && !p.isEmpty) p = p.intersect(this.sgPorts(target, false, family, protocol, src));
    return { ports: p, to: { kind: 'eni', networkInterfaceId: target.id }, deliveredSrc: src, deliveredDst: dst, ...(p.isEmpty ? { blocked: 'ENI_SG_RULES_MISMATCH' as const } : {}) };
  }

  /**
   * All traffic of one protocol from an endpoint to an address: the request ports that get through, and
   * (for TCP/UDP) the client ports the response can return to. ICMP and other protocols return when the
   * response path lets their reply through (echo replies for ICMP).
   */
  protocolReach(from: FlowEndpoint, family: Family, src: number | bigint, dst: number | bigint, protocol: number): ProtocolReach {
    const fwd = this.flow(from, family, src, dst, protocol);
    const empty: ProtocolReach = { protocol, forward: fwd.ports, returns: false, reachable: NumberSet.EMPTY, partial: NumberSet.EMPTY };
    if (fwd.ports.isEmpty || !fwd.to || fwd.deliveredDst === undefined || fwd.deliveredSrc === undefined) return empty;
    if (fwd.to.kind === 'aws-service') return { ...empty, returns: true, reachable: fwd.ports };
    const responder: FlowEndpoint = fwd.to.kind === 'eni' ? { kind: 'eni', networkInterfaceId: fwd.to.networkInterfaceId } : { kind: 'internet' };
    const back = this.flow(responder, family, fwd.deliveredDst, fwd.deliveredSrc, protocol, true);
    // the response must come back to the sender
    const home = from.kind === 'internet' ? back.to?.kind === 'internet' : back.to?.kind === 'eni' && back.to.networkInterfaceId === from.networkInterfaceId;
    if (!home) return { ...empty, returnPorts: NumberSet.EMPTY };
    if (protocol === PROTO_TCP || protocol === PROTO_UDP) {
      const returnPorts = back.ports.intersect(this.ephemeralSet);
      const full = returnPorts.equals(this.ephemeralSet);
      return { protocol, forward: fwd.ports, returnPorts, returns: !returnPorts.isEmpty, reachable: full ? fwd.ports : NumberSet.EMPTY, partial: full || returnPorts.isEmpty ? NumberSet.EMPTY : fwd.ports };
    }
    if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
      // a query (echo, timestamp…) is answered with its reply type and the same code; other types come back as
      // they went (the engine's reversePacket): key t·256+c works when the reply key comes back
      const r: { lo: number; hi: number }[] = [];
      const types = new Set<number>();
      for (const range of fwd.ports.ranges) for (let t = range.lo >> 8; t <= range.hi >> 8; t++) types.add(t);
      for (const t of types) {
        const rt = REPLY[protocol][t] ?? t;
        const codesFwd = fwd.ports.intersect(NumberSet.range(t * 256, t * 256 + 255));
        const codesBack = back.ports.intersect(NumberSet.range(rt * 256, rt * 256 + 255));
        for (const c of codesFwd.ranges) for (const d of codesBack.ranges) {
          const lo = Math.max(c.lo - t * 256, d.lo - rt * 256);
          const hi = Math.min(c.hi - t * 256, d.hi - rt * 256);
          if (lo <= hi) r.push({ lo: t * 256 + lo, hi: t * 256 + hi });
        }
      }
      const reachable = NumberSet.of(r);
      return { protocol, forward: fwd.ports, returns: !back.ports.isEmpty, reachable, partial: NumberSet.EMPTY };
    }
    const ok = !back.ports.isEmpty;
    return { protocol, forward: fwd.ports, returns: ok, reachable: ok ? fwd.ports : NumberSet.EMPTY, partial: NumberSet.EMPTY };
  }

  /** The addresses a pair of interfaces uses (as probes and the engine choose them); undefined when there are none. */
  pairAddresses(src: NetworkInterface, dst: NetworkInterface, family: Family): { src: number | bigint; dst: number | bigint } | undefined {
    const s = family === 4 ? src.privateIpAddresses[0]?.privateIpAddress : src.ipv6Addresses[0];
    if (s === undefined) return undefined;
    let d: string | undefined;
    if (family === 6) d = dst.ipv6Addresses[0];
    else if (src.vpcId === dst.vpcId || this.region.activePeeringBetween(src.vpcId, dst.vpcId)) d = dst.privateIpAddresses[0]?.privateIpAddress;
    else d = dst.privateIpAddresses.find((p) => p.association)?.association?.publicIp;
    if (d === undefined) return undefined;
    return { src: tryParseIp(s)!.value, dst: tryParseIp(d)!.value };
  }

  /** Everything one interface can open to another, per protocol. */
  pair(srcId: string, dstId: string, family: Family = 4): PairReach | undefined {
    const src = this.region.getNetworkInterface(srcId);
    const dst = this.region.getNetworkInterface(dstId);
    const a = this.pairAddresses(src, dst, family);
    if (!a) return undefined;
    const protocols = this.protocols[family].map((p) => this.protocolReach({ kind: 'eni', networkInterfaceId: srcId }, family, a.src, a.dst, p));
    return { family, src: a.src, dst: a.dst, protocols };
  }

  /** Quick test used to skip pairs: can anything at all enter `dst` from this source address? */
  ingressPossible(dst: NetworkInterface, family: Family, srcSeen: number | bigint): boolean {
    if (dst.groups.length === 0) return true;
    return this.engine.groupSet(dst.groups).anyAllowed(false, family, srcSeen);
  }

  /** The address a destination sees a source's packets come from (private inside a VPC/peering, public otherwise). */
  seenSource(src: NetworkInterface, dst: NetworkInterface, family: Family): number | bigint | undefined {
    if (family === 6) return src.ipv6Addresses[0] !== undefined ? tryParseIp(src.ipv6Addresses[0])!.value : undefined;
    if (src.vpcId === dst.vpcId || this.region.activePeeringBetween(src.vpcId, dst.vpcId)) return tryParseIp(src.privateIpAddresses[0].privateIpAddress)!.value;
    const pub = src.privateIpAddresses[0]?.association?.publicIp;
    return pub === undefined ? undefined : tryParseIp(pub)!.value;
  }

  /** Is a NACL verdict an allow (re-exported for tools). */
  static allows(v: number): boolean {
    return verdictAllows(v);
  }
}

const REPLY: Record<number, Record<number, number>> = { 1: { 8: 0, 13: 14, 15: 16, 17: 18 }, 58: { 128: 129 } };
