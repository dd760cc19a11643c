// Hand-made networks with known answers for the questions of the analysis (who can reach X, what can X reach,
// exposure, matrix, diff), each test named after the claim it checks. Scenarios are YAML (loadScenario); the
// packet engine's probe is the referee wherever a claim is about one flow.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { probe } from '../../src/engine/probe.js';
import { Reachability } from '../../src/analysis/reach.js';
import { diffReach, formatPorts, formatSummary, Questions, type ReachRow } from '../../src/analysis/questions.js';
import { loadScenario } from '../../src/scenario/load.js';
import { parseIpv4, parseIpv6 } from '../../src/net/index.js';

function setup(yaml: string, file = 'test.yaml') {
  const { region, names } = loadScenario(yaml, file);
  const engine = new Engine(region);
  const reach = new Reachability(engine);
  const q = new Questions(reach);
  const eni = (name: string): string => {
    const ids = names.endpoints.get(name);
    if (!ids) throw new Error(`test bug: no endpoint ${name}`);
    return ids[0];
  };
  const group = (name: string): string => names.groups.get(name)!;
  const name = (id: string): string => names.nameOf(id) ?? id;
  /** rows as `role: ports [members]`, the way a person reads them */
  const show = (rows: ReachRow[]): string[] =>
    rows.map((r) => `${r.role}: ${formatSummary(r.ports, reach.otherProtocol)}${r.ranges ? ` from ${r.ranges.join(', ')}` : ''}${r.networkInterfaceIds.length ? ` [${r.networkInterfaceIds.map(name).sort().join(', ')}]` : ''}`);
  const tcpProbe = (from: string, to: string, port: number, opts: { family?: 4 | 6 } = {}) =>
    probe(engine, { from: { kind: 'eni', networkInterfaceId: eni(from) }, to: { kind: 'eni', networkInterfaceId: eni(to) }, protocol: 6, port, ...(opts.family ? { family: opts.family } : {}) });
  return { region, names, engine, reach, q, eni, group, name, show, tcpProbe };
}

/** A three-tier VPC: web (public), app and bastion (private), a database. */
const THREE_TIER = `
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internetGateway: true
    subnets:
      public: { cidr: 10.0.1.0/24, public: true, routeTable: public }
      app:    { cidr: 10.0.2.0/24 }
      data:   { cidr: 10.0.3.0/24 }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
    securityGroups:
      web:
        inbound:
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
      app: {}
      admin: {}
      db:
        inbound:
          - { protocol: tcp, ports: 80, from: app }
          - { protocol: tcp, ports: 443, from: app }
          - { protocol: tcp, ports: 8000-8100, from: app }
          - { protocol: tcp, ports: 5432, from: web }
          - { protocol: tcp, ports: 22, from: admin }
          - { protocol: icmp, type: 8, from: admin }
instances:
  web1:    { subnet: public, groups: [web], privateIp: 10.0.1.10 }
  web2:    { subnet: public, groups: [web], privateIp: 10.0.1.11 }
  app1:    { subnet: app, groups: [app], privateIp: 10.0.2.10 }
  app2:    { subnet: app, groups: [app], privateIp: 10.0.2.11 }
  bastion: { subnet: app, groups: [admin], privateIp: 10.0.2.20 }
  db:      { subnet: data, groups: [db], privateIp: 10.0.3.10 }
`;

describe('who can reach / what can reach', () => {
  it('who can reach the database: one row per role, the ports of several rules merged (80,443,8000-8100)', () => {
    const t = setup(THREE_TIER);
    const rows = t.q.whoCanReach(t.eni('db'));
    expect(t.show(rows)).toEqual([
      'admin @ app: tcp 22; icmp type 8 [bastion]',
      'app @ app: tcp 80,443,8000-8100 [app1, app2]',
      'web @ public: tcp 5432 [web1, web2]',
    ]);
    // no internet row: the database has no public address
    expect(rows.some((r) => r.role === 'internet')).toBe(false);
    // the formatting helpers on their own
    const app = rows.find((r) => r.role === 'app @ app')!;
    expect(formatPorts(6, app.ports[0].ports)).toBe('80,443,8000-8100');
    // the probe agrees on the edges of the merged range
    for (const [port, ok] of [[80, true], [443, true], [7999, false], [8000, true], [8100, true], [8101, false], [5432, false]] as const) {
      expect(t.tcpProbe('app1', 'db', port).reachable, `app1 → db tcp ${port}`).toBe(ok);
    }
  });

  it('what can a web server reach: its peer over 443, the database over 5432, and the whole internet', () => {
    const t = setup(THREE_TIER);
    expect(t.show(t.q.whatCanReach(t.eni('web1')))).toEqual([
      'internet: tcp all; udp all; icmp all; other protocols all from 198.51.100.10 (a typical internet address)',
      'db @ data: tcp 5432 [db]',
      'web @ public: tcp 443 [web2]',
    ]);
    // the app tier opens nothing towards the web server, and the web server nothing towards the app tier
    expect(t.tcpProbe('web1', 'app1', 443).reachable).toBe(false);
    expect(t.tcpProbe('web1', 'web2', 443).reachable).toBe(true);
  });

  it('an instance reaches nothing on the internet without a public address (NO_PUBLIC_IP), even with allow-all egress', () => {
    const t = setup(THREE_TIER);
    const rows = t.q.whatCanReach(t.eni('app1'));
    expect(rows.some((r) => r.role === 'internet')).toBe(false);
    const r = probe(t.engine, { from: { kind: 'eni', networkInterfaceId: t.eni('app1') }, to: { kind: 'internet' }, protocol: 6, port: 443 });
    expect(r.reachable).toBe(false);
  });
});

