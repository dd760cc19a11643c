// Property test of the questions layer: on random networks, the answers that Questions builds from classes of
// interfaces and caches (whoCanReach, whatCanReach, matrix, exposure) equal the answers computed pair by pair
// (Reachability.pair / protocolReach, themselves checked against the packet engine in property.test.ts), and
// stay equal while the state changes under one long-lived Questions (incremental refresh).
//
//   RAMPART_QUESTIONS_SEED=<network seed> npx vitest run test/analysis/questions-property.test.ts   one network
//   RAMPART_PROPERTY_BASE_SEED=<n>                                                                  other networks
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { INTERNET_V4, INTERNET_V6, Reachability, type ProtocolReach } from '../../src/analysis/reach.js';
import { formatSummary, Questions, type PortSummary } from '../../src/analysis/questions.js';
import { BigSet, formatIpv4, formatIpv6, NumberSet, parseCidr, type Family } from '../../src/net/index.js';
import { buildNetwork, enisOf, mutate, networkSeed, publicOf, randomInternet4, randomInternet6, Rng, v6Of, type Net } from './random-network.js';

const NETWORKS = 100;
const ROUNDS = 3;
const DEFAULT_BASE_SEED = 0x5eed_2024 + 1;

function summaryOf(list: ProtocolReach[] | undefined, other: number): string {
  if (!list) return '';
  const s: PortSummary[] = [];
  for (const p of list) {
    if (!p.reachable.isEmpty) s.push({ protocol: p.protocol, ports: p.reachable });
    if (!p.partial.isEmpty) s.push({ protocol: p.protocol, ports: p.partial, partial: true });
  }
  return formatSummary(s, other);
}

/** `0.0.0.0/0`, `0.0.0.0/0 except a, b` or a list of CIDRs, back to a set of addresses. */
function parseSources(sources: string[]): NumberSet {
  const cidrs = (list: string[]) => NumberSet.of(list.map((c) => {
    const p = parseCidr(c.trim());
    return { lo: p.first as number, hi: p.last as number };
  }));
  if (sources.length === 1 && sources[0] === '0.0.0.0/0') return INTERNET_V4;
  if (sources.length === 1 && sources[0].startsWith('0.0.0.0/0 except ')) return INTERNET_V4.subtract(cidrs(sources[0].slice('0.0.0.0/0 except '.length).split(',')));
  return cidrs(sources);
}

/** Roles name the groups in the interface's order; the same set of groups is the same role. */
function canon(role: string): string {
  const at = role.lastIndexOf(' @ ');
  return `${role.slice(0, at).split(',').sort().join(',')}${role.slice(at)}`;
}

