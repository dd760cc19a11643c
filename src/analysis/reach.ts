// Exact reachability over all packets at once. The engine decides one packet; here the same walk is made
// with *sets* of destination ports (TCP/UDP ports, ICMP type·256+code keys): every filter the walk meets —
// security groups, NACLs, routes, peering, internet gateways — narrows the set, using the engine's compiled
// tables (address atoms → allowed ports). The response path is walked the same way over the client's
// ephemeral ports. Nothing is sampled: a port is in the answer exactly when the packet engine would pass it.
import { EPHEMERAL_PORTS, INTERNET_V4, INTERNET_V6, isInternetAddress, NumberSet, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tryParseIp, type Family } from '../net/index.js';
import type { NetworkInterface } from '../model/types.js';
import type { Engine, ExplanationCode } from '../engine/engine.js';
import type { CompiledAcl } from '../engine/nacl.js';
import type { CompiledGroupSet } from '../engine/policy.js';

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

/** One filter on a path: a compiled set of groups or a compiled ACL, a direction, and the peer address it sees. */
export interface Stage {
  gs?: CompiledGroupSet;
  acl?: CompiledAcl;
  egress: boolean;
  peer: number | bigint;
}

/** A walk with its filters, independent of the protocol. */
export interface Path {
  stages: Stage[];
  to: FlowResult['to'];
  deliveredSrc?: number | bigint;
  deliveredDst?: number | bigint;
  blocked?: ExplanationCode;
}

export interface PairReach {
  family: Family;
  src: number | bigint;
  dst: number | bigint;
  protocols: ProtocolReach[];
  blocked?: ExplanationCode;
}

export { INTERNET_V4, INTERNET_V6 };


export class Reachability {
  /** the protocols analysed: TCP, UDP, ICMP/ICMPv6, every other number a rule or entry names, and one for the rest */
  readonly protocols: { 4: number[]; 6: number[] };
  /** the number standing for "every protocol no rule names" */
  readonly otherProtocol: number;
  readonly ephemeral: { lo: number; hi: number };
  readonly ephemeralSet: NumberSet;

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

  /** Intersection memoised by identity: the compiled tables share their port sets, so most intersections repeat. */
  private readonly memo = new WeakMap<NumberSet, WeakMap<NumberSet, NumberSet>>();
  private inter(a: NumberSet, b: NumberSet): NumberSet {
    if (a === b || b === ALL || a.isEmpty) return a;
    if (a === ALL || b.isEmpty) return b;
    let m = this.memo.get(a);
    if (m === undefined) this.memo.set(a, (m = new WeakMap()));
    let r = m.get(b);
    if (r === undefined) m.set(b, (r = a.intersect(b)));
    return r;
  }

  /**
   * The protocol-independent part of a walk, as Engine.send makes it for one packet: SG egress, NACL out
   * (leaving the subnet), route, NACL in (entering another), SG ingress; internet gateways translate public
   * addresses. `assumeReply` treats the packets as responses (security groups pass them).
   */
  path(from: FlowEndpoint, family: Family, src: number | bigint, dst: number | bigint, assumeReply = false): Path {
    if (from.kind === 'internet') return this.fromInternet(family, src, dst, [], assumeReply);
    const eni = this.region.networkInterfaces.get(from.networkInterfaceId);
    if (!eni) return { stages: [], to: undefined, blocked: 'NO_DESTINATION' };
    if (this.engine.unfilteredService(eni.vpcId, family, dst) !== undefined) return { stages: [], to: { kind: 'aws-service' }, deliveredSrc: src, deliveredDst: dst };
    const stages: Stage[] = [];
    if (!assumeReply && eni.groups.length > 0) stages.push({ gs: this.engine.groupSet(eni.groups), egress: true, peer: dst });
    const route = this.engine.routeDecision(eni.subnetId, family, dst);
    if (route.kind === 'blocked') return { stages, to: undefined, blocked: route.code };
    if (route.kind === 'vpc') {
      const dstId = this.engine.eniByPrivateAddress(route.vpcId, dst);
      if (dstId === undefined) return { stages, to: undefined, blocked: 'NO_DESTINATION' };
      const target = this.region.networkInterfaces.get(dstId)!;
      const crosses = target.subnetId !== eni.subnetId;
      if (crosses) stages.push({ acl: this.engine.networkAcl(eni.subnetId), egress: true, peer: dst });
      return this.arrive(target, src, dst, stages, crosses, assumeReply);
    }
    // out through the internet gateway, which needs a public IPv4 to translate the source to
    stages.push({ acl: this.engine.networkAcl(eni.subnetId), egress: true, peer: dst });
    let outSrc = src;
    if (family === 4) {
      const pub = this.engine.interfaceAddresses(eni.id).publicOf.get(src as number);
      if (pub === undefined) return { stages, to: undefined, blocked: 'NO_PUBLIC_IP' };
      outSrc = pub;
    }
    if (this.engine.eniByPublicAddress(dst) !== undefined) return this.fromInternet(family, outSrc, dst, stages, assumeReply);
    // the internet does not carry private or reserved destinations (as in Engine.send)
    if (!isInternetAddress(family, dst)) return { stages, to: undefined, blocked: 'NO_ROUTE_TO_DESTINATION' };
    return { stages, to: { kind: 'internet' }, deliveredSrc: outSrc, deliveredDst: dst };
  }

