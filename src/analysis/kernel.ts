// The IPv4 pair kernel: what one class of interfaces can open on another, answered from a few table lookups.
//
// The traffic a source S can open on a destination D is decided by two halves that never see each other:
//   - S's half, looked up at D's address: S's egress security groups, the NACL of S's subnet (out for requests,
//     in for responses) and S's route table;
//   - D's half, looked up at S's address: D's ingress security groups, the NACL of D's subnet (in for requests,
//     out for responses) and D's route table (the way back).
// (Amazon VPC User Guide: security groups are stateful and filter at the interface; NACLs are stateless and
// filter where traffic enters or leaves a subnet, so both directions of a flow are judged; routes are chosen by
// longest prefix match on the destination.) Each half, as a function of the address it is looked up at, is
// constant over atoms of address space; per atom it is a tuple of the engine's interned port sets and verdicts,
// and equal tuples get one small number. A pair's answer then depends only on (S's half, D's half, how the two
// are joined: same subnet, same VPC, an active peering, or the internet), so it is computed once per distinct
// combination and looked up for every other pair. A destination's column is swept in address order, so sources
// whose address no ingress rule of D matches are skipped without any work.
//
// The result is exactly what Reachability.pair() answers (the same filters in the same order, from the same
// compiled tables); tests check the two against each other and against the packet engine.
import { floorIndex, NumberSet, type Family } from '../net/index.js';
import type { NetworkInterface } from '../model/types.js';
import type { CompiledGroupSet } from '../engine/policy.js';
import { PortVerdicts as PortVerdictsClass, type CompiledAcl, type PortVerdicts } from '../engine/nacl.js';
import type { CompiledRoutes } from '../engine/routing.js';
import { PortMatcher, type Table4 } from '../engine/tables.js';
import { combineProtocol, Reachability } from './reach.js';
import { summarize, summaryKey, type PortSummary } from './summary.js';

/** Address atoms: atom k spans [bounds[k], bounds[k+1]) and carries tuple id ids[k]. */
interface AtomTable {
  bounds: Float64Array;
  ids: Int32Array;
}

interface GsTable extends AtomTable {
  compiled: CompiledGroupSet | undefined;
}

interface SubnetTable extends AtomTable {
  acl: CompiledAcl;
  routes: CompiledRoutes;
}

/** A subnet's half at one address: NACL verdicts out and in per protocol, where its routes send the address. */
interface SubnetTuple {
  vpcId: string;
  out: PortVerdicts[];
  in: PortVerdicts[];
  /** `vpc:<id>` (local or an active peering), `internet` (an attached gateway), or `blocked` */
  route: string;
}

/** One class of interfaces as the kernel sees it (its first member stands for all). */
interface ClassInfo {
  members: NetworkInterface[];
  rep: NetworkInterface;
  vpc: number;
  /** the first private IPv4 address */
  priv: number;
  /** the public address its packets leave with (of the first private address), or -1 */
  srcPub: number;
  /** the public address it is reached at from another VPC (the first private address that has one), or -1 */
  dstPub: number;
  egress?: GsTable;
  ingress?: GsTable;
  subnet?: SubnetTable;
  /** the kernel's generation when the tables were last checked */
  checked: number;
  /** its side when both of its tables are one atom (the same at every address), else -1 */
  constSide: number;
  /** which halves changed when the tables were last rebuilt */
  changed: { egress: boolean; ingress: boolean };
  /** its set of groups and its subnet, as small numbers (point lookups are shared by classes with the same) */
  groupSlot: number;
  subnetSlot: number;
}

/** A distinct set of groups among the classes, for point lookups. */
interface GroupSlot {
  groups: readonly string[];
  /** its egress half over address atoms (every question looks sources' egress up: made ahead, at index) */
  egress: GsTable | undefined;
  /** for ingress lookups at one address */
  compiled: CompiledGroupSet | undefined;
}

/** A subnet among the classes, for point lookups (its NACL and routes resolved once per state change). */
interface SubnetSlot {
  subnetId: string;
  vpcId: string;
  acl: CompiledAcl | undefined;
  routes: CompiledRoutes | undefined;
}

/** How two classes are joined, part of the memo key. */
const SAME_SUBNET = 0;
const SAME_VPC = 1;
const PEERED = 2;
const VIA_INTERNET = 3;

/** a NACL verdict that allows every port (the internet's side has no NACL) */
const ALLOW_ALL = new PortVerdictsClass(Int32Array.of(0), Int32Array.of(1));

/** side ids stay below this, so destination side · 4 + join is a small integer */
const MAX_SIDES = 2 ** 28;
const CACHE_MASK = (1 << 16) - 1;
/** about 2 million answers: some 70 MiB of memo at most */
const DEFAULT_MEMO_LIMIT = 1 << 21;

/** Sources of one VPC in address order (private, or public for sources outside the destination's reach). */
interface SortedSources {
  addrs: Float64Array;
  classes: Int32Array;
}

export class PairKernel {
  /** interned answers; id 0 is "nothing" */
  readonly results: PortSummary[][] = [[]];
  private readonly resultIds = new Map<string, number>([['', 0]]);
  private readonly protocols: number[];
  private readonly spaces: NumberSet[];

