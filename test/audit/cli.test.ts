// `rampart audit` through the command line: exit statuses, formats, files, baselines, suppressions, configuration.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { files, rampart } from '../cli/helpers.js';
import { net } from './helpers.js';

const EXPOSED = net({ web: ['{ protocol: tcp, ports: 22, from: 0.0.0.0/0, description: SSH }', '{ protocol: tcp, ports: 443, from: 0.0.0.0/0, description: HTTPS }'] });
// a public subnet whose ACL lets in only HTTPS and responses (the default ACL's allow-all would open SSH: high)
const CLEAN = net({
  web: ['{ protocol: tcp, ports: 443, from: 0.0.0.0/0, description: HTTPS }'], publicAcl: 'edge',
  acls: `      edge:
        inbound:
          - { rule: 100, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow }
          - { rule: 110, protocol: tcp, ports: 32768-65535, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`,
});

describe('rampart audit: exit statuses', () => {
  it('1 when a finding is at or above the threshold, 0 when nothing is', () => {
    const p = files({ 'exposed.yaml': EXPOSED, 'clean.yaml': CLEAN });
    const bad = rampart('audit', p['exposed.yaml']);
    expect(bad.status).toBe(1);
    expect(bad.out).toMatch(/^CRITICAL \(\d+\)$/m);
    expect(bad.out).toMatch(/FAIL: \d+ findings? at or above high/);
    // the clean network still has medium/low/info findings (default group, egress…), below the default threshold
    const ok = rampart('audit', p['clean.yaml']);
    expect(ok.status).toBe(0);
    expect(ok.out).toMatch(/ok: nothing at or above high/);
    expect(rampart('audit', p['clean.yaml'], '--fail-on', 'info').status).toBe(1);
    expect(rampart('audit', p['exposed.yaml'], '--fail-on', 'none').status).toBe(0);
  });

  it('2 for bad input: missing file, bad scenario, bad flag values, unknown check', () => {
    const p = files({ 'broken.yaml': 'vpcs: [1, 2', 'ok.yaml': CLEAN });
    expect(rampart('audit', '/nonexistent/x.yaml').status).toBe(2);
    expect(rampart('audit', p['broken.yaml']).status).toBe(2);
    expect(rampart('audit', p['ok.yaml'], '--format', 'xml').status).toBe(2);
    expect(rampart('audit', p['ok.yaml'], '--fail-on', 'severe').status).toBe(2);
    expect(rampart('audit', p['ok.yaml'], '--allowed-ports', '80,x').status).toBe(2);
    const r = rampart('audit', p['ok.yaml'], '--only', 'RMP-XX-999');
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/unknown check 'RMP-XX-999'/);
    expect(rampart('audit', p['ok.yaml'], '--suppress', 'RMP-SG-004:sg-1').err).toMatch(/reason is mandatory/);
  });
});

describe('rampart audit: formats and files', () => {
  it('--format json|sarif|ocsf print parseable documents; --output writes the file', () => {
    const p = files({ 'n.yaml': EXPOSED });
    const j = JSON.parse(rampart('audit', p['n.yaml'], '--format', 'json').out);
    expect(j.failed).toBe(true);
    expect(j.findings.some((f: { checkId: string }) => f.checkId === 'RMP-SG-004')).toBe(true);
    const sarif = JSON.parse(rampart('audit', p['n.yaml'], '--format', 'sarif').out);
    expect(sarif.version).toBe('2.1.0');
    const ocsf = JSON.parse(rampart('audit', p['n.yaml'], '--format', 'ocsf').out);
    expect(ocsf.every((e: { class_uid: number }) => e.class_uid === 2004)).toBe(true);
    const out = p['n.yaml'].replace(/n\.yaml$/, 'report.sarif');
    const r = rampart('audit', p['n.yaml'], '--format', 'sarif', '--output', out);
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).runs[0].results.length).toBe(sarif.runs[0].results.length);
  });

  it('--list-checks lists every check id', () => {
    const r = rampart('audit', '--list-checks');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^RMP-SG-001 +medium +default-sg-has-rules/m);
    expect(r.out).toMatch(/^RMP-ENI-001 /m);
  });
});

