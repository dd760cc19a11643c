// One test per audit check: a hand-made network where it fires, and a near miss where it must not.
import { describe, expect, it } from 'vitest';
import { audit, load, net, of } from './helpers.js';
import { runChecks } from '../../src/audit/checks.js';

const SSH_WORLD = '{ protocol: tcp, ports: 22, from: 0.0.0.0/0 }';

describe('security group checks', () => {
  it('RMP-SG-001 fires on a default group with rules, not once they are revoked', () => {
    const s = load(net());
    const def = s.region.defaultSecurityGroup(s.names.vpcs.get('prod')!);
    expect(of(runChecks(s.region), 'RMP-SG-001').map((f) => f.resourceId)).toEqual([def.id]);
    s.region.revoke(def.id, false, { ruleIds: [...def.ingress] });
    s.region.revoke(def.id, true, { ruleIds: [...def.egress] });
    expect(of(runChecks(s.region), 'RMP-SG-001')).toEqual([]);
  });

  it('RMP-SG-002 fires when an interface uses the default group, not otherwise', () => {
    const used = audit(net({ instances: '  legacy: { subnet: private, groups: [default] }' }));
    expect(of(used.findings, 'RMP-SG-002')).toHaveLength(1);
    expect(of(used.findings, 'RMP-SG-002')[0].details?.networkInterfaces).toEqual(used.s.names.endpoints.get('legacy'));
    expect(of(audit(net()).findings, 'RMP-SG-002')).toEqual([]);
  });

  it('RMP-SG-003 all traffic from the internet: critical with a public path, lower without one', () => {
    const open = of(audit(net({ web: ['{ protocol: all, from: 0.0.0.0/0 }'] })).findings, 'RMP-SG-003');
    expect(open.map((f) => f.severity)).toEqual(['critical']);
    const hidden = of(audit(net({ web: ['{ protocol: all, from: 0.0.0.0/0 }'], webSubnet: 'private' })).findings, 'RMP-SG-003');
    expect(hidden.map((f) => f.severity)).toEqual(['medium']);
    expect(hidden[0].details?.notExposedBecause).toMatch(/no public IPv4 address/);
    expect(of(audit(net({ web: ['{ protocol: all, from: 10.0.0.0/8 }'] })).findings, 'RMP-SG-003')).toEqual([]);
  });

  it('RMP-SG-004 SSH from the IPv4 internet over tcp, udp and -1; a /29 public source is not the internet', () => {
    for (const rule of [SSH_WORLD, '{ protocol: udp, ports: 22, from: 0.0.0.0/0 }', '{ protocol: tcp, ports: 3389, from: 0.0.0.0/0 }', '{ protocol: all, from: 0.0.0.0/0 }']) {
      const f = of(audit(net({ web: [rule] })).findings, 'RMP-SG-004');
      expect(f, rule).toHaveLength(1);
      expect(f[0].severity).toBe('critical');
      expect(f[0].ruleId).toMatch(/^sgr-/);
    }
    const narrow = audit(net({ web: ['{ protocol: tcp, ports: 22, from: 203.0.113.8/29 }'] })).findings;
    expect(of(narrow, 'RMP-SG-004')).toEqual([]);
    expect(of(narrow, 'RMP-SG-008')).toEqual([]);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: 10.0.0.0/8 }'] })).findings, 'RMP-SG-004')).toEqual([]);
  });

  it('RMP-SG-004 severity follows the path: no public IP or a NACL deny lowers it', () => {
    expect(of(audit(net({ web: [SSH_WORLD], webSubnet: 'private' })).findings, 'RMP-SG-004')[0].severity).toBe('medium');
    const acls = `      edge:
        inbound:
          - { rule: 90, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: deny }
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`;
    const blocked = of(audit(net({ web: [SSH_WORLD], acls, publicAcl: 'edge' })).findings, 'RMP-SG-004');
    expect(blocked[0].severity).toBe('medium');
    expect(blocked[0].details?.exposed).toBe(false);
  });

  it('RMP-SG-005 SSH from the IPv6 internet is reported apart from IPv4', () => {
    const f = audit(net({ web: ['{ protocol: tcp, ports: 22, from: "::/0" }'] })).findings;
    expect(of(f, 'RMP-SG-005').map((x) => x.severity)).toEqual(['critical']);
    expect(of(f, 'RMP-SG-004')).toEqual([]);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: "2001:db8:1::/64" }'] })).findings, 'RMP-SG-005')).toEqual([]);
  });

  it('RMP-SG-006 a data-store port from the internet, not from private ranges', () => {
    const f = of(audit(net({ web: ['{ protocol: tcp, ports: 5432, from: 0.0.0.0/0 }'] })).findings, 'RMP-SG-006');
    expect(f.map((x) => x.severity)).toEqual(['high']);
    expect(f[0].details?.ports).toBe('tcp 5432');
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 5432, from: 10.0.0.0/8 }'] })).findings, 'RMP-SG-006')).toEqual([]);
  });

  it('RMP-SG-007 ports outside the allow-list (default 80, 443; configurable)', () => {
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 8443, from: 0.0.0.0/0 }'] })).findings, 'RMP-SG-007')).toHaveLength(1);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 443, from: 0.0.0.0/0 }'] })).findings, 'RMP-SG-007')).toEqual([]);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 8443, from: 0.0.0.0/0 }'] }), { allowedPorts: [443, 8443] }).findings, 'RMP-SG-007')).toEqual([]);
  });

  it('RMP-SG-008 wide public ranges; private or /24 ranges are not', () => {
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 443, from: 52.0.0.0/16 }'] })).findings, 'RMP-SG-008')).toHaveLength(1);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 443, from: 52.0.0.0/24 }'] })).findings, 'RMP-SG-008')).toEqual([]);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 443, from: 10.0.0.0/8 }'] })).findings, 'RMP-SG-008')).toEqual([]);
  });

  it('RMP-SG-008 over IPv6: wider than /48 of global space, not a /56', () => {
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 443, from: "2001:db8::/32" }'] })).findings, 'RMP-SG-008')).toHaveLength(1);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 443, from: "2001:db8:1:100::/56" }'] })).findings, 'RMP-SG-008')).toEqual([]);
  });

  it('a VPC without an internet gateway: world-open SSH is reported lower, and says why', () => {
    // no gateway, and the route table keeps only its local route
    const text = net({ web: [SSH_WORLD] }).replace('    internetGateway: true\n', '').replace(/ {10}- \{ destination: [^\n]*target: igw \}\n/g, '');
    expect(text).not.toMatch(/igw/);
    const s = load(text);
    const f = of(runChecks(s.region), 'RMP-SG-004');
    expect(f.map((x) => x.severity)).toEqual(['medium']);
    expect(f[0].details?.notExposedBecause).toMatch(/no internet gateway|no public IPv4/);
  });

  it('RMP-SG-009 single public addresses, not private ones', () => {
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: 52.1.2.3/32 }'] })).findings, 'RMP-SG-009')).toHaveLength(1);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: "2600:1f18::1/128" }'] })).findings, 'RMP-SG-009')).toHaveLength(1);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: 10.1.2.3/32 }'] })).findings, 'RMP-SG-009')).toEqual([]);
  });

  it('RMP-SG-010 IPv4 restricted while IPv6 is open (and not when both are restricted)', () => {
    const f = of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: 203.0.113.0/24 }', '{ protocol: tcp, ports: 22, from: "::/0" }'] })).findings, 'RMP-SG-010');
    expect(f).toHaveLength(1);
    expect(f[0].details).toMatchObject({ openFamily: 'IPv6', restrictedFamily: 'IPv4', ports: 'tcp 22' });
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: 203.0.113.0/24 }', '{ protocol: tcp, ports: 22, from: "2001:db8::/32" }'] })).findings, 'RMP-SG-010')).toEqual([]);
  });

  it('RMP-SG-011 overlapping CIDR rules in a group, not disjoint ones', () => {
    const f = of(audit(net({ web: ['{ protocol: tcp, ports: 80-90, from: 10.0.0.0/16 }', '{ protocol: tcp, ports: 85, from: 10.0.1.0/24 }'] })).findings, 'RMP-SG-011');
    expect(f).toHaveLength(1);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 80-90, from: 10.0.0.0/24 }', '{ protocol: tcp, ports: 85, from: 10.0.1.0/24 }'] })).findings, 'RMP-SG-011')).toEqual([]);
  });

  it('RMP-SG-012 a rule made redundant in the union of an interface\'s groups — unless another interface needs it', () => {
    const groups = `      wide:
        inbound:
          - { protocol: tcp, ports: 443, from: 10.0.0.0/8 }
      narrow:
        inbound:
          - { protocol: tcp, ports: 443, from: 10.0.2.0/24 }`;
    const both = audit(net({ groups, instances: '  app: { subnet: private, groups: [wide, narrow] }' }));
    // (the groups' identical default egress rules are redundant too: only inbound ones are looked at here)
    const inbound = (list: typeof both.findings) => of(list, 'RMP-SG-012').filter((x) => x.message.includes('inbound rule'));
    const f = inbound(both.findings);
    expect(f.map((x) => x.resourceId)).toEqual([both.s.names.groups.get('narrow')]);
    expect(f[0].details?.coveredBy).toHaveLength(1);
    const alone = audit(net({ groups, instances: '  app: { subnet: private, groups: [wide, narrow] }\n  solo: { subnet: private, groups: [narrow] }' }));
    expect(inbound(alone.findings)).toEqual([]);
  });

  it('RMP-SG-012 two identical rules: only one is reported (removing every reported rule changes nothing)', () => {
    const groups = `      a:
        inbound:
          - { protocol: tcp, ports: 443, from: 10.0.0.0/8 }
      b:
        inbound:
          - { protocol: tcp, ports: 443, from: 10.0.0.0/8 }`;
    const f = of(audit(net({ groups, instances: '  app: { subnet: private, groups: [a, b] }' })).findings, 'RMP-SG-012');
    // one of the two inbound rules and one of the two default egress rules
    expect(f.filter((x) => x.message.includes('inbound rule'))).toHaveLength(1);
    expect(f.filter((x) => x.message.includes('outbound rule'))).toHaveLength(1);
  });

  it('RMP-SG-013 port ranges, not single ports', () => {
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 8000-8100, from: 10.0.0.0/8 }'] })).findings, 'RMP-SG-013')).toHaveLength(1);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 8000, from: 10.0.0.0/8 }'] })).findings, 'RMP-SG-013')).toEqual([]);
  });

  it('RMP-SG-014 egress everywhere is informational; a narrowed egress is not reported', () => {
    const s = audit(net());
    const web = of(s.findings, 'RMP-SG-014').filter((f) => f.resourceId === s.s.names.groups.get('web'));
    expect(web.map((f) => f.severity)).toEqual(['info']);
    const n = audit(net({ webOut: ['{ protocol: tcp, ports: 443, to: 0.0.0.0/0 }'] }));
    expect(of(n.findings, 'RMP-SG-014').filter((f) => f.resourceId === n.s.names.groups.get('web'))).toEqual([]);
  });

  it('RMP-SG-015 a group open to itself on all ports, not on one port', () => {
    const all = audit(net({ web: ['{ protocol: all, from: web }'] }));
    expect(of(all.findings, 'RMP-SG-015').filter((f) => f.resourceId === all.s.names.groups.get('web'))).toHaveLength(1);
    const one = audit(net({ web: ['{ protocol: tcp, ports: 5432, from: web }'] }));
    expect(of(one.findings, 'RMP-SG-015').filter((f) => f.resourceId === one.s.names.groups.get('web'))).toEqual([]);
  });

  it('RMP-SG-016 a reference across a peering that is no longer active is stale', () => {
    const text = net({
      web: ['{ protocol: tcp, ports: 443, from: shared/app }'],
      vpcExtra: `  shared:
    cidr: 10.20.0.0/16
    securityGroups:
      app: { inbound: [] }
peerings:
  link: { requester: prod, accepter: shared, status: active }`,
    });
    const s = load(text);
    expect(of(runChecks(s.region), 'RMP-SG-016')).toEqual([]);
    s.region.deleteVpcPeeringConnection(s.names.peerings.get('link')!);
    const f = of(runChecks(s.region), 'RMP-SG-016');
    expect(f).toHaveLength(1);
    expect(f[0].resourceId).toBe(s.names.groups.get('web'));
  });

  it('RMP-SG-017 a group attached nowhere and referenced by nothing; a referenced one is used', () => {
    const lonely = audit(net({ groups: '      spare: { inbound: [] }' }));
    expect(of(lonely.findings, 'RMP-SG-017').map((f) => f.resourceId)).toEqual([lonely.s.names.groups.get('spare')]);
    const referenced = audit(net({ groups: '      spare: { inbound: [] }', web: ['{ protocol: tcp, ports: 443, from: spare }'] }));
    expect(of(referenced.findings, 'RMP-SG-017')).toEqual([]);
  });

  it('RMP-SG-018 identical groups in one VPC, not groups that differ', () => {
    const same = audit(net({ web: ['{ protocol: tcp, ports: 443, from: 10.0.0.0/8 }'], groups: '      twin:\n        inbound:\n          - { protocol: tcp, ports: 443, from: 10.0.0.0/8 }' }));
    expect(of(same.findings, 'RMP-SG-018')).toHaveLength(1);
    const differ = audit(net({ web: ['{ protocol: tcp, ports: 443, from: 10.0.0.0/8 }'], groups: '      twin:\n        inbound:\n          - { protocol: tcp, ports: 8443, from: 10.0.0.0/8 }' }));
    expect(of(differ.findings, 'RMP-SG-018')).toEqual([]);
  });

  it('RMP-SG-019 rule counts at 80 % of the quota, not below', () => {
    const rules = (n: number) => Array.from({ length: n }, (_, i) => `{ protocol: tcp, ports: ${1000 + i}, from: 10.0.0.0/8 }`);
    const near = audit(net({ top: 'quotas: { rulesPerSecurityGroup: 5 }', web: rules(4) }));
    expect(of(near.findings, 'RMP-SG-019').map((f) => f.details)).toEqual([{ direction: 'inbound', family: 'IPv4', used: 4, quota: 5 }]);
    expect(of(audit(net({ top: 'quotas: { rulesPerSecurityGroup: 5 }', web: rules(3) })).findings, 'RMP-SG-019')).toEqual([]);
  });

  it('RMP-SG-020 rules without a description, not described ones', () => {
    const s = audit(net({ web: ['{ protocol: tcp, ports: 443, from: 10.0.0.0/8 }'] }));
    expect(of(s.findings, 'RMP-SG-020').filter((f) => f.resourceId === s.s.names.groups.get('web'))).toHaveLength(1);
    const d = audit(net({ web: ['{ protocol: tcp, ports: 443, from: 10.0.0.0/8, description: HTTPS from the VPCs }'] }));
    expect(of(d.findings, 'RMP-SG-020').filter((f) => f.resourceId === d.s.names.groups.get('web'))).toEqual([]);
  });

  it('RMP-SG-021 launch-wizard-N groups, not names that merely contain it', () => {
    expect(of(audit(net({ groups: '      launch-wizard-1: { inbound: [] }' })).findings, 'RMP-SG-021')).toHaveLength(1);
    expect(of(audit(net({ groups: '      my-launch-wizard-1: { inbound: [] }' })).findings, 'RMP-SG-021')).toEqual([]);
  });
});

