// `audit(region, …)`: the checks, suppressions, baseline and threshold in one call, for the CLI and the library.
import type { Region } from '../state/region.js';
import { runChecks, type AuditOptions } from './checks.js';
import { applyBaseline, applySuppressions, failing, type Suppression } from './config.js';
import type { AuditSeverity, Finding } from './types.js';

export interface AuditRequest extends AuditOptions {
  suppressions?: Suppression[];
  /** fingerprints of a baseline (parseBaseline) */
  baseline?: Set<string>;
  /** default high */
  failOn?: AuditSeverity | 'none';
}

export interface AuditResult {
  findings: Finding[];
  /** not suppressed, not in the baseline, at or above the threshold */
  failing: Finding[];
  failOn: AuditSeverity | 'none';
}

export const DEFAULT_FAIL_ON: AuditSeverity = 'high';

export function audit(region: Region, req: AuditRequest = {}): AuditResult {
  const findings = runChecks(region, req);
  applySuppressions(findings, req.suppressions ?? []);
  if (req.baseline) applyBaseline(findings, req.baseline);
  const failOn = req.failOn ?? DEFAULT_FAIL_ON;
  return { findings, failing: failing(findings, failOn), failOn };
}

export { Auditor, runChecks, DEFAULT_ALLOWED_PORTS, type AuditOptions } from './checks.js';
export { CHECKS, CHECK_BY_ID, type CheckInfo } from './catalog.js';
export { AuditConfigError, makeBaseline, parseAuditConfig, parseBaseline, type Baseline, type Suppression } from './config.js';
export { evaluateConfigRules, CONFIG_RULES, type Evaluation } from './config-rules.js';
export { formatJson, formatOcsf, formatSarif, formatText } from './output.js';
export type { AuditSeverity, Finding } from './types.js';
