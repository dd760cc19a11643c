// Sets of integers as sorted, disjoint, inclusive ranges. Used for port sets (0–65535), ICMP type/code
// sets, and address sets over 32-bit (number) and 128-bit (bigint) spaces.

export interface Range<T extends number | bigint = number> {
  readonly lo: T;
  readonly hi: T;
}

abstract class BaseSet<T extends number | bigint, S extends BaseSet<T, S>> {
  /** sorted, disjoint, non-adjacent ranges */
  readonly ranges: readonly Range<T>[];
  protected constructor(ranges: readonly Range<T>[]) {
    this.ranges = ranges;
  }
  protected abstract make(ranges: Range<T>[]): S;
  protected abstract succ(v: T): T;
  protected abstract pred(v: T): T;

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  has(v: T): boolean {
    const r = this.ranges;
    let lo = 0;
    let hi = r.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = r[mid];
      if (v < m.lo) hi = mid - 1;
      else if (v > m.hi) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: S): S {
    return this.make(normalize([...this.ranges, ...other.ranges], (v) => this.succ(v)));
  }

  intersect(other: S): S {
    const out: Range<T>[] = [];
    const a = this.ranges;
    const b = other.ranges;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const lo = a[i].lo > b[j].lo ? a[i].lo : b[j].lo;
      const hi = a[i].hi < b[j].hi ? a[i].hi : b[j].hi;
      if (lo <= hi) out.push({ lo, hi });
      if (a[i].hi < b[j].hi) i++;
      else j++;
    }
    return this.make(out);
  }

  subtract(other: S): S {
    const out: Range<T>[] = [];
    const b = other.ranges;
    let j = 0;
    for (const r of this.ranges) {
      let lo = r.lo;
      const hi = r.hi;
      while (j < b.length && b[j].hi < lo) j++;
      let k = j;
      let done = false;
      while (k < b.length && b[k].lo <= hi) {
        if (b[k].lo > lo) out.push({ lo, hi: this.pred(b[k].lo) });
        if (b[k].hi >= hi) {
          done = true;
          break;
        }
        lo = this.succ(b[k].hi);
        k++;
      }
      if (!done) out.push({ lo, hi });
    }
    return this.make(out);
  }

  equals(other: S): boolean {
    if (this.ranges.length !== other.ranges.length) return false;
    return this.ranges.every((r, i) => r.lo === other.ranges[i].lo && r.hi === other.ranges[i].hi);
  }

  covers(other: S): boolean {
    return other.subtract(this as unknown as S).isEmpty;
  }
}

function normalize<T extends number | bigint>(ranges: Range<T>[], succ: (v: T) => T): Range<T>[] {
  const sorted = ranges.filter((r) => r.lo <= r.hi).sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : 0));
  const out: Range<T>[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.lo <= succ(last.hi)) {
      if (r.hi > last.hi) out[out.length - 1] = { lo: last.lo, hi: r.hi };
    } else out.push({ lo: r.lo, hi: r.hi });
  }
  return out;
}

/** A set of non-negative safe integers (ports, ICMP type·256+code, IPv4 addresses). */
export class NumberSet extends BaseSet<number, NumberSet> {
  static readonly EMPTY = new NumberSet([]);
  static of(ranges: Iterable<Range<number>>): NumberSet {
    return new NumberSet(normalize([...ranges], (v) => v + 1));
  }
  static range(lo: number, hi: number): NumberSet {
    return new NumberSet(lo <= hi ? [{ lo, hi }] : []);
  }
  protected make(ranges: Range<number>[]): NumberSet {
    return new NumberSet(ranges);
  }
  protected succ(v: number): number {
    return v + 1;
  }
  protected pred(v: number): number {
    return v - 1;
  }
  size(): number {
    return this.ranges.reduce((n, r) => n + r.hi - r.lo + 1, 0);
  }
  /** `80,443,8000-8100` */
  format(): string {
    return this.ranges.map((r) => (r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`)).join(',');
  }
}

/** A set of 128-bit values (IPv6 addresses). */
export class BigSet extends BaseSet<bigint, BigSet> {
  static readonly EMPTY = new BigSet([]);
  static of(ranges: Iterable<Range<bigint>>): BigSet {
    return new BigSet(normalize([...ranges], (v) => v + 1n));
  }
  static range(lo: bigint, hi: bigint): BigSet {
    return new BigSet(lo <= hi ? [{ lo, hi }] : []);
  }
  protected make(ranges: Range<bigint>[]): BigSet {
    return new BigSet(ranges);
  }
  protected succ(v: bigint): bigint {
    return v + 1n;
  }
  protected pred(v: bigint): bigint {
    return v - 1n;
  }
}

/**
 * Index of the last boundary ≤ v in a sorted array (−1 when v is below all). The building block of every
 * compiled interval lookup: boundaries cut the space into atoms, and atom i spans [b[i], b[i+1]).
 */
export function floorIndex(boundaries: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = boundaries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (boundaries[mid] <= v) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

export function floorIndexBig(boundaries: readonly bigint[], v: bigint): number {
  let lo = 0;
  let hi = boundaries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (boundaries[mid] <= v) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}