  private readonly objectIds = new WeakMap<object, number>();
  private nextObjectId = 1;
  /** per security-group tuple: the allowed ports per protocol, and whether every one is empty */
  private readonly gsTuples: PortMatcher[][] = [];
  private readonly gsDead: boolean[] = [];
  private readonly subTupleIds = new Map<string, number>();
  private readonly subTuples: SubnetTuple[] = [];
  /** NACL parts of subnet tuples: verdicts out and in per protocol, interned by identity */
  private readonly aclPartIds = new Map<string, number>();
  private readonly aclParts: { out: PortVerdicts[]; in: PortVerdicts[] }[] = [];
  /** side ids by security-group tuple, then subnet tuple (small-integer keys keep the lookups fast) */
  private readonly sideIds: Map<number, number>[] = [];
  private readonly sideGs: number[] = [];
  private readonly sideSub: number[] = [];
  private readonly cacheS = new Int32Array(CACHE_MASK + 1).fill(-1);
  private readonly cacheD = new Int32Array(CACHE_MASK + 1);
  private readonly cacheR = new Int32Array(CACHE_MASK + 1);
  /** answers by source side, then destination side · 4 + join */
  private readonly memo: Map<number, number>[] = [];

  private readonly gsTables = new Map<string, GsTable>();
  private readonly subnetTables = new Map<string, SubnetTable>();
  private readonly allOpen: GsTable;

  private classes: ClassInfo[] = [];
  private vpcIndex = new Map<string, number>();
  /** joined[a * n + b]: VPCs a and b are the same or actively peered */
  private joined = new Uint8Array(0);
  private privSorted: SortedSources[] = [];
  private pubSorted: SortedSources[] = [];
  private readonly unsubscribe: () => void;
  /** bumped by every state change: class tables are checked again once per generation */
  private generation = 0;
  /**
   * Whether sources' halves come from their classes' tables (a full matrix prepared them all) or are looked up
   * at each destination's address (a question: one lookup per set of groups and per subnet, no tables to make).
   */
  private tableMode = false;
  /** pairs looked at and pairs skipped at once (for benchmarks) */
  readonly stats = { pairs: 0, skipped: 0, combinations: 0, memoClears: 0 };

  /**
   * The memo is a cache of a pure function (the same halves always give the same answer), so it can be emptied
   * at any time; it is, when it holds more than memoLimit answers. Normal use stays far below: the 10,000-interface
   * estate's full matrix needs 47,000. What makes it grow is change: every rule change brings new halves, and a
   * long-lived kernel (a server's) would otherwise keep every combination it ever saw.
   */
  readonly memoLimit: number;
  private memoEntries = 0;

  constructor(
    readonly reach: Reachability,
    opts: { memoLimit?: number } = {},
  ) {
    this.memoLimit = opts.memoLimit ?? DEFAULT_MEMO_LIMIT;
    this.protocols = reach.protocols[4];
    this.spaces = this.protocols.map((p) => Reachability.portSpace(p));
    const all = this.protocols.map(() => PortMatcher.ALL);
    this.allOpen = { bounds: Float64Array.of(0), ids: Int32Array.of(this.gsTupleId(all)), compiled: undefined };
    // compiled security groups, ACLs and routes say when they are stale (valid = false); what they do not
    // cover — peering status, gateway attachment, interfaces and their addresses — clears the subnet halves
    this.unsubscribe = reach.engine.region.onChange((e) => {
      this.generation++;
      this.points.addr = -1;
      if (e.type !== 'group-rules' && e.type !== 'group-deleted' && e.type !== 'group-members') {
        this.subnetTables.clear();
        for (const slot of this.subnetSlots) slot.acl = slot.routes = undefined;
      }
    });
  }

  dispose(): void {
    this.unsubscribe();
  }

  private get engine() {
    return this.reach.engine;
  }

  private objectId(o: object): number {
    let id = this.objectIds.get(o);
    if (id === undefined) this.objectIds.set(o, (id = this.nextObjectId++));
    return id;
  }

  private gsTupleId(matchers: PortMatcher[]): number {
    // a trie of maps over the matchers' numbers: no key string to build for each of thousands of atoms
    let node = this.gsTrie;
    for (let k = 0; k < matchers.length - 1; k++) {
      const o = this.objectId(matchers[k]);
      let next = node.get(o) as Map<number, unknown> | undefined;
      if (next === undefined) node.set(o, (next = new Map()));
      node = next;
    }
    const last = this.objectId(matchers[matchers.length - 1]);
    let id = node.get(last) as number | undefined;
    if (id === undefined) {
      id = this.gsTuples.length;
      this.gsTuples.push(matchers);
      this.gsDead.push(matchers.every((m) => m.flat.length === 0));
      node.set(last, id);
    }
    return id;
  }
  private readonly gsTrie = new Map<number, unknown>();

  private aclPartId(out: PortVerdicts[], inn: PortVerdicts[]): number {
    const key = `${out.map((v) => this.objectId(v)).join(',')}|${inn.map((v) => this.objectId(v)).join(',')}`;
    let id = this.aclPartIds.get(key);
    if (id === undefined) {
      id = this.aclParts.length;
      this.aclParts.push({ out, in: inn });
      this.aclPartIds.set(key, id);
    }
    return id;
  }

