// AWS Config managed-rule parity: each rule COMPLIANT and NON_COMPLIANT (and NOT_APPLICABLE where the rule's
// documentation says so), with its parameters.
import { describe, expect, it } from 'vitest';
import { evaluateConfigRules, type Evaluation } from '../../src/audit/config-rules.js';
import { files, rampart } from '../cli/helpers.js';
import { load, net } from './helpers.js';

function verdict(text: string, rule: string, name: string, params: Record<string, string> = {}): Evaluation['complianceType'] {
  const s = load(text);
  const id = rule.startsWith('nacl-') || rule.includes('network-acl') ? s.names.networkAcls.get(name) : s.names.groups.get(name);
  const e = evaluateConfigRules(s.region, params, [rule]).find((x) => x.resourceId === id);
  if (!e) throw new Error(`no evaluation of ${name}`);
  return e.complianceType;
}

describe('AWS Config managed rules', () => {
  it('restricted-ssh: SSH from 0.0.0.0/0 or ::/0 (tcp or all traffic) is NON_COMPLIANT; from a CIDR it is COMPLIANT', () => {
    expect(verdict(net({ web: ['{ protocol: tcp, ports: 22, from: 0.0.0.0/0 }'] }), 'restricted-ssh', 'web')).toBe('NON_COMPLIANT');
    expect(verdict(net({ web: ['{ protocol: all, from: "::/0" }'] }), 'restricted-ssh', 'web')).toBe('NON_COMPLIANT');
    expect(verdict(net({ web: ['{ protocol: tcp, ports: 22, from: 203.0.113.0/24 }'] }), 'restricted-ssh', 'web')).toBe('COMPLIANT');
  });

  it('restricted-common-ports: default blocked ports 20, 21, 3389, 3306, 4333; blockedPortN and blockedPorts parameters; unused groups are NOT_APPLICABLE', () => {
    const mysql = net({ web: ['{ protocol: tcp, ports: 3306, from: 0.0.0.0/0 }'] });
    expect(verdict(mysql, 'restricted-common-ports', 'web')).toBe('NON_COMPLIANT');
    expect(verdict(mysql, 'restricted-common-ports', 'web', { blockedPort4: '5432' })).toBe('COMPLIANT');
    const pg = net({ web: ['{ protocol: tcp, ports: 5432, from: 0.0.0.0/0 }'] });
    expect(verdict(pg, 'restricted-common-ports', 'web')).toBe('COMPLIANT');
    expect(verdict(pg, 'restricted-common-ports', 'web', { blockedPort5: '5432' })).toBe('NON_COMPLIANT');
    expect(verdict(pg, 'restricted-common-ports', 'web', { blockedPorts: '5000-6000' })).toBe('NON_COMPLIANT');
    expect(verdict(net({ groups: '      idle:\n        inbound:\n          - { protocol: tcp, ports: 3389, from: 0.0.0.0/0 }' }), 'restricted-common-ports', 'idle')).toBe('NOT_APPLICABLE');
    expect(() => verdict(pg, 'restricted-common-ports', 'web', { blockedPort1: 'ftp' })).toThrow(/expected a port number/);
  });

  it('vpc-default-security-group-closed: the default group with rules is NON_COMPLIANT, without rules COMPLIANT, other groups NOT_APPLICABLE', () => {
    const s = load(net());
    const def = s.region.defaultSecurityGroup(s.names.vpcs.get('prod')!);
    const of = () => evaluateConfigRules(s.region, {}, ['vpc-default-security-group-closed']);
    expect(of().find((e) => e.resourceId === def.id)?.complianceType).toBe('NON_COMPLIANT');
    expect(of().find((e) => e.resourceId === s.names.groups.get('web'))?.complianceType).toBe('NOT_APPLICABLE');
    s.region.revoke(def.id, false, { ruleIds: [...def.ingress] });
    s.region.revoke(def.id, true, { ruleIds: [...def.egress] });
    expect(of().find((e) => e.resourceId === def.id)?.complianceType).toBe('COMPLIANT');
  });

  it('vpc-sg-open-only-to-authorized-ports: world-open ports must be in authorizedTcpPorts / authorizedUdpPorts; groups without world rules are NOT_APPLICABLE', () => {
    const https = net({ web: ['{ protocol: tcp, ports: 443, from: 0.0.0.0/0 }', '{ protocol: udp, ports: 500, from: "::/0" }'] });
    expect(verdict(https, 'vpc-sg-open-only-to-authorized-ports', 'web', { authorizedTcpPorts: '443', authorizedUdpPorts: '500' })).toBe('COMPLIANT');
    expect(verdict(https, 'vpc-sg-open-only-to-authorized-ports', 'web', { authorizedTcpPorts: '443,1020-1025' })).toBe('NON_COMPLIANT');
    expect(verdict(https, 'vpc-sg-open-only-to-authorized-ports', 'web')).toBe('NON_COMPLIANT');
    expect(verdict(net({ web: ['{ protocol: tcp, ports: 443, from: 10.0.0.0/8 }'] }), 'vpc-sg-open-only-to-authorized-ports', 'web')).toBe('NOT_APPLICABLE');
  });

  it('ec2-security-group-attached-to-eni: attached groups are COMPLIANT, unattached NON_COMPLIANT, default groups NOT_APPLICABLE', () => {
    const text = net({ groups: '      spare: { inbound: [] }' });
    expect(verdict(text, 'ec2-security-group-attached-to-eni', 'web')).toBe('COMPLIANT');
    expect(verdict(text, 'ec2-security-group-attached-to-eni', 'spare')).toBe('NON_COMPLIANT');
    expect(verdict(text, 'ec2-security-group-attached-to-eni', 'prod/default')).toBe('NOT_APPLICABLE');
  });

  it('nacl-no-unrestricted-ssh-rdp: an inbound allow of 22/3389 from 0.0.0.0/0 or ::/0 is NON_COMPLIANT; a restricted entry is COMPLIANT', () => {
    const acl = (cidr: string, ports: string) => net({ acls: `      edge:
        inbound:
          - { rule: 100, protocol: tcp, ports: ${ports}, cidr: "${cidr}", action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`, publicAcl: 'edge' });
    expect(verdict(acl('0.0.0.0/0', '3389'), 'nacl-no-unrestricted-ssh-rdp', 'prod/edge')).toBe('NON_COMPLIANT');
    expect(verdict(acl('::/0', '20-30'), 'nacl-no-unrestricted-ssh-rdp', 'prod/edge')).toBe('NON_COMPLIANT');
    expect(verdict(acl('203.0.113.0/24', '22'), 'nacl-no-unrestricted-ssh-rdp', 'prod/edge')).toBe('COMPLIANT');
    expect(verdict(acl('0.0.0.0/0', '443'), 'nacl-no-unrestricted-ssh-rdp', 'prod/edge')).toBe('COMPLIANT');
    // the default ACL's allow-all entry opens SSH/RDP too
    expect(verdict(net(), 'nacl-no-unrestricted-ssh-rdp', 'prod/default')).toBe('NON_COMPLIANT');
  });

  it('vpc-network-acl-unused-check: an ACL with a subnet is COMPLIANT, without one NON_COMPLIANT', () => {
    const acls = '      spare:\n        inbound: []\n        outbound: []';
    expect(verdict(net({ acls }), 'vpc-network-acl-unused-check', 'prod/spare')).toBe('NON_COMPLIANT');
    expect(verdict(net({ acls, privateAcl: 'spare' }), 'vpc-network-acl-unused-check', 'prod/spare')).toBe('COMPLIANT');
  });

  it('rampart audit --config-rules: exit 1 on NON_COMPLIANT, 0 when all comply, parameters by --rule-param, 2 for unknown ones', () => {
    const p = files({ 'n.yaml': net({ web: ['{ protocol: tcp, ports: 3306, from: 0.0.0.0/0 }'] }) });
    const r = rampart('audit', p['n.yaml'], '--config-rules', '--config-rule', 'restricted-common-ports');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/restricted-common-ports: 1 NON_COMPLIANT/);
    const ok = rampart('audit', p['n.yaml'], '--config-rules', '--config-rule', 'restricted-common-ports', '--rule-param', 'blockedPort4=5432', '--format', 'json');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.out).evaluations.find((e: Evaluation) => e.resourceType === 'AWS::EC2::SecurityGroup' && e.complianceType !== 'NOT_APPLICABLE').complianceType).toBe('COMPLIANT');
    expect(rampart('audit', p['n.yaml'], '--config-rules', '--rule-param', 'blockedPort9=1').status).toBe(2);
    expect(rampart('audit', p['n.yaml'], '--config-rules', '--config-rule', 'restricted-everything').status).toBe(2);
  });
});