function check(net: Net, reach: Reachability, q: Questions, rng: Rng, problems: string[]): void {
  const region = net.region;
  const enis = enisOf(net);
  const other = reach.otherProtocol;
  const name = (id: string) => `${id} (${q.role(region.getNetworkInterface(id))})`;
  for (const family of [4, 6] as Family[]) {
    if (family === 6 && !enis.some((e) => e.ipv6Addresses.length)) continue;
    const direct = new Map<string, string>();
    for (const a of enis) for (const b of enis) if (a.id !== b.id) direct.set(`${a.id}>${b.id}`, summaryOf(reach.pair(a.id, b.id, family)?.protocols, other));

    // who can reach b / what can a reach, member by member
    for (const b of enis) {
      const got = new Map<string, string>();
      for (const r of q.whoCanReach(b.id, family)) if (r.role !== 'internet') for (const id of r.networkInterfaceIds) got.set(id, formatSummary(r.ports, other));
      for (const a of enis) {
        if (a.id === b.id) continue;
        const want = direct.get(`${a.id}>${b.id}`)!;
        if ((got.get(a.id) ?? '') !== want) problems.push(`IPv${family} whoCanReach(${name(b.id)}) says ${name(a.id)} → '${got.get(a.id) ?? ''}', pair says '${want}'`);
      }
    }
    for (const a of enis) {
      const got = new Map<string, string>();
      for (const r of q.whatCanReach(a.id, family)) if (r.role !== 'internet') for (const id of r.networkInterfaceIds) got.set(id, formatSummary(r.ports, other));
      for (const b of enis) {
        if (a.id === b.id) continue;
        const want = direct.get(`${a.id}>${b.id}`)!;
        if ((got.get(b.id) ?? '') !== want) problems.push(`IPv${family} whatCanReach(${name(a.id)}) says → ${name(b.id)} '${got.get(b.id) ?? ''}', pair says '${want}'`);
      }
    }

    // the matrix: one cell per (role, role, ports) with the distinct interfaces on each side
    const want = new Map<string, { from: Set<string>; to: Set<string> }>();
    for (const a of enis) for (const b of enis) {
      if (a.id === b.id) continue;
      const s = direct.get(`${a.id}>${b.id}`)!;
      if (!s) continue;
      const k = `${canon(q.role(a))} → ${canon(q.role(b))}: ${s}`;
      const e = want.get(k) ?? { from: new Set<string>(), to: new Set<string>() };
      e.from.add(a.id);
      e.to.add(b.id);
      want.set(k, e);
    }
    const wantCells = [...want].map(([k, e]) => `${k} (${e.from.size}×${e.to.size})`).sort();
    const gotCells = q.matrix(family).map((c) => `${canon(c.from)} → ${canon(c.to)}: ${formatSummary(c.ports, other)} (${c.fromInterfaces}×${c.toInterfaces})`).sort();
    const missing = wantCells.filter((c) => !gotCells.includes(c));
    const extra = gotCells.filter((c) => !wantCells.includes(c));
    if (missing.length || extra.length) problems.push(`IPv${family} matrix: missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(extra)}`);
  }

  // exposure: for sampled internet sources, the row holding the source has the ports protocolReach finds
  const publicIps = new Set(enis.flatMap(publicOf));
  const all = q.exposure();
  const findings = new Map(all.filter((f) => f.family === 4).map((f) => [f.networkInterfaceId, f]));
  const findings6 = new Map(all.filter((f) => f.family === 6).map((f) => [f.networkInterfaceId, f]));
  for (const eni of enis) {
    const pub = eni.privateIpAddresses.find((p) => p.association)?.association?.publicIp;
    const f = findings.get(eni.id);
    if (pub === undefined) {
      if (f) problems.push(`exposure lists ${name(eni.id)} which has no public IPv4`);
      continue;
    }
    const rows = (f?.rows ?? []).map((r) => ({ set: parseSources(r.sources), text: formatSummary(r.ports, other) }));
    for (let k = 0; k < 12; k++) {
      const s = randomInternet4(rng, net);
      // sources inside the estate's own public addresses answer from an interface, not from the internet
      if (!INTERNET_V4.has(s) || publicIps.has(s)) continue;
      const w = summaryOf(reach.protocols[4].map((p) => reach.protocolReach({ kind: 'internet' }, 4, s, parseCidr(`${pub}/32`).first as number, p)), other);
      const holding = rows.filter((r) => r.set.has(s));
      const g = holding.map((r) => r.text).join(' + ');
      if (g !== w) problems.push(`exposure of ${name(eni.id)} (${pub}) from ${formatIpv4(s)}: rows say '${g}', protocolReach says '${w}'`);
    }
  }

  // IPv6 exposure: the same, at the interface's first global IPv6 address, for sources of the IPv6 internet
  const internet6 = q.internet6();
  const parseSources6 = (sources: string[]): BigSet => {
    const cidrs = (list: string[]) => BigSet.of(list.map((c) => {
      const p = parseCidr(c.trim());
      return { lo: p.first as bigint, hi: p.last as bigint };
    }));
    if (sources.length === 1 && sources[0] === '::/0') return internet6;
    if (sources.length === 1 && sources[0].startsWith('::/0 except ')) return internet6.subtract(cidrs(sources[0].slice('::/0 except '.length).split(',')));
    return cidrs(sources);
  };
  for (const eni of enis) {
    const addr = v6Of(eni).find((a) => a >= INTERNET_V6.lo && a <= INTERNET_V6.hi);
    const f = findings6.get(eni.id);
    if (addr === undefined) {
      if (f) problems.push(`exposure lists ${name(eni.id)} over IPv6 but it has no global IPv6 address`);
      continue;
    }
    const rows = (f?.rows ?? []).map((r) => ({ set: parseSources6(r.sources), text: formatSummary(r.ports, other) }));
    for (let k = 0; k < 12; k++) {
      const s = randomInternet6(rng, net);
      if (!internet6.has(s)) continue;
      const w = summaryOf(reach.protocols[6].map((p) => reach.protocolReach({ kind: 'internet' }, 6, s, addr, p)), other);
      const g = rows.filter((r) => r.set.has(s)).map((r) => r.text).join(' + ');
      if (g !== w) problems.push(`IPv6 exposure of ${name(eni.id)} from ${formatIpv6(s)}: rows say '${g}', protocolReach says '${w}'`);
    }
  }
}

describe('property: the questions equal the pair-by-pair answers, before and after changes', () => {
  const only = process.env.RAMPART_QUESTIONS_SEED;
  const base = process.env.RAMPART_PROPERTY_BASE_SEED !== undefined ? (Number(process.env.RAMPART_PROPERTY_BASE_SEED) + 1) >>> 0 : DEFAULT_BASE_SEED;

  it(`whoCanReach, whatCanReach, matrix and exposure on ${NETWORKS} random networks, ${ROUNDS} rounds of changes each`, () => {
    const failures: string[] = [];
    let failed = 0;
    const seeds = only !== undefined ? [[-1, Number(only) >>> 0]] : Array.from({ length: NETWORKS }, (_, i) => [i, networkSeed(base, i)]);
    for (const [index, seed] of seeds) {
      const rng = new Rng(seed);
      const net = buildNetwork(rng);
      const reach = new Reachability(new Engine(net.region));
      const q = new Questions(reach);
      for (let round = 0; round <= ROUNDS; round++) {
        if (round > 0) mutate(rng, net);
        const problems: string[] = [];
        check(net, reach, q, rng, problems);
        if (problems.length) {
          failed++;
          if (failures.length < 6) {
            failures.push([
              `network #${index} (seed ${seed}), round ${round} (${round === 0 ? 'fresh Questions' : `after ${round} round(s) of changes`}):`,
              `  rerun: RAMPART_QUESTIONS_SEED=${seed} npx vitest run test/analysis/questions-property.test.ts`,
              ...problems.slice(0, 8).map((p) => `  ${p}`),
              `  changes (last 12): ${net.log.filter((l) => l.startsWith('mutate')).slice(-12).join(' | ')}`,
            ].join('\n'));
          }
          break;
        }
      }
      q.dispose();
      reach.engine.dispose();
    }
    expect(failed, `${failed} networks disagree; the first ones:\n\n${failures.join('\n\n')}`).toBe(0);
  }, 180_000);
});
