// Random networks and packets for the property tests of the analysis (property.test.ts, questions-property.test.ts).
// Seeded (mulberry32), built with the Region API directly; AWS refusals of random commands are logged and skipped.
import type { Endpoint } from '../../src/engine/engine.js';
import type { Packet } from '../../src/engine/packet.js';
import { AwsError } from '../../src/model/errors.js';
import type { NetworkAclEntry, NetworkInterface } from '../../src/model/types.js';
import { formatIpv4, formatIpv6, parseCidr, tryParseIp, type Family } from '../../src/net/index.js';
import type { IpPermissionInput } from '../../src/state/permissions.js';
import { Region } from '../../src/state/region.js';

// ------------------------------------------------------------------------------------------- random numbers

/** mulberry32: small, fast, good enough, and the same on every platform. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    if (a.length === 0) throw new Error('test bug: pick from an empty list');
    return a[Math.floor(this.next() * a.length)];
  }
  /** picks by weight: [[weight, value], …] (entries with weight 0 never) */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((n, [w]) => n + w, 0);
    let x = this.next() * total;
    for (const [w, v] of choices) {
      if (x < w) return v;
      x -= w;
    }
    return choices.filter(([w]) => w > 0).at(-1)![1];
  }
  subset<T>(a: readonly T[], min: number, max: number): T[] {
    const copy = [...a];
    const n = Math.min(copy.length, this.int(min, max));
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0]);
    return out;
  }
  big128(): bigint {
    return (BigInt(this.u32()) << 96n) | (BigInt(this.u32()) << 64n) | (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

export function networkSeed(base: number, index: number): number {
  let h = Math.imul((base ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

// ------------------------------------------------------------------------------------------- address helpers

export const V4_MAX = 0xffffffff;
export const V6_MAX = (1n << 128n) - 1n;

export function block4(addr: number, prefix: number): string {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return `${formatIpv4((addr & mask) >>> 0)}/${prefix}`;
}

export function block6(addr: bigint, prefix: number): string {
  const mask = prefix === 0 ? 0n : (V6_MAX >> BigInt(128 - prefix)) << BigInt(128 - prefix);
  return `${formatIpv6(addr & mask)}/${prefix}`;
}

export const v4 = (text: string): number => tryParseIp(text)!.value as number;
export const v6 = (text: string): bigint => tryParseIp(text)!.value as bigint;

/** Internet space the generator draws sources and destinations from (documentation nets, a few real ones). */
const INTERNET_POOLS4 = ['198.51.100.0/24', '203.0.113.0/24', '192.0.2.0/24', '8.8.8.0/24', '52.94.0.0/16', '3.80.0.0/28', '100.64.0.0/10', '172.16.5.0/24'];
const INTERNET_POOLS6 = ['2001:db8::/32', '2001:db8:ffff::/48', '2600:1f18::/32', '2a00:1450::/32'];
const FIXED_RULE_CIDRS4 = ['0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '198.51.100.0/24', '203.0.113.0/25', '3.80.0.0/16', '8.8.8.8/32'];
const FIXED_RULE_CIDRS6 = ['::/0', '2000::/3', '2001:db8::/32', '2600:1f18::/32', 'fd00::/8'];

export const INTERESTING_PORTS = [0, 1, 20, 22, 23, 25, 53, 80, 123, 443, 1023, 1024, 1025, 3306, 3389, 5000, 5432, 8000, 8080, 8443, 32767, 32768, 32769, 40000, 49151, 49152, 60999, 61000, 61001, 65534, 65535];
export const CLIENT_PORTS = [1023, 1024, 1025, 4999, 5000, 32767, 32768, 40000, 49151, 49152, 61000, 61001, 65535];
const ICMP_TYPES4 = [0, 3, 5, 8, 11, 12, 13, 14, 15, 16, 17, 18];
const ICMP_TYPES6 = [1, 2, 3, 4, 128, 129, 133, 134, 135, 136];

// ------------------------------------------------------------------------------------------- random networks

export interface Net {
  region: Region;
  vpcIds: string[];
  /** VPCs with an IPv6 block */
  v6Vpcs: Set<string>;
  groupsByVpc: Map<string, string[]>;
  aclsByVpc: Map<string, string[]>;
  rtbsByVpc: Map<string, string[]>;
  subnetsByVpc: Map<string, string[]>;
  igwByVpc: Map<string, string>;
  peerings: string[];
  prefixLists: string[];
  /** interesting IPv4 addresses: rule/entry/route edges, ENI addresses, their neighbours */
  edges4: number[];
  edges6: bigint[];
  /** port-range edges of every rule and entry */
  portEdges: number[];
  /** what the generator did, in order (printed on failure) */
  log: string[];
}

/** Runs a Region command; AWS refusals (duplicates, quotas, invalid combinations) are part of the game. */
export function attempt<T>(net: Net, what: string, fn: () => T): T | undefined {
  try {
    const r = fn();
    net.log.push(what);
    return r;
  } catch (e) {
    if (e instanceof AwsError) {
      net.log.push(`${what} -> ${e.code}`);
      return undefined;
    }
    throw e;
  }
}

export function enisOf(net: Net): NetworkInterface[] {
  return [...net.region.networkInterfaces.values()];
}

export function v4Of(eni: NetworkInterface): number[] {
  return eni.privateIpAddresses.map((p) => v4(p.privateIpAddress));
}
export function publicOf(eni: NetworkInterface): number[] {
  return eni.privateIpAddresses.filter((p) => p.association).map((p) => v4(p.association!.publicIp));
}
export function v6Of(eni: NetworkInterface): bigint[] {
  return eni.ipv6Addresses.map(v6);
}

export function randomCidr4(rng: Rng, net: Net): string {
  const enis = enisOf(net);
  return rng.weighted<() => string>([
    [3, () => rng.pick(FIXED_RULE_CIDRS4)],
    [5, () => {
      const e = rng.pick(enis);
      return block4(rng.pick(v4Of(e)), rng.pick([32, 32, 31, 30, 29, 28, 27, 26, 24]));
    }],
    [enis.some((e) => publicOf(e).length) ? 2 : 0, () => {
      const e = rng.pick(enis.filter((x) => publicOf(x).length));
      return block4(rng.pick(publicOf(e)), rng.pick([32, 31, 30, 28, 24, 16]));
    }],
    [2, () => {
      const vpc = net.region.getVpc(rng.pick(net.vpcIds));
      const c = parseCidr(vpc.cidrBlocks[0].cidrBlock);
      return block4(c.first as number, rng.pick([16, 17, 20, 23, 24]));
    }],
    [2, () => {
      const pool = parseCidr(rng.pick(INTERNET_POOLS4));
      const a = (pool.first as number) + rng.int(0, Math.min((pool.last as number) - (pool.first as number), 255));
      return block4(a, rng.pick([32, 30, 28, 26, 25, 24, 20, 16, 12, 8]));
    }],
    [1, () => block4(rng.u32(), rng.int(1, 32))],
  ])();
}

export function randomCidr6(rng: Rng, net: Net): string {
  const withV6 = enisOf(net).filter((e) => e.ipv6Addresses.length);
  return rng.weighted<() => string>([
    [3, () => rng.pick(FIXED_RULE_CIDRS6)],
    [withV6.length ? 4 : 0, () => block6(rng.pick(v6Of(rng.pick(withV6))), rng.pick([128, 127, 126, 124, 120, 64]))],
    [net.v6Vpcs.size ? 2 : 0, () => net.region.getVpc(rng.pick([...net.v6Vpcs])).ipv6CidrBlocks[0].ipv6CidrBlock],
    [1, () => block6(v6(rng.pick(['2001:db8::1', '2600:1f18::7'])) + BigInt(rng.int(0, 300)), rng.pick([128, 120, 64, 48]))],
  ])();
}

export function tcpUdpRange(rng: Rng): [number, number] {
  return rng.weighted<() => [number, number]>([
    [5, () => {
      const p = rng.pick(INTERESTING_PORTS);
      return [p, p];
    }],
    [3, () => {
      const p = rng.pick(INTERESTING_PORTS);
      const q = Math.min(65535, p + rng.int(1, 2000));
      return [p, q];
    }],
    [2, () => [0, 65535]],
    [3, () => rng.pick<[number, number]>([[1024, 65535], [32768, 61000], [49152, 65535], [1025, 5000], [32768, 65535], [0, 1023]])],
    [2, () => {
      const a = rng.int(0, 65535);
      const b = rng.int(0, 65535);
      return [Math.min(a, b), Math.max(a, b)];
    }],
  ])();
}

export function randomPermission(rng: Rng, net: Net, groupId: string): IpPermissionInput {
  const region = net.region;
  const g = region.getGroup(groupId);
  const hasV6 = net.v6Vpcs.size > 0;
  const proto = rng.weighted<string>([[30, 'tcp'], [15, 'udp'], [10, 'icmp'], [hasV6 ? 5 : 0, 'icmpv6'], [10, '-1'], [6, '47'], [2, '50']]);
  const perm: IpPermissionInput = { ipProtocol: proto };
  if (proto === 'tcp' || proto === 'udp') [perm.fromPort, perm.toPort] = tcpUdpRange(rng);
  else if (proto === 'icmp' || proto === 'icmpv6') {
    const type = rng.chance(0.25) ? -1 : rng.chance(0.8) ? rng.pick(proto === 'icmp' ? ICMP_TYPES4 : ICMP_TYPES6) : rng.int(0, 255);
    const code = type === -1 || rng.chance(0.4) ? -1 : rng.pick([0, 0, 1, 3, 4, rng.int(0, 255)]);
    perm.fromPort = type;
    perm.toPort = code;
  }
  // the peer
  const sameVpc = net.groupsByVpc.get(g.vpcId) ?? [];
  const peered = net.vpcIds.filter((v) => v !== g.vpcId && region.activePeeringBetween(v, g.vpcId));
  const peerKind = rng.weighted<string>([
    [45, 'cidr4'], [hasV6 ? 12 : 0, 'cidr6'], [net.prefixLists.length ? 8 : 0, 'pl'], [20, 'group'], [peered.length ? 12 : 0, 'peer-group'],
  ]);
  switch (peerKind) {
    case 'cidr4':
      perm.ipRanges = [{ cidrIp: randomCidr4(rng, net) }];
      break;
    case 'cidr6':
      perm.ipv6Ranges = [{ cidrIpv6: randomCidr6(rng, net) }];
      break;
    case 'pl':
      perm.prefixListIds = [{ prefixListId: rng.pick(net.prefixLists) }];
      break;
    case 'group':
      perm.userIdGroupPairs = [{ groupId: rng.pick([...sameVpc, region.defaultSecurityGroup(g.vpcId).id]) }];
      break;
    case 'peer-group': {
      const other = rng.pick(peered);
      perm.userIdGroupPairs = [{ groupId: rng.pick([...(net.groupsByVpc.get(other) ?? []), region.defaultSecurityGroup(other).id]) }];
      break;
    }
  }
  return perm;
}

export function randomAclEntry(rng: Rng, net: Net, vpcId: string, egress: boolean, ruleNumber: number): NetworkAclEntry {
  const protocol = rng.weighted<number>([[30, 6], [15, 17], [10, 1], [net.v6Vpcs.has(vpcId) ? 4 : 0, 58], [14, -1], [5, 47], [2, 50]]);
  const e: NetworkAclEntry = { ruleNumber, egress, protocol, ruleAction: rng.chance(0.65) ? 'allow' : 'deny' };
  if (net.v6Vpcs.has(vpcId) && rng.chance(0.25)) e.ipv6CidrBlock = randomCidr6(rng, net);
  else e.cidrBlock = rng.chance(0.2) ? '0.0.0.0/0' : randomCidr4(rng, net);
  if (protocol === 6 || protocol === 17) {
    // return traffic: the ephemeral ranges, often
    const [from, to] = rng.chance(0.35) ? rng.pick<[number, number]>([[1024, 65535], [32768, 61000], [49152, 65535], [32768, 65535], [1025, 5000]]) : tcpUdpRange(rng);
    e.portRange = { from, to };
  } else if (protocol === 1 || protocol === 58) {
    const type = rng.chance(0.3) ? -1 : rng.pick(protocol === 1 ? ICMP_TYPES4 : ICMP_TYPES6);
    e.icmpTypeCode = { type, code: type === -1 || rng.chance(0.5) ? -1 : rng.pick([0, 1, 4]) };
  }
  return e;
}

export function buildNetwork(rng: Rng): Net {
  const region = new Region({ defaultVpc: false, seed: 1 });
  const net: Net = {
    region, vpcIds: [], v6Vpcs: new Set(), groupsByVpc: new Map(), aclsByVpc: new Map(), rtbsByVpc: new Map(), subnetsByVpc: new Map(),
    igwByVpc: new Map(), peerings: [], prefixLists: [], edges4: [], edges6: [], portEdges: [], log: [],
  };
  // VPCs: 10.N.0.0/16; now and then one overlapping an earlier one (its peering then fails)
  const nVpc = rng.int(1, 3);
  for (let i = 0; i < nVpc; i++) {
    const n = i > 0 && rng.chance(0.08) ? 0 : i;
    const ipv6 = rng.chance(0.35);
    const vpc = attempt(net, `vpc 10.${n}.0.0/16${ipv6 ? ' +ipv6' : ''}`, () => region.createVpc({ cidrBlock: `10.${n}.0.0/16`, amazonProvidedIpv6CidrBlock: ipv6 }))!;
    net.vpcIds.push(vpc.id);
    if (ipv6) net.v6Vpcs.add(vpc.id);
    net.groupsByVpc.set(vpc.id, []);
    net.aclsByVpc.set(vpc.id, []);
    net.rtbsByVpc.set(vpc.id, [region.mainRouteTable(vpc.id).id]);
    net.subnetsByVpc.set(vpc.id, []);
    if (rng.chance(0.65)) {
      const igw = region.createInternetGateway();
      attempt(net, `attach ${igw.id} to ${vpc.id}`, () => region.attachInternetGateway(igw.id, vpc.id));
      net.igwByVpc.set(vpc.id, igw.id);
    }
    // subnets: /24 or /28, some with an IPv6 /64
    const nSub = rng.int(1, 4);
    for (let j = 0; j < nSub; j++) {
      const small = rng.chance(0.3);
      const cidr = `10.${n}.${j}.0/${small ? 28 : 24}`;
      const v6Base = ipv6 ? v6(vpc.ipv6CidrBlocks[0].ipv6CidrBlock.split('/')[0]) + (BigInt(j) << 64n) : undefined;
      const withV6 = v6Base !== undefined && rng.chance(0.8);
      const s = attempt(net, `subnet ${cidr}`, () => region.createSubnet({ vpcId: vpc.id, cidrBlock: cidr, ...(withV6 ? { ipv6CidrBlock: `${formatIpv6(v6Base!)}/64` } : {}) }));
      if (s) net.subnetsByVpc.get(vpc.id)!.push(s.id);
    }
    // route tables: the main one and up to two more, each subnet on a random one
    for (let k = rng.int(0, 2); k > 0; k--) net.rtbsByVpc.get(vpc.id)!.push(region.createRouteTable({ vpcId: vpc.id }).id);
    for (const s of net.subnetsByVpc.get(vpc.id)!) {
      const rtb = rng.pick(net.rtbsByVpc.get(vpc.id)!);
      if (rtb !== region.mainRouteTable(vpc.id).id) attempt(net, `associate ${rtb} ${s}`, () => region.associateRouteTable(rtb, s));
    }
    const igw = net.igwByVpc.get(vpc.id);
    for (const rtb of net.rtbsByVpc.get(vpc.id)!) {
      if (igw && rng.chance(0.7)) attempt(net, `route ${rtb} 0.0.0.0/0 igw`, () => region.createRoute(rtb, { destinationCidrBlock: '0.0.0.0/0', target: { kind: 'igw', gatewayId: igw } }));
      else if (igw && rng.chance(0.3)) attempt(net, `route ${rtb} 3.80.0.0/16 igw`, () => region.createRoute(rtb, { destinationCidrBlock: '3.80.0.0/16', target: { kind: 'igw', gatewayId: igw } }));
      if (igw && ipv6 && rng.chance(0.7)) attempt(net, `route ${rtb} ::/0 igw`, () => region.createRoute(rtb, { destinationIpv6CidrBlock: '::/0', target: { kind: 'igw', gatewayId: igw } }));
    }
    // security groups (2–8 over the whole network, at least one per VPC)
    const nGroups = Math.max(1, Math.round(rng.int(2, 8) / nVpc));
    for (let k = 0; k < nGroups; k++) {
      const g = region.createSecurityGroup({ groupName: `g${k}`, description: `group ${k}`, vpcId: vpc.id });
      net.groupsByVpc.get(vpc.id)!.push(g.id);
    }
  }

  // peerings: some active, some pending, some to be deleted later; routes on some sides only
  const toDelete: string[] = [];
  for (let a = 0; a < net.vpcIds.length; a++) {
    for (let b = a + 1; b < net.vpcIds.length; b++) {
      if (!rng.chance(0.75)) continue;
      const p = region.createVpcPeeringConnection({ vpcId: net.vpcIds[a], peerVpcId: net.vpcIds[b] });
      net.peerings.push(p.id);
      const fate = rng.weighted<string>([[6, 'active'], [2, 'pending'], [2, 'deleted']]);
      net.log.push(`peering ${p.id} ${net.vpcIds[a]}-${net.vpcIds[b]} (${p.status}) -> ${fate}`);
      if (fate !== 'pending') attempt(net, `accept ${p.id}`, () => region.acceptVpcPeeringConnection(p.id));
      if (fate === 'deleted') toDelete.push(p.id);
      for (const [x, y] of [[net.vpcIds[a], net.vpcIds[b]], [net.vpcIds[b], net.vpcIds[a]]]) {
        if (!rng.chance(0.7)) continue;
        const rtb = rng.pick(net.rtbsByVpc.get(x)!);
        const peerVpc = region.getVpc(y);
        const dest = rng.chance(0.7) ? peerVpc.cidrBlocks[0].cidrBlock : block4(v4(peerVpc.cidrBlocks[0].cidrBlock.split('/')[0]) + rng.int(0, 3) * 256, 24);
        attempt(net, `route ${rtb} ${dest} ${p.id}`, () => region.createRoute(rtb, { destinationCidrBlock: dest, target: { kind: 'pcx', vpcPeeringConnectionId: p.id } }));
        if (peerVpc.ipv6CidrBlocks.length && net.v6Vpcs.has(x) && rng.chance(0.5)) {
          const d6 = peerVpc.ipv6CidrBlocks[0].ipv6CidrBlock;
          attempt(net, `route ${rtb} ${d6} ${p.id}`, () => region.createRoute(rtb, { destinationIpv6CidrBlock: d6, target: { kind: 'pcx', vpcPeeringConnectionId: p.id } }));
        }
      }
    }
  }

  // network interfaces: 3–12, with 1–3 groups of their VPC, some public, some with IPv6 or a second address
  const allSubnets = [...net.subnetsByVpc.values()].flat();
  const nEni = rng.int(3, 12);
  for (let k = 0; k < nEni && allSubnets.length; k++) {
    const subnetId = rng.pick(allSubnets);
    const s = region.getSubnet(subnetId);
    const choices = [...net.groupsByVpc.get(s.vpcId)!, region.defaultSecurityGroup(s.vpcId).id];
    const groups = rng.subset(choices, 1, 3);
    const pub = rng.chance(0.5);
    const ipv6 = s.ipv6CidrBlocks.length > 0 && rng.chance(0.7);
    const second = rng.chance(0.15);
    attempt(net, `eni in ${subnetId} groups ${groups.join(',')}${pub ? ' public' : ''}${ipv6 ? ' ipv6' : ''}${second ? ' +ip' : ''}`, () =>
      region.createNetworkInterface({ subnetId, groups, associatePublicIp: pub, ...(ipv6 ? { ipv6AddressCount: 1 } : {}), ...(second ? { secondaryPrivateIpAddressCount: 1 } : {}) }));
  }
  if (region.networkInterfaces.size === 0) {
    const subnetId = allSubnets[0] ?? region.createSubnet({ vpcId: net.vpcIds[0], cidrBlock: '10.0.200.0/24' }).id;
    region.createNetworkInterface({ subnetId });
  }

  // a prefix list around the interfaces and the internet pools
  if (rng.chance(0.6)) {
    const entries = [...new Set(Array.from({ length: rng.int(1, 3) }, () => randomCidr4(rng, net)).map((c) => block4(v4(c.split('/')[0]), Number(c.split('/')[1]))))];
    const pl = attempt(net, `prefix list ${entries.join(',')}`, () => region.createManagedPrefixList({ prefixListName: 'pl', addressFamily: 'IPv4', maxEntries: 5, entries: entries.map((cidr) => ({ cidr })) }));
    if (pl) net.prefixLists.push(pl.id);
  }

  // security group rules
  for (const vpcId of net.vpcIds) {
    for (const g of [...net.groupsByVpc.get(vpcId)!, region.defaultSecurityGroup(vpcId).id]) {
      if (rng.chance(0.35)) {
        const sg = region.getGroup(g);
        attempt(net, `revoke all egress of ${g}`, () => region.revoke(g, true, { ruleIds: [...sg.egress] }));
      }
      for (let k = rng.int(0, 6); k > 0; k--) {
        const perm = randomPermission(rng, net, g);
        attempt(net, `authorize ingress ${g} ${JSON.stringify(perm)}`, () => region.authorize(g, false, [perm]));
      }
      for (let k = rng.int(0, 4); k > 0; k--) {
        const perm = randomPermission(rng, net, g);
        attempt(net, `authorize egress ${g} ${JSON.stringify(perm)}`, () => region.authorize(g, true, [perm]));
      }
    }
  }

  // network ACLs: custom ones with ordered allow/deny entries, and sometimes entries in the default one
  for (const vpcId of net.vpcIds) {
    const acls = net.aclsByVpc.get(vpcId)!;
    for (let k = rng.int(0, 2); k > 0; k--) acls.push(region.createNetworkAcl({ vpcId }).id);
    if (rng.chance(0.3)) acls.push(region.defaultNetworkAcl(vpcId).id);
    for (const acl of acls) {
      for (const egress of [false, true]) {
        const numbers = rng.subset([1, 5, 10, 50, 90, 99, 100, 101, 110, 150, 200, 300, 1000, 32766], 0, 8);
        for (const n of numbers) attempt(net, `acl ${acl} ${egress ? 'out' : 'in'} #${n}`, () => region.createNetworkAclEntry(acl, randomAclEntry(rng, net, vpcId, egress, n)));
      }
    }
    for (const s of net.subnetsByVpc.get(vpcId)!) {
      if (acls.length && rng.chance(0.6)) {
        const acl = rng.pick(acls);
        attempt(net, `associate ${acl} ${s}`, () => region.associateSubnetNetworkAcl(s, acl));
      }
    }
  }

  for (const p of toDelete) attempt(net, `delete ${p}`, () => region.deleteVpcPeeringConnection(p));
  collectEdges(net);
  return net;
}

/** Every address and port where some rule, entry or route changes its mind, and their neighbours. */
export function collectEdges(net: Net): void {
  const region = net.region;
  const e4 = new Set<number>();
  const e6 = new Set<bigint>();
  const ports = new Set<number>();
  const addCidr = (text: string) => {
    const c = parseCidr(text);
    if (c.family === 4) {
      for (const a of [(c.first as number) - 1, c.first as number, c.last as number, (c.last as number) + 1]) if (a >= 0 && a <= V4_MAX) e4.add(a);
    } else {
      for (const a of [(c.first as bigint) - 1n, c.first as bigint, c.last as bigint, (c.last as bigint) + 1n]) if (a >= 0n && a <= V6_MAX) e6.add(a);
    }
  };
  const addPorts = (lo: number, hi: number) => {
    for (const p of [lo - 1, lo, hi, hi + 1]) if (p >= 0 && p <= 65535) ports.add(p);
  };
  for (const r of region.securityGroupRules.values()) {
    if (r.peer.kind === 'cidr4' || r.peer.kind === 'cidr6') addCidr(r.peer.cidr);
    if ((r.protocol === 6 || r.protocol === 17) && r.fromPort >= 0) addPorts(r.fromPort, r.toPort);
  }
  for (const pl of region.prefixLists.values()) for (const e of pl.entries) addCidr(e.cidr);
  for (const a of region.networkAcls.values()) {
    for (const e of a.entries) {
      addCidr((e.cidrBlock ?? e.ipv6CidrBlock)!);
      if (e.portRange) addPorts(e.portRange.from, e.portRange.to);
    }
  }
  for (const t of region.routeTables.values()) for (const r of t.routes) if (r.destinationCidrBlock || r.destinationIpv6CidrBlock) addCidr((r.destinationCidrBlock ?? r.destinationIpv6CidrBlock)!);
  for (const s of region.subnets.values()) addCidr(s.cidrBlock);
  for (const eni of region.networkInterfaces.values()) {
    for (const a of [...v4Of(eni), ...publicOf(eni)]) for (const d of [-1, 0, 1]) if (a + d >= 0 && a + d <= V4_MAX) e4.add(a + d);
    for (const a of v6Of(eni)) for (const d of [-1n, 0n, 1n]) e6.add(a + d);
  }
  net.edges4 = [...e4];
  net.edges6 = [...e6];
  net.portEdges = [...ports];
}

/** A few changes after the engine has compiled its tables: the analysis must follow them as the engine does. */
export function mutate(rng: Rng, net: Net): void {
  const region = net.region;
  const groups = [...region.securityGroups.keys()];
  for (let k = rng.int(1, 4); k > 0; k--) {
    const what = rng.weighted<string>([[4, 'authorize'], [3, 'revoke'], [3, 'acl'], [2, 'peering'], [2, 'eni-groups'], [1, 'route'], [1, 'prefix-list'], [1, 'acl-assoc'], [1, 'delete-eni']]);
    switch (what) {
      case 'authorize': {
        const g = rng.pick(groups);
        const egress = rng.chance(0.4);
        const perm = randomPermission(rng, net, g);
        attempt(net, `mutate: authorize ${egress ? 'egress' : 'ingress'} ${g} ${JSON.stringify(perm)}`, () => region.authorize(g, egress, [perm]));
        break;
      }
      case 'revoke': {
        const g = region.getGroup(rng.pick(groups));
        const egress = rng.chance(0.4);
        const ids = egress ? g.egress : g.ingress;
        if (ids.length) {
          const id = rng.pick(ids);
          attempt(net, `mutate: revoke ${id} of ${g.id}`, () => region.revoke(g.id, egress, { ruleIds: [id] }));
        }
        break;
      }
      case 'acl': {
        const vpcId = rng.pick(net.vpcIds);
        const acl = region.getNetworkAcl(rng.pick([...net.aclsByVpc.get(vpcId)!, region.defaultNetworkAcl(vpcId).id]));
        const egress = rng.chance(0.5);
        const existing = acl.entries.filter((e) => e.egress === egress && e.ruleNumber <= 32766);
        if (existing.length && rng.chance(0.5)) {
          const n = rng.pick(existing).ruleNumber;
          if (rng.chance(0.5)) attempt(net, `mutate: delete acl entry ${acl.id} #${n}`, () => region.deleteNetworkAclEntry(acl.id, n, egress));
          else attempt(net, `mutate: replace acl entry ${acl.id} #${n}`, () => region.replaceNetworkAclEntry(acl.id, randomAclEntry(rng, net, vpcId, egress, n)));
        } else {
          const n = rng.int(1, 400);
          attempt(net, `mutate: create acl entry ${acl.id} #${n}`, () => region.createNetworkAclEntry(acl.id, randomAclEntry(rng, net, vpcId, egress, n)));
        }
        break;
      }
      case 'peering': {
        if (!net.peerings.length) break;
        const p = region.vpcPeeringConnections.get(rng.pick(net.peerings));
        if (!p || p.status === 'deleted') break;
        if (p.status === 'pending-acceptance') attempt(net, `mutate: accept ${p.id}`, () => region.acceptVpcPeeringConnection(p.id));
        else attempt(net, `mutate: delete ${p.id}`, () => region.deleteVpcPeeringConnection(p.id));
        break;
      }
      case 'eni-groups': {
        const eni = rng.pick(enisOf(net));
        const choices = [...net.groupsByVpc.get(eni.vpcId)!, region.defaultSecurityGroup(eni.vpcId).id];
        const gs = rng.subset(choices, 1, 3);
        attempt(net, `mutate: groups of ${eni.id} = ${gs.join(',')}`, () => region.modifyNetworkInterfaceAttribute(eni.id, { groups: gs }));
        break;
      }
      case 'route': {
        const vpcId = rng.pick(net.vpcIds);
        const rtb = region.getRouteTable(rng.pick(net.rtbsByVpc.get(vpcId)!));
        const igw = net.igwByVpc.get(vpcId);
        if (rtb.routes.some((r) => r.destinationCidrBlock === '0.0.0.0/0')) attempt(net, `mutate: delete ${rtb.id} 0.0.0.0/0`, () => region.deleteRoute(rtb.id, { destinationCidrBlock: '0.0.0.0/0' }));
        else if (igw) attempt(net, `mutate: route ${rtb.id} 0.0.0.0/0 igw`, () => region.createRoute(rtb.id, { destinationCidrBlock: '0.0.0.0/0', target: { kind: 'igw', gatewayId: igw } }));
        break;
      }
      case 'prefix-list': {
        if (!net.prefixLists.length) break;
        const pl = region.getPrefixList(net.prefixLists[0]);
        const c = randomCidr4(rng, net);
        const cidr = block4(v4(c.split('/')[0]), Number(c.split('/')[1]));
        attempt(net, `mutate: prefix list + ${cidr}`, () => region.modifyManagedPrefixList(pl.id, { addEntries: [{ cidr }] }));
        break;
      }
      case 'acl-assoc': {
        const vpcId = rng.pick(net.vpcIds);
        const subnets = net.subnetsByVpc.get(vpcId)!;
        if (!subnets.length) break;
        const acl = rng.pick([...net.aclsByVpc.get(vpcId)!, region.defaultNetworkAcl(vpcId).id]);
        const s = rng.pick(subnets);
        attempt(net, `mutate: associate ${acl} ${s}`, () => region.associateSubnetNetworkAcl(s, acl));
        break;
      }
      case 'delete-eni': {
        const enis = enisOf(net);
        if (enis.length <= 2) break;
        const eni = rng.pick(enis);
        attempt(net, `mutate: delete ${eni.id}`, () => region.deleteNetworkInterface(eni.id));
        break;
      }
    }
  }
  collectEdges(net);
}

// ------------------------------------------------------------------------------------------- random packets

export interface Trial {
  from: Endpoint;
  pkt: Packet;
}

export function randomInternet4(rng: Rng, net: Net): number {
  return rng.weighted<() => number>([
    [4, () => {
      const c = parseCidr(rng.pick(INTERNET_POOLS4));
      return (c.first as number) + rng.int(0, (c.last as number) - (c.first as number));
    }],
    [4, () => rng.pick(net.edges4)],
    [1, () => rng.u32()],
  ])();
}

export function randomInternet6(rng: Rng, net: Net): bigint {
  return rng.weighted<() => bigint>([
    [4, () => {
      const c = parseCidr(rng.pick(INTERNET_POOLS6));
      return (c.first as bigint) + (rng.big128() % ((c.last as bigint) - (c.first as bigint) + 1n));
    }],
    [net.edges6.length ? 4 : 0, () => rng.pick(net.edges6)],
    [1, () => rng.big128()],
  ])();
}

export function randomDst4(rng: Rng, net: Net, srcVpc: string | undefined): number {
  const enis = enisOf(net);
  const pub = enis.filter((e) => publicOf(e).length);
  return rng.weighted<() => number>([
    [10, () => rng.pick(v4Of(rng.pick(enis)))],
    [pub.length ? 6 : 0, () => rng.pick(publicOf(rng.pick(pub)))],
    [3, () => randomInternet4(rng, net)],
    [2, () => rng.pick(net.edges4)],
    [srcVpc ? 1 : 0, () => {
      // Amazon services: VPC DNS (base + 2), a subnet router (base + 1), link-local metadata
      const vpc = net.region.getVpc(srcVpc!);
      const subnets = net.subnetsByVpc.get(srcVpc!)!;
      return rng.pick([
        (parseCidr(vpc.cidrBlocks[0].cidrBlock).first as number) + 2,
        v4('169.254.169.254'),
        v4('169.254.169.253'),
        ...(subnets.length ? [(parseCidr(net.region.getSubnet(rng.pick(subnets)).cidrBlock).first as number) + 1] : []),
      ]);
    }],
    [1, () => {
      // an unused private address of some VPC
      const vpc = net.region.getVpc(rng.pick(net.vpcIds));
      return (parseCidr(vpc.cidrBlocks[0].cidrBlock).first as number) + rng.int(0, 65535);
    }],
  ])();
}

export function randomDst6(rng: Rng, net: Net): bigint {
  const withV6 = enisOf(net).filter((e) => e.ipv6Addresses.length);
  return rng.weighted<() => bigint>([
    [withV6.length ? 10 : 0, () => rng.pick(v6Of(rng.pick(withV6)))],
    [3, () => randomInternet6(rng, net)],
    [1, () => rng.pick([v6('fd00:ec2::254'), v6('fd00:ec2::253'), v6('fd00:ec2::123')])],
    [net.v6Vpcs.size ? 1 : 0, () => v6(net.region.getVpc(rng.pick([...net.v6Vpcs])).ipv6CidrBlocks[0].ipv6CidrBlock.split('/')[0]) + BigInt(rng.int(0, 1 << 20))],
  ])();
}

export function randomPort(rng: Rng, net: Net): number {
  return rng.weighted<() => number>([
    [6, () => rng.pick(INTERESTING_PORTS)],
    [net.portEdges.length ? 4 : 0, () => rng.pick(net.portEdges)],
    [2, () => rng.int(0, 65535)],
  ])();
}

export function randomTrial(rng: Rng, net: Net): Trial {
  const enis = enisOf(net);
  const v6Enis = enis.filter((e) => e.ipv6Addresses.length);
  const fromInternet = rng.chance(0.22);
  let from: Endpoint;
  let family: Family;
  let src: number | bigint;
  let dst: number | bigint;
  if (fromInternet) {
    from = { kind: 'internet' };
    family = v6Enis.length && rng.chance(0.25) ? 6 : 4;
    src = family === 4 ? randomInternet4(rng, net) : randomInternet6(rng, net);
    if (family === 4) {
      const pub = enis.filter((e) => publicOf(e).length);
      dst = pub.length && rng.chance(0.85) ? rng.pick(publicOf(rng.pick(pub))) : randomDst4(rng, net, undefined);
    } else dst = rng.chance(0.85) ? rng.pick(v6Of(rng.pick(v6Enis))) : randomDst6(rng, net);
  } else {
    const eni = rng.pick(enis);
    from = { kind: 'eni', networkInterfaceId: eni.id };
    family = eni.ipv6Addresses.length && rng.chance(0.25) ? 6 : 4;
    src = family === 4 ? rng.pick(v4Of(eni)) : rng.pick(v6Of(eni));
    dst = family === 4 ? randomDst4(rng, net, eni.vpcId) : randomDst6(rng, net);
  }
  const protocol = family === 4
    ? rng.weighted<number>([[35, 6], [22, 17], [18, 1], [12, 47], [3, 50], [2, 58], [2, 132]])
    : rng.weighted<number>([[35, 6], [20, 17], [18, 58], [10, 47], [3, 1], [3, 50]]);
  const pkt: Packet = { family, src, dst, protocol, srcPort: 0, dstPort: 0 };
  if (protocol === 6 || protocol === 17) {
    pkt.srcPort = rng.chance(0.7) ? rng.pick(CLIENT_PORTS) : randomPort(rng, net);
    pkt.dstPort = randomPort(rng, net);
    if (protocol === 6) pkt.tcpFlags = 2;
  } else if (protocol === 1 || protocol === 58) {
    pkt.icmpType = rng.chance(0.8) ? rng.pick(protocol === 1 ? ICMP_TYPES4 : ICMP_TYPES6) : rng.int(0, 255);
    pkt.icmpCode = rng.chance(0.7) ? 0 : rng.pick([1, 3, 4, rng.int(0, 255)]);
  }
  return { from, pkt };
}
