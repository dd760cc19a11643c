// `rampart events` (the CloudTrail-shaped event log of `rampart serve`) and `rampart timeline` (a Config-like
// view: the state of any resource at a past time, its history, and what changed between two times).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { protocolLabel, PROTO_ALL, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../net/index.js';
import { entryLabel } from '../engine/engine.js';
import type { NetworkAclEntry } from '../model/types.js';
import { TargetError } from '../scenario/targets.js';
import { SqliteJournal, type JournalCall } from '../store/journal.js';
import { diffTimes, findResource, JournalReplay, resourceHistory, snapshot, type ResourceItem, type Snapshot, type TimelineDiff } from '../state/timeline.js';
import { toJson } from './format.js';
import type { Tenant } from '../server/accounts.js';

/** Bad input on the command line (exit 2). */
export class InputError extends TargetError {}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/**
 * A time on the command line: ISO 8601 (`2026-12-01`, `2026-12-01T10:00:00Z`), `now`, or a time relative to now
 * (`30m`, `2h`, `7d`, `1w`, optionally followed by `ago`). Milliseconds since the epoch.
 */
export function parseTime(text: string, now = Date.now()): number {
  const s = text.trim().toLowerCase();
  if (s === 'now') return now;
  const rel = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)(?:\s+ago)?$/.exec(s);
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]] * 1000;
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    const t = Date.parse(text.trim());
    if (!Number.isNaN(t)) return t;
  }
  throw new InputError(`'${text}' is not a time: give ISO 8601 (2026-12-01T10:00:00Z), now, or a duration ago (30m, 2h, 7d, 1w)`);
}

/** CloudTrail's eventTime: ISO 8601 in UTC to the second. */
export function eventTimeOf(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function openJournal(dataDir: string): SqliteJournal {
  if (!existsSync(join(dataDir, 'rampart.sqlite'))) throw new InputError(`no rampart data in '${dataDir}' (start rampart serve --data-dir ${dataDir}, or pass --data-dir)`);
  return new SqliteJournal(dataDir);
}

/**
 * The state of one account and Region of a `rampart serve` data directory at a time (Unix ms), rebuilt by
 * replaying its journal up to then. A folder without rampart data is refused (exit 2), never given an empty
 * journal.
 */
export function servedStateAt(dataDir: string, at: number, accountId = '123456789012', regionName = 'us-east-1'): Tenant {
  return withCalls(dataDir, (calls) => {
    const rp = new JournalReplay(calls);
    rp.advance(at);
    return rp.accounts.get(accountId, regionName);
  });
}

function withCalls<T>(dataDir: string, f: (calls: JournalCall[]) => T): T {
  const j = openJournal(dataDir);
  try {
    return f(j.calls());
  } finally {
    j.close();
  }
}

function formatOf(v: string | undefined): 'json' | 'text' {
  if (v === undefined || v === 'text') return 'text';
  if (v === 'json') return 'json';
  throw new InputError(`--format: expected json or text, not '${v}'`);
}

const ID_RE = /\b(?:sgr|sg|acl|aclassoc|vpc|subnet|eni|i|rtb|rtbassoc|igw|pcx|pl|eipalloc|eipassoc|nat|vpce|nip|nia|fl)-[0-9a-f]{8,17}\b/g;

/** The resource ids an event names, in the order they appear (request first). */
export function idsOfEvent(e: Record<string, unknown>): string[] {
  const text = JSON.stringify([e.requestParameters, e.responseElements]);
  return [...new Set(text.match(ID_RE) ?? [])];
}

/** One line per event: time, action, account/Region, the resources it names, who called from where. */
export function eventText(e: Record<string, unknown>): string {
  const who = (e.userIdentity as { accessKeyId?: string } | undefined)?.accessKeyId ?? '?';
  const ids = idsOfEvent(e);
  return `${String(e.eventTime)}  ${String(e.eventName).padEnd(34)} ${String(e.recipientAccountId ?? '')}/${String(e.awsRegion)}  ${ids.join(' ') || '-'}  (${who} from ${String(e.sourceIPAddress)})`;
}

// ------------------------------------------------------------------ timeline text

function portsText(from: number, to: number): string {
  return from === to ? String(from) : `${from}-${to}`;
}

/** `inbound tcp 22 from 203.0.113.0/24 "SSH" [sgr-…]` from a rule's recorded configuration. */
export function ruleText(c: Record<string, unknown>): string {
  const proto = Number(c.protocol);
  const from = Number(c.fromPort);
  const to = Number(c.toPort);
  let what: string;
  if (proto === PROTO_ALL) what = 'all traffic';
  else if (proto === PROTO_TCP || proto === PROTO_UDP) what = `${protocolLabel(proto).toLowerCase()} ${portsText(from, to)}`;
  else if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) what = `${protocolLabel(proto).toLowerCase()}${from === -1 ? '' : ` type ${from}${to === -1 ? '' : ` code ${to}`}`}`;
  else what = `protocol ${proto}`;
  const p = c.peer as { kind: string; cidr?: string; groupId?: string; prefixListId?: string };
  const peer = p.kind === 'group' ? p.groupId : p.kind === 'prefixList' ? p.prefixListId : p.cidr;
  const egress = c.isEgress === true;
  return `${egress ? 'outbound' : 'inbound'} ${what} ${egress ? 'to' : 'from'} ${peer}${c.description ? ` "${String(c.description)}"` : ''} [${String(c.id)}]`;
}

