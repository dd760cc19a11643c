// The all-pairs matrix over classes of interfaces, kept up to date incrementally: a rule change recomputes
// only the rows and columns of the classes holding the group (or naming it), everything else stays.
import type { Family } from '../net/index.js';
import type { NetworkInterface } from '../model/types.js';
import type { StateEvent } from '../state/region.js';
import type { Reachability } from './reach.js';
import type { PortSummary } from './questions.js';

export interface MatrixClass {
  key: string;
  members: NetworkInterface[];
  groups: ReadonlySet<string>;
}

export interface MatrixStats {
  classes: number;
  cellsComputed: number;
  quickRejects: number;
}

export class ReachMatrix {
  private classList: MatrixClass[] = [];
  /** row (source class) -> column (destination class) -> ports; only non-empty cells are stored */
  private cells: Map<number, PortSummary[]>[] = [];
  private dirtyRows = new Set<number>();
  private dirtyCols = new Set<number>();
  private stale = true;
  private version = -1;
  private readonly unsubscribe: () => void;
  readonly stats: MatrixStats = { classes: 0, cellsComputed: 0, quickRejects: 0 };

  constructor(
    private readonly reach: Reachability,
    private readonly classesOf: () => Map<string, NetworkInterface[]>,
    /** changes whenever the partition into classes changes */
    private readonly classesVersion: () => number,
    private readonly summarizePair: (src: NetworkInterface, dst: NetworkInterface) => PortSummary[],
    readonly family: Family = 4,
  ) {
    this.unsubscribe = reach.engine.region.onChange((e) => this.onStateEvent(e));
  }

  dispose(): void {
    this.unsubscribe();
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

  private rebuild(): void {
    this.version = this.classesVersion();
    this.classList = [...this.classesOf()].map(([key, members]) => ({ key, members, groups: new Set(members[0].groups) }));
    this.cells = this.classList.map(() => new Map());
    this.dirtyRows = new Set(this.classList.map((_, i) => i));
    this.dirtyCols.clear();
    this.stale = false;
    this.stats.classes = this.classList.length;
  }

  private cell(i: number, j: number): PortSummary[] {
    const srcs = this.classList[i].members;
    const dst = this.classList[j].members[0];
    // a class talking to itself needs two members
    const src = i === j ? srcs[1] : srcs[0];
    if (!src) return [];
    const seen = this.reach.seenSource(src, dst, this.family);
    if (seen === undefined || !this.reach.ingressPossible(dst, this.family, seen)) {
      this.stats.quickRejects++;
      return [];
    }
    this.stats.cellsComputed++;
    return this.summarizePair(src, dst);
  }

  /** Brings the matrix up to date (recomputing only dirty rows and columns) and returns it. */
  refresh(): { classes: MatrixClass[]; cells: Map<number, PortSummary[]>[] } {
    if (this.stale || this.version !== this.classesVersion()) this.rebuild();
    const n = this.classList.length;
    for (const i of this.dirtyRows) {
      const row = new Map<number, PortSummary[]>();
      for (let j = 0; j < n; j++) {
        const c = this.cell(i, j);
        if (c.length) row.set(j, c);
      }
      this.cells[i] = row;
    }
    for (const j of this.dirtyCols) {
      for (let i = 0; i < n; i++) {
        if (this.dirtyRows.has(i)) continue;
        const c = this.cell(i, j);
        if (c.length) this.cells[i].set(j, c);
        else this.cells[i].delete(j);
      }
    }
    this.dirtyRows.clear();
    this.dirtyCols.clear();
    return { classes: this.classList, cells: this.cells };
  }
}
