// The IPv4 pair kernel: looked up point by point (one question) or from atom tables (the full matrix), by
// cell, by column sweep or by row, it gives Reachability.pair's answer for every pair of classes; and the
// incremental matrix recomputes only the columns an ingress change touches and the rows an egress change does.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { Reachability } from '../../src/analysis/reach.js';
import { formatSummary, Questions } from '../../src/analysis/questions.js';
import { PairKernel } from '../../src/analysis/kernel.js';
import { summarize } from '../../src/analysis/summary.js';
import type { NetworkInterface } from '../../src/model/types.js';
import { buildNetwork, mutate, networkSeed, Rng } from './random-network.js';
import { loadScenario } from '../../src/scenario/load.js';

const NETWORKS = 40;

describe('pair kernel', () => {
  it(`equals Reachability.pair for every pair of classes, point by point and from tables, on ${NETWORKS} random networks`, () => {
    const problems: string[] = [];
    for (let index = 0; index < NETWORKS && problems.length < 5; index++) {
      const seed = networkSeed(0x6b65_726e, index);
      const rng = new Rng(seed);
      const net = buildNetwork(rng);
      const reach = new Reachability(new Engine(net.region));
      const q = new Questions(reach);
      for (let round = 0; round < 2 && problems.length < 5; round++) {
        if (round > 0) mutate(rng, net);
        const classes = [...q.classes().values()];
        const point = new PairKernel(reach);
        point.setClasses(classes);
        const tables = new PairKernel(reach);
        tables.setClasses(classes);
        tables.prepare();
        const list = point.classList();
        const other = reach.otherProtocol;
        const text = (k: PairKernel, r: number) => formatSummary(k.results[r], other);
        const byColumn = new Map<string, string>();
        const byRow = new Map<string, string>();
        for (let j = 0; j < list.length; j++) tables.column(j, (i, r) => byColumn.set(`${i}>${j}`, text(tables, r)));
        for (let i = 0; i < list.length; i++) point.row(i, (j, r) => byRow.set(`${i}>${j}`, text(point, r)));
        for (let i = 0; i < list.length; i++) {
          for (let j = 0; j < list.length; j++) {
            const src: NetworkInterface | undefined = i === j ? list[i].members[1] : list[i].members[0];
            const dst = list[j].members[0];
            const want = src ? formatSummary(summarize(reach.pair(src.id, dst.id, 4)?.protocols ?? []), other) : '';
            const got = { point: text(point, point.cell(i, j)), tables: text(tables, tables.cell(i, j)), column: byColumn.get(`${i}>${j}`) ?? '', row: byRow.get(`${i}>${j}`) ?? '' };
            for (const [how, g] of Object.entries(got)) {
              if (g !== want) problems.push(`network seed ${seed} round ${round}: ${how} ${src?.id} → ${dst.id} says '${g}', pair says '${want}'`);
            }
          }
        }
        point.dispose();
        tables.dispose();
      }
      q.dispose();
      reach.engine.dispose();
    }
    expect(problems.slice(0, 8)).toEqual([]);
  }, 120_000);

  it(`a long-lived kernel's point lookups (slots, egress tables, NACLs and routes kept between questions) answer after changes as a fresh kernel does, on ${NETWORKS} random networks`, () => {
    const problems: string[] = [];
    for (let index = 0; index < NETWORKS && problems.length < 5; index++) {
      const seed = networkSeed(0x6c69_7665, index);
      const rng = new Rng(seed);
      const net = buildNetwork(rng);
      const reach = new Reachability(new Engine(net.region));
      const q = new Questions(reach);
      const live = new PairKernel(reach);
      let version = -1;
      for (let round = 0; round < 4 && problems.length < 5; round++) {
        if (round > 0) mutate(rng, net);
        const classes = [...q.classes().values()];
        // the partition changes only with some changes: otherwise the kernel keeps its classes, as Questions does
        if (q.classesVersion !== version) {
          live.setClasses(classes);
          version = q.classesVersion;
        }
        if (round % 2 === 0) live.index();
        const fresh = new PairKernel(reach);
        fresh.setClasses(classes);
        const list = fresh.classList();
        const other = reach.otherProtocol;
        const text = (k: PairKernel, r: number) => formatSummary(k.results[r], other);
        for (const [how, k] of [['fresh', fresh], ['long-lived', live]] as const) {
          const byColumn = new Map<string, string>();
          const byRow = new Map<string, string>();
          for (let j = 0; j < list.length; j++) k.column(j, (i, r) => byColumn.set(`${i}>${j}`, text(k, r)));
          for (let i = 0; i < list.length; i++) k.row(i, (j, r) => byRow.set(`${i}>${j}`, text(k, r)));
          for (let i = 0; i < list.length; i++) {
            for (let j = 0; j < list.length; j++) {
              const src: NetworkInterface | undefined = i === j ? list[i].members[1] : list[i].members[0];
              const want = src ? formatSummary(summarize(reach.pair(src.id, list[j].members[0].id, 4)?.protocols ?? []), other) : '';
              const got = { column: byColumn.get(`${i}>${j}`) ?? '', row: byRow.get(`${i}>${j}`) ?? '' };
              for (const [way, g] of Object.entries(got)) {
                if (g !== want) problems.push(`network seed ${seed} round ${round}: ${how} kernel by ${way}, ${src?.id} → ${list[j].members[0].id} says '${g}', pair says '${want}'`);
              }
            }
          }
        }
        fresh.dispose();
      }
      live.dispose();
      q.dispose();
      reach.engine.dispose();
    }
    expect(problems.slice(0, 8)).toEqual([]);
  }, 120_000);

  it('a memo bounded to a few answers is emptied when full and answers as an unbounded one does', () => {
    let clears = 0;
    const problems: string[] = [];
    for (let index = 0; index < 20 && problems.length < 5; index++) {
      const seed = networkSeed(0x6d65_6d6f, index);
      const rng = new Rng(seed);
      const net = buildNetwork(rng);
      const reach = new Reachability(new Engine(net.region));
      const q = new Questions(reach);
      const small = new PairKernel(reach, { memoLimit: 3 });
      const big = new PairKernel(reach);
      for (let round = 0; round < 3; round++) {
        if (round > 0) mutate(rng, net);
        const classes = [...q.classes().values()];
        small.setClasses(classes);
        big.setClasses(classes);
        if (round === 1) small.prepare(); // from tables as well as point by point
        const other = reach.otherProtocol;
        const n = small.classList().length;
        for (let j = 0; j < n; j++) {
          const got = new Map<number, string>();
          small.column(j, (i, r) => got.set(i, formatSummary(small.results[r], other)));
          big.column(j, (i, r) => {
            if (got.get(i) !== formatSummary(big.results[r], other)) problems.push(`network seed ${seed} round ${round}: ${i} → ${j} bounded '${got.get(i)}', unbounded '${formatSummary(big.results[r], other)}'`);
            got.delete(i);
          });
          for (const [i, g] of got) problems.push(`network seed ${seed} round ${round}: ${i} → ${j} bounded '${g}', unbounded nothing`);
          expect(small.memoSize).toBeLessThanOrEqual(3);
        }
      }
      clears += small.stats.memoClears;
      expect(big.stats.memoClears).toBe(0);
      small.dispose();
      big.dispose();
      q.dispose();
      reach.engine.dispose();
    }
    expect(problems.slice(0, 8)).toEqual([]);
    expect(clears).toBeGreaterThan(20);
  });

  const scenario = `
vpcs:
  main:
    cidr: 10.0.0.0/16
    subnets:
      a: { cidr: 10.0.1.0/24 }
      b: { cidr: 10.0.2.0/24 }
    securityGroups:
      web:
        inbound: [{ protocol: tcp, ports: 443, from: 0.0.0.0/0 }]
      app:
        inbound: [{ protocol: tcp, ports: 8080, from: web }]
      db:
        inbound: [{ protocol: tcp, ports: 5432, from: app }]
instances:
  web1: { subnet: a, groups: [web] }
  web2: { subnet: b, groups: [web] }
  app1: { subnet: a, groups: [app] }
  app2: { subnet: b, groups: [app] }
  db1: { subnet: b, groups: [db] }
`;

  it('refreshes only the columns of an ingress change and the rows of an egress change', () => {
    const s = loadScenario(scenario, 'kernel.yaml');
    const reach = new Reachability(new Engine(s.region));
    const q = new Questions(reach);
    q.matrix();
    const m = q.matrixOf(4);
    const app = s.names.groups.get('app')!;
    const db = s.names.groups.get('db')!;
    const before = { ...m.stats };
    // an ingress rule on db: the column of the db class is recomputed (a sweep over the sources), no row is
    s.region.authorize(db, false, [{ ipProtocol: 'tcp', fromPort: 6432, toPort: 6432, userIdGroupPairs: [{ groupId: app }] }]);
    const cells = q.matrix();
    const afterIngress = { ...m.stats };
    expect(cells.some((c) => c.from.startsWith('app @') && c.to.startsWith('db @') && formatSummary(c.ports, reach.otherProtocol).includes('5432,6432'))).toBe(true);
    // one column's sweep looks at the classes of one VPC: far fewer pairs than rows and columns both
    const looked = afterIngress.pairs - before.pairs;
    expect(looked).toBeGreaterThan(0);
    expect(looked).toBeLessThanOrEqual(afterIngress.classes);
    // an egress change on app: its rows are recomputed (one pair per other destination class each: a class of
    // one interface does not talk to itself), no column is
    s.region.revoke(app, true, { permissions: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }] }] });
    const cells2 = q.matrix();
    const rowsLooked = m.stats.pairs - afterIngress.pairs;
    const appClasses = [...q.classes().values()].filter((c) => c[0].groups.includes(app)).length;
    expect(rowsLooked).toBe(appClasses * (m.stats.classes - 1));
    expect(cells2.some((c) => c.from.startsWith('app @'))).toBe(false);
    q.dispose();
    reach.engine.dispose();
  });
});
