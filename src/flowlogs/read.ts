// Reading flow-log files as AWS delivers them: plain or gzip (told by the gzip magic bytes, not the name), single
// files or folders in the S3 layout `AWSLogs/{account}/vpcflowlogs/{region}/YYYY/MM/DD/*.log.gz`, with the header
// line S3 files start with (the field names, in the format's order). Headerless files (CloudWatch Logs exports,
// Firehose) need their format given. Files are streamed line by line into one reused record: memory does not
// grow with the number of records.
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { emptyRecord, FlowRecordParseError, formatFromHeader, isHeaderLine, parseLogFormat, recordParser, type FlowLogFormat, type FlowRecord } from './format.js';

/** A file that cannot be read, or a folder without flow logs (exit status 2). */
export class FlowLogInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowLogInputError';
  }
}

export interface FlowLogFile {
  path: string;
  size: number;
  /** from the S3 layout, when the path follows it */
  account?: string;
  region?: string;
  date?: string;
}

const S3_LAYOUT = /AWSLogs\/(\d{12})\/vpcflowlogs\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\//;
const LOG_NAME = /\.(log|txt)(\.gz)?$|\.gz$/;

/**
 * Expands the paths given: files as they are, folders recursively to their `*.log`, `*.log.gz`, `*.gz` and
 * `*.txt` files, in name order (the S3 layout's names sort by date).
 */
export function listFlowLogFiles(paths: readonly string[]): FlowLogFile[] {
  const out: FlowLogFile[] = [];
  const add = (p: string, size: number) => {
    const m = S3_LAYOUT.exec(p.split('\\').join('/'));
    out.push({ path: p, size, ...(m ? { account: m[1], region: m[2], date: `${m[3]}-${m[4]}-${m[5]}` } : {}) });
  };
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      throw new FlowLogInputError(`cannot read folder '${dir}'`);
    }
    for (const n of names) {
      const p = join(dir, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (LOG_NAME.test(n)) add(p, st.size);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new FlowLogInputError(`no such file or folder '${p}'`);
    }
    if (st.isDirectory()) {
      const before = out.length;
      walk(p);
      if (out.length === before) throw new FlowLogInputError(`no flow-log files (*.log, *.log.gz, *.gz, *.txt) in '${p}'`);
    } else add(p, st.size);
  }
  return out;
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export interface ReadOptions {
  /** the format of headerless files (default: AWS's default v2 format) */
  format?: FlowLogFormat;
  /** progress: compressed bytes read so far over all files, and the total */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** called for each malformed line (the count is kept anyway) */
  onMalformed?: (file: string, line: number, message: string) => void;
  /**
   * A byte-level handler for the records of one format (asked once per file): it gets each record line as bytes
   * (`buf[start..end)`, no newline) and returns true when it consumed the line, false to have it parsed into a
   * FlowRecord and visited as usual. Lets a consumer skip building strings for the common lines.
   */
  fastLane?: (format: FlowLogFormat) => ((buf: Buffer, start: number, end: number) => boolean) | undefined;
}

export interface ReadStats {
  files: number;
  lines: number;
  records: number;
  malformed: number;
  /** formats met, by header (or the given format) */
  formats: string[];
}

/** Read size of plain files; lines are cut from the bytes in place. */
const BLOCK = 1 << 18;

/**
 * Streams every record of the files to `visit`. The record object is reused: copy what you keep. A file whose
 * first line is a header line is read with the header's format; others with `opts.format`.
 */
