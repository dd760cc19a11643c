// Replay's byte-level fast lane: the same verdicts, counts and reports as the record-by-record path, on every
// kind of line (odd ones left to the ordinary parser), and a verdict cache that forgets when the
// configuration changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineScanner } from '../../src/flowlogs/bytes.js';
import { parseLogFormat, parseRecord, type FlowLogFormat } from '../../src/flowlogs/format.js';
import { forEachFlowRecord, listFlowLogFiles } from '../../src/flowlogs/read.js';
import { ReplaySession } from '../../src/flowlogs/replay.js';
import { Engine } from '../../src/engine/engine.js';
import { simulate } from '../../src/scenario/simulate.js';
import { estate, V2, V5, workloadLines } from './replay-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-fastlane-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** v3 fields: packet-level addresses and TCP flags */
const V3 = parseLogFormat('${version} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${tcp-flags} ${type}');

let fileNo = 0;
function write(lines: string[], opts: { header?: FlowLogFormat; crlf?: boolean } = {}): string {
  const path = join(dir, `f${fileNo++}.log`);
  const all = opts.header ? [opts.header.header, ...lines] : lines;
  writeFileSync(path, all.join(opts.crlf ? '\r\n' : '\n') + '\n');
  return path;
}

/** Replays a file through the record path alone, or with the fast lane (counting the lines it took). */
async function replayFile(path: string, format: FlowLogFormat, lane: boolean, change?: string) {
  const s = estate(change);
  const session = new ReplaySession(new Engine(s.region), s.names);
  const changed: string[] = [];
  session.onChange = (rec, now) => changed.push(`${rec.interfaceId} ${rec.srcaddr}>${rec.dstaddr}:${rec.dstport} ${rec.packets} ${now}`);
  let fast = 0;
  const stats = await forEachFlowRecord(listFlowLogFiles([path]), (rec) => session.add(rec), {
    format,
    fastLane: lane
      ? (f) => {
          const l = session.fastLane(f)!;
          return (b, s0, e) => (l(b, s0, e) ? (fast++, true) : false);
        }
      : undefined,
  });
  session.totals.malformed = stats.malformed;
  const { cacheHits, ...totals } = session.totals;
  return { totals, cacheHits, changes: session.changes(), changed, fast, stats };
}

/** Lines of every odd kind, built from real ones of the format. */
function oddities(lines: string[], format: FlowLogFormat): string[] {
  const names = format.fields.map((f) => f.name);
  const set = (line: string, field: string, value: string) => {
    const parts = line.split(' ');
    parts[names.indexOf(field)] = value;
    return parts.join(' ');
  };
  const ok = lines.filter((l) => l.includes(' OK'));
  const a = ok[0]!;
  const b = ok[ok.length - 1]!;
  const out = [
    set(a, 'log-status', 'NODATA'),
    set(a, 'action', '-'),
    set(a, 'action', 'accept'),
    set(a, 'packets', '1x'),
    set(a, 'srcport', '-'),
    set(a, 'srcport', '70000'),
    set(a, 'protocol', '1'),
    set(a, 'protocol', '256'),
    set(a, 'interface-id', 'eni-0000000000000dead'),
    set(a, 'srcaddr', '2001:db8::1'),
    set(a, 'srcaddr', '10.0.1.256'),
    set(a, 'srcaddr', '10.0.1'),
    set(a, 'srcaddr', '-'),
    set(b, 'dstaddr', '010.000.002.020'),
    `${a} extra`,
    a.replace(' ', '  '),
    a.split(' ').slice(0, -1).join(' '),
  ];
  if (names.includes('tcp-flags')) out.push(set(a, 'tcp-flags', '18'), set(a, 'tcp-flags', '2'), set(b, 'tcp-flags', 'x'));
  if (names.includes('flow-direction')) out.push(set(a, 'flow-direction', 'egress'), set(b, 'flow-direction', '-'), set(b, 'flow-direction', 'inbound'));
  if (names.includes('pkt-srcaddr')) out.push(set(a, 'pkt-srcaddr', '-'), set(b, 'pkt-dstaddr', '192.0.2.1'));
  return out;
}

