// `rampart traffic SCENARIO`: plays a workload through the engine over simulated time and writes the VPC Flow
// Logs records AWS would (to stdout, or to files in the S3 layout with --out).
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { Engine } from '../engine/engine.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { deliverWorkload, FlowLogFileWriter } from '../flowlogs/deliver.js';
import { formatRecord, parseLogFormat, type FlowRecord } from '../flowlogs/format.js';
import { DEFAULT_EPOCH, FlowLogRecorder, type TrafficType } from '../flowlogs/records.js';
import { parseWorkload, playWorkload, WorkloadError } from '../flowlogs/traffic.js';
import { loadScenario } from '../scenario/load.js';
import { parseDuration } from '../scenario/simulate.js';
import { parseTarget, TargetError } from '../scenario/targets.js';
import { progressBar } from './progress.js';
import { servedStateAt } from './events.js';

/** Bad input on the command line (exit 2). */
class TrafficInputError extends TargetError {}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new TrafficInputError(`cannot read ${what} '${path}'`);
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

export interface TrafficOptions {
  workload?: string;
  duration?: string;
  interval?: string;
  format?: string;
  trafficType?: string;
  interfaces?: string;
  out?: string;
  gzip?: boolean;
  header?: boolean;
  seed?: string;
  start?: string;
  dataDir?: string;
  account?: string;
  region?: string;
}

/** Writes to stdout; a reader that goes away (`| head`) ends the run quietly, as for any Unix filter. */
function stdoutWriter(): (s: string) => void {
  let hooked = false;
  return (s) => {
    if (!hooked) {
      hooked = true;
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(0);
        throw e;
      });
    }
    process.stdout.write(s);
  };
}

