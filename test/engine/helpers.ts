// Shared helpers for the engine tests: build a network from an inline YAML scenario, name endpoints and
// addresses by their scenario names, make packets, send them and probe.
import { Engine, type Delivery, type Endpoint, type ExplanationCode, type SendOptions } from '../../src/engine/engine.js';
import type { Packet } from '../../src/engine/packet.js';
import { DEFAULT_INTERNET_ADDRESS, probe, type ProbeEndpoint, type ProbeResult } from '../../src/engine/probe.js';
import type { NetworkInterface } from '../../src/model/types.js';
import { parseProtocol, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tryParseIp, type Family } from '../../src/net/index.js';
import { loadScenario, type LoadedScenario } from '../../src/scenario/load.js';

/** TCP flag combinations as they appear on the wire. */
export const SYN = 2;
export const SYN_ACK = 18;
export const ACK = 16;
export const RST = 4;
export const FIN_ACK = 17;

/** A client's source port used when a test does not care (inside the Linux ephemeral range). */
export const CLIENT_PORT = 40000;

export interface Net extends LoadedScenario {
  engine: Engine;
}

/** Loads an inline scenario and puts an engine on it. */
export function build(yaml: string, file = 'inline.yaml'): Net {
  const s = loadScenario(yaml, file);
  return { ...s, engine: new Engine(s.region) };
}

/** The primary ENI id of an instance, interface or resource (`lb#2` for a resource's second ENI). */
export function eniId(net: Net, name: string): string {
  const [base, nth] = name.split('#');
  const ids = net.names.endpoints.get(base);
  if (!ids) throw new Error(`test bug: no endpoint named '${base}'`);
  const id = ids[nth === undefined ? 0 : Number(nth) - 1];
  if (!id) throw new Error(`test bug: '${base}' has no ENI #${nth}`);
  return id;
}

export function eni(net: Net, name: string): NetworkInterface {
  return net.region.getNetworkInterface(eniId(net, name));
}

export function groupId(net: Net, name: string): string {
  const id = net.names.groups.get(name);
  if (!id) throw new Error(`test bug: no security group named '${name}'`);
  return id;
}

export function aclId(net: Net, name: string): string {
  const id = net.names.networkAcls.get(name);
  if (!id) throw new Error(`test bug: no network ACL named '${name}'`);
  return id;
}

/**
 * The text of an address named in a test:
 *   a literal (`10.0.1.5`, `2001:db8::1`); `internet` (a TEST-NET address on the internet);
 *   `web` (primary private IPv4, or first IPv6 when family is 6); `web/public`; `web/ipv6`; `web/secondary`.
 */
export function addressText(net: Net, ref: string, family: Family = 4): string {
  if (tryParseIp(ref)) return ref;
  if (ref === 'internet') return DEFAULT_INTERNET_ADDRESS[family];
  const [name, kind] = ref.split('/');
  const e = eni(net, name);
  const which = kind ?? (family === 6 ? 'ipv6' : 'private');
  let text: string | undefined;
  if (which === 'private') text = e.privateIpAddresses.find((p) => p.primary)?.privateIpAddress;
  else if (which === 'secondary') text = e.privateIpAddresses.find((p) => !p.primary)?.privateIpAddress;
  else if (which === 'public') text = e.privateIpAddresses.find((p) => p.association)?.association?.publicIp;
  else if (which === 'ipv6') text = e.ipv6Addresses[0];
  if (text === undefined) throw new Error(`test bug: ${name} has no ${which} address`);
  return text;
}

export interface PacketOptions {
  /** tcp (default), udp, icmp, icmpv6, all or a number */
  protocol?: string | number;
  srcPort?: number;
  /** TCP flags (default SYN for TCP) */
  flags?: number;
  icmpType?: number;
  icmpCode?: number;
  family?: Family;
}

function protocolNumber(p: string | number | undefined): number {
  if (p === undefined) return PROTO_TCP;
  if (typeof p === 'number') return p;
  const n = parseProtocol(p);
  if (n === undefined) throw new Error(`test bug: protocol ${p}`);
  return n;
}

/**
 * A packet between two named ends: `pkt(net, 'web', 'db', 5432)` is TCP SYN from web's primary private IPv4
 * to db's on 5432. The family comes from a literal address, else `opts.family`, else IPv4.
 */
