// Small hand-made networks for the audit tests: one VPC with a public subnet (route to an internet gateway for
// IPv4 and IPv6) and a private one, a group `web` whose inbound rules each test gives, and an instance `web`.
import { loadScenario, type LoadedScenario } from '../../src/scenario/load.js';
import { runChecks, type AuditOptions } from '../../src/audit/checks.js';
import type { Finding } from '../../src/audit/types.js';

export interface NetOptions {
  /** inbound rules of group web, as YAML flow mappings */
  web?: string[];
  /** outbound rules of group web (omitted: AWS's allow-all) */
  webOut?: string[];
  /** extra groups, YAML under securityGroups (indented 6) */
  groups?: string;
  /** where instance web lives: public (public IP, IGW route) or private */
  webSubnet?: 'public' | 'private';
  /** extra instances, YAML under instances (indented 2) */
  instances?: string;
  /** networkAcls section (indented 6) */
  acls?: string;
  /** subnet of the private subnet's networkAcl */
  privateAcl?: string;
  publicAcl?: string;
  top?: string;
  vpcExtra?: string;
}

export function net(o: NetOptions = {}): string {
  const rules = (list: string[] | undefined) => (list === undefined ? '' : list.length === 0 ? ' []' : '\n' + list.map((r) => `          - ${r}`).join('\n'));
  return `seed: 1
${o.top ?? ''}
vpcs:
  prod:
    cidr: 10.0.0.0/16
    ipv6: true
    internetGateway: true
    subnets:
      public:  { cidr: 10.0.1.0/24, az: us-east-1a, public: true, routeTable: public, ipv6Cidr: auto${o.publicAcl ? `, networkAcl: ${o.publicAcl}` : ''} }
      private: { cidr: 10.0.2.0/24, az: us-east-1a, ipv6Cidr: auto${o.privateAcl ? `, networkAcl: ${o.privateAcl}` : ''} }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
          - { destination: "::/0", target: igw }
${o.acls ? `    networkAcls:\n${o.acls}` : ''}
    securityGroups:
      web:
        description: web
        inbound:${rules(o.web ?? [])}
${o.webOut !== undefined ? `        outbound:${rules(o.webOut)}` : ''}
${o.groups ?? ''}
${o.vpcExtra ?? ''}
instances:
  web: { subnet: ${o.webSubnet ?? 'public'}, groups: [web], ipv6: true, privateIp: ${o.webSubnet === 'private' ? '10.0.2.10' : '10.0.1.10'} }
${o.instances ?? ''}
`;
}

export function load(text: string): LoadedScenario {
  return loadScenario(text, 'test.yaml');
}

export function audit(text: string, opts: AuditOptions = {}): { findings: Finding[]; s: LoadedScenario } {
  const s = load(text);
  return { findings: runChecks(s.region, { nameOf: (id) => s.names.nameOf(id), ...opts }), s };
}

export function of(findings: Finding[], checkId: string): Finding[] {
  return findings.filter((f) => f.checkId === checkId);
}
