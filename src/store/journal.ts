// Persistence: every successful mutating API call is one row of a journal, written (and synced) before the
// answer goes back; a server rebuilds its state by replaying the journal in order. A crash at any moment loses
// no acknowledged call (it is on disk) and leaves no half-applied one (the in-memory state is rebuilt from
// whole calls only). The same rows are the CloudTrail-shaped event log.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface JournalCall {
  seq?: number;
  accountId: string;
  regionName: string;
  action: string;
  /** the request parameters exactly as received (name, value pairs) */
  params: [string, string][];
  requestId: string;
  time: string;
  accessKeyId: string;
  sourceIp: string;
  /** the CloudTrail-shaped event */
  event: Record<string, unknown>;
  /** `event` as JSON, when the caller has it already (it is then stored as is, not serialised again) */
  eventJson?: string;
}

export interface Journal {
  /** where the data lives, for people */
  readonly location: string;
  append(call: JournalCall): void;
  /** several calls in one transaction: all of them are kept, or none */
  appendAll(calls: readonly JournalCall[]): void;
  calls(): JournalCall[];
  /** events, optionally filtered */
  events(filter?: { resourceId?: string; since?: string; until?: string; action?: string }): Record<string, unknown>[];
  reset(): void;
  close(): void;
}

// seq is the rowid (no AUTOINCREMENT, which costs a second page write per call): rows are only ever added at
// the end or all deleted at once (reset), so it grows with every call all the same. No index on time: readers
// scan the calls in order. (Databases made by earlier versions, with AUTOINCREMENT and a time index, work as is.)
const SCHEMA = `
CREATE TABLE IF NOT EXISTS calls (
  seq        INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  action     TEXT NOT NULL,
  params     TEXT NOT NULL,
  request_id TEXT NOT NULL,
  time       TEXT NOT NULL,
  access_key TEXT NOT NULL,
  source_ip  TEXT NOT NULL,
  event      TEXT NOT NULL
);
`;

interface Row {
  seq: number;
  account_id: string;
  region: string;
  action: string;
  params: string;
  request_id: string;
  time: string;
  access_key: string;
  source_ip: string;
  event: string;
}

function fromRow(r: Row): JournalCall {
  return {
    seq: r.seq, accountId: r.account_id, regionName: r.region, action: r.action, params: JSON.parse(r.params) as [string, string][],
    requestId: r.request_id, time: r.time, accessKeyId: r.access_key, sourceIp: r.source_ip, event: JSON.parse(r.event) as Record<string, unknown>,
  };
}

function matchesFilter(e: Record<string, unknown>, f: { resourceId?: string; since?: string; until?: string; action?: string }): boolean {
  if (f.action && e.eventName !== f.action) return false;
  if (f.since && String(e.eventTime) < f.since) return false;
  if (f.until && String(e.eventTime) > f.until) return false;
  if (f.resourceId && !JSON.stringify([e.requestParameters, e.responseElements]).includes(`"${f.resourceId}"`)) return false;
  return true;
}

/**
 * The embedded default: one SQLite file in WAL mode. With synchronous NORMAL a committed call survives any crash
 * or kill of the process (the WAL is written before the answer goes back); only a power loss or OS crash may
 * lose the last calls. `durable: true` (synchronous FULL) syncs every call to the disk as well, at a cost per write.
 */
export class SqliteJournal implements Journal {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly insertAll: (calls: readonly JournalCall[]) => void;
  readonly location: string;

  constructor(dataDir: string, opts: { durable?: boolean } = {}) {
    mkdirSync(dataDir, { recursive: true });
    this.location = join(dataDir, 'rampart.sqlite');
    this.db = new Database(this.location);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(opts.durable ? 'synchronous = FULL' : 'synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      'INSERT INTO calls (account_id, region, action, params, request_id, time, access_key, source_ip, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertAll = this.db.transaction((calls: readonly JournalCall[]) => {
      for (const c of calls) this.append(c);
    });
  }

  append(c: JournalCall): void {
    this.insert.run(c.accountId, c.regionName, c.action, JSON.stringify(c.params), c.requestId, c.time, c.accessKeyId, c.sourceIp, c.eventJson ?? JSON.stringify(c.event));
  }

  appendAll(calls: readonly JournalCall[]): void {
    if (calls.length === 1) this.append(calls[0]);
    else if (calls.length > 1) this.insertAll(calls);
  }

  calls(): JournalCall[] {
    return (this.db.prepare('SELECT * FROM calls ORDER BY seq').all() as Row[]).map(fromRow);
  }

  events(filter: { resourceId?: string; since?: string; until?: string; action?: string } = {}): Record<string, unknown>[] {
    return this.calls().map((c) => c.event).filter((e) => matchesFilter(e, filter));
  }

  reset(): void {
    this.db.exec('DELETE FROM calls');
  }

  close(): void {
    this.db.close();
  }
}

/** `--in-memory`: nothing survives the process. */
export class MemoryJournal implements Journal {
  readonly location = 'memory (nothing is kept)';
  private rows: JournalCall[] = [];
  append(c: JournalCall): void {
    const { eventJson: _json, ...call } = c;
    this.rows.push({ ...call, seq: this.rows.length + 1 });
  }
  appendAll(calls: readonly JournalCall[]): void {
    for (const c of calls) this.append(c);
  }
  calls(): JournalCall[] {
    return [...this.rows];
  }
  events(filter: { resourceId?: string; since?: string; until?: string; action?: string } = {}): Record<string, unknown>[] {
    return this.rows.map((c) => c.event).filter((e) => matchesFilter(e, filter));
  }
  reset(): void {
    this.rows = [];
  }
  close(): void {}
}

/** requestParameters / responseElements as CloudTrail writes them: lower-camel names, lists as { items: [...] }. */
export function cloudTrailShape(v: unknown): unknown {
  if (Array.isArray(v)) return { items: v.map(cloudTrailShape) };
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k in v) if (Object.hasOwn(v, k)) out[lowerCamel(k)] = cloudTrailShape((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

// member names are few (the model's): each is lowered once
const lowered = new Map<string, string>();
function lowerCamel(k: string): string {
  let l = lowered.get(k);
  if (l === undefined) {
    l = k.charAt(0).toLowerCase() + k.slice(1);
    if (lowered.size < 10_000) lowered.set(k, l);
  }
  return l;
}
