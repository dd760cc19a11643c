// Replay: flow logs generated from one configuration, re-decided against a changed one, flag exactly the
// connections whose fate the change alters — no more, no fewer.
import { describe, expect, it } from 'vitest';
import { parseRecord, type FlowLogFormat, type FlowRecord } from '../../src/flowlogs/format.js';
import { ReplaySession } from '../../src/flowlogs/replay.js';
import { Engine } from '../../src/engine/engine.js';
import { estate, V2, V5, workloadLines } from './replay-helpers.js';

/** A connection, whichever side a record is written from: protocol and the two address:port ends, sorted. */
function connectionOf(r: FlowRecord): string | undefined {
  if (r.logStatus !== 'OK') return undefined;
  const ends = [`${r.srcaddr}:${r.srcport}`, `${r.dstaddr}:${r.dstport}`].sort();
  return `${r.protocol}|${ends.join('|')}`;
}

/** What happened to each connection: its records (interface, direction, action). */
function fates(lines: string[], format: FlowLogFormat): Map<string, string> {
  const m = new Map<string, string[]>();
  for (const l of lines) {
    const r = parseRecord(l, format);
    const k = connectionOf(r);
    if (!k) continue;
    m.set(k, [...(m.get(k) ?? []), `${r.interfaceId}|${r.srcaddr}>${r.dstaddr}|${r.action}|${r.packets}`]);
  }
  return new Map([...m].map(([k, v]) => [k, v.sort().join(',')]));
}

function replay(lines: string[], format: FlowLogFormat, change?: string) {
  const s = estate(change);
  const session = new ReplaySession(new Engine(s.region), s.names);
  const flagged = new Set<string>();
  session.onChange = (rec) => flagged.add(connectionOf(rec)!);
  for (const l of lines) session.add(parseRecord(l, format));
  return { session, flagged };
}


const CHANGES: [string, string][] = [
  ['revoking PostgreSQL from the app tier', '- revoke: { group: db, direction: inbound, rule: { protocol: tcp, ports: 5432, from: app } }'],
  ['allowing PostgreSQL from the web tier', '- authorize: { group: db, direction: inbound, rule: { protocol: tcp, ports: 5432, from: web } }'],
  ['a network ACL that lets responses return only to the public subnet', '- nacl: { acl: data, replace: { rule: 100, direction: outbound, protocol: tcp, ports: 1024-65535, cidr: 10.0.1.0/24, action: allow } }'],
  ['revoking SSH from the office', '- revoke: { group: web, direction: inbound, rule: { protocol: tcp, ports: 22, from: 203.0.113.0/24 } }'],
  ['denying ICMP into the data subnet', '- nacl: { acl: data, replace: { rule: 110, direction: inbound, protocol: icmp, cidr: 10.0.0.0/16, action: deny } }'],
  ['narrowing the app tier\'s port range', '- revoke: { group: app, direction: inbound, rule: { protocol: tcp, ports: 8000-8999, from: 10.0.0.0/16 } }'],
];

describe('replay', () => {
  for (const [name, format] of [['v5 (flags and direction)', V5], ['the default v2 format (roles from ports)', V2]] as const) {
    it(`replaying logs against their own configuration changes nothing — ${name}`, () => {
      const lines = workloadLines(undefined, format);
      const { session } = replay(lines, format);
      expect(session.totals.judged).toBeGreaterThan(30);
      expect(session.totals.toReject + session.totals.toAccept).toBe(0);
      expect(session.totals.unknownInterface).toBe(0);
      expect(session.totals.undecidable).toBe(0);
    });

    for (const [what, change] of CHANGES) {
      it(`${what}: exactly the connections whose fate the change alters — ${name}`, () => {
        const before = workloadLines(undefined, format);
        const after = workloadLines(change, format);
        const fa = fates(before, format);
        const fb = fates(after, format);
        const affected = new Set([...fa.keys()].filter((k) => fa.get(k) !== fb.get(k)));
        expect(affected.size).toBeGreaterThan(0);
        const { flagged } = replay(before, format, change);
        expect([...flagged].sort()).toEqual([...affected].sort());
      });
    }
  }

  it('aggregates changed records by client subnet, server and port, with the reason', () => {
    const lines = workloadLines(undefined, V5);
    const { session } = replay(lines, V5, CHANGES[0][1]);
    const g = session.changes();
    const toDb = g.filter((x) => x.newAction === 'REJECT' && x.server.startsWith('db (') && x.port === 5432 && x.direction === 'ingress');
    expect(toDb).toHaveLength(1);
    expect(toDb[0].client).toBe('10.0.3.0/24 (subnet app)');
    expect(toDb[0].distinctClients).toBe(2);
    expect(toDb[0].reason).toMatch(/^no inbound rule of prod\/db \(sg-[0-9a-f]+\) allows the request$/);
    // app→db twice (at 0 s and 90 s, two capture windows) and app2→db once: the SYN window records and the data
    expect(toDb[0].records).toBe(3);
    const responses = g.filter((x) => x.newAction === 'REJECT' && x.direction === 'egress' && x.server.startsWith('db ('));
    expect(responses.map((x) => x.reason)).toEqual([expect.stringMatching(/^no inbound rule of prod\/db \(sg-[0-9a-f]+\) allows the request$/)]);
  });
});
