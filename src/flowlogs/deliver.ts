// Delivery of flow-log records to files laid out as AWS writes them to Amazon S3 (Amazon VPC User Guide,
// "Flow log files" for S3):
//   AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/{account}_vpcflowlogs_{region}_{flow-log-id}_{yyyymmddTHHmmZ}_{hash}.log
// each file starting with a header line of the format's field names.
//
// AWS publishes a flow log's files every 5 minutes, gzip-compressed (`.log.gz`), at most 75 MB each. rampart
// writes plain text (`.log`) by default — the issue asks for files people can read with `cat` — and gzip on
// request (`.log.gz`, byte-compatible with what S3 holds); one file per flow log per 5-minute period holding
// the records' `start` (the name carries the period's start), rotated when it would pass 75 MB.
// The hash AWS appends is opaque; rampart's is the first 8 hex digits of a SHA-256 of the flow log id, the
// period and the part number, so the same run writes the same names.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Engine } from '../engine/engine.js';
import type { FlowLog } from '../model/types.js';
import type { Names } from '../scenario/load.js';
import type { Region } from '../state/region.js';
import { formatRecord, parseLogFormat, type FlowLogFormat, type FlowRecord } from './format.js';
import { FlowLogRecorder } from './records.js';
import { TargetError } from '../scenario/targets.js';
import { parseWorkload, playWorkload, WorkloadError, type PlayStats, type Workload } from './traffic.js';

/** AWS's largest flow-log file in S3. */
export const MAX_FILE_BYTES = 75 * 1024 * 1024;
/** AWS delivers S3 files every 5 minutes. */
export const DELIVERY_PERIOD = 300;

