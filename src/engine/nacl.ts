// Network ACL evaluation. AWS (Amazon VPC User Guide, "Network ACL rules"): entries are evaluated in rule
// number order, lowest first; the first entry that matches decides, allow or deny; the `*` entries
// (32767 IPv4, 32768 IPv6) deny the rest. IPv4 entries never match IPv6 traffic and vice versa. Protocol -1
// and protocols other than TCP/UDP/ICMP/ICMPv6 ignore ports.
import { icmpKey, NumberSet, parseCidr, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, type Family } from '../net/index.js';
import type { NetworkAcl, NetworkAclEntry } from '../model/types.js';
import { matchPort, type Packet } from './packet.js';
import { buildTable4, buildTable6, Interner, lookup4, lookup6, type Item, type Table4, type Table6 } from './tables.js';

/** The ports (ICMP keys) an entry covers for a protocol, or undefined when it is for another protocol. */
export function entryPorts(e: NetworkAclEntry, protocol: number): NumberSet | undefined {
  if (e.protocol !== -1 && e.protocol !== protocol) return undefined;
  if (e.protocol === -1) return ALL;
  if (protocol === PROTO_TCP || protocol === PROTO_UDP) return e.portRange ? NumberSet.range(e.portRange.from, e.portRange.to) : ALL;
  if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
    const tc = e.icmpTypeCode;
    if (!tc || tc.type === -1) return ALL;
    if (tc.code === -1) return NumberSet.range(icmpKey(tc.type, 0), icmpKey(tc.type, 255));
    return NumberSet.range(icmpKey(tc.type, tc.code), icmpKey(tc.type, tc.code));
  }
  return ALL;
}
const ALL = NumberSet.range(0, 65535);

function entryFamily(e: NetworkAclEntry): Family {
  return e.cidrBlock !== undefined ? 4 : 6;
}

/** Rule-by-rule: the entry that decides the packet (the first match), scanning in rule-number order. */
export function firstMatchingEntry(acl: NetworkAcl, egress: boolean, pkt: Packet): NetworkAclEntry | undefined {
  const peer = egress ? pkt.dst : pkt.src;
  const port = matchPort(pkt);
  const entries = acl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of entries) {
    if (entryFamily(e) !== pkt.family) continue;
    const ports = entryPorts(e, pkt.protocol);
    if (!ports || !ports.has(port)) continue;
    const c = parseCidr((e.cidrBlock ?? e.ipv6CidrBlock)!);
    if (peer >= c.first && peer <= c.last) return e;
  }
  return undefined;
}

/**
 * A decided port interval: verdict packed as ruleNumber·2 + (allow ? 1 : 0); `0` means no entry matched
 * (which cannot happen while the `*` rules exist, but a hand-built ACL may lack them: then it denies).
 */
export class PortVerdicts {
  constructor(
    /** interval starts, ascending, first is 0 */
    readonly starts: Int32Array,
    readonly verdicts: Int32Array,
  ) {}
  at(port: number): number {
    const s = this.starts;
    if (s.length === 1) return this.verdicts[0];
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= port) lo = mid;
      else hi = mid - 1;
    }
    return this.verdicts[lo];
  }
  private allowedSet: NumberSet | undefined;
  /** ports whose verdict is allow (computed once: verdict objects are shared and immutable) */
  allowed(): NumberSet {
    if (this.allowedSet !== undefined) return this.allowedSet;
    const r = [];
    for (let i = 0; i < this.starts.length; i++) {
      if (this.verdicts[i] & 1) r.push({ lo: this.starts[i], hi: i + 1 < this.starts.length ? this.starts[i + 1] - 1 : 65535 });
    }
    return (this.allowedSet = NumberSet.of(r));
  }
}

/** First-match over the port axis for an ordered list of (ports, verdict). */
function firstMatchPorts(list: { ports: NumberSet; verdict: number }[]): { starts: number[]; verdicts: number[] } {
  // Cut the port axis at every range edge, then each piece takes the first entry covering it.
  const cuts = new Set<number>([0]);
  for (const { ports } of list) for (const r of ports.ranges) {
    cuts.add(r.lo);
    if (r.hi < 65535) cuts.add(r.hi + 1);
  }
  const starts = [...cuts].sort((a, b) => a - b);
  const verdicts: number[] = [];
  const outS: number[] = [];
  for (const s of starts) {
    let v = 0;
    for (const { ports, verdict } of list) if (ports.has(s)) {
      v = verdict;
      break;
    }
    if (verdicts.length && verdicts[verdicts.length - 1] === v) continue;
    outS.push(s);
    verdicts.push(v);
  }
  return { starts: outS, verdicts };
}