const CHANGES = [
  undefined,
  '- revoke: { group: db, direction: inbound, rule: { protocol: tcp, ports: 5432, from: app } }',
  '- nacl: { acl: data, replace: { rule: 100, direction: outbound, protocol: tcp, ports: 1024-65535, cidr: 10.0.1.0/24, action: allow } }',
  '- nacl: { acl: data, replace: { rule: 110, direction: inbound, protocol: icmp, cidr: 10.0.0.0/16, action: deny } }',
];

describe('replay fast lane', () => {
  for (const [name, format] of [['v2', V2], ['v3 (packet addresses, flags)', V3], ['v5 (flags, direction)', V5]] as const) {
    for (const change of CHANGES) {
      it(`${name}, ${change ? change.slice(2, 40) + '…' : 'no change'}: the same totals, changes and records as the record path`, async () => {
        const lines = workloadLines(undefined, format);
        const all = [...lines, ...oddities(lines, format), ...lines];
        for (const opts of [{}, { header: format }, { crlf: true }]) {
          const path = write(all, opts);
          const slow = await replayFile(path, format, false, change);
          const fast = await replayFile(path, format, true, change);
          expect(fast.totals).toEqual(slow.totals);
          expect(fast.changes).toEqual(slow.changes);
          expect(fast.changed).toEqual(slow.changed);
          expect(fast.stats).toEqual(slow.stats);
          // the lane took the ordinary lines (twice each), and answered repeats from its cache
          expect(fast.fast).toBeGreaterThanOrEqual(lines.length * 2 - 2);
          expect(fast.cacheHits).toBeGreaterThan(0);
          if (change) expect(slow.totals.toReject + slow.totals.toAccept).toBeGreaterThan(0);
        }
      });
    }
  }

  it('an interface id the configuration does not have is settled by its addresses, then taken by the lane', async () => {
    const lines = workloadLines(undefined, V2);
    const s = estate();
    const db = [...s.region.networkInterfaces.values()].find((e) => e.privateIpAddresses[0]!.privateIpAddress === '10.0.2.20')!;
    const renamed = lines.map((l) => l.split(db.id).join('eni-0aaaabbbbccccdddd'));
    expect(renamed.join('\n')).toContain('eni-0aaaabbbbccccdddd');
    const path = write([...renamed, ...renamed]);
    const change = CHANGES[1];
    const slow = await replayFile(path, V2, false, change);
    const fast = await replayFile(path, V2, true, change);
    expect(fast.totals).toEqual(slow.totals);
    expect(fast.changes).toEqual(slow.changes);
    // without flow-direction the candidates narrow record by record: the first few count as unknown
    expect(slow.totals.unknownInterface).toBeLessThan(5);
    expect(fast.fast).toBeGreaterThan(renamed.length);
  });

  it('the verdict cache forgets when the configuration changes mid-replay', () => {
    const lines = workloadLines(undefined, V2);
    const s = estate();
    const session = new ReplaySession(new Engine(s.region), s.names);
    const lane = session.fastLane(V2)!;
    const feed = () => {
      for (const l of lines) {
        const b = Buffer.from(l, 'latin1');
        if (!lane(b, 0, b.length)) session.add(parseRecord(l, V2));
      }
    };
    feed();
    feed();
    expect(session.totals.cacheHits).toBeGreaterThan(0);
    expect(session.totals.toReject).toBe(0);
    simulate(s, CHANGES[1]!, 'change.yaml');
    feed();
    // the third pass judged under the change: exactly what a fresh session on the changed estate says
    const s2 = estate(CHANGES[1]);
    const fresh = new ReplaySession(new Engine(s2.region), s2.names);
    for (const l of lines) fresh.add(parseRecord(l, V2));
    expect(fresh.totals.toReject).toBeGreaterThan(0);
    expect(session.totals.toReject).toBe(fresh.totals.toReject);
  });

  it('replay judges by the rules alone: a connection the engine tracks does not let a flow through', async () => {
    // a response whose request the rules no longer allow is rejected even though the engine still tracks
    // the connection the request opened (replay treats every flow as new; connection tracking is a live
    // state, not configuration)
    const s = estate();
    const engine = new Engine(s.region);
    const db = [...s.region.networkInterfaces.values()].find((e) => e.privateIpAddresses[0]!.privateIpAddress === '10.0.2.20')!;
    // the request, tracked at db, in the live engine
    const req = { family: 4 as const, src: 0x0a00030a, dst: 0x0a000214, protocol: 6, srcPort: 40000, dstPort: 5432, tcpFlags: 2 };
    expect(engine.decideAtInterface(db.id, false, req)).toBe(true);
    simulate(s, CHANGES[1]!, 'change.yaml');
    // the live engine lets the tracked connection's next packet in; replay does not
    expect(engine.decideAtInterface(db.id, false, { ...req, tcpFlags: 16 }, { commit: false })).toBe(true);
    const session = new ReplaySession(engine, s.names);
    const line = `2 123456789012 ${db.id} 10.0.3.10 10.0.2.20 40000 5432 6 3 180 1767225600 1767225660 ACCEPT OK`;
    expect(session.add(parseRecord(line, V2))).toBe(1);
    const lane = session.fastLane(V2)!;
    const b = Buffer.from(line, 'latin1');
    expect(lane(b, 0, b.length)).toBe(true);
    expect(session.totals.toReject).toBe(2);
  });
});