const ACL_OUT = `        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }`;

describe('network ACL checks', () => {
  it('RMP-NACL-001 an effective world-open allow on a routed subnet is high; one hidden behind an earlier deny is not reported', () => {
    const open = `      edge:
        inbound:
          - { rule: 100, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: allow }
${ACL_OUT}`;
    const f = audit(net({ acls: open, publicAcl: 'edge' }));
    const edge = of(f.findings, 'RMP-NACL-001').filter((x) => x.resourceId === f.s.names.networkAcls.get('prod/edge'));
    expect(edge.map((x) => [x.severity, x.aclEntry?.ruleNumber])).toEqual([['high', 100]]);
    const hidden = `      edge:
        inbound:
          - { rule: 90, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: deny }
          - { rule: 100, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: allow }
${ACL_OUT}`;
    const h = audit(net({ acls: hidden, publicAcl: 'edge' }));
    expect(of(h.findings, 'RMP-NACL-001').filter((x) => x.resourceId === h.s.names.networkAcls.get('prod/edge'))).toEqual([]);
  });

  it('RMP-NACL-001 is lower on a subnet without a route to the internet gateway', () => {
    const open = `      inner:
        inbound:
          - { rule: 100, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: allow }
${ACL_OUT}`;
    const f = audit(net({ acls: open, privateAcl: 'inner' }));
    expect(of(f.findings, 'RMP-NACL-001').filter((x) => x.resourceId === f.s.names.networkAcls.get('prod/inner')).map((x) => x.severity)).toEqual(['low']);
  });

  it('RMP-NACL-002 lists the entries that shadow a rule; a partly covered entry is not shadowed', () => {
    const acls = `      edge:
        inbound:
          - { rule: 90, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: deny }
          - { rule: 100, protocol: tcp, ports: 22, cidr: 203.0.113.0/24, action: allow }
${ACL_OUT}`;
    const f = of(audit(net({ acls, publicAcl: 'edge' })).findings, 'RMP-NACL-002');
    expect(f).toHaveLength(1);
    expect(f[0].aclEntry).toEqual({ ruleNumber: 100, egress: false });
    expect(f[0].details?.shadowedBy).toEqual([90]);
    const partial = `      edge:
        inbound:
          - { rule: 90, protocol: tcp, ports: 22, cidr: 203.0.113.0/24, action: deny }
          - { rule: 100, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: allow }
${ACL_OUT}`;
    expect(of(audit(net({ acls: partial, publicAcl: 'edge' })).findings, 'RMP-NACL-002')).toEqual([]);
  });

  it('RMP-NACL-003 a response blocked on the ephemeral ports for an allowed flow; not when 1024-65535 is allowed', () => {
    const groups = `      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: web }`;
    const acl = (out: string) => `      data:
        inbound:
          - { rule: 100, protocol: tcp, ports: 5432, cidr: 10.0.1.0/24, action: allow }
        outbound:
          - { rule: 100, protocol: tcp, ports: ${out}, cidr: 10.0.1.0/24, action: allow }`;
    const bad = audit(net({ groups, acls: acl('1024-2000'), privateAcl: 'data', instances: '  db: { subnet: private, groups: [db], privateIp: 10.0.2.20 }' }));
    const f = of(bad.findings, 'RMP-NACL-003');
    expect(f.map((x) => x.resourceId)).toEqual([bad.s.names.networkAcls.get('prod/data')]);
    expect(f[0].details).toMatchObject({ direction: 'outbound', protocol: 'tcp', requestPorts: '5432' });
    const ok = audit(net({ groups, acls: acl('1024-65535'), privateAcl: 'data', instances: '  db: { subnet: private, groups: [db], privateIp: 10.0.2.20 }' }));
    expect(of(ok.findings, 'RMP-NACL-003')).toEqual([]);
  });

  it('RMP-NACL-003 from the internet: a public subnet whose ACL lets HTTPS in but only part of the responses out', () => {
    const acl = (out: string) => `      edge:
        inbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: tcp, ports: ${out}, cidr: 0.0.0.0/0, action: allow }`;
    const bad = audit(net({ web: ['{ protocol: tcp, ports: 443, from: 0.0.0.0/0 }'], acls: acl('49152-65535'), publicAcl: 'edge' }));
    const f = of(bad.findings, 'RMP-NACL-003');
    expect(f).toHaveLength(1);
    expect(f[0].details).toMatchObject({ direction: 'outbound', peer: 'internet', requestPorts: '443', responseAllowedTo: '49152-61000' });
    expect(f[0].message).toMatch(/part of the response/);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 443, from: 0.0.0.0/0 }'], acls: acl('1024-65535'), publicAcl: 'edge' })).findings, 'RMP-NACL-003')).toEqual([]);
  });

  it('RMP-NACL-004 an ACL associated with no subnet', () => {
    const acls = `      spare:
        inbound: []
        outbound: []`;
    const f = audit(net({ acls }));
    expect(of(f.findings, 'RMP-NACL-004').map((x) => x.resourceId)).toEqual([f.s.names.networkAcls.get('prod/spare')]);
    expect(of(audit(net({ acls, publicAcl: 'spare' })).findings, 'RMP-NACL-004')).toEqual([]);
  });
});

