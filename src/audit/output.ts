// The audit's outputs: human text grouped by severity, JSON, SARIF 2.1.0 and OCSF Detection Findings.
import { CHECKS, CHECK_BY_ID } from './catalog.js';
import { SEVERITIES, severityRank, type AuditSeverity, type Finding } from './types.js';

export const TOOL_NAME = 'rampart';
export const TOOL_VERSION = '0.1.0';

export interface ReportContext {
  /** the scenario (or import) the audit read, for SARIF artifact locations */
  source: string;
  accountId: string;
  region: string;
  failOn: AuditSeverity | 'none';
  /** findings that fail the run */
  failing: Finding[];
  baseline: boolean;
  /** fixed time for reproducible output (tests); default now */
  now?: Date;
}

const WORD: Record<AuditSeverity, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFO' };

function where(f: Finding): string {
  const rule = f.ruleId ? ` rule ${f.ruleId}` : f.aclEntry ? ` ${f.aclEntry.egress ? 'outbound' : 'inbound'} entry #${f.aclEntry.ruleNumber}` : '';
  return `${f.resourceName ? `${f.resourceName} (${f.resourceId})` : f.resourceId}${rule}`;
}

export function summary(findings: Finding[]): Record<AuditSeverity, number> & { total: number; suppressed: number; new?: number } {
  const out = { total: 0, suppressed: 0, critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<AuditSeverity, number> & { total: number; suppressed: number; new?: number };
  for (const f of findings) {
    if (f.suppressed) {
      out.suppressed++;
      continue;
    }
    out.total++;
    out[f.severity]++;
  }
  if (findings.some((f) => f.baseline)) out.new = findings.filter((f) => !f.suppressed && f.baseline === 'new').length;
  return out;
}

/** Human text, grouped by severity (most severe first); suppressed findings listed last with their reasons. */
export function formatText(findings: Finding[], ctx: ReportContext, color: { bad: (s: string) => string; dim: (s: string) => string } = { bad: (s) => s, dim: (s) => s }): string {
  const lines: string[] = [];
  const active = findings.filter((f) => !f.suppressed);
  const s = summary(findings);
  lines.push(`rampart audit of ${ctx.source}: ${s.total} finding${s.total === 1 ? '' : 's'} (${SEVERITIES.map((x) => `${s[x]} ${x}`).join(', ')})${s.suppressed ? `, ${s.suppressed} suppressed` : ''}${s.new !== undefined ? `, ${s.new} new since the baseline` : ''}`);
  for (const sev of SEVERITIES) {
    const list = active.filter((f) => f.severity === sev);
    if (list.length === 0) continue;
    lines.push('');
    const head = `${WORD[sev]} (${list.length})`;
    lines.push(severityRank(sev) <= 1 ? color.bad(head) : head);
    for (const f of list) {
      const info = CHECK_BY_ID.get(f.checkId)!;
      lines.push(`  ${f.checkId}  ${info.title}${f.baseline === 'new' ? '  [new]' : ''} — ${where(f)}`);
      lines.push(`      ${f.message}`);
      lines.push(color.dim(`      fix: ${f.fix}`));
    }
  }
  const sup = findings.filter((f) => f.suppressed);
  if (sup.length) {
    lines.push('');
    lines.push(`SUPPRESSED (${sup.length})`);
    for (const f of sup) lines.push(`  ${f.checkId}  ${f.severity}  ${where(f)} — ${f.suppressed!.reason}`);
  }
  lines.push('');
  lines.push(ctx.failOn === 'none'
    ? 'threshold: none (the audit never fails)'
    : ctx.failing.length
      ? `FAIL: ${ctx.failing.length} finding${ctx.failing.length === 1 ? '' : 's'} at or above ${ctx.failOn}${ctx.baseline ? ' not in the baseline' : ''}`
      : `ok: nothing at or above ${ctx.failOn}${ctx.baseline ? ' beyond the baseline' : ''}`);
  return lines.join('\n');
}

export function formatJson(findings: Finding[], ctx: ReportContext): unknown {
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    source: ctx.source, accountId: ctx.accountId, region: ctx.region,
    failOn: ctx.failOn, failed: ctx.failing.length > 0,
    summary: summary(findings),
    findings: findings.map((f) => ({ ...f, title: CHECK_BY_ID.get(f.checkId)!.title, checkName: CHECK_BY_ID.get(f.checkId)!.name })),
  };
}

// ------------------------------------------------------------------ SARIF 2.1.0

/**
 * `security-severity` as GitHub code scanning reads it (a number as a string): over 9.0 critical, 7.0–8.9 high,
 * 4.0–6.9 medium, 0.1–3.9 low. Info findings get the lowest low.
 */
export const SECURITY_SEVERITY: Record<AuditSeverity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.1' };
/** SARIF result levels (SARIF 2.1.0 §3.27.10): error, warning, note. */
export const SARIF_LEVEL: Record<AuditSeverity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

