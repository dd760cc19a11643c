// The audit's checks: stable ids (never renumbered; a retired check keeps its id unused), a short name, the
// default severity, and help text for SARIF rule metadata and the README. The checks follow the list of
// shared/spec/analysis.md "Audit checks".
import type { AuditSeverity, ResourceType } from './types.js';

export interface CheckInfo {
  id: string;
  /** kebab-case name, also stable */
  name: string;
  /** severity when the problem is really reachable; checks lower it when it is not */
  severity: AuditSeverity;
  resourceType: ResourceType;
  title: string;
  /** what it means, in plain words */
  description: string;
  fix: string;
}

const SG: ResourceType = 'AWS::EC2::SecurityGroup';
const ACL: ResourceType = 'AWS::EC2::NetworkAcl';
const ENI: ResourceType = 'AWS::EC2::NetworkInterface';

export const CHECKS: readonly CheckInfo[] = [
  { id: 'RMP-SG-001', name: 'default-sg-has-rules', severity: 'medium', resourceType: SG, title: 'Default security group has rules',
    description: 'The default security group of a VPC has inbound or outbound rules. Anything launched without a group gets it, so its rules apply by accident (CIS AWS Foundations 5.4, AWS Config vpc-default-security-group-closed).',
    fix: 'Revoke every rule of the default security group and give resources groups of their own.' },
  { id: 'RMP-SG-002', name: 'default-sg-in-use', severity: 'medium', resourceType: SG, title: 'Default security group in use',
    description: 'Network interfaces use the VPC\'s default security group, whose rules are shared by everything that was given no group.',
    fix: 'Attach a purpose-made security group to these interfaces and remove the default group from them.' },
  { id: 'RMP-SG-003', name: 'all-traffic-from-internet', severity: 'critical', resourceType: SG, title: 'All traffic allowed from the internet',
    description: 'An inbound rule allows every protocol and port from the whole internet (0.0.0.0/0 or ::/0, or a prefix list whose entries cover every internet address).',
    fix: 'Replace the rule with rules for the ports the service needs, from the sources that need them.' },
  { id: 'RMP-SG-004', name: 'admin-ports-internet-ipv4', severity: 'critical', resourceType: SG, title: 'SSH/RDP open to the IPv4 internet',
    description: 'An inbound rule opens port 22 (SSH) or 3389 (RDP) over TCP, UDP or all protocols to the whole IPv4 internet.',
    fix: 'Restrict the rule to known administration addresses, or use AWS Systems Manager Session Manager or a bastion instead of open admin ports.' },
  { id: 'RMP-SG-005', name: 'admin-ports-internet-ipv6', severity: 'critical', resourceType: SG, title: 'SSH/RDP open to the IPv6 internet',
    description: 'An inbound rule opens port 22 (SSH) or 3389 (RDP) over TCP, UDP or all protocols to the whole IPv6 internet (::/0 or all of 2000::/3).',
    fix: 'Restrict the IPv6 rule to known administration prefixes, or remove it.' },
  { id: 'RMP-SG-006', name: 'high-risk-ports-internet', severity: 'high', resourceType: SG, title: 'High-risk or data-store port open to the internet',
    description: 'An inbound rule opens a high-risk or data-store port (FTP, Telnet, SMTP, POP3, IMAP, SMB, MSSQL, Oracle, MySQL, PostgreSQL, Redis, Memcached, MongoDB, Elasticsearch, Kafka, Cassandra, NFS, …) to the whole internet.',
    fix: 'Allow the port only from the application tier\'s security group or from private address ranges.' },
  { id: 'RMP-SG-007', name: 'port-outside-allowlist', severity: 'medium', resourceType: SG, title: 'Port open to the internet outside the allow-list',
    description: 'An inbound rule opens ports to the whole internet that are not in the allowed list (default 80 and 443).',
    fix: 'Close the ports, restrict their sources, or add them to the allowed ports when they are meant to be public.' },
  { id: 'RMP-SG-008', name: 'wide-public-cidr', severity: 'medium', resourceType: SG, title: 'Wide public source range',
    description: 'An inbound rule allows a public (internet-routable) range wider than a /24 that is not the whole internet: far more addresses than one organisation usually needs.',
    fix: 'Narrow the range to the addresses that really need access.' },
  { id: 'RMP-SG-009', name: 'single-public-address', severity: 'low', resourceType: SG, title: 'Single public address as source',
    description: 'An inbound rule allows one public address (/32 or /128). Such addresses change owner over time (home connections, cloud addresses) and rules for them tend to outlive their purpose.',
    fix: 'Use a managed prefix list of the organisation\'s addresses, or a VPN, and describe who the address belongs to.' },
  { id: 'RMP-SG-010', name: 'ipv4-ipv6-mismatch', severity: 'medium', resourceType: SG, title: 'IPv4 and IPv6 rules disagree',
    description: 'A group restricts a port in one address family but opens it to the whole internet in the other, so the restriction can be bypassed over the open family.',
    fix: 'Give both families the same sources, or remove the open rule.' },
  { id: 'RMP-SG-011', name: 'overlapping-cidrs', severity: 'low', resourceType: SG, title: 'Overlapping CIDR rules in a group',
    description: 'Two rules of one group and direction name overlapping address ranges for overlapping ports: the group is harder to read and to change safely.',
    fix: 'Merge the rules or make their ranges disjoint.' },
  { id: 'RMP-SG-012', name: 'redundant-rule', severity: 'low', resourceType: SG, title: 'Redundant rule',
    description: 'Everything a rule allows is already allowed by other rules of the interface\'s groups (the union of all groups of every interface using it), so removing it changes nothing.',
    fix: 'Remove the redundant rule.' },
  { id: 'RMP-SG-013', name: 'port-range', severity: 'low', resourceType: SG, title: 'Port range instead of ports',
    description: 'An inbound rule opens a range of TCP or UDP ports where services usually need one or a few.',
    fix: 'Replace the range with rules for the ports the service listens on.' },
  { id: 'RMP-SG-014', name: 'egress-everywhere', severity: 'info', resourceType: SG, title: 'Outbound traffic allowed everywhere',
    description: 'The group allows all outbound traffic to 0.0.0.0/0 or ::/0 (AWS\'s default for a new group). Compromised hosts can reach anything.',
    fix: 'Where practical, allow outbound traffic only to the destinations and ports the workload needs.' },
  { id: 'RMP-SG-015', name: 'self-all-ports', severity: 'low', resourceType: SG, title: 'Group opens all ports to itself',
    description: 'An inbound rule lets every member of the group reach every port of every other member (all protocols or all ports from the group itself).',
    fix: 'Allow only the ports the members need to reach each other on.' },
  { id: 'RMP-SG-016', name: 'stale-reference', severity: 'medium', resourceType: SG, title: 'Stale security group reference',
    description: 'A rule references a group that was deleted, or a group in another VPC whose peering connection is no longer active (DescribeStaleSecurityGroups). The rule matches nothing, and a new group could later be meant by it.',
    fix: 'Remove the stale rule, or restore the peering connection it relies on.' },
  { id: 'RMP-SG-017', name: 'unused-group', severity: 'low', resourceType: SG, title: 'Unused security group',
    description: 'The group is attached to no network interface of any kind (instances, load balancers, databases, Lambda, endpoints, …) and no rule references it.',
    fix: 'Delete the group, or attach it where it was meant to be.' },
  { id: 'RMP-SG-018', name: 'identical-groups', severity: 'low', resourceType: SG, title: 'Identical security groups',
    description: 'Another group in the same VPC has exactly the same rules; duplicates drift apart over time.',
    fix: 'Use one group and remove the duplicate.' },
  { id: 'RMP-SG-019', name: 'rules-near-quota', severity: 'low', resourceType: SG, title: 'Rule count near the quota',
    description: 'A direction of the group uses 80 % or more of the rules-per-security-group quota (IPv4 and IPv6 counted apart; a prefix list counts its maximum entries).',
    fix: 'Consolidate rules (prefix lists, group references) before changes start failing with RulesPerSecurityGroupLimitExceeded.' },
  { id: 'RMP-SG-020', name: 'missing-description', severity: 'info', resourceType: SG, title: 'Rules without a description',
    description: 'Rules of the group have no description, so nobody can tell why they exist.',
    fix: 'Describe each rule: who needs it and why.' },
  { id: 'RMP-SG-021', name: 'launch-wizard-group', severity: 'low', resourceType: SG, title: 'launch-wizard group',
    description: 'The group was created by the EC2 console launch wizard (launch-wizard-N), which typically opens SSH or RDP to the world and is never reviewed.',
    fix: 'Replace it with a purpose-made, reviewed group.' },
  { id: 'RMP-NACL-001', name: 'nacl-world-open', severity: 'high', resourceType: ACL, title: 'Network ACL entry opens the world',
    description: 'An inbound allow entry matches traffic from the whole internet and actually decides some of it: no earlier entry (lower rule number) catches that traffic first.',
    fix: 'Narrow the entry\'s range and ports, or put deny entries for admin and data-store ports before it.' },
  { id: 'RMP-NACL-002', name: 'nacl-shadowed-entry', severity: 'low', resourceType: ACL, title: 'Network ACL entry shadowed by earlier entries',
    description: 'Earlier entries (lower rule numbers) match everything this entry matches, so it never decides anything.',
    fix: 'Remove the entry, or renumber it before the entries that shadow it if it was meant to apply.' },
  { id: 'RMP-NACL-003', name: 'nacl-return-path-blocked', severity: 'medium', resourceType: ACL, title: 'Network ACL blocks the response of an allowed flow',
    description: 'Security groups and network ACLs let a request in, but this network ACL blocks all or part of the response on the client\'s ephemeral ports, so connections fail or fail intermittently.',
    fix: 'Allow the response: an entry for the ephemeral ports (1024-65535 covers every client) to or from the peer\'s range.' },
  { id: 'RMP-NACL-004', name: 'unused-nacl', severity: 'low', resourceType: ACL, title: 'Unused network ACL',
    description: 'The network ACL is associated with no subnet.',
    fix: 'Delete it, or associate it with the subnets it was written for.' },
  { id: 'RMP-ENI-001', name: 'internet-exposure', severity: 'critical', resourceType: ENI, title: 'Network interface reachable from the internet',
    description: 'The interface is reachable from the internet: it has a public address, its VPC an attached internet gateway, its subnet a route to it, the network ACL lets requests in and responses out, and a security group allows the traffic. Severity follows what is reachable (admin/data-store ports from the whole internet are critical; web ports only are low).',
    fix: 'Close what does not need to be public: remove the public address, restrict the security group, or put the service behind a load balancer.' },
];

export const CHECK_BY_ID = new Map(CHECKS.map((c) => [c.id, c]));

export function check(id: string): CheckInfo {
  const c = CHECK_BY_ID.get(id);
  if (!c) throw new Error(`unknown check ${id}`);
  return c;
}

/** Admin ports (analysis.md): SSH and RDP. */
export const ADMIN_PORTS = [22, 3389];
/** High-risk and data-store ports (analysis.md "Audit checks"). */
export const HIGH_RISK_PORTS = [20, 21, 23, 25, 110, 135, 143, 445, 1433, 1434, 1521, 2049, 2483, 2484, 3000, 3306, 4333, 5000, 5432, 5500, 5601, 6379, 7199, 8080, 8088, 8888, 9042, 9092, 9160, 9200, 9300, 11211, 27017, 27018];
