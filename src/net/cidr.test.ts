import { describe, it, expect } from 'vitest';
import {
  canonicalCidr,
  cidr4,
  cidr6,
  cidrContains,
  cidrContainsAddress,
  cidrOverlaps,
  cidrSize,
  formatCidr,
  isWorld,
  nthAddress,
  parseCidr,
  tryParseCidr,
  type Cidr,
} from './cidr.js';
import { IPV6_MAX, NetParseError, formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip.js';

const c = (text: string): Cidr => parseCidr(text);

describe('CIDR parsing and canonicalisation', () => {
  it('clears host bits: 100.68.0.18/18 becomes 100.68.0.0/18 with hadHostBits true', () => {
    const p = tryParseCidr('100.68.0.18/18');
    expect(p).toBeDefined();
    expect(p!.hadHostBits).toBe(true);
    expect(formatCidr(p!.cidr)).toBe('100.68.0.0/18');
    expect(p!.cidr.base).toBe(parseIpv4('100.68.0.0'));
    expect(p!.cidr.first).toBe(parseIpv4('100.68.0.0'));
    expect(p!.cidr.last).toBe(parseIpv4('100.68.63.255'));
    expect(canonicalCidr('100.68.0.18/18')).toBe('100.68.0.0/18');
  });

  it('reports hadHostBits false for an already canonical block', () => {
    const p = tryParseCidr('10.0.0.0/8')!;
    expect(p.hadHostBits).toBe(false);
    expect(p.cidr).toEqual({ family: 4, base: 0x0a000000, prefix: 8, first: 0x0a000000, last: 0x0affffff });
  });

  it('clears IPv6 host bits and reports hadHostBits', () => {
    const p = tryParseCidr('2001:db8::1/64')!;
    expect(p.hadHostBits).toBe(true);
    expect(formatCidr(p.cidr)).toBe('2001:db8::/64');
    expect(tryParseCidr('2001:db8::/64')!.hadHostBits).toBe(false);
    expect(canonicalCidr('2001:0DB8:0:0:0:0:0:1/32')).toBe('2001:db8::/32');
  });

  it('parses /0 as the whole IPv4 space', () => {
    const w = c('0.0.0.0/0');
    expect(w).toEqual({ family: 4, base: 0, prefix: 0, first: 0, last: 0xffffffff });
    expect(isWorld(w)).toBe(true);
    expect(cidrSize(w)).toBe(1n << 32n);
  });

  it('canonicalises any address with /0 to 0.0.0.0/0 and flags host bits', () => {
    const p = tryParseCidr('255.255.255.255/0')!;
    expect(p.hadHostBits).toBe(true);
    expect(formatCidr(p.cidr)).toBe('0.0.0.0/0');
  });

  it('parses /32 as a single address without host bits', () => {
    const p = tryParseCidr('255.255.255.255/32')!;
    expect(p.hadHostBits).toBe(false);
    expect(p.cidr).toEqual({ family: 4, base: 0xffffffff, prefix: 32, first: 0xffffffff, last: 0xffffffff });
    expect(cidrSize(p.cidr)).toBe(1n);
    expect(isWorld(p.cidr)).toBe(false);
  });

  it('parses ::/0 as the whole IPv6 space', () => {
    const w = c('::/0');
    expect(w).toEqual({ family: 6, base: 0n, prefix: 0, first: 0n, last: IPV6_MAX });
    expect(isWorld(w)).toBe(true);
    expect(cidrSize(w)).toBe(1n << 128n);
  });

  it('parses /128 as a single IPv6 address', () => {
    const one = c('::1/128');
    expect(one).toEqual({ family: 6, base: 1n, prefix: 128, first: 1n, last: 1n });
    expect(cidrSize(one)).toBe(1n);
    const top = tryParseCidr('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128')!;
    expect(top.hadHostBits).toBe(false);
    expect(top.cidr.first).toBe(IPV6_MAX);
    expect(top.cidr.last).toBe(IPV6_MAX);
  });

  it('accepts an IPv6 CIDR with an embedded dotted quad', () => {
    expect(canonicalCidr('::ffff:10.0.0.0/104')).toBe('::ffff:a00:0/104');
    expect(canonicalCidr('64:ff9b::192.0.2.33/96')).toBe('64:ff9b::/96');
  });

  it.each([
    ['10.0.0.0/33', 'IPv4 prefix above 32'],
    ['10.0.0.0/08', 'prefix with leading zero'],
    ['10.0.0.0/00', 'zero prefix with leading zero'],
    ['10.0.0.0', 'missing prefix'],
    ['10.0.0.0/', 'empty prefix'],
    ['/8', 'empty address'],
    ['::/129', 'IPv6 prefix above 128'],
    ['::/1000', 'four-digit prefix'],
    ['::', 'IPv6 missing prefix'],
    ['10.0.0.0/-1', 'negative prefix'],
    ['10.0.0.0/+8', 'signed prefix'],
    ['10.0.0.0/8.0', 'fractional prefix'],
    ['10.0.0.0/0x8', 'hex prefix'],
    ['10.0.0.0/ 8', 'space in prefix'],
    ['10.0.0.0/8 ', 'trailing space'],
    [' 10.0.0.0/8', 'leading space'],
    ['10.0.0.0/8/8', 'two slashes'],
    ['010.0.0.0/8', 'non-strict IPv4 address'],
    ['10.0/16', 'short-form IPv4 address'],
    ['fe80::1%eth0/64', 'zone id'],
    ['', 'empty string'],
  ])('rejects %j (%s)', (text) => {
    expect(tryParseCidr(text)).toBeUndefined();
    expect(canonicalCidr(text)).toBeUndefined();
    expect(() => parseCidr(text)).toThrow(NetParseError);
  });

  it('parseCidr enforces the requested family', () => {
    expect(parseCidr('10.0.0.0/8', 4).family).toBe(4);
    expect(parseCidr('::/0', 6).family).toBe(6);
    expect(() => parseCidr('10.0.0.0/8', 6)).toThrow(/IPv6 CIDR block/);
    expect(() => parseCidr('::/0', 4)).toThrow(/IPv4 CIDR block/);
    expect(() => parseCidr('nope')).toThrow(/'nope' is not a valid CIDR block/);
  });

  it('parseCidr returns the canonical block even when host bits were set', () => {
    expect(parseCidr('192.168.1.77/24')).toEqual(c('192.168.1.0/24'));
  });
});

describe('cidr4 / cidr6 constructors', () => {
  it('cidr4 clears host bits of the base', () => {
    expect(cidr4(parseIpv4('10.1.2.3'), 16)).toEqual(c('10.1.0.0/16'));
    expect(cidr4(0xffffffff, 0)).toEqual(c('0.0.0.0/0'));
    expect(cidr4(0xffffffff, 1)).toEqual(c('128.0.0.0/1'));
  });

  it('cidr6 clears host bits of the base', () => {
    expect(cidr6(parseIpv6('2001:db8::ffff'), 48)).toEqual(c('2001:db8::/48'));
    expect(cidr6(IPV6_MAX, 0)).toEqual(c('::/0'));
    expect(cidr6(IPV6_MAX, 128)).toEqual(c('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'));
  });

  it('every IPv4 prefix length yields first/last that differ by 2^(32-p) - 1', () => {
    const addr = parseIpv4('203.0.113.77');
    for (let p = 0; p <= 32; p++) {
      const b = cidr4(addr, p);
      expect(b.last - b.first + 1).toBe(2 ** (32 - p));
      expect(b.first).toBeLessThanOrEqual(addr);
      expect(b.last).toBeGreaterThanOrEqual(addr);
      expect(b.first % 2 ** (32 - p)).toBe(0);
      expect(tryParseCidr(formatCidr(b))!.hadHostBits).toBe(false);
    }
  });

  it('every IPv6 prefix length yields first/last that differ by 2^(128-p) - 1', () => {
    const addr = parseIpv6('2001:db8:85a3:8d3:1319:8a2e:370:7348');
    for (let p = 0; p <= 128; p++) {
      const b = cidr6(addr, p);
      expect(b.last - b.first + 1n).toBe(1n << BigInt(128 - p));
      expect(b.first <= addr && addr <= b.last).toBe(true);
      expect(c(formatCidr(b))).toEqual(b);
    }
  });
});

describe('formatCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['1.2.3.4/32', '1.2.3.4/32'],
    ['172.16.5.4/12', '172.16.0.0/12'],
    ['2001:DB8:0:0::/32', '2001:db8::/32'],
    ['::/0', '::/0'],
    ['fe80::1/10', 'fe80::/10'],
    ['::1/128', '::1/128'],
    ['2600:1f18:0:0:0:0:0:0/56', '2600:1f18::/56'],
  ])('formats %s as %s', (text, expected) => {
    expect(formatCidr(c(text))).toBe(expected);
    expect(canonicalCidr(text)).toBe(expected);
  });
});

