import { describe, expect, it } from 'vitest';
import { floorIndex } from '../net/index.js';
import { buildTable4, lookup4 } from './tables.js';

describe('compiled address tables', () => {
  it('large tables with the dense and /16 indexes answer exactly as a plain binary search', () => {
    // 3,000 member /32s packed in 10.0.32.0/19 plus scattered CIDRs: both indexes get built
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const items: { lo: number; hi: number; payload: number }[] = [];
    for (let i = 0; i < 3000; i++) {
      const a = 0x0a002000 + Math.floor(rnd() * 8192);
      items.push({ lo: a, hi: a, payload: i % 7 });
    }
    for (let i = 0; i < 300; i++) {
      const size = 2 ** Math.floor(rnd() * 20);
      const lo = Math.floor((rnd() * 2 ** 32) / size) * size;
      items.push({ lo, hi: lo + size - 1, payload: 100 + (i % 5) });
    }
    const t = buildTable4(items, (ps) => ps.slice().sort().join(','));
    // the indexes are built on the first lookup, not before (analyses that only walk the atoms never pay for them)
    expect(t.top).toBeUndefined();
    expect(lookup4(t, 0x0a002000)).toBe(t.values[floorIndex(t.bounds, 0x0a002000)]);
    expect(t.top).toBeDefined();
    expect(t.dense).toBeDefined();
    for (let i = 0; i < 200_000; i++) {
      const addr = i % 2 === 0 ? 0x0a002000 + Math.floor(rnd() * 16384) - 2048 : Math.floor(rnd() * 2 ** 32);
      expect(lookup4(t, addr)).toBe(t.values[floorIndex(t.bounds, addr)]);
    }
    for (const edge of [0, 0xffffffff, 0x0a002000, 0x0a003fff, 0x0a004000]) expect(lookup4(t, edge)).toBe(t.values[floorIndex(t.bounds, edge)]);
  });

  it('small tables keep only the plain search', () => {
    const t = buildTable4([{ lo: 10, hi: 20, payload: 1 }], (ps) => ps.length);
    expect(t.top).toBeUndefined();
    expect(lookup4(t, 15)).toBe(1);
    expect(lookup4(t, 21)).toBe(0);
  });
});