function entryText(e: NetworkAclEntry): string {
  return `${e.egress ? 'outbound' : 'inbound'} ${entryLabel(e)} ${e.ruleAction}`;
}

function nameOf(item: ResourceItem): string {
  const c = item.configuration;
  const tag = (c.tags as { key: string; value: string }[] | undefined)?.find((t) => t.key === 'Name')?.value;
  const n = typeof c.name === 'string' ? c.name : tag;
  return n ? `${item.resourceId} (${n})` : item.resourceId;
}

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A resource's configuration for people: scalar fields, then rules or entries one a line. */
export function itemText(item: ResourceItem, snap: Snapshot | undefined, indent = '  '): string[] {
  const c = item.configuration;
  const out: string[] = [];
  for (const [k, v] of Object.entries(c)) {
    if (k === 'id' || k === 'entries' || k === 'ingress' || k === 'egress' || k === 'tags') continue;
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out.push(`${indent}${k}: ${scalar(v)}`);
  }
  const tags = c.tags as { key: string; value: string }[] | undefined;
  if (tags?.length) out.push(`${indent}tags: ${tags.map((t) => `${t.key}=${t.value}`).join(', ')}`);
  if (item.resourceType === 'AWS::EC2::SecurityGroup') {
    for (const dir of ['ingress', 'egress'] as const) {
      out.push(`${indent}${dir === 'ingress' ? 'inbound' : 'outbound'} rules:`);
      const ids = (c[dir] as string[]) ?? [];
      if (!ids.length) out.push(`${indent}  none`);
      for (const id of ids) {
        const r = snap?.get(`${item.accountId}|${item.awsRegion}|${id}`);
        out.push(`${indent}  ${r ? ruleText(r.configuration) : id}`);
      }
    }
  }
  if (item.resourceType === 'AWS::EC2::NetworkAcl') {
    out.push(`${indent}entries:`);
    const entries = [...((c.entries as NetworkAclEntry[]) ?? [])].sort((a, b) => Number(a.egress) - Number(b.egress) || a.ruleNumber - b.ruleNumber);
    for (const e of entries) out.push(`${indent}  ${entryText(e)}`);
  }
  return out;
}

function aclEntryDiff(before: NetworkAclEntry[], after: NetworkAclEntry[]): string[] {
  const key = (e: NetworkAclEntry) => `${e.egress ? 1 : 0}|${String(e.ruleNumber).padStart(5, '0')}`;
  const a = new Map(before.map((e) => [key(e), e]));
  const b = new Map(after.map((e) => [key(e), e]));
  const out: [string, string][] = [];
  for (const [k, e] of a) if (!b.has(k)) out.push([k, `- entry ${entryText(e)}`]);
  for (const [k, e] of b) {
    const x = a.get(k);
    if (!x) out.push([k, `+ entry ${entryText(e)}`]);
    else if (JSON.stringify(x) !== JSON.stringify(e)) out.push([k, `~ entry ${entryText(x)} → ${entryText(e)}`]);
  }
  return out.sort((p, q) => p[0].localeCompare(q[0])).map((x) => x[1]);
}