describe('containment and overlap', () => {
  it('a block contains itself and its sub-blocks, not its super-blocks', () => {
    expect(cidrContains(c('10.0.0.0/8'), c('10.0.0.0/8'))).toBe(true);
    expect(cidrContains(c('10.0.0.0/8'), c('10.20.0.0/16'))).toBe(true);
    expect(cidrContains(c('10.0.0.0/8'), c('10.255.255.255/32'))).toBe(true);
    expect(cidrContains(c('10.20.0.0/16'), c('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(c('0.0.0.0/0'), c('192.0.2.0/24'))).toBe(true);
  });

  it('disjoint blocks neither contain nor overlap each other', () => {
    expect(cidrContains(c('10.0.0.0/8'), c('11.0.0.0/8'))).toBe(false);
    expect(cidrOverlaps(c('10.0.0.0/8'), c('11.0.0.0/8'))).toBe(false);
    expect(cidrOverlaps(c('10.0.0.0/25'), c('10.0.0.128/25'))).toBe(false);
  });

  it('nested blocks overlap in both directions', () => {
    expect(cidrOverlaps(c('10.0.0.0/8'), c('10.1.0.0/16'))).toBe(true);
    expect(cidrOverlaps(c('10.1.0.0/16'), c('10.0.0.0/8'))).toBe(true);
    expect(cidrOverlaps(c('10.0.0.5/32'), c('10.0.0.5/32'))).toBe(true);
  });

  it('IPv6 containment and overlap work on 128-bit values', () => {
    expect(cidrContains(c('::/0'), c('2001:db8::/32'))).toBe(true);
    expect(cidrContains(c('2001:db8::/32'), c('2001:db8:ffff:ffff::/64'))).toBe(true);
    expect(cidrContains(c('2001:db8::/32'), c('2001:db9::/32'))).toBe(false);
    expect(cidrOverlaps(c('2001:db8::/32'), c('2001:db8:1::/48'))).toBe(true);
    expect(cidrOverlaps(c('2001:db8::/33'), c('2001:db8:8000::/33'))).toBe(false);
    expect(cidrOverlaps(c('::/1'), c('8000::/1'))).toBe(false);
  });

  it('blocks of different families never contain or overlap, even with equal numeric ranges', () => {
    // 0.0.0.0/0 and ::/96 both start at 0 and span 2^32 values
    expect(cidrOverlaps(c('0.0.0.0/0'), c('::/0'))).toBe(false);
    expect(cidrOverlaps(c('::/0'), c('0.0.0.0/0'))).toBe(false);
    expect(cidrOverlaps(c('0.0.0.0/0'), c('::/96'))).toBe(false);
    expect(cidrContains(c('::/0'), c('0.0.0.0/0'))).toBe(false);
    expect(cidrContains(c('0.0.0.0/0'), c('::/96'))).toBe(false);
  });

  it('cidrContainsAddress checks family and inclusive bounds', () => {
    const b = c('192.168.0.0/16');
    expect(cidrContainsAddress(b, 4, parseIpv4('192.168.0.0'))).toBe(true);
    expect(cidrContainsAddress(b, 4, parseIpv4('192.168.255.255'))).toBe(true);
    expect(cidrContainsAddress(b, 4, parseIpv4('192.169.0.0'))).toBe(false);
    expect(cidrContainsAddress(b, 4, parseIpv4('192.167.255.255'))).toBe(false);
    expect(cidrContainsAddress(c('0.0.0.0/0'), 6, 5n)).toBe(false);
    const v6 = c('2001:db8::/32');
    expect(cidrContainsAddress(v6, 6, parseIpv6('2001:db8::1'))).toBe(true);
    expect(cidrContainsAddress(v6, 6, parseIpv6('2001:db9::'))).toBe(false);
    expect(cidrContainsAddress(v6, 4, parseIpv4('10.0.0.1'))).toBe(false);
    expect(cidrContainsAddress(c('::/0'), 6, IPV6_MAX)).toBe(true);
  });
});

describe('cidrSize and nthAddress', () => {
  it('cidrSize counts addresses as a bigint', () => {
    expect(cidrSize(c('10.0.0.0/24'))).toBe(256n);
    expect(cidrSize(c('10.0.0.0/31'))).toBe(2n);
    expect(cidrSize(c('2001:db8::/64'))).toBe(1n << 64n);
  });

  it('nthAddress gives the first four addresses and the last of an IPv4 subnet (AWS reserved addresses)', () => {
    const s = c('10.0.1.0/24');
    expect([0, 1, 2, 3].map((n) => formatIpv4(nthAddress(s, n) as number))).toEqual([
      '10.0.1.0',
      '10.0.1.1',
      '10.0.1.2',
      '10.0.1.3',
    ]);
    expect(formatIpv4(nthAddress(s, -1) as number)).toBe('10.0.1.255');
    expect(formatIpv4(nthAddress(s, -2) as number)).toBe('10.0.1.254');
  });

  it('nthAddress on the top IPv4 block reaches 255.255.255.255 without overflow', () => {
    const s = c('255.255.255.0/24');
    expect(nthAddress(s, -1)).toBe(0xffffffff);
    expect(nthAddress(s, 0)).toBe(0xffffff00);
  });

  it('nthAddress gives the first four addresses and the last of an IPv6 subnet', () => {
    const s = c('2001:db8:0:1::/64');
    expect([0, 1, 2, 3].map((n) => formatIpv6(nthAddress(s, n) as bigint))).toEqual([
      '2001:db8:0:1::',
      '2001:db8:0:1::1',
      '2001:db8:0:1::2',
      '2001:db8:0:1::3',
    ]);
    expect(formatIpv6(nthAddress(s, -1) as bigint)).toBe('2001:db8:0:1:ffff:ffff:ffff:ffff');
  });

  it('nthAddress returns a number for IPv4 and a bigint for IPv6', () => {
    expect(typeof nthAddress(c('10.0.0.0/8'), 0)).toBe('number');
    expect(typeof nthAddress(c('::/0'), 0)).toBe('bigint');
    expect(nthAddress(c('::/0'), -1)).toBe(IPV6_MAX);
  });
});
