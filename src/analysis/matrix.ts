// The all-pairs matrix over classes of interfaces, kept up to date incrementally: a rule change recomputes
// only the rows and columns of the classes holding the group, everything else stays.
import type { Family } from '../net/index.js';
import type { NetworkInterface } from '../model/types.js';
import type { StateEvent } from '../state/region.js';
import type { Reachability } from './reach.js';
import { summarize, summaryKey, type PortSummary } from './summary.js';

export interface MatrixClass {
  members: NetworkInterface[];
  groups: ReadonlySet<string>;
}

export interface MatrixStats {
  classes: number;
  /** pairs of classes looked at, and those skipped at once (no ingress rule matches the source's address) */
  pairs: number;
  skipped: number;
  /** distinct combinations actually computed */
  combinations: number;
}

/** Where the matrix gets its cells: answer ids (0 = nothing) into `results`. */
export interface CellSource {
  readonly results: PortSummary[][];
  readonly stats: { pairs: number; skipped: number; combinations: number };
  setClasses(list: NetworkInterface[][]): void;
  /** readies every class (or some) for a pass; says per class which halves changed since they were last readied */
  prepare(only?: Iterable<number>): Map<number, { egress: boolean; ingress: boolean }>;
  classList(): readonly { members: NetworkInterface[] }[];
  cell(i: number, j: number): number;
  column(j: number, visit: (i: number, result: number) => void): void;
  row(i: number, visit: (j: number, result: number) => void): void;
  dispose(): void;
}

/** Cells pair by pair from Reachability.pair (used for IPv6, which the IPv4 kernel does not cover). */
export class PairwiseCells implements CellSource {
  readonly results: PortSummary[][] = [[]];
  private readonly ids = new Map<string, number>([['', 0]]);
  private list: NetworkInterface[][] = [];
  readonly stats = { pairs: 0, skipped: 0, combinations: 0 };
  constructor(
    private readonly reach: Reachability,
    private readonly family: Family,
  ) {}
  setClasses(list: NetworkInterface[][]): void {
    this.list = list;
  }
  prepare(only?: Iterable<number>): Map<number, { egress: boolean; ingress: boolean }> {
    const out = new Map<number, { egress: boolean; ingress: boolean }>();
    for (const i of only ?? this.list.keys()) out.set(i, { egress: true, ingress: true });
    return out;
  }
  classList(): readonly { members: NetworkInterface[] }[] {
    return this.list.map((members) => ({ members }));
  }
  cell(i: number, j: number): number {
    const srcs = this.list[i];
    const dst = this.list[j][0];
    const src = i === j ? srcs[1] : srcs[0];
    if (!src) return 0;
    this.stats.pairs++;
    const seen = this.reach.seenSource(src, dst, this.family);
    if (seen === undefined || !this.reach.ingressPossible(dst, this.family, seen)) {
      this.stats.skipped++;
      return 0;
    }
    this.stats.combinations++;
    const p = this.reach.pair(src.id, dst.id, this.family);
    const s = p ? summarize(p.protocols) : [];
    const key = summaryKey(s);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.results.length;
      this.results.push(s);
      this.ids.set(key, id);
    }
    return id;
  }
  column(j: number, visit: (i: number, result: number) => void): void {
    for (let i = 0; i < this.list.length; i++) {
      const r = this.cell(i, j);
      if (r !== 0) visit(i, r);
    }
  }
  row(i: number, visit: (j: number, result: number) => void): void {
    for (let j = 0; j < this.list.length; j++) {
      const r = this.cell(i, j);
      if (r !== 0) visit(j, r);
    }
  }
  dispose(): void {}
}

/** The matrix's answers: ids[j * n + i] is the answer id of source class i to destination class j (0: nothing). */
export interface MatrixView {
  classes: MatrixClass[];
  n: number;
  ids: Uint16Array | Uint32Array;
  results: PortSummary[][];
}

export class ReachMatrix {
  private classList: MatrixClass[] = [];
  /**
   * Dense n × n answer ids. Dense on purpose: a large estate has millions of non-empty cells, which as maps or
   * objects cost seconds of allocation and garbage collection; two bytes per cell cost 86 MB at 6,500 classes,
   * and a row or column is rewritten in place when a change touches it. Column-major, as columns are computed.
   */
  private ids: Uint16Array | Uint32Array = new Uint16Array(0);
  private dirtyRows = new Set<number>();
  private dirtyCols = new Set<number>();
  private stale = true;
  private version = -1;
  private readonly unsubscribe: () => void;
  readonly stats: MatrixStats = { classes: 0, pairs: 0, skipped: 0, combinations: 0 };