export async function forEachFlowRecord(files: readonly FlowLogFile[], visit: (rec: FlowRecord, file: FlowLogFile) => void, opts: ReadOptions = {}): Promise<ReadStats> {
  const stats: ReadStats = { files: 0, lines: 0, records: 0, malformed: 0, formats: [] };
  const total = files.reduce((n, f) => n + f.size, 0);
  let doneBefore = 0;
  const fallback = opts.format ?? parseLogFormat(undefined);
  for (const file of files) {
    stats.files++;
    let lineNo = 0;
    let parse: ((line: string, into?: FlowRecord) => FlowRecord) | undefined;
    let fast: ((buf: Buffer, start: number, end: number) => boolean) | undefined;
    let rec = emptyRecord();
    const useFormat = (fmt: FlowLogFormat) => {
      parse = recordParser(fmt);
      fast = opts.fastLane?.(fmt);
      if (!stats.formats.includes(fmt.header)) stats.formats.push(fmt.header);
    };
    // one line, without its newline; flow-log records are ASCII, so bytes are read as latin1 (one byte a character)
    const onLine = (buf: Buffer, start: number, end: number) => {
      lineNo++;
      if (end > start && buf[end - 1] === 13) end--;
      if (end === start) return;
      stats.lines++;
      if (parse === undefined) {
        const first = buf.toString('latin1', start, end);
        if (isHeaderLine(first)) {
          let fmt: FlowLogFormat;
          try {
            fmt = formatFromHeader(first.trimEnd());
          } catch (e) {
            throw new FlowLogInputError(`${file.path}: ${e instanceof Error ? e.message : String(e)}`);
          }
          useFormat(fmt);
          return;
        }
        useFormat(fallback);
      }
      if (fast !== undefined && fast(buf, start, end)) {
        stats.records++;
        return;
      }
      try {
        rec = parse!(buf.toString('latin1', start, end), rec);
      } catch (e) {
        if (!(e instanceof FlowRecordParseError)) throw e;
        stats.malformed++;
        opts.onMalformed?.(file.path, lineNo, e.message);
        rec = emptyRecord();
        return;
      }
      stats.records++;
      visit(rec, file);
    };
    let gz: boolean;
    try {
      gz = isGzip(file.path);
    } catch {
      throw new FlowLogInputError(`cannot read '${file.path}'`);
    }
    // Lines are cut from the bytes with indexOf; a partial last line waits at the front of the next block.
    let carry: Buffer | undefined;
    const onChunk = (chunk: Buffer) => {
      const buf = carry !== undefined ? Buffer.concat([carry, chunk]) : chunk;
      let i = 0;
      for (;;) {
        const j = buf.indexOf(10, i);
        if (j < 0) break;
        onLine(buf, i, j);
        i = j + 1;
      }
      carry = i < buf.length ? Buffer.from(buf.subarray(i)) : undefined;
    };
    try {
      if (!gz) {
        // plain files: synchronous reads of large blocks into one buffer, the partial line moved to its front
        const fd = openSync(file.path, 'r');
        try {
          let buf = Buffer.allocUnsafe(BLOCK);
          let kept = 0;
          let readBytes = 0;
          for (;;) {
            if (kept === buf.length) {
              // a line longer than the block: grow
              const bigger = Buffer.allocUnsafe(buf.length * 2);
              buf.copy(bigger, 0, 0, kept);
              buf = bigger;
            }
            const n = readSync(fd, buf, kept, buf.length - kept, null);
            if (n <= 0) break;
            readBytes += n;
            const end = kept + n;
            let i = 0;
            for (;;) {
              const j = buf.indexOf(10, i);
              if (j < 0 || j >= end) break;
              onLine(buf, i, j);
              i = j + 1;
            }
            kept = end - i;
            if (kept > 0 && i > 0) buf.copy(buf, 0, i, end);
            opts.onProgress?.(doneBefore + readBytes, total);
          }
          if (kept > 0) carry = Buffer.from(buf.subarray(0, kept));
        } finally {
          closeSync(fd);
        }
      } else {
        const raw = createReadStream(file.path, { highWaterMark: 1 << 20 });
        let readBytes = 0;
        raw.on('data', (b: Buffer | string) => {
          readBytes += b.length;
        });
        for await (const chunk of raw.pipe(createGunzip({ chunkSize: BLOCK })) as AsyncIterable<Buffer>) {
          onChunk(chunk);
          opts.onProgress?.(doneBefore + readBytes, total);
        }
      }
      if (carry !== undefined) onLine(carry, 0, carry.length);
    } catch (e) {
      if (e instanceof FlowLogInputError) throw e;
      throw new FlowLogInputError(`cannot read '${file.path}': ${e instanceof Error ? e.message : String(e)}`);
    }
    doneBefore += file.size;
    opts.onProgress?.(doneBefore, total);
  }
  return stats;
}
