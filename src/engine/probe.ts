// A probe: "can A reach B on this port?" — the request judged hop by hop, then its response on the way back,
// where NACLs (stateless) must allow the client's ephemeral ports. Every blocker on either way is named.
import { EPHEMERAL_PORTS, NumberSet, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tryParseIp, type Family } from '../net/index.js';
import type { NetworkInterface } from '../model/types.js';
import type { Delivery, Endpoint, Engine, Explanation } from './engine.js';
import { addrText, reversePacket, type Packet } from './packet.js';

export type ProbeEndpoint =
  | { kind: 'eni'; networkInterfaceId: string; address?: string }
  | { kind: 'internet'; address?: string };

export interface ProbeRequest {
  from: ProbeEndpoint;
  to: ProbeEndpoint;
  protocol: number;
  /** destination port (TCP/UDP) */
  port?: number;
  icmpType?: number;
  icmpCode?: number;
  /** address family; default IPv4 unless an address given says otherwise */
  family?: Family;
  /** the client's ephemeral port range the response must return to (default Linux 32768–61000) */
  ephemeral?: { lo: number; hi: number };
}

export interface ProbeResult {
  reachable: boolean;
  request: Packet;
  forward: Delivery;
  /** the response, judged when the request got through (or when naming every blocker) */
  response?: Delivery;
  /** TCP/UDP: the part of the client's ephemeral range the response can return to */
  returnPorts?: NumberSet;
  ephemeral?: { lo: number; hi: number };
  /** every reason it fails, request side first */
  explanations: (Explanation & { path: 'request' | 'response' })[];
}

/** An address on the internet for probes that do not name one (TEST-NET-2, documentation space). */
export const DEFAULT_INTERNET_ADDRESS = { 4: '198.51.100.10', 6: '2001:db8:ffff::10' } as const;

function eniAddress(eni: NetworkInterface, family: Family, kind: 'private' | 'public'): string | undefined {
  if (family === 6) return eni.ipv6Addresses[0];
  if (kind === 'public') return eni.privateIpAddresses.find((p) => p.association)?.association?.publicIp;
  return eni.privateIpAddresses[0]?.privateIpAddress;
}

/** The family a probe or packet between two endpoints uses: the one an explicit address has, else IPv4. */
export function familyOf(from: ProbeEndpoint, to: ProbeEndpoint, wanted?: Family): Family {
  return wanted ?? (from.address ? tryParseIp(from.address)?.family : undefined) ?? (to.address ? tryParseIp(to.address)?.family : undefined) ?? 4;
}

/**
 * The addresses a packet between two endpoints carries: an interface sends from its primary private address;
 * it is reached at its private address within its VPC and across an active peering, at its public address
 * otherwise; the internet is TEST-NET space unless an address is given.
 */
export function chooseAddresses(engine: Engine, from: ProbeEndpoint, to: ProbeEndpoint, family: Family): { src: { value: number | bigint }; dst: { value: number | bigint } } {
  const region = engine.region;
  const fromEni = from.kind === 'eni' ? region.getNetworkInterface(from.networkInterfaceId) : undefined;
  const toEni = to.kind === 'eni' ? region.getNetworkInterface(to.networkInterfaceId) : undefined;
  const srcText = from.address ?? (fromEni ? eniAddress(fromEni, family, 'private') : DEFAULT_INTERNET_ADDRESS[family]);
  let dstText = to.address;
  if (dstText === undefined && toEni) {
    const privateReach = fromEni !== undefined && (fromEni.vpcId === toEni.vpcId || region.activePeeringBetween(fromEni.vpcId, toEni.vpcId) !== undefined);
    dstText = family === 6 ? eniAddress(toEni, 6, 'private') : privateReach ? eniAddress(toEni, 4, 'private') : (eniAddress(toEni, 4, 'public') ?? eniAddress(toEni, 4, 'private'));
  }
  if (dstText === undefined && toEni) throw new Error(`${toEni.id} has no IPv${family} address${family === 4 ? ' reachable from here' : ''}`);
  if (dstText === undefined) dstText = DEFAULT_INTERNET_ADDRESS[family];
  if (srcText === undefined) throw new Error(`the source has no IPv${family} address`);
  const src = tryParseIp(srcText);
  const dst = tryParseIp(dstText);
  if (!src || !dst || src.family !== family || dst.family !== family) throw new Error(`addresses ${srcText} and ${dstText} are not both IPv${family}`);
  return { src, dst };
}