describe('network ACLs', () => {
  const returnPath = (outbound: string) => `
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      app:  { cidr: 10.0.1.0/24 }
      data: { cidr: 10.0.2.0/24, networkAcl: data }
    networkAcls:
      data:
        inbound:
          - { rule: 100, protocol: tcp, ports: 5432, cidr: 10.0.1.0/24, action: allow }
        outbound:
${outbound}
    securityGroups:
      app: {}
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: app }
instances:
  app: { subnet: app, groups: [app], privateIp: 10.0.1.10 }
  db:  { subnet: data, groups: [db], privateIp: 10.0.2.10 }
`;

  it('a NACL that denies the return traffic blocks a flow whose request gets through: forward non-empty, reachable empty, returns false', () => {
    // outbound only allows the privileged ports back: the client's ephemeral ports (32768-61000) are denied
    const t = setup(returnPath('          - { rule: 100, protocol: tcp, ports: 0-1023, cidr: 10.0.1.0/24, action: allow }'));
    const p = t.reach.pair(t.eni('app'), t.eni('db'))!;
    const tcp = p.protocols.find((x) => x.protocol === 6)!;
    expect(tcp.forward.format()).toBe('5432');
    expect(tcp.reachable.isEmpty).toBe(true);
    expect(tcp.partial.isEmpty).toBe(true);
    expect(tcp.returns).toBe(false);
    expect(tcp.returnPorts!.isEmpty).toBe(true);
    expect(t.q.whoCanReach(t.eni('db'))).toEqual([]);
    // the probe: the request is delivered, the response is what fails
    const r = t.tcpProbe('app', 'db', 5432);
    expect(r.forward.allowed).toBe(true);
    expect(r.reachable).toBe(false);
    expect(r.returnPorts!.isEmpty).toBe(true);
    expect(r.explanations.map((e) => [e.path, e.code, e.direction])).toContainEqual(['response', 'SUBNET_ACL_RESTRICTION', 'egress']);
    expect(r.explanations.every((e) => e.path === 'response')).toBe(true);
  });

  it('a NACL that lets the response back to only part of the ephemeral range makes the flow partial, not reachable', () => {
    const t = setup(returnPath('          - { rule: 100, protocol: tcp, ports: 49152-65535, cidr: 10.0.1.0/24, action: allow }'));
    const tcp = t.reach.pair(t.eni('app'), t.eni('db'))!.protocols.find((x) => x.protocol === 6)!;
    expect(tcp.forward.format()).toBe('5432');
    expect(tcp.reachable.isEmpty).toBe(true);
    expect(tcp.partial.format()).toBe('5432');
    expect(tcp.returns).toBe(true);
    expect(tcp.returnPorts!.format()).toBe('49152-61000');
    expect(t.show(t.q.whoCanReach(t.eni('db')))).toEqual(['app @ app: tcp 5432 (response only to part of the client ports) [app]']);
    const r = t.tcpProbe('app', 'db', 5432);
    expect(r.reachable).toBe(false);
    expect(r.returnPorts!.format()).toBe('49152-61000');
    expect(r.explanations.map((e) => e.message).join('\n')).toContain('only to client ports 49152-61000');
  });

  it('the same NACL with the whole ephemeral range allowed back makes the flow reachable', () => {
    const t = setup(returnPath('          - { rule: 100, protocol: tcp, ports: 1024-65535, cidr: 10.0.1.0/24, action: allow }'));
    const tcp = t.reach.pair(t.eni('app'), t.eni('db'))!.protocols.find((x) => x.protocol === 6)!;
    expect(tcp.reachable.format()).toBe('5432');
    expect(t.tcpProbe('app', 'db', 5432).reachable).toBe(true);
  });

  const shadow = (deny: number, allow: number) => `
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      office: { cidr: 10.0.1.0/24 }
      hosts:  { cidr: 10.0.2.0/24, networkAcl: hosts }
    networkAcls:
      hosts:
        inbound:
          - { rule: ${deny}, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: deny }
          - { rule: ${allow}, protocol: tcp, ports: 22, cidr: 10.0.1.0/24, action: allow }
        outbound:
          - { rule: 100, protocol: tcp, ports: 1024-65535, cidr: 10.0.1.0/24, action: allow }
    securityGroups:
      admin: {}
      host:
        inbound:
          - { protocol: tcp, ports: 22, from: 10.0.0.0/16 }
instances:
  laptop: { subnet: office, groups: [admin], privateIp: 10.0.1.10 }
  host:   { subnet: hosts, groups: [host], privateIp: 10.0.2.10 }
`;

  it('an allow entry shadowed by an earlier deny entry (deny 100 before allow 200) opens nothing', () => {
    const t = setup(shadow(100, 200));
    const tcp = t.reach.pair(t.eni('laptop'), t.eni('host'))!.protocols.find((x) => x.protocol === 6)!;
    expect(tcp.forward.isEmpty).toBe(true);
    expect(tcp.reachable.isEmpty).toBe(true);
    expect(t.q.whoCanReach(t.eni('host'))).toEqual([]);
    const r = t.tcpProbe('laptop', 'host', 22);
    expect(r.reachable).toBe(false);
    const acl = r.forward.hops.find((h) => h.kind === 'network-acl' && h.direction === 'ingress')!;
    expect(acl.aclEntry?.ruleNumber).toBe(100);
    expect(acl.aclEntry?.ruleAction).toBe('deny');
  });

  it('swapping the rule numbers (allow 100 before deny 200) makes the same entries open SSH', () => {
    const t = setup(shadow(200, 100));
    const tcp = t.reach.pair(t.eni('laptop'), t.eni('host'))!.protocols.find((x) => x.protocol === 6)!;
    expect(tcp.reachable.format()).toBe('22');
    expect(t.show(t.q.whoCanReach(t.eni('host')))).toEqual(['admin @ office: tcp 22 [laptop]']);
    const r = t.tcpProbe('laptop', 'host', 22);
    expect(r.reachable).toBe(true);
    expect(r.forward.hops.find((h) => h.kind === 'network-acl' && h.direction === 'ingress')!.aclEntry?.ruleNumber).toBe(100);
  });
});

