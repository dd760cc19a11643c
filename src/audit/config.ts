// Audit configuration (a YAML or JSON file, overridden by flags), suppressions and baselines.
import { parse as parseYaml } from 'yaml';
import { CHECK_BY_ID } from './catalog.js';
import { isSeverity, severityRank, type AuditSeverity, type Finding } from './types.js';

/** Bad configuration, bad baseline, bad flag: exit status 2. */
export class AuditConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditConfigError';
  }
}

export interface Suppression {
  /** check id, e.g. RMP-SG-004 */
  check: string;
  /** resource id (sg-…, acl-…, eni-…) or its scenario name */
  resource: string;
  /** optional: only the finding about this rule (sgr-…) or NACL entry number */
  rule?: string;
  /** mandatory: why this is accepted */
  reason: string;
}

export interface AuditConfig {
  allowedPorts?: number[];
  /** severity at or above which findings fail the run; 'none' never fails */
  failOn?: AuditSeverity | 'none';
  only?: string[];
  skip?: string[];
  suppressions: Suppression[];
  /** AWS Config managed-rule parameters (--config-rules) */
  ruleParams: Record<string, string>;
  ephemeral?: string;
}

const KEYS = new Set(['allowedPorts', 'failOn', 'checks', 'suppressions', 'configRules', 'ephemeral']);

export function parsePortList(text: string, what: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new AuditConfigError(`${what}: '${part}' is not a port or a range LO-HI`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > hi || hi > 65535) throw new AuditConfigError(`${what}: '${part}' is not within 0-65535`);
    if (hi - lo > 65535) throw new AuditConfigError(`${what}: '${part}' is too wide`);
    for (let p = lo; p <= hi; p++) out.push(p);
  }
  return out;
}

function checkIds(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new AuditConfigError(`${where}: expected a list of check ids`);
  for (const id of v as string[]) if (!CHECK_BY_ID.has(id)) throw new AuditConfigError(`${where}: unknown check '${id}' (see rampart audit --list-checks)`);
  return v as string[];
}

