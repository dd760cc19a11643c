// Compiled interval tables: an address space cut into atoms at every rule edge, each atom carrying one
// shared value. A lookup is a binary search, whatever the number of rules behind it.
import { floorIndex, floorIndexBig, IPV4_MAX, IPV6_MAX, NumberSet } from '../net/index.js';

/** A set of ports (or ICMP type·256+code keys) as flat [lo, hi, lo, hi, …] for quick membership tests. */
export class PortMatcher {
  static readonly ALL = new PortMatcher(new Int32Array([0, 65535]));
  static readonly NONE = new PortMatcher(new Int32Array([]));
  readonly all: boolean;
  constructor(readonly flat: Int32Array) {
    this.all = flat.length === 2 && flat[0] === 0 && flat[1] === 65535;
  }
  static of(set: NumberSet): PortMatcher {
    const flat = new Int32Array(set.ranges.length * 2);
    set.ranges.forEach((r, i) => {
      flat[2 * i] = r.lo;
      flat[2 * i + 1] = r.hi;
    });
    return new PortMatcher(flat);
  }
  has(p: number): boolean {
    if (this.all) return true;
    const f = this.flat;
    const n = f.length;
    if (n <= 16) {
      for (let i = 0; i < n; i += 2) if (p >= f[i] && p <= f[i + 1]) return true;
      return false;
    }
    let lo = 0;
    let hi = (n >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (p < f[2 * mid]) hi = mid - 1;
      else if (p > f[2 * mid + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  }
  private set: NumberSet | undefined;
  /** the same ports as a NumberSet (computed once: matchers are shared and immutable) */
  toSet(): NumberSet {
    if (this.set !== undefined) return this.set;
    const r = [];
    for (let i = 0; i < this.flat.length; i += 2) r.push({ lo: this.flat[i], hi: this.flat[i + 1] });
    return (this.set = NumberSet.of(r));
  }
}

/** Interns equal values so that atoms with the same value share one object (and memory stays small). */
export class Interner<V> {
  private readonly map = new Map<string, V>();
  get(key: string, make: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) this.map.set(key, (v = make()));
    return v;
  }
}

export interface Item<A extends number | bigint, P> {
  lo: A;
  hi: A;
  payload: P;
}

export interface Table4<V> {
  /** atom i spans [bounds[i], bounds[i+1]) */
  bounds: Float64Array;
  values: V[];
  /**
   * A direct index over the densest stretch of address space (where group references put thousands of /32
   * members side by side): the atom of an address there is one array read instead of a binary search.
   */
  dense?: { base: number; end: number; atoms: Int32Array };
  /** for large tables: top[h] is the atom holding address h·65536, so a search looks only within one /16 */
  top?: Int32Array;
  /** whether top and dense (when worth having) are built; they are made on the first lookup */
  indexed: boolean;
}

function topIndex(bounds: Float64Array): Int32Array {
  const top = new Int32Array(65537);
  let k = 0;
  for (let h = 0; h <= 65536; h++) {
    const a = h * 65536;
    while (k + 1 < bounds.length && bounds[k + 1] <= a) k++;
    top[h] = k;
  }
  return top;
}

/** Build a dense index when this many boundaries fall within DENSE_SPAN addresses. */
const DENSE_MIN_BOUNDS = 512;
const DENSE_SPAN = 1 << 18;

function denseIndex(bounds: Float64Array): Table4<unknown>['dense'] {
  if (bounds.length < DENSE_MIN_BOUNDS) return undefined;
  // the window of DENSE_SPAN addresses holding the most boundaries
  let best = 0;
  let bestI = 0;
  for (let i = 0, j = 0; i < bounds.length; i++) {
    while (j < bounds.length && bounds[j] - bounds[i] < DENSE_SPAN) j++;
    if (j - i > best) {
      best = j - i;
      bestI = i;
    }
  }
  if (best < DENSE_MIN_BOUNDS) return undefined;
  const base = bounds[bestI];
  const end = Math.min(base + DENSE_SPAN, 0x100000000);
  const atoms = new Int32Array(end - base);
  let k = bestI;
  for (let a = base; a < end; a++) {
    while (k + 1 < bounds.length && bounds[k + 1] <= a) k++;
    atoms[a - base] = k;
  }
  return { base, end, atoms };
}
export interface Table6<V> {
  bounds: bigint[];
  values: V[];
}

/**
 * Builds an atom table from items over [0, max]: each atom's value is `combine` of the payloads of the items
 * covering it (in item order, so first-match semantics can be kept). Adjacent atoms with the same value (by
 * identity) are merged.
 */
function buildGeneric<A extends number | bigint, P, V>(
  items: Item<A, P>[],
  zero: A,
  max: A,
  next: (a: A) => A,
  combine: (payloads: P[]) => V,
): { bounds: A[]; values: V[] } {
  const pts = new Set<A>([zero]);
  for (const it of items) {
    pts.add(it.lo);
    if (it.hi < max) pts.add(next(it.hi));
  }
  const bounds = [...pts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const index = new Map<A, number>();
  bounds.forEach((b, i) => index.set(b, i));
  const covering: number[][] = bounds.map(() => []);
  items.forEach((it, k) => {
    const from = index.get(it.lo)!;
    const to = it.hi < max ? index.get(next(it.hi))! : bounds.length;
    for (let i = from; i < to; i++) covering[i].push(k);
  });
  const outB: A[] = [];
  const outV: V[] = [];
  for (let i = 0; i < bounds.length; i++) {
    const v = combine(covering[i].map((k) => items[k].payload));
    if (outV.length > 0 && outV[outV.length - 1] === v) continue;
    outB.push(bounds[i]);
    outV.push(v);
  }
  return { bounds: outB, values: outV };
}

export function buildTable4<P, V>(items: Item<number, P>[], combine: (payloads: P[]) => V): Table4<V> {
  const t = buildGeneric<number, P, V>(items, 0, IPV4_MAX, (a) => a + 1, combine);
  const bounds = Float64Array.from(t.bounds);
  return { bounds, values: t.values, indexed: bounds.length < DENSE_MIN_BOUNDS };
}

/**
 * The lookup indexes of a large table, built on its first lookup: analyses read a table's atoms in order and
 * never need them, and the dense index of a table of group members costs a megabyte.
 */
function indexTable<V>(t: Table4<V>): void {
  t.indexed = true;
  t.top = topIndex(t.bounds);
  const dense = denseIndex(t.bounds);
  if (dense) t.dense = dense;
}

export function buildTable6<P, V>(items: Item<bigint, P>[], combine: (payloads: P[]) => V): Table6<V> {
  return buildGeneric<bigint, P, V>(items, 0n, IPV6_MAX, (a) => a + 1n, combine);
}

export function lookup4<V>(t: Table4<V>, addr: number): V {
  if (!t.indexed) indexTable(t);
  const d = t.dense;
  if (d !== undefined && addr >= d.base && addr < d.end) return t.values[d.atoms[addr - d.base]];
  const top = t.top;
  if (top !== undefined) {
    // the floor lies between the atoms of this /16's start and the next /16's start
    const h = addr >>> 16;
    let lo = top[h];
    let hi = top[h + 1];
    const b = t.bounds;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (b[mid] <= addr) lo = mid;
      else hi = mid - 1;
    }
    return t.values[lo];
  }
  return t.values[floorIndex(t.bounds, addr)];
}

export function lookup6<V>(t: Table6<V>, addr: bigint): V {
  return t.values[floorIndexBig(t.bounds, addr)];
}
