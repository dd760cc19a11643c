// The questions people ask, answered exactly from the reachability walk: who can reach X, what can X reach,
// what is exposed to the internet, the all-pairs matrix by role, and what a change opens or closes.
import { BigSet, floorIndex, floorIndexBig, formatIpv4, formatIpv6, IPV6_MAX, NumberSet, parseCidr, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tryParseIp, type Family } from '../net/index.js';
import type { NetworkInterface } from '../model/types.js';
import type { StateEvent } from '../state/region.js';
import type { Hop } from '../engine/engine.js';
import { INTERNET_V4, INTERNET_V6, Reachability } from './reach.js';
import { summarize, summaryKey, type PortSummary } from './summary.js';

export type { PortSummary };
import { PairwiseCells, ReachMatrix } from './matrix.js';
import { PairKernel } from './kernel.js';

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
  /** 4: reached at its public IPv4 (or Elastic IP); 6: at its global IPv6 address */
  family: Family;
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
  // ranges gathered per port set and made into a set once (a union per atom was quadratic: a public target
  // open to the whole internet has an atom between each two of the estate's thousands of public addresses)
  const keys = new Map<PortSummary[], string>();
  const by = new Map<string, { ports: PortSummary[]; ranges: { lo: number; hi: number }[] }>();
  for (const a of atoms) {
    let k = keys.get(a.ports);
    if (k === undefined) keys.set(a.ports, (k = summaryKey(a.ports)));
    let e = by.get(k);
    if (e === undefined) by.set(k, (e = { ports: a.ports, ranges: [] }));
    e.ranges.push({ lo: a.lo, hi: a.hi });
  }
  return [...by.values()].map((e) => ({ ports: e.ports, set: NumberSet.of(e.ranges) }));
}

/** The part of a set of addresses within [lo, hi] (binary search: the set may hold thousands of ranges). */
function sliceBig(set: BigSet, lo: bigint, hi: bigint): BigSet {
  const r = set.ranges;
  let a = 0;
  let b = r.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (r[m].hi < lo) a = m + 1;
    else b = m;
  }
  const out: { lo: bigint; hi: bigint }[] = [];
  for (let k = a; k < r.length && r[k].lo <= hi; k++) out.push({ lo: r[k].lo > lo ? r[k].lo : lo, hi: r[k].hi < hi ? r[k].hi : hi });
  return BigSet.of(out);
}

/** IPv6 ranges as the fewest CIDR blocks. */
function rangesToCidrs6(set: BigSet): string[] {
  const out: string[] = [];
  for (const r of set.ranges) {
    let lo = r.lo;
    while (lo <= r.hi) {
      let bits = 0;
      while (bits < 128 && (lo & ((1n << BigInt(bits + 1)) - 1n)) === 0n && lo + (1n << BigInt(bits + 1)) - 1n <= r.hi) bits++;
      out.push(`${formatIpv6(lo)}/${128 - bits}`);
      lo += 1n << BigInt(bits);
    }
  }
  return out;
}

/** IPv6 sources as people read them: `::/0` for the whole IPv6 internet, CIDRs, or `::/0 except …`. */
function describeSources6(set: BigSet, internet: BigSet): string[] {
  if (set.equals(internet)) return ['::/0'];
  const direct = rangesToCidrs6(set);
  const missing = rangesToCidrs6(internet.subtract(set));
  if (missing.length < direct.length) return [`::/0 except ${missing.join(', ')}`];
  return direct;
}

/**
 * Rows in role order, then by ports. Code-point order, not localeCompare: a wide question has thousands of rows,
 * and role names are group and subnet names (ASCII in practice), where the two orders agree but for case.
 */
