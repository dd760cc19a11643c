// README "Scenario files": every section of a scenario becomes the Region state AWS would hold, reachable by
// name through the returned `names`.
import { describe, expect, it } from 'vitest';
import { loadScenario, type LoadedScenario } from '../../src/scenario/load.js';
import { parseCidr, cidrContains } from '../../src/net/index.js';
import type { NetworkAclEntry, SecurityGroupRule } from '../../src/model/types.js';

/**
 * One scenario with every section. `extraDbRule` is spliced into the db group's inbound rules: the first load
 * runs without it to learn group ids, the second with `ACCOUNT/sg-…` and `sg-…` peers naming them (group ids
 * do not depend on rules: every group is created before any rule).
 */
function everything(extraDbRule = ''): string {
  return `description: every section
account: "123456789012"
region: us-east-1
seed: 7
quotas: { rulesPerSecurityGroup: 50, networkAclEntriesPerDirection: 20 }

prefixLists:
  office: { entries: [203.0.113.0/24, 198.51.100.0/24], maxEntries: 5 }

vpcs:
  prod:
    cidr: 10.0.0.0/16
    secondaryCidrs: [10.1.0.0/16]
    ipv6: true
    internetGateway: true
    subnets:
      public:   { cidr: 10.0.1.0/24, az: us-east-1a, public: true, routeTable: public, ipv6Cidr: auto }
      public-b: { cidr: 10.0.3.0/24, az: us-east-1b, public: true, routeTable: public, ipv6Cidr: auto }
      private:  { cidr: 10.0.2.0/24, az: us-east-1b, networkAcl: private }
      extra:    { cidr: 10.1.0.0/24 }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
          - { destination: 10.20.0.0/16, target: peering:prod-shared }
      main:
        routes:
          - { destination: 0.0.0.0/0, target: nat:nat }
          - { destination: 192.168.0.0/16, target: interface:appliance }
    networkAcls:
      default:
        inbound:
          - { rule: 100, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow }
          - { rule: 200, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
      private:
        inbound:
          - { rule: 100, protocol: tcp, ports: 5432, cidr: 10.0.1.0/24, action: allow }
          - { rule: 110, protocol: icmp, type: 8, code: 0, cidr: 10.0.0.0/16, action: allow }
          - { rule: 120, protocol: all, cidr: "::/0", action: deny }
        outbound:
          - { rule: 100, protocol: tcp, ports: 1024-65535, cidr: 10.0.1.0/24, action: allow }
    securityGroups:
      web:
        description: web tier
        inbound:
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0, description: HTTPS }
          - { protocol: tcp, ports: 22, from: pl:office }
          - { protocol: icmp, type: 8, from: 10.0.0.0/8 }
          - { protocol: udp, ports: 8000-8100, from: "2001:db8::/32" }
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: web }
          - { protocol: tcp, ports: 5432, from: shared/app }
          - { protocol: all, from: [10.0.9.0/24, 10.0.8.0/24] }
${extraDbRule}        outbound:
          - { protocol: tcp, ports: 443, to: 0.0.0.0/0 }
      lb:
        inbound:
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
  shared:
    cidr: 10.20.0.0/16
    owner: "111122223333"
    subnets:
      apps: { cidr: 10.20.1.0/24 }
    securityGroups:
      app:
        inbound:
          - { protocol: tcp, ports: 8080, from: prod/web }
  other:
    cidr: 10.30.0.0/16
  legacy:
    cidr: 10.40.0.0/16

peerings:
  prod-shared:  { requester: prod, accepter: shared, status: active }
  prod-other:   { requester: prod, accepter: other, status: pending-acceptance }
  other-shared: { requester: other, accepter: shared, status: rejected }
  prod-legacy:  { requester: prod, accepter: legacy, status: deleted }

instances:
  web: { subnet: public, groups: [web], privateIp: 10.0.1.10, publicIp: true, ipv6: true,
         secondaryIps: 1, elasticIp: false, sourceDestCheck: true,
         connectionTracking: { tcpEstablishedTimeout: 3600, udpStreamTimeout: 120, udpTimeout: 60 } }
  bastion: { subnet: public-b, groups: [web], elasticIp: true }
  quiet: { subnet: public, groups: [web], publicIp: false }
  inner: { subnet: private }

interfaces:
  appliance: { subnet: private, groups: [web], sourceDestCheck: false }

resources:
  db:  { type: rds, subnets: [private], groups: [db] }
  lb:  { type: alb, subnets: [public, public-b], groups: [lb], internetFacing: true }
  fn:  { type: lambda, subnets: [private], groups: [db] }
  nlb: { type: nlb, subnets: [public], groups: [lb] }
  nat: { type: nat-gateway, subnets: [public] }
`;
}