describe('peering', () => {
  const PEERED = `
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      data: { cidr: 10.0.2.0/24, routeTable: data }
    routeTables:
      data:
        routes:
          - { destination: 10.1.0.0/16, target: peering:prod-shared }
    securityGroups:
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: shared/app }
  shared:
    cidr: 10.1.0.0/16
    subnets:
      apps: { cidr: 10.1.1.0/24, routeTable: apps }
    routeTables:
      apps:
        routes:
          - { destination: 10.0.0.0/16, target: peering:prod-shared }
    securityGroups:
      app: {}
peerings:
  prod-shared: { requester: prod, accepter: shared, status: active }
instances:
  db:  { subnet: data, groups: [db], privateIp: 10.0.2.10 }
  app: { subnet: apps, groups: [app], privateIp: 10.1.1.10 }
`;

  it('a group reference across an active peering is reachable, and stops being reachable once the peering is deleted', () => {
    const t = setup(PEERED);
    expect(t.show(t.q.whoCanReach(t.eni('db')))).toEqual(['app @ apps: tcp 5432 [app]']);
    expect(t.reach.pair(t.eni('app'), t.eni('db'))!.protocols.find((x) => x.protocol === 6)!.reachable.format()).toBe('5432');
    expect(t.tcpProbe('app', 'db', 5432).reachable).toBe(true);

    t.region.deleteVpcPeeringConnection(t.names.peerings.get('prod-shared')!);

    // the same Questions object: the peering event refreshes it
    expect(t.q.whoCanReach(t.eni('db'))).toEqual([]);
    // without a peering the pair has no address to use (the database has no public address)
    expect(t.reach.pair(t.eni('app'), t.eni('db'))).toBeUndefined();
    const r = t.tcpProbe('app', 'db', 5432);
    expect(r.reachable).toBe(false);
    expect(r.explanations.map((e) => e.code)).toContain('BAD_STATE_ROUTE');
    // the rule is stale now
    expect(t.region.staleRules().map((x) => x.groupId)).toEqual([t.group('db')]);
  });
});

