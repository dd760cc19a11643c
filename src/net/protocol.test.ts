import { describe, it, expect } from 'vitest';
import {
  PROTO_ALL,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_TCP,
  PROTO_UDP,
  icmpKey,
  isIcmp,
  parseProtocol,
  protocolLabel,
  protocolName,
  usesPorts,
} from './protocol.js';

describe('parseProtocol', () => {
  it.each([
    ['tcp', PROTO_TCP],
    ['udp', PROTO_UDP],
    ['icmp', PROTO_ICMP],
    ['icmpv6', PROTO_ICMPV6],
  ])('accepts the name %s', (text, value) => {
    expect(parseProtocol(text)).toBe(value);
  });

  it('accepts names case-insensitively', () => {
    expect(parseProtocol('TCP')).toBe(6);
    expect(parseProtocol('Udp')).toBe(17);
    expect(parseProtocol('ICMPv6')).toBe(58);
    expect(parseProtocol('ALL')).toBe(PROTO_ALL);
  });

  it('maps numbers to the same protocol as the names', () => {
    expect(parseProtocol('6')).toBe(parseProtocol('tcp'));
    expect(parseProtocol('17')).toBe(parseProtocol('udp'));
    expect(parseProtocol('1')).toBe(parseProtocol('icmp'));
    expect(parseProtocol('58')).toBe(parseProtocol('icmpv6'));
  });

  it('accepts any protocol number 0–255', () => {
    expect(parseProtocol('0')).toBe(0);
    expect(parseProtocol('47')).toBe(47);
    expect(parseProtocol('50')).toBe(50);
    expect(parseProtocol('255')).toBe(255);
  });

  it('accepts -1 and all as every protocol', () => {
    expect(parseProtocol('-1')).toBe(PROTO_ALL);
    expect(parseProtocol('all')).toBe(PROTO_ALL);
    expect(PROTO_ALL).toBe(-1);
  });

  it('ignores surrounding whitespace', () => {
    expect(parseProtocol(' tcp ')).toBe(6);
    expect(parseProtocol('\t6\n')).toBe(6);
  });

  it.each([
    ['256', 'above 255'],
    ['1000', 'four digits'],
    ['-2', 'negative other than -1'],
    ['-0', 'negative zero'],
    ['6.0', 'decimal'],
    ['06', 'leading zero'],
    ['0x6', 'hex'],
    ['+6', 'plus sign'],
    ['1e1', 'exponent'],
    ['', 'empty string'],
    ['   ', 'only whitespace'],
    ['tcpp', 'misspelled name'],
    ['icmp6', 'non-AWS alias'],
    ['sctp', 'unsupported name'],
    ['tcp,udp', 'list'],
  ])('rejects %j (%s)', (text) => {
    expect(parseProtocol(text)).toBeUndefined();
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'rejects the Object.prototype property name %j (not a protocol name)',
    (text) => {
      expect(parseProtocol(text)).toBeUndefined();
    },
  );
});

describe('protocolName', () => {
  it('names tcp, udp, icmp and icmpv6', () => {
    expect(protocolName(6)).toBe('tcp');
    expect(protocolName(17)).toBe('udp');
    expect(protocolName(1)).toBe('icmp');
    expect(protocolName(58)).toBe('icmpv6');
  });

  it('falls back to the number for other protocols and -1', () => {
    expect(protocolName(47)).toBe('47');
    expect(protocolName(0)).toBe('0');
    expect(protocolName(PROTO_ALL)).toBe('-1');
  });

  it('round-trips through parseProtocol for every protocol number and -1', () => {
    for (let p = -1; p <= 255; p++) expect(parseProtocol(protocolName(p))).toBe(p);
  });
});

describe('protocolLabel, usesPorts, isIcmp', () => {
  it('labels protocols for humans', () => {
    expect(protocolLabel(PROTO_ALL)).toBe('All');
    expect(protocolLabel(6)).toBe('TCP');
    expect(protocolLabel(17)).toBe('UDP');
    expect(protocolLabel(1)).toBe('ICMP');
    expect(protocolLabel(58)).toBe('ICMPv6');
    expect(protocolLabel(47)).toBe('proto 47');
  });

  it('usesPorts is true only for tcp and udp', () => {
    expect(usesPorts(PROTO_TCP)).toBe(true);
    expect(usesPorts(PROTO_UDP)).toBe(true);
    for (const p of [PROTO_ALL, PROTO_ICMP, PROTO_ICMPV6, 0, 47]) expect(usesPorts(p)).toBe(false);
  });

  it('isIcmp is true only for icmp and icmpv6', () => {
    expect(isIcmp(PROTO_ICMP)).toBe(true);
    expect(isIcmp(PROTO_ICMPV6)).toBe(true);
    for (const p of [PROTO_ALL, PROTO_TCP, PROTO_UDP, 0]) expect(isIcmp(p)).toBe(false);
  });
});

describe('icmpKey', () => {
  it('packs type and code as type*256 + code', () => {
    expect(icmpKey(0, 0)).toBe(0);
    expect(icmpKey(3, 4)).toBe(3 * 256 + 4);
    expect(icmpKey(8, 0)).toBe(2048);
    expect(icmpKey(255, 255)).toBe(65535);
  });

  it('orders keys by type then code, so "type t, any code" is the range [t*256, t*256+255]', () => {
    expect(icmpKey(3, 255) + 1).toBe(icmpKey(4, 0));
    expect(icmpKey(3, 0)).toBe(3 * 256);
    expect(icmpKey(3, 255)).toBe(3 * 256 + 255);
    expect(icmpKey(2, 255)).toBeLessThan(icmpKey(3, 0));
  });

  it('gives distinct keys to every type/code pair', () => {
    const seen = new Set<number>();
    for (let t = 0; t < 256; t++) for (let code = 0; code < 256; code++) seen.add(icmpKey(t, code));
    expect(seen.size).toBe(65536);
  });
});
