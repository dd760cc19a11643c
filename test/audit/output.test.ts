// Output formats: SARIF 2.1.0 validated against the final SARIF 2.1.0 schema shipped in test/fixtures/sarif,
// OCSF Detection Finding fields, JSON, and text grouped by severity.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { audit as runAudit } from '../../src/audit/index.js';
import { formatJson, formatOcsf, formatSarif, formatText, type ReportContext } from '../../src/audit/output.js';
import { CHECKS } from '../../src/audit/catalog.js';
import { load, net } from './helpers.js';
import { loadScenario } from '../../src/scenario/load.js';
import { generateEstate } from '../../src/scenario/generate.js';

const here = dirname(fileURLToPath(import.meta.url));
// the final SARIF 2.1.0 schema, unchanged (JSON Schema 2020-12; see test/fixtures/sarif/README.md)
const schema = JSON.parse(readFileSync(join(here, '../fixtures/sarif/sarif-2.1.0.json'), 'utf8'));
const addFormats = addFormatsModule as unknown as (a: Ajv2020) => Ajv2020;

function validator() {
  // strict off: the schema's `definitions` (draft-07's name for `$defs`) are reached by JSON pointer, which 2020-12 allows
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function report(opts: { suppress?: boolean } = {}) {
  const s = load(net({ web: ['{ protocol: tcp, ports: 22, from: 0.0.0.0/0 }', '{ protocol: tcp, ports: 443, from: 0.0.0.0/0 }', '{ protocol: tcp, ports: 8000-8100, from: 10.0.0.0/8 }'] }));
  const group = s.names.groups.get('web')!;
  const r = runAudit(s.region, {
    nameOf: (id) => s.names.nameOf(id), failOn: 'high',
    suppressions: opts.suppress ? [{ check: 'RMP-SG-013', resource: group, reason: 'app server port pool, reviewed' }] : [],
  });
  const ctx: ReportContext = { source: 'test.yaml', accountId: s.region.accountId, region: s.region.name, failOn: r.failOn, failing: r.failing, baseline: false, now: new Date('2026-01-02T03:04:05Z') };
  return { s, r, ctx };
}

describe('SARIF 2.1.0', () => {
  it('the shipped schema is the final SARIF 2.1.0 schema and rejects a broken log', () => {
    expect(schema.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const validate = validator();
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] })).toBe(false);
    expect(validate({ version: '2.0.0', runs: [] })).toBe(false);
    // deep in the definitions: a suppression's `status` (§3.35.3), not the drafts' `state`
    const log = (suppression: object) => ({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, suppressions: [suppression] }] }] });
    expect(validate(log({ kind: 'external', status: 'accepted' }))).toBe(true);
    expect(validate(log({ kind: 'external', state: 'accepted' }))).toBe(false);
  });

  it('the output validates against the schema, with suppressions, baseline state and every rule', () => {
    const { r, ctx } = report({ suppress: true });
    for (const f of r.findings) f.baseline = 'new';
    const sarif = formatSarif(r.findings, ctx) as { runs: { tool: { driver: { rules: { id: string; properties: Record<string, unknown>; help: { text: string } }[] } }; results: Record<string, unknown>[] }[] };
    const validate = validator();
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(CHECKS.map((c) => c.id));
    for (const rule of run.tool.driver.rules) {
      expect(rule.properties['security-severity']).toMatch(/^\d+\.\d$/);
      expect(rule.help.text.length).toBeGreaterThan(20);
    }
    const ssh = run.results.find((x) => x.ruleId === 'RMP-SG-004')!;
    expect(ssh.level).toBe('error');
    expect((ssh.properties as Record<string, string>)['security-severity']).toBe('9.5');
    expect(Object.values(ssh.partialFingerprints as Record<string, string>)[0]).toMatch(/^[0-9a-f]{32}$/);
    const suppressed = run.results.filter((x) => x.suppressions);
    expect(suppressed.map((x) => x.ruleId)).toEqual(['RMP-SG-013']);
    expect(suppressed[0].suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'app server port pool, reviewed' }]);
    const levels = new Set(run.results.map((x) => x.level));
    expect([...levels].every((l) => ['error', 'warning', 'note'].includes(l as string))).toBe(true);
  });

  it('the audit of a generated estate (IPv6, peerings, mistakes: most checks fire) validates too', () => {
    const s = loadScenario(generateEstate({ enis: 300, seed: 4, ipv6: true, vpcs: 2 }), 'estate.yaml');
    const r = runAudit(s.region, { nameOf: (id) => s.names.nameOf(id) });
    expect(new Set(r.findings.map((f) => f.checkId)).size).toBeGreaterThan(8);
    const ctx: ReportContext = { source: 'estate.yaml', accountId: s.region.accountId, region: s.region.name, failOn: r.failOn, failing: r.failing, baseline: false };
    const validate = validator();
    validate(formatSarif(r.findings, ctx));
    expect(validate.errors ?? []).toEqual([]);
    expect(new Set(r.findings.map((f) => f.fingerprint)).size).toBe(r.findings.length);
  });

  it('ruleIds and fingerprints are the same from run to run', () => {
    const a = formatSarif(report().r.findings, report().ctx) as { runs: { results: { ruleId: string; partialFingerprints: object }[] }[] };
    const b = formatSarif(report().r.findings, report().ctx) as typeof a;
    expect(a.runs[0].results.map((x) => [x.ruleId, x.partialFingerprints])).toEqual(b.runs[0].results.map((x) => [x.ruleId, x.partialFingerprints]));
  });
});