describe('exposure', () => {
  const EXPOSED = `
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internetGateway: true
    subnets:
      public: { cidr: 10.0.1.0/24, routeTable: public }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
    securityGroups:
      ssh-world:
        inbound:
          - { protocol: tcp, ports: 22, from: 0.0.0.0/0 }
      ssh-office:
        inbound:
          - { protocol: tcp, ports: 22, from: 203.0.113.0/24 }
      web:
        inbound:
          - { protocol: tcp, ports: 80, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
instances:
  open-ssh:    { subnet: public, groups: [ssh-world], privateIp: 10.0.1.10, publicIp: true }
  office-ssh:  { subnet: public, groups: [ssh-office], privateIp: 10.0.1.11, publicIp: true }
  web:         { subnet: public, groups: [web], privateIp: 10.0.1.12, publicIp: true }
  hidden-ssh:  { subnet: public, groups: [ssh-world], privateIp: 10.0.1.13, publicIp: false }
`;

  it('an instance with a world-open group but no public address is not exposed', () => {
    const t = setup(EXPOSED);
    const found = t.q.exposure().map((f) => t.name(f.networkInterfaceId));
    expect(found).not.toContain('hidden-ssh');
    // its twin with a public address is (same group, same subnet)
    expect(found).toContain('open-ssh');
    // and no internet row in who-can-reach it, while its neighbours still can over SSH
    const rows = t.q.whoCanReach(t.eni('hidden-ssh'));
    expect(rows.some((r) => r.role === 'internet')).toBe(false);
    expect(rows.find((r) => r.role === 'ssh-world @ public')?.networkInterfaceIds.map(t.name)).toEqual(['open-ssh']);
  });

  it('exposure severity follows the ports and the sources: SSH from 0.0.0.0/0 critical, SSH from an office /24 medium, web only low', () => {
    const t = setup(EXPOSED);
    const by = new Map(t.q.exposure().map((f) => [t.name(f.networkInterfaceId), f]));
    expect([...by.keys()]).toEqual(['open-ssh', 'office-ssh', 'web']); // most severe first

    const open = by.get('open-ssh')!;
    expect(open.severity).toBe('critical');
    expect(open.rows.map((r) => [formatSummary(r.ports, t.reach.otherProtocol), r.sources, r.severity])).toEqual([['tcp 22', ['0.0.0.0/0'], 'critical']]);
    expect(open.publicAddress).toBe(t.region.getNetworkInterface(t.eni('open-ssh')).privateIpAddresses[0].association!.publicIp);
    expect(open.internetGatewayId).toBe(t.region.attachedInternetGateway(t.region.getNetworkInterface(t.eni('open-ssh')).vpcId)!.id);
    // provenance: the engine's trace of one packet names the rule that lets it in
    const sg = open.path.find((h) => h.kind === 'security-groups' && h.direction === 'ingress')!;
    expect(sg.allowed).toBe(true);
    expect(sg.rules!.map((r) => r.groupId)).toEqual([t.group('ssh-world')]);

    const office = by.get('office-ssh')!;
    expect(office.severity).toBe('medium');
    expect(office.rows.map((r) => [formatSummary(r.ports, t.reach.otherProtocol), r.sources])).toEqual([['tcp 22', ['203.0.113.0/24']]]);

    const web = by.get('web')!;
    expect(web.severity).toBe('low');
    expect(web.rows.map((r) => [formatSummary(r.ports, t.reach.otherProtocol), r.sources])).toEqual([['tcp 80,443', ['0.0.0.0/0']]]);

    // the probe agrees with every row
    const pub = (n: string) => t.region.getNetworkInterface(t.eni(n)).privateIpAddresses[0].association!.publicIp;
    const fromNet = (addr: string, n: string, port: number) =>
      probe(t.engine, { from: { kind: 'internet', address: addr }, to: { kind: 'internet', address: pub(n) }, protocol: 6, port }).reachable;
    expect(fromNet('198.51.100.10', 'open-ssh', 22)).toBe(true);
    expect(fromNet('198.51.100.10', 'office-ssh', 22)).toBe(false);
    expect(fromNet('203.0.113.77', 'office-ssh', 22)).toBe(true);
    expect(fromNet('198.51.100.10', 'web', 443)).toBe(true);
    expect(fromNet('198.51.100.10', 'web', 22)).toBe(false);
  });

  const IPV6_ONLY = `
vpcs:
  prod:
    cidr: 10.0.0.0/16
    ipv6: true
    internetGateway: true
    subnets:
      public: { cidr: 10.0.1.0/24, ipv6Cidr: auto, routeTable: public }
    routeTables:
      public:
        routes:
          - { destination: "::/0", target: igw }
    securityGroups:
      web6:
        inbound:
          - { protocol: tcp, ports: 443, from: "::/0" }
      client:
        # a new group's default egress rule is IPv4 only
        outbound:
          - { protocol: all, to: 0.0.0.0/0 }
          - { protocol: all, to: "::/0" }
instances:
  web6:   { subnet: public, groups: [web6], privateIp: 10.0.1.10, publicIp: false, ipv6: true }
  client: { subnet: public, groups: [client], privateIp: 10.0.1.11, publicIp: false, ipv6: true }
`;

  it('an IPv6-only exposure (global IPv6 address, no public IPv4, ::/0 rule) is reachable from the internet over IPv6: protocolReach and probe agree', () => {
    const t = setup(IPV6_ONLY);
    const web6 = t.region.getNetworkInterface(t.eni('web6'));
    expect(web6.privateIpAddresses[0].association).toBeUndefined();
    const v6addr = web6.ipv6Addresses[0];
    const internet = parseIpv6('2001:db8:ffff::10');
    const tcp = t.reach.protocolReach({ kind: 'internet' }, 6, internet, parseIpv6(v6addr), 6);
    expect(tcp.reachable.format()).toBe('443');
    expect(probe(t.engine, { from: { kind: 'internet', address: '2001:db8:ffff::10' }, to: { kind: 'internet', address: v6addr }, protocol: 6, port: 443 }).reachable).toBe(true);
    expect(probe(t.engine, { from: { kind: 'internet', address: '2001:db8:ffff::10' }, to: { kind: 'internet', address: v6addr }, protocol: 6, port: 22 }).reachable).toBe(false);
    // over IPv4 nothing: no public address
    expect(t.reach.protocolReach({ kind: 'internet' }, 4, parseIpv4('198.51.100.10'), parseIpv4('10.0.1.10'), 6).reachable.isEmpty).toBe(true);
    // what who-can-reach and pair give over IPv6 today: the interfaces (the ::/0 rule covers the neighbour's
    // IPv6 too), but no internet row — the internet rows of whoCanReach are IPv4 only
    expect(t.show(t.q.whoCanReach(web6.id, 6))).toEqual(['client @ public: tcp 443 [client]']);
    expect(t.reach.pair(t.eni('client'), web6.id, 6)!.protocols.find((p) => p.protocol === 6)!.reachable.format()).toBe('443');
    expect(t.q.whoCanReach(web6.id, 4)).toEqual([]);
  });

  it('exposure() reports an IPv6-only exposure: the global address, ::/0, the port, and the path', () => {
    const t = setup(IPV6_ONLY);
    const found = t.q.exposure();
    const web6 = found.filter((f) => t.name(f.networkInterfaceId) === 'web6');
    expect(web6).toHaveLength(1);
    const f = web6[0];
    expect(f.family).toBe(6);
    expect(f.publicAddress).toBe(t.region.getNetworkInterface(t.eni('web6')).ipv6Addresses[0]);
    expect(f.rows.map((r) => `${formatSummary(r.ports, t.reach.otherProtocol)} from ${r.sources.join(', ')}`)).toEqual(['tcp 443 from ::/0']);
    expect(f.severity).toBe('low');
    expect(f.path.some((h) => h.kind === 'internet-gateway' || h.resourceId.startsWith('igw-'))).toBe(true);
    // the client has a global address too but no group lets anything in: not exposed
    expect(found.map((x) => t.name(x.networkInterfaceId))).not.toContain('client');
    // opening SSH to the whole IPv6 internet makes it critical; without the ::/0 route nothing is exposed
    const open = setup(IPV6_ONLY.replace('          - { protocol: tcp, ports: 443, from: "::/0" }', '          - { protocol: tcp, ports: 443, from: "::/0" }\n          - { protocol: tcp, ports: 22, from: "::/0" }'));
    expect(open.q.exposure().find((x) => open.name(x.networkInterfaceId) === 'web6')?.severity).toBe('critical');
    const noRoute = setup(IPV6_ONLY.replace('          - { destination: "::/0", target: igw }', '          - { destination: "0.0.0.0/0", target: igw }'));
    expect(noRoute.q.exposure()).toEqual([]);
  });
});

