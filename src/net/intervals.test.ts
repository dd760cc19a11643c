import { describe, it, expect } from 'vitest';
import { BigSet, NumberSet, floorIndex, floorIndexBig, type Range } from './intervals.js';

const ns = (...rs: [number, number][]): NumberSet => NumberSet.of(rs.map(([lo, hi]) => ({ lo, hi })));
const bs = (...rs: [bigint, bigint][]): BigSet => BigSet.of(rs.map(([lo, hi]) => ({ lo, hi })));
const plain = <T extends number | bigint>(s: { ranges: readonly Range<T>[] }): [T, T][] =>
  s.ranges.map((r) => [r.lo, r.hi]);

describe('NumberSet construction', () => {
  it('of() sorts, merges overlapping ranges and drops inverted ones', () => {
    expect(plain(ns([10, 20], [1, 5], [15, 30], [40, 39]))).toEqual([
      [1, 5],
      [10, 30],
    ]);
  });

  it('of() merges adjacent ranges: 1-2 and 3-4 become 1-4', () => {
    expect(plain(ns([1, 2], [3, 4]))).toEqual([[1, 4]]);
    expect(plain(ns([3, 4], [1, 2]))).toEqual([[1, 4]]);
  });

  it('of() keeps ranges separated by a one-value gap apart', () => {
    expect(plain(ns([1, 2], [4, 5]))).toEqual([
      [1, 2],
      [4, 5],
    ]);
  });

  it('of() absorbs a range contained in an earlier one', () => {
    expect(plain(ns([1, 100], [5, 6], [50, 60]))).toEqual([[1, 100]]);
  });

  it('range(lo, hi) with lo > hi is empty', () => {
    expect(NumberSet.range(5, 4).isEmpty).toBe(true);
    expect(NumberSet.range(5, 5).isEmpty).toBe(false);
  });

  it('EMPTY and of([]) are empty with size 0 and empty format', () => {
    expect(NumberSet.EMPTY.isEmpty).toBe(true);
    expect(NumberSet.of([]).isEmpty).toBe(true);
    expect(NumberSet.EMPTY.size()).toBe(0);
    expect(NumberSet.EMPTY.format()).toBe('');
    expect(NumberSet.EMPTY.equals(NumberSet.of([]))).toBe(true);
  });
});