export function diffText(d: TimelineDiff, from: string, to: string): string {
  const out: string[] = [];
  const counts = new Map<string, number>();
  for (const c of d.calls) counts.set(c.eventName, (counts.get(c.eventName) ?? 0) + 1);
  const callsText = [...counts].map(([n, k]) => (k > 1 ? `${n} ×${k}` : n)).join(', ');
  out.push(`from ${from} to ${to}: ${d.calls.length} call${d.calls.length === 1 ? '' : 's'}${callsText ? ` (${callsText})` : ''}`);
  if (!d.added.length && !d.removed.length && !d.changed.length) {
    out.push('  no change');
    return out.join('\n');
  }
  const RULE = 'AWS::EC2::SecurityGroupRule';
  const rulesByGroup = new Map<string, string[]>();
  const shownGroups = new Set([...d.added, ...d.removed, ...d.changed.map((c) => c.after)].filter((x) => x.resourceType === 'AWS::EC2::SecurityGroup').map((x) => x.resourceId));
  const loose: string[] = [];
  const ruleLine = (sign: string, r: ResourceItem) => {
    const g = String(r.configuration.groupId);
    const line = `${sign} rule ${ruleText(r.configuration)}`;
    if (shownGroups.has(g)) rulesByGroup.set(g, [...(rulesByGroup.get(g) ?? []), line]);
    else loose.push(`${line} (${g})`);
  };
  for (const r of d.added) if (r.resourceType === RULE) ruleLine('+', r);
  for (const r of d.removed) if (r.resourceType === RULE) ruleLine('-', r);
  for (const c of d.changed) if (c.after.resourceType === RULE) loose.push(`~ rule ${ruleText(c.before.configuration)} → ${ruleText(c.after.configuration)}`);
  const nested = (id: string) => (rulesByGroup.get(id) ?? []).map((l) => `    ${l}`);
  const entriesOf = (r: ResourceItem) => (r.resourceType === 'AWS::EC2::NetworkAcl' ? ((r.configuration.entries as NetworkAclEntry[]) ?? []).filter((e) => e.ruleNumber < 32767).map((e) => `    + entry ${entryText(e)}`) : []);
  for (const r of d.added) if (r.resourceType !== RULE) out.push(`+ ${r.resourceType} ${nameOf(r)}`, ...entriesOf(r), ...nested(r.resourceId));
  for (const r of d.removed) if (r.resourceType !== RULE) out.push(`- ${r.resourceType} ${nameOf(r)}`, ...nested(r.resourceId));
  for (const c of d.changed) {
    if (c.after.resourceType === RULE) continue;
    const fields = c.fields.filter((f) => !(c.after.resourceType === 'AWS::EC2::SecurityGroup' && (f === 'ingress' || f === 'egress')));
    const head = `~ ${c.after.resourceType} ${nameOf(c.after)}`;
    const lines: string[] = [];
    for (const f of fields) {
      if (f === 'entries') lines.push(...aclEntryDiff((c.before.configuration.entries as NetworkAclEntry[]) ?? [], (c.after.configuration.entries as NetworkAclEntry[]) ?? []).map((l) => `    ${l}`));
      else lines.push(`    ${f}: ${scalar(c.before.configuration[f])} → ${scalar(c.after.configuration[f])}`);
    }
    lines.push(...nested(c.after.resourceId));
    out.push(head, ...lines);
  }
  out.push(...loose);
  return out.join('\n');
}

function diffJson(d: TimelineDiff, from: string, to: string): unknown {
  return {
    from, to, calls: d.calls,
    added: d.added, removed: d.removed,
    changed: d.changed.map((c) => ({ resourceId: c.after.resourceId, resourceType: c.after.resourceType, accountId: c.after.accountId, awsRegion: c.after.awsRegion, fields: c.fields, before: c.before.configuration, after: c.after.configuration })),
  };
}

// ------------------------------------------------------------------ commands