export function formatSarif(findings: Finding[], ctx: ReportContext): unknown {
  const rules = CHECKS.map((c) => ({
    id: c.id,
    name: c.name.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.title },
    fullDescription: { text: c.description },
    help: { text: `${c.description}\n\nFix: ${c.fix}`, markdown: `**${c.title}**\n\n${c.description}\n\n**Fix:** ${c.fix}` },
    defaultConfiguration: { level: SARIF_LEVEL[c.severity] },
    properties: { 'security-severity': SECURITY_SEVERITY[c.severity], tags: ['security', 'aws', c.resourceType === 'AWS::EC2::NetworkAcl' ? 'network-acl' : c.resourceType === 'AWS::EC2::NetworkInterface' ? 'network-interface' : 'security-group'], precision: 'very-high', problemSeverity: c.severity },
  }));
  const index = new Map(CHECKS.map((c, i) => [c.id, i]));
  const results = findings.map((f) => ({
    ruleId: f.checkId,
    ruleIndex: index.get(f.checkId)!,
    level: SARIF_LEVEL[f.severity],
    message: { text: `${f.message}. Fix: ${f.fix}` },
    locations: [{
      physicalLocation: { artifactLocation: { uri: toUri(ctx.source) } },
      logicalLocations: [{ name: f.ruleId ?? (f.aclEntry ? `${f.resourceId}#${f.aclEntry.egress ? 'egress' : 'ingress'}#${f.aclEntry.ruleNumber}` : f.resourceId), fullyQualifiedName: `${ctx.accountId}/${ctx.region}/${f.vpcId ?? '-'}/${f.resourceId}${f.ruleId ? `/${f.ruleId}` : f.aclEntry ? `/${f.aclEntry.egress ? 'egress' : 'ingress'}/${f.aclEntry.ruleNumber}` : ''}`, kind: 'resource' }],
    }],
    partialFingerprints: { 'rampartFinding/v1': f.fingerprint },
    ...(f.baseline ? { baselineState: f.baseline } : {}),
    ...(f.suppressed ? { suppressions: [{ kind: 'external', status: 'accepted', justification: f.suppressed.reason }] } : {}),
    properties: {
      'security-severity': SECURITY_SEVERITY[f.severity], severity: f.severity, resourceType: f.resourceType, resourceId: f.resourceId,
      ...(f.resourceName ? { resourceName: f.resourceName } : {}), ...(f.vpcId ? { vpcId: f.vpcId } : {}), ...(f.ruleId ? { securityGroupRuleId: f.ruleId } : {}),
      ...(f.aclEntry ? { networkAclRuleNumber: f.aclEntry.ruleNumber, networkAclEgress: f.aclEntry.egress } : {}),
      ...(f.details ? { details: f.details } : {}),
    },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: TOOL_NAME, version: TOOL_VERSION, semanticVersion: TOOL_VERSION, rules } },
      invocations: [{ executionSuccessful: true, ...(ctx.now ? {} : { endTimeUtc: new Date().toISOString() }) }],
      artifacts: [{ location: { uri: toUri(ctx.source) }, roles: ['analysisTarget'] }],
      results,
      properties: { accountId: ctx.accountId, region: ctx.region, failOn: ctx.failOn },
    }],
  };
}

/** A relative or absolute path as a URI reference (SARIF artifactLocation.uri). */
function toUri(path: string): string {
  return path.split('/').map((p) => encodeURIComponent(p)).join('/');
}

// ------------------------------------------------------------------ OCSF Detection Finding

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
export const OCSF_SEVERITY: Record<AuditSeverity, { id: number; name: string }> = {
  info: { id: 1, name: 'Informational' }, low: { id: 2, name: 'Low' }, medium: { id: 3, name: 'Medium' }, high: { id: 4, name: 'High' }, critical: { id: 5, name: 'Critical' },
};

/**
 * One OCSF 1.x Detection Finding (class_uid 2004, category_uid 2 "Findings", activity 1 "Create", so
 * type_uid 200401) per finding. Finding status_id: 1 New, 3 Suppressed (OCSF finding status enum). The stable
 * fingerprint is finding_info.uid; the check is finding_info.analytic (type_id 1 "Rule").
 */
export function formatOcsf(findings: Finding[], ctx: ReportContext): unknown[] {
  const time = (ctx.now ?? new Date()).getTime();
  return findings.map((f) => {
    const c = CHECK_BY_ID.get(f.checkId)!;
    return {
      class_uid: 2004, class_name: 'Detection Finding', category_uid: 2, category_name: 'Findings',
      activity_id: 1, activity_name: 'Create', type_uid: 200401, type_name: 'Detection Finding: Create',
      time,
      severity_id: OCSF_SEVERITY[f.severity].id, severity: OCSF_SEVERITY[f.severity].name,
      status_id: f.suppressed ? 3 : 1, status: f.suppressed ? 'Suppressed' : 'New',
      ...(f.suppressed ? { status_detail: f.suppressed.reason } : {}),
      message: f.message,
      metadata: { version: '1.3.0', product: { name: TOOL_NAME, vendor_name: TOOL_NAME, version: TOOL_VERSION }, uid: f.fingerprint },
      finding_info: {
        uid: f.fingerprint, title: c.title, desc: f.message, types: [c.name], created_time: time,
        analytic: { uid: c.id, name: c.name, type_id: 1, type: 'Rule', desc: c.description },
      },
      resources: [{
        uid: f.resourceId, type: f.resourceType, ...(f.resourceName ? { name: f.resourceName } : {}), region: ctx.region, cloud_partition: 'aws',
        data: { ...(f.vpcId ? { vpc_id: f.vpcId } : {}), ...(f.ruleId ? { security_group_rule_id: f.ruleId } : {}), ...(f.aclEntry ? { network_acl_rule_number: f.aclEntry.ruleNumber, network_acl_egress: f.aclEntry.egress } : {}) },
      }],
      cloud: { provider: 'AWS', region: ctx.region, account: { uid: ctx.accountId, type: 'AWS Account', type_id: 10 } },
      remediation: { desc: f.fix },
      ...(f.details ? { unmapped: { details: f.details, ...(f.baseline ? { baseline: f.baseline } : {}) } } : f.baseline ? { unmapped: { baseline: f.baseline } } : {}),
    };
  });
}