describe('matrix', () => {
  it('the matrix has one cell per pair of roles that can talk, with the interfaces counted', () => {
    const t = setup(THREE_TIER);
    const cells = t.q.matrix().map((c) => `${c.from} → ${c.to}: ${formatSummary(c.ports, t.reach.otherProtocol)} (${c.fromInterfaces}×${c.toInterfaces})`);
    // web's 443 from 0.0.0.0/0 admits every interface of the VPC too, the database included
    expect(cells).toEqual([
      'admin @ app → db @ data: tcp 22; icmp type 8 (1×1)',
      'admin @ app → web @ public: tcp 443 (1×2)',
      'app @ app → db @ data: tcp 80,443,8000-8100 (2×1)',
      'app @ app → web @ public: tcp 443 (2×2)',
      'db @ data → web @ public: tcp 443 (1×2)',
      'web @ public → db @ data: tcp 5432 (2×1)',
      'web @ public → web @ public: tcp 443 (2×2)',
    ]);
    // every cell agrees with the probe for one member of each role, and roles that cannot talk are absent
    expect(t.tcpProbe('db', 'web1', 443).reachable).toBe(true);
    expect(t.tcpProbe('web1', 'app1', 443).reachable).toBe(false);
    expect(cells.some((c) => c.includes('→ app @ app'))).toBe(false);
  });
});