function id(map: Map<string, string>, name: string): string {
  const v = map.get(name);
  expect(v, `names has '${name}'`).toBeDefined();
  return v!;
}

function enis(s: LoadedScenario, name: string): string[] {
  const v = s.names.endpoints.get(name);
  expect(v, `names.endpoints has '${name}'`).toBeDefined();
  return v!;
}

/** The first time it is called, loads without the extra rule; then with `ACCOUNT/sg-` and `sg-` peers. */
function loadEverything(): { s: LoadedScenario; first: LoadedScenario } {
  const first = loadScenario(everything(), 'everything.yaml');
  const sharedDefault = id(first.names.groups, 'shared/default');
  const lb = id(first.names.groups, 'prod/lb');
  const rule = `          - { protocol: tcp, ports: 6379, from: ["111122223333/${sharedDefault}", ${lb}] }\n`;
  return { s: loadScenario(everything(rule), 'everything.yaml'), first };
}

const { s, first } = loadEverything();
const r = s.region;
const n = s.names;

const userEntries = (entries: NetworkAclEntry[], egress: boolean) => entries.filter((e) => e.egress === egress && e.ruleNumber <= 32766);
const rulesOf = (groupId: string, egress: boolean): SecurityGroupRule[] => r.groupRules(groupId, egress);

describe('scenario loader: top-level settings', () => {
  it('keeps the description and the parsed data, and uses account, region and quotas', () => {
    expect(s.description).toBe('every section');
    expect(s.data.seed).toBe(7);
    expect(r.accountId).toBe('123456789012');
    expect(r.name).toBe('us-east-1');
    expect(r.quotas.rulesPerSecurityGroup).toBe(50);
    expect(r.quotas.networkAclEntriesPerDirection).toBe(20);
  });

  it('creates no default VPC unless defaultVpc: true', () => {
    expect(r.defaultVpc()).toBeUndefined();
    expect([...r.vpcs.keys()].sort()).toEqual([...n.vpcs.values()].sort());
    const withDefault = loadScenario('defaultVpc: true\nvpcs: { a: { cidr: 10.0.0.0/16 } }\n', 'd.yaml');
    expect(withDefault.region.defaultVpc()?.cidrBlocks[0].cidrBlock).toBe('172.31.0.0/16');
  });

  it('group ids do not depend on rules: both loads give the same group ids', () => {
    expect([...n.groups]).toEqual([...first.names.groups]);
  });
});

describe('scenario loader: prefixLists', () => {
  it('creates a managed prefix list with its entries and max entries', () => {
    const pl = r.getPrefixList(id(n.prefixLists, 'office'));
    expect(pl.name).toBe('office');
    expect(pl.addressFamily).toBe('IPv4');
    expect(pl.maxEntries).toBe(5);
    expect(pl.entries.map((e) => e.cidr)).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(n.nameOf(pl.id)).toBe('office');
  });
});

