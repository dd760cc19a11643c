// What an audit finds: one finding per (check, resource, rule), with a severity that follows real exposure,
// the reason in plain words, a suggested fix, and a fingerprint that stays the same from run to run.

export type AuditSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const SEVERITIES: readonly AuditSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** 0 = most severe */
export function severityRank(s: AuditSeverity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is AuditSeverity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** AWS Config / CloudFormation resource type names. */
export type ResourceType = 'AWS::EC2::SecurityGroup' | 'AWS::EC2::NetworkAcl' | 'AWS::EC2::NetworkInterface';

export interface Finding {
  /** stable check id, e.g. RMP-SG-004 */
  checkId: string;
  severity: AuditSeverity;
  resourceType: ResourceType;
  /** sg-…, acl-…, eni-… */
  resourceId: string;
  /** the scenario's name for the resource, when it has one */
  resourceName?: string;
  vpcId?: string;
  /** security group rule (sgr-…), when the finding is about one */
  ruleId?: string;
  /** network ACL entry, when the finding is about one */
  aclEntry?: { ruleNumber: number; egress: boolean };
  /** the reason in plain words */
  message: string;
  /** what to do about it */
  fix: string;
  /** machine-readable details (ports, sources, related rules, …) */
  details?: Record<string, unknown>;
  /** stable across runs and id-preserving edits: sha256 over check id, resource and the rule's content */
  fingerprint: string;
  /** set when a suppression of the configuration matches */
  suppressed?: { reason: string };
  /** set when --baseline is given: whether the finding was already in the baseline */
  baseline?: 'new' | 'unchanged';
}
