// The questions people ask, answered exactly from the reachability walk: who can reach X, what can X reach,
// what is exposed to the internet, the all-pairs matrix by role, and what a change opens or closes.
import { floorIndex, floorIndexBig, formatIpv4, IPV6_MAX, NumberSet, parseCidr, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tryParseIp, type Family } from '../net/index.js';
import type { NetworkInterface } from '../model/types.js';
import type { StateEvent } from '../state/region.js';
import type { Hop } from '../engine/engine.js';
import { INTERNET_V4, Reachability, type ProtocolReach } from './reach.js';
import { ReachMatrix } from './matrix.js';

/** Ports of several protocols, as people write them: `tcp 80,443,8000-8100; udp 53; icmp echo`. */
export interface PortSummary {
  protocol: number;
  ports: NumberSet;
  /** only some client ports get the response back (NACL return path) */
  partial?: boolean;
}

export function protocolName(p: number, other: number): string {
  if (p === other) return 'other protocols';
  return p === PROTO_TCP ? 'tcp' : p === PROTO_UDP ? 'udp' : p === PROTO_ICMP ? 'icmp' : p === PROTO_ICMPV6 ? 'icmpv6' : `proto ${p}`;
}

/** `80,443,8000-8100`, `all`, ICMP as `type 8` / `type 3 code 4` / `all` */
export function formatPorts(protocol: number, ports: NumberSet): string {
  if (ports.equals(NumberSet.range(0, 65535))) return 'all';
  if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
    const parts: string[] = [];
    for (const r of ports.ranges) {
      for (let t = r.lo >> 8; t <= r.hi >> 8; t++) {
        const lo = Math.max(r.lo, t * 256) - t * 256;
        const hi = Math.min(r.hi, t * 256 + 255) - t * 256;
        parts.push(lo === 0 && hi === 255 ? `type ${t}` : lo === hi ? `type ${t} code ${lo}` : `type ${t} code ${lo}-${hi}`);
      }
    }
    return parts.join(',');
  }
  if (protocol !== PROTO_TCP && protocol !== PROTO_UDP) return ports.isEmpty ? '' : 'all';
  return ports.format();
}

export function formatSummary(s: PortSummary[], other: number): string {
  return s.map((x) => `${protocolName(x.protocol, other)} ${formatPorts(x.protocol, x.ports)}${x.partial ? ' (response only to part of the client ports)' : ''}`.trim()).join('; ');
}

function summarize(list: ProtocolReach[]): PortSummary[] {
  const out: PortSummary[] = [];
  for (const p of list) {
    if (!p.reachable.isEmpty) out.push({ protocol: p.protocol, ports: p.reachable });
    if (!p.partial.isEmpty) out.push({ protocol: p.protocol, ports: p.partial, partial: true });
  }
  return out;
}

function summaryKey(s: PortSummary[]): string {
  return s.map((x) => `${x.protocol}:${x.ports.format()}${x.partial ? 'p' : ''}`).join('|');
}