export function pkt(net: Net, from: string, to: string, port = 0, opts: PacketOptions = {}): Packet {
  const family = opts.family ?? tryParseIp(to)?.family ?? tryParseIp(from)?.family ?? 4;
  const src = tryParseIp(addressText(net, from, family))!;
  const dst = tryParseIp(addressText(net, to, family))!;
  if (src.family !== family || dst.family !== family) throw new Error(`test bug: ${from} → ${to} mixes families`);
  const protocol = protocolNumber(opts.protocol);
  const ported = protocol === PROTO_TCP || protocol === PROTO_UDP;
  const p: Packet = { family, src: src.value, dst: dst.value, protocol, srcPort: ported ? (opts.srcPort ?? CLIENT_PORT) : 0, dstPort: ported ? port : 0 };
  if (protocol === PROTO_TCP) p.tcpFlags = opts.flags ?? SYN;
  if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
    p.icmpType = opts.icmpType ?? (protocol === PROTO_ICMP ? 8 : 128);
    p.icmpCode = opts.icmpCode ?? 0;
  }
  return p;
}

/** The endpoint a packet leaves from: `internet` or an instance/interface/resource name. */
export function endpoint(net: Net, from: string): Endpoint {
  return from === 'internet' ? { kind: 'internet' } : { kind: 'eni', networkInterfaceId: eniId(net, from.split('/')[0]) };
}

/** Sends a packet from a named endpoint. */
export function send(net: Net, from: string, p: Packet, opts: SendOptions = {}): Delivery {
  return net.engine.send(endpoint(net, from), p, opts);
}

/** Builds and sends in one go: `go(net, 'web', 'db', 5432, { commit: false })`. */
export function go(net: Net, from: string, to: string, port = 0, opts: PacketOptions & SendOptions = {}): Delivery {
  return send(net, from, pkt(net, from, to, port, opts), opts);
}

/** Whether a packet would pass, judged without side effects. */
export function allows(net: Net, from: string, to: string, port = 0, opts: PacketOptions & SendOptions = {}): boolean {
  return go(net, from, to, port, { commit: false, ...opts }).allowed;
}

/** The response to a packet (addresses and ports swapped), with the given TCP flags. */
export function reply(p: Packet, flags = SYN_ACK): Packet {
  const r: Packet = { ...p, src: p.dst, dst: p.src, srcPort: p.dstPort, dstPort: p.srcPort };
  if (p.protocol === PROTO_TCP) r.tcpFlags = flags;
  if (p.protocol === PROTO_ICMP && p.icmpType === 8) r.icmpType = 0;
  if (p.protocol === PROTO_ICMPV6 && p.icmpType === 128) r.icmpType = 129;
  return r;
}

/** The codes of a delivery's explanations, in order. */
export function codes(d: { explanations: { code: ExplanationCode }[] }): ExplanationCode[] {
  return d.explanations.map((e) => e.code);
}

function probeEnd(net: Net, ref: string): ProbeEndpoint {
  if (ref === 'internet') return { kind: 'internet' };
  const ip = tryParseIp(ref);
  if (ip) return { kind: 'internet', address: ref };
  const [name, kind] = ref.split('/');
  return kind ? { kind: 'eni', networkInterfaceId: eniId(net, name), address: addressText(net, ref) } : { kind: 'eni', networkInterfaceId: eniId(net, name) };
}

/** Probes `from` → `to` (names, `internet`, or an internet address). */
export function probeBetween(
  net: Net, from: string, to: string, port: number | undefined,
  opts: { protocol?: string | number; ephemeral?: { lo: number; hi: number }; family?: Family; icmpType?: number } = {},
): ProbeResult {
  return probe(net.engine, {
    from: probeEnd(net, from), to: probeEnd(net, to), protocol: protocolNumber(opts.protocol),
    ...(port !== undefined ? { port } : {}),
    ...(opts.ephemeral ? { ephemeral: opts.ephemeral } : {}),
    ...(opts.family ? { family: opts.family } : {}),
    ...(opts.icmpType !== undefined ? { icmpType: opts.icmpType } : {}),
  });
}

/** Deterministic PRNG (mulberry32) for the property tests. */
export function rng(seed: number): { next(): number; int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}
