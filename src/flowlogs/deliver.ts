// Delivery of flow-log records to files laid out as AWS writes them to Amazon S3 (Amazon VPC User Guide,
// "Flow log files" for S3):
//   AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/{account}_vpcflowlogs_{region}_{flow-log-id}_{yyyymmddTHHmmZ}_{hash}.log
// each file starting with a header line of the format's field names.
//
// AWS publishes a flow log's files every 5 minutes, gzip-compressed (`.log.gz`), at most 75 MB each. rampart
// writes plain text (`.log`) by default — the issue asks for files people can read with `cat` — and gzip on
// request (`.log.gz`, byte-compatible with what S3 holds); one file per flow log per 5-minute period of the
// records' capture windows (the name carries the period's start), rotated when it would pass 75 MB.
// The hash AWS appends is opaque; rampart's is the first 8 hex digits of a SHA-256 of the flow log id, the
// period and the part number, so the same run writes the same names.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatRecord, type FlowLogFormat, type FlowRecord } from './format.js';

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