describe('OCSF Detection Finding', () => {
  it('class 2004 in category 2 with severity ids, a stable finding uid, resources, cloud and remediation', () => {
    const { r, ctx } = report({ suppress: true });
    const events = formatOcsf(r.findings, ctx) as Record<string, any>[];
    expect(events).toHaveLength(r.findings.length);
    for (const [i, e] of events.entries()) {
      const f = r.findings[i];
      expect(e).toMatchObject({ class_uid: 2004, category_uid: 2, activity_id: 1, type_uid: 200401, time: Date.parse('2026-01-02T03:04:05Z') });
      expect(e.severity_id).toBe({ info: 1, low: 2, medium: 3, high: 4, critical: 5 }[f.severity]);
      expect(e.finding_info.uid).toBe(f.fingerprint);
      expect(e.finding_info.analytic.uid).toBe(f.checkId);
      expect(e.resources[0]).toMatchObject({ uid: f.resourceId, type: f.resourceType, region: 'us-east-1' });
      expect(e.cloud).toMatchObject({ provider: 'AWS', region: 'us-east-1', account: { uid: '123456789012' } });
      expect(e.remediation.desc).toBe(f.fix);
      expect(e.metadata.product.name).toBe('rampart');
      expect(e.status_id).toBe(f.suppressed ? 3 : 1);
    }
    expect(events.filter((e) => e.status === 'Suppressed')).toHaveLength(1);
  });
});

describe('JSON and text', () => {
  it('JSON carries the summary, the threshold and every finding with its fix', () => {
    const { r, ctx } = report({ suppress: true });
    const j = formatJson(r.findings, ctx) as { summary: Record<string, number>; failed: boolean; findings: { checkId: string; fix: string; suppressed?: object }[] };
    expect(j.failed).toBe(true);
    expect(j.summary.suppressed).toBe(1);
    expect(j.summary.total).toBe(r.findings.length - 1);
    expect(j.summary.critical).toBe(r.findings.filter((f) => f.severity === 'critical' && !f.suppressed).length);
    expect(j.findings.every((f) => f.fix.length > 0)).toBe(true);
  });

  it('text groups findings by severity, most severe first, and lists suppressed ones with their reason', () => {
    const { r, ctx } = report({ suppress: true });
    const text = formatText(r.findings, ctx);
    const heads = text.split('\n').filter((l) => /^(CRITICAL|HIGH|MEDIUM|LOW|INFO|SUPPRESSED) \(\d+\)$/.test(l)).map((l) => l.split(' ')[0]);
    expect(heads[0]).toBe('CRITICAL');
    expect(heads[heads.length - 1]).toBe('SUPPRESSED');
    const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'SUPPRESSED'];
    expect([...heads].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(heads);
    expect(text).toMatch(/RMP-SG-004 {2}SSH\/RDP open to the IPv4 internet/);
    expect(text).toMatch(/app server port pool, reviewed/);
    expect(text).toMatch(/^FAIL: \d+ findings? at or above high$/m);
  });
});