export interface ReachRow {
  /** `internet` or the role: group names @ subnet name */
  role: string;
  /** interface ids in this row (empty for the internet) */
  networkInterfaceIds: string[];
  ports: PortSummary[];
  /** internet rows: the source (or destination) ranges as CIDRs */
  ranges?: string[];
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface ExposureRow {
  ports: PortSummary[];
  /** the internet sources these ports are open to, as CIDRs (`0.0.0.0/0` for the whole internet) */
  sources: string[];
  severity: Severity;
}

export interface ExposureFinding {
  networkInterfaceId: string;
  publicAddress: string;
  /** the worst of its rows */
  severity: Severity;
  /** every reachable port set with the sources it is open to */
  rows: ExposureRow[];
  internetGatewayId?: string;
  /** the rules and entries on the way, from the engine's trace of one representative packet per protocol */
  path: Hop[];
}

export interface MatrixCell {
  from: string;
  to: string;
  fromInterfaces: number;
  toInterfaces: number;
  ports: PortSummary[];
}

const ADMIN_PORTS = [22, 3389];
const DATA_PORTS = [20, 21, 23, 25, 110, 135, 143, 445, 1433, 1434, 1521, 2049, 2483, 2484, 3000, 3306, 4333, 5000, 5432, 5500, 5601, 6379, 7199, 8080, 8088, 8888, 9042, 9092, 9160, 9200, 9300, 11211, 27017, 27018];
const WEB_PORTS = NumberSet.of([{ lo: 80, hi: 80 }, { lo: 443, hi: 443 }]);

/** Ranges of numbers as the fewest CIDR blocks. */
export function rangesToCidrs(set: NumberSet): string[] {
  const out: string[] = [];
  for (const r of set.ranges) {
    let lo = r.lo;
    while (lo <= r.hi) {
      let size = 1;
      while (size * 2 <= 2 ** 32 && lo % (size * 2) === 0 && lo + size * 2 - 1 <= r.hi) size *= 2;
      out.push(`${formatIpv4(lo)}/${32 - Math.log2(size)}`);
      lo += size;
    }
  }
  return out;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Atoms with the same reachable ports, merged: one row per port set with all its sources. */
function groupAtoms(atoms: { lo: number; hi: number; ports: PortSummary[] }[]): { ports: PortSummary[]; set: NumberSet }[] {
  const by = new Map<string, { ports: PortSummary[]; set: NumberSet }>();
  for (const a of atoms) {
    const k = summaryKey(a.ports);
    const e = by.get(k) ?? { ports: a.ports, set: NumberSet.EMPTY };
    e.set = e.set.union(NumberSet.range(a.lo, a.hi));
    by.set(k, e);
  }
  return [...by.values()];
}

/** Sources as people read them: `0.0.0.0/0`, a few CIDRs, or `0.0.0.0/0 except …` when that is shorter. */
export function describeSources(set: NumberSet, internet: NumberSet = INTERNET_V4): string[] {
  if (set.equals(internet)) return ['0.0.0.0/0'];
  const direct = rangesToCidrs(set);
  const missing = rangesToCidrs(internet.subtract(set));
  if (missing.length < direct.length) return [`0.0.0.0/0 except ${missing.join(', ')}`];
  return direct;
}

export class Questions {
  private readonly exposureCache = new Map<string, { atoms: { lo: number; hi: number; ports: PortSummary[] }[] }>();
  private readonly pairCache = new Map<string, PortSummary[]>();
  private classesCache: Map<string, NetworkInterface[]> | undefined;
  /** the CIDR edges the current classes were cut at */
  private edges = new Set<number>();
  /** the same for IPv6 (fix: classes ignored IPv6, so IPv6 answers were those of a member with other addresses) */
  private edges6 = new Set<bigint>();
  /** bumped whenever the partition into classes may have changed */
  classesVersion = 0;
  private matrices = new Map<Family, ReachMatrix>();
  private readonly classOf = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(readonly reach: Reachability) {
    this.unsubscribe = reach.engine.region.onChange((e) => this.onStateEvent(e));
  }

  dispose(): void {
    this.unsubscribe();
    for (const m of this.matrices.values()) m.dispose();
  }

  private resetClasses(): void {
    this.classesCache = undefined;
    this.classesVersion++;
  }

  /** Whether a group's rules cut the address space anywhere the current classes were not cut. */
  private addsEdges(groupId: string): boolean {
    const g = this.region.securityGroups.get(groupId);
    if (!g) return false;
    for (const rid of [...g.ingress, ...g.egress]) {
      const r = this.region.securityGroupRules.get(rid)!;
      const cidrs = r.peer.kind === 'cidr4' || r.peer.kind === 'cidr6' ? [r.peer.cidr] : r.peer.kind === 'prefixList' ? (this.region.prefixLists.get(r.peer.prefixListId)?.entries ?? []).map((e) => e.cidr) : [];
      for (const text of cidrs) {
        const c = parseCidr(text);
        if (c.family === 6) {
          if (!this.edges6.has(c.first as bigint) || ((c.last as bigint) < IPV6_MAX && !this.edges6.has((c.last as bigint) + 1n))) return true;
          continue;
        }
        if (!this.edges.has(c.first as number)) return true;
        if ((c.last as number) < 0xffffffff && !this.edges.has((c.last as number) + 1)) return true;
      }
    }
    return false;
  }

  private get region() {
    return this.reach.engine.region;
  }

  /** Incremental refresh: forget only the answers a change can touch. */
  private onStateEvent(e: StateEvent): void {
    switch (e.type) {
      case 'group-rules':
      case 'group-deleted':
        // a rule with a CIDR cut nowhere yet may split a class: then the classes are rebuilt
        if (this.classesCache && this.addsEdges(e.groupId)) {
          this.resetClasses();
          this.pairCache.clear();
        } else this.forgetGroups(new Set([e.groupId]));
        this.exposureCache.clear();
        break;
      case 'group-members': {
        // rules naming the group now stand for other addresses: forget answers involving the groups holding them
        const owners = new Set<string>([e.groupId]);
        for (const rid of this.region.rulesReferencing(e.groupId)) {
          const r = this.region.securityGroupRules.get(rid);
          if (r) owners.add(r.groupId);
        }
        this.forgetGroups(owners);
        this.resetClasses();
        break;
      }
      default:
        // interfaces, ACLs, routes, peering, prefix lists, topology: recompute from the compiled tables
        this.internetCache = undefined;
        this.pairCache.clear();
        this.exposureCache.clear();
        this.resetClasses();
    }
  }

  private forgetGroups(groups: Set<string>): void {
    const touches = (key: string) => key.split('|').some((part) => part.split(',').some((g) => groups.has(g)));
    for (const k of [...this.pairCache.keys()]) if (touches(k)) this.pairCache.delete(k);
    for (const k of [...this.exposureCache.keys()]) if (touches(k)) this.exposureCache.delete(k);
  }

  // ------------------------------------------------------------------ roles and classes

  /** `web,app @ public-a` from Name tags / group names */
  role(eni: NetworkInterface): string {
    // Fix (questions property test): names sorted, so one set of groups is one role whatever the interface's
    // order (classes already ignore it; rows and matrix cells keyed by role used to split in two).
    const groups = eni.groups.map((g) => this.region.securityGroups.get(g)?.name ?? g).sort().join(',') || '(no groups)';
    const s = this.region.subnets.get(eni.subnetId);
    const subnet = s?.tags.find((t) => t.key === 'Name')?.value ?? eni.subnetId;
    return `${groups} @ ${subnet}`;
  }

  private globalEdges(): Float64Array {
    const pts = new Set<number>([0]);
    const add = (text: string) => {
      const c = parseCidr(text);
      if (c.family !== 4) return;
      pts.add(c.first as number);
      if ((c.last as number) < 0xffffffff) pts.add((c.last as number) + 1);
    };
    for (const r of this.region.securityGroupRules.values()) if (r.peer.kind === 'cidr4') add(r.peer.cidr);
    for (const pl of this.region.prefixLists.values()) for (const e of pl.entries) add(e.cidr);
    for (const a of this.region.networkAcls.values()) for (const e of a.entries) if (e.cidrBlock) add(e.cidrBlock);
    for (const t of this.region.routeTables.values()) for (const r of t.routes) if (r.destinationCidrBlock) add(r.destinationCidrBlock);
    this.edges = pts;
    return Float64Array.from([...pts].sort((a, b) => a - b));
  }

  /** IPv6 edges of every rule, prefix list, NACL entry and route (see classes()). */
  private globalEdges6(): bigint[] {
    const pts = new Set<bigint>([0n]);
    const add = (text: string) => {
      const c = parseCidr(text);
      if (c.family !== 6) return;
      pts.add(c.first as bigint);
      if ((c.last as bigint) < IPV6_MAX) pts.add((c.last as bigint) + 1n);
    };
    for (const r of this.region.securityGroupRules.values()) if (r.peer.kind === 'cidr6') add(r.peer.cidr);
    for (const pl of this.region.prefixLists.values()) for (const e of pl.entries) add(e.cidr);
    for (const a of this.region.networkAcls.values()) for (const e of a.entries) if (e.ipv6CidrBlock) add(e.ipv6CidrBlock);
    for (const t of this.region.routeTables.values()) for (const r of t.routes) if (r.destinationIpv6CidrBlock) add(r.destinationIpv6CidrBlock);
    this.edges6 = pts;
    return [...pts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Interfaces that no rule, entry or route can tell apart: same groups, same subnet, and addresses (private and
   * public) in the same atoms of every CIDR in the estate. Each class is answered once, exactly.
   */
  classes(): Map<string, NetworkInterface[]> {
    if (this.classesCache) return this.classesCache;
    const edges = this.globalEdges();
    const edges6 = this.globalEdges6();
    const out = new Map<string, NetworkInterface[]>();
    this.classOf.clear();
    for (const eni of this.region.networkInterfaces.values()) {
      const priv = eni.privateIpAddresses[0];
      if (!priv) continue;
      const a = floorIndex(edges, tryParseIp(priv.privateIpAddress)!.value as number);
      const pub = priv.association ? floorIndex(edges, tryParseIp(priv.association.publicIp)!.value as number) : -1;
      // the first IPv6 address's atom (-1: none), which pair() and seenSource() use over IPv6
      const a6 = eni.ipv6Addresses.length ? floorIndexBig(edges6, tryParseIp(eni.ipv6Addresses[0])!.value as bigint) : -1;
      const key = `${[...eni.groups].sort().join(',')}|${eni.subnetId}|${a}|${pub}|${a6}|${eni.interfaceType}`;
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push(eni);
      this.classOf.set(eni.id, key);
    }
    this.classesCache = out;
    return out;
  }

  private classKey(eni: NetworkInterface): string {
    this.classes();
    return this.classOf.get(eni.id) ?? eni.id;
  }

  /** Reachable traffic between two interfaces, cached per pair of classes. */
  private pairSummary(src: NetworkInterface, dst: NetworkInterface, srcKey: string, dstKey: string, family: Family): PortSummary[] {
    const key = `${srcKey}|>|${dstKey}|${family}`;
    let s = this.pairCache.get(key);
    if (s !== undefined) return s;
    const seen = this.reach.seenSource(src, dst, family);
    if (seen === undefined || !this.reach.ingressPossible(dst, family, seen)) s = [];
    else {
      const p = this.reach.pair(src.id, dst.id, family);
      s = p ? summarize(p.protocols) : [];
    }
    this.pairCache.set(key, s);
    return s;
  }

  // ------------------------------------------------------------------ the questions

  /**
   * The interfaces on the other end of one interface's traffic, grouped by role and identical ports: sources
   * reaching it (`inbound`) or destinations it reaches. One representative per class decides for the class.
   */
  private peerRows(eni: NetworkInterface, inbound: boolean, family: Family): ReachRow[] {
    const ownKey = this.classKey(eni);
    const rows = new Map<string, ReachRow>();
    for (const [key, members] of this.classes()) {
      const others = members.filter((m) => m.id !== eni.id);
      if (others.length === 0) continue;
      const s = inbound ? this.pairSummary(others[0], eni, key, ownKey, family) : this.pairSummary(eni, others[0], ownKey, key, family);
      if (s.length === 0) continue;
      const role = this.role(others[0]);
      const rk = `${role}|${summaryKey(s)}`;
      const row = rows.get(rk) ?? { role, networkInterfaceIds: [], ports: s };
      row.networkInterfaceIds.push(...others.map((m) => m.id));
      rows.set(rk, row);
    }
    return [...rows.values()].sort((a, b) => a.role.localeCompare(b.role));
  }

  /** Everything that can open connections to an interface: interfaces grouped by role, and the internet. */
  whoCanReach(dstId: string, family: Family = 4): ReachRow[] {
    const dst = this.region.getNetworkInterface(dstId);
    const out = this.peerRows(dst, true, family);
    if (family === 4) out.unshift(...groupAtoms(this.internetAtoms(dst)).map((g) => ({ role: 'internet', networkInterfaceIds: [], ports: g.ports, ranges: describeSources(g.set, this.internet()) })));
    return out;
  }

  /** Everything an interface can open connections to: interfaces grouped by role, and the internet. */
  whatCanReach(srcId: string, family: Family = 4): ReachRow[] {
    const src = this.region.getNetworkInterface(srcId);
    const out = this.peerRows(src, false, family);
    if (family === 4) {
      const inet = this.toInternet(src);
      if (inet) out.unshift(inet);
    }
    return out;
  }

  private internetCache: NumberSet | undefined;
  /**
   * The internet as sources: public IPv4 space without the estate's own public addresses (traffic from those is
   * the estate's own interfaces coming back in through a gateway, answered by questions about those interfaces).
   */
  internet(): NumberSet {
    if (this.internetCache) return this.internetCache;
    const own: { lo: number; hi: number }[] = [];
    for (const eni of this.region.networkInterfaces.values()) {
      for (const pub of this.reach.engine.interfaceAddresses(eni.id).publicOf.values()) own.push({ lo: pub, hi: pub });
    }
    return (this.internetCache = INTERNET_V4.subtract(NumberSet.of(own)));
  }

  /** The internet sources of an interface's exposure: atoms of the internet with their reachable ports. */
  private internetAtoms(dst: NetworkInterface): { lo: number; hi: number; ports: PortSummary[] }[] {
    const pubText = dst.privateIpAddresses.find((p) => p.association)?.association?.publicIp;
    if (pubText === undefined || !this.region.attachedInternetGateway(dst.vpcId)) return [];
    // The public address itself enters no filter, so interfaces of one class share their exposure.
    const key = `${[...dst.groups].sort().join(',')}|${dst.subnetId}|${dst.vpcId}`;
    const cached = this.exposureCache.get(key);
    if (cached) return cached.atoms;
    const pub = tryParseIp(pubText)!.value as number;
    // cut the internet at every edge that can matter: the interface's rules, its subnet's ACL and routes
    const pts = new Set<number>();
    const add = (text: string) => {
      const c = parseCidr(text);
      if (c.family !== 4) return;
      pts.add(c.first as number);
      if ((c.last as number) < 0xffffffff) pts.add((c.last as number) + 1);
    };
    for (const g of dst.groups) {
      for (const r of this.region.groupRules(g, false)) {
        if (r.peer.kind === 'cidr4') add(r.peer.cidr);
        if (r.peer.kind === 'prefixList') for (const e of this.region.prefixLists.get(r.peer.prefixListId)?.entries ?? []) add(e.cidr);
      }
    }
    for (const e of this.region.subnetNetworkAcl(dst.subnetId).entries) if (e.cidrBlock) add(e.cidrBlock);
    for (const r of this.region.subnetRouteTable(dst.subnetId).routes) if (r.destinationCidrBlock) add(r.destinationCidrBlock);
    // Fix (questions property test): the estate's own public addresses are atoms of their own. A response to one
    // of them goes back in to that interface, not to the internet, so an atom whose first address was one lost
    // its whole row (exposure said nothing for the rest of the atom).
    for (const e of this.region.networkInterfaces.values()) for (const p of e.privateIpAddresses) if (p.association) add(`${p.association.publicIp}/32`);
    const cuts = [...pts].sort((a, b) => a - b);
    const atoms: { lo: number; hi: number; ports: PortSummary[] }[] = [];
    for (const range of this.internet().ranges) {
      const starts = [range.lo, ...cuts.filter((c) => c > range.lo && c <= range.hi)];
      for (let i = 0; i < starts.length; i++) {
        const lo = starts[i];
        const hi = i + 1 < starts.length ? starts[i + 1] - 1 : range.hi;
        if (!this.reach.ingressPossible(dst, 4, lo)) continue;
        const list = this.reach.allProtocols({ kind: 'internet' }, 4, lo, pub);
        const ports = summarize(list);
        if (ports.length) atoms.push({ lo, hi, ports });
      }
    }
    this.exposureCache.set(key, { atoms });
    return atoms;
  }

  /** What an interface can open on the internet, as one row (ports per protocol, over the internet's ranges). */
  private toInternet(src: NetworkInterface): ReachRow | undefined {
    const priv = src.privateIpAddresses[0];
    if (!priv?.association) return undefined;
    const srcAddr = tryParseIp(priv.privateIpAddress)!.value as number;
    // a representative internet address outside every rule's special ranges is enough for the common answer
    const probeAddr = tryParseIp('198.51.100.10')!.value as number;
    const list = this.reach.allProtocols({ kind: 'eni', networkInterfaceId: src.id }, 4, srcAddr, probeAddr);
    const ports = summarize(list);
    return ports.length ? { role: 'internet', networkInterfaceIds: [], ports, ranges: ['198.51.100.10 (a typical internet address)'] } : undefined;
  }

  /**
   * Every interface reachable from the internet: on which ports, from which sources, through which public
   * address and gateway, and by which rules. Severity follows what is really reachable: admin or data-store
   * ports from the whole internet are critical, from part of it high; other ports beyond 80/443 medium; web low.
   */
  exposure(): ExposureFinding[] {
    const out: ExposureFinding[] = [];
    for (const eni of this.region.networkInterfaces.values()) {
      const atoms = this.internetAtoms(eni);
      if (atoms.length === 0) continue;
      const pub = eni.privateIpAddresses.find((p) => p.association)!.association!.publicIp;
      const rows: ExposureRow[] = [];
      for (const g of groupAtoms(atoms)) rows.push({ ports: g.ports, sources: describeSources(g.set, this.internet()), severity: this.severity(g.ports, g.set) });
      const severity = rows.map((r) => r.severity).sort((x, y) => SEVERITY_RANK[x] - SEVERITY_RANK[y])[0];
      // provenance: the engine's trace of one packet of the most severe row
      const worst = rows.find((r) => r.severity === severity)!;
      const first = atoms.find((a) => summaryKey(a.ports) === summaryKey(worst.ports))!;
      const p = worst.ports[0];
      const port = p.ports.ranges[0].lo;
      const d = this.reach.engine.send({ kind: 'internet' }, {
        family: 4, src: first.lo, dst: tryParseIp(pub)!.value, protocol: p.protocol,
        srcPort: p.protocol === PROTO_TCP || p.protocol === PROTO_UDP ? this.reach.ephemeral.lo : 0,
        dstPort: p.protocol === PROTO_TCP || p.protocol === PROTO_UDP ? port : 0,
        ...(p.protocol === PROTO_ICMP ? { icmpType: port >> 8, icmpCode: port & 255 } : {}),
      }, { trace: true, commit: false });
      out.push({ networkInterfaceId: eni.id, publicAddress: pub, severity, rows, internetGatewayId: this.region.attachedInternetGateway(eni.vpcId)?.id, path: d.hops });
    }
    return out.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.networkInterfaceId.localeCompare(b.networkInterfaceId));
  }

  /**
   * Admin or data-store ports (or every protocol): from the whole internet critical, from more than a /16's worth
   * of it high, from narrower sources (an office range) medium. Other ports beyond 80/443: medium from the whole
   * internet, else low. Web ports only: low.
   */
  private severity(ports: PortSummary[], sources: NumberSet): Severity {
    const whole = sources.equals(this.internet());
    const open = ports.filter((p) => !p.partial);
    const tcpUdp = open.filter((p) => p.protocol === PROTO_TCP || p.protocol === PROTO_UDP);
    const everything = open.some((p) => p.protocol === this.reach.otherProtocol);
    const risky = everything || tcpUdp.some((p) => ADMIN_PORTS.some((x) => p.ports.has(x)) || DATA_PORTS.some((x) => p.ports.has(x)));
    const size = sources.size();
    if (risky) return whole ? 'critical' : size > 65536 ? 'high' : 'medium';
    if (tcpUdp.some((p) => !WEB_PORTS.covers(p.ports))) return whole ? 'medium' : 'low';
    return 'low';
  }

  /** The incremental all-pairs matrix over classes (kept up to date by state events). */
  matrixOf(family: Family = 4): ReachMatrix {
    let m = this.matrices.get(family);
    if (!m) {
      m = new ReachMatrix(this.reach, () => this.classes(), () => this.classesVersion, (src, dst) => {
        const p = this.reach.pair(src.id, dst.id, family);
        return p ? summarize(p.protocols) : [];
      }, family);
      this.matrices.set(family, m);
    }
    return m;
  }

  /** All pairs, by role: one cell per (source role, destination role) that can talk, with the ports. */
  matrix(family: Family = 4): MatrixCell[] {
    const { classes, cells } = this.matrixOf(family).refresh();
    const out = new Map<string, MatrixCell>();
    // Fix (questions property test): count each class once per side. Adding the sizes at every (row, column) of a
    // cell counted a destination class again for every source class of the same role (2 web × 2 db showed 4×4).
    const sides = new Map<string, { from: Set<number>; to: Set<number> }>();
    cells.forEach((row, i) => {
      const from = this.role(classes[i].members[0]);
      for (const [j, ports] of row) {
        const to = this.role(classes[j].members[0]);
        const key = `${from}|${to}|${summaryKey(ports)}`;
        if (!out.has(key)) {
          out.set(key, { from, to, fromInterfaces: 0, toInterfaces: 0, ports });
          sides.set(key, { from: new Set(), to: new Set() });
        }
        sides.get(key)!.from.add(i);
        sides.get(key)!.to.add(j);
      }
    });
    for (const [key, c] of out) {
      const side = sides.get(key)!;
      for (const i of side.from) c.fromInterfaces += classes[i].members.length;
      for (const j of side.to) c.toInterfaces += classes[j].members.length;
    }
    return [...out.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  }
}

/** Keys for comparing two estates: interfaces by their Name (or id), so separately loaded files line up. */
export interface DiffEntry {
  from: string;
  to: string;
  opened: PortSummary[];
  closed: PortSummary[];
}

function subtractSummaries(a: PortSummary[], b: PortSummary[]): PortSummary[] {
  const out: PortSummary[] = [];
  for (const x of a) {
    const same = b.filter((y) => y.protocol === x.protocol && !!y.partial === !!x.partial);
    let rest = x.ports;
    for (const y of same) rest = rest.subtract(y.ports);
    if (!rest.isEmpty) out.push({ ...x, ports: rest });
  }
  return out;
}

/**
 * What changes between two estates: for every pair of interfaces (matched by name) and for the internet,
 * the traffic that becomes reachable and the traffic that stops.
 */
export function diffReach(before: Questions, after: Questions, nameOf: (q: Questions, eniId: string) => string, family: Family = 4): DiffEntry[] {
  const collect = (q: Questions): Map<string, PortSummary[]> => {
    const m = new Map<string, PortSummary[]>();
    const enis = [...q.reach.engine.region.networkInterfaces.values()];
    for (const dst of enis) {
      for (const row of q.whoCanReach(dst.id, family)) {
        const sources = row.role === 'internet' ? [`internet ${row.ranges?.join(',') ?? ''}`.trim()] : row.networkInterfaceIds.map((id) => nameOf(q, id));
        for (const s of sources) m.set(`${s}|${nameOf(q, dst.id)}`, row.ports);
      }
    }
    return m;
  };
  const a = collect(before);
  const b = collect(after);
  const out: DiffEntry[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? [];
    const y = b.get(key) ?? [];
    const opened = subtractSummaries(y, x);
    const closed = subtractSummaries(x, y);
    if (opened.length || closed.length) {
      const [from, to] = key.split('|');
      out.push({ from, to, opened, closed });
    }
  }
  return out.sort((p, q) => p.from.localeCompare(q.from) || p.to.localeCompare(q.to));
}