export function runTraffic(scenarioPath: string, o: TrafficOptions, out: (s: string) => void = stdoutWriter()): number {
  const s = loadScenario(readText(scenarioPath, 'scenario file'), scenarioPath);
  let workloadData: unknown;
  if (o.workload !== undefined) {
    try {
      workloadData = parseYaml(readText(o.workload, 'workload file'));
    } catch (e) {
      if (e instanceof TrafficInputError) throw e;
      throw new TrafficInputError(`${o.workload}: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    workloadData = s.data.traffic ?? s.data.workload;
    if (workloadData === undefined) throw new TrafficInputError(`${scenarioPath} declares no traffic: add a traffic: section (flows: [{ from: web, to: db:5432/tcp, rate: 1/s }]) or pass --workload FILE`);
  }
  const where = o.workload ?? `${scenarioPath} (traffic)`;
  let workload;
  try {
    workload = parseWorkload(workloadData);
  } catch (e) {
    throw new TrafficInputError(`${where}: ${(e as Error).message}`);
  }
  const interval = o.interval === undefined ? 600 : Number(o.interval);
  if (interval !== 60 && interval !== 600) throw new TrafficInputError(`--interval: the aggregation interval is 60 or 600 seconds, not '${o.interval}'`);
  const trafficType = (o.trafficType ?? 'ALL').toUpperCase();
  if (trafficType !== 'ALL' && trafficType !== 'ACCEPT' && trafficType !== 'REJECT') throw new TrafficInputError(`--traffic-type: ACCEPT, REJECT or ALL, not '${o.trafficType}'`);
  let format;
  try {
    format = parseLogFormat(o.format);
  } catch (e) {
    throw new TrafficInputError(`--format: ${(e as Error).message}`);
  }
  let duration: number | undefined;
  if (o.duration !== undefined) {
    try {
      duration = parseDuration(o.duration);
    } catch (e) {
      throw new TrafficInputError(`--duration: ${(e as Error).message}`);
    }
    if (duration <= 0) throw new TrafficInputError('--duration must be more than 0 seconds');
  }
  let seed = 1;
  if (o.seed !== undefined) {
    if (!/^\d+$/.test(o.seed)) throw new TrafficInputError(`--seed: a whole number, not '${o.seed}'`);
    seed = Number(o.seed);
  }
  let epoch = DEFAULT_EPOCH;
  if (o.start !== undefined) {
    const ms = Date.parse(o.start);
    if (!/^\d{4}-\d{2}-\d{2}/.test(o.start) || Number.isNaN(ms)) throw new TrafficInputError(`--start: an ISO 8601 time (2026-01-01T00:00:00Z), not '${o.start}'`);
    epoch = Math.floor(ms / 1000);
  }
  let interfaceIds: string[] | undefined;
  if (o.interfaces !== undefined) {
    interfaceIds = o.interfaces.split(',').filter(Boolean).map((n) => {
      const t = parseTarget(n.trim(), s.names, s.region);
      if (t.endpoint.kind !== 'eni') throw new TrafficInputError(`--interfaces: '${n}' is not a network interface`);
      return t.endpoint.networkInterfaceId;
    });
  }

  const engine = new Engine(s.region);
  const recorder = new FlowLogRecorder(s.region, engine, { interval: interval as 60 | 600, trafficType: trafficType as TrafficType, epoch, interfaceIds });
  const flowLogId = s.region.ids.id('fl');
  const writer = o.out !== undefined ? new FlowLogFileWriter({ dir: o.out, accountId: s.region.accountId, region: s.region.name, flowLogId, format, gzip: o.gzip }) : undefined;
  let records = 0;
  let headerDone = o.header === false || writer !== undefined;
  const emit = (recs: FlowRecord[]) => {
    if (recs.length === 0) return;
    records += recs.length;
    if (writer) {
      writer.write(recs);
      return;
    }
    let text = headerDone ? '' : format.header + '\n';
    headerDone = true;
    for (const r of recs) text += formatRecord(r, format) + '\n';
    out(text);
  };
  const bar = progressBar('traffic');
  const t0 = Date.now();
  let stats;
  try {
    stats = playWorkload(engine, s.names, workload, {
      duration, seed,
      onPacket: (events, t, packets, bytes) => {
        recorder.add(events, t, packets, bytes);
      },
      onProgress: (t, end) => {
        emit(recorder.flush(t));
        bar.update(t, end, `${count(records)} records`);
      },
    });
  } catch (e) {
    bar.end();
    if (e instanceof WorkloadError) throw new TrafficInputError(`${where}: ${e.message}`);
    throw e;
  }
  emit(recorder.finish(stats.duration));
  bar.end();
  if (!headerDone) out(format.header + '\n');
  const secs = (Date.now() - t0) / 1000;
  const summary =
    `${count(stats.connections)} connections over ${stats.duration}s simulated in ${secs.toFixed(2)}s: ${count(stats.packets)} packets ` +
    `(${count(stats.accepted)} accepted, ${count(stats.rejected)} rejected), ${count(records)} flow-log records (v${format.version}, ${interval}s interval, ${trafficType})`;
  if (writer) {
    out(`${summary}\n${[...writer.files].sort().map((f) => `  ${f}`).join('\n')}\n`);
  } else if (process.stderr.isTTY) process.stderr.write(summary + '\n');
  return 0;
}

/**
 * `--data-dir`: the state of a `rampart serve` data directory (its journal replayed), the workload played on
 * one account and Region, and the records of each of its flow logs (CreateFlowLogs) delivered to that flow
 * log's files under the data directory, in the S3 layout.
 */
export function runTrafficOnDataDir(o: TrafficOptions, out: (s: string) => void = stdoutWriter()): number {
  const dir = o.dataDir!;
  if (o.workload === undefined) throw new TrafficInputError('--data-dir needs --workload FILE (endpoints as eni-…, i-… or addresses)');
  if (!existsSync(join(dir, 'rampart.sqlite'))) throw new TrafficInputError(`no rampart data in '${dir}' (start rampart serve --data-dir ${dir})`);
  for (const [flag, v] of [['--format', o.format], ['--interval', o.interval], ['--traffic-type', o.trafficType], ['--out', o.out], ['--interfaces', o.interfaces]] as const) {
    if (v !== undefined && !(flag === '--interval' && v === '600') && !(flag === '--traffic-type' && v === 'ALL')) {
      throw new TrafficInputError(`${flag} does not apply with --data-dir: each flow log's own format, interval, traffic type and interfaces are used`);
    }
  }
  let data: unknown;
  try {
    data = parseYaml(readText(o.workload, 'workload file'));
  } catch (e) {
    if (e instanceof TrafficInputError) throw e;
    throw new TrafficInputError(`${o.workload}: ${(e as Error).message.split('\n')[0]}`);
  }
  let workload;
  try {
    workload = parseWorkload(data);
  } catch (e) {
    throw new TrafficInputError(`${o.workload}: ${(e as Error).message}`);
  }
  const tenant = servedStateAt(dir, Number.MAX_SAFE_INTEGER, o.account, o.region);
  if (tenant.region.flowLogs.size === 0) throw new TrafficInputError(`account ${tenant.accountId} has no flow logs in ${tenant.regionName}: create one first (aws ec2 create-flow-logs …)`);
  let start: number | undefined;
  if (o.start !== undefined) {
    const ms = Date.parse(o.start);
    if (!/^\d{4}-\d{2}-\d{2}/.test(o.start) || Number.isNaN(ms)) throw new TrafficInputError(`--start: an ISO 8601 time (2026-01-01T00:00:00Z), not '${o.start}'`);
    start = Math.floor(ms / 1000);
  }
  const duration = o.duration === undefined ? undefined : parseDuration(o.duration);
  const seed = o.seed === undefined ? 1 : Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new TrafficInputError(`--seed: a whole number, not '${o.seed}'`);
  let r;
  try {
    r = deliverWorkload(tenant.region, tenant.engine, dir, workload, { start, duration, seed, gzip: o.gzip });
  } catch (e) {
    if (e instanceof WorkloadError) throw new TrafficInputError(`${o.workload}: ${e.message}`);
    throw e;
  }
  let text = `${count(r.stats.connections)} connections, ${count(r.stats.packets)} packets (${count(r.stats.accepted)} accepted, ${count(r.stats.rejected)} rejected) over ${r.stats.duration}s\n`;
  for (const [id, d] of Object.entries(r.flowLogs)) {
    text += `${id}: ${count(d.records)} records\n${d.files.map((f) => `  ${f}\n`).join('')}`;
  }
  out(text);
  return 0;
}

export function registerTraffic(program: Command, run: (f: () => number) => void): void {
  program
    .command('traffic')
    .description('plays a workload through the engine over simulated time and writes the VPC Flow Logs records AWS would (exit 0, 2 bad input)')
    .argument('[scenario]', 'scenario file (YAML or JSON); its traffic: section is the workload unless --workload is given')
    .option('--workload <file>', 'a workload file (YAML or JSON): flows of who talks to whom')
    .option('--duration <d>', 'simulated length of the run: 600, 90s, 30m, 2h, 1d (default: the workload\'s)')
    .addOption(new Option('--interval <s>', 'aggregation interval in seconds').choices(['60', '600']).default('600'))
    .option('--format <logformat>', 'LogFormat: ${field} … (default: the v2 default format)')
    .addOption(new Option('--traffic-type <t>', 'records kept: ACCEPT, REJECT or ALL').default('ALL'))
    .option('--interfaces <list>', 'record only these interfaces (names or eni- ids, comma-separated; default all)')
    .option('--out <dir>', 'write files in the S3 layout (AWSLogs/{account}/vpcflowlogs/{region}/…) under DIR instead of stdout')
    .option('--gzip', 'with --out: gzip the files (.log.gz), as S3 holds them')
    .option('--no-header', 'on stdout: no header line of field names')
    .option('--seed <n>', 'seed of the arrival times (the same seed gives the same records)', '1')
    .option('--start <time>', 'the UTC time of simulated second 0 (default 2026-01-01T00:00:00Z; with --data-dir: now)')
    .option('--data-dir <dir>', 'instead of a scenario: a rampart serve data directory; records go to its flow logs\' files')
    .option('--account <id>', 'with --data-dir: the account (default 123456789012)')
    .option('--region <name>', 'with --data-dir: the Region (default us-east-1)')
    .action((scenario: string | undefined, opts: TrafficOptions) =>
      run(() => {
        if ((scenario === undefined) === (opts.dataDir === undefined)) throw new TrafficInputError('give a scenario file or --data-dir DIR (one of them)');
        return scenario !== undefined ? runTraffic(scenario, opts) : runTrafficOnDataDir(opts);
      }),
    );
}