describe('NumberSet operations', () => {
  it('has() tests membership at range edges and in gaps', () => {
    const s = ns([80, 80], [443, 443], [8000, 8100]);
    for (const v of [80, 443, 8000, 8050, 8100]) expect(s.has(v)).toBe(true);
    for (const v of [0, 79, 81, 442, 444, 7999, 8101, 65535]) expect(s.has(v)).toBe(false);
    expect(NumberSet.EMPTY.has(0)).toBe(false);
  });

  it('format() renders singletons and ranges: 80,443,8000-8100', () => {
    expect(ns([8000, 8100], [443, 443], [80, 80]).format()).toBe('80,443,8000-8100');
    expect(NumberSet.range(0, 65535).format()).toBe('0-65535');
    expect(NumberSet.range(0, 0).format()).toBe('0');
  });

  it('size() counts members', () => {
    expect(ns([80, 80], [443, 443], [8000, 8100]).size()).toBe(103);
    expect(NumberSet.range(0, 65535).size()).toBe(65536);
  });

  it('union merges overlapping and adjacent ranges', () => {
    expect(plain(ns([1, 2]).union(ns([3, 4])))).toEqual([[1, 4]]);
    expect(plain(ns([1, 5]).union(ns([3, 10])))).toEqual([[1, 10]]);
    expect(ns([80, 80]).union(ns([443, 443])).union(ns([8000, 8100])).format()).toBe('80,443,8000-8100');
    expect(plain(ns([1, 2], [10, 11]).union(ns([3, 9])))).toEqual([[1, 11]]);
  });

  it('union with the empty set is the identity', () => {
    const s = ns([1, 5], [9, 9]);
    expect(s.union(NumberSet.EMPTY).equals(s)).toBe(true);
    expect(NumberSet.EMPTY.union(s).equals(s)).toBe(true);
    expect(NumberSet.EMPTY.union(NumberSet.EMPTY).isEmpty).toBe(true);
  });

  it('intersect keeps only common members', () => {
    expect(plain(ns([1, 10]).intersect(ns([5, 15])))).toEqual([[5, 10]]);
    expect(plain(ns([1, 10], [20, 30]).intersect(ns([5, 25])))).toEqual([
      [5, 10],
      [20, 25],
    ]);
    expect(plain(ns([1, 10]).intersect(ns([10, 20])))).toEqual([[10, 10]]);
    expect(ns([1, 10]).intersect(ns([11, 20])).isEmpty).toBe(true);
    expect(plain(ns([0, 100]).intersect(ns([5, 5], [7, 9], [50, 200])))).toEqual([
      [5, 5],
      [7, 9],
      [50, 100],
    ]);
  });

  it('intersect with the empty set is empty', () => {
    expect(ns([1, 10]).intersect(NumberSet.EMPTY).isEmpty).toBe(true);
    expect(NumberSet.EMPTY.intersect(ns([1, 10])).isEmpty).toBe(true);
  });

  it('subtract punches holes and trims edges', () => {
    expect(plain(ns([0, 65535]).subtract(ns([22, 22])))).toEqual([
      [0, 21],
      [23, 65535],
    ]);
    expect(plain(ns([1, 10]).subtract(ns([1, 3])))).toEqual([[4, 10]]);
    expect(plain(ns([1, 10]).subtract(ns([8, 20])))).toEqual([[1, 7]]);
    expect(plain(ns([1, 10], [20, 30]).subtract(ns([5, 25])))).toEqual([
      [1, 4],
      [26, 30],
    ]);
    expect(plain(ns([1, 20]).subtract(ns([3, 4], [7, 8], [15, 30])))).toEqual([
      [1, 2],
      [5, 6],
      [9, 14],
    ]);
  });

  it('subtract of a superset is empty; subtract of the empty set is the identity', () => {
    expect(ns([5, 10]).subtract(ns([0, 100])).isEmpty).toBe(true);
    expect(ns([5, 10]).subtract(ns([5, 10])).isEmpty).toBe(true);
    const s = ns([5, 10], [20, 20]);
    expect(s.subtract(NumberSet.EMPTY).equals(s)).toBe(true);
    expect(NumberSet.EMPTY.subtract(s).isEmpty).toBe(true);
  });

  it('subtract of disjoint ranges leaves the set unchanged', () => {
    const s = ns([10, 20], [30, 40]);
    expect(s.subtract(ns([0, 9], [21, 29], [41, 50])).equals(s)).toBe(true);
  });

  it('covers() is the superset test', () => {
    const all = NumberSet.range(0, 65535);
    const web = ns([80, 80], [443, 443]);
    expect(all.covers(web)).toBe(true);
    expect(web.covers(all)).toBe(false);
    expect(web.covers(web)).toBe(true);
    expect(web.covers(ns([80, 81]))).toBe(false);
    expect(ns([1, 2], [3, 4]).covers(ns([2, 3]))).toBe(true);
    expect(ns([1, 2], [4, 5]).covers(ns([2, 4]))).toBe(false);
  });

  it('every set covers the empty set; the empty set covers only the empty set', () => {
    expect(ns([1, 1]).covers(NumberSet.EMPTY)).toBe(true);
    expect(NumberSet.EMPTY.covers(NumberSet.EMPTY)).toBe(true);
    expect(NumberSet.EMPTY.covers(ns([1, 1]))).toBe(false);
  });

  it('equals() compares normalised ranges, not construction history', () => {
    expect(ns([1, 2], [3, 4]).equals(ns([1, 4]))).toBe(true);
    expect(ns([1, 4]).equals(ns([1, 5]))).toBe(false);
    expect(ns([1, 4]).equals(ns([1, 4], [6, 6]))).toBe(false);
    expect(ns([1, 4], [6, 6]).equals(ns([1, 4], [7, 7]))).toBe(false);
  });

  it('operations do not mutate their operands', () => {
    const a = ns([1, 10]);
    const b = ns([5, 15]);
    a.union(b);
    a.intersect(b);
    a.subtract(b);
    b.subtract(a);
    expect(plain(a)).toEqual([[1, 10]]);
    expect(plain(b)).toEqual([[5, 15]]);
  });
});

