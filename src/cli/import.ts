// `rampart import` (real accounts: describe-* JSON, terraform show -json) and `rampart export` (a scenario or
// an import as describe-* JSON). Exit statuses: 0 everything imported, 1 something skipped, 2 bad input.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { ImportInputError, importSources, type ImportResult, type ImportWarning } from '../importer/index.js';
import { exportRegion } from '../importer/export.js';
import { regionToScenario } from '../importer/scenario.js';
import { loadScenario, ScenarioError } from '../scenario/load.js';
import type { Region } from '../state/region.js';
import { progressBar } from './progress.js';

interface ImportCliOptions {
  out?: string;
  server?: string;
  json?: boolean;
  account?: string;
  region?: string;
  seed?: string;
  progress?: boolean;
}

const LABELS: [string, string, string][] = [
  ['vpcs', 'VPC', 'VPCs'], ['subnets', 'subnet', 'subnets'], ['securityGroups', 'security group', 'security groups'], ['rules', 'rule', 'rules'],
  ['staleRules', 'stale reference', 'stale references'], ['networkAcls', 'network ACL', 'network ACLs'], ['networkAclEntries', 'ACL entry', 'ACL entries'],
  ['routeTables', 'route table', 'route tables'], ['routes', 'route', 'routes'], ['internetGateways', 'internet gateway', 'internet gateways'],
  ['peerings', 'peering', 'peerings'], ['prefixLists', 'prefix list', 'prefix lists'], ['networkInterfaces', 'network interface', 'network interfaces'],
  ['instances', 'instance', 'instances'], ['services', 'service resource', 'service resources'], ['addresses', 'Elastic IP', 'Elastic IPs'],
];

function countsText(counts: Record<string, number>): string {
  return LABELS.filter(([k]) => counts[k]).map(([k, one, many]) => `${counts[k].toLocaleString('en')} ${counts[k] === 1 ? one : many}`).join(', ') || 'nothing';
}

function warningLine(w: ImportWarning): string {
  const where = w.file ? `${w.file}${w.path ? ` ${w.path}` : ''}: ` : '';
  return `  ${w.kind === 'skipped' ? 'skipped' : 'note   '}  ${where}${w.message}`;
}

/** Where the scenario of one account/Region goes: FILE itself when there is one, else FILE.ACCOUNT.REGION.yaml. */
function outPath(out: string, many: boolean, account: string, region: string): string {
  if (!many) return out;
  const ext = extname(out) || '.yaml';
  return `${out.slice(0, out.length - extname(out).length)}.${account}.${region}${ext}`;
}

/** Sends an imported Region to a running rampart serve (POST /_rampart/import), with its real ids. */
async function sendToServer(url: string, state: Region): Promise<{ counts: Record<string, number>; warnings: ImportWarning[] }> {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new ImportInputError(`--server: '${url}' is not a URL`);
  }
  const target = new URL('/_rampart/import', base);
  target.searchParams.set('account', state.accountId);
  target.searchParams.set('region', state.name);
  const documents = exportRegion(state);
  let res: Response;
  try {
    res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documents }) });
  } catch (e) {
    throw new ImportInputError(`--server: cannot reach ${url} (${e instanceof Error ? e.message : String(e)}); is rampart serve running there?`);
  }
  const text = await res.text();
  if (!res.ok) throw new ImportInputError(`--server: ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as { counts: Record<string, number>; warnings: ImportWarning[] };
}

/** The import, synchronous unless --server is given (then the answer waits for the server). */
export function importCommand(sources: string[], opts: ImportCliOptions, out: (s: string) => void): number | Promise<number> {
  const seed = opts.seed !== undefined ? Number(opts.seed) : undefined;
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new ImportInputError(`--seed: expected a whole number, not '${opts.seed}'`);
  if (opts.account !== undefined && !/^\d{12}$/.test(opts.account)) throw new ImportInputError(`--account: an AWS account id is 12 digits, not '${opts.account}'`);
  const progress = progressBar('import', process.stderr, opts.progress !== false);
  const bar = { update: (done: number, total: number, label: string) => progress.update(done, total, `${done.toLocaleString('en')}/${total.toLocaleString('en')} resources (${label})`), end: () => progress.end() };
  let result: ImportResult;
  const t0 = performance.now();
  try {
    result = importSources(sources, { account: opts.account, region: opts.region, seed, onProgress: bar.update });
  } finally {
    bar.end();
  }
  const ms = performance.now() - t0;
  const many = result.regions.length > 1;
  const written: { account: string; region: string; file: string; notes: number }[] = [];
  if (opts.out) {
    for (const r of result.regions) {
      const file = outPath(opts.out, many, r.account, r.region);
      const sc = regionToScenario(r.state, { quotas: r.quotas });
      writeFileSync(file, sc.yaml);
      written.push({ account: r.account, region: r.region, file, notes: sc.notes.length });
    }
  }
  const served: Served[] = [];
  if (!opts.server) return report(result, written, served, ms, opts, out);
  const server = opts.server;
  return (async () => {
    for (const r of result.regions) {
      const s = await sendToServer(server, r.state);
      served.push({ account: r.account, region: r.region, ...s });
      // what the server could not take is as much a loss as what the import could not read
      for (const w of s.warnings) if (w.kind === 'skipped') result.warnings.push({ ...w, message: `on the server: ${w.message}` });
    }
    return report(result, written, served, ms, opts, out);
  })();
}

interface Served {
  account: string;
  region: string;
  counts: Record<string, number>;
  warnings: ImportWarning[];
}

function report(result: ImportResult, written: { account: string; region: string; file: string; notes: number }[], served: Served[], ms: number, opts: ImportCliOptions, out: (s: string) => void): number {
  const many = result.regions.length > 1;
  const skipped = result.warnings.filter((w) => w.kind === 'skipped').length;
  if (opts.json) {
    out(JSON.stringify({
      files: result.files, milliseconds: Math.round(ms),
      regions: result.regions.map((r) => ({ account: r.account, region: r.region, counts: r.counts, quotas: r.quotas })),
      scenarios: written, server: served.map((s) => ({ account: s.account, region: s.region, counts: s.counts })),
      skipped, warnings: result.warnings,
    }, null, 2) + '\n');
  } else {
    out(`imported ${result.files} file${result.files === 1 ? '' : 's'} in ${(ms / 1000).toFixed(2)} s: ${result.regions.length} account/Region${many ? 's' : ''}\n`);
    for (const r of result.regions) {
      out(`${r.account}/${r.region}: ${countsText(r.counts)}\n`);
      const q = Object.entries(r.quotas);
      if (q.length) out(`  quotas above AWS's defaults: ${q.map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    }
    for (const w of written) out(`wrote ${w.file} (ids are generated again when it is loaded${w.notes ? `; ${w.notes === 1 ? 'one thing the scenario format cannot say is' : `${w.notes} things the scenario format cannot say are`} listed at its top` : ''})\n`);
    for (const s of served) out(`loaded into ${opts.server} ${s.account}/${s.region}: ${countsText(s.counts)}\n`);
    if (result.warnings.length) {
      const notes = result.warnings.length - skipped;
      out(`${skipped} skipped, ${notes} note${notes === 1 ? '' : 's'}:\n`);
      for (const w of [...result.warnings].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'skipped' ? -1 : 1))) out(`${warningLine(w)}\n`);
    } else out('everything imported\n');
  }
  return skipped > 0 ? 1 : 0;
}

