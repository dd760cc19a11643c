// AWS Config managed rules of this area, answered per resource as COMPLIANT / NON_COMPLIANT / NOT_APPLICABLE.
// These follow the rules' documented semantics (AWS Config Developer Guide, one page per rule, cited below),
// which read the configuration, not reachability: that is the point of parity. rampart's own checks
// (RMP-…) are the reachability-aware view.
import { NumberSet, PROTO_ALL, PROTO_TCP, PROTO_UDP } from '../net/index.js';
import type { SecurityGroup, SecurityGroupRule } from '../model/types.js';
import type { Region } from '../state/region.js';
import { AuditConfigError } from './config.js';

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export interface Evaluation {
  configRuleName: string;
  resourceType: 'AWS::EC2::SecurityGroup' | 'AWS::EC2::NetworkAcl';
  resourceId: string;
  complianceType: ComplianceType;
  annotation: string;
}

export const CONFIG_RULES = [
  'restricted-ssh',
  'restricted-common-ports',
  'vpc-default-security-group-closed',
  'vpc-sg-open-only-to-authorized-ports',
  'ec2-security-group-attached-to-eni',
  'nacl-no-unrestricted-ssh-rdp',
  'vpc-network-acl-unused-check',
] as const;

/** Parameters each rule accepts (AWS Config parameter names). */
export const RULE_PARAMETERS: Record<string, string[]> = {
  'restricted-common-ports': ['blockedPort1', 'blockedPort2', 'blockedPort3', 'blockedPort4', 'blockedPort5', 'blockedPorts'],
  'vpc-sg-open-only-to-authorized-ports': ['authorizedTcpPorts', 'authorizedUdpPorts'],
};

const ALL_PARAMS = new Set(Object.values(RULE_PARAMETERS).flat());

/** `name=value` flags and config-file entries, checked against the rules' parameter names. */
export function checkRuleParams(params: Record<string, string>): void {
  for (const k of Object.keys(params)) if (!ALL_PARAMS.has(k)) throw new AuditConfigError(`--rule-param ${k}: unknown parameter (known: ${[...ALL_PARAMS].join(', ')})`);
}

function portSet(text: string, what: string): NumberSet {
  const ranges: { lo: number; hi: number }[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? (m[2] === undefined ? lo : Number(m[2])) : NaN;
    if (!m || lo > hi || hi > 65535) throw new AuditConfigError(`${what}: '${part}' is not a port or a range LO-HI`);
    ranges.push({ lo, hi });
  }
  return NumberSet.of(ranges);
}

function isWorld(rule: SecurityGroupRule): boolean {
  return (rule.peer.kind === 'cidr4' && rule.peer.cidr === '0.0.0.0/0') || (rule.peer.kind === 'cidr6' && rule.peer.cidr === '::/0');
}

/** TCP (or UDP) ports of an inbound rule; protocol -1 opens every port of both. */
function portsOf(rule: SecurityGroupRule, protocol: number): NumberSet {
  if (rule.protocol === PROTO_ALL) return NumberSet.range(0, 65535);
  if (rule.protocol !== protocol) return NumberSet.EMPTY;
  return NumberSet.range(rule.fromPort, rule.toPort);
}