  private subTupleId(vpcId: string, route: string, aclPart: number): number {
    const key = `${vpcId}|${route}|${aclPart}`;
    let id = this.subTupleIds.get(key);
    if (id === undefined) {
      id = this.subTuples.length;
      const p = this.aclParts[aclPart];
      this.subTuples.push({ vpcId, route, out: p.out, in: p.in });
      this.subTupleIds.set(key, id);
    }
    return id;
  }

  private sideId(gs: number, sub: number): number {
    let m = this.sideIds[gs];
    if (m === undefined) m = this.sideIds[gs] = new Map();
    let id = m.get(sub);
    if (id === undefined) {
      id = this.sideGs.length;
      if (id >= MAX_SIDES) throw new Error('pair kernel: too many distinct halves');
      this.sideGs.push(gs);
      this.sideSub.push(sub);
      this.memo.push(new Map());
      m.set(sub, id);
    }
    return id;
  }

  // ------------------------------------------------------------------ the halves' tables

  /** The security-group half of a set of groups in one direction, over IPv4 address atoms. */
  private gsTable(groups: readonly string[], egress: boolean): GsTable {
    // an interface without groups has no security-group stage at all (Reachability.path)
    if (groups.length === 0) return this.allOpen;
    const key = `${egress ? 'e' : 'i'}|${groups.length === 1 ? groups[0] : [...groups].sort().join(',')}`;
    const known = this.gsTables.get(key);
    if (known !== undefined && known.compiled!.valid) return known;
    const cs = this.engine.groupSet(groups);
    const tables: Table4<PortMatcher>[] = this.protocols.map((p) => cs.table4(egress, p));
    const bounds = mergeBounds(tables.map((t) => t.bounds));
    const ids = new Int32Array(bounds.length);
    let prev = -1;
    let n = 0;
    const at = tables.map(() => 0);
    for (let k = 0; k < bounds.length; k++) {
      const id = this.gsTupleId(tables.map((t, x) => atomAt(t, at, x, bounds[k])));
      if (id === prev) continue;
      bounds[n] = bounds[k];
      ids[n++] = prev = id;
    }
    const t: GsTable = { bounds: bounds.slice(0, n), ids: ids.slice(0, n), compiled: cs };
    this.gsTables.set(key, t);
    return t;
  }

  /** The subnet half: NACL verdicts both ways and the route, over IPv4 address atoms. */
  private subnetTable(subnetId: string): SubnetTable {
    const acl = this.engine.networkAcl(subnetId);
    const routes = this.engine.routeTable(subnetId);
    const known = this.subnetTables.get(subnetId);
    if (known !== undefined && known.acl === acl && acl.valid && known.routes === routes && routes.valid) return known;
    const vpcId = this.engine.region.getSubnet(subnetId).vpcId;
    const outT = this.protocols.map((p) => acl.table4(true, p));
    const inT = this.protocols.map((p) => acl.table4(false, p));
    const bounds = mergeBounds([...outT.map((t) => t.bounds), ...inT.map((t) => t.bounds), Float64Array.from(routes.edges4())]);
    const ids = new Int32Array(bounds.length);
    let prev = -1;
    let n = 0;
    const atOut = outT.map(() => 0);
    const atIn = inT.map(() => 0);
    for (let k = 0; k < bounds.length; k++) {
      const a = bounds[k];
      const id = this.subTupleId(vpcId, this.routeAt(subnetId, a), this.aclPartId(outT.map((t, x) => atomAt(t, atOut, x, a)), inT.map((t, x) => atomAt(t, atIn, x, a))));
      if (id === prev) continue;
      bounds[n] = a;
      ids[n++] = prev = id;
    }
    const t: SubnetTable = { bounds: bounds.slice(0, n), ids: ids.slice(0, n), acl, routes };
    this.subnetTables.set(subnetId, t);
    return t;
  }

  // ------------------------------------------------------------------ classes