  private fromInternet(family: Family, src: number | bigint, dst: number | bigint, stages: Stage[], assumeReply: boolean): Path {
    const dstId = this.engine.eniByPublicAddress(dst);
    if (dstId === undefined) return { stages, to: undefined, blocked: 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS' };
    const target = this.region.networkInterfaces.get(dstId)!;
    if (!this.region.attachedInternetGateway(target.vpcId)) return { stages, to: undefined, blocked: 'BAD_STATE_ATTACHMENT' };
    const inDst = family === 4 ? this.engine.privateForPublic(target.id, dst as number)! : dst;
    return this.arrive(target, src, inDst, stages, true, assumeReply);
  }

  private arrive(target: NetworkInterface, src: number | bigint, dst: number | bigint, stages: Stage[], crosses: boolean, assumeReply: boolean): Path {
    if (crosses) stages.push({ acl: this.engine.networkAcl(target.subnetId), egress: false, peer: src });
    if (!assumeReply && target.groups.length > 0) stages.push({ gs: this.engine.groupSet(target.groups), egress: false, peer: src });
    return { stages, to: { kind: 'eni', networkInterfaceId: target.id }, deliveredSrc: src, deliveredDst: dst };
  }

  /** The ports of one protocol that pass every stage of a path. */
  applyPath(path: Path, family: Family, protocol: number): NumberSet {
    if (path.blocked !== undefined || path.to === undefined) return NumberSet.EMPTY;
    let ports = Reachability.portSpace(protocol);
    for (const st of path.stages) {
      const set = st.gs !== undefined ? st.gs.allowedPorts(st.egress, family, protocol, st.peer).toSet() : st.acl!.portVerdicts(st.egress, family, protocol, st.peer).allowed();
      ports = this.inter(ports, set);
      if (ports.isEmpty) break;
    }
    return ports;
  }

  /** Every packet of one protocol from an endpoint to an address: the ports that get through, and where. */
  flow(from: FlowEndpoint, family: Family, src: number | bigint, dst: number | bigint, protocol: number, assumeReply = false): FlowResult {
    const p = this.path(from, family, src, dst, assumeReply);
    const ports = this.applyPath(p, family, protocol);
    return {
      ports, to: p.to, deliveredSrc: p.deliveredSrc, deliveredDst: p.deliveredDst,
      ...(p.blocked ? { blocked: p.blocked } : ports.isEmpty && p.to ? { blocked: 'ENI_SG_RULES_MISMATCH' as const } : {}),
    };
  }

  /**
   * All traffic of one protocol from an endpoint to an address: the request ports that get through, and
   * (for TCP/UDP) the client ports the response can return to. ICMP and other protocols return when the
   * response path lets their reply through (echo replies for ICMP).
   */
  protocolReach(from: FlowEndpoint, family: Family, src: number | bigint, dst: number | bigint, protocol: number): ProtocolReach {
    return this.reachOnPath(from, family, this.path(from, family, src, dst), protocol, {});
  }

  /** protocolReach for a path already walked; `back` caches the response path across protocols. */
  private reachOnPath(from: FlowEndpoint, family: Family, fp: Path, protocol: number, back: { path?: Path }): ProtocolReach {
    const fwdPorts = this.applyPath(fp, family, protocol);
    const fwd = { ports: fwdPorts, to: fp.to, deliveredSrc: fp.deliveredSrc, deliveredDst: fp.deliveredDst };
    const empty: ProtocolReach = { protocol, forward: fwd.ports, returns: false, reachable: NumberSet.EMPTY, partial: NumberSet.EMPTY };
    if (fwd.ports.isEmpty || !fwd.to || fwd.deliveredDst === undefined || fwd.deliveredSrc === undefined) return empty;
    if (fwd.to.kind === 'aws-service') return { ...empty, returns: true, reachable: fwd.ports };
    const responder: FlowEndpoint = fwd.to.kind === 'eni' ? { kind: 'eni', networkInterfaceId: fwd.to.networkInterfaceId } : { kind: 'internet' };
    const bp = (back.path ??= this.path(responder, family, fwd.deliveredDst, fwd.deliveredSrc, true));
    // the response must come back to the sender
    const home = from.kind === 'internet' ? bp.to?.kind === 'internet' : bp.to?.kind === 'eni' && bp.to.networkInterfaceId === from.networkInterfaceId;
    return combineProtocol(protocol, fwdPorts, home ? this.applyPath(bp, family, protocol) : undefined, this.ephemeralSet);
  }

  /** protocolReach for every analysed protocol at once, walking the request and response paths once. */
  allProtocols(from: FlowEndpoint, family: Family, src: number | bigint, dst: number | bigint): ProtocolReach[] {
    const fp = this.path(from, family, src, dst);
    const back = {};
    return this.protocols[family].map((p) => this.reachOnPath(from, family, fp, p, back));
  }

  /** The addresses a pair of interfaces uses (as probes and the engine choose them); undefined when there are none. */
  pairAddresses(src: NetworkInterface, dst: NetworkInterface, family: Family): { src: number | bigint; dst: number | bigint } | undefined {
    const sa = this.engine.interfaceAddresses(src.id);
    const da = this.engine.interfaceAddresses(dst.id);
    if (family === 6) return sa.v6.length && da.v6.length ? { src: sa.v6[0], dst: da.v6[0] } : undefined;
    if (!sa.v4.length || !da.v4.length) return undefined;
    if (src.vpcId === dst.vpcId || this.region.activePeeringBetween(src.vpcId, dst.vpcId)) return { src: sa.v4[0], dst: da.v4[0] };
    // another VPC without peering: reached at a public address (the first private address that has one)
    for (const priv of da.v4) {
      const pub = da.publicOf.get(priv);
      if (pub !== undefined) return { src: sa.v4[0], dst: pub };
    }
    return undefined;
  }

  /** Everything one interface can open to another, per protocol. */
  pair(srcId: string, dstId: string, family: Family = 4): PairReach | undefined {
    const src = this.region.networkInterfaces.get(srcId) ?? this.region.getNetworkInterface(srcId);
    const dst = this.region.networkInterfaces.get(dstId) ?? this.region.getNetworkInterface(dstId);
    const a = this.pairAddresses(src, dst, family);
    if (!a) return undefined;
    const from: FlowEndpoint = { kind: 'eni', networkInterfaceId: srcId };
    const walked = this.path(from, family, a.src, a.dst);
    // Fix (questions property test): only packets that arrive at dst count. With an active peering but no route
    // to it from the source subnet, the private address leaves through the internet gateway (to: internet), and
    // the pair used to report everything the internet path allows as reachable at dst.
    const arrives = walked.to?.kind === 'eni' && walked.to.networkInterfaceId === dstId;
    const fp: Path = arrives ? walked : { stages: [], to: undefined, blocked: walked.blocked ?? 'NO_ROUTE_TO_DESTINATION' };
    const back = {};
    const protocols = this.protocols[family].map((p) => this.reachOnPath(from, family, fp, p, back));
    return { family, src: a.src, dst: a.dst, protocols };
  }

  /** Quick test used to skip pairs: can anything at all enter `dst` from this source address? */
  ingressPossible(dst: NetworkInterface, family: Family, srcSeen: number | bigint): boolean {
    if (dst.groups.length === 0) return true;
    return this.engine.groupSet(dst.groups).anyAllowed(false, family, srcSeen);
  }

  /** The address a destination sees a source's packets come from (private inside a VPC/peering, public otherwise). */
  seenSource(src: NetworkInterface, dst: NetworkInterface, family: Family): number | bigint | undefined {
    const sa = this.engine.interfaceAddresses(src.id);
    if (family === 6) return sa.v6[0];
    if (!sa.v4.length) return undefined;
    if (src.vpcId === dst.vpcId || this.region.activePeeringBetween(src.vpcId, dst.vpcId)) return sa.v4[0];
    return sa.publicOf.get(sa.v4[0]);
  }

}

/**
 * The end-to-end outcome of one protocol, from the request ports that get through (`fwd`) and the ports (ICMP
 * keys) the response path lets through back to the sender (`back`; undefined when the response cannot come back
 * to the sender at all). TCP/UDP responses go to the client's ephemeral ports; an ICMP query's reply has its
 * reply type and the same code; other protocols come back when anything does.
 */
export function combineProtocol(protocol: number, fwd: NumberSet, back: NumberSet | undefined, ephemeralSet: NumberSet): ProtocolReach {
  const empty: ProtocolReach = { protocol, forward: fwd, returns: false, reachable: NumberSet.EMPTY, partial: NumberSet.EMPTY };
  if (fwd.isEmpty) return empty;
  if (back === undefined) return { ...empty, returnPorts: NumberSet.EMPTY };
  if (protocol === PROTO_TCP || protocol === PROTO_UDP) {
    // (the usual case, every port allowed back, without making a set)
    const allBack = back.ranges.length === 1 && back.ranges[0].lo === 0 && back.ranges[0].hi === 65535;
    const returnPorts = allBack ? ephemeralSet : back.intersect(ephemeralSet);
    const full = allBack || returnPorts.equals(ephemeralSet);
    return { protocol, forward: fwd, returnPorts, returns: !returnPorts.isEmpty, reachable: full ? fwd : NumberSet.EMPTY, partial: full || returnPorts.isEmpty ? NumberSet.EMPTY : fwd };
  }
  if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
    // every type and code allowed back: each reply comes back, whatever was sent (the loop below gives the same)
    if (back.ranges.length === 1 && back.ranges[0].lo === 0 && back.ranges[0].hi === 65535) return { protocol, forward: fwd, returns: true, reachable: fwd, partial: NumberSet.EMPTY };
    // a query (echo, timestamp…) is answered with its reply type and the same code; other types come back as
    // they went (the engine's reversePacket): key t·256+c works when the reply key comes back
    const r: { lo: number; hi: number }[] = [];
    const types = new Set<number>();
    for (const range of fwd.ranges) for (let t = range.lo >> 8; t <= range.hi >> 8; t++) types.add(t);
    for (const t of types) {
      const rt = REPLY[protocol][t] ?? t;
      const codesFwd = fwd.intersect(NumberSet.range(t * 256, t * 256 + 255));
      const codesBack = back.intersect(NumberSet.range(rt * 256, rt * 256 + 255));
      for (const c of codesFwd.ranges) for (const d of codesBack.ranges) {
        const lo = Math.max(c.lo - t * 256, d.lo - rt * 256);
        const hi = Math.min(c.hi - t * 256, d.hi - rt * 256);
        if (lo <= hi) r.push({ lo: t * 256 + lo, hi: t * 256 + hi });
      }
    }
    return { protocol, forward: fwd, returns: !back.isEmpty, reachable: NumberSet.of(r), partial: NumberSet.EMPTY };
  }
  const ok = !back.isEmpty;
  return { protocol, forward: fwd, returns: ok, reachable: ok ? fwd : NumberSet.EMPTY, partial: NumberSet.EMPTY };
}

const REPLY: Record<number, Record<number, number>> = { 1: { 8: 0, 13: 14, 15: 16, 17: 18 }, 58: { 128: 129 } };
