// Strict IPv4 / IPv6 address parsing and formatting.
// IPv4 addresses are unsigned 32-bit integers held in a JS number; IPv6 addresses are 128-bit bigints.
// AWS accepts only the canonical textual forms: dotted-quad with four decimal octets and no leading zeros
// (no `010.0.0.1`, no `3232235777`, no `0x0a.0.0.1`, no `10.1`), and RFC 4291 IPv6 text.

export type Family = 4 | 6;

export interface Ipv4 {
  readonly family: 4;
  readonly value: number;
}
export interface Ipv6 {
  readonly family: 6;
  readonly value: bigint;
}
export type IpAddress = Ipv4 | Ipv6;

export class NetParseError extends Error {
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
    this.name = 'NetParseError';
  }
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Parses a dotted-quad IPv4 address; returns undefined when the text is not one. */
export function tryParseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function parseIpv4(text: string): number {
  const v = tryParseIpv4(text);
  if (v === undefined) throw new NetParseError(`'${text}' is not a valid IPv4 address`, text);
  return v;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** Parses RFC 4291 IPv6 text (with `::` and an optional trailing dotted quad); undefined when invalid. */
export function tryParseIpv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45 || text.includes('%')) return undefined;
  let head = text;
  let tailV4: number | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > lastColon) {
    tailV4 = tryParseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    // Keep `::` when the dotted quad follows it; otherwise drop the single separating colon.
    head = text.endsWith('::' + text.slice(lastColon + 1)) ? text.slice(0, lastColon + 1) : text.slice(0, lastColon);
  }
  const groupsNeeded = tailV4 === undefined ? 8 : 6;
  const doubleAt = head.indexOf('::');
  if (doubleAt !== head.lastIndexOf('::')) return undefined;
  let groups: string[];
  if (doubleAt >= 0) {
    const left = head.slice(0, doubleAt);
    const right = head.slice(doubleAt + 2);
    const l = left === '' ? [] : left.split(':');
    const r = right === '' ? [] : right.split(':');
    const missing = groupsNeeded - l.length - r.length;
    if (missing < 1) return undefined;
    groups = [...l, ...new Array<string>(missing).fill('0'), ...r];
  } else {
    groups = head.split(':');
    if (groups.length !== groupsNeeded) return undefined;
  }
  let value = 0n;
  for (const g of groups) {
    if (!HEXTET.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) value = (value << 32n) | BigInt(tailV4);
  return value;
}

export function parseIpv6(text: string): bigint {
  const v = tryParseIpv6(text);
  if (v === undefined) throw new NetParseError(`'${text}' is not a valid IPv6 address`, text);
  return v;
}

/** RFC 5952 canonical text: lowercase, no leading zeros, longest run (≥2) of zero groups as `::`. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function tryParseIp(text: string): IpAddress | undefined {
  const v4 = tryParseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = tryParseIpv6(text);
  if (v6 !== undefined) return { family: 6, value: v6 };
  return undefined;
}

export function parseIp(text: string): IpAddress {
  const ip = tryParseIp(text);
  if (!ip) throw new NetParseError(`'${text}' is not a valid IP address`, text);
  return ip;
}

export function formatIp(ip: IpAddress): string {
  return ip.family === 4 ? formatIpv4(ip.value) : formatIpv6(ip.value);
}

export function ipEquals(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && a.value === b.value;
}

export const IPV4_MAX = 0xffffffff;
export const IPV6_MAX = (1n << 128n) - 1n;
