// Workloads played through the engine, the flow-log records they give, and `rampart traffic`.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { formatFromHeader, parseFlowLogText, parseLogFormat } from '../../src/flowlogs/format.js';
import { FlowLogRecorder, recordLines } from '../../src/flowlogs/records.js';
import { FlowLogFileWriter, flowLogFileKey } from '../../src/flowlogs/deliver.js';
import { parseWorkload, playWorkload, WorkloadError } from '../../src/flowlogs/traffic.js';
import { runTraffic } from '../../src/cli/traffic.js';
import { progressBar } from '../../src/cli/progress.js';
import { rampart } from '../cli/helpers.js';
import { FLOW_SCENARIO, ids, loadFlowScenario } from './records-fixture.js';

const T0 = 1767225600;

function play(workload: unknown, opts: { interval?: 60 | 600; duration?: number; seed?: number } = {}) {
  const s = loadFlowScenario();
  const engine = new Engine(s.region);
  const rec = new FlowLogRecorder(s.region, engine, { interval: opts.interval ?? 60 });
  const stats = playWorkload(engine, s.names, parseWorkload(workload), { duration: opts.duration, seed: opts.seed, onPacket: (ev, t, n, b) => rec.add(ev, t, n, b) });
  return { s, stats, records: rec.finish(stats.duration) };
}

