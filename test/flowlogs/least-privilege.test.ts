// Least privilege: the proposal, applied to the Region, keeps every observed flow accepted, and removes or
// narrows what the flows did not need.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { parseRecord, type FlowRecord } from '../../src/flowlogs/format.js';
import { leastPrivilege } from '../../src/flowlogs/least-privilege.js';
import { ReplaySession } from '../../src/flowlogs/replay.js';
import { estate, V2, V5, WORKLOAD, workloadLines } from './replay-helpers.js';

const MORE = `${WORKLOAD}
- connect: { from: app, to: db:6379/tcp }
- connect: { from: web, to: app:8443/tcp }
- connect: { from: app2, to: app:8082/tcp }
`;

async function run(group: string, lines: string[], format = V5) {
  const s = estate();
  const engine = new Engine(s.region);
  const records = lines.map((l) => parseRecord(l, format));
  const r = await leastPrivilege(engine, s.names.groups.get(group)!, async (visit: (rec: FlowRecord) => void) => {
    for (const rec of records) visit(rec);
  });
  return { s, engine, r, records };
}

describe('least privilege', () => {
  for (const [name, format] of [['v5', V5], ['v2', V2]] as const) {
    for (const group of ['db', 'app', 'web']) {
      it(`${group} (${name} logs): applied to the Region, every record accepted before is still accepted`, async () => {
        const lines = workloadLines(undefined, format, MORE);
        const { s, engine, r, records } = await run(group, lines, format);
        expect(r.verified.rejected).toBe(0);
        expect(r.verified.checked).toBeGreaterThan(0);
        // an independent check: replaying every record against the tightened Region changes no ACCEPT
        const session = new ReplaySession(engine, s.names);
        const lost: FlowRecord[] = [];
        session.onChange = (rec, now) => {
          if (now === 'REJECT') lost.push({ ...rec });
        };
        for (const rec of records) session.add(rec);
        expect(lost).toEqual([]);
      });
    }
  }

  it('removes unused rules, narrows CIDRs to the group of the peers, and ports to those observed', async () => {
    const lines = workloadLines(undefined, V5, MORE);
    const { s, r } = await run('app', lines);
    const app = s.names.groups.get('app')!;
    const web = s.names.groups.get('web')!;
    // app inbound: 8080 from web (used: kept), 8000-8999 from 10.0.0.0/16 (used by app2 → 8081, 8082 and web → 8443)
    expect(r.kept.map((x) => [x.fromPort, x.toPort, x.peer])).toEqual([[8080, 8080, { kind: 'group', groupId: web, userId: expect.any(String) }]]);
    expect(r.removed.map((x) => [x.fromPort, x.toPort, x.peer.kind === 'cidr4' ? x.peer.cidr : x.peer.kind])).toEqual(expect.arrayContaining([[8000, 8999, '10.0.0.0/16']]));
    // and the default outbound rule (all traffic to 0.0.0.0/0) narrows to what app and app2 opened
    expect(r.kept.length + r.removed.length).toBe(3);
    const db = s.names.groups.get('db')!;
    const added = r.added.map((x) => `${x.egress ? 'out' : 'in'} ${x.protocol} ${x.fromPort}-${x.toPort} ${x.peer.kind === 'group' ? x.peer.groupId : x.peer.kind === 'cidr4' ? x.peer.cidr : ''}`).sort();
    // 8081/8082 from app2 (an app member): a reference to app; 8443 from web: a reference to web
    expect(added).toEqual([
      `in 6 8081-8082 ${app}`, `in 6 8443-8443 ${web}`,
      `out 6 5432-5432 ${db}`, `out 6 6379-6379 ${db}`, `out 1 -1--1 ${db}`, `out 6 8081-8082 ${app}`,
    ].sort());

    const dbr = await run('db', lines);
    const dbRemoved = dbr.r.removed.map((x) => `${x.protocol} ${x.fromPort}`).sort();
    // 6379 from 10.0.0.0/8 was used by app only → narrowed to the app group; ICMP from 10.0.0.0/16 by app → app
    // and db opens nothing itself: its outbound rule goes (responses pass by connection tracking)
    expect(dbRemoved).toEqual(['-1 -1', '1 -1', '6 6379'].sort());
    // ICMP records carry no type, so the echo and its reply cannot be told apart: both directions keep a rule
    expect(dbr.r.added.map((x) => `${x.egress ? 'out' : 'in'} ${x.protocol} ${x.fromPort} ${x.peer.kind === 'group' ? x.peer.groupId : ''}`).sort()).toEqual([`in 1 -1 ${app}`, `out 1 -1 ${app}`, `in 6 6379 ${app}`].sort());
  });

  it('removes every rule when nothing used them', async () => {
    const { r } = await run('web', []);
    expect(r.kept).toEqual([]);
    expect(r.added).toEqual([]);
    expect(r.removed).toHaveLength(3);
    expect(r.verified).toEqual({ checked: 0, rejected: 0, examples: [] });
  });
});
