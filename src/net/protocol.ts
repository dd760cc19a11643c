// IP protocols, port ranges and ICMP type/code as AWS models them.

export const PROTO_ALL = -1;
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

const NAMES: Record<string, number> = { tcp: PROTO_TCP, udp: PROTO_UDP, icmp: PROTO_ICMP, icmpv6: PROTO_ICMPV6 };
const NUMBER_NAMES: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };

/**
 * Parses an IpProtocol / NACL Protocol value: a name (`tcp`, `udp`, `icmp`, `icmpv6`, and `all` as scenario
 * sugar), a number 0–255, or `-1` for all. Names and numbers denote the same protocol (`6` is `tcp`).
 * Returns undefined when the text is none of these.
 */
export function parseProtocol(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '-1' || t === 'all') return PROTO_ALL;
  // Own keys only: `t in NAMES` also matched inherited Object.prototype keys, so `constructor` and
  // `__proto__` "parsed" to a function / object instead of being rejected.
  if (Object.hasOwn(NAMES, t)) return NAMES[t];
  if (!/^(0|[1-9][0-9]{0,2})$/.test(t)) return undefined;
  const n = Number(t);
  return n <= 255 ? n : undefined;
}

/** The text AWS shows for a security group rule's IpProtocol: `tcp`/`udp`/`icmp`/`icmpv6`, else the number. */
export function protocolName(p: number): string {
  return NUMBER_NAMES[p] ?? String(p);
}

/** Human label: `TCP`, `UDP`, `ICMP`, `ICMPv6`, `All`, or `proto 47`. */
export function protocolLabel(p: number): string {
  if (p === PROTO_ALL) return 'All';
  if (p === PROTO_ICMPV6) return 'ICMPv6';
  return NUMBER_NAMES[p]?.toUpperCase() ?? `proto ${p}`;
}

/** Protocols whose rules carry a port range (security groups: tcp, udp; icmp/icmpv6 use it for type/code). */
export function usesPorts(p: number): boolean {
  return p === PROTO_TCP || p === PROTO_UDP;
}

export function isIcmp(p: number): boolean {
  return p === PROTO_ICMP || p === PROTO_ICMPV6;
}

/** Ports of TCP/UDP run 0–65535. */
export const PORT_MIN = 0;
export const PORT_MAX = 65535;

/**
 * ICMP type/code packed into one integer so that type/code rules become ranges:
 * type t, code c -> t*256 + c; "type t, any code" is [t*256, t*256+255]; "any type" is [0, 65535].
 */
export function icmpKey(type: number, code: number): number {
  return type * 256 + code;
}

/** Well-known ports, for readable output. */
export const WELL_KNOWN_PORTS: Record<number, string> = {
  20: 'ftp-data', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'dns', 80: 'http', 110: 'pop3',
  123: 'ntp', 143: 'imap', 389: 'ldap', 443: 'https', 445: 'smb', 1433: 'mssql', 1521: 'oracle',
  2049: 'nfs', 3306: 'mysql', 3389: 'rdp', 5432: 'postgresql', 5672: 'amqp', 6379: 'redis', 8080: 'http-alt',
  9092: 'kafka', 9200: 'elasticsearch', 11211: 'memcached', 27017: 'mongodb',
};

/** Well-known ephemeral port ranges of clients (AWS Network ACL documentation). */
export const EPHEMERAL_PORTS = {
  linux: { lo: 32768, hi: 61000 },
  windows: { lo: 49152, hi: 65535 },
  windows2003: { lo: 1025, hi: 5000 },
  /** Elastic Load Balancing, NAT gateways, Lambda */
  aws: { lo: 1024, hi: 65535 },
} as const;

export type EphemeralProfile = keyof typeof EPHEMERAL_PORTS;

/** TCP flag bits as VPC Flow Logs report them. */
export const TCP_FIN = 1;
export const TCP_SYN = 2;
export const TCP_RST = 4;
export const TCP_PSH = 8;
export const TCP_ACK = 16;