/** `rampart export`: a scenario file, or import sources, as describe-* JSON files in a folder. */
export function exportCommand(source: string[], opts: { out: string; json?: boolean }, out: (s: string) => void): number {
  const regions: Region[] = [];
  if (source.length === 1 && /\.(ya?ml)$/i.test(source[0])) {
    let text: string;
    try {
      text = readFileSync(source[0], 'utf8');
    } catch {
      throw new ImportInputError(`cannot read scenario file '${source[0]}'`);
    }
    regions.push(loadScenario(text, source[0]).region);
  } else {
    regions.push(...importSources(source).regions.map((r) => r.state));
  }
  const files: string[] = [];
  for (const r of regions) {
    const dir = regions.length > 1 ? join(opts.out, 'accounts', r.accountId, r.name) : opts.out;
    mkdirSync(dir, { recursive: true });
    for (const d of exportRegion(r)) {
      const f = join(dir, d.name);
      writeFileSync(f, JSON.stringify(d.data, null, 4) + '\n');
      files.push(f);
    }
  }
  if (opts.json) out(JSON.stringify({ files }, null, 2) + '\n');
  else out(`wrote ${files.length} describe-* files to ${opts.out}\n`);
  return 0;
}

function fail(e: unknown): number {
  if (e instanceof ImportInputError || e instanceof ScenarioError) {
    process.stderr.write(`rampart: ${e.message}\n`);
    return 2;
  }
  process.stderr.write(`rampart: internal error: ${e instanceof Error ? (process.argv.includes('--debug') ? e.stack : e.message) : String(e)}\n`);
  return 3;
}

export function registerImport(program: Command, run: (f: () => number) => void): void {
  program
    .command('import')
    .description('read a real account: aws ec2 describe-* JSON (files, folders, aws_configs/<region>/ and aws_configs/accounts/<account>/<region>/ layouts, plus rds describe-db-instances and elb/elbv2 describe-load-balancers) or terraform show -json (state or plan) (exit 0 all imported, 1 something skipped, 2 bad input)')
    .argument('<sources...>', 'JSON files or folders')
    .option('-o, --out <file>', 'write a scenario file (several accounts/Regions: FILE.ACCOUNT.REGION.yaml)')
    .option('--server <url>', 'load the result into a running rampart serve, keeping the real ids')
    .option('--json', 'machine-readable summary')
    .option('--account <id>', 'the account of files that do not say')
    .option('--region <name>', 'the Region of files that do not say')
    .option('--seed <n>', 'seed of the ids the sources do not supply (default: derived from the sources)')
    .option('--no-progress', 'no progress bar (it is drawn only when stderr is a terminal)')
    .action((sources: string[], opts: ImportCliOptions) => run(() => {
      let r: number | Promise<number>;
      try {
        r = importCommand(sources, opts, (s) => process.stdout.write(s));
      } catch (e) {
        return fail(e);
      }
      if (typeof r === 'number') return r;
      // --server: the status is known once the server has answered (bin.ts has set exitCode by then)
      r.then(
        (code) => {
          process.exitCode = code;
        },
        (e: unknown) => {
          process.exitCode = fail(e);
        },
      );
      return 0;
    }));
  program
    .command('export')
    .description('write a scenario (or an import\'s sources) as the JSON aws ec2 describe-* prints, one file per command (exit 0, 2 bad input)')
    .argument('<source...>', 'a scenario file (.yaml/.yml), or JSON files/folders to import')
    .requiredOption('-o, --out <dir>', 'folder for the files (several accounts/Regions: DIR/accounts/ACCOUNT/REGION/)')
    .option('--json', 'list the files written as JSON')
    .action((source: string[], opts: { out: string; json?: boolean }) => run(() => {
      try {
        return exportCommand(source, opts, (s) => process.stdout.write(s));
      } catch (e) {
        return fail(e);
      }
    }));
}
