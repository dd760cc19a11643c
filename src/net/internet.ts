// Which addresses the internet carries. Private (RFC 1918), shared (RFC 6598), loopback, link-local, benchmark,
// multicast and reserved IPv4 space never crosses the internet; IPv6 global unicast is 2000::/3. The
// documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) count as internet here,
// so examples and probes can use them as internet addresses.
import { NumberSet } from './intervals.js';
import { parseIpv4 } from './ip.js';

const NON_INTERNET_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

/** The internet's IPv4 space. */
export const INTERNET_V4 = NumberSet.range(0, 0xffffffff).subtract(
  NumberSet.of(NON_INTERNET_V4.map(([b, p]) => ({ lo: parseIpv4(b), hi: parseIpv4(b) + 2 ** (32 - p) - 1 }))),
);
/** IPv6 global unicast, 2000::/3. */
export const INTERNET_V6 = { lo: 0x2n << 124n, hi: (0x4n << 124n) - 1n };

export function isInternetAddress(family: 4 | 6, addr: number | bigint): boolean {
  return family === 4 ? INTERNET_V4.has(addr as number) : (addr as bigint) >= INTERNET_V6.lo && (addr as bigint) <= INTERNET_V6.hi;
}