export interface FileWriterOptions {
  /** the root the AWSLogs/ tree is written under (a data directory, or --out) */
  dir: string;
  accountId: string;
  region: string;
  flowLogId: string;
  format: FlowLogFormat;
  gzip?: boolean;
  /** rotate before a file passes this size (default 75 MB) */
  maxFileBytes?: number;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** The S3 key (relative path) of a flow log's file for a delivery period starting at Unix second `period`. */
export function flowLogFileKey(o: { accountId: string; region: string; flowLogId: string }, period: number, part = 0, gzip = false): string {
  const d = new Date(period * 1000);
  const yyyy = String(d.getUTCFullYear());
  const mm = pad(d.getUTCMonth() + 1);
  const dd = pad(d.getUTCDate());
  const stamp = `${yyyy}${mm}${dd}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
  const hash = createHash('sha256').update(`${o.flowLogId}|${period}|${part}`).digest('hex').slice(0, 8);
  return `AWSLogs/${o.accountId}/vpcflowlogs/${o.region}/${yyyy}/${mm}/${dd}/${o.accountId}_vpcflowlogs_${o.region}_${o.flowLogId}_${stamp}_${hash}.log${gzip ? '.gz' : ''}`;
}

/** Writes one flow log's records into its files; appends to a period's file when records arrive later. */
export class FlowLogFileWriter {
  private readonly parts = new Map<number, number>();
  readonly files = new Set<string>();
  recordsWritten = 0;

  constructor(private readonly o: FileWriterOptions) {}

  /** Writes records (any order); returns the files written to. */
  write(records: readonly FlowRecord[]): string[] {
    const byPeriod = new Map<number, string[]>();
    for (const r of records) {
      const t = r.start ?? 0;
      const period = t - (t % DELIVERY_PERIOD);
      let lines = byPeriod.get(period);
      if (!lines) byPeriod.set(period, (lines = []));
      lines.push(formatRecord(r, this.o.format));
    }
    const touched: string[] = [];
    for (const [period, lines] of [...byPeriod].sort((a, b) => a[0] - b[0])) touched.push(...this.writePeriod(period, lines));
    this.recordsWritten += records.length;
    return touched;
  }

  private writePeriod(period: number, lines: string[]): string[] {
    const max = this.o.maxFileBytes ?? MAX_FILE_BYTES;
    const touched: string[] = [];
    let i = 0;
    while (i < lines.length) {
      const part = this.parts.get(period) ?? 0;
      const path = join(this.o.dir, flowLogFileKey(this.o, period, part, this.o.gzip));
      const size = existsSync(path) ? statSync(path).size : 0;
      let chunk = size === 0 ? this.o.format.header + '\n' : '';
      let bytes = size + Buffer.byteLength(chunk);
      const first = i;
      // take lines while the file stays under the limit (a new file always gets at least one line)
      while (i < lines.length) {
        const add = Buffer.byteLength(lines[i]!) + 1;
        if (bytes + add > max && (i > first || size > 0)) break;
        chunk += lines[i] + '\n';
        bytes += add;
        i++;
      }
      if (i === first) {
        this.parts.set(period, part + 1); // the file is full: rotate to the next part
        continue;
      }
      mkdirSync(dirname(path), { recursive: true });
      const data = this.o.gzip ? gzipSync(chunk) : chunk;
      // a gzip file grows by another gzip member, which gunzip and zlib read as one stream
      if (size === 0) writeFileSync(path, data);
      else appendFileSync(path, data);
      this.files.add(path);
      touched.push(path);
      if (i < lines.length) this.parts.set(period, part + 1);
    }
    return touched;
  }
}

// ------------------------------------------------------------------ a Region's flow logs

/** Whether a flow log watches an interface: its own, every one in its subnet, or every one in its VPC. */
export function watches(region: Region, fl: FlowLog, eniId: string): boolean {
  if (fl.resourceId === eniId) return true;
  const eni = region.networkInterfaces.get(eniId);
  if (!eni) return false;
  return fl.resourceId === eni.subnetId || fl.resourceId === eni.vpcId;
}

/**
 * Where a flow log's files go under a data directory: `s3/{bucket}/{prefix}/` for an S3 destination (the bucket
 * as AWS fills it), `cloudwatch/{log-group}/` and `firehose/{stream}/` for the others; the AWSLogs/ tree below.
 */
export function flowLogRoot(dataDir: string, fl: FlowLog): string {
  const dest = fl.logDestination ?? '';
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._/-]/g, '_').replace(/\.\.+/g, '_').replace(/^\/+|\/+$/g, '');
  if (fl.logDestinationType === 's3') return join(dataDir, 'flow-logs', 's3', safe(dest.replace(/^arn:aws[a-z-]*:s3:::/, '')));
  if (fl.logDestinationType === 'kinesis-data-firehose') return join(dataDir, 'flow-logs', 'firehose', safe(dest.split('/').pop() ?? 'stream'));
  return join(dataDir, 'flow-logs', 'cloudwatch', safe(fl.logGroupName ?? dest.split(':log-group:').pop() ?? 'group'));
}

export interface DeliveryOptions {
  /** Unix seconds of the workload's second 0 (default: now) */
  start?: number;
  duration?: number;
  seed?: number;
  names?: Names;
  gzip?: boolean;
}

export interface DeliveryResult {
  stats: PlayStats;
  /** flow log id -> records delivered and the files written */
  flowLogs: Record<string, { records: number; files: string[] }>;
}

/**
 * Plays a workload on a Region's engine, from Unix time `start`, and delivers the records of every flow log of
 * the Region — its interfaces, traffic type, interval and format — to files under `dataDir` (none when
 * undefined: the records are only counted). The engine's clock is Unix seconds, so connections tracked by one
 * run are still known to the next.
 */
export function deliverWorkload(region: Region, engine: Engine, dataDir: string | undefined, workload: Workload, o: DeliveryOptions = {}): DeliveryResult {
  const start = Math.floor(o.start ?? Date.now() / 1000);
  const logs = [...region.flowLogs.values()].filter((fl) => resourceAlive(region, fl));
  const sinks = logs.map((fl) => {
    const format = parseLogFormat(fl.logFormat);
    return {
      fl,
      recorder: new FlowLogRecorder(region, engine, { interval: fl.maxAggregationInterval, trafficType: fl.trafficType, epoch: start, interfaceIds: (id) => watches(region, fl, id) }),
      writer: dataDir === undefined ? undefined : new FlowLogFileWriter({ dir: flowLogRoot(dataDir, fl), accountId: region.accountId, region: region.name, flowLogId: fl.id, format, gzip: o.gzip }),
      records: 0,
    };
  });
  const take = (s: (typeof sinks)[number], recs: FlowRecord[]) => {
    s.records += recs.length;
    s.writer?.write(recs);
  };
  const stats = playWorkload(engine, o.names, workload, {
    duration: o.duration, seed: o.seed, timeOffset: start,
    onPacket: (events, t, n, bytes) => {
      for (const s of sinks) s.recorder.add(events, t, n, bytes);
    },
    onProgress: (t) => {
      for (const s of sinks) take(s, s.recorder.flush(t));
    },
  });
  for (const s of sinks) take(s, s.recorder.finish(stats.duration));
  const flowLogs: DeliveryResult['flowLogs'] = {};
  for (const s of sinks) flowLogs[s.fl.id] = { records: s.records, files: s.writer ? [...s.writer.files].sort() : [] };
  return { stats, flowLogs };
}

function resourceAlive(region: Region, fl: FlowLog): boolean {
  return region.vpcs.has(fl.resourceId) || region.subnets.has(fl.resourceId) || region.networkInterfaces.has(fl.resourceId);
}

/**
 * The console's traffic call (`/_rampart/traffic?from=A&to=B:PORT/PROTO[&connections=N|&rate=R][&requests=K]
 * [&duration=D][&workload=JSON]`): plays the workload on the tenant from now and delivers every flow log's
 * records under the data directory. Answers the HTTP status and a JSON-ready body (400 for bad input).
 */
export function consoleTraffic(region: Region, engine: Engine, dataDir: string | undefined, query: URLSearchParams): { status: number; body: unknown } {
  try {
    let workload: Workload;
    const text = query.get('workload');
    if (text !== null) {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        throw new WorkloadError('workload: not JSON');
      }
      workload = parseWorkload(data);
    } else {
      const flow: Record<string, unknown> = { from: query.get('from') ?? '', to: query.get('to') ?? '' };
      for (const k of ['connections', 'requests', 'requestBytes', 'responseBytes', 'packetSize', 'synRetries']) {
        const v = query.get(k);
        if (v !== null) flow[k] = /^\d+$/.test(v) ? Number(v) : v;
      }
      for (const k of ['rate', 'think', 'close', 'start', 'ephemeral']) {
        const v = query.get(k);
        if (v !== null) flow[k] = v;
      }
      workload = parseWorkload({ flows: [flow], ...(query.get('duration') !== null ? { duration: query.get('duration') } : {}) });
    }
    const r = deliverWorkload(region, engine, dataDir, workload, { duration: workload.duration ?? 60 });
    return { status: 200, body: { ...r.stats, flowLogs: r.flowLogs } };
  } catch (e) {
    if (e instanceof WorkloadError || e instanceof TargetError) return { status: 400, body: { error: e.message } };
    throw e;
  }
}
