// The engine compiles policies per set of groups and per ACL and invalidates them from the state's change
// events. After any change, the very next decision must reflect it — and only what the change touches is
// recompiled.
import { describe, expect, it } from 'vitest';
import { aclId, addressText, allows, build, eniId, go, groupId, pkt, send, type Net } from './helpers.js';

const net = (): Net => build(`
prefixLists:
  office: { maxEntries: 4, entries: [192.0.2.0/24] }
vpcs:
  v:
    cidr: 10.0.0.0/16
    internetGateway: true
    subnets:
      front: { cidr: 10.0.1.0/24, routeTable: out }
      back:  { cidr: 10.0.2.0/24, networkAcl: guard }
    routeTables:
      out:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
    networkAcls:
      guard:
        inbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
      strict:
        inbound:
          - { rule: 100, protocol: tcp, ports: 5432, cidr: 10.0.1.0/24, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
    securityGroups:
      app: {}
      client: {}
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: app }
      web:
        inbound:
          - { protocol: tcp, ports: 22, from: pl:office }
          - { protocol: tcp, ports: 80, from: 0.0.0.0/0 }
instances:
  app:    { subnet: front, groups: [app], privateIp: 10.0.1.10 }
  client: { subnet: front, groups: [client], privateIp: 10.0.1.11 }
  db:     { subnet: back, groups: [db], privateIp: 10.0.2.20 }
  web:    { subnet: front, groups: [web], privateIp: 10.0.1.30 }
`);

const perm = (port: number, cidr: string) => ({ ipProtocol: 'tcp', fromPort: port, toPort: port, ipRanges: [{ cidrIp: cidr }] });