  /** Takes the current partition into classes (each a list of interfaces no rule tells apart). */
  setClasses(list: NetworkInterface[][]): void {
    const region = this.engine.region;
    this.vpcIndex = new Map([...region.vpcs.keys()].map((id, i) => [id, i]));
    const nv = this.vpcIndex.size;
    this.joined = new Uint8Array(nv * nv);
    const vpcIds = [...region.vpcs.keys()];
    for (let a = 0; a < nv; a++) {
      for (let b = 0; b < nv; b++) this.joined[a * nv + b] = a === b || region.activePeeringBetween(vpcIds[a], vpcIds[b]) ? 1 : 0;
    }
    this.classes = [];
    for (const members of list) {
      const rep = members[0];
      const addrs = this.engine.interfaceAddresses(rep.id);
      if (addrs.v4.length === 0) continue;
      let dstPub = -1;
      for (const p of addrs.v4) {
        const pub = addrs.publicOf.get(p);
        if (pub !== undefined) {
          dstPub = pub;
          break;
        }
      }
      const { groupSlot, subnetSlot } = this.slotsOf(rep);
      // every field set here, tables too: objects of one shape keep the sweeps' property reads monomorphic
      this.classes.push({ members, rep, vpc: this.vpcIndex.get(rep.vpcId)!, priv: addrs.v4[0], srcPub: addrs.publicOf.get(addrs.v4[0]) ?? -1, dstPub, egress: undefined, ingress: undefined, subnet: undefined, checked: -1, constSide: -1, changed: { egress: true, ingress: true }, groupSlot, subnetSlot });
    }
    if (this.groupStamp.length < this.groupSlots.length) {
      this.groupStamp = new Int32Array(this.groupSlots.length * 2).fill(-1);
      this.groupValue = new Int32Array(this.groupSlots.length * 2);
      this.egressGen = new Int32Array(this.groupSlots.length * 2).fill(-1);
      this.egressConst = new Int32Array(this.groupSlots.length * 2);
    }
    if (this.subnetStamp.length < this.subnetSlots.length) {
      this.subnetStamp = new Int32Array(this.subnetSlots.length * 2).fill(-1);
      this.subnetValue = new Int32Array(this.subnetSlots.length * 2);
    }
    // in VPC and address order, so a column's sweep visits (and the matrix stores) sources in index order
    this.classes.sort((a, b) => a.vpc - b.vpc || a.priv - b.priv);
    const sorted = (pick: (c: ClassInfo) => number): SortedSources[] => {
      const per: { addr: number; i: number }[][] = vpcIds.map(() => []);
      this.classes.forEach((c, i) => {
        const a = pick(c);
        if (a >= 0) per[c.vpc].push({ addr: a, i });
      });
      return per.map((l) => {
        l.sort((x, y) => x.addr - y.addr);
        return { addrs: Float64Array.from(l, (x) => x.addr), classes: Int32Array.from(l, (x) => x.i) };
      });
    };
    this.privSorted = sorted((c) => c.priv);
    this.pubSorted = sorted((c) => c.srcPub);
  }

  /**
   * Readies the point lookups ahead of questions: each set of groups' egress half over address atoms (a source's
   * half at any destination is then one binary search, until one of its groups changes), each subnet's NACL and
   * route table found, each NACL's part over address atoms.
   */
  index(): void {
    for (const slot of this.groupSlots) if (slot.groups.length > 0) this.egressOf(slot);
    for (const slot of this.subnetSlots) this.aclTable(this.resolveSubnet(slot).acl);
  }

  /** The classes as given to setClasses (those with an IPv4 address), in order. */
  classList(): readonly { members: NetworkInterface[] }[] {
    return this.classes;
  }

  /** Builds a class's tables, noting which halves changed since the last ones (for incremental refresh). */
  private refreshTables(c: ClassInfo): void {
    const old = { egress: c.egress, ingress: c.ingress, subnet: c.subnet };
    c.egress = this.gsTable(c.rep.groups, true);
    c.ingress = this.gsTable(c.rep.groups, false);
    c.subnet = this.subnetTable(c.rep.subnetId);
    c.constSide = c.egress.ids.length === 1 && c.subnet.ids.length === 1 ? this.sideId(c.egress.ids[0], c.subnet.ids[0]) : -1;
    const subnetChanged = !sameTable(old.subnet, c.subnet);
    c.changed = { egress: subnetChanged || !sameTable(old.egress, c.egress), ingress: subnetChanged || !sameTable(old.ingress, c.ingress) };
    c.checked = this.generation;
  }

  /** Whether a class's tables are built and still valid (without building them). */
  private hasTables(c: ClassInfo): boolean {
    if (c.egress === undefined) return false;
    if (c.checked === this.generation) return true;
    const sub = c.subnet!;
    if ((c.egress.compiled !== undefined && !c.egress.compiled.valid) || (c.ingress!.compiled !== undefined && !c.ingress!.compiled.valid) || sub !== this.subnetTables.get(c.rep.subnetId) || !sub.acl.valid || !sub.routes.valid) return false;
    c.checked = this.generation;
    return true;
  }

  private tablesOf(c: ClassInfo): void {
    if (!this.hasTables(c)) this.refreshTables(c);
  }

  /**
   * Builds (or checks) the tables of every class (the full matrix needs them all) or of some, and says which
   * classes' halves changed since they were last built: a class whose egress half did not change keeps its row,
   * one whose ingress half did not change keeps its column.
   */
  prepare(only?: Iterable<number>): Map<number, { egress: boolean; ingress: boolean }> {
    const out = new Map<number, { egress: boolean; ingress: boolean }>();
    const check = (i: number) => {
      const c = this.classes[i];
      if (this.hasTables(c)) out.set(i, { egress: false, ingress: false });
      else {
        this.refreshTables(c);
        out.set(i, c.changed);
      }
    };
    if (only === undefined) {
      for (let i = 0; i < this.classes.length; i++) check(i);
      this.tableMode = true;
    } else for (const i of only) check(i);
    return out;
  }

  /** S's half at address x: from its tables when they are built, else looked up at that one address. */
  private sourceSide(s: ClassInfo, x: number): number {
    if (!this.hasTables(s)) return this.pointSide(s, true, x);
    if (s.constSide >= 0) return s.constSide;
    const e = s.egress!;
    const sub = s.subnet!;
    return this.sideId(e.ids[e.bounds.length === 1 ? 0 : floorIndex(e.bounds, x)], sub.ids[sub.bounds.length === 1 ? 0 : floorIndex(sub.bounds, x)]);
  }

