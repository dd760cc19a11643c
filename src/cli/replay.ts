// `rampart replay FLOWLOGS… --against SCENARIO | --data-dir DIR`: re-decide real flow-log records
// against a configuration and report the flows whose verdict would change (exit 1 when some would).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Engine } from '../engine/engine.js';
import { AwsError } from '../model/errors.js';
import { loadScenario, ScenarioError, type Names } from '../scenario/load.js';
import { TargetError } from '../scenario/targets.js';
import { SqliteJournal } from '../store/journal.js';
import { JournalReplay } from '../state/timeline.js';
import { parseLogFormat, type FlowLogFormat } from '../flowlogs/format.js';
import { FlowLogInputError, forEachFlowRecord, listFlowLogFiles, progressBar, type ReadStats } from '../flowlogs/read.js';
import { changeText, formatCount, ReplaySession, totalsText } from '../flowlogs/replay.js';
import { toJson } from './format.js';
import { parseTime } from './events.js';
import type { Region } from '../state/region.js';

export interface ConfigSource {
  against?: string;
  dataDir?: string;
  at?: string;
  account?: string;
  region?: string;
}

export interface Configuration {
  region: Region;
  engine: Engine;
  names?: Names;
  label: string;
}

/** The configuration flows are judged against: a scenario file, or a server's data directory. */
export function openConfiguration(src: ConfigSource): Configuration {
  const given = [src.against, src.dataDir].filter((x) => x !== undefined).length;
  if (given !== 1) throw new TargetError('give the configuration: --against SCENARIO or --data-dir DIR (a rampart serve data directory)');
  if (src.against !== undefined) {
    let text: string;
    try {
      text = readFileSync(src.against, 'utf8');
    } catch {
      throw new TargetError(`cannot read scenario file '${src.against}'`);
    }
    const s = loadScenario(text, src.against);
    return { region: s.region, engine: new Engine(s.region), names: s.names, label: src.against };
  }
  const account = src.account ?? '123456789012';
  const regionName = src.region ?? 'us-east-1';
  const at = src.at !== undefined ? parseTime(src.at) : Date.now();
  let j: SqliteJournal;
  try {
    j = new SqliteJournal(src.dataDir!);
  } catch {
    throw new TargetError(`cannot open the rampart data in '${src.dataDir}'`);
  }
  try {
    const rp = new JournalReplay(j.calls());
    rp.advance(at);
    const t = rp.accounts.get(account, regionName);
    return { region: t.region, engine: t.engine, label: `${src.dataDir} (${account}/${regionName}${src.at ? ` at ${new Date(at).toISOString()}` : ''})` };
  } finally {
    j.close();
  }
}

export function parseFormatOption(v: string | undefined): FlowLogFormat | undefined {
  if (v === undefined) return undefined;
  try {
    return parseLogFormat(v.includes('${') ? v : v.trim().split(/[\s,]+/).map((f) => `\${${f}}`).join(' '));
  } catch (e) {
    throw new TargetError(`--format: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface ReplayCliOptions extends ConfigSource {
  format?: string;
  json?: boolean;
  limit?: string;
}

/** Writes the report; resolves to the exit status (0 nothing changes, 1 some verdicts change). */
export async function replayCommand(paths: string[], opts: ReplayCliOptions, write: (s: string) => void): Promise<number> {
  const format = parseFormatOption(opts.format);
  const limit = opts.limit !== undefined ? Number(opts.limit) : 50;
  if (!Number.isInteger(limit) || limit < 0) throw new TargetError(`--limit: '${opts.limit}' is not a number`);
  const files = listFlowLogFiles(paths);
  const cfg = openConfiguration(opts);
  const session = new ReplaySession(cfg.engine, cfg.names);
  const bar = progressBar('replay');
  const t0 = performance.now();
  let stats: ReadStats;
  try {
    stats = await forEachFlowRecord(files, (rec) => session.add(rec), {
      format,
      onProgress: (d, t) => bar.update(d, t, `${formatCount(session.totals.records)} records`),
    });
  } finally {
    bar.done();
  }
  const secs = (performance.now() - t0) / 1000;
  session.totals.malformed = stats.malformed;
  const changes = session.changes();
  const t = session.totals;
  if (opts.json) {
    write(toJson({
      configuration: cfg.label, files: stats.files, formats: stats.formats, seconds: Number(secs.toFixed(3)),
      totals: t, changes,
    }) + '\n');
  } else {
    const out: string[] = [];
    out.push(`replayed ${formatCount(t.records)} flow records from ${stats.files} file${stats.files === 1 ? '' : 's'} against ${cfg.label} in ${secs.toFixed(1)} s`);
    out.push(...totalsText(t));
    if (changes.length === 0) out.push('no verdict would change');
    for (const g of changes.slice(0, limit)) out.push(...changeText(g));
    if (changes.length > limit) out.push(`… and ${changes.length - limit} more groups (--limit, or --json for all)`);
    write(out.join('\n') + '\n');
  }
  return t.toReject + t.toAccept > 0 ? 1 : 0;
}

/** Bad input of the flow-log commands: status 2 and a message. */
export function inputErrorMessage(e: unknown): string | undefined {
  if (e instanceof FlowLogInputError || e instanceof TargetError || e instanceof ScenarioError) return e.message;
  if (e instanceof AwsError) return `${e.code}: ${e.message}`;
  return undefined;
}

/** Runs an async command: the exit status is set when it settles. */
export function runAsync(run: (f: () => number) => void, f: () => Promise<number>): void {
  run(() => {
    process.exitCode = 0;
    f().then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        const m = inputErrorMessage(e);
        process.stderr.write(`rampart: ${m ?? (e instanceof Error ? (process.argv.includes('--debug') ? e.stack : e.message) : String(e))}\n`);
        process.exitCode = m !== undefined ? 2 : 3;
      },
    );
    return 0;
  });
}

export function addConfigOptions(cmd: Command): Command {
  return cmd
    .option('--against <scenario>', 'the configuration: a scenario file (YAML or JSON)')
    .option('--data-dir <dir>', 'the configuration: the state of a rampart serve data directory (now, or --at)')
    .option('--at <time>', 'with --data-dir: the state at this past time (ISO 8601, or 2h, 7d …)')
    .option('--account <id>', 'with --data-dir: the account (default 123456789012)')
    .option('--region <name>', 'with --data-dir: the Region (default us-east-1)')
    .option('--format <fields>', 'the format of headerless files: a LogFormat (\'${version} ${interface-id} …\') or field names (\'version interface-id …\'); default: AWS\'s default v2 format. Files with a header line use it');
}

export function registerReplay(program: Command, run: (f: () => number) => void): void {
  addConfigOptions(
    program
      .command('replay')
      .description('re-decide real VPC flow-log records (v2–v5, plain or gzip, S3 folder layout) against a configuration and report the flows whose verdict would change (exit 0 none, 1 some, 2 bad input)')
      .argument('<flowlogs...>', 'flow-log files or folders (AWSLogs/{account}/vpcflowlogs/{region}/YYYY/MM/DD/*.log.gz)'),
  )
    .option('--json', 'machine-readable output')
    .option('--limit <n>', 'groups of changed flows printed (text)', '50')
    .action((paths: string[], opts: ReplayCliOptions) => runAsync(run, () => replayCommand(paths, opts, (s) => process.stdout.write(s))));
}
