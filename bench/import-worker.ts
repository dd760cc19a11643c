// One measured process of the import benchmark (bench/import.ts), so that its peak RSS is its own:
//   import-worker.js parse DIR   the reference: read every .json file under DIR and JSON.parse it
//   import-worker.js import DIR  `rampart import`'s library path (importSources) on DIR, then the audit of the
//                                result through `rampart audit`'s library path (audit())
// Prints one JSON line on stdout.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { importSources } from '../src/importer/index.js';
import { exportRegion } from '../src/importer/export.js';
import { audit } from '../src/audit/index.js';
import type { Region } from '../src/state/region.js';

/** What the round trip must keep: counts of each kind of resource and of the rules, entries and associations in them. */
export function census(r: Region): Record<string, number> {
  let naclEntries = 0;
  let naclAssociations = 0;
  for (const n of r.networkAcls.values()) {
    naclEntries += n.entries.length;
    naclAssociations += n.associations.length;
  }
  let routes = 0;
  for (const t of r.routeTables.values()) routes += t.routes.length;
  return {
    vpcs: r.vpcs.size, subnets: r.subnets.size, securityGroups: r.securityGroups.size, securityGroupRules: r.securityGroupRules.size,
    networkAcls: r.networkAcls.size, naclEntries, naclAssociations, routeTables: r.routeTables.size, routes,
    networkInterfaces: r.networkInterfaces.size, instances: r.instances.size,
  };
}

/**
 * A digest of the describe-* documents a Region exports: equal digests, equal describe output up to the order of
 * the items in each list (the import creates some resources — a NAT gateway's interface — in another order).
 */
export function exportDigest(r: Region): string {
  const h = createHash('sha256');
  for (const d of exportRegion(r)) {
    h.update(d.name);
    for (const [k, v] of Object.entries(d.data)) h.update(k).update(Array.isArray(v) ? v.map((x) => JSON.stringify(x)).sort().join('\n') : JSON.stringify(v));
  }
  return h.digest('hex');
}

function cpuMs(c: NodeJS.CpuUsage): number {
  return (c.user + c.system) / 1000;
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

function main(): void {
  const [mode, dir] = process.argv.slice(2);
  const rss0 = process.memoryUsage().rss;
  // v8's heap figure, not process.memoryUsage() (which also reads the RSS: 1 ms a call, sampled on every progress tick)
  let heapPeak = getHeapStatistics().used_heap_size;
  const sample = () => {
    heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size);
  };
  if (mode === 'parse') {
    const t = performance.now();
    const c = process.cpuUsage();
    let items = 0;
    for (const f of files(dir)) {
      const data = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
      for (const v of Object.values(data)) if (Array.isArray(v)) items += v.length;
    }
    const cpu = cpuMs(process.cpuUsage(c));
    sample();
    process.stdout.write(JSON.stringify({ ms: performance.now() - t, cpu, items, rss0, maxRss: process.resourceUsage().maxRSS * 1024, heapPeak }) + '\n');
    return;
  }
  if (mode !== 'import') throw new Error(`import-worker: mode parse or import, not '${mode}'`);
  let t = performance.now();
  let c = process.cpuUsage();
  const result = importSources([dir], { onProgress: sample });
  const importCpu = cpuMs(process.cpuUsage(c));
  const importMs = performance.now() - t;
  sample();
  if (result.regions.length !== 1) throw new Error(`import-worker: expected one account/Region, got ${result.regions.length}`);
  const region = result.regions[0].state;
  t = performance.now();
  c = process.cpuUsage();
  const a = audit(region);
  const auditCpu = cpuMs(process.cpuUsage(c));
  const auditMs = performance.now() - t;
  sample();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({
    importMs, importCpu, auditMs, auditCpu, rss0, maxRss, heapPeak,
    findings: a.findings.length, failing: a.failing.length, warnings: result.warnings.length, skipped: result.skipped,
    census: census(region), digest: exportDigest(region),
  }) + '\n');
}

if (process.argv[1]?.endsWith('import-worker.js')) main();
