// Spec (corrections) and §2: a group reference across an active peering of the same Region matches the peer
// VPC members' private addresses; traffic needs a route through the peering both ways; once the peering is
// deleted its routes are blackholes and the reference stops matching.
import { describe, expect, it } from 'vitest';
import { matchingRules } from '../../src/engine/policy.js';
import { allows, build, codes, eniId, go, groupId, pkt, probeBetween, type Net } from './helpers.js';

const peered = (backRoute = true): Net => build(`
vpcs:
  a:
    cidr: 10.0.0.0/16
    subnets:
      sa: { cidr: 10.0.1.0/24, routeTable: ra }
    routeTables:
      ra:
        routes:
          - { destination: 10.1.0.0/16, target: peering:link }
    securityGroups:
      app: {}
      other: {}
  b:
    cidr: 10.1.0.0/16
    subnets:
      sb: { cidr: 10.1.1.0/24, routeTable: rb }
    routeTables:
      rb:
        routes:${backRoute ? `
          - { destination: 10.0.0.0/16, target: peering:link }` : ' []'}
    securityGroups:
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: a/app }
peerings:
  link: { requester: a, accepter: b }
instances:
  app:   { subnet: sa, groups: [app], privateIp: 10.0.1.10 }
  other: { subnet: sa, groups: [other], privateIp: 10.0.1.11 }
  db:    { subnet: sb, groups: [db], privateIp: 10.1.1.20 }
`);

describe('VPC peering (spec corrections, §2)', () => {
  it('a group reference across an active peering matches the private addresses of the peer VPC members', () => {
    const n = peered();
    const d = go(n, 'app', 'db', 5432, { commit: false, trace: true });
    expect(d.allowed).toBe(true);
    expect(d.hops.find((h) => h.kind === 'peering')?.resourceId).toBe(n.names.peerings.get('link'));
    expect(d.hops.find((h) => h.kind === 'security-groups' && h.direction === 'ingress')!.rules!.map((r) => r.peer)).toEqual([
      expect.objectContaining({ kind: 'group', groupId: groupId(n, 'a/app') }),
    ]);
    expect(allows(n, 'app', 'db', 5432)).toBe(true);
    expect(allows(n, 'other', 'db', 5432)).toBe(false);
    expect(probeBetween(n, 'app', 'db', 5432).reachable).toBe(true);
  });

  it('the route through the peering is needed both ways: without the return route the response has no route', () => {
    const n = peered(false);
    // the request gets there…
    expect(allows(n, 'app', 'db', 5432)).toBe(true);
    // …but the answer cannot come back
    const r = probeBetween(n, 'app', 'db', 5432);
    expect(r.forward.allowed).toBe(true);
    expect(r.reachable).toBe(false);
    expect(r.explanations.map((e) => [e.path, e.code])).toEqual([['response', 'NO_ROUTE_TO_DESTINATION']]);
    // and nothing in b can open a connection to a
    expect(codes(go(n, 'db', 'app', 22, { commit: false }))).toEqual(['NO_ROUTE_TO_DESTINATION']);
  });

  it('after the peering is deleted, traffic stops (BAD_STATE_ROUTE) and the reference no longer matches', () => {
    const n = peered();
    const p = pkt(n, 'app', 'db', 5432);
    const dbEni = eniId(n, 'db');
    expect(n.engine.decideAtInterface(dbEni, false, p, { commit: false, crossesSubnet: false })).toBe(true);
    n.region.deleteVpcPeeringConnection(n.names.peerings.get('link')!);
    const d = go(n, 'app', 'db', 5432, { commit: false, trace: true });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['BAD_STATE_ROUTE']);
    expect(d.explanations[0].resourceId).toBe(n.names.peerings.get('link'));
    expect(codes(go(n, 'app', 'db', 5432, { commit: false }))).toEqual(['BAD_STATE_ROUTE']);
    // the db's own decision: the stale reference matches nothing, compiled or rule by rule
    expect(n.engine.decideAtInterface(dbEni, false, p, { commit: false, crossesSubnet: false })).toBe(false);
    expect(matchingRules(n.region, [groupId(n, 'b/db')], false, p)).toEqual([]);
    expect(n.region.staleRules().map((r) => r.groupId)).toEqual([groupId(n, 'b/db')]);
  });

  it('a peering that is only pending acceptance carries nothing', () => {
    const n = build(`
vpcs:
  a:
    cidr: 10.0.0.0/16
    subnets: { sa: { cidr: 10.0.1.0/24, routeTable: ra } }
    routeTables: { ra: { routes: [ { destination: 10.1.0.0/16, target: peering:link } ] } }
  b:
    cidr: 10.1.0.0/16
    subnets: { sb: { cidr: 10.1.1.0/24 } }
    securityGroups:
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: 10.0.0.0/16 }
peerings:
  link: { requester: a, accepter: b, status: pending-acceptance }
instances:
  app: { subnet: sa, privateIp: 10.0.1.10 }
  db:  { subnet: sb, groups: [db], privateIp: 10.1.1.20 }
`);
    expect(codes(go(n, 'app', 'db', 5432, { commit: false }))).toEqual(['BAD_STATE_ROUTE']);
  });
});