describe('changes', () => {
  it('diffReach between two scenarios: a rule added is listed under opened, a rule removed under closed', () => {
    const before = setup(THREE_TIER);
    const changed = THREE_TIER
      .replace('          - { protocol: tcp, ports: 22, from: admin }\n', '')
      .replace('          - { protocol: tcp, ports: 5432, from: web }\n', '          - { protocol: tcp, ports: 5432, from: web }\n          - { protocol: tcp, ports: 6379, from: app }\n');
    expect(changed).not.toBe(THREE_TIER);
    const after = setup(changed);
    const nameOf = (q: Questions, id: string) => (q === before.q ? before.name(id) : after.name(id));
    const diff = diffReach(before.q, after.q, nameOf).map((d) => ({
      from: d.from, to: d.to,
      opened: formatSummary(d.opened, before.reach.otherProtocol),
      closed: formatSummary(d.closed, before.reach.otherProtocol),
    }));
    expect(diff).toEqual([
      { from: 'app1', to: 'db', opened: 'tcp 6379', closed: '' },
      { from: 'app2', to: 'db', opened: 'tcp 6379', closed: '' },
      { from: 'bastion', to: 'db', opened: '', closed: 'tcp 22' },
    ]);
    // nothing changes between a scenario and itself
    const same = setup(THREE_TIER);
    expect(diffReach(before.q, same.q, (q, id) => (q === before.q ? before.name(id) : same.name(id)))).toEqual([]);
  });

  it('diffReach lists a change between two interfaces of one class (a group opened to itself), both ways, and an interface that exists on one side only', () => {
    const before = setup(THREE_TIER);
    const changed = THREE_TIER
      .replace('      app: {}\n', '      app:\n        inbound:\n          - { protocol: tcp, ports: 9000, from: app }\n')
      .replace('  bastion: { subnet: app, groups: [admin], privateIp: 10.0.2.20 }\n', '');
    expect(changed).not.toBe(THREE_TIER);
    const after = setup(changed);
    const nameOf = (q: Questions, id: string) => (q === before.q ? before.name(id) : after.name(id));
    const diff = diffReach(before.q, after.q, nameOf).map((d) => `${d.from} → ${d.to}: ${d.opened.length ? `+ ${formatSummary(d.opened, before.reach.otherProtocol)}` : ''}${d.closed.length ? `- ${formatSummary(d.closed, before.reach.otherProtocol)}` : ''}`);
    // the bastion's pairs close: its SSH and ping to the database, and 443 to the web servers (open to 0.0.0.0/0)
    expect(diff).toEqual(['app1 → app2: + tcp 9000', 'app2 → app1: + tcp 9000', 'bastion → db: - tcp 22; icmp type 8', 'bastion → web1: - tcp 443', 'bastion → web2: - tcp 443']);
  });

  it('incremental refresh: after authorize and revoke on a group, whoCanReach on the same Questions reflects each change', () => {
    const t = setup(THREE_TIER);
    const q = t.q;
    const appRow = () => t.show(q.whoCanReach(t.eni('db'))).find((r) => r.startsWith('app @ app'));
    expect(appRow()).toBe('app @ app: tcp 80,443,8000-8100 [app1, app2]');

    const [rule] = t.region.authorize(t.group('db'), false, [{ ipProtocol: 'tcp', fromPort: 6379, toPort: 6379, userIdGroupPairs: [{ groupId: t.group('app') }] }]);
    expect(appRow()).toBe('app @ app: tcp 80,443,6379,8000-8100 [app1, app2]');

    t.region.revoke(t.group('db'), false, { ruleIds: [rule.id] });
    expect(appRow()).toBe('app @ app: tcp 80,443,8000-8100 [app1, app2]');

    // revoking the only rule for a role removes its row
    const ssh = t.region.groupRules(t.group('db'), false).find((r) => r.protocol === 6 && r.fromPort === 22)!;
    t.region.revoke(t.group('db'), false, { ruleIds: [ssh.id] });
    expect(t.show(q.whoCanReach(t.eni('db')))).toContain('admin @ app: icmp type 8 [bastion]');

    // a change to the *source* side (the app group's egress) is seen as well
    const egress = t.region.groupRules(t.group('app'), true).map((r) => r.id);
    t.region.revoke(t.group('app'), true, { ruleIds: egress });
    expect(appRow()).toBeUndefined();
    t.region.authorize(t.group('app'), true, [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: [{ cidrIp: '10.0.3.0/24' }] }]);
    expect(appRow()).toBe('app @ app: tcp 443 [app1, app2]');

    // and the answers equal those of a Questions built from scratch
    const fresh = new Questions(new Reachability(new Engine(t.region)));
    expect(q.whoCanReach(t.eni('db'))).toEqual(fresh.whoCanReach(t.eni('db')));
    expect(q.matrix()).toEqual(fresh.matrix());
  });
});