describe('workloads', () => {
  it('one HTTPS connection from the internet with two exchanges: handshake, data cut into packets, FIN', () => {
    const { s, stats, records } = play({ duration: 60, flows: [{ from: '198.51.100.10', to: 'web:443', requests: 2, think: '5s', requestBytes: 200, responseBytes: 3000 }] });
    const { web, db } = ids(s);
    expect(stats).toMatchObject({ connections: 1, completed: 1 });
    // client: SYN 60 + ACK 52 + 2 requests (200 + 40) + FIN 52 + ACK 52 = 6 packets, 696 bytes, SYN|FIN = 3
    // server: SYN-ACK 60 + 2 responses of 3 packets (3000 + 3·40) + FIN 52 = 8 packets, 6352 bytes, SYN-ACK|FIN = 19
    // the FIN exchange follows the last request by 1 s (the think time, at most 1 s)
    expect(recordLines(records, parseLogFormat('${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${packets} ${bytes} ${start} ${end} ${action} ${tcp-flags} ${flow-direction}'))).toEqual([
      `${db} - - - - - - ${T0} ${T0 + 60} - - -`,
      `${web} 10.0.1.10 198.51.100.10 443 32768 8 6352 ${T0} ${T0 + 6} ACCEPT 19 egress`,
      `${web} 198.51.100.10 10.0.1.10 32768 443 6 696 ${T0} ${T0 + 6} ACCEPT 3 ingress`,
    ]);
  });

  it('a rejected connection: the SYN retried after 1 s and 3 s, one REJECT record of 3 packets', () => {
    const { s, stats, records } = play({ duration: 60, flows: [{ from: '198.51.100.10', to: 'web:22' }] });
    const { web } = ids(s);
    expect(stats).toMatchObject({ connections: 1, completed: 0, packets: 3, rejected: 3 });
    expect(recordLines(records.filter((r) => r.interfaceId === web), parseLogFormat(undefined))).toEqual([
      `2 123456789012 ${web} 198.51.100.10 10.0.1.10 32768 22 6 3 180 ${T0} ${T0 + 3} REJECT OK`,
    ]);
  });

  it('connection reuse: one connection carries many requests, a flow of new connections takes new ports', () => {
    const reuse = play({ duration: 600, flows: [{ from: 'web', to: 'db:5432/tcp', connections: 1, requests: 100, think: '2s' }] }, { interval: 600 });
    const fresh = play({ duration: 600, flows: [{ from: 'web', to: 'db:5432/tcp', connections: 100, requests: 1 }] }, { interval: 600 });
    const web = ids(reuse.s).web;
    const ok = (rs: typeof reuse.records) => rs.filter((r) => r.interfaceId === web && r.flowDirection === 'egress');
    expect(ok(reuse.records)).toHaveLength(1);
    expect(ok(reuse.records)[0]!.packets).toBe(1 + 1 + 100 + 1 + 1);
    expect(ok(fresh.records)).toHaveLength(100);
    expect(new Set(ok(fresh.records).map((r) => r.srcport)).size).toBe(100);
  });

  it('Poisson arrivals: about rate × duration connections, the same for the same seed, different for another', () => {
    const w = { flows: [{ from: 'web', to: 'db:5432/tcp', rate: '2/s' }] };
    const a = play(w, { duration: 600, seed: 7 });
    const b = play(w, { duration: 600, seed: 7 });
    const c = play(w, { duration: 600, seed: 8 });
    expect(a.stats.connections).toBeGreaterThan(1100);
    expect(a.stats.connections).toBeLessThan(1300);
    expect(recordLines(a.records, parseLogFormat(undefined))).toEqual(recordLines(b.records, parseLogFormat(undefined)));
    expect(c.stats.connections).not.toBe(a.stats.connections);
  });

  it('UDP and ICMP flows; a NACL that lets no ICMP out rejects every echo reply', () => {
    const { s, records } = play({ duration: 60, flows: [{ from: 'web', to: 'db:5353/udp', requests: 3, think: '1s' }, { from: 'web', to: 'db:icmp', connections: 2, requests: 2 }] });
    const { db } = ids(s);
    const atDb = recordLines(records.filter((r) => r.interfaceId === db), parseLogFormat('${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${action} ${flow-direction}'));
    expect(atDb).toEqual([
      '10.0.2.20 10.0.1.10 0 0 1 2 REJECT egress', // each ping gives up after its first unanswered echo
      '10.0.2.20 10.0.1.10 5353 32768 17 3 ACCEPT egress',
      '10.0.1.10 10.0.2.20 0 0 1 2 ACCEPT ingress',
      '10.0.1.10 10.0.2.20 32768 5353 17 3 ACCEPT ingress',
    ]);
  });

  it('bad workloads are refused with the flow and the reason', () => {
    const err = (w: unknown) => {
      try {
        parseWorkload(w);
      } catch (e) {
        expect(e).toBeInstanceOf(WorkloadError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(err({})).toMatch(/lists its flows/);
    expect(err({ flows: [{ from: 'web', to: 'db:5432', rate: 'fast' }] })).toBe("flows[0]: 'fast' is not a rate (2/s, 30/m, 100/h, or a number per second)");
    expect(err({ flows: [{ from: 'web', to: 'db:5432', rate: '1/s', connections: 3 }] })).toBe('flows[0]: give rate or connections, not both');
    expect(err({ flows: [{ from: 'web', to: 'db:5432', colour: 'red' }] })).toMatch(/^flows\[0\]: unknown key 'colour'/);
    expect(err({ flows: [{ from: 'web', to: 'db:5432', close: 'slam' }] })).toBe("flows[0]: close: 'slam' is not fin, rst or idle");
    const s = loadFlowScenario();
    expect(() => playWorkload(new Engine(s.region), s.names, parseWorkload({ flows: [{ from: 'web', to: 'nowhere:80' }] }))).toThrow(/flows\[0\] \(web → nowhere:80\): no instance, interface or resource named 'nowhere'/);
    expect(() => playWorkload(new Engine(s.region), s.names, parseWorkload({ flows: [{ from: 'web', to: 'db' }] }))).toThrow(/needs a port/);
  });
});

describe('rampart traffic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-traffic-'));
  const scenario = join(dir, 'flow.yaml');
  writeFileSync(scenario, FLOW_SCENARIO + `
traffic:
  duration: 10m
  flows:
    - { from: internet, to: web:443, rate: 1/s, requests: 2 }
    - { from: web, to: db:5432/tcp, connections: 20 }
`);

  it('writes the header and the records to stdout, and nothing else when piped', () => {
    let text = '';
    expect(runTraffic(scenario, { interval: '60' }, (s) => (text += s))).toBe(0);
    const [header, ...lines] = text.trimEnd().split('\n');
    expect(header).toBe('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status');
    const recs = parseFlowLogText(text);
    expect(recs.length).toBe(lines.length);
    expect(recs.every((r) => r.version === 2 && r.start! >= T0 && r.start! < T0 + 600)).toBe(true);
    expect(recs.some((r) => r.dstport === 5432 && r.action === 'ACCEPT')).toBe(true);
  });

  it('--out writes the S3 layout, one file per 5-minute period with a header; --gzip as S3 holds them', () => {
    const out = join(dir, 'out');
    let summary = '';
    runTraffic(scenario, { interval: '60', out, format: '${version} ${interface-id} ${srcaddr} ${dstaddr} ${flow-direction} ${action} ${log-status}' }, (s) => (summary += s));
    const files = walk(out).map((f) => relative(out, f)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^AWSLogs\/123456789012\/vpcflowlogs\/us-east-1\/2026\/01\/01\/123456789012_vpcflowlogs_us-east-1_fl-[0-9a-f]{17}_20260101T0000Z_[0-9a-f]{8}\.log$/);
    expect(files[1]).toMatch(/_20260101T0005Z_[0-9a-f]{8}\.log$/);
    const first = readFileSync(join(out, files[0]!), 'utf8');
    expect(first.split('\n')[0]).toBe('version interface-id srcaddr dstaddr flow-direction action log-status');
    expect(formatFromHeader(first.split('\n')[0]!).version).toBe(5);
    expect(summary).toMatch(/connections over 600s simulated/);
    const gz = join(dir, 'gz');
    runTraffic(scenario, { interval: '600', out: gz, gzip: true }, () => {});
    const gzFiles = walk(gz);
    expect(gzFiles).toHaveLength(2);
    expect(gzFiles.every((f) => f.endsWith('.log.gz'))).toBe(true);
    const text = gunzipSync(readFileSync(gzFiles.sort()[0]!)).toString('utf8');
    expect(parseFlowLogText(text).length).toBeGreaterThan(10);
  });

  it('files rotate before they pass the size limit, each new part with its header; later records append', () => {
    const fmt = parseLogFormat('${interface-id} ${packets} ${start}');
    const w = new FlowLogFileWriter({ dir: join(dir, 'rot'), accountId: '123456789012', region: 'eu-west-1', flowLogId: 'fl-0123456789abcdef0', format: fmt, maxFileBytes: 100 });
    const recs = Array.from({ length: 10 }, (_, k) => ({ interfaceId: 'eni-0123456789abcdef0', packets: k, start: T0 + k }));
    const files = w.write(recs);
    // the header (27 bytes) and 2 lines of 35 bytes fit in 100: 10 lines make 5 parts
    expect(files.map((f) => relative(join(dir, 'rot'), f))).toEqual([0, 1, 2, 3, 4].map((p) => flowLogFileKey({ accountId: '123456789012', region: 'eu-west-1', flowLogId: 'fl-0123456789abcdef0' }, T0, p)));
    expect(new Set(files).size).toBe(5);
    expect(readFileSync(files[4]!, 'utf8')).toBe(`interface-id packets start\neni-0123456789abcdef0 8 ${T0 + 8}\neni-0123456789abcdef0 9 ${T0 + 9}\n`);
    expect(files[0]).toMatch(/eu-west-1\/2026\/01\/01\/123456789012_vpcflowlogs_eu-west-1_fl-0123456789abcdef0_20260101T0000Z_[0-9a-f]{8}\.log$/);
    // a record 5 minutes later opens the next period's file
    const later = w.write([{ interfaceId: 'eni-0123456789abcdef0', packets: 1, start: T0 + 301 }]);
    expect(later[0]).toMatch(/_20260101T0005Z_/);
  });

  it('bad options are input errors (exit 2 on the command line)', () => {
    expect(() => runTraffic(scenario, { interval: '30' }, () => {})).toThrow(/--interval: the aggregation interval is 60 or 600 seconds/);
    expect(() => runTraffic(scenario, { format: '${nope}' }, () => {})).toThrow(/--format: Unknown fields provided in LogFormat: \$\{nope\}/);
    expect(() => runTraffic(scenario, { trafficType: 'SOME' }, () => {})).toThrow(/--traffic-type/);
    const bare = join(dir, 'bare.yaml');
    writeFileSync(bare, FLOW_SCENARIO);
    expect(() => runTraffic(bare, {}, () => {})).toThrow(/declares no traffic/);
  });

  it('on the command line: records on stdout, nothing on stderr when it is not a terminal; bad input exits 2', () => {
    const ok = rampart('traffic', scenario, '--interval', '60', '--duration', '2m', '--interfaces', 'db', '--format', '${interface-id} ${dstport} ${action} ${flow-direction}', '--no-header');
    expect(ok.status).toBe(0);
    expect(ok.err).toBe('');
    const lines = ok.out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((l) => l.startsWith(`${ids(loadFlowScenario()).db} `))).toBe(true);
    expect(rampart('traffic', scenario, '--interval', '30').status).toBe(2);
    const bad = rampart('traffic', scenario, '--format', '${nope}');
    expect(bad.status).toBe(2);
    expect(bad.err).toBe('rampart: --format: Unknown fields provided in LogFormat: ${nope}\n');
    expect(rampart('traffic').status).toBe(2);
    expect(rampart('traffic', join(dir, 'missing.yaml')).err).toBe(`rampart: cannot read scenario file '${join(dir, 'missing.yaml')}'\n`);
  });

  it('the progress bar draws on a terminal and stays silent on a pipe', () => {
    const written: string[] = [];
    const fake = (tty: boolean) => ({ isTTY: tty, write: (s: string) => (written.push(s), true) }) as unknown as NodeJS.WriteStream;
    const piped = progressBar('traffic', fake(false));
    piped.update(5, 10);
    piped.end();
    expect(written).toEqual([]);
    const tty = progressBar('traffic', fake(true));
    tty.update(10, 10, '42 records');
    tty.end();
    expect(written[0]).toBe('\rtraffic [============================] 100% 42 records\x1b[K');
    expect(written[1]).toBe('\r\x1b[K');
  });
});

function walk(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
}