describe('scenario loader: vpcs', () => {
  it('creates a VPC with its primary and secondary IPv4 blocks, an Amazon /56, a Name tag and this account as owner', () => {
    const vpc = r.getVpc(id(n.vpcs, 'prod'));
    expect(vpc.cidrBlocks.map((c) => c.cidrBlock)).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
    expect(vpc.ipv6CidrBlocks).toHaveLength(1);
    expect(vpc.ipv6CidrBlocks[0].ipv6CidrBlock).toMatch(/^2600:1f18:[0-9a-f:]+\/56$/);
    expect(vpc.ownerId).toBe('123456789012');
    expect(vpc.isDefault).toBe(false);
    expect(vpc.tags).toContainEqual({ key: 'Name', value: 'prod' });
  });

  it('internetGateway: true attaches an internet gateway; without it there is none', () => {
    const igw = r.attachedInternetGateway(id(n.vpcs, 'prod'));
    expect(igw).toBeDefined();
    // AWS reports an attached internet gateway's attachment state as 'available'
    expect(igw!.attachments.map((a) => a.vpcId)).toEqual([id(n.vpcs, 'prod')]);
    expect(r.attachedInternetGateway(id(n.vpcs, 'shared'))).toBeUndefined();
    expect(r.internetGateways.size).toBe(1);
  });

  it('owner makes the VPC (and its default group) another account\'s', () => {
    const shared = r.getVpc(id(n.vpcs, 'shared'));
    expect(shared.ownerId).toBe('111122223333');
    expect(r.getGroup(id(n.groups, 'shared/default')).ownerId).toBe('111122223333');
    expect(shared.ipv6CidrBlocks).toEqual([]);
  });

  it('names each VPC\'s default group, default network ACL and main route table as vpc/default and vpc/main', () => {
    const prod = id(n.vpcs, 'prod');
    expect(id(n.groups, 'prod/default')).toBe(r.defaultSecurityGroup(prod).id);
    expect(id(n.networkAcls, 'prod/default')).toBe(r.defaultNetworkAcl(prod).id);
    expect(id(n.routeTables, 'prod/main')).toBe(r.mainRouteTable(prod).id);
    expect(n.label(prod)).toBe(`prod (${prod})`);
  });
});

describe('scenario loader: subnets', () => {
  it('places each subnet in its VPC and availability zone with its CIDR and a Name tag', () => {
    const pub = r.getSubnet(id(n.subnets, 'public'));
    expect(pub.vpcId).toBe(id(n.vpcs, 'prod'));
    expect(pub.cidrBlock).toBe('10.0.1.0/24');
    expect(pub.availabilityZone).toBe('us-east-1a');
    expect(pub.tags).toContainEqual({ key: 'Name', value: 'public' });
    expect(r.getSubnet(id(n.subnets, 'private')).availabilityZone).toBe('us-east-1b');
    // a subnet may use the secondary block
    expect(r.getSubnet(id(n.subnets, 'extra')).cidrBlock).toBe('10.1.0.0/24');
    expect(r.getSubnet(id(n.subnets, 'apps')).vpcId).toBe(id(n.vpcs, 'shared'));
  });

  it('public: true sets MapPublicIpOnLaunch; other subnets do not', () => {
    expect(r.getSubnet(id(n.subnets, 'public')).mapPublicIpOnLaunch).toBe(true);
    expect(r.getSubnet(id(n.subnets, 'private')).mapPublicIpOnLaunch).toBe(false);
  });

  it('ipv6Cidr: auto gives consecutive /64s of the VPC /56', () => {
    const vpc6 = parseCidr(r.getVpc(id(n.vpcs, 'prod')).ipv6CidrBlocks[0].ipv6CidrBlock);
    const a = r.getSubnet(id(n.subnets, 'public')).ipv6CidrBlocks.map((b) => b.ipv6CidrBlock);
    const b = r.getSubnet(id(n.subnets, 'public-b')).ipv6CidrBlocks.map((x) => x.ipv6CidrBlock);
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    const ca = parseCidr(a[0]);
    const cb = parseCidr(b[0]);
    expect(ca.prefix).toBe(64);
    expect(cb.prefix).toBe(64);
    expect(cidrContains(vpc6, ca)).toBe(true);
    expect(cidrContains(vpc6, cb)).toBe(true);
    expect(ca.first).toBe(vpc6.first);
    expect((cb.first as bigint) - (ca.first as bigint)).toBe(1n << 64n);
    expect(r.getSubnet(id(n.subnets, 'private')).ipv6CidrBlocks).toEqual([]);
  });

  it('routeTable and networkAcl associate the subnet; others keep the main table and default ACL', () => {
    expect(r.subnetRouteTable(id(n.subnets, 'public')).id).toBe(id(n.routeTables, 'prod/public'));
    expect(r.subnetRouteTable(id(n.subnets, 'public-b')).id).toBe(id(n.routeTables, 'prod/public'));
    expect(r.subnetRouteTable(id(n.subnets, 'private')).id).toBe(id(n.routeTables, 'prod/main'));
    expect(r.subnetNetworkAcl(id(n.subnets, 'private')).id).toBe(id(n.networkAcls, 'prod/private'));
    expect(r.subnetNetworkAcl(id(n.subnets, 'public')).id).toBe(id(n.networkAcls, 'prod/default'));
  });
});