/** Parses a configuration file's text (YAML or JSON — JSON is YAML). */
export function parseAuditConfig(text: string, file: string): AuditConfig {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new AuditConfigError(`${file}: not valid YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new AuditConfigError(`${file}: expected a mapping with allowedPorts, failOn, checks, suppressions, configRules`);
  const o = data as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) throw new AuditConfigError(`${file}: unknown key '${k}' (expected ${[...KEYS].join(', ')})`);
  const cfg: AuditConfig = { suppressions: [], ruleParams: {} };
  if (o.allowedPorts !== undefined) {
    const v = o.allowedPorts;
    cfg.allowedPorts = typeof v === 'string' ? parsePortList(v, `${file}: allowedPorts`) : Array.isArray(v) ? parsePortList(v.map(String).join(','), `${file}: allowedPorts`) : typeof v === 'number' ? parsePortList(String(v), `${file}: allowedPorts`) : (() => {
      throw new AuditConfigError(`${file}: allowedPorts: expected a list of ports`);
    })();
  }
  if (o.failOn !== undefined) cfg.failOn = parseFailOn(String(o.failOn), `${file}: failOn`);
  if (o.ephemeral !== undefined) cfg.ephemeral = String(o.ephemeral);
  if (o.checks !== undefined) {
    if (typeof o.checks !== 'object' || o.checks === null || Array.isArray(o.checks)) throw new AuditConfigError(`${file}: checks: expected { only: [...], skip: [...] }`);
    const c = o.checks as Record<string, unknown>;
    for (const k of Object.keys(c)) if (k !== 'only' && k !== 'skip') throw new AuditConfigError(`${file}: checks: unknown key '${k}' (only, skip)`);
    if (c.only !== undefined) cfg.only = checkIds(c.only, `${file}: checks.only`);
    if (c.skip !== undefined) cfg.skip = checkIds(c.skip, `${file}: checks.skip`);
  }
  if (o.suppressions !== undefined) {
    if (!Array.isArray(o.suppressions)) throw new AuditConfigError(`${file}: suppressions: expected a list`);
    o.suppressions.forEach((s, i) => cfg.suppressions.push(parseSuppression(s, `${file}: suppressions[${i}]`)));
  }
  if (o.configRules !== undefined) {
    if (typeof o.configRules !== 'object' || o.configRules === null || Array.isArray(o.configRules)) throw new AuditConfigError(`${file}: configRules: expected a mapping of parameter names to values`);
    for (const [k, v] of Object.entries(o.configRules as Record<string, unknown>)) cfg.ruleParams[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return cfg;
}

export function parseSuppression(s: unknown, where: string): Suppression {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new AuditConfigError(`${where}: expected { check, resource, reason }`);
  const o = s as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['check', 'resource', 'rule', 'reason'].includes(k)) throw new AuditConfigError(`${where}: unknown key '${k}' (check, resource, rule, reason)`);
  if (typeof o.check !== 'string' || !CHECK_BY_ID.has(o.check)) throw new AuditConfigError(`${where}: 'check' must be a known check id, not ${JSON.stringify(o.check)}`);
  if (typeof o.resource !== 'string' || !o.resource) throw new AuditConfigError(`${where}: 'resource' (a resource id or name) is required`);
  if (typeof o.reason !== 'string' || !o.reason.trim()) throw new AuditConfigError(`${where}: a suppression needs a 'reason'`);
  return { check: o.check, resource: o.resource, reason: o.reason.trim(), ...(o.rule !== undefined ? { rule: String(o.rule) } : {}) };
}

/** `--suppress CHECK:RESOURCE[:RULE]=REASON` */
export function parseSuppressFlag(text: string): Suppression {
  const eq = text.indexOf('=');
  if (eq < 0) throw new AuditConfigError(`--suppress ${text}: expected CHECK:RESOURCE[:RULE]=REASON (the reason is mandatory)`);
  const [check, resource, rule, ...extra] = text.slice(0, eq).split(':');
  if (extra.length) throw new AuditConfigError(`--suppress ${text}: expected CHECK:RESOURCE[:RULE]=REASON`);
  return parseSuppression({ check, resource, reason: text.slice(eq + 1), ...(rule !== undefined ? { rule } : {}) }, `--suppress ${text}`);
}

export function parseFailOn(v: string, where: string): AuditSeverity | 'none' {
  if (v === 'none' || isSeverity(v)) return v;
  throw new AuditConfigError(`${where}: expected critical, high, medium, low, info or none, not '${v}'`);
}

/** Marks the findings a suppression matches (by check id, and resource id or name, and optionally the rule). */
export function applySuppressions(findings: Finding[], suppressions: Suppression[]): void {
  for (const f of findings) {
    const s = suppressions.find((x) => x.check === f.checkId && (x.resource === f.resourceId || (f.resourceName !== undefined && x.resource === f.resourceName)) &&
      (x.rule === undefined || x.rule === f.ruleId || (f.aclEntry !== undefined && x.rule === String(f.aclEntry.ruleNumber))));
    if (s) f.suppressed = { reason: s.reason };
  }
}

// ------------------------------------------------------------------ baselines

export interface Baseline {
  version: 1;
  tool: 'rampart';
  createdAt: string;
  findings: { fingerprint: string; checkId: string; resourceId: string; severity: AuditSeverity }[];
}

export function makeBaseline(findings: Finding[], now = new Date()): Baseline {
  return {
    version: 1, tool: 'rampart', createdAt: now.toISOString(),
    findings: findings.filter((f) => !f.suppressed).map((f) => ({ fingerprint: f.fingerprint, checkId: f.checkId, resourceId: f.resourceId, severity: f.severity })),
  };
}

export function parseBaseline(text: string, file: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AuditConfigError(`${file}: a baseline is the JSON written by --write-baseline`);
  }
  const o = data as Partial<Baseline> | null;
  if (!o || o.tool !== 'rampart' || o.version !== 1 || !Array.isArray(o.findings) || o.findings.some((f) => typeof f?.fingerprint !== 'string')) {
    throw new AuditConfigError(`${file}: not a rampart baseline (expected { version: 1, tool: "rampart", findings: [{ fingerprint, … }] })`);
  }
  return new Set(o.findings.map((f) => f.fingerprint));
}

export function applyBaseline(findings: Finding[], known: Set<string>): void {
  for (const f of findings) f.baseline = known.has(f.fingerprint) ? 'unchanged' : 'new';
}

/** The findings that fail the run: not suppressed, not in the baseline, at or above the threshold. */
export function failing(findings: Finding[], failOn: AuditSeverity | 'none'): Finding[] {
  if (failOn === 'none') return [];
  return findings.filter((f) => !f.suppressed && f.baseline !== 'unchanged' && severityRank(f.severity) <= severityRank(failOn));
}
