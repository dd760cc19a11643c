// CIDR blocks: strict parsing, canonicalisation, containment and overlap, for IPv4 and IPv6.
import { Family, NetParseError, formatIpv4, formatIpv6, tryParseIpv4, tryParseIpv6 } from './ip.js';

export interface Cidr4 {
  readonly family: 4;
  /** network address (host bits cleared) */
  readonly base: number;
  readonly prefix: number;
  /** first and last address, inclusive */
  readonly first: number;
  readonly last: number;
}
export interface Cidr6 {
  readonly family: 6;
  readonly base: bigint;
  readonly prefix: number;
  readonly first: bigint;
  readonly last: bigint;
}
export type Cidr = Cidr4 | Cidr6;

export interface ParsedCidr {
  cidr: Cidr;
  /** true when the text had host bits set (`100.68.0.18/18`); AWS stores the canonical form. */
  hadHostBits: boolean;
}

const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

export function cidr4(base: number, prefix: number): Cidr4 {
  const size = 2 ** (32 - prefix);
  const first = base - (base % size);
  return { family: 4, base: first, prefix, first, last: first + size - 1 };
}

export function cidr6(base: bigint, prefix: number): Cidr6 {
  const hostBits = BigInt(128 - prefix);
  const first = (base >> hostBits) << hostBits;
  return { family: 6, base: first, prefix, first, last: first + (1n << hostBits) - 1n };
}

export function tryParseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return undefined;
  const addr = text.slice(0, slash);
  const pfx = text.slice(slash + 1);
  if (!PREFIX.test(pfx)) return undefined;
  const prefix = Number(pfx);
  const v4 = tryParseIpv4(addr);
  if (v4 !== undefined) {
    if (prefix > 32) return undefined;
    const cidr = cidr4(v4, prefix);
    return { cidr, hadHostBits: cidr.base !== v4 };
  }
  const v6 = tryParseIpv6(addr);
  if (v6 !== undefined) {
    if (prefix > 128) return undefined;
    const cidr = cidr6(v6, prefix);
    return { cidr, hadHostBits: cidr.base !== v6 };
  }
  return undefined;
}

/** Canonical CIDR texts seen before (rules and entries repeat the same few): parsing is the hot part of compiling. */
const parsed = new Map<string, ParsedCidr | undefined>();

export function parseCidr(text: string, family?: Family): Cidr {
  let p = parsed.get(text);
  if (p === undefined && !parsed.has(text)) {
    p = tryParseCidr(text);
    if (parsed.size > 200_000) parsed.clear();
    parsed.set(text, p);
  }
  if (!p || (family !== undefined && p.cidr.family !== family)) {
    const what = family === 4 ? 'IPv4 CIDR block' : family === 6 ? 'IPv6 CIDR block' : 'CIDR block';
    throw new NetParseError(`'${text}' is not a valid ${what}`, text);
  }
  return p.cidr;
}

export function formatCidr(c: Cidr): string {
  return c.family === 4 ? `${formatIpv4(c.base)}/${c.prefix}` : `${formatIpv6(c.base)}/${c.prefix}`;
}

/** Canonical text of a CIDR (host bits cleared, IPv6 compressed), or undefined when not a CIDR. */
export function canonicalCidr(text: string): string | undefined {
  const p = tryParseCidr(text);
  return p ? formatCidr(p.cidr) : undefined;
}

export function cidrContainsAddress(c: Cidr, family: Family, value: number | bigint): boolean {
  if (c.family !== family) return false;
  return value >= c.first && value <= c.last;
}

/** a ⊇ b */
export function cidrContains(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.first && a.last >= b.last;
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function cidrSize(c: Cidr): bigint {
  return c.family === 4 ? BigInt(c.last - c.first + 1) : c.last - c.first + 1n;
}

export function isWorld(c: Cidr): boolean {
  return c.prefix === 0;
}

/** The n-th address of a block (negative n counts from the end: -1 is the last). */
export function nthAddress(c: Cidr, n: number): number | bigint {
  if (c.family === 4) return n >= 0 ? c.first + n : c.last + 1 + n;
  return n >= 0 ? c.first + BigInt(n) : c.last + 1n + BigInt(n);
}