describe('scenario loader: routeTables', () => {
  it('creates a route table with local routes for every VPC block, an igw route and a peering route', () => {
    const rtb = r.getRouteTable(id(n.routeTables, 'prod/public'));
    expect(n.routeTables.get('public')).toBe(rtb.id);
    expect(rtb.tags).toContainEqual({ key: 'Name', value: 'public' });
    const local = rtb.routes.filter((x) => x.target.kind === 'local').map((x) => x.destinationCidrBlock ?? x.destinationIpv6CidrBlock);
    expect(local).toEqual(expect.arrayContaining(['10.0.0.0/16', '10.1.0.0/16', r.getVpc(id(n.vpcs, 'prod')).ipv6CidrBlocks[0].ipv6CidrBlock]));
    const igwId = r.attachedInternetGateway(id(n.vpcs, 'prod'))!.id;
    expect(rtb.routes).toContainEqual({ destinationCidrBlock: '0.0.0.0/0', target: { kind: 'igw', gatewayId: igwId }, origin: 'CreateRoute' });
    expect(rtb.routes).toContainEqual({ destinationCidrBlock: '10.20.0.0/16', target: { kind: 'pcx', vpcPeeringConnectionId: id(n.peerings, 'prod-shared') }, origin: 'CreateRoute' });
  });

  it('routes in main: go to the main route table; nat: and interface: targets resolve once those exist', () => {
    const main = r.getRouteTable(id(n.routeTables, 'prod/main'));
    expect(main.routes).toContainEqual({ destinationCidrBlock: '0.0.0.0/0', target: { kind: 'nat', natGatewayId: id(n.resources, 'nat') }, origin: 'CreateRoute' });
    expect(main.routes).toContainEqual({ destinationCidrBlock: '192.168.0.0/16', target: { kind: 'eni', networkInterfaceId: enis(s, 'appliance')[0] }, origin: 'CreateRoute' });
  });
});

