// Reachability benchmark on generated estates (1,000 and 10,000 interfaces): full matrix, who-can-reach,
// exposure, incremental refresh after one rule change, peak memory — against a pairwise reference that asks
// the packet engine port by port, measured in the same run on a sample and extrapolated.
import { Engine } from '../src/engine/engine.js';
import { PROTO_TCP } from '../src/net/index.js';
import { Reachability } from '../src/analysis/reach.js';
import { diffReach, Questions } from '../src/analysis/questions.js';
import { loadScenario } from '../src/scenario/load.js';
import { generateEstate } from '../src/scenario/generate.js';
import type { NetworkInterface } from '../src/model/types.js';

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The reference: the packet engine asked port by port (TCP, 0–65535) for each pair. */
function referencePairTcp(engine: Engine, reach: Reachability, src: NetworkInterface, dst: NetworkInterface): number {
  const a = reach.pairAddresses(src, dst, 4);
  if (!a) return 0;
  let open = 0;
  for (let port = 0; port <= 65535; port++) {
    const d = engine.send({ kind: 'eni', networkInterfaceId: src.id }, { family: 4, src: a.src, dst: a.dst, protocol: PROTO_TCP, srcPort: 40000, dstPort: port, tcpFlags: 2 }, { commit: false });
    if (d.allowed) open++;
  }
  return open;
}