  /** Where a subnet's routes send an address, as the subnet tuple records it. */
  private routeAt(subnetId: string, addr: number): string {
    const r = this.engine.routeDecision(subnetId, 4, addr);
    return r.kind === 'vpc' ? `vpc:${r.vpcId}` : r.kind === 'internet' ? 'internet' : 'blocked';
  }

  /**
   * A class's half at one address, straight from the engine's compiled tables (one question needs no atom
   * tables). One question looks thousands of classes up at the same address: each set of groups, NACL and
   * route table is looked up once for that address (and direction), and a set of groups whose rules are the
   * same at every address (most egress sets: all traffic to 0.0.0.0/0) is never looked up again.
   */
  private pointSide(c: ClassInfo, egress: boolean, addr: number): number {
    this.pointsAt(addr, egress);
    return this.sideId(this.groupPoint(c.groupSlot, egress, addr), this.subnetPoint(c.subnetSlot, addr));
  }

  /** Makes the point lookups' memory be for one address and direction; returns its stamp. */
  private pointsAt(addr: number, egress: boolean): number {
    const pc = this.points;
    if (pc.addr !== addr || pc.egress !== egress) {
      pc.addr = addr;
      pc.egress = egress;
      pc.stamp++;
      pc.route.clear();
      pc.sub.clear();
    }
    return pc.stamp;
  }

  /** the address (and direction) point lookups are remembered for; stamp tells the slots' entries apart */
  private readonly points = { addr: -1, egress: false, stamp: 0, route: new Map<CompiledRoutes, string>(), sub: new Map<CompiledAcl, Map<CompiledRoutes, number>>() };
  private readonly groupSlotIds = new Map<string, number>();
  private readonly groupSlots: GroupSlot[] = [];
  private readonly subnetSlotIds = new Map<string, number>();
  private readonly subnetSlots: SubnetSlot[] = [];
  /** per slot: the stamp of the address its value was looked up at, and the value */
  private groupStamp = new Int32Array(0);
  private groupValue = new Int32Array(0);
  /** per group slot: its egress tuple when the same at every address (else -1), valid while egressGen = generation */
  private egressGen = new Int32Array(0);
  private egressConst = new Int32Array(0);
  private subnetStamp = new Int32Array(0);
  private subnetValue = new Int32Array(0);

  private groupPoint(k: number, egress: boolean, addr: number): number {
    if (this.groupStamp[k] === this.points.stamp) return this.groupValue[k];
    const slot = this.groupSlots[k];
    let id: number;
    // an interface without groups has no security-group stage at all (Reachability.path)
    if (slot.groups.length === 0) id = this.allOpen.ids[0];
    else if (egress) {
      const t = this.egressOf(slot);
      id = t.ids[t.bounds.length === 1 ? 0 : floorIndex(t.bounds, addr)];
      // the same at every address: no lookup until the next state change (which may change the table)
      this.egressGen[k] = this.generation;
      this.egressConst[k] = t.ids.length === 1 ? id : -1;
    } else {
      let cs = slot.compiled;
      if (cs === undefined || !cs.valid) cs = slot.compiled = this.engine.groupSet(slot.groups);
      const c = cs;
      id = this.gsTupleId(this.protocols.map((p) => c.allowedPorts(false, 4, p, addr)));
    }
    this.groupStamp[k] = this.points.stamp;
    this.groupValue[k] = id;
    return id;
  }

  /** A slot's egress table (made again after a change of one of its groups' rules). */
  private egressOf(slot: GroupSlot): GsTable {
    if (slot.egress === undefined || !slot.egress.compiled!.valid) slot.egress = this.gsTable(slot.groups, true);
    return slot.egress;
  }

  private subnetPoint(k: number, addr: number): number {
    if (this.subnetStamp[k] === this.points.stamp) return this.subnetValue[k];
    const slot = this.subnetSlots[k];
    const pc = this.points;
    const { acl, routes } = this.resolveSubnet(slot);
    // subnets share NACLs and route tables: each is looked up once per address, each pair of them made a tuple once
    let byRoutes = pc.sub.get(acl);
    if (byRoutes === undefined) pc.sub.set(acl, (byRoutes = new Map()));
    let id = byRoutes.get(routes);
    // (a route table serves subnets of its own VPC only, which the tuple records: checked all the same)
    if (id === undefined || this.subTuples[id].vpcId !== slot.vpcId) {
      const t = this.aclTable(acl);
      const part = t.ids[t.bounds.length === 1 ? 0 : floorIndex(t.bounds, addr)];
      let route = pc.route.get(routes);
      if (route === undefined) pc.route.set(routes, (route = this.routeAt(slot.subnetId, addr)));
      id = this.subTupleId(slot.vpcId, route, part);
      byRoutes.set(routes, id);
    }
    this.subnetStamp[k] = pc.stamp;
    this.subnetValue[k] = id;
    return id;
  }