export function verdictAllows(v: number): boolean {
  return (v & 1) === 1;
}
export function verdictRule(v: number): number {
  return v >> 1;
}

interface ProtoAcl {
  t4: Table4<PortVerdicts> | undefined;
  t6: Table6<PortVerdicts> | undefined;
}

/** A compiled network ACL: per direction, family and protocol, an address atom table of port verdicts. */
export class CompiledAcl {
  valid = true;
  private readonly tables: (ProtoAcl | undefined)[] = new Array(1024);
  private readonly interner = new Interner<PortVerdicts>();
  constructor(readonly acl: NetworkAcl) {}

  /** packed verdict (see PortVerdicts) for a packet leaving (egress) or entering the subnet */
  decide(egress: boolean, pkt: Packet): number {
    return this.decidePort(egress, pkt, matchPort(pkt));
  }

  /** decide() with the packet's match port already worked out. */
  decidePort(egress: boolean, pkt: Packet, port: number): number {
    const key = ((egress ? 2 : 0) + (pkt.family === 6 ? 1 : 0)) * 256 + (pkt.protocol & 255);
    let t = this.tables[key];
    if (t === undefined) t = this.tables[key] = this.compile(egress, pkt.family, pkt.protocol);
    const peer = egress ? pkt.dst : pkt.src;
    const v = pkt.family === 4 ? lookup4(t.t4!, peer as number) : lookup6(t.t6!, peer as bigint);
    return v.at(port);
  }

  portVerdicts(egress: boolean, family: Family, protocol: number, peer: number | bigint): PortVerdicts {
    const key = ((egress ? 2 : 0) + (family === 6 ? 1 : 0)) * 256 + (protocol & 255);
    let t = this.tables[key];
    if (t === undefined) t = this.tables[key] = this.compile(egress, family, protocol);
    return family === 4 ? lookup4(t.t4!, peer as number) : lookup6(t.t6!, peer as bigint);
  }

  /** The compiled atom table of a direction and protocol (IPv4): address -> port verdicts (for analyses). */
  table4(egress: boolean, protocol: number): Table4<PortVerdicts> {
    const key = ((egress ? 2 : 0) + 0) * 256 + (protocol & 255);
    let t = this.tables[key];
    if (t === undefined) t = this.tables[key] = this.compile(egress, 4, protocol);
    return t.t4!;
  }

  private compile(egress: boolean, family: Family, protocol: number): ProtoAcl {
    const entries = this.acl.entries
      .filter((e) => e.egress === egress && entryFamily(e) === family)
      .sort((a, b) => a.ruleNumber - b.ruleNumber);
    const items4: Item<number, { ports: NumberSet; verdict: number }>[] = [];
    const items6: Item<bigint, { ports: NumberSet; verdict: number }>[] = [];
    for (const e of entries) {
      const ports = entryPorts(e, protocol);
      if (!ports) continue;
      const c = parseCidr((e.cidrBlock ?? e.ipv6CidrBlock)!);
      const payload = { ports, verdict: e.ruleNumber * 2 + (e.ruleAction === 'allow' ? 1 : 0) };
      if (c.family === 4) items4.push({ lo: c.first, hi: c.last, payload });
      else items6.push({ lo: c.first, hi: c.last, payload });
    }
    const combine = (list: { ports: NumberSet; verdict: number }[]): PortVerdicts => {
      const { starts, verdicts } = firstMatchPorts(list);
      const key = `${starts.join(',')}|${verdicts.join(',')}`;
      return this.interner.get(key, () => new PortVerdicts(Int32Array.from(starts), Int32Array.from(verdicts)));
    };
    return {
      t4: family === 4 ? buildTable4(items4, combine) : undefined,
      t6: family === 6 ? buildTable6(items6, combine) : undefined,
    };
  }
}