describe('LineScanner', () => {
  const sc = new LineScanner(V5.fields);
  const scan = (line: string) => {
    const b = Buffer.from(`xx${line}yy`, 'latin1');
    return sc.scan(b, 2, 2 + line.length);
  };
  const base = '2 123456789012 eni-0123 10.0.1.5 203.0.113.9 443 40000 6 10 8400 1767225600 1767225660 ACCEPT OK vpc-1 subnet-1 19 egress';

  it('reads the fields a verdict needs as numbers, within the bounds it is given', () => {
    expect(scan(base)).toBe(true);
    expect([sc.src, sc.dst, sc.srcport, sc.dstport, sc.protocol, sc.action, sc.status, sc.tcpFlags, sc.direction]).toEqual([0x0a000105, 0xcb007109, 443, 40000, 6, 0, 0, 19, 2]);
    expect(Buffer.from(`xx${base}`).toString('latin1', sc.idStart, sc.idEnd)).toBe('eni-0123');
  });

  it('takes `-` as absent, and reads the last field up to the end it is given', () => {
    expect(scan(base.replace(' 443 40000 ', ' - - ').replace(' 19 egress', ' - -'))).toBe(true);
    expect([sc.srcport, sc.dstport, sc.tcpFlags, sc.direction]).toEqual([-1, -1, -1, 0]);
  });

  it('refuses what the string parser refuses, and what it leaves to it', () => {
    for (const bad of [
      base.replace('ACCEPT', 'ALLOW'),
      base.replace(' 6 ', ' 6x '),
      base.replace(' 6 ', '  6 '),
      base + ' ',
      base + ' x',
      base.replace(' egress', ''),
      base.replace('10.0.1.5', '10.0.1.500'),
      base.replace('10.0.1.5', '10.0.1.'),
      base.replace('10.0.1.5', '1.2.3.4.5'),
      base.replace('10.0.1.5', '2001:db8::5'),
      base.replace(' OK ', ' SOMEDATA '),
    ]) {
      expect(scan(bad), bad).toBe(false);
      if (!bad.includes('2001:db8') && !bad.includes('10.0.1.500') && !bad.includes('10.0.1. ') && !bad.includes('1.2.3.4.5')) expect(() => parseRecord(bad, V5), bad).toThrow();
    }
  });
});