  /** A NACL's part of subnet tuples (verdicts out and in per protocol) over IPv4 address atoms. */
  private aclTable(acl: CompiledAcl): AtomTable {
    let t = this.aclTables.get(acl);
    if (t === undefined) {
      const outT = this.protocols.map((p) => acl.table4(true, p));
      const inT = this.protocols.map((p) => acl.table4(false, p));
      const bounds = mergeBounds([...outT.map((x) => x.bounds), ...inT.map((x) => x.bounds)]);
      const ids = new Int32Array(bounds.length);
      const atOut = outT.map(() => 0);
      const atIn = inT.map(() => 0);
      let prev = -1;
      let n = 0;
      for (let k = 0; k < bounds.length; k++) {
        const a = bounds[k];
        const id = this.aclPartId(outT.map((x, i) => atomAt(x, atOut, i, a)), inT.map((x, i) => atomAt(x, atIn, i, a)));
        if (id === prev) continue;
        bounds[n] = a;
        ids[n++] = prev = id;
      }
      this.aclTables.set(acl, (t = { bounds: bounds.slice(0, n), ids: ids.slice(0, n) }));
    }
    return t;
  }
  /** by compiled NACL (replaced by the engine when its entries change) */
  private readonly aclTables = new WeakMap<CompiledAcl, AtomTable>();

  /** A subnet's compiled NACL and routes (resolved again after a change of either). */
  private resolveSubnet(slot: SubnetSlot): { acl: CompiledAcl; routes: CompiledRoutes } {
    if (slot.acl === undefined || !slot.acl.valid) slot.acl = this.engine.networkAcl(slot.subnetId);
    if (slot.routes === undefined || !slot.routes.valid) slot.routes = this.engine.routeTable(slot.subnetId);
    return slot as { acl: CompiledAcl; routes: CompiledRoutes };
  }

  /** The slots of a class's set of groups and subnet (made on first sight; they outlive reclassification). */
  private slotsOf(rep: NetworkInterface): { groupSlot: number; subnetSlot: number } {
    const key = rep.groups.length === 1 ? rep.groups[0] : [...rep.groups].sort().join(',');
    let groupSlot = this.groupSlotIds.get(key);
    if (groupSlot === undefined) {
      groupSlot = this.groupSlots.length;
      this.groupSlots.push({ groups: rep.groups, egress: undefined, compiled: undefined });
      this.groupSlotIds.set(key, groupSlot);
    }
    let subnetSlot = this.subnetSlotIds.get(rep.subnetId);
    if (subnetSlot === undefined) {
      subnetSlot = this.subnetSlots.length;
      this.subnetSlots.push({ subnetId: rep.subnetId, vpcId: rep.vpcId, acl: undefined, routes: undefined });
      this.subnetSlotIds.set(rep.subnetId, subnetSlot);
    }
    return { groupSlot, subnetSlot };
  }

  /** How a source class reaches a destination class: the join, and the addresses each side looks the other up at. */
  private join(s: ClassInfo, d: ClassInfo): { how: number; x: number; y: number } | undefined {
    if (this.joined[s.vpc * this.vpcIndex.size + d.vpc]) {
      return { how: s.vpc !== d.vpc ? PEERED : s.rep.subnetId === d.rep.subnetId ? SAME_SUBNET : SAME_VPC, x: d.priv, y: s.priv };
    }
    // another VPC without peering: through both internet gateways, public address to public address
    if (s.srcPub < 0 || d.dstPub < 0) return undefined;
    return { how: VIA_INTERNET, x: d.dstPub, y: s.srcPub };
  }

  /** The answer id for source class i and destination class j (0: nothing gets through). */
  cell(i: number, j: number): number {
    const s = this.classes[i];
    const d = this.classes[j];
    if (i === j && s.members.length < 2) return 0; // a class talking to itself needs two members
    const jn = this.join(s, d);
    if (jn === undefined) return 0;
    this.stats.pairs++;
    let dSide: number;
    if (this.hasTables(d)) {
      const ing = d.ingress!;
      const g = ing.ids[ing.bounds.length === 1 ? 0 : floorIndex(ing.bounds, jn.y)];
      if (this.gsDead[g]) {
        this.stats.skipped++;
        return 0;
      }
      const sub = d.subnet!;
      dSide = this.sideId(g, sub.ids[sub.bounds.length === 1 ? 0 : floorIndex(sub.bounds, jn.y)]);
    } else {
      dSide = this.pointSide(d, false, jn.y);
      if (this.gsDead[this.sideGs[dSide]]) {
        this.stats.skipped++;
        return 0;
      }
    }
    return this.answer(this.sourceSide(s, jn.x), dSide, jn.how);
  }