export function probe(engine: Engine, req: ProbeRequest): ProbeResult {
  const family = familyOf(req.from, req.to, req.family);
  const fromEni = req.from.kind === 'eni' ? engine.region.getNetworkInterface(req.from.networkInterfaceId) : undefined;

  const { src, dst } = chooseAddresses(engine, req.from, req.to, family);

  const ports = req.protocol === PROTO_TCP || req.protocol === PROTO_UDP;
  const ephemeral = req.ephemeral ?? EPHEMERAL_PORTS.linux;
  const request: Packet = {
    family, src: src.value, dst: dst.value, protocol: req.protocol,
    srcPort: ports ? ephemeral.lo : 0, dstPort: ports ? (req.port ?? 0) : 0,
    ...(req.protocol === PROTO_TCP ? { tcpFlags: 2 } : {}),
    ...(req.protocol === PROTO_ICMP || req.protocol === PROTO_ICMPV6 ? { icmpType: req.icmpType ?? (req.protocol === PROTO_ICMP ? 8 : 128), icmpCode: req.icmpCode ?? 0 } : {}),
  };
  const from: Endpoint = fromEni ? { kind: 'eni', networkInterfaceId: fromEni.id } : { kind: 'internet' };
  const forward = engine.send(from, request, { allBlockers: true, commit: false });
  const explanations: ProbeResult['explanations'] = forward.explanations.map((e) => ({ ...e, path: 'request' as const }));
  const result: ProbeResult = { reachable: false, request, forward, explanations };
  // Fix (property tests): a request to an interface must arrive at that interface. With a peering active but no
  // route to it, the private address leaves by the internet gateway and is "delivered to the internet".
  if (req.to.kind === 'eni' && forward.allowed && !(forward.to?.kind === 'eni' && forward.to.networkInterfaceId === req.to.networkInterfaceId)) {
    explanations.push({
      path: 'request', code: 'NO_ROUTE_TO_DESTINATION', resourceId: fromEni ? engine.routeTable(fromEni.subnetId).table.id : 'internet',
      message: `the request to ${addrText(family, dst.value)} ends at ${forward.to?.kind === 'eni' ? forward.to.networkInterfaceId : (forward.to?.kind ?? 'nowhere')}, not at ${req.to.networkInterfaceId}`,
    });
  }

  // Whoever the request reached answers, to the address it came from; NACLs judge the response again.
  const to = forward.to;
  if (forward.delivered && to && (to.kind === 'eni' || to.kind === 'internet')) {
    const responder: Endpoint = to.kind === 'eni' ? { kind: 'eni', networkInterfaceId: to.networkInterfaceId } : { kind: 'internet' };
    let response = reversePacket(forward.delivered);
    /** the ACLs that deny part of the ephemeral range, with the direction they judge the response in */
    const restricting: { aclId: string; direction: 'ingress' | 'egress' }[] = [];
    if (ports) {
      // NACLs are stateless: find which client ports the response may return to, then judge one that works
      let returnPorts = NumberSet.range(ephemeral.lo, ephemeral.hi);
      const trial = engine.send(responder, response, { allBlockers: true, commit: false, assumeReply: true });
      for (const h of trial.hops) {
        if (h.kind !== 'network-acl' || !h.packet || !h.subnetId) continue;
        const peer = h.direction === 'egress' ? h.packet.dst : h.packet.src;
        const allowed = engine.networkAcl(h.subnetId).portVerdicts(h.direction === 'egress', h.packet.family, h.packet.protocol, peer).allowed();
        if (!allowed.covers(NumberSet.range(ephemeral.lo, ephemeral.hi))) restricting.push({ aclId: h.resourceId, direction: h.direction! });
        returnPorts = returnPorts.intersect(allowed);
      }
      const port = returnPorts.isEmpty ? ephemeral.lo : returnPorts.ranges[0].lo;
      response = { ...response, dstPort: port };
      result.request = { ...request, srcPort: port };
      result.returnPorts = returnPorts;
      result.ephemeral = ephemeral;
    }
    const back = engine.send(responder, response, { allBlockers: true, commit: false, assumeReply: true });
    result.response = back;
    explanations.push(...back.explanations.map((e) => ({ ...e, path: 'response' as const })));
    // Fix (property test): the response must come back to the requester. Asymmetric routes (a peering route on
    // one side only while the responder has a public IP and 0.0.0.0/0 → igw, or a spoofed internet source)
    // carry an allowed response elsewhere; the probe used to call that reachable, unlike Reachability.protocolReach.
    const home = fromEni ? back.to?.kind === 'eni' && back.to.networkInterfaceId === fromEni.id : back.to?.kind === 'internet';
    if (back.allowed && !home) {
      const via = responder.kind === 'eni' ? engine.routeTable(engine.region.getNetworkInterface(responder.networkInterfaceId).subnetId).table.id : 'internet';
      explanations.push({
        path: 'response', code: 'NO_ROUTE_TO_DESTINATION', resourceId: via,
        message: `the response to ${addrText(response.family, response.dst)} is routed to ${back.to?.kind === 'eni' ? back.to.networkInterfaceId : (back.to?.kind ?? 'nowhere')}, not back to the requester`,
      });
    }
    const rp = result.returnPorts;
    if (rp && !rp.isEmpty && !rp.covers(NumberSet.range(ephemeral.lo, ephemeral.hi))) {
      const missing = NumberSet.range(ephemeral.lo, ephemeral.hi).subtract(rp);
      explanations.push({
        path: 'response', code: 'SUBNET_ACL_RESTRICTION', resourceId: [...new Set(restricting.map((r) => r.aclId))].join(', '),
        ...(restricting.length === 1 || restricting.every((r) => r.direction === restricting[0].direction) ? { direction: restricting[0].direction } : {}),
        message: `network ACLs let the response return only to client ports ${rp.format()}; ports ${missing.format()} of the ephemeral range ${ephemeral.lo}-${ephemeral.hi} are denied`,
      });
    }
  }
  result.reachable = explanations.length === 0;
  return result;
}