describe('role names', () => {
  it("a subnet's Name tag changed or deleted after the first question renames its roles in later answers (CreateTags and DeleteTags send no state event)", () => {
    const t = setup(THREE_TIER);
    const q = t.q;
    expect(t.show(q.whoCanReach(t.eni('db')))).toEqual([
      'admin @ app: tcp 22; icmp type 8 [bastion]',
      'app @ app: tcp 80,443,8000-8100 [app1, app2]',
      'web @ public: tcp 5432 [web1, web2]',
    ]);
    const appSubnet = t.names.subnets.get('app')!;
    t.region.createTags([appSubnet], [{ key: 'Name', value: 'backend' }]);
    // rows of the renamed subnet move to their new place in name order
    expect(t.show(q.whoCanReach(t.eni('db')))).toEqual([
      'admin @ backend: tcp 22; icmp type 8 [bastion]',
      'app @ backend: tcp 80,443,8000-8100 [app1, app2]',
      'web @ public: tcp 5432 [web1, web2]',
    ]);
    expect(t.show(q.whatCanReach(t.eni('web1')))).toContain('db @ data: tcp 5432 [db]');
    expect(q.matrix().filter((c) => c.to === 'db @ data').map((c) => c.from)).toEqual(['admin @ backend', 'app @ backend', 'web @ public']);
    // without a Name tag, the subnet id stands for the name
    t.region.deleteTags([appSubnet], [{ key: 'Name' }]);
    expect(t.show(q.whoCanReach(t.eni('db')))[0]).toBe(`admin @ ${appSubnet}: tcp 22; icmp type 8 [bastion]`);
    // and the answers equal those of a Questions built from scratch
    const fresh = new Questions(new Reachability(new Engine(t.region)));
    expect(q.whoCanReach(t.eni('db'))).toEqual(fresh.whoCanReach(t.eni('db')));
    expect(q.whatCanReach(t.eni('bastion'))).toEqual(fresh.whatCanReach(t.eni('bastion')));
  });
});

