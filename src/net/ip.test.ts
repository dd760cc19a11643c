import { describe, it, expect } from 'vitest';
import {
  IPV4_MAX,
  IPV6_MAX,
  NetParseError,
  formatIp,
  formatIpv4,
  formatIpv6,
  ipEquals,
  parseIp,
  parseIpv4,
  parseIpv6,
  tryParseIp,
  tryParseIpv4,
  tryParseIpv6,
} from './ip.js';

describe('IPv4 parsing', () => {
  it.each([
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['10.0.0.1', 0x0a000001],
    ['192.168.1.1', 0xc0a80101],
    ['1.2.3.4', 0x01020304],
    ['100.68.0.18', 0x64440012],
    ['0.0.0.255', 255],
    ['255.0.0.0', 0xff000000],
  ])('accepts canonical dotted quad %s as %i', (text, value) => {
    expect(tryParseIpv4(text)).toBe(value);
    expect(parseIpv4(text)).toBe(value);
  });

  it('returns an unsigned value (never negative) for addresses with the top bit set', () => {
    expect(parseIpv4('128.0.0.0')).toBe(2 ** 31);
    expect(parseIpv4('255.255.255.255')).toBe(IPV4_MAX);
  });

  it.each([
    ['010.0.0.1', 'leading zero (octal look-alike) in first octet'],
    ['10.0.0.01', 'leading zero in last octet'],
    ['10.00.0.1', 'double zero octet'],
    ['00.0.0.0', 'double zero first octet'],
    ['3232235777', 'single 32-bit integer'],
    ['0x0a.0.0.1', 'hex octet'],
    ['0x0a000001', 'hex integer'],
    ['10.1', 'two-part short form'],
    ['10.0.1', 'three-part short form'],
    ['10.0.0.0.1', 'five parts'],
    ['256.0.0.1', 'octet 256 first'],
    ['10.0.0.256', 'octet 256 last'],
    ['10.0.999.1', 'octet 999'],
    ['10.0.1000.1', 'four-digit octet'],
    ['10..0.1', 'empty middle part'],
    ['.10.0.0', 'empty first part'],
    ['10.0.0.', 'trailing dot (empty last part)'],
    ['10.0.0.1.', 'trailing dot after four octets'],
    ['', 'empty string'],
    ['...', 'only dots'],
    [' 10.0.0.1', 'leading space'],
    ['10.0.0.1 ', 'trailing space'],
    ['10. 0.0.1', 'inner space'],
    ['10.0.0.1\n', 'trailing newline'],
    ['+10.0.0.1', 'plus sign'],
    ['-10.0.0.1', 'minus sign'],
    ['10.0.0.-1', 'negative octet'],
    ['10.0.+0.1', 'signed inner octet'],
    ['1e1.0.0.1', 'exponent notation'],
    ['10.0.0.1/32', 'CIDR suffix'],
    ['a.b.c.d', 'letters'],
    ['١٠.0.0.1', 'non-ASCII digits'],
    ['::1', 'IPv6 text'],
  ])('rejects %j (%s)', (text) => {
    expect(tryParseIpv4(text)).toBeUndefined();
    expect(() => parseIpv4(text)).toThrow(NetParseError);
  });

  it('parseIpv4 throws a NetParseError that carries the offending input', () => {
    try {
      parseIpv4('010.0.0.1');
      expect.unreachable('parseIpv4 should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(NetParseError);
      expect((e as NetParseError).input).toBe('010.0.0.1');
      expect((e as NetParseError).name).toBe('NetParseError');
      expect((e as NetParseError).message).toContain('010.0.0.1');
    }
  });
});

describe('IPv4 formatting', () => {
  it.each([
    [0, '0.0.0.0'],
    [0xffffffff, '255.255.255.255'],
    [0x0a000001, '10.0.0.1'],
    [2 ** 31, '128.0.0.0'],
    [0x00ff00ff, '0.255.0.255'],
  ])('formats %i as %s', (value, text) => {
    expect(formatIpv4(value)).toBe(text);
  });

  it.each(['0.0.0.0', '255.255.255.255', '10.0.0.1', '172.31.255.254', '1.0.0.0', '0.0.0.1', '203.0.113.7'])(
    'round-trips %s through parse and format unchanged',
    (text) => {
      expect(formatIpv4(parseIpv4(text))).toBe(text);
    },
  );

  it('round-trips sampled 32-bit values through format and parse', () => {
    for (let v = 0; v <= IPV4_MAX; v += 16_777_259) {
      expect(parseIpv4(formatIpv4(v))).toBe(v);
    }
    expect(parseIpv4(formatIpv4(IPV4_MAX))).toBe(IPV4_MAX);
  });
});

describe('IPv6 parsing', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', 0x20010db8000000000000ff0000428329n],
    ['2001:db8:0:0:0:ff00:42:8329', 0x20010db8000000000000ff0000428329n],
    ['2001:db8::ff00:42:8329', 0x20010db8000000000000ff0000428329n],
    ['FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', IPV6_MAX],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', IPV6_MAX],
    ['::', 0n],
    ['0:0:0:0:0:0:0:0', 0n],
    ['::1', 1n],
    ['fe80::1', 0xfe800000000000000000000000000001n],
    ['FE80::1', 0xfe800000000000000000000000000001n],
    ['2001:db8::', 0x20010db8000000000000000000000000n],
    ['1::', 1n << 112n],
    ['1:2:3:4:5:6:7::', 0x0001000200030004000500060007_0000n],
    ['::2:3:4:5:6:7:8', 0x0000000200030004000500060007_0008n],
    ['1:2:3:4:5:6:7:8', 0x00010002000300040005000600070008n],
    ['1::8', 0x00010000000000000000000000000008n],
  ])('accepts %s', (text, value) => {
    expect(tryParseIpv6(text)).toBe(value);
    expect(parseIpv6(text)).toBe(value);
  });

  it.each([
    ['::ffff:10.0.0.1', 0x00000000000000000000ffff0a000001n],
    ['::FFFF:10.0.0.1', 0x00000000000000000000ffff0a000001n],
    ['64:ff9b::192.0.2.33', 0x0064ff9b0000000000000000c0000221n],
    ['1:2:3:4:5:6:1.2.3.4', 0x00010002000300040005000601020304n],
    ['::1.2.3.4', 0x01020304n],
    ['::0.0.0.0', 0n],
    ['1:2:3:4:5::1.2.3.4', 0x00010002000300040005000001020304n],
    ['1::255.255.255.255', (1n << 112n) | 0xffffffffn],
  ])('accepts mixed IPv6 with embedded dotted quad %s', (text, value) => {
    expect(tryParseIpv6(text)).toBe(value);
  });

  it('treats the embedded dotted quad as the low 32 bits, equal to the hex spelling', () => {
    expect(parseIpv6('::ffff:10.0.0.1')).toBe(parseIpv6('::ffff:a00:1'));
    expect(parseIpv6('64:ff9b::192.0.2.33')).toBe(parseIpv6('64:ff9b::c000:221'));
  });

  it.each([
    [':::', 'triple colon'],
    ['::1::', 'two :: compressions'],
    ['1::2::3', 'two :: compressions between groups'],
    ['1:::2', 'triple colon between groups'],
    ['1:2:3:4:5:6:7:8:9', 'nine groups'],
    ['1:2:3:4:5:6:7', 'seven groups without ::'],
    ['1:2:3:4:5:6:7:8::', ':: with eight explicit groups'],
    ['::1:2:3:4:5:6:7:8', ':: with eight explicit groups (leading)'],
    ['1:2:3:4::5:6:7:8', ':: with eight explicit groups (middle)'],
    ['12345::1', 'five-hex-digit group'],
    ['1:2:3:4:5:6:7:10000', 'five-hex-digit last group'],
    ['fe80::1%eth0', 'zone id'],
    ['fe80::1%1', 'numeric zone id'],
    ['g::1', 'non-hex digit'],
    [':1:2:3:4:5:6:7', 'single leading colon'],
    ['1:2:3:4:5:6:7:', 'single trailing colon'],
    [':1::', 'single leading colon with ::'],
    ['1::2:', 'single trailing colon with ::'],
    ['', 'empty string'],
    [':', 'single colon'],
    [' ::1', 'leading space'],
    ['::1 ', 'trailing space'],
    ['[::1]', 'brackets'],
    ['::1/128', 'prefix suffix'],
    ['+1::', 'sign'],
    ['0x1::', 'hex prefix'],
    ['10.0.0.1', 'plain IPv4'],
    ['::ffff:10.0.0', 'embedded IPv4 with three parts'],
    ['::ffff:256.0.0.1', 'embedded IPv4 with octet 256'],
    ['::ffff:010.0.0.1', 'embedded IPv4 with leading zero'],
    ['::ffff:10.0.0.1.2', 'embedded IPv4 with five parts'],
    ['::10.0.0.1:ffff', 'embedded IPv4 not at the end'],
    ['1.2.3.4::', 'dotted quad before ::'],
    ['1:2:3:4:5:6:7:1.2.3.4', 'seven groups plus dotted quad'],
    ['1:2:3:4:5:6::1.2.3.4', 'six groups, :: and dotted quad (nine groups)'],
    ['1:2:3:4:5:1.2.3.4', 'five groups plus dotted quad without ::'],
    [':1.2.3.4', 'lone colon before dotted quad'],
    ['::ffff:1.2.3.4%eth0', 'embedded IPv4 with zone id'],
    ['0000:0000:0000:0000:0000:0000:0000:0000:0', 'nine zero-padded groups (over-long text)'],
  ])('rejects %j (%s)', (text) => {
    expect(tryParseIpv6(text)).toBeUndefined();
    expect(() => parseIpv6(text)).toThrow(NetParseError);
  });
});