describe('interface exposure', () => {
  it('RMP-ENI-001 reports the exposure of each reachable interface with its severity; none without a public path', () => {
    const web = audit(net({ web: ['{ protocol: tcp, ports: 443, from: 0.0.0.0/0 }'] }));
    const f = of(web.findings, 'RMP-ENI-001');
    expect(f.map((x) => [x.resourceId, x.severity])).toEqual([[web.s.names.endpoints.get('web')![0], 'low']]);
    const ssh = of(audit(net({ web: [SSH_WORLD] })).findings, 'RMP-ENI-001');
    expect(ssh[0].severity).toBe('critical');
    expect(of(audit(net({ web: [SSH_WORLD], webSubnet: 'private' })).findings, 'RMP-ENI-001')).toEqual([]);
  });

  it('RMP-ENI-001 over IPv6: SSH from ::/0 is critical, from a /32 high, from one /48 medium; no ::/0 route, no exposure', () => {
    const world = of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: "::/0" }'] })).findings, 'RMP-ENI-001');
    expect(world.map((f) => [f.severity, f.details?.family])).toEqual([['critical', 6]]);
    expect(world[0].message).toMatch(/IPv6 internet .*tcp 22 from ::\/0/);
    // the exposure question's rule: "more than a /16's worth" of IPv4 is "wider than a /48" of IPv6
    const wide = of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: "2001:db8::/32" }'] })).findings, 'RMP-ENI-001');
    expect(wide.map((f) => f.severity)).toEqual(['high']);
    const narrow = of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: "2001:db8::/48" }'] })).findings, 'RMP-ENI-001');
    expect(narrow.map((f) => [f.severity, f.details?.family])).toEqual([['medium', 6]]);
    expect(narrow[0].message).toMatch(/tcp 22 from 2001:db8::\/48/);
    expect(of(audit(net({ web: ['{ protocol: tcp, ports: 22, from: "::/0" }'], webSubnet: 'private' })).findings, 'RMP-ENI-001')).toEqual([]);
  });
});

describe('findings', () => {
  it('fingerprints are stable across runs and differ between rules', () => {
    const text = net({ web: [SSH_WORLD, '{ protocol: tcp, ports: 3389, from: 0.0.0.0/0 }'] });
    const a = audit(text).findings;
    const b = audit(text).findings;
    expect(a.map((f) => f.fingerprint)).toEqual(b.map((f) => f.fingerprint));
    expect(new Set(a.map((f) => f.fingerprint)).size).toBe(a.length);
  });
});