describe('regressions found by the property tests', () => {
  it('the matrix counts every interface once when a role spans several classes (2 web × 2 db is 2×2, not 4×4)', () => {
    // one web server has a public address and the other not, and a rule names one database's address: two
    // classes on each side, one role on each side
    const t = setup(`
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internetGateway: true
    subnets:
      public: { cidr: 10.0.1.0/24, routeTable: public }
      data:   { cidr: 10.0.3.0/24 }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
    securityGroups:
      web: {}
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: web }
          - { protocol: tcp, ports: 5432, from: 10.0.3.100/32 }
instances:
  web1: { subnet: public, groups: [web], privateIp: 10.0.1.10, publicIp: true }
  web2: { subnet: public, groups: [web], privateIp: 10.0.1.11, publicIp: false }
  db1:  { subnet: data, groups: [db], privateIp: 10.0.3.10 }
  db2:  { subnet: data, groups: [db], privateIp: 10.0.3.100 }
`);
    expect(t.q.classes().size).toBe(4);
    expect(t.q.matrix().map((c) => `${c.from} → ${c.to}: ${formatSummary(c.ports, t.reach.otherProtocol)} (${c.fromInterfaces}×${c.toInterfaces})`)).toEqual([
      'db @ data → db @ data: tcp 5432 (1×1)',
      'web @ public → db @ data: tcp 5432 (2×2)',
    ]);
  });

  it('one set of groups is one role whatever order the interface lists them in', () => {
    const t = setup(`
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      app: { cidr: 10.0.1.0/24 }
    securityGroups:
      a: {}
      b: {}
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: a }
instances:
  x:  { subnet: app, groups: [a, b], privateIp: 10.0.1.10 }
  y:  { subnet: app, groups: [b, a], privateIp: 10.0.1.11 }
  db: { subnet: app, groups: [db], privateIp: 10.0.1.20 }
`);
    expect(t.show(t.q.whoCanReach(t.eni('db')))).toEqual(['a,b @ app: tcp 5432 [x, y]']);
    expect(t.q.role(t.region.getNetworkInterface(t.eni('y')))).toBe('a,b @ app');
  });

  // prod has a route to shared over the peering, shared has none back but sends the rest to its internet gateway
  const ONE_SIDED = `
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internetGateway: true
    subnets:
      app: { cidr: 10.0.1.0/24, routeTable: app }
    routeTables:
      app:
        routes:
          - { destination: 10.1.0.0/16, target: peering:link }
          - { destination: 0.0.0.0/0, target: igw }
    securityGroups:
      app:
        inbound:
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
  shared:
    cidr: 10.1.0.0/16
    internetGateway: true
    subnets:
      svc: { cidr: 10.1.1.0/24, routeTable: svc }
    routeTables:
      svc:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
    securityGroups:
      svc:
        inbound:
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
peerings:
  link: { requester: prod, accepter: shared, status: active }
instances:
  app: { subnet: app, groups: [app], privateIp: 10.0.1.10, publicIp: true }
  svc: { subnet: svc, groups: [svc], privateIp: 10.1.1.10, publicIp: true }
`;

  it('a request that crosses a peering whose return route is missing is not reachable: the response leaves by the internet gateway, which cannot carry a private address (probe and pair agree)', () => {
    const t = setup(ONE_SIDED);
    const r = t.tcpProbe('app', 'svc', 443);
    expect(r.forward.allowed).toBe(true);
    expect(r.forward.to).toEqual({ kind: 'eni', networkInterfaceId: t.eni('svc') });
    expect(r.response?.to).toBeUndefined();
    expect(r.reachable).toBe(false);
    expect(r.explanations.map((e) => [e.path, e.code])).toEqual([['response', 'NO_ROUTE_TO_DESTINATION']]);
    const tcp = t.reach.pair(t.eni('app'), t.eni('svc'))!.protocols.find((p) => p.protocol === 6)!;
    expect(tcp.forward.format()).toBe('443');
    expect(tcp.reachable.isEmpty).toBe(true);
    expect(t.q.whoCanReach(t.eni('svc')).filter((r) => r.role !== 'internet')).toEqual([]);
  });

  it('with the peering active but no route to it, a private address is not reached: the packets leave by the internet gateway and go nowhere', () => {
    const t = setup(ONE_SIDED);
    // from svc to app's private address: shared has no route to prod, so 10.0.1.10 goes out the internet
    // gateway, and the internet does not route private addresses
    const d = t.engine.send({ kind: 'eni', networkInterfaceId: t.eni('svc') }, { family: 4, src: parseIpv4('10.1.1.10'), dst: parseIpv4('10.0.1.10'), protocol: 6, srcPort: 40000, dstPort: 443, tcpFlags: 2 }, { commit: false });
    expect(d.allowed).toBe(false);
    expect(d.to).toBeUndefined();
    expect(d.explanations.map((e) => e.code)).toEqual(['NO_ROUTE_TO_DESTINATION']);
    const p = t.reach.pair(t.eni('svc'), t.eni('app'))!;
    expect(p.protocols.every((x) => x.forward.isEmpty && x.reachable.isEmpty)).toBe(true);
    expect(t.q.whoCanReach(t.eni('app')).filter((r) => r.role !== 'internet')).toEqual([]);
    expect(t.tcpProbe('svc', 'app', 443).reachable).toBe(false);
  });

  it('IPv6 answers are per IPv6 address: an interface without IPv6 is not reached over IPv6 because a same-class neighbour is', () => {
    const t = setup(`
vpcs:
  prod:
    cidr: 10.0.0.0/16
    ipv6: true
    subnets:
      app: { cidr: 10.0.1.0/24, ipv6Cidr: auto }
    securityGroups:
      app:
        inbound:
          - { protocol: tcp, ports: 443, from: "::/0" }
        outbound:
          - { protocol: all, to: "::/0" }
instances:
  v6a: { subnet: app, groups: [app], privateIp: 10.0.1.10, ipv6: true }
  v6b: { subnet: app, groups: [app], privateIp: 10.0.1.11, ipv6: true }
  v4:  { subnet: app, groups: [app], privateIp: 10.0.1.12 }
`);
    expect(t.show(t.q.whoCanReach(t.eni('v6a'), 6))).toEqual(['app @ app: tcp 443 [v6b]']);
    expect(t.q.whoCanReach(t.eni('v4'), 6)).toEqual([]);
    expect(t.q.matrix(6).map((c) => `${c.from} → ${c.to}: ${formatSummary(c.ports, t.reach.otherProtocol)} (${c.fromInterfaces}×${c.toInterfaces})`)).toEqual(['app @ app → app @ app: tcp 443 (2×2)']);
  });

  it("exposure does not lose a source range that starts at one of the estate's own public addresses", () => {
    const t = setup(`
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internetGateway: true
    subnets:
      public: { cidr: 10.0.1.0/24, routeTable: public }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
    securityGroups:
      plain: {}
      partner:
        inbound:
          - { protocol: tcp, ports: 22, from: 3.80.0.16/28 }
instances:
  first:  { subnet: public, groups: [plain], privateIp: 10.0.1.10, publicIp: true }
  target: { subnet: public, groups: [partner], privateIp: 10.0.1.11, publicIp: true }
`);
    const pub = (n: string) => t.region.getNetworkInterface(t.eni(n)).privateIpAddresses[0].association!.publicIp;
    // rampart hands out public addresses from 3.80.0.16: the partner range starts at the first instance's address
    expect([pub('first'), pub('target')]).toEqual(['3.80.0.16', '3.80.0.17']);
    const f = t.q.exposure().find((x) => x.networkInterfaceId === t.eni('target'))!;
    expect(f.rows.map((r) => [formatSummary(r.ports, t.reach.otherProtocol), r.sources, r.severity])).toEqual([['tcp 22', ['3.80.0.18/31', '3.80.0.20/30', '3.80.0.24/29'], 'medium']]);
    const fromNet = (addr: string) => probe(t.engine, { from: { kind: 'internet', address: addr }, to: { kind: 'internet', address: pub('target') }, protocol: 6, port: 22 }).reachable;
    expect(fromNet('3.80.0.20')).toBe(true);
    expect(fromNet('3.80.0.32')).toBe(false);
  });
});