  /**
   * Every source class that can open something on destination class j. Sources are kept in address order, so
   * only those inside the atoms where some ingress rule of j matches are looked at (found by binary search);
   * the rest are skipped without touching them.
   */
  column(j: number, visit: (i: number, result: number) => void): void {
    const d = this.classes[j];
    this.tablesOf(d);
    const ing = d.ingress!;
    const sub = d.subnet!;
    const nv = this.vpcIndex.size;
    const gb = ing.bounds;
    const sb = sub.bounds;
    for (let v = 0; v < nv; v++) {
      const joined = this.joined[v * nv + d.vpc] === 1;
      if (!joined && d.dstPub < 0) continue;
      const list = joined ? this.privSorted[v] : this.pubSorted[v];
      const addrs = list.addrs;
      if (addrs.length === 0) continue;
      const x = joined ? d.priv : d.dstPub;
      const sameVpc = joined && v === d.vpc;
      const how0 = !joined ? VIA_INTERNET : sameVpc ? SAME_VPC : PEERED;
      const stamp = this.tableMode ? -1 : this.pointsAt(x, true);
      const gen = this.generation;
      this.stats.pairs += addrs.length;
      let skipped = addrs.length;
      // the atoms of j's ingress table that hold the first and last source
      const last = gb.length === 1 ? 0 : floorIndex(gb, addrs[addrs.length - 1]);
      for (let kg = gb.length === 1 ? 0 : floorIndex(gb, addrs[0]); kg <= last; kg++) {
        const g = ing.ids[kg];
        if (this.gsDead[g]) continue;
        const hi = kg + 1 < gb.length ? gb[kg + 1] : Infinity;
        let n = lowerBound(addrs, gb[kg]);
        let ks = sb.length === 1 ? 0 : floorIndex(sb, addrs[n] ?? 0);
        let dSide = this.sideId(g, sub.ids[ks]);
        for (; n < addrs.length && addrs[n] < hi; n++) {
          const y = addrs[n];
          const i = list.classes[n];
          const s = this.classes[i];
          skipped--;
          if (i === j && s.members.length < 2) continue;
          if (ks + 1 < sb.length && sb[ks + 1] <= y) {
            while (ks + 1 < sb.length && sb[ks + 1] <= y) ks++;
            dSide = this.sideId(g, sub.ids[ks]);
          }
          const how = sameVpc && s.subnetSlot === d.subnetSlot ? SAME_SUBNET : how0;
          let sSide: number;
          if (stamp < 0) sSide = this.sourceSide(s, x);
          else {
            // the point lookups of pointSide, with the remembered ones read here
            const gk = s.groupSlot;
            let gt = this.egressGen[gk] === gen ? this.egressConst[gk] : -1;
            if (gt < 0) gt = this.groupStamp[gk] === stamp ? this.groupValue[gk] : this.groupPoint(gk, true, x);
            const sk = s.subnetSlot;
            sSide = this.sideId(gt, this.subnetStamp[sk] === stamp ? this.subnetValue[sk] : this.subnetPoint(sk, x));
          }
          const r = this.answer(sSide, dSide, how);
          if (r !== 0) visit(i, r);
        }
      }
      this.stats.skipped += skipped;
    }
  }

  private internetSideId = -1;
  /** The internet as a source: no security group or NACL of its own, and it routes to any public address. */
  private internetSide(): number {
    if (this.internetSideId < 0) {
      const allow = this.protocols.map(() => ALLOW_ALL);
      this.internetSideId = this.sideId(this.allOpen.ids[0], this.subTupleId('(internet)', 'internet', this.aclPartId(allow, allow)));
    }
    return this.internetSideId;
  }

  /**
   * What the internet can open on destination class j: the given internet ranges cut at every edge of j's
   * ingress and subnet tables, each piece with its answer (adjacent pieces with one answer merged). Empty when
   * j has no public address or its VPC no attached internet gateway.
   */
  internetAtoms(j: number, internet: NumberSet): { lo: number; hi: number; result: number }[] {
    const d = this.classes[j];
    const out: { lo: number; hi: number; result: number }[] = [];
    if (d.dstPub < 0 || !this.engine.region.attachedInternetGateway(d.rep.vpcId)) return out;
    this.tablesOf(d);
    const ing = d.ingress!;
    const sub = d.subnet!;
    const src = this.internetSide();
    for (const range of internet.ranges) {
      let kg = floorIndex(ing.bounds, range.lo);
      let ks = floorIndex(sub.bounds, range.lo);
      let lo = range.lo;
      while (lo <= range.hi) {
        const nextG = kg + 1 < ing.bounds.length ? ing.bounds[kg + 1] : Infinity;
        const nextS = ks + 1 < sub.bounds.length ? sub.bounds[ks + 1] : Infinity;
        const hi = Math.min(range.hi, Math.min(nextG, nextS) - 1);
        const g = ing.ids[kg];
        if (!this.gsDead[g]) {
          const r = this.answer(src, this.sideId(g, sub.ids[ks]), VIA_INTERNET);
          if (r !== 0) {
            const last = out[out.length - 1];
            if (last !== undefined && last.result === r && last.hi + 1 === lo) last.hi = hi;
            else out.push({ lo, hi, result: r });
          }
        }
        if (hi === nextG - 1) kg++;
        if (hi === nextS - 1) ks++;
        lo = hi + 1;
      }
    }
    return out;
  }

  /** Every destination class source class i can open something on. */
  row(i: number, visit: (j: number, result: number) => void): void {
    for (let j = 0; j < this.classes.length; j++) {
      const r = this.cell(i, j);
      if (r !== 0) visit(j, r);
    }
  }