describe('IPv6 formatting (RFC 5952)', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:FF00:0042:8329', '2001:db8::ff00:42:8329'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['FE80:0:0:0:0:0:0:1', 'fe80::1'],
    ['2001:db8:0:0:0:0:0:0', '2001:db8::'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('formats %s as %s', (input, expected) => {
    expect(formatIpv6(parseIpv6(input))).toBe(expected);
  });

  it('uses lowercase hex digits', () => {
    expect(formatIpv6(parseIpv6('ABCD:EF01::'))).toBe('abcd:ef01::');
  });

  it('drops leading zeros within a group', () => {
    expect(formatIpv6(parseIpv6('2001:0db8:000a:0001::0001'))).toBe('2001:db8:a:1::1');
  });

  it('does not compress a single zero group', () => {
    expect(formatIpv6(parseIpv6('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIpv6(parseIpv6('0:1:2:3:4:5:6:7'))).toBe('0:1:2:3:4:5:6:7');
    expect(formatIpv6(parseIpv6('1:2:3:4:5:6:7:0'))).toBe('1:2:3:4:5:6:7:0');
  });

  it('compresses a run of exactly two zero groups', () => {
    expect(formatIpv6(parseIpv6('1:0:0:2:3:4:5:6'))).toBe('1::2:3:4:5:6');
  });

  it('compresses the longest zero run, not the first one', () => {
    expect(formatIpv6(parseIpv6('2001:0:0:1:0:0:0:1'))).toBe('2001:0:0:1::1');
    expect(formatIpv6(parseIpv6('1:0:0:2:0:0:0:0'))).toBe('1:0:0:2::');
  });

  it('compresses the leftmost run when two zero runs tie for longest', () => {
    expect(formatIpv6(parseIpv6('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(parseIpv6('0:0:1:2:3:4:0:0'))).toBe('::1:2:3:4:0:0');
    expect(formatIpv6(parseIpv6('1:0:0:0:2:0:0:0'))).toBe('1::2:0:0:0');
  });

  it('formats an IPv4-mapped address in hex groups (no dotted-quad output)', () => {
    expect(formatIpv6(parseIpv6('::ffff:10.0.0.1'))).toBe('::ffff:a00:1');
    expect(formatIpv6(parseIpv6('64:ff9b::192.0.2.33'))).toBe('64:ff9b::c000:221');
  });

  it.each([
    '::',
    '::1',
    'fe80::1',
    '2001:db8::',
    '2001:db8::ff00:42:8329',
    '1:2:3:4:5:6:7:8',
    '2001:db8:0:1:1:1:1:1',
    '2001:db8::1:0:0:1',
    'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  ])('round-trips canonical text %s unchanged', (text) => {
    expect(formatIpv6(parseIpv6(text))).toBe(text);
  });

  it('round-trips every value whose groups are 0 or 1 (all zero-run layouts)', () => {
    for (let mask = 0; mask < 256; mask++) {
      let value = 0n;
      for (let g = 0; g < 8; g++) value = (value << 16n) | BigInt((mask >> (7 - g)) & 1);
      const text = formatIpv6(value);
      expect(parseIpv6(text)).toBe(value);
      // canonical text never contains more than one '::', never a ':::' and never a leading-zero group
      expect(text.split('::').length).toBeLessThanOrEqual(2);
      expect(text).not.toContain(':::');
      expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
    }
  });
});

describe('generic IP helpers', () => {
  it('tryParseIp recognises IPv4 first and IPv6 second', () => {
    expect(tryParseIp('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001 });
    expect(tryParseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(tryParseIp('::ffff:10.0.0.1')).toEqual({ family: 6, value: 0xffff0a000001n });
  });

  it('tryParseIp returns undefined and parseIp throws for text that is neither family', () => {
    for (const bad of ['', 'localhost', '010.0.0.1', 'fe80::1%eth0', '10.0.0.0/8']) {
      expect(tryParseIp(bad)).toBeUndefined();
      expect(() => parseIp(bad)).toThrow(NetParseError);
    }
  });

  it('formatIp dispatches on family', () => {
    expect(formatIp(parseIp('10.0.0.1'))).toBe('10.0.0.1');
    expect(formatIp(parseIp('2001:DB8:0::1'))).toBe('2001:db8::1');
  });

  it('ipEquals compares both family and value', () => {
    expect(ipEquals(parseIp('10.0.0.1'), parseIp('10.0.0.1'))).toBe(true);
    expect(ipEquals(parseIp('::1'), parseIp('0:0:0:0:0:0:0:1'))).toBe(true);
    expect(ipEquals(parseIp('10.0.0.1'), parseIp('10.0.0.2'))).toBe(false);
    // 0.0.0.1 and ::1 have the same numeric value but different families
    expect(ipEquals(parseIp('0.0.0.1'), parseIp('::1'))).toBe(false);
  });

  it('IPV4_MAX and IPV6_MAX are the all-ones addresses', () => {
    expect(IPV4_MAX).toBe(parseIpv4('255.255.255.255'));
    expect(IPV6_MAX).toBe(parseIpv6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'));
  });
});