describe('incremental recompilation: the next decision reflects every change', () => {
  it('after authorize, the next packet is allowed; after revoke, denied', () => {
    const n = net();
    expect(allows(n, 'client', 'db', 6379)).toBe(false); // compiles db's policy
    const [rule] = n.region.authorize(groupId(n, 'db'), false, [perm(6379, '10.0.1.11/32')]);
    expect(allows(n, 'client', 'db', 6379)).toBe(true);
    n.region.revoke(groupId(n, 'db'), false, { ruleIds: [rule.id] });
    expect(allows(n, 'client', 'db', 6379)).toBe(false);
  });

  it('after an outbound revoke, the source can no longer send; after re-authorizing, it can', () => {
    const n = net();
    n.region.authorize(groupId(n, 'db'), false, [perm(5432, '10.0.1.0/24')]);
    expect(allows(n, 'client', 'db', 5432)).toBe(true);
    const client = groupId(n, 'client');
    const out = n.region.groupRules(client, true).map((r) => r.id);
    n.region.revoke(client, true, { ruleIds: out });
    expect(allows(n, 'client', 'db', 5432)).toBe(false);
    n.region.authorize(client, true, [perm(5432, '10.0.2.20/32')]);
    expect(allows(n, 'client', 'db', 5432)).toBe(true);
  });

  it('after a NACL entry is created, replaced or deleted, the next packet follows the new entries', () => {
    const n = net();
    const guard = aclId(n, 'v/guard');
    expect(allows(n, 'app', 'db', 5432)).toBe(true);
    n.region.createNetworkAclEntry(guard, { ruleNumber: 50, egress: false, protocol: 6, portRange: { from: 5432, to: 5432 }, ruleAction: 'deny', cidrBlock: '10.0.1.10/32' });
    expect(allows(n, 'app', 'db', 5432)).toBe(false);
    n.region.replaceNetworkAclEntry(guard, { ruleNumber: 50, egress: false, protocol: 6, portRange: { from: 5433, to: 5433 }, ruleAction: 'deny', cidrBlock: '10.0.1.10/32' });
    expect(allows(n, 'app', 'db', 5432)).toBe(true);
    n.region.deleteNetworkAclEntry(guard, 100, false);
    expect(allows(n, 'app', 'db', 5432)).toBe(false);
    // the per-interface unit used by benchmarks and tools sees it too
    expect(n.engine.decideAtInterface(eniId(n, 'db'), false, pkt(n, 'app', 'db', 5432), { commit: false })).toBe(false);
  });

  it('after a subnet is associated with another NACL, the next packet meets the new one', () => {
    const n = net();
    const back = n.names.subnets.get('back')!;
    n.region.authorize(groupId(n, 'db'), false, [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '10.0.1.0/24' }] }]);
    expect(allows(n, 'app', 'db', 5432, { protocol: 'udp' })).toBe(true);
    expect(n.engine.decideAtInterface(eniId(n, 'db'), false, pkt(n, 'app', 'db', 5432, { protocol: 'udp' }), { commit: false })).toBe(true);
    n.region.associateSubnetNetworkAcl(back, aclId(n, 'v/strict'));
    expect(allows(n, 'app', 'db', 5432, { protocol: 'udp' })).toBe(false);
    expect(n.engine.decideAtInterface(eniId(n, 'db'), false, pkt(n, 'app', 'db', 5432, { protocol: 'udp' }), { commit: false })).toBe(false);
    expect(allows(n, 'app', 'db', 5432)).toBe(true);
  });

  it("after the destination's groups change (ModifyNetworkInterfaceAttribute), its new groups decide", () => {
    const n = net();
    expect(allows(n, 'client', 'db', 80)).toBe(false);
    n.region.modifyNetworkInterfaceAttribute(eniId(n, 'db'), { groups: [groupId(n, 'db'), groupId(n, 'web')] });
    expect(allows(n, 'client', 'db', 80)).toBe(true);
    n.region.modifyNetworkInterfaceAttribute(eniId(n, 'db'), { groups: [groupId(n, 'db')] });
    expect(allows(n, 'client', 'db', 80)).toBe(false);
  });

  it('after an interface joins or leaves a referenced group, references to that group follow (group membership change)', () => {
    const n = net();
    expect(allows(n, 'client', 'db', 5432)).toBe(false);
    expect(allows(n, 'app', 'db', 5432)).toBe(true);
    n.region.modifyNetworkInterfaceAttribute(eniId(n, 'client'), { groups: [groupId(n, 'client'), groupId(n, 'app')] });
    expect(allows(n, 'client', 'db', 5432)).toBe(true);
    n.region.modifyNetworkInterfaceAttribute(eniId(n, 'app'), { groups: [groupId(n, 'client')] });
    expect(allows(n, 'app', 'db', 5432)).toBe(false);
    expect(allows(n, 'app', 'db', 5432, { trace: true })).toBe(false);
  });

  it("after a member gets a new secondary private IP, references match it", () => {
    const n = net();
    const [added] = n.region.assignPrivateIpAddresses(eniId(n, 'app'), { privateIpAddresses: ['10.0.1.99'] });
    expect(added).toBe('10.0.1.99');
    expect(send(n, 'app', pkt(n, '10.0.1.99', 'db', 5432), { commit: false }).allowed).toBe(true);
  });

  it('after a prefix list changes, rules that name it follow', () => {
    const n = net();
    const pl = n.names.prefixLists.get('office')!;
    expect(allows(n, 'client', 'web', 22)).toBe(false);
    n.region.modifyManagedPrefixList(pl, { addEntries: [{ cidr: '10.0.1.0/28' }] });
    expect(allows(n, 'client', 'web', 22)).toBe(true);
    n.region.modifyManagedPrefixList(pl, { removeEntries: [{ cidr: '10.0.1.0/28' }] });
    expect(allows(n, 'client', 'web', 22)).toBe(false);
  });

  it('after an Elastic IP is associated, the internet reaches the interface at it', () => {
    const n = net();
    const eip = n.region.allocateAddress();
    expect(allows(n, 'internet', eip.publicIp, 80)).toBe(false);
    n.region.associateAddress({ allocationId: eip.allocationId, networkInterfaceId: eniId(n, 'web') });
    expect(addressText(n, 'web/public')).toBe(eip.publicIp);
    expect(allows(n, 'internet', eip.publicIp, 80)).toBe(true);
    n.region.disassociateAddress(n.region.getNetworkInterface(eniId(n, 'web')).privateIpAddresses[0].association!.associationId!);
    expect(allows(n, 'internet', eip.publicIp, 80)).toBe(false);
  });

  it('after the default route to the internet gateway is deleted or added back, the next packet follows', () => {
    const n = net();
    const out = n.names.routeTables.get('v/out')!;
    expect(allows(n, 'web', '8.8.8.8', 443, { trace: true })).toBe(false); // no public IP yet: NO_PUBLIC_IP
    const eip = n.region.allocateAddress();
    n.region.associateAddress({ allocationId: eip.allocationId, networkInterfaceId: eniId(n, 'web') });
    expect(allows(n, 'web', '8.8.8.8', 443)).toBe(true);
    n.region.deleteRoute(out, { destinationCidrBlock: '0.0.0.0/0' });
    expect(go(n, 'web', '8.8.8.8', 443, { commit: false }).explanations.map((e) => e.code)).toEqual(['NO_ROUTE_TO_DESTINATION']);
    n.region.createRoute(out, { destinationCidrBlock: '0.0.0.0/0', target: { kind: 'igw', gatewayId: n.region.attachedInternetGateway(n.names.vpcs.get('v')!)!.id } });
    expect(allows(n, 'web', '8.8.8.8', 443)).toBe(true);
  });

  it('after an instance is terminated its address receives nothing; a new instance at the same address does', () => {
    const n = net();
    n.region.authorize(groupId(n, 'db'), false, [perm(5432, '10.0.1.0/24')]);
    expect(allows(n, 'client', 'db', 5432)).toBe(true);
    n.region.terminateInstances([n.names.instances.get('db')!]);
    expect(go(n, 'client', '10.0.2.20', 5432, { commit: false }).explanations.map((e) => e.code)).toEqual(['NO_DESTINATION']);
    const [again] = n.region.runInstances({ subnetId: n.names.subnets.get('back')!, groups: [groupId(n, 'web')], privateIpAddress: '10.0.2.20' });
    const d = go(n, 'client', '10.0.2.20', 80, { commit: false });
    expect(d.allowed).toBe(true);
    expect(d.to).toEqual({ kind: 'eni', networkInterfaceId: again.networkInterfaceIds[0] });
  });

  it('a rule change recompiles only the group sets that contain the group', () => {
    const n = net();
    allows(n, 'client', 'db', 5432);
    allows(n, 'client', 'web', 80);
    const before = n.engine.stats.compiledGroupSets;
    n.region.authorize(groupId(n, 'db'), false, [perm(6379, '10.0.1.11/32')]);
    allows(n, 'client', 'web', 80); // web's set is untouched
    expect(n.engine.stats.compiledGroupSets).toBe(before);
    allows(n, 'client', 'db', 5432); // db's set is recompiled once
    expect(n.engine.stats.compiledGroupSets).toBe(before + 1);
  });
});
