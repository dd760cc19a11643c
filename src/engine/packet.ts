// A packet as the engine sees it, and helpers to build and print packets.
import { formatIpv4, formatIpv6, icmpKey, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, protocolLabel, type Family, type IpAddress } from '../net/index.js';

export interface Packet {
  family: Family;
  /** IPv4 as a 32-bit unsigned number, IPv6 as a bigint */
  src: number | bigint;
  dst: number | bigint;
  protocol: number;
  /** TCP/UDP ports; 0 for other protocols */
  srcPort: number;
  dstPort: number;
  /** ICMP/ICMPv6 type and code */
  icmpType?: number;
  icmpCode?: number;
  /** TCP flag bits (FIN 1, SYN 2, RST 4, PSH 8, ACK 16) */
  tcpFlags?: number;
  /** bytes on the wire, for flow records */
  bytes?: number;
}

/** The value SG and NACL port ranges are matched against: the destination port, or ICMP type·256+code. */
export function matchPort(p: Packet): number {
  if (p.protocol === PROTO_TCP || p.protocol === PROTO_UDP) return p.dstPort;
  if (p.protocol === PROTO_ICMP || p.protocol === PROTO_ICMPV6) return icmpKey(p.icmpType ?? 0, p.icmpCode ?? 0);
  return 0;
}

export function addrText(family: Family, v: number | bigint): string {
  return family === 4 ? formatIpv4(v as number) : formatIpv6(v as bigint);
}

export function formatPacket(p: Packet): string {
  const s = addrText(p.family, p.src);
  const d = addrText(p.family, p.dst);
  const proto = protocolLabel(p.protocol);
  if (p.protocol === PROTO_TCP || p.protocol === PROTO_UDP) {
    const sp = p.family === 6 ? `[${s}]:${p.srcPort}` : `${s}:${p.srcPort}`;
    const dp = p.family === 6 ? `[${d}]:${p.dstPort}` : `${d}:${p.dstPort}`;
    return `${proto} ${sp} → ${dp}${p.tcpFlags !== undefined ? ` [${tcpFlagsText(p.tcpFlags)}]` : ''}`;
  }
  if (p.protocol === PROTO_ICMP || p.protocol === PROTO_ICMPV6) return `${proto} ${s} → ${d} type ${p.icmpType ?? 0} code ${p.icmpCode ?? 0}`;
  return `${proto} ${s} → ${d}`;
}

export function tcpFlagsText(f: number): string {
  const names: string[] = [];
  if (f & 2) names.push('SYN');
  if (f & 16) names.push('ACK');
  if (f & 1) names.push('FIN');
  if (f & 4) names.push('RST');
  if (f & 8) names.push('PSH');
  return names.join(',') || 'none';
}

/** The response to a packet: addresses and ports swapped; ICMP requests answered with their reply type. */
export function reversePacket(p: Packet): Packet {
  const r: Packet = { ...p, src: p.dst, dst: p.src, srcPort: p.dstPort, dstPort: p.srcPort };
  if (p.icmpType !== undefined) r.icmpType = icmpReplyType(p.protocol, p.icmpType) ?? p.icmpType;
  if (p.tcpFlags !== undefined) r.tcpFlags = p.tcpFlags & 2 ? 18 : 16;
  return r;
}

/** ICMP query types and their replies (echo, timestamp, information, address mask; ICMPv6 echo). */
const ICMP_REPLY: Record<number, number> = { 8: 0, 13: 14, 15: 16, 17: 18 };
const ICMPV6_REPLY: Record<number, number> = { 128: 129 };

export function icmpReplyType(protocol: number, type: number): number | undefined {
  return protocol === PROTO_ICMPV6 ? ICMPV6_REPLY[type] : ICMP_REPLY[type];
}

export function ipOf(a: IpAddress): { family: Family; value: number | bigint } {
  return { family: a.family, value: a.value };
}
