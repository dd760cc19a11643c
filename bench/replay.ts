// Flow-log replay benchmark: 10 million synthetic flow-log records (AWS's default v2 format) against a generated
// 1,000-interface estate, streamed from a file through the real reader and re-decided by the compiled fast path
// (rampart replay's code). Reference, measured in the same run on a sample: the same records parsed by
// splitting lines and decided rule by rule with the engine's uncompiled evaluators (matchingRules for security
// groups, firstMatchingEntry for network ACLs) — the packet engine without its compiled tables. The two must
// agree on every sampled verdict. Memory is sampled as the file streams: it must stay flat.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src/engine/engine.js';
import { firstMatchingEntry } from '../src/engine/nacl.js';
import { reversePacket, type Packet } from '../src/engine/packet.js';
import { matchingRules } from '../src/engine/policy.js';
import { parseIpv4 } from '../src/net/index.js';
import { loadScenario } from '../src/scenario/load.js';
import { generateEstate } from '../src/scenario/generate.js';
import { forEachFlowRecord, listFlowLogFiles } from '../src/flowlogs/read.js';
import { ACCEPT, FlowJudge, REJECT, ReplaySession } from '../src/flowlogs/replay.js';
import { parseRecord, parseLogFormat } from '../src/flowlogs/format.js';
import { rng } from './engine.js';

const V2 = parseLogFormat(undefined);
const SERVICE_PORTS = [22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200, 27017];

/** A pool of distinct synthetic records at the estate's interfaces: requests and responses, both directions. */
export function recordPool(engine: Engine, size: number, seed: number): string[] {
  const r = rng(seed);
  const region = engine.region;
  const enis = [...region.networkInterfaces.values()].filter((e) => e.privateIpAddresses.length > 0);
  const byVpc = new Map<string, typeof enis>();
  for (const e of enis) byVpc.set(e.vpcId, [...(byVpc.get(e.vpcId) ?? []), e]);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const judge = new FlowJudge(engine);
  const lines: string[] = [];
  const t0 = 1767225600;
  for (let i = 0; i < size; i++) {
    const eni = pick(enis);
    const own = (eni.privateIpAddresses.find((p) => p.primary) ?? eni.privateIpAddresses[0]).privateIpAddress;
    const peer = r() < 0.7 ? pick(byVpc.get(eni.vpcId)!).privateIpAddresses[0].privateIpAddress : `${Math.floor(r() * 200) + 3}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 254) + 1}`;
    const service = pick(SERVICE_PORTS);
    const eph = 32768 + Math.floor(r() * 28000);
    const egress = r() < 0.5;
    const response = r() < 0.4;
    const proto = r() < 0.9 ? 6 : 17;
    // request: client eph → server service; response: the reverse
    const [src, dst, sp, dp] = egress
      ? response ? [own, peer, service, eph] : [own, peer, eph, service]
      : response ? [peer, own, service, eph] : [peer, own, eph, service];
    const start = t0 + Math.floor(r() * 86400 * 7);
    const body = `2 123456789012 ${eni.id} ${src} ${dst} ${sp} ${dp} ${proto} ${1 + Math.floor(r() * 20)} ${40 + Math.floor(r() * 20000)} ${start} ${start + 60}`;
    // the action AWS would have logged is the estate's own verdict, except for 0.5 % (as if the configuration
    // had changed since): replay then reports a realistic share of changed flows
    const v = judge.judge(parseRecord(`${body} ACCEPT OK`, V2));
    const action = (v === ACCEPT) !== r() < 0.005 ? 'ACCEPT' : 'REJECT';
    lines.push(`${body} ${action} OK`);
  }
  return lines;
}

