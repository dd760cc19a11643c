// Property test of diffReach: on random networks and a changed copy of each, the class-by-class diff equals the
// diff made interface by interface from whoCanReach (every pair's ports on both sides, compared), for IPv4 and
// IPv6, with interfaces deleted on one side among the changes.
//
//   RAMPART_DIFF_SEED=<network seed> npx vitest run test/analysis/diff-property.test.ts   one network
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { Reachability } from '../../src/analysis/reach.js';
import { diffReach, formatSummary, Questions, type DiffEntry, type PortSummary } from '../../src/analysis/questions.js';
import type { Family } from '../../src/net/index.js';
import { buildNetwork, mutate, networkSeed, Rng } from './random-network.js';

const NETWORKS = 60;

/** The reference: every destination's whoCanReach on both sides, pair by pair (by name), then compared. */
function diffByRows(before: Questions, after: Questions, nameOf: (q: Questions, id: string) => string, family: Family): Map<string, { opened: string; closed: string }> {
  const collect = (q: Questions): Map<string, PortSummary[]> => {
    const m = new Map<string, PortSummary[]>();
    for (const dst of q.reach.engine.region.networkInterfaces.values()) {
      for (const row of q.whoCanReach(dst.id, family)) {
        const sources = row.role === 'internet' ? [`internet ${row.ranges?.join(',') ?? ''}`.trim()] : row.networkInterfaceIds.map((id) => nameOf(q, id));
        for (const s of sources) m.set(`${s} → ${nameOf(q, dst.id)}`, row.ports);
      }
    }
    return m;
  };
  const a = collect(before);
  const b = collect(after);
  const other = before.reach.otherProtocol;
  const out = new Map<string, { opened: string; closed: string }>();
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? [];
    const y = b.get(key) ?? [];
    // what y allows and x does not, protocol by protocol (partial and full kept apart)
    const minus = (p: PortSummary[], q: PortSummary[]) => p.flatMap((s) => {
      let rest = s.ports;
      for (const t of q) if (t.protocol === s.protocol && !!t.partial === !!s.partial) rest = rest.subtract(t.ports);
      return rest.isEmpty ? [] : [{ ...s, ports: rest }];
    });
    const opened = formatSummary(minus(y, x), other);
    const closed = formatSummary(minus(x, y), other);
    if (opened || closed) out.set(key, { opened, closed });
  }
  return out;
}

function shown(entries: DiffEntry[], other: number): Map<string, { opened: string; closed: string }> {
  return new Map(entries.map((e) => [`${e.from} → ${e.to}`, { opened: formatSummary(e.opened, other), closed: formatSummary(e.closed, other) }]));
}

describe('property: diffReach class by class equals the diff of every pair from whoCanReach', () => {
  const only = process.env.RAMPART_DIFF_SEED;
  it(`on ${NETWORKS} random networks and a changed copy of each, IPv4 and IPv6`, () => {
    const failures: string[] = [];
    const seeds = only !== undefined ? [Number(only) >>> 0] : Array.from({ length: NETWORKS }, (_, i) => networkSeed(0x6469_6666, i));
    let changed = 0;
    for (const seed of seeds) {
      // the same seed builds the same network (same ids); the copy is then changed
      const before = buildNetwork(new Rng(seed));
      const rng = new Rng(seed);
      const after = buildNetwork(rng);
      for (let k = rng.int(1, 3); k > 0; k--) mutate(rng, after);
      const qb = new Questions(new Reachability(new Engine(before.region)));
      const qa = new Questions(new Reachability(new Engine(after.region)));
      const nameOf = (_q: Questions, id: string) => id;
      for (const family of [4, 6] as Family[]) {
        const want = diffByRows(qb, qa, nameOf, family);
        const entries = diffReach(qb, qa, nameOf, family);
        const got = shown(entries, qb.reach.otherProtocol);
        if (want.size) changed++;
        const problems: string[] = [];
        for (const [k, w] of want) {
          const g = got.get(k);
          if (!g || g.opened !== w.opened || g.closed !== w.closed) problems.push(`${k}: diffReach ${JSON.stringify(g)}, pair by pair ${JSON.stringify(w)}`);
        }
        for (const k of got.keys()) if (!want.has(k)) problems.push(`${k}: diffReach ${JSON.stringify(got.get(k))}, pair by pair nothing`);
        // one entry per pair, ordered by source then destination
        if (got.size !== entries.length) problems.push(`${entries.length} entries for ${got.size} pairs`);
        for (let k = 1; k < entries.length; k++) {
          const p = entries[k - 1];
          const e = entries[k];
          if (p.from.localeCompare(e.from) > 0 || (p.from === e.from && p.to.localeCompare(e.to) > 0)) problems.push(`out of order: ${p.from} → ${p.to} before ${e.from} → ${e.to}`);
        }
        if (problems.length && failures.length < 4) {
          failures.push([`network seed ${seed}, IPv${family} (rerun: RAMPART_DIFF_SEED=${seed}):`, ...problems.slice(0, 6).map((p) => `  ${p}`), `  changes: ${after.log.filter((l) => l.startsWith('mutate')).join(' | ')}`].join('\n'));
        }
      }
      qb.dispose();
      qa.dispose();
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    // the changes do change something on most networks (the test is not vacuous)
    if (only === undefined) expect(changed).toBeGreaterThan(NETWORKS / 3);
  }, 180_000);
});