function byRoleThenPorts(a: ReachRow, b: ReachRow): number {
  if (a.role !== b.role) return a.role < b.role ? -1 : 1;
  const x = summaryKey(a.ports);
  const y = summaryKey(b.ports);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sources as people read them: `0.0.0.0/0`, a few CIDRs, or `0.0.0.0/0 except …` when that is shorter. */
export function describeSources(set: NumberSet, internet: NumberSet = INTERNET_V4): string[] {
  if (set.equals(internet)) return ['0.0.0.0/0'];
  const direct = rangesToCidrs(set);
  const missing = rangesToCidrs(internet.subtract(set));
  if (missing.length < direct.length) return [`0.0.0.0/0 except ${missing.join(', ')}`];
  return direct;
}

/**
 * Where a sweep's answers are collected (class, answer id), by one function for every question: a closure made
 * per question would be compiled again each time. A sweep never starts another, so one sink is enough.
 */
const sink = { cls: new Int32Array(0), res: new Int32Array(0), m: 0 };
function collect(c: number, r: number): void {
  sink.cls[sink.m] = c;
  sink.res[sink.m++] = r;
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
    this.kernel4?.dispose();
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
        this.internet6Cache = undefined;
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
    // the groups' part is remembered per groups array (an interface's list is replaced, not edited, when its
    // groups change); group names never change
    let groups = this.groupNames.get(eni.groups);
    if (groups === undefined) {
      groups = eni.groups.map((g) => this.region.securityGroups.get(g)?.name ?? g).sort().join(',') || '(no groups)';
      this.groupNames.set(eni.groups, groups);
    }
    return `${groups} @ ${this.subnetName(eni.subnetId)}`;
  }

  /** A subnet's Name tag, or its id. */
  private subnetName(subnetId: string): string {
    return this.region.subnets.get(subnetId)?.tags.find((t) => t.key === 'Name')?.value ?? subnetId;
  }
  private readonly groupNames = new WeakMap<readonly string[], string>();

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
    if (family === 4) return this.peerRows4(eni, inbound);
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
    return [...rows.values()].sort(byRoleThenPorts);
  }

  private kernel4: PairKernel | undefined;
  private kernelVersion = -1;
  /** role ids of the kernel's classes, and the role names' ids */
  private kernelRoleIds = new Int32Array(0);
  private readonly roleIds = new Map<string, number>();
  private readonly roleNames: string[] = [];
  /** each role id's place in code-point order of the names (made when a question first needs it) */
  private roleRank: Int32Array | undefined;
  /** the kernel's classes' interface ids */
  private kernelMemberIds: string[][] = [];
  /** summary keys of the kernel's answers, by answer id (made when first needed) */
  private readonly resultKeys: string[] = [];
  /** interface id -> its class's index in the kernel */
  private readonly kernelIndex = new Map<string, number>();

  /**
   * Builds what every question needs first, ahead of the first one: the classes, their address index, and the
   * internet's source ranges (public space without the estate's own addresses).
   */
  index(): void {
    this.kernel().index();
    this.rankRoles();
    this.internet();
  }

  private roleIdOf(name: string): number {
    let id = this.roleIds.get(name);
    if (id === undefined) {
      id = this.roleNames.length;
      this.roleIds.set(name, id);
      this.roleNames.push(name);
    }
    return id;
  }

  /** The IPv4 pair kernel over the current classes. */
  private kernel(): PairKernel {
    const classes = this.classes();
    this.kernel4 ??= new PairKernel(this.reach);
    if (this.kernelVersion !== this.classesVersion) {
      this.kernel4.setClasses([...classes.values()]);
      // each class's role, named once here: questions group thousands of classes by role
      this.nameKernelRoles();
      this.kernelMemberIds = this.kernel4.classList().map((c) => c.members.map((m) => m.id));
      this.kernelIndex.clear();
      this.kernel4.classList().forEach((c, i) => {
        for (const m of c.members) this.kernelIndex.set(m.id, i);
      });
      this.kernelVersion = this.classesVersion;
    }
    return this.kernel4;
  }

  /** Names each kernel class's role (an id into roleNames), noting the subnet names used. */
  private nameKernelRoles(): void {
    const before = this.roleNames.length;
    this.kernelSubnetNames.clear();
    this.kernelRoleIds = Int32Array.from(this.kernel4!.classList(), (c) => {
      const eni = c.members[0];
      if (!this.kernelSubnetNames.has(eni.subnetId)) this.kernelSubnetNames.set(eni.subnetId, this.subnetName(eni.subnetId));
      return this.roleIdOf(this.role(eni));
    });
    if (this.roleNames.length !== before) this.roleRank = undefined;
  }

  /**
   * The kernel classes' role ids, named again when a subnet's Name tag changed since (tags change without a
   * state event: CreateTags and DeleteTags touch no rule). Group names cannot change (EC2 has no call to
   * rename a security group), so the subnets' names are all there is to check.
   */
  private kernelRoles(): Int32Array {
    for (const [id, name] of this.kernelSubnetNames) {
      if (this.subnetName(id) !== name) {
        this.nameKernelRoles();
        break;
      }
    }
    return this.kernelRoleIds;
  }
  /** subnet id -> the name the kernel's role ids were made with */
  private readonly kernelSubnetNames = new Map<string, string>();

  /** The summary key of a kernel answer, made once per answer. */
  private resultKey(k: PairKernel, r: number): string {
    let key = this.resultKeys[r];
    if (key === undefined) key = this.resultKeys[r] = summaryKey(k.results[r]);
    return key;
  }

  /**
   * peerRows over IPv4: one column (or row) of the kernel, swept once. A wide target has thousands of classes
   * on the other end: they are collected as numbers, put in row order by one numeric sort (role names ranked
   * once per index, answers by their key), and strings and objects are made only for the rows themselves.
   */
  private peerRows4(eni: NetworkInterface, inbound: boolean): ReachRow[] {
    const k = this.kernel();
    const own = this.kernelIndex.get(eni.id);
    if (own === undefined) return []; // no IPv4 address: nothing reaches it, it reaches nothing
    const n = k.classList().length;
    if (sink.cls.length < n) {
      sink.cls = new Int32Array(n);
      sink.res = new Int32Array(n);
    }
    sink.m = 0;
    if (inbound) k.column(own, collect);
    else k.row(own, collect);
    const { cls, res, m } = sink;
    if (m === 0) return [];
    // the answers of this question (a handful) ranked by their key, as byRoleThenPorts orders ports
    const answerRank = new Map<number, number>();
    for (let e = 0; e < m; e++) answerRank.set(res[e], 0);
    const answers = [...answerRank.keys()].sort((a, b) => {
      const x = this.resultKey(k, a);
      const y = this.resultKey(k, b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    answers.forEach((r, rank) => answerRank.set(r, rank));
    const roleIds = this.kernelRoles();
    const roleRank = this.rankRoles();
    const A = answers.length;
    // one number per entry: (role rank, answer rank, visit order), exact while it stays below 2^53
    const order = new Int32Array(m);
    if (this.roleNames.length * A * m < 2 ** 52) {
      const keys = new Float64Array(m);
      for (let e = 0; e < m; e++) keys[e] = (roleRank[roleIds[cls[e]]] * A + answerRank.get(res[e])!) * m + e;
      keys.sort();
      for (let e = 0; e < m; e++) order[e] = keys[e] % m;
    } else {
      for (let e = 0; e < m; e++) order[e] = e;
      order.sort((a, b) => roleRank[roleIds[cls[a]]] - roleRank[roleIds[cls[b]]] || answerRank.get(res[a])! - answerRank.get(res[b])! || a - b);
    }
    const rows: ReachRow[] = [];
    let row: ReachRow | undefined;
    let rowRole = -1;
    let rowAnswer = -1;
    for (let x = 0; x < m; x++) {
      const e = order[x];
      const c = cls[e];
      const ids = this.kernelMemberIds[c];
      const others = c === own ? ids.filter((id) => id !== eni.id) : ids;
      if (others.length === 0) continue;
      const roleId = roleIds[c];
      if (row === undefined || roleId !== rowRole || res[e] !== rowAnswer) {
        rows.push((row = { role: this.roleNames[roleId], networkInterfaceIds: others === ids ? ids.slice() : others, ports: k.results[res[e]] }));
        rowRole = roleId;
        rowAnswer = res[e];
      } else for (const id of others) row.networkInterfaceIds.push(id);
    }
    return rows;
  }

  /** Role ids ranked by name in code-point order (byRoleThenPorts' order). */
  private rankRoles(): Int32Array {
    if (this.roleRank === undefined || this.roleRank.length !== this.roleNames.length) {
      const ids = this.roleNames.map((_, i) => i).sort((a, b) => (this.roleNames[a] < this.roleNames[b] ? -1 : this.roleNames[a] > this.roleNames[b] ? 1 : 0));
      this.roleRank = new Int32Array(ids.length);
      ids.forEach((id, rank) => (this.roleRank![id] = rank));
    }
    return this.roleRank;
  }

  /** Everything that can open connections to an interface: interfaces grouped by role, and the internet. */
  whoCanReach(dstId: string, family: Family = 4): ReachRow[] {
    const dst = this.region.getNetworkInterface(dstId);
    const out = this.peerRows(dst, true, family);
    if (family === 4) out.unshift(...this.internetRows(dst));
    return out;
  }

  /** The internet's rows of whoCanReach (IPv4): one per set of ports, with the sources it is open to. */
  internetRows(dst: NetworkInterface): ReachRow[] {
    return groupAtoms(this.internetAtoms(dst)).map((g) => ({ role: 'internet', networkInterfaceIds: [], ports: g.ports, ranges: describeSources(g.set, this.internet()) }));
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
    const k = this.kernel();
    const j = this.kernelIndex.get(dst.id);
    const atoms: { lo: number; hi: number; ports: PortSummary[] }[] = [];
    // Fix (questions property test): the estate's own public addresses are not "the internet" (this.internet()
    // leaves them out): a response to one of them goes back in to that interface, so an atom whose first address
    // was one lost its whole row.
    if (j !== undefined) for (const a of k.internetAtoms(j, this.internet())) atoms.push({ lo: a.lo, hi: a.hi, ports: k.results[a.result] });
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
      out.push({ networkInterfaceId: eni.id, family: 4, publicAddress: pub, severity, rows, internetGatewayId: this.region.attachedInternetGateway(eni.vpcId)?.id, path: d.hops });
    }
    for (const eni of this.region.networkInterfaces.values()) {
      const f = this.exposure6(eni);
      if (f) out.push(f);
    }
    return out.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.networkInterfaceId.localeCompare(b.networkInterfaceId));
  }

  private internet6Cache: BigSet | undefined;
  /**
   * The IPv6 internet as sources: global unicast space (2000::/3) without the estate's own blocks. A VPC's IPv6
   * block is global space, but its addresses are the VPC's own: a response to one goes to the local route.
   */
  internet6(): BigSet {
    if (this.internet6Cache) return this.internet6Cache;
    const own: { lo: bigint; hi: bigint }[] = [];
    for (const vpc of this.region.vpcs.values()) {
      for (const b of vpc.ipv6CidrBlocks) {
        const c = parseCidr(b.ipv6CidrBlock);
        own.push({ lo: c.first as bigint, hi: c.last as bigint });
      }
    }
    for (const eni of this.region.networkInterfaces.values()) for (const a of this.reach.engine.interfaceAddresses(eni.id).v6) own.push({ lo: a, hi: a });
    return (this.internet6Cache = BigSet.range(INTERNET_V6.lo, INTERNET_V6.hi).subtract(BigSet.of(own)));
  }

  /**
   * IPv6 exposure of one interface: a global IPv6 address needs no translation, so the internet reaches it
   * directly when its VPC has an attached gateway, its route table sends the response back (::/0 to the
   * gateway), the NACL lets the request in and the response out, and a group allows the port (Amazon VPC User
   * Guide, "Enable IPv6 traffic"). The IPv6 internet is cut at every edge of the interface's rules, NACL
   * entries and routes; each piece is walked once.
   */
  private exposure6(eni: NetworkInterface): ExposureFinding | undefined {
    const addrs = this.reach.engine.interfaceAddresses(eni.id).v6;
    const addr = addrs.find((a) => a >= INTERNET_V6.lo && a <= INTERNET_V6.hi);
    const igw = this.region.attachedInternetGateway(eni.vpcId);
    if (addr === undefined || !igw) return undefined;
    const cuts = new Set<bigint>([INTERNET_V6.lo]);
    const add = (text: string) => {
      const c = parseCidr(text);
      if (c.family !== 6) return;
      cuts.add(c.first as bigint);
      if ((c.last as bigint) < IPV6_MAX) cuts.add((c.last as bigint) + 1n);
    };
    for (const g of eni.groups) {
      for (const r of this.region.groupRules(g, false)) {
        if (r.peer.kind === 'cidr6') add(r.peer.cidr);
        if (r.peer.kind === 'prefixList') for (const e of this.region.prefixLists.get(r.peer.prefixListId)?.entries ?? []) add(e.cidr);
      }
    }
    for (const e of this.region.subnetNetworkAcl(eni.subnetId).entries) if (e.ipv6CidrBlock) add(e.ipv6CidrBlock);
    for (const r of this.region.subnetRouteTable(eni.subnetId).routes) if (r.destinationIpv6CidrBlock) add(r.destinationIpv6CidrBlock);
    const starts = [...cuts].filter((c) => c >= INTERNET_V6.lo && c <= INTERNET_V6.hi).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const internet = this.internet6();
    const atoms: { set: BigSet; ports: PortSummary[] }[] = [];
    for (let k = 0; k < starts.length; k++) {
      const lo = starts[k];
      const hi = k + 1 < starts.length ? starts[k + 1] - 1n : INTERNET_V6.hi;
      const set = sliceBig(internet, lo, hi);
      if (set.isEmpty) continue;
      // nothing inside one piece tells sources apart: its first address stands for all
      const src = set.ranges[0].lo;
      if (!this.reach.ingressPossible(eni, 6, src)) continue;
      const ports = summarize(this.reach.allProtocols({ kind: 'internet' }, 6, src, addr));
      if (ports.length) atoms.push({ set, ports });
    }
    if (atoms.length === 0) return undefined;
    const byPorts = new Map<string, { ports: PortSummary[]; set: BigSet }>();
    for (const a of atoms) {
      const key = summaryKey(a.ports);
      const e = byPorts.get(key);
      if (e) e.set = e.set.union(a.set);
      else byPorts.set(key, { ports: a.ports, set: a.set });
    }
    const rows: ExposureRow[] = [...byPorts.values()].map((g) => ({ ports: g.ports, sources: describeSources6(g.set, internet), severity: this.severity6(g.ports, g.set, internet) }));
    const severity = rows.map((r) => r.severity).sort((x, y) => SEVERITY_RANK[x] - SEVERITY_RANK[y])[0];
    const worst = rows.find((r) => r.severity === severity)!;
    const first = [...byPorts.values()].find((g) => summaryKey(g.ports) === summaryKey(worst.ports))!;
    const p = worst.ports[0];
    const port = p.ports.ranges[0].lo;
    const d = this.reach.engine.send({ kind: 'internet' }, {
      family: 6, src: first.set.ranges[0].lo, dst: addr, protocol: p.protocol,
      srcPort: p.protocol === PROTO_TCP || p.protocol === PROTO_UDP ? this.reach.ephemeral.lo : 0,
      dstPort: p.protocol === PROTO_TCP || p.protocol === PROTO_UDP ? port : 0,
      ...(p.protocol === PROTO_ICMPV6 ? { icmpType: port >> 8, icmpCode: port & 255 } : {}),
    }, { trace: true, commit: false });
    return { networkInterfaceId: eni.id, family: 6, publicAddress: formatIpv6(addr), severity, rows, internetGatewayId: igw.id, path: d.hops };
  }

  /** severity() for IPv6 sources: "wide" is more than a /48 (a site's allocation) instead of a /16. */
  private severity6(ports: PortSummary[], sources: BigSet, internet: BigSet): Severity {
    const whole = sources.equals(internet);
    let size = 0n;
    for (const r of sources.ranges) size += r.hi - r.lo + 1n;
    const open = ports.filter((p) => !p.partial);
    const tcpUdp = open.filter((p) => p.protocol === PROTO_TCP || p.protocol === PROTO_UDP);
    const everything = open.some((p) => p.protocol === this.reach.otherProtocol);
    const risky = everything || tcpUdp.some((p) => ADMIN_PORTS.some((x) => p.ports.has(x)) || DATA_PORTS.some((x) => p.ports.has(x)));
    if (risky) return whole ? 'critical' : size > 1n << 80n ? 'high' : 'medium';
    if (tcpUdp.some((p) => !WEB_PORTS.covers(p.ports))) return whole ? 'medium' : 'low';
    return 'low';
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
      const source = family === 4 ? new PairKernel(this.reach) : new PairwiseCells(this.reach, family);
      m = new ReachMatrix(this.reach, () => this.classes(), () => this.classesVersion, source, family);
      this.matrices.set(family, m);
    }
    return m;
  }

  /**
   * All pairs, by role, in a compact form: cell k goes from role roles[from[k]] to roles[to[k]] with the ports
   * results[result[k]], between fromInterfaces[k] and toInterfaces[k] interfaces; cells are ordered by source
   * role, destination role (names in code-point order), then ports. A large estate has millions of cells: they
   * are aggregated in typed arrays, and objects are made only when asked for (matrix(), cellAt()).
   */
  roleMatrix(family: Family = 4): RoleMatrix {
    const { classes, n, ids, results } = this.matrixOf(family).refresh();
    const names = classes.map((c) => this.role(c.members[0]));
    const roles = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rank = new Map(roles.map((r, k) => [r, k]));
    const roleOf = Int32Array.from(names, (r) => rank.get(r)!);
    const R = roles.length;
    const byRole: number[][] = roles.map(() => []);
    classes.forEach((_, i) => byRole[roleOf[i]].push(i));
    const sizes = Int32Array.from(classes, (c) => c.members.length);
    const resultOrder = results.map((r, k) => ({ k, key: summaryKey(r) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const resultRank = new Int32Array(results.length);
    resultOrder.forEach((x, pos) => (resultRank[x.k] = pos));
    // at most one cell per non-empty (source, destination) pair: one allocation of the right size
    let nonEmpty = 0;
    for (let k = 0; k < ids.length; k++) if (ids[k] !== 0) nonEmpty++;
    const cells = new CellColumns(nonEmpty);
    // per source role, the first cell made for it in the current destination role (valid while stamp = to);
    // further cells of the same pair of roles (other answers) follow in a chain: no maps in the hot loop
    const stamp = new Int32Array(R).fill(-1);
    const first = new Int32Array(R);
    // one destination role at a time (the store is column-major). Fix (questions property test): each class
    // counts once per side; adding sizes at every (row, column) counted a destination class again for every
    // source class of the same role (2 web × 2 db showed 4×4).
    const cellOf = (from: number, to: number, r: number): number => {
      let c = stamp[from] === to ? first[from] : -1;
      while (c >= 0 && cells.result[c] !== r) c = cells.next[c];
      if (c < 0) {
        c = cells.add(from, to, r, stamp[from] === to ? first[from] : -1);
        stamp[from] = to;
        first[from] = c;
      }
      return c;
    };
    // each source class counts once per cell: the cells it fed in the current destination role (nearly always
    // one, two at most in practice; more go to a set)
    const fromStamp = new Int32Array(n).fill(-1);
    const fromA = new Int32Array(n);
    const fromB = new Int32Array(n);
    const more = new Map<number, Set<number>>();
    for (let to = 0; to < R; to++) {
      if (more.size) more.clear();
      for (const j of byRole[to]) {
        const base = j * n;
        for (let i = 0; i < n; i++) {
          const r = ids[base + i];
          if (r === 0) continue;
          const c = cellOf(roleOf[i], to, r);
          if (cells.lastTo[c] !== j) {
            cells.lastTo[c] = j;
            cells.toInterfaces[c] += sizes[j];
          }
          if (fromStamp[i] !== to) {
            fromStamp[i] = to;
            fromA[i] = c;
            fromB[i] = -1;
          } else if (fromA[i] === c || fromB[i] === c) continue;
          else if (fromB[i] === -1) fromB[i] = c;
          else {
            let set = more.get(i);
            if (set === undefined) more.set(i, (set = new Set()));
            if (set.has(c)) continue;
            set.add(c);
          }
          cells.fromInterfaces[c] += sizes[i];
        }
      }
    }
    // order: a counting sort by source role (cells of one source role were made in destination order), then
    // the rare runs of one pair of roles with several answers by ports
    const size = cells.size;
    const start = new Int32Array(R + 1);
    for (let c = 0; c < size; c++) start[cells.from[c] + 1]++;
    for (let k = 0; k < R; k++) start[k + 1] += start[k];
    const order = new Int32Array(size);
    const fill = start.slice(0, R);
    for (let c = 0; c < size; c++) order[fill[cells.from[c]]++] = c;
    for (let k = 0; k < size; ) {
      let e = k + 1;
      while (e < size && cells.from[order[e]] === cells.from[order[k]] && cells.to[order[e]] === cells.to[order[k]]) e++;
      // insertion sort of the run (short: one pair of roles rarely has more than a few answers)
      for (let x = k + 1; x < e; x++) {
        const v = order[x];
        let y = x - 1;
        while (y >= k && resultRank[cells.result[order[y]]] > resultRank[cells.result[v]]) {
          order[y + 1] = order[y];
          y--;
        }
        order[y + 1] = v;
      }
      k = e;
    }
    return {
      roles, results, size, order,
      from: cells.from, to: cells.to, result: cells.result, fromInterfaces: cells.fromInterfaces, toInterfaces: cells.toInterfaces,
    };
  }

  /** All pairs, by role: one cell per (source role, destination role) that can talk, with the ports. */
  matrix(family: Family = 4): MatrixCell[] {
    const m = this.roleMatrix(family);
    const out: MatrixCell[] = new Array(m.size);
    for (let k = 0; k < m.size; k++) out[k] = cellAt(m, k);
    return out;
  }
}

/**
 * The role matrix in typed arrays (see Questions.roleMatrix). The cell arrays are in the order cells were made;
 * `order[k]` is the index of the k-th cell in reading order (source role, destination role, ports).
 */
export interface RoleMatrix {
  roles: string[];
  results: PortSummary[][];
  size: number;
  order: Int32Array;
  from: Int32Array;
  to: Int32Array;
  result: Int32Array;
  fromInterfaces: Int32Array;
  toInterfaces: Int32Array;
}

/** Cell k of a role matrix as an object. */
export function cellAt(m: RoleMatrix, k: number): MatrixCell {
  const c = m.order[k];
  return { from: m.roles[m.from[c]], to: m.roles[m.to[c]], fromInterfaces: m.fromInterfaces[c], toInterfaces: m.toInterfaces[c], ports: m.results[m.result[c]] };
}

/** Columns of cells under construction (capacity: the number of non-empty pairs, which bounds the cells). */
class CellColumns {
  size = 0;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly result: Int32Array;
  readonly next: Int32Array;
  readonly lastTo: Int32Array;
  readonly fromInterfaces: Int32Array;
  readonly toInterfaces: Int32Array;
  constructor(capacity: number) {
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
    this.result = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.lastTo = new Int32Array(capacity);
    this.fromInterfaces = new Int32Array(capacity);
    this.toInterfaces = new Int32Array(capacity);
  }

  add(from: number, to: number, result: number, next: number): number {
    const c = this.size++;
    this.from[c] = from;
    this.to[c] = to;
    this.result[c] = result;
    this.next[c] = next;
    this.lastTo[c] = -1;
    return c;
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
 *
 * Pairs are compared class by class, not interface by interface: each side's matrix holds one answer per pair of
 * its classes, and interfaces that are in the same class on both sides (a "joint" class) answer alike on both;
 * so each pair of joint classes is compared once, and entries are made only for the pairs whose answer changed.
 * An interface on one side only has no answer on the other (everything it can do opens, or closes).
 */
export function diffReach(before: Questions, after: Questions, nameOf: (q: Questions, eniId: string) => string, family: Family = 4): DiffEntry[] {
  const sides = [before, after].map((q) => ({ q, view: q.matrixOf(family).refresh() }));
  // answers by their port summary, one id space for both sides (0: nothing)
  const canon = new Map<string, number>([['', 0]]);
  const summaries: PortSummary[][] = [[]];
  const canonIds = sides.map(({ view }) => Int32Array.from(view.results, (r) => {
    const k = summaryKey(r);
    let id = canon.get(k);
    if (id === undefined) {
      canon.set(k, (id = summaries.length));
      summaries.push(r);
    }
    return id;
  }));
  // each interface's class on each side (-1: not there, or no class: it reaches nothing and nothing reaches it)
  const joint = new Map<string, { b: number; a: number; names: string[] }>();
  const where = new Map<string, [number, number]>();
  sides.forEach(({ q, view }, side) => {
    const classOf = new Map<string, number>();
    view.classes.forEach((c, i) => {
      for (const m of c.members) classOf.set(m.id, i);
    });
    for (const eni of q.reach.engine.region.networkInterfaces.values()) {
      const name = nameOf(q, eni.id);
      let w = where.get(name);
      if (w === undefined) where.set(name, (w = [-1, -1]));
      w[side] = classOf.get(eni.id) ?? -1;
    }
  });
  for (const [name, [b, a]] of where) {
    const key = `${b},${a}`;
    let j = joint.get(key);
    if (j === undefined) joint.set(key, (j = { b, a, names: [] }));
    j.names.push(name);
  }
  // in order of the before side's classes, so that a column's reads are close together
  const J = [...joint.values()].sort((x, y) => x.b - y.b || x.a - y.a);
  const [vb, va] = [sides[0].view, sides[1].view];
  const [cb, ca] = canonIds;
  const changes = new Map<number, { opened: PortSummary[]; closed: PortSummary[] }>();
  const change = (x: number, y: number) => {
    const k = x * summaries.length + y;
    let c = changes.get(k);
    if (c === undefined) changes.set(k, (c = { opened: subtractSummaries(summaries[y], summaries[x]), closed: subtractSummaries(summaries[x], summaries[y]) }));
    return c;
  };
  const out: DiffEntry[] = [];
  for (const to of J) {
    const baseB = to.b * vb.n;
    const baseA = to.a * va.n;
    for (const from of J) {
      const x = to.b >= 0 && from.b >= 0 ? cb[vb.ids[baseB + from.b]] : 0;
      const y = to.a >= 0 && from.a >= 0 ? ca[va.ids[baseA + from.a]] : 0;
      if (x === y) continue;
      const c = change(x, y);
      if (c.opened.length === 0 && c.closed.length === 0) continue;
      for (const f of from.names) for (const t of to.names) if (f !== t) out.push({ from: f, to: t, opened: c.opened, closed: c.closed });
    }
  }
  // the internet as a source (IPv4): its rows keyed by their sources, as whoCanReach gives them
  if (family === 4) {
    const internet = sides.map(({ q }) => {
      const m = new Map<string, PortSummary[]>();
      for (const eni of q.reach.engine.region.networkInterfaces.values()) {
        for (const row of q.internetRows(eni)) m.set(`${nameOf(q, eni.id)}\u0000${`internet ${row.ranges?.join(',') ?? ''}`.trim()}`, row.ports);
      }
      return m;
    });
    for (const key of new Set([...internet[0].keys(), ...internet[1].keys()])) {
      const x = internet[0].get(key) ?? [];
      const y = internet[1].get(key) ?? [];
      const opened = subtractSummaries(y, x);
      const closed = subtractSummaries(x, y);
      if (opened.length || closed.length) {
        const [to, from] = key.split('\u0000');
        out.push({ from, to, opened, closed });
      }
    }
  }
  // by source, then destination, in locale order (names ranked once: a large diff has millions of entries)
  const seen = new Set<string>();
  for (const e of out) seen.add(e.from).add(e.to);
  const names = [...seen].sort((p, q) => p.localeCompare(q));
  const rank = new Map(names.map((n, k) => [n, k]));
  return out.sort((p, q) => rank.get(p.from)! - rank.get(q.from)! || rank.get(p.to)! - rank.get(q.to)!);
}