/** The reference: split, parse, and decide rule by rule (no compiled tables), with the same roles as replay. */
function referenceVerdict(engine: Engine, line: string): number {
  const f = line.split(' ');
  const region = engine.region;
  const eni = region.networkInterfaces.get(f[2]);
  if (!eni) return -1;
  const own = (eni.privateIpAddresses.find((p) => p.primary) ?? eni.privateIpAddresses[0]).privateIpAddress;
  const egress = f[3] === own;
  const pkt: Packet = { family: 4, src: parseIpv4(f[3]), dst: parseIpv4(f[4]), protocol: Number(f[7]), srcPort: Number(f[5]), dstPort: Number(f[6]) };
  const subnet = region.subnets.get(eni.subnetId)!;
  const [base, len] = subnet.cidrBlock.split('/');
  const lo = parseIpv4(base);
  const hi = lo + 2 ** (32 - Number(len)) - 1;
  const peer = (egress ? pkt.dst : pkt.src) as number;
  const crosses = peer < lo || peer > hi;
  const acl = region.subnetNetworkAcl(eni.subnetId);
  const aclOk = (e: boolean, p: Packet) => !crosses || firstMatchingEntry(acl, e, p)?.ruleAction === 'allow';
  const sgOk = (e: boolean, p: Packet) => eni.groups.length === 0 || matchingRules(region, eni.groups, e, p).length > 0;
  const response = pkt.srcPort < pkt.dstPort;
  if (!response) return aclOk(egress, pkt) && sgOk(egress, pkt) ? ACCEPT : REJECT;
  const req = reversePacket(pkt);
  return aclOk(egress, pkt) && aclOk(!egress, req) && sgOk(!egress, req) ? ACCEPT : REJECT;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

export async function runReplayBench(out: (s: string) => void, quick: boolean): Promise<void> {
  const total = quick ? 1_000_000 : 10_000_000;
  const enis = quick ? 300 : 1000;
  out(`\nreplay: ${total.toLocaleString('en-US')} flow-log records (v2) against a generated ${enis}-interface estate`);
  const s = loadScenario(generateEstate({ enis, seed: 7 }), 'estate.yaml');
  const engine = new Engine(s.region);
  const pool = recordPool(engine, 100_000, 11);
  const dir = mkdtempSync(join(tmpdir(), 'rampart-replay-bench-'));
  const file = join(dir, 'flows.log');
  try {
    // the file: the pool repeated (shifted) until `total` lines; written in chunks, never held whole
    const t0 = performance.now();
    const fd = openSync(file, 'w');
    let written = 0;
    for (let round = 0; written < total; round++) {
      const n = Math.min(pool.length, total - written);
      const shift = (round * 7919) % pool.length;
      const chunk: string[] = [];
      for (let i = 0; i < n; i++) chunk.push(pool[(i + shift) % pool.length]);
      writeSync(fd, chunk.join('\n') + '\n');
      written += n;
    }
    closeSync(fd);
    out(`  wrote ${written.toLocaleString('en-US')} lines in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // rampart replay's path: stream, parse (compiled parser), decide (compiled fast path)
    globalThis.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    let peakHeap = heap0;
    let peakRss = process.memoryUsage().rss;
    const samples: [number, number][] = [];
    const session = new ReplaySession(engine, s.names);
    let nextSample = 0;
    let gcCpu = 0;
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const stats = await forEachFlowRecord(listFlowLogFiles([file]), (rec) => session.add(rec), {
      fastLane: (f) => session.fastLane(f),
      onProgress: (done, size) => {
        const m = process.memoryUsage();
        if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
        if (m.rss > peakRss) peakRss = m.rss;
        if (done >= nextSample) {
          // the live heap (after a collection): what the replay keeps, not garbage not yet collected; the
          // collection's CPU time is not the replay's
          const g = process.cpuUsage();
          globalThis.gc?.();
          samples.push([session.totals.records, process.memoryUsage().heapUsed]);
          gcCpu += cpuSeconds(g);
          nextSample += size / 4;
        }
      },
    });
    const secs = (performance.now() - t1) / 1000;
    // the machine is shared: rates are per second of this process's own CPU time (one core), wall time beside
    const cpu = cpuSeconds(c1) - gcCpu;
    const rate = stats.records / cpu;
    const t = session.totals;
    out(`  rampart replay: ${(rate / 1e6).toFixed(2)} M records per CPU second (${cpu.toFixed(1)} s CPU, ${secs.toFixed(1)} s wall, one core); ${t.judged.toLocaleString('en-US')} judged, ${(t.toReject + t.toAccept).toLocaleString('en-US')} verdicts differ from the logged actions, ${session.changes().length} groups`);
    out(`  fast lane: ${((t.cacheHits / t.records) * 100).toFixed(1)} % of records answered from the verdict cache (the pool repeats ${(total / pool.length).toFixed(0)}× in the file)`);
    out(`  memory: peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; heap as records stream: ${samples.map(([n, h]) => `${(n / 1e6).toFixed(1)}M→${(h / 2 ** 20).toFixed(0)} MiB`).join(', ')}`);

    // the same file without the verdict cache: every record decided by the compiled policies
    const plain = new ReplaySession(engine, s.names);
    const c3 = process.cpuUsage();
    await forEachFlowRecord(listFlowLogFiles([file]), (rec) => plain.add(rec), { fastLane: (f) => plain.fastLane(f, { verdictCache: false }) });
    const plainRate = stats.records / cpuSeconds(c3);
    const same = plain.totals.toReject === t.toReject && plain.totals.toAccept === t.toAccept && plain.totals.unchanged === t.unchanged;
    out(`  without the verdict cache: ${(plainRate / 1e6).toFixed(2)} M records per CPU second; the same verdicts: ${same ? 'yes' : 'NO'}`);

    // the reference on a sample, and agreement with the fast path
    const sampleN = quick ? 20_000 : 100_000;
    const sample = pool.slice(0, sampleN);
    const fast = new ReplaySession(engine, s.names);
    const fastVerdicts = sample.map((l) => fast.judge.judge(parseRecord(l, V2)));
    const c2 = process.cpuUsage();
    const refVerdicts = sample.map((l) => referenceVerdict(engine, l));
    const refSecs = cpuSeconds(c2);
    const refRate = sampleN / refSecs;
    let disagree = 0;
    for (let i = 0; i < sampleN; i++) if (fastVerdicts[i] !== refVerdicts[i]) disagree++;
    // and the byte-level lane against the record path on the same sample
    const laneSession = new ReplaySession(engine, s.names);
    const lane = laneSession.fastLane(V2)!;
    for (const l of sample) {
      const b = Buffer.from(l, 'latin1');
      if (!lane(b, 0, b.length)) laneSession.add(parseRecord(l, V2));
    }
    const recordPath = new ReplaySession(engine, s.names);
    for (const l of sample) recordPath.add(parseRecord(l, V2));
    const laneAgrees = laneSession.totals.toReject === recordPath.totals.toReject && laneSession.totals.toAccept === recordPath.totals.toAccept && laneSession.totals.unchanged === recordPath.totals.unchanged;
    out(`  reference (split + rule-by-rule evaluators, ${sampleN.toLocaleString('en-US')}-record sample): ${(refRate / 1e3).toFixed(0)} k records per CPU second; verdicts disagree on ${disagree}; the byte-level lane and the record path agree: ${laneAgrees ? 'yes' : 'NO'}`);
    out(`  ratio: ${(rate / refRate).toFixed(1)}× the reference (${(plainRate / refRate).toFixed(1)}× without the verdict cache); target ≥ 1 M records/s per core: ${rate >= 1e6 ? 'met' : 'NOT met'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