describe('rampart audit: baselines and suppressions', () => {
  it('with a baseline only new findings fail the run', () => {
    const p = files({ 'before.yaml': EXPOSED, 'after.yaml': net({ web: ['{ protocol: tcp, ports: 22, from: 0.0.0.0/0, description: SSH }', '{ protocol: tcp, ports: 443, from: 0.0.0.0/0, description: HTTPS }', '{ protocol: tcp, ports: 3306, from: 0.0.0.0/0, description: MySQL }'] }) });
    const base = p['before.yaml'].replace(/before\.yaml$/, 'baseline.json');
    expect(rampart('audit', p['before.yaml'], '--write-baseline', base).status).toBe(1);
    const written = JSON.parse(readFileSync(base, 'utf8'));
    expect(written.tool).toBe('rampart');
    expect(written.findings.length).toBeGreaterThan(0);
    // the same network against its own baseline: nothing new
    const same = rampart('audit', p['before.yaml'], '--baseline', base);
    expect(same.status).toBe(0);
    expect(same.out).toMatch(/0 new since the baseline/);
    // a new world-open MySQL rule fails the run, and only it is new at or above high
    const after = rampart('audit', p['after.yaml'], '--baseline', base, '--format', 'json');
    expect(after.status).toBe(1);
    const j = JSON.parse(after.out);
    const fresh = j.findings.filter((f: { baseline: string; severity: string }) => f.baseline === 'new' && (f.severity === 'high' || f.severity === 'critical'));
    expect(fresh.map((f: { checkId: string }) => f.checkId)).toEqual(['RMP-SG-006']);
    expect(rampart('audit', p['before.yaml'], '--baseline', p['before.yaml']).status).toBe(2);
  });

  it('suppressions by check and resource (flag or config file) are listed as suppressed and do not fail the run', () => {
    const p = files({ 'n.yaml': EXPOSED });
    const j = JSON.parse(rampart('audit', p['n.yaml'], '--format', 'json', '--fail-on', 'none').out);
    const failing = j.findings.filter((f: { severity: string }) => f.severity === 'critical' || f.severity === 'high');
    const flags = failing.flatMap((f: { checkId: string; resourceId: string }) => ['--suppress', `${f.checkId}:${f.resourceId}=bastion host, reviewed`]);
    const r = rampart('audit', p['n.yaml'], ...flags);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/SUPPRESSED \(\d+\)/);
    expect(r.out).toMatch(/bastion host, reviewed/);
    // the same from a configuration file, by resource name
    const cfg = p['n.yaml'].replace(/n\.yaml$/, 'audit.yaml');
    writeFileSync(cfg, `failOn: high\nsuppressions:\n${failing.map((f: { checkId: string; resourceId: string; resourceName?: string }) => `  - { check: ${f.checkId}, resource: "${f.resourceName ?? f.resourceId}", reason: accepted risk }`).join('\n')}\n`);
    expect(rampart('audit', p['n.yaml'], '--config', cfg).status).toBe(0);
    writeFileSync(cfg, 'suppressions:\n  - { check: RMP-SG-004, resource: web }\n');
    const noReason = rampart('audit', p['n.yaml'], '--config', cfg);
    expect(noReason.status).toBe(2);
    expect(noReason.err).toMatch(/needs a 'reason'/);
  });

  it('the configuration file sets allowed ports, checks and the threshold; flags win', () => {
    const p = files({ 'n.yaml': net({ web: ['{ protocol: tcp, ports: 8443, from: 0.0.0.0/0, description: alt HTTPS }'] }) });
    const cfg = p['n.yaml'].replace(/n\.yaml$/, 'c.json');
    writeFileSync(cfg, JSON.stringify({ allowedPorts: [443, 8443], failOn: 'medium', checks: { skip: ['RMP-SG-001', 'RMP-NACL-001'] } }));
    const j = JSON.parse(rampart('audit', p['n.yaml'], '--config', cfg, '--format', 'json').out);
    expect(j.failOn).toBe('medium');
    expect(j.findings.map((f: { checkId: string }) => f.checkId)).not.toContain('RMP-SG-007');
    expect(j.findings.map((f: { checkId: string }) => f.checkId)).not.toContain('RMP-SG-001');
    const k = JSON.parse(rampart('audit', p['n.yaml'], '--config', cfg, '--allowed-ports', '443', '--format', 'json').out);
    expect(k.findings.map((f: { checkId: string }) => f.checkId)).toContain('RMP-SG-007');
    writeFileSync(cfg, '{ "allowedPort": [1] }');
    expect(rampart('audit', p['n.yaml'], '--config', cfg).status).toBe(2);
  });
});