describe('NumberSet randomized cross-check against a boolean array over 0..200', () => {
  const N = 201;

  // mulberry32: small seeded PRNG so failures reproduce
  function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function randomRanges(rand: () => number): Range<number>[] {
    const count = Math.floor(rand() * 7); // 0..6 ranges, possibly overlapping/adjacent/inverted
    const out: Range<number>[] = [];
    for (let i = 0; i < count; i++) {
      const lo = Math.floor(rand() * N);
      const len = Math.floor(rand() * (rand() < 0.5 ? 5 : 60)) - 1; // -1 gives an (ignored) inverted range
      out.push({ lo, hi: Math.min(N - 1, lo + len) });
    }
    return out;
  }

  function toBits(ranges: Range<number>[]): boolean[] {
    const bits = new Array<boolean>(N).fill(false);
    for (const r of ranges) for (let v = r.lo; v <= r.hi; v++) bits[v] = true;
    return bits;
  }

  function assertMatches(set: NumberSet, bits: boolean[], context: string): void {
    for (let v = 0; v < N; v++) {
      if (set.has(v) !== bits[v]) expect.fail(`${context}: has(${v}) = ${set.has(v)}, expected ${bits[v]}`);
    }
    // ranges stay sorted, disjoint and non-adjacent (the canonical form)
    for (let i = 0; i < set.ranges.length; i++) {
      const r = set.ranges[i];
      expect(r.lo, context).toBeLessThanOrEqual(r.hi);
      if (i > 0) expect(r.lo, context).toBeGreaterThan(set.ranges[i - 1].hi + 1);
    }
    expect(set.size(), context).toBe(bits.filter(Boolean).length);
  }

  it('union, intersect, subtract, covers and equals agree with the brute-force model for 500 random pairs', () => {
    const rand = mulberry32(0x5eed);
    for (let iter = 0; iter < 500; iter++) {
      const ra = randomRanges(rand);
      const rb = randomRanges(rand);
      const a = NumberSet.of(ra);
      const b = NumberSet.of(rb);
      const ba = toBits(ra);
      const bb = toBits(rb);
      const ctx = (op: string) => `iter ${iter} ${op}: a=${a.format()} b=${b.format()}`;

      assertMatches(a, ba, ctx('of(a)'));
      assertMatches(a.union(b), ba.map((x, i) => x || bb[i]), ctx('union'));
      assertMatches(a.intersect(b), ba.map((x, i) => x && bb[i]), ctx('intersect'));
      assertMatches(a.subtract(b), ba.map((x, i) => x && !bb[i]), ctx('subtract'));
      assertMatches(b.subtract(a), bb.map((x, i) => x && !ba[i]), ctx('subtract reversed'));

      expect(a.covers(b), ctx('covers')).toBe(bb.every((x, i) => !x || ba[i]));
      expect(a.equals(b), ctx('equals')).toBe(ba.every((x, i) => x === bb[i]));
      expect(a.union(b).equals(b.union(a)), ctx('union commutes')).toBe(true);
      expect(a.intersect(b).equals(b.intersect(a)), ctx('intersect commutes')).toBe(true);
    }
  });
});

describe('BigSet near 2^128', () => {
  const MAX = (1n << 128n) - 1n;
  const HALF = 1n << 127n;

  it('merges adjacent ranges at the top of the space', () => {
    const s = bs([HALF, MAX - 1n], [MAX, MAX]);
    expect(plain(s)).toEqual([[HALF, MAX]]);
  });

  it('keeps ranges separated by one value apart', () => {
    expect(plain(bs([0n, HALF - 2n], [HALF, MAX]))).toEqual([
      [0n, HALF - 2n],
      [HALF, MAX],
    ]);
  });

  it('union of the two halves is the whole 128-bit space', () => {
    const whole = BigSet.range(0n, HALF - 1n).union(BigSet.range(HALF, MAX));
    expect(plain(whole)).toEqual([[0n, MAX]]);
    expect(whole.has(0n)).toBe(true);
    expect(whole.has(MAX)).toBe(true);
  });

  it('subtracting the top address leaves [0, MAX-1]', () => {
    expect(plain(BigSet.range(0n, MAX).subtract(BigSet.range(MAX, MAX)))).toEqual([[0n, MAX - 1n]]);
  });

  it('subtracting an inner block splits the range without off-by-one', () => {
    const hole = BigSet.range(MAX - 255n, MAX - 16n);
    expect(plain(BigSet.range(HALF, MAX).subtract(hole))).toEqual([
      [HALF, MAX - 256n],
      [MAX - 15n, MAX],
    ]);
  });

  it('intersect of overlapping high ranges is their overlap', () => {
    expect(plain(BigSet.range(MAX - 100n, MAX).intersect(BigSet.range(MAX - 200n, MAX - 50n)))).toEqual([
      [MAX - 100n, MAX - 50n],
    ]);
    expect(BigSet.range(0n, HALF - 1n).intersect(BigSet.range(HALF, MAX)).isEmpty).toBe(true);
  });

  it('covers and equals work on 128-bit ranges', () => {
    const all = BigSet.range(0n, MAX);
    expect(all.covers(bs([MAX, MAX], [0n, 0n]))).toBe(true);
    expect(BigSet.range(1n, MAX).covers(all)).toBe(false);
    expect(bs([0n, HALF - 1n], [HALF, MAX]).equals(all)).toBe(true);
    expect(all.covers(BigSet.EMPTY)).toBe(true);
    expect(BigSet.EMPTY.covers(all)).toBe(false);
  });

  it('has() checks membership at 128-bit boundaries', () => {
    const s = bs([HALF, HALF], [MAX - 1n, MAX]);
    expect(s.has(HALF)).toBe(true);
    expect(s.has(HALF - 1n)).toBe(false);
    expect(s.has(HALF + 1n)).toBe(false);
    expect(s.has(MAX - 2n)).toBe(false);
    expect(s.has(MAX)).toBe(true);
    expect(BigSet.EMPTY.has(0n)).toBe(false);
  });

  it('range(lo, hi) with lo > hi is empty', () => {
    expect(BigSet.range(MAX, MAX - 1n).isEmpty).toBe(true);
  });
});

