// Port summaries: what one endpoint can open on another, per protocol, as people read it.
import type { NumberSet } from '../net/index.js';
import type { ProtocolReach } from './reach.js';

/** Ports of several protocols, as people write them: `tcp 80,443,8000-8100; udp 53; icmp echo`. */
export interface PortSummary {
  protocol: number;
  ports: NumberSet;
  /** only some client ports get the response back (NACL return path) */
  partial?: boolean;
}

/** The reachable (and partially reachable) ports of each protocol; protocols with nothing are left out. */
export function summarize(list: ProtocolReach[]): PortSummary[] {
  const out: PortSummary[] = [];
  for (const p of list) {
    if (!p.reachable.isEmpty) out.push({ protocol: p.protocol, ports: p.reachable });
    if (!p.partial.isEmpty) out.push({ protocol: p.protocol, ports: p.partial, partial: true });
  }
  return out;
}

/** A key equal for equal summaries. */
export function summaryKey(s: PortSummary[]): string {
  return s.map((x) => `${x.protocol}:${x.ports.format()}${x.partial ? 'p' : ''}`).join('|');
}