export function runReachBench(out: (s: string) => void, sizes: number[]): void {
  for (const enis of sizes) {
    out(`== reach: generated estate of ${enis.toLocaleString('en')} interfaces`);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    let peak = 0;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().heapUsed - heap0);
    };
    let t = process.hrtime.bigint();
    const text = generateEstate({ enis, seed: 1 });
    const s = loadScenario(text, `generated-${enis}.yaml`);
    const region = s.region;
    out(`   generated + loaded in ${(ms(t) / 1000).toFixed(1)} s: ${region.networkInterfaces.size} ENIs, ${region.securityGroups.size} groups, ${region.securityGroupRules.size} rules, ${region.networkAcls.size} NACLs, ${region.vpcs.size} VPCs`);
    sample();
    const engine = new Engine(region);
    const reach = new Reachability(engine);
    const q = new Questions(reach);

    const classCount = q.classes().size;
    const m = q.matrixOf(4);
    // the full matrix: every pair of classes computed, then aggregated by role (typed arrays); making one object
    // per role cell (what Questions.matrix() returns) is timed apart, as it is presentation, not analysis
    t = process.hrtime.bigint();
    const rm = q.roleMatrix();
    const matrixMs = ms(t);
    sample();
    t = process.hrtime.bigint();
    const objects = q.matrix().length;
    const objectsMs = ms(t);
    sample();
    out(`   full matrix: ${(matrixMs / 1000).toFixed(2)} s (target ≤ 5 s at 10,000): ${m.stats.classes} classes, ${m.stats.pairs} class pairs looked at, ${m.stats.skipped} skipped at once, ${m.stats.combinations} distinct combinations computed, ${rm.size} role cells (${rm.roles.length} roles); as ${objects} objects +${(objectsMs / 1000).toFixed(2)} s`);
    const enisList = [...region.networkInterfaces.values()];
    const targets = [0, 1, 2, 3, 4].map((i) => enisList[Math.floor(((i + 0.5) / 5) * enisList.length)]);
    // who can reach: a fresh Questions (classes known, no pair cached), one target at a time
    // the garbage of the matrix's objects is collected first, so that its pauses are not counted as question time
    gc?.();
    const q2 = new Questions(reach);
    q2.index();
    const times: number[] = [];
    for (const d of targets) {
      t = process.hrtime.bigint();
      q2.whoCanReach(d.id);
      times.push(ms(t));
    }
    const warm: number[] = [];
    for (const d of targets) {
      t = process.hrtime.bigint();
      q2.whoCanReach(d.id);
      warm.push(ms(t));
    }
    out(`   who can reach: ${times.map((x) => x.toFixed(1)).join(', ')} ms (5 targets, a fresh Questions with its classes indexed, no answer cached; target ≤ 20 ms); asked again: ${warm.map((x) => x.toFixed(1)).join(', ')} ms`);
    // every interface as a target, each asked once on the same Questions: the distribution; then the widest
    // target (the most rows) on a fresh Questions, where nothing of an earlier question helps
    gc?.();
    const each: number[] = [];
    let widest = { id: '', rows: -1 };
    for (const d of enisList) {
      t = process.hrtime.bigint();
      const rows = q2.whoCanReach(d.id).length;
      each.push(ms(t));
      if (rows > widest.rows) widest = { id: d.id, rows };
    }
    const sorted = [...each].sort((a, b) => a - b);
    const pct = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
    // (three times, each on a fresh Questions made as q2 was: garbage collected first, then indexed)
    const widestCold: number[] = [];
    const widestWarm: number[] = [];
    for (let k = 0; k < 3; k++) {
      gc?.();
      const q3 = new Questions(reach);
      q3.index();
      t = process.hrtime.bigint();
      q3.whoCanReach(widest.id);
      widestCold.push(ms(t));
      t = process.hrtime.bigint();
      q3.whoCanReach(widest.id);
      widestWarm.push(ms(t));
      q3.dispose();
    }
    out(`   who can reach, every interface once: median ${pct(0.5).toFixed(2)} ms, p90 ${pct(0.9).toFixed(2)} ms, p99 ${pct(0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms, ${each.filter((x) => x > 20).length} over 20 ms; the widest target (${widest.rows} rows) on a fresh Questions ${widestCold.map((x) => x.toFixed(1)).join(', ')} ms, asked again ${widestWarm.map((x) => x.toFixed(1)).join(', ')} ms`);

    gc?.();
    t = process.hrtime.bigint();
    const exp = q.exposure();
    const expMs = ms(t);
    sample();
    out(`   exposure: ${expMs.toFixed(0)} ms (target ≤ 1 s): ${exp.length} exposed interfaces, ${exp.filter((x) => x.severity === 'critical').length} critical`);

    // incremental refresh: one rule added to a group used by some interface, then the matrix refreshed
    const victim = targets[2];
    const group = victim.groups[0];
    const refresh: number[] = [];
    gc?.();
    if (group) {
      for (let k = 0; k < 3; k++) {
        region.authorize(group, false, [{ ipProtocol: 'tcp', fromPort: 7000 + k, toPort: 7000 + k, userIdGroupPairs: [{ groupId: group }] }]);
        t = process.hrtime.bigint();
        m.refresh();
        refresh.push(ms(t));
      }
    }
    out(`   incremental refresh after one rule change: ${refresh.map((x) => x.toFixed(2)).join(', ')} ms (matrix rows/columns of the touched classes; target ≤ 5 ms)`);

    // what a change opens: the estate with the rules just added against a copy loaded again from the same file
    // (both sides' matrices are needed: the copy's is built in the first call, then both are kept)
    let copy: Questions | undefined;
    if (group) {
      gc?.();
      const other = loadScenario(text, `generated-${enis}-copy.yaml`);
      copy = new Questions(new Reachability(new Engine(other.region)));
      const nameOf = (qq: Questions, id: string) => (qq === q ? s.names : other.names).nameOf(id) ?? id;
      t = process.hrtime.bigint();
      const d1 = diffReach(copy, q, nameOf);
      const diffMs = ms(t);
      sample();
      t = process.hrtime.bigint();
      diffReach(copy, q, nameOf);
      const again = ms(t);
      out(`   diff after those rule changes (a copy loaded again as the other side): ${(diffMs / 1000).toFixed(2)} s with the copy's matrix built, ${(again / 1000).toFixed(2)} s with both built; ${d1.length} pairs changed`);
    }

    // the reference: the engine port by port, on a few pairs, extrapolated to the classes' pairs
    const pairs = 3;
    t = process.hrtime.bigint();
    for (let k = 0; k < pairs; k++) referencePairTcp(engine, reach, enisList[k], targets[k % targets.length]);
    const refPerPair = ms(t) / pairs;
    const classPairs = classCount * classCount;
    const refMatrixS = (refPerPair * classPairs * reach.protocols[4].length) / 1000;
    out(`   reference (engine port by port, TCP only measured): ${refPerPair.toFixed(0)} ms per pair → full matrix over the same classes ≈ ${refMatrixS.toFixed(0)} s; ratio ≈ ${(refMatrixS / (matrixMs / 1000)).toFixed(0)}×`);
    const whoRef = (refPerPair * classCount * reach.protocols[4].length) / 1000;
    const whoAvg = times.reduce((a, b) => a + b, 0) / times.length;
    out(`   reference who-can-reach ≈ ${whoRef.toFixed(1)} s; ratio ≈ ${(whoRef * 1000 / whoAvg).toFixed(0)}×`);
    sample();
    out(`   peak heap above start: ${(peak / 1024 / 1024).toFixed(0)} MiB`);
    q.dispose();
    q2.dispose();
    copy?.reach.engine.dispose();
    copy?.dispose();
    engine.dispose();
  }
}
