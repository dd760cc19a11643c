// Import benchmark: a generated estate written out by rampart's own exporter as the describe-* JSON files of an
// `aws_configs/accounts/<account>/<region>/` folder, then `rampart import`'s library path reading the folder back
// followed by the audit of the result (`rampart audit`'s library path) — target: both together under 10 s at
// 10,000 interfaces. Each measurement runs in a fresh process (bench/import-worker.ts) so its peak RSS is its
// own; CPU time is what is compared (the machine is shared), best of several runs. The reference, measured in
// the same run on the same files: reading them and JSON.parse alone, the floor of any import.
// The round trip is checked too: the imported Region has the same counts, and exports the same describe-* JSON.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenario/load.js';
import { generateEstate } from '../src/scenario/generate.js';
import { exportRegion } from '../src/importer/export.js';
import { census, exportDigest } from './import-worker.js';

interface ParseRun {
  ms: number;
  cpu: number;
  items: number;
  maxRss: number;
}

interface ImportRun {
  importMs: number;
  importCpu: number;
  auditMs: number;
  auditCpu: number;
  rss0: number;
  maxRss: number;
  heapPeak: number;
  findings: number;
  failing: number;
  warnings: number;
  skipped: number;
  census: Record<string, number>;
  digest: string;
}

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'import-worker.js');
const TARGET_MS = 10_000;

function worker<T>(mode: 'parse' | 'import', dir: string): T {
  const text = execFileSync(process.execPath, [WORKER, mode, dir], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(text) as T;
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function runImportBench(out: (s: string) => void, sizes: number[], repeats = 3): void {
  for (const enis of sizes) {
    out(`== import: generated estate of ${enis.toLocaleString('en')} interfaces, as describe-* JSON`);
    const s = loadScenario(generateEstate({ enis, seed: 1 }), `generated-${enis}.yaml`);
    const before = census(s.region);
    const digest = exportDigest(s.region);
    // the layout `rampart export` writes for several accounts/Regions: the folders name the account and Region
    const root = mkdtempSync(join(tmpdir(), 'rampart-bench-import-'));
    const dir = join(root, 'aws_configs', 'accounts', s.region.accountId, s.region.name);
    mkdirSync(dir, { recursive: true });
    let bytes = 0;
    const docs = exportRegion(s.region);
    for (const d of docs) {
      const f = join(dir, d.name);
      writeFileSync(f, JSON.stringify(d.data, null, 4) + '\n');
      bytes += statSync(f).size;
    }
    out(`   ${docs.length} files, ${mib(bytes)}: ${before.vpcs} VPCs, ${before.securityGroups.toLocaleString('en')} groups, ${before.securityGroupRules.toLocaleString('en')} rules, ${before.naclEntries.toLocaleString('en')} NACL entries, ${before.networkInterfaces.toLocaleString('en')} ENIs`);
    try {
      const parses: ParseRun[] = [];
      const runs: ImportRun[] = [];
      // interleaved, so that a burst of load from other work on the machine does not fall on one side only
      for (let i = 0; i < repeats; i++) {
        parses.push(worker<ParseRun>('parse', root));
        runs.push(worker<ImportRun>('import', root));
      }
      const best = <T>(xs: T[], f: (x: T) => number) => Math.min(...xs.map(f));
      const parseCpu = best(parses, (p) => p.cpu);
      const importCpu = best(runs, (r) => r.importCpu);
      const auditCpu = best(runs, (r) => r.auditCpu);
      const totalCpu = best(runs, (r) => r.importCpu + r.auditCpu);
      const totalWall = best(runs, (r) => r.importMs + r.auditMs);
      const last = runs[runs.length - 1];
      out(`   import ${sec(importCpu)} CPU (wall ${sec(best(runs, (r) => r.importMs))}), audit ${sec(auditCpu)} CPU (wall ${sec(best(runs, (r) => r.auditMs))}): ${last.findings.toLocaleString('en')} findings, ${last.failing.toLocaleString('en')} at high or above; best of ${repeats}`);
      // the verdict is on CPU time: wall time on this shared machine says as much about the others' jobs as about ours
      const verdict = totalCpu < TARGET_MS ? 'met' : 'NOT met';
      out(`   import + audit: ${sec(totalCpu)} CPU, wall ${sec(totalWall)}${os.loadavg()[0] > os.availableParallelism() ? ` (load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores)` : ''}; target < 10 s of CPU ${enis >= 10_000 ? verdict : `(at 10,000 interfaces; ${verdict} at this size)`}`);
      out(`   peak RSS ${mib(Math.min(...runs.map((r) => r.maxRss)))} (a fresh node process starts at ${mib(last.rss0)}), largest sampled heap ${mib(Math.min(...runs.map((r) => r.heapPeak)))}`);
      out(`   reference: read + JSON.parse of the same files ${sec(parseCpu)} CPU (${parses[0].items.toLocaleString('en')} items, peak RSS ${mib(Math.min(...parses.map((p) => p.maxRss)))}); import is ${(importCpu / parseCpu).toFixed(1)}× that, import + audit ${(totalCpu / parseCpu).toFixed(1)}×`);
      const after = last.census;
      const diff = Object.keys(before).filter((k) => before[k] !== after[k]);
      out(`   round trip: ${diff.length === 0 ? 'counts equal' : `counts DIFFER: ${diff.map((k) => `${k} ${before[k]} → ${after[k]}`).join(', ')}`} (${Object.entries(after).map(([k, v]) => `${k} ${v}`).join(', ')}); describe-* output of the import ${last.digest === digest ? 'identical' : 'DIFFERS'} (up to list order); ${last.skipped} skipped, ${last.warnings} warnings`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
}
