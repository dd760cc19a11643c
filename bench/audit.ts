// Audit benchmark on generated estates: the whole audit (every check, with the exact reachability analysis it
// needs) timed and its peak heap measured, per group of checks; the reference measured in the same run is the
// exposure question alone (Questions.exposure on a fresh analysis), the largest single piece the audit reuses.
// Also: how many of the generator's deliberate mistakes the audit reports under the matching check.
import { Engine } from '../src/engine/engine.js';
import { Reachability } from '../src/analysis/reach.js';
import { Questions } from '../src/analysis/questions.js';
import { loadScenario } from '../src/scenario/load.js';
import { generateEstate, generateEstateReport } from '../src/scenario/generate.js';
import { Auditor } from '../src/audit/checks.js';
import type { Finding } from '../src/audit/types.js';

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The check that should report each kind of mistake the generator makes (missing-peering-route: none yet). */
const CHECK_FOR: Record<string, string> = {
  'world-admin': 'RMP-SG-004', 'world-database': 'RMP-SG-006', 'unused-group': 'RMP-SG-017', 'near-quota': 'RMP-SG-019', 'nacl-no-ephemeral': 'RMP-NACL-003',
};

export function runAuditBench(out: (s: string) => void, sizes: number[]): void {
  for (const enis of sizes) {
    out(`== audit: generated estate of ${enis.toLocaleString('en')} interfaces`);
    const gc = (globalThis as { gc?: () => void }).gc;
    let t = process.hrtime.bigint();
    const s = loadScenario(generateEstate({ enis, seed: 1 }), `generated-${enis}.yaml`);
    const { summary } = generateEstateReport({ enis, seed: 1 });
    const region = s.region;
    out(`   generated + loaded in ${(ms(t) / 1000).toFixed(1)} s: ${region.networkInterfaces.size} ENIs, ${region.securityGroups.size} groups, ${region.securityGroupRules.size} rules, ${region.networkAcls.size} NACLs`);
    gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    t = process.hrtime.bigint();
    const a = new Auditor(region, { nameOf: (id) => s.names.nameOf(id) });
    const findings: Finding[] = a.run();
    const auditMs = ms(t);
    // the heap is sampled after each group of checks (the audit is synchronous)
    const peak = Math.max(0, ...a.timings.map((x) => x.heapUsed - heap0), process.memoryUsage().heapUsed - heap0);
    a.dispose();
    const bySev = new Map<string, number>();
    for (const f of findings) bySev.set(f.severity, (bySev.get(f.severity) ?? 0) + 1);
    out(`   audit: ${(auditMs / 1000).toFixed(2)} s (target < 10 s at 10,000), ${findings.length} findings (${[...bySev].map(([k, v]) => `${v} ${k}`).join(', ')}), peak heap above start ${(peak / 1024 / 1024).toFixed(0)} MiB`);
    out(`   per group of checks: ${a.timings.map((x) => `${x.checks.length > 1 ? `${x.checks[0]}…` : x.checks[0]} ${x.ms.toFixed(0)} ms`).join(', ')}`);
    // the reference: the exposure question alone, on a fresh analysis of the same state
    const engine = new Engine(region);
    const q = new Questions(new Reachability(engine));
    t = process.hrtime.bigint();
    q.exposure();
    const expMs = ms(t);
    q.dispose();
    engine.dispose();
    out(`   reference: exposure alone ${(expMs / 1000).toFixed(2)} s; the whole audit is ${(auditMs / expMs).toFixed(1)}× that`);
    // recall on the generator's mistakes
    const kinds = new Map<string, { found: number; total: number }>();
    for (const m of summary.mistakes) {
      const check = CHECK_FOR[m.kind];
      if (!check) continue;
      const id = m.kind === 'nacl-no-ephemeral' ? s.names.networkAcls.get(`${m.vpc}/${m.target}`) : s.names.groups.get(`${m.vpc}/${m.target}`);
      const k = kinds.get(m.kind) ?? { found: 0, total: 0 };
      k.total++;
      if (findings.some((f) => f.checkId === check && f.resourceId === id)) k.found++;
      kinds.set(m.kind, k);
    }
    out(`   generator's mistakes reported: ${[...kinds].map(([k, v]) => `${k} ${v.found}/${v.total}`).join(', ') || 'none made'}`);
  }
}