describe('floorIndex', () => {
  const b = [0, 10, 20, 30];

  it('returns -1 for an empty boundary array', () => {
    expect(floorIndex([], 5)).toBe(-1);
  });

  it('returns -1 when v is below the first boundary', () => {
    expect(floorIndex([10, 20], 9)).toBe(-1);
    expect(floorIndex([10, 20], -1)).toBe(-1);
  });

  it('returns the index of a boundary equal to v', () => {
    expect(b.map((v) => floorIndex(b, v))).toEqual([0, 1, 2, 3]);
  });

  it('returns the index of the last boundary below v between boundaries', () => {
    expect(floorIndex(b, 1)).toBe(0);
    expect(floorIndex(b, 9)).toBe(0);
    expect(floorIndex(b, 19)).toBe(1);
    expect(floorIndex(b, 29)).toBe(2);
  });

  it('returns the last index when v is above every boundary', () => {
    expect(floorIndex(b, 31)).toBe(3);
    expect(floorIndex(b, Number.MAX_SAFE_INTEGER)).toBe(3);
  });

  it('handles a single boundary', () => {
    expect(floorIndex([7], 6)).toBe(-1);
    expect(floorIndex([7], 7)).toBe(0);
    expect(floorIndex([7], 8)).toBe(0);
  });

  it('works on typed arrays', () => {
    const t = Uint32Array.from([0, 100, 0xffffffff]);
    expect(floorIndex(t, 0)).toBe(0);
    expect(floorIndex(t, 99)).toBe(0);
    expect(floorIndex(t, 100)).toBe(1);
    expect(floorIndex(t, 0xfffffffe)).toBe(1);
    expect(floorIndex(t, 0xffffffff)).toBe(2);
  });

  it('agrees with a linear scan for every v over several arrays', () => {
    const arrays = [[], [5], [0, 1, 2, 3], [2, 4, 8, 16, 32], [1, 3, 5, 7, 9, 11, 13]];
    for (const arr of arrays) {
      for (let v = -2; v <= 40; v++) {
        let expected = -1;
        for (let i = 0; i < arr.length; i++) if (arr[i] <= v) expected = i;
        expect(floorIndex(arr, v), `arr=${arr} v=${v}`).toBe(expected);
      }
    }
  });
});

describe('floorIndexBig', () => {
  const MAX = (1n << 128n) - 1n;
  const b = [0n, 1n << 64n, 1n << 127n, MAX];

  it('returns -1 for an empty boundary array', () => {
    expect(floorIndexBig([], 0n)).toBe(-1);
  });

  it('returns -1 when v is below the first boundary', () => {
    expect(floorIndexBig([5n], 4n)).toBe(-1);
  });

  it('returns the index of a boundary equal to v, including 2^128-1', () => {
    expect(b.map((v) => floorIndexBig(b, v))).toEqual([0, 1, 2, 3]);
  });

  it('returns the index of the last boundary below v between 128-bit boundaries', () => {
    expect(floorIndexBig(b, (1n << 64n) - 1n)).toBe(0);
    expect(floorIndexBig(b, (1n << 127n) - 1n)).toBe(1);
    expect(floorIndexBig(b, MAX - 1n)).toBe(2);
  });

  it('returns the last index when v is above every boundary', () => {
    expect(floorIndexBig([0n, 10n], 1n << 128n)).toBe(1);
  });
});