export function registerEvents(program: Command, run: (f: () => number) => void): void {
  program
    .command('events')
    .description('the CloudTrail-shaped log of mutating calls a server recorded (exit 0, 2 bad input)')
    .addOption(new Option('--data-dir <dir>', 'the server\'s data directory').env('RAMPART_DATA_DIR').default('.rampart'))
    .option('--resource <id>', 'only events that name this resource id (in the request or the response)')
    .option('--since <time>', 'only events at or after this time: ISO 8601, or relative (30m, 2h, 7d, 1w)')
    .option('--until <time>', 'only events at or before this time (same forms)')
    .option('--action <name>', 'only this action (eventName), e.g. AuthorizeSecurityGroupIngress')
    .option('--account <id>', 'only this account')
    .option('--region <name>', 'only this Region')
    .option('--format <format>', 'json (one CloudTrail event a line) or text (one line an event)', 'json')
    .action((opts: { dataDir: string; resource?: string; since?: string; until?: string; action?: string; account?: string; region?: string; format?: string }) => run(() => {
      const format = formatOf(opts.format);
      const now = Date.now();
      // eventTime has whole seconds (as CloudTrail's): compare at that precision
      const since = opts.since !== undefined ? eventTimeOf(Math.floor(parseTime(opts.since, now) / 1000) * 1000) : undefined;
      const until = opts.until !== undefined ? eventTimeOf(parseTime(opts.until, now)) : undefined;
      const j = openJournal(opts.dataDir);
      try {
        for (const e of j.events({ resourceId: opts.resource, since, until, action: opts.action })) {
          if (opts.account && e.recipientAccountId !== opts.account) continue;
          if (opts.region && e.awsRegion !== opts.region) continue;
          process.stdout.write((format === 'json' ? JSON.stringify(e) : eventText(e)) + '\n');
        }
      } finally {
        j.close();
      }
      return 0;
    }));

  program
    .command('timeline')
    .description('a resource\'s state at a past time (--at), its history of changes (no --at), or everything that changed between two times (--diff T1 T2), rebuilt from the server\'s journal (exit 0; 1 the resource did not exist then / --diff found changes; 2 bad input)')
    .argument('[resource]', 'a resource id: sg-…, sgr-…, acl-…, vpc-…, subnet-…, eni-…, i-…, rtb-…, …')
    .addOption(new Option('--data-dir <dir>', 'the server\'s data directory').env('RAMPART_DATA_DIR').default('.rampart'))
    .option('--at <time>', 'the time: ISO 8601, now, or relative (30m, 2h, 7d, 1w)')
    .option('--diff <times...>', 'two times T1 T2: what changed between them (of one resource when one is given)')
    .option('--account <id>', 'only this account')
    .option('--region <name>', 'only this Region')
    .option('--format <format>', 'text or json', 'text')
    .action((resource: string | undefined, opts: { dataDir: string; at?: string; diff?: string[]; account?: string; region?: string; format?: string }) => run(() => {
      const format = formatOf(opts.format);
      const only = { accountId: opts.account, regionName: opts.region };
      const now = Date.now();
      if (opts.diff) {
        if (opts.diff.length !== 2) throw new InputError('--diff takes two times: --diff T1 T2');
        if (opts.at) throw new InputError('--at and --diff do not go together');
        const [t1, t2] = opts.diff.map((t) => parseTime(t, now));
        const d = withCalls(opts.dataDir, (calls) => diffTimes(calls, Math.min(t1, t2), Math.max(t1, t2), only));
        if (resource) {
          const keep = (x: ResourceItem) => x.resourceId === resource || x.configuration.groupId === resource;
          d.added = d.added.filter(keep);
          d.removed = d.removed.filter(keep);
          d.changed = d.changed.filter((c) => keep(c.after));
        }
        const from = new Date(Math.min(t1, t2)).toISOString();
        const to = new Date(Math.max(t1, t2)).toISOString();
        process.stdout.write((format === 'json' ? toJson(diffJson(d, from, to)) : diffText(d, from, to)) + '\n');
        return d.added.length + d.removed.length + d.changed.length > 0 ? 1 : 0;
      }
      if (!resource) throw new InputError('name a resource id (with --at TIME for its state then), or give --diff T1 T2');
      if (opts.at === undefined) {
        // the history: the state after every call that named the resource
        const h = withCalls(opts.dataDir, (calls) => resourceHistory(calls, resource));
        if (format === 'json') process.stdout.write(toJson(h.map((x) => ({ time: x.time, eventName: x.eventName, requestId: x.requestId, exists: x.item !== undefined, configuration: x.item?.configuration }))) + '\n');
        else if (!h.length) process.stdout.write(`no call in the journal names ${resource}\n`);
        else for (const x of h) process.stdout.write(`${x.time}  ${x.eventName}${x.item ? '' : `  (${resource} no longer exists)`}\n${x.item ? itemText(x.item, x.related, '    ').join('\n') + '\n' : ''}`);
        return h.length ? 0 : 1;
      }
      const at = parseTime(opts.at, now);
      const { item, snap, last } = withCalls(opts.dataDir, (calls) => {
        const rp = new JournalReplay(calls);
        rp.advance(at);
        rp.touchAll();
        const snap = snapshot(rp.accounts, only);
        return { item: findResource(snap, resource), snap, last: rp.lastTime };
      });
      const atText = new Date(at).toISOString();
      if (format === 'json') {
        const rules = item?.resourceType === 'AWS::EC2::SecurityGroup'
          ? [...(item.configuration.ingress as string[]), ...(item.configuration.egress as string[])].map((id) => snap.get(`${item.accountId}|${item.awsRegion}|${id}`)?.configuration)
          : undefined;
        process.stdout.write(toJson({ resourceId: resource, at: atText, lastCallBefore: last ?? null, exists: item !== undefined, ...(item ? { ...item, ...(rules ? { rules } : {}) } : {}) }) + '\n');
      } else if (!item) {
        process.stdout.write(`${resource} did not exist at ${atText}\n`);
      } else {
        process.stdout.write(`${item.resourceType} ${nameOf(item)} in ${item.accountId}/${item.awsRegion} at ${atText}${last ? ` (last change before: ${last})` : ''}\n${itemText(item, snap).join('\n')}\n`);
      }
      return item ? 0 : 1;
    }));
}
