// Reading flow logs as AWS delivers them: gzip or plain, the S3 folder layout, header lines, headerless files
// with a given format; and the replay command over them.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { forEachFlowRecord, listFlowLogFiles, FlowLogInputError } from '../../src/flowlogs/read.js';
import { replayCommand } from '../../src/cli/replay.js';
import { V2, V5, workloadLines } from './replay-helpers.js';

function s3Folder(root: string, day: string, files: Record<string, string | Buffer>): string {
  const [y, m, d] = day.split('-');
  const dir = join(root, 'AWSLogs', '123456789012', 'vpcflowlogs', 'us-east-1', y, m, d);
  mkdirSync(dir, { recursive: true });
  for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
  return dir;
}

describe('reading flow-log files', () => {
  it('reads gzip files in the S3 layout with their header line, and plain headerless files with a given format', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rampart-fl-'));
    const v5 = workloadLines(undefined, V5);
    const half = Math.floor(v5.length / 2);
    s3Folder(root, '2026-01-01', {
      '123456789012_vpcflowlogs_us-east-1_fl-0a_20260101T0000Z_1.log.gz': gzipSync([V5.header, ...v5.slice(0, half)].join('\n') + '\n'),
      'notes.json': '{}',
    });
    s3Folder(root, '2026-01-02', { '123456789012_vpcflowlogs_us-east-1_fl-0a_20260102T0000Z_2.log.gz': gzipSync([V5.header, ...v5.slice(half)].join('\n')) });
    const files = listFlowLogFiles([root]);
    expect(files.map((f) => [f.account, f.region, f.date])).toEqual([['123456789012', 'us-east-1', '2026-01-01'], ['123456789012', 'us-east-1', '2026-01-02']]);
    const seen: string[] = [];
    const stats = await forEachFlowRecord(files, (r) => seen.push([r.interfaceId, r.srcaddr, r.dstaddr, r.srcport, r.dstport, r.action, r.tcpFlags, r.flowDirection].map((x) => x ?? '-').join(' ')));
    expect(stats).toMatchObject({ files: 2, records: v5.length, malformed: 0, formats: [V5.header] });
    expect(seen).toEqual(v5.map((l) => {
      const f = l.split(' ');
      return `${f[2]} ${f[3]} ${f[4]} ${f[5]} ${f[6]} ${f[12]} ${f[16]} ${f[17]}`;
    }));

    // a headerless (CloudWatch export) file: the default v2 format unless told otherwise; CRLF line ends too
    const plain = join(root, 'export.txt');
    const v2 = workloadLines(undefined, V2);
    writeFileSync(plain, v2.join('\r\n') + '\r\n');
    const s2 = await forEachFlowRecord(listFlowLogFiles([plain]), () => {});
    expect(s2).toMatchObject({ records: v2.length, malformed: 0 });
    // the wrong format: every line is malformed, counted with its line number
    const bad: number[] = [];
    const s3 = await forEachFlowRecord(listFlowLogFiles([plain]), () => {}, { format: V5, onMalformed: (_f, n) => bad.push(n) });
    expect(s3.records).toBe(0);
    expect(bad).toEqual(v2.map((_, i) => i + 1));
  });

  it('refuses missing paths and folders without flow logs', () => {
    const root = mkdtempSync(join(tmpdir(), 'rampart-fl-'));
    expect(() => listFlowLogFiles([join(root, 'nope')])).toThrow(FlowLogInputError);
    expect(() => listFlowLogFiles([root])).toThrow(/no flow-log files/);
  });
});

describe('rampart replay', () => {
  it('reports the changed flows in text and JSON, quiet on a non-terminal stderr; exit 1 on changes, 0 otherwise', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rampart-fl-'));
    const v5 = workloadLines(undefined, V5);
    s3Folder(root, '2026-01-01', { 'a.log.gz': gzipSync([V5.header, ...v5].join('\n') + '\n') });
    const { ESTATE } = await import('./replay-helpers.js');
    const before = join(root, 'before.yaml');
    writeFileSync(before, ESTATE);
    const after = join(root, 'after.yaml');
    writeFileSync(after, ESTATE.replace('          - { protocol: tcp, ports: 5432, from: app }\n', ''));
    const err = vi.spyOn(process.stderr, 'write');
    let out = '';
    expect(await replayCommand([join(root, 'AWSLogs')], { against: before }, (s) => (out += s))).toBe(0);
    expect(out).toMatch(/no verdict would change/);
    out = '';
    const status = await replayCommand([root], { against: after }, (s) => (out += s));
    expect(status).toBe(1);
    expect(out).toMatch(/would reject 3 flow records \(9 packets, [\d.]+ \w?B; accepted before\) from 10\.0\.3\.0\/24 \(subnet app\) \(2 addresses\) to db \(eni-[0-9a-f]+\):5432\/tcp, seen 2026-01-01 00:00 → 2026-01-01 00:01 UTC/);
    expect(out).toMatch(/ at db \(eni-[0-9a-f]+\) ingress: no inbound rule of prod\/db \(sg-[0-9a-f]+\) allows the request/);
    out = '';
    expect(await replayCommand([root], { against: after, json: true }, (s) => (out += s))).toBe(1);
    const j = JSON.parse(out);
    expect(j.totals).toMatchObject({ toAccept: 0, unknownInterface: 0, malformed: 0 });
    expect(j.totals.toReject).toBe(j.changes.reduce((n: number, g: { records: number }) => n + g.records, 0));
    expect(err).not.toHaveBeenCalled();
    err.mockRestore();
    await expect(replayCommand([root], {}, () => {})).rejects.toThrow(/--against SCENARIO/);
    await expect(replayCommand([root], { against: after, format: '${nope}' }, () => {})).rejects.toThrow(/Unknown fields/);
  });
});