export function evaluateConfigRules(region: Region, params: Record<string, string> = {}, only?: string[]): Evaluation[] {
  checkRuleParams(params);
  const rules = only ?? [...CONFIG_RULES];
  for (const r of rules) if (!(CONFIG_RULES as readonly string[]).includes(r)) throw new AuditConfigError(`--config-rule ${r}: unknown rule (known: ${CONFIG_RULES.join(', ')})`);
  const out: Evaluation[] = [];
  const groups = [...region.securityGroups.values()].sort((a, b) => a.id.localeCompare(b.id));
  const acls = [...region.networkAcls.values()].sort((a, b) => a.id.localeCompare(b.id));
  const inbound = (g: SecurityGroup) => region.groupRules(g.id, false);
  const sg = (name: string, g: SecurityGroup, complianceType: ComplianceType, annotation: string) => out.push({ configRuleName: name, resourceType: 'AWS::EC2::SecurityGroup', resourceId: g.id, complianceType, annotation });

  for (const name of rules) {
    switch (name) {
      case 'restricted-ssh':
        // INCOMING_SSH_DISABLED: COMPLIANT when incoming SSH (TCP 22) is restricted to CIDRs other than 0.0.0.0/0
        // or ::/0, otherwise NON_COMPLIANT (docs: restricted-ssh). Protocol -1 opens TCP 22 too.
        for (const g of groups) {
          const bad = inbound(g).filter((r) => isWorld(r) && portsOf(r, PROTO_TCP).has(22));
          sg(name, g, bad.length ? 'NON_COMPLIANT' : 'COMPLIANT', bad.length ? `SSH (tcp 22) open to ${bad.map((r) => (r.peer as { cidr: string }).cidr).join(', ')} by ${bad.map((r) => r.id).join(', ')}` : 'incoming SSH is restricted');
        }
        break;
      case 'restricted-common-ports': {
        // RESTRICTED_INCOMING_TRAFFIC: security groups *in use* must not allow unrestricted (0.0.0.0/0, ::/0)
        // incoming TCP to blockedPort1..5 (defaults 20, 21, 3389, 3306, 4333) or the blockedPorts CSV
        // (docs: restricted-common-ports). Groups attached to nothing are not in use: NOT_APPLICABLE.
        const defaults: Record<string, string> = { blockedPort1: '20', blockedPort2: '21', blockedPort3: '3389', blockedPort4: '3306', blockedPort5: '4333' };
        let blocked = NumberSet.EMPTY;
        for (const k of ['blockedPort1', 'blockedPort2', 'blockedPort3', 'blockedPort4', 'blockedPort5']) {
          const v = params[k] ?? defaults[k];
          if (!/^\d+$/.test(v) || Number(v) > 65535) throw new AuditConfigError(`--rule-param ${k}=${v}: expected a port number`);
          blocked = blocked.union(NumberSet.range(Number(v), Number(v)));
        }
        if (params.blockedPorts !== undefined) blocked = blocked.union(portSet(params.blockedPorts, '--rule-param blockedPorts'));
        for (const g of groups) {
          if (region.groupMembers(g.id).size === 0) {
            sg(name, g, 'NOT_APPLICABLE', 'the group is not in use (attached to no network interface)');
            continue;
          }
          const bad = inbound(g).filter((r) => isWorld(r) && !portsOf(r, PROTO_TCP).intersect(blocked).isEmpty);
          sg(name, g, bad.length ? 'NON_COMPLIANT' : 'COMPLIANT', bad.length ? `blocked TCP ports ${bad.map((r) => portsOf(r, PROTO_TCP).intersect(blocked).format()).join(', ')} open to the world by ${bad.map((r) => r.id).join(', ')}` : `blocked TCP ports ${blocked.format()} are restricted`);
        }
        break;
      }
      case 'vpc-default-security-group-closed':
        // VPC_DEFAULT_SECURITY_GROUP_CLOSED: NON_COMPLIANT when the default group has any inbound or outbound
        // rule (docs: vpc-default-security-group-closed). Other groups are not evaluated: NOT_APPLICABLE.
        for (const g of groups) {
          if (g.name !== 'default') sg(name, g, 'NOT_APPLICABLE', 'not a default security group');
          else sg(name, g, g.ingress.length + g.egress.length ? 'NON_COMPLIANT' : 'COMPLIANT', `${g.ingress.length} inbound and ${g.egress.length} outbound rule(s)`);
        }
        break;
      case 'vpc-sg-open-only-to-authorized-ports': {
        // VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS: groups with an ingress rule from 0.0.0.0/0 or ::/0 may open only
        // authorizedTcpPorts / authorizedUdpPorts ("443,1020-1025"); groups without such a rule are NOT_APPLICABLE
        // (docs: vpc-sg-open-only-to-authorized-ports). A world rule for another protocol (or -1) is not authorized.
        const tcp = params.authorizedTcpPorts !== undefined ? portSet(params.authorizedTcpPorts, '--rule-param authorizedTcpPorts') : NumberSet.EMPTY;
        const udp = params.authorizedUdpPorts !== undefined ? portSet(params.authorizedUdpPorts, '--rule-param authorizedUdpPorts') : NumberSet.EMPTY;
        for (const g of groups) {
          const world = inbound(g).filter(isWorld);
          if (world.length === 0) {
            sg(name, g, 'NOT_APPLICABLE', 'no ingress rule from 0.0.0.0/0 or ::/0');
            continue;
          }
          const bad: string[] = [];
          for (const r of world) {
            if (r.protocol === PROTO_TCP) {
              const extra = portsOf(r, PROTO_TCP).subtract(tcp);
              if (!extra.isEmpty) bad.push(`tcp ${extra.format()} (${r.id})`);
            } else if (r.protocol === PROTO_UDP) {
              const extra = portsOf(r, PROTO_UDP).subtract(udp);
              if (!extra.isEmpty) bad.push(`udp ${extra.format()} (${r.id})`);
            } else bad.push(`${r.protocol === PROTO_ALL ? 'all traffic' : `protocol ${r.protocol}`} (${r.id})`);
          }
          sg(name, g, bad.length ? 'NON_COMPLIANT' : 'COMPLIANT', bad.length ? `open to the world beyond the authorized ports: ${bad.join(', ')}` : 'world-open rules use only authorized ports');
        }
        break;
      }
      case 'ec2-security-group-attached-to-eni':
        // EC2_SECURITY_GROUP_ATTACHED_TO_ENI: non-default groups must be attached to an instance or an ENI
        // (docs: ec2-security-group-attached-to-eni); default groups are NOT_APPLICABLE.
        for (const g of groups) {
          if (g.name === 'default') sg(name, g, 'NOT_APPLICABLE', 'default security group');
          else {
            const n = region.groupMembers(g.id).size;
            sg(name, g, n ? 'COMPLIANT' : 'NON_COMPLIANT', n ? `attached to ${n} network interface(s)` : 'attached to no network interface');
          }
        }
        break;
      case 'nacl-no-unrestricted-ssh-rdp':
        // NACL_NO_UNRESTRICTED_SSH_RDP: NON_COMPLIANT when an inbound entry allows 0.0.0.0/0 or ::/0 over TCP or
        // UDP (or all protocols) for ports 22 or 3389 (docs: nacl-no-unrestricted-ssh-rdp). Like AWS Config this
        // reads each entry on its own; RMP-NACL-001 is the order-aware view.
        for (const acl of acls) {
          const bad = acl.entries.filter((e) => !e.egress && e.ruleAction === 'allow' && e.ruleNumber < 32767 && (e.cidrBlock === '0.0.0.0/0' || e.ipv6CidrBlock === '::/0') &&
            (e.protocol === PROTO_ALL || ((e.protocol === PROTO_TCP || e.protocol === PROTO_UDP) && (!e.portRange || [22, 3389].some((p) => e.portRange!.from <= p && p <= e.portRange!.to)))));
          out.push({ configRuleName: name, resourceType: 'AWS::EC2::NetworkAcl', resourceId: acl.id, complianceType: bad.length ? 'NON_COMPLIANT' : 'COMPLIANT',
            annotation: bad.length ? `inbound entr${bad.length === 1 ? 'y' : 'ies'} #${bad.map((e) => e.ruleNumber).join(', #')} allow SSH/RDP from ${[...new Set(bad.map((e) => e.cidrBlock ?? e.ipv6CidrBlock))].join(', ')}` : 'no inbound entry allows SSH/RDP from everywhere' });
        }
        break;
      case 'vpc-network-acl-unused-check':
        // VPC_NETWORK_ACL_UNUSED_CHECK: COMPLIANT when the ACL is associated with a subnet (docs: vpc-network-acl-unused-check).
        for (const acl of acls) {
          out.push({ configRuleName: name, resourceType: 'AWS::EC2::NetworkAcl', resourceId: acl.id, complianceType: acl.associations.length ? 'COMPLIANT' : 'NON_COMPLIANT',
            annotation: acl.associations.length ? `associated with ${acl.associations.length} subnet(s)` : 'associated with no subnet' });
        }
        break;
    }
  }
  return out;
}