  constructor(
    private readonly reach: Reachability,
    private readonly classesOf: () => Map<string, NetworkInterface[]>,
    /** changes whenever the partition into classes changes */
    private readonly classesVersion: () => number,
    private readonly source: CellSource,
    readonly family: Family = 4,
  ) {
    this.unsubscribe = reach.engine.region.onChange((e) => this.onStateEvent(e));
  }

  dispose(): void {
    this.unsubscribe();
    this.source.dispose();
  }

  private onStateEvent(e: StateEvent): void {
    if (this.stale) return;
    const region = this.reach.engine.region;
    if (e.type === 'group-rules' || e.type === 'group-deleted') {
      this.markGroups(new Set([e.groupId]));
    } else if (e.type === 'group-members') {
      // a membership change moves an interface between classes: rebuild; rules naming the group change too
      this.stale = true;
    } else if (e.type === 'prefix-list') {
      const owners = new Set<string>();
      for (const r of region.securityGroupRules.values()) if (r.peer.kind === 'prefixList' && r.peer.prefixListId === e.prefixListId) owners.add(r.groupId);
      this.markGroups(owners);
      this.stale = true; // prefix lists also cut address atoms of classes
    } else {
      this.stale = true;
    }
  }

  private markGroups(groups: Set<string>): void {
    this.classList.forEach((c, i) => {
      for (const g of groups) {
        if (c.groups.has(g)) {
          this.dirtyRows.add(i);
          this.dirtyCols.add(i);
          return;
        }
      }
    });
  }

  /** Stores an answer id, widening the store the day there are more than 65,535 distinct answers. */
  private put(k: number, r: number): void {
    if (r > 0xffff && this.ids instanceof Uint16Array) this.ids = Uint32Array.from(this.ids);
    this.ids[k] = r;
  }

  private rebuild(): void {
    this.version = this.classesVersion();
    this.source.setClasses([...this.classesOf().values()]);
    this.classList = this.source.classList().map((c) => ({ members: c.members, groups: new Set(c.members[0].groups) }));
    const n = this.classList.length;
    this.source.prepare();
    this.ids = new Uint16Array(n * n);
    for (let j = 0; j < n; j++) {
      const base = j * n;
      this.source.column(j, (i, r) => this.put(base + i, r));
    }
    this.dirtyRows.clear();
    this.dirtyCols.clear();
    this.stale = false;
  }

  /** Brings the matrix up to date (recomputing only dirty rows and columns) and returns it. */
  refresh(): MatrixView {
    if (this.stale || this.version !== this.classesVersion()) this.rebuild();
    const n = this.classList.length;
    if (this.dirtyRows.size > 0 || this.dirtyCols.size > 0) {
      // a class keeps its row when its egress half did not change, its column when its ingress half did not
      // (a rule change invalidates the tables of exactly the classes holding the group: the dirty ones)
      const changed = this.source.prepare(new Set([...this.dirtyRows, ...this.dirtyCols]));
      for (const i of this.dirtyRows) if (!changed.get(i)!.egress) this.dirtyRows.delete(i);
      for (const j of this.dirtyCols) if (!changed.get(j)!.ingress) this.dirtyCols.delete(j);
    }
    for (const i of this.dirtyRows) {
      for (let j = 0; j < n; j++) this.ids[j * n + i] = 0;
      this.source.row(i, (j, r) => this.put(j * n + i, r));
    }
    for (const j of this.dirtyCols) {
      for (let i = 0; i < n; i++) if (!this.dirtyRows.has(i)) this.ids[j * n + i] = 0;
      this.source.column(j, (i, r) => {
        if (!this.dirtyRows.has(i)) this.put(j * n + i, r);
      });
    }
    this.dirtyRows.clear();
    this.dirtyCols.clear();
    const st = this.source.stats;
    Object.assign(this.stats, { classes: n, pairs: st.pairs, skipped: st.skipped, combinations: st.combinations });
    return { classes: this.classList, n, ids: this.ids, results: this.source.results };
  }
}