describe('scenario loader: networkAcls', () => {
  it('a custom ACL starts with only the * deny entries, then gets the declared entries in both directions', () => {
    const acl = r.getNetworkAcl(id(n.networkAcls, 'prod/private'));
    expect(acl.isDefault).toBe(false);
    expect(acl.tags).toContainEqual({ key: 'Name', value: 'private' });
    expect(userEntries(acl.entries, false)).toEqual([
      { ruleNumber: 100, egress: false, protocol: 6, ruleAction: 'allow', cidrBlock: '10.0.1.0/24', portRange: { from: 5432, to: 5432 } },
      { ruleNumber: 110, egress: false, protocol: 1, ruleAction: 'allow', cidrBlock: '10.0.0.0/16', icmpTypeCode: { type: 8, code: 0 } },
      { ruleNumber: 120, egress: false, protocol: -1, ruleAction: 'deny', ipv6CidrBlock: '::/0' },
    ]);
    expect(userEntries(acl.entries, true)).toEqual([
      { ruleNumber: 100, egress: true, protocol: 6, ruleAction: 'allow', cidrBlock: '10.0.1.0/24', portRange: { from: 1024, to: 65535 } },
    ]);
    // the * entries stay
    for (const egress of [false, true]) {
      expect(acl.entries.filter((e) => e.egress === egress && e.ruleNumber > 32766).every((e) => e.ruleAction === 'deny')).toBe(true);
      expect(acl.entries.some((e) => e.egress === egress && e.ruleNumber > 32766 && e.cidrBlock === '0.0.0.0/0')).toBe(true);
    }
  });

  it('`default:` with entries replaces the default ACL\'s allow-all entries (IPv4 #100 and IPv6 #101)', () => {
    const acl = r.getNetworkAcl(id(n.networkAcls, 'prod/default'));
    expect(acl.isDefault).toBe(true);
    expect(userEntries(acl.entries, false)).toEqual([
      { ruleNumber: 100, egress: false, protocol: 6, ruleAction: 'allow', cidrBlock: '0.0.0.0/0', portRange: { from: 443, to: 443 } },
      { ruleNumber: 200, egress: false, protocol: 6, ruleAction: 'allow', cidrBlock: '0.0.0.0/0', portRange: { from: 1024, to: 65535 } },
    ]);
    expect(userEntries(acl.entries, true)).toEqual([{ ruleNumber: 100, egress: true, protocol: -1, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' }]);
  });

  it('an undeclared default ACL keeps AWS\'s allow-all entries', () => {
    const acl = r.getNetworkAcl(id(n.networkAcls, 'shared/default'));
    expect(userEntries(acl.entries, false)).toEqual([{ ruleNumber: 100, egress: false, protocol: -1, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' }]);
  });
});

describe('scenario loader: securityGroups', () => {
  it('creates each group with its name, description (or a default one) in its VPC, by vpc/name and by unambiguous short name', () => {
    const web = r.getGroup(id(n.groups, 'prod/web'));
    expect(web.name).toBe('web');
    expect(web.description).toBe('web tier');
    expect(web.vpcId).toBe(id(n.vpcs, 'prod'));
    expect(n.groups.get('web')).toBe(web.id);
    expect(r.getGroup(id(n.groups, 'prod/db')).description).toBe('db security group');
    expect(r.getGroup(id(n.groups, 'shared/app')).vpcId).toBe(id(n.vpcs, 'shared'));
    // `default` exists in every VPC: no short name
    expect(n.groups.has('default')).toBe(false);
  });

  it('turns CIDR, prefix-list (pl:NAME) and ICMP-type rules into rules with descriptions', () => {
    const inbound = rulesOf(id(n.groups, 'prod/web'), false);
    expect(inbound).toHaveLength(4);
    expect(inbound[0]).toMatchObject({ protocol: 6, fromPort: 443, toPort: 443, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' }, description: 'HTTPS', isEgress: false });
    expect(inbound[1]).toMatchObject({ protocol: 6, fromPort: 22, toPort: 22, peer: { kind: 'prefixList', prefixListId: id(n.prefixLists, 'office') } });
    expect(inbound[2]).toMatchObject({ protocol: 1, fromPort: 8, toPort: -1, peer: { kind: 'cidr4', cidr: '10.0.0.0/8' } });
    expect(inbound[3]).toMatchObject({ protocol: 17, fromPort: 8000, toPort: 8100, peer: { kind: 'cidr6', cidr: '2001:db8::/32' } });
    for (const rule of inbound) expect(rule.id).toMatch(/^sgr-[0-9a-f]{17}$/);
  });

  it('a group without outbound keeps AWS\'s default allow-all IPv4 egress rule', () => {
    const out = rulesOf(id(n.groups, 'prod/web'), true);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ protocol: -1, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' }, isEgress: true });
  });

  it('declared outbound rules replace the default egress rule', () => {
    const out = rulesOf(id(n.groups, 'prod/db'), true);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ protocol: 6, fromPort: 443, toPort: 443, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' }, isEgress: true });
  });

  it('resolves group-name, vpc/group (across an active peering), CIDR lists, ACCOUNT/sg- and sg- peers', () => {
    const inbound = rulesOf(id(n.groups, 'prod/db'), false);
    const peers = inbound.map((x) => x.peer);
    expect(peers[0]).toEqual({ kind: 'group', groupId: id(n.groups, 'prod/web'), userId: '123456789012' });
    expect(peers[1]).toMatchObject({ kind: 'group', groupId: id(n.groups, 'shared/app'), vpcId: id(n.vpcs, 'shared'), vpcPeeringConnectionId: id(n.peerings, 'prod-shared') });
    // a list of peers is one rule per peer
    expect(peers[2]).toEqual({ kind: 'cidr4', cidr: '10.0.9.0/24' });
    expect(peers[3]).toEqual({ kind: 'cidr4', cidr: '10.0.8.0/24' });
    expect(inbound[2]).toMatchObject({ protocol: -1, fromPort: -1, toPort: -1 });
    // "111122223333/sg-…": the other account's group, across the peering
    expect(peers[4]).toMatchObject({ kind: 'group', groupId: id(n.groups, 'shared/default'), userId: '111122223333', vpcPeeringConnectionId: id(n.peerings, 'prod-shared') });
    // "sg-…": a group of this VPC by id
    expect(peers[5]).toEqual({ kind: 'group', groupId: id(n.groups, 'prod/lb'), userId: '123456789012' });
    expect(inbound).toHaveLength(6);
  });

  it('a group in the peered VPC may reference prod/web', () => {
    const [rule] = rulesOf(id(n.groups, 'shared/app'), false);
    expect(rule).toMatchObject({ protocol: 6, fromPort: 8080, peer: { kind: 'group', groupId: id(n.groups, 'prod/web'), vpcPeeringConnectionId: id(n.peerings, 'prod-shared') } });
  });
});

describe('scenario loader: peerings', () => {
  it('creates peerings with the declared statuses (active by default) and Name tags', () => {
    // (a deleted peering is kept, but GetPeering treats it as not found, as AWS does)
    const status = (name: string) => r.vpcPeeringConnections.get(id(n.peerings, name))!.status;
    expect(status('prod-shared')).toBe('active');
    expect(status('prod-other')).toBe('pending-acceptance');
    expect(status('other-shared')).toBe('rejected');
    expect(status('prod-legacy')).toBe('deleted');
    const pcx = r.getPeering(id(n.peerings, 'prod-shared'));
    expect(pcx.requesterVpcId).toBe(id(n.vpcs, 'prod'));
    expect(pcx.accepterVpcId).toBe(id(n.vpcs, 'shared'));
    expect(pcx.accepterOwnerId).toBe('111122223333');
    expect(pcx.tags).toContainEqual({ key: 'Name', value: 'prod-shared' });
    expect(r.activePeeringBetween(id(n.vpcs, 'prod'), id(n.vpcs, 'other'))).toBeUndefined();
    expect(r.activePeeringBetween(id(n.vpcs, 'shared'), id(n.vpcs, 'prod'))?.id).toBe(pcx.id);
  });

  it('a peering without status is active', () => {
    const t = loadScenario('vpcs:\n  a: { cidr: 10.0.0.0/16 }\n  b: { cidr: 10.1.0.0/16 }\npeerings:\n  ab: { requester: a, accepter: b }\n', 'p.yaml');
    expect(t.region.getPeering(t.names.peerings.get('ab')!).status).toBe('active');
  });
});

describe('scenario loader: instances', () => {
  it('privateIp, publicIp, ipv6, secondaryIps, sourceDestCheck and connectionTracking shape the primary interface', () => {
    const inst = r.getInstance(id(n.instances, 'web'));
    expect(inst.subnetId).toBe(id(n.subnets, 'public'));
    expect(inst.tags).toContainEqual({ key: 'Name', value: 'web' });
    expect(enis(s, 'web')).toEqual([inst.networkInterfaceIds[0]]);
    const eni = r.getNetworkInterface(inst.networkInterfaceIds[0]);
    expect(eni.groups).toEqual([id(n.groups, 'prod/web')]);
    expect(eni.privateIpAddresses).toHaveLength(2);
    expect(eni.privateIpAddresses[0]).toMatchObject({ privateIpAddress: '10.0.1.10', primary: true, association: { ipOwnerId: 'amazon' } });
    expect(eni.privateIpAddresses[0].association!.publicIp).toMatch(/^3\.(8[0-9]|9[0-5])\./);
    expect(eni.privateIpAddresses[1].primary).toBe(false);
    expect(cidrContains(parseCidr('10.0.1.0/24'), parseCidr(`${eni.privateIpAddresses[1].privateIpAddress}/32`))).toBe(true);
    expect(eni.ipv6Addresses).toHaveLength(1);
    const subnet6 = parseCidr(r.getSubnet(id(n.subnets, 'public')).ipv6CidrBlocks[0].ipv6CidrBlock);
    expect(cidrContains(subnet6, parseCidr(`${eni.ipv6Addresses[0]}/128`))).toBe(true);
    expect(eni.sourceDestCheck).toBe(true);
    expect(eni.connectionTracking).toEqual({ tcpEstablishedTimeout: 3600, udpStreamTimeout: 120, udpTimeout: 60 });
    expect(n.nameOf(eni.id)).toBe('web');
    expect(n.nameOf(inst.id)).toBe('web');
  });

  it('elasticIp: true allocates and associates an Elastic IP owned by the account', () => {
    const eni = r.getNetworkInterface(enis(s, 'bastion')[0]);
    const assoc = eni.privateIpAddresses[0].association!;
    expect(assoc.ipOwnerId).toBe('123456789012');
    expect(assoc.allocationId).toMatch(/^eipalloc-/);
    const addr = r.addresses.get(assoc.allocationId!)!;
    expect(addr).toMatchObject({ publicIp: assoc.publicIp, networkInterfaceId: eni.id, instanceId: id(n.instances, 'bastion') });
    expect(r.addresses.size).toBe(1);
  });

  it('publicIp: false in a public subnet gives no public address; a private subnet gives none; no groups means the default group', () => {
    expect(r.getNetworkInterface(enis(s, 'quiet')[0]).privateIpAddresses[0].association).toBeUndefined();
    const inner = r.getNetworkInterface(enis(s, 'inner')[0]);
    expect(inner.privateIpAddresses[0].association).toBeUndefined();
    expect(inner.groups).toEqual([id(n.groups, 'prod/default')]);
    expect(inner.connectionTracking).toEqual({ tcpEstablishedTimeout: 432000, udpStreamTimeout: 180, udpTimeout: 30 });
  });
});

describe('scenario loader: interfaces', () => {
  it('creates a standalone, unattached interface with sourceDestCheck: false and a Name tag, not an instance', () => {
    const eni = r.getNetworkInterface(enis(s, 'appliance')[0]);
    expect(eni.sourceDestCheck).toBe(false);
    expect(eni.attachment).toBeUndefined();
    expect(eni.status).toBe('available');
    expect(eni.subnetId).toBe(id(n.subnets, 'private'));
    expect(eni.groups).toEqual([id(n.groups, 'prod/web')]);
    expect(eni.tags).toContainEqual({ key: 'Name', value: 'appliance' });
    expect(n.instances.has('appliance')).toBe(false);
  });
});

describe('scenario loader: resources', () => {
  it('rds: one requester-managed amazon-rds interface with RDSNetworkInterface and its groups', () => {
    const res = r.services.get(id(n.resources, 'db'))!;
    expect(res.kind).toBe('rds');
    expect(enis(s, 'db')).toEqual(res.networkInterfaceIds);
    const eni = r.getNetworkInterface(res.networkInterfaceIds[0]);
    expect(eni).toMatchObject({ interfaceType: 'interface', requesterManaged: true, requesterId: 'amazon-rds', description: 'RDSNetworkInterface', resourceId: res.id });
    expect(eni.groups).toEqual([id(n.groups, 'prod/db')]);
  });

  it('alb: one interface per subnet, named lb#1 and lb#2, with public addresses when internet-facing', () => {
    const ids = enis(s, 'lb');
    expect(ids).toHaveLength(2);
    const [a, b] = ids.map((x) => r.getNetworkInterface(x));
    expect([a.subnetId, b.subnetId]).toEqual([id(n.subnets, 'public'), id(n.subnets, 'public-b')]);
    expect(a).toMatchObject({ interfaceType: 'interface', requesterManaged: true, requesterId: 'amazon-elb' });
    expect(a.description).toMatch(/^ELB app\/lb\//);
    expect(a.privateIpAddresses[0].association?.publicIp).toBeDefined();
    expect(b.privateIpAddresses[0].association?.publicIp).toBeDefined();
    expect(n.nameOf(a.id)).toBe('lb#1');
    expect(n.nameOf(b.id)).toBe('lb#2');
    expect(r.services.get(id(n.resources, 'lb'))!.internetFacing).toBe(true);
  });

  it('lambda, nlb and nat-gateway get AWS\'s interface types; a NAT gateway has no security groups', () => {
    const type = (name: string) => r.getNetworkInterface(enis(s, name)[0]);
    expect(type('fn').interfaceType).toBe('lambda');
    expect(type('fn').description).toMatch(/^AWS Lambda VPC ENI-fn-/);
    expect(type('nlb').interfaceType).toBe('network_load_balancer');
    expect(type('nlb').description).toMatch(/^ELB net\/nlb\//);
    expect(type('nat').interfaceType).toBe('nat_gateway');
    expect(type('nat').groups).toEqual([]);
    expect(id(n.resources, 'nat')).toMatch(/^nat-/);
    expect(type('nat').description).toBe(`Interface for NAT Gateway ${id(n.resources, 'nat')}`);
  });
});

describe('scenario loader: short names', () => {
  it('an ACL or route table name used in two VPCs has no short name (vpc/name only); a unique one has', () => {
    const t = loadScenario(`vpcs:
  a:
    cidr: 10.0.0.0/16
    networkAcls: { private: {}, only-a: {} }
    routeTables: { rt: {} }
  b:
    cidr: 10.1.0.0/16
    networkAcls: { private: {} }
    routeTables: { rt: {} }
`, 'short.yaml');
    expect(t.names.networkAcls.has('private')).toBe(false);
    expect(t.names.routeTables.has('rt')).toBe(false);
    expect(t.names.networkAcls.get('a/private')).not.toBe(t.names.networkAcls.get('b/private'));
    expect(t.names.networkAcls.get('only-a')).toBe(t.names.networkAcls.get('a/only-a'));
  });
});

describe('scenario loader: JSON', () => {
  it('loads a JSON scenario like its YAML twin', () => {
    const json = JSON.stringify({
      vpcs: { prod: { cidr: '10.0.0.0/16', subnets: { a: { cidr: '10.0.1.0/24' } }, securityGroups: { web: { inbound: [{ protocol: 'tcp', ports: 443, from: '0.0.0.0/0' }] } } } },
      instances: { web: { subnet: 'a', groups: ['web'], privateIp: '10.0.1.10' } },
    }, null, 2);
    const j = loadScenario(json, 'j.json');
    const y = loadScenario('vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24 }\n    securityGroups:\n      web:\n        inbound:\n          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }\ninstances:\n  web: { subnet: a, groups: [web], privateIp: 10.0.1.10 }\n', 'y.yaml');
    expect([...j.names.endpoints]).toEqual([...y.names.endpoints]);
    expect(j.region.getNetworkInterface(j.names.endpoints.get('web')![0]).privateIpAddresses[0].privateIpAddress).toBe('10.0.1.10');
    expect(j.region.groupRules(j.names.groups.get('web')!, false)).toEqual(y.region.groupRules(y.names.groups.get('web')!, false));
  });
});