  /** The answer for a source half, a destination half and their join, computed once per combination. */
  private answer(sSide: number, dSide: number, how: number): number {
    // a direct-mapped cache in front of the memo: most lookups repeat a recent combination
    const dk = dSide * 4 + how;
    const slot = ((Math.imul(sSide, 0x9e3779b1) ^ Math.imul(dk, 0x85ebca6b)) >>> 0) & CACHE_MASK;
    if (this.cacheS[slot] === sSide && this.cacheD[slot] === dk) return this.cacheR[slot];
    const r = this.answerSlow(sSide, dSide, how);
    this.cacheS[slot] = sSide;
    this.cacheD[slot] = dk;
    this.cacheR[slot] = r;
    return r;
  }

  private answerSlow(sSide: number, dSide: number, how: number): number {
    const m = this.memo[sSide];
    const key = dSide * 4 + how;
    let r = m.get(key);
    if (r === undefined) {
      r = this.compute(sSide, dSide, how);
      this.stats.combinations++;
      if (this.memoEntries >= this.memoLimit) this.clearMemo();
      m.set(key, r);
      this.memoEntries++;
    }
    return r;
  }

  /** Answers remembered by the memo (at most memoLimit). */
  get memoSize(): number {
    return this.memoEntries;
  }

  /** Forgets every remembered combination (they are computed again when next asked). */
  private clearMemo(): void {
    for (const m of this.memo) m.clear();
    this.cacheS.fill(-1);
    this.forwardMemo.clear();
    this.memoEntries = 0;
    this.stats.memoClears++;
  }

  /** The request's ports through S's egress and D's ingress groups, per protocol (per pair of group tuples). */
  private groupsForward(sGs: number, dGs: number, sg: PortMatcher[], dg: PortMatcher[]): NumberSet[] {
    let m = this.forwardMemo.get(sGs);
    if (m === undefined) this.forwardMemo.set(sGs, (m = new Map()));
    let f = m.get(dGs);
    if (f === undefined) m.set(dGs, (f = this.spaces.map((space, k) => meet(meet(space, sg[k].toSet()), dg[k].toSet()))));
    return f;
  }
  private readonly forwardMemo = new Map<number, Map<number, NumberSet[]>>();

  private compute(sSide: number, dSide: number, how: number): number {
    const sg = this.gsTuples[this.sideGs[sSide]];
    const ss = this.subTuples[this.sideSub[sSide]];
    const dg = this.gsTuples[this.sideGs[dSide]];
    const ds = this.subTuples[this.sideSub[dSide]];
    // the request must be routed to the destination and the response back to the source
    if (how === VIA_INTERNET ? ss.route !== 'internet' || ds.route !== 'internet' : ss.route !== `vpc:${ds.vpcId}` || ds.route !== `vpc:${ss.vpcId}`) return 0;
    const crosses = how !== SAME_SUBNET;
    const sgFwd = this.groupsForward(this.sideGs[sSide], this.sideGs[dSide], sg, dg);
    const list = this.protocols.map((p, k) => {
      // request: S egress, S's NACL out, D's NACL in, D ingress (NACLs only when the subnets differ)
      let fwd = sgFwd[k];
      if (crosses && !fwd.isEmpty) fwd = meet(meet(fwd, ss.out[k].allowed()), ds.in[k].allowed());
      // response: security groups let it through (stateful); D's NACL out and S's NACL in judge it
      const back = crosses ? meet(meet(this.spaces[k], ds.out[k].allowed()), ss.in[k].allowed()) : this.spaces[k];
      return combineProtocol(p, fwd, back, this.reach.ephemeralSet);
    });
    const summary = summarize(list);
    const key = summaryKey(summary);
    let id = this.resultIds.get(key);
    if (id === undefined) {
      id = this.results.length;
      this.results.push(summary);
      this.resultIds.set(key, id);
    }
    return id;
  }
}

/**
 * The value of table x at address a, for addresses asked in ascending order: at[x] remembers where the last
 * answer was, so walking all atoms costs one pass (and no lookup index is needed).
 */
function atomAt<V>(t: Table4<V>, at: number[], x: number, a: number): V {
  let k = at[x];
  const b = t.bounds;
  while (k + 1 < b.length && b[k + 1] <= a) k++;
  at[x] = k;
  return t.values[k];
}

/** a ∩ b, without making a set when one side is every port (0–65535) or nothing. */
function meet(a: NumberSet, b: NumberSet): NumberSet {
  if (a === b || isAllPorts(b) || a.isEmpty) return a;
  if (isAllPorts(a) || b.isEmpty) return b;
  return a.intersect(b);
}

function isAllPorts(s: NumberSet): boolean {
  const r = s.ranges;
  return r.length === 1 && r[0].lo === 0 && r[0].hi === 65535;
}

/** Whether two atom tables are the same function of the address. */
function sameTable(a: AtomTable | undefined, b: AtomTable | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.ids.length !== b.ids.length) return false;
  for (let k = 0; k < a.ids.length; k++) if (a.ids[k] !== b.ids[k] || a.bounds[k] !== b.bounds[k]) return false;
  return true;
}

/** The first index whose value is ≥ v (a.length when none is). */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The sorted union of several ascending boundary lists (each starting at 0). */
function mergeBounds(lists: ArrayLike<number>[]): Float64Array {
  const all = new Set<number>([0]);
  for (const l of lists) for (let k = 0; k < l.length; k++) all.add(l[k]);
  return Float64Array.from([...all].sort((a, b) => a - b));
}

export type { Family };
