// The compiled evaluators (per group set and per ACL: address atoms -> port sets) and the rule-by-rule ones
// used for traces must decide every packet alike. Hand-made networks, then a seeded random property test:
// random groups, rules, prefix lists and NACL entries over a small address space, with the engine kept alive
// across random changes so that its incremental recompilation is checked too (against the traced path and
// against a fresh engine).
import { describe, expect, it } from 'vitest';
import { Engine, type Delivery } from '../../src/engine/engine.js';
import { firstMatchingEntry, verdictAllows, verdictRule } from '../../src/engine/nacl.js';
import { formatPacket, type Packet } from '../../src/engine/packet.js';
import { matchingRules, SG_ALLOW_UNTRACKED, SG_DENY, untrackedByRules } from '../../src/engine/policy.js';
import type { NetworkAclEntry } from '../../src/model/types.js';
import type { IpPermissionInput } from '../../src/state/permissions.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tryParseIp } from '../../src/net/index.js';
import { build, codes, endpoint, groupId, rng, type Net } from './helpers.js';

type Rng = ReturnType<typeof rng>;

function summary(d: Delivery): string {
  return `${d.allowed ? 'ALLOW' : 'DENY'} [${codes(d).join(',')}] → ${d.to ? (d.to.kind === 'eni' ? d.to.networkInterfaceId : d.to.kind === 'aws-service' ? d.to.name : 'internet') : '-'}`;
}

/** Every way the two evaluators could disagree on one packet sent from `from`, as readable lines. */
function disagreements(n: Net, from: string, p: Packet, fresh?: Engine): string[] {
  const out: string[] = [];
  const ep = endpoint(n, from);
  const fast = n.engine.send(ep, p, { commit: false });
  const slow = n.engine.send(ep, p, { commit: false, trace: true });
  if (summary(fast) !== summary(slow)) out.push(`${from} ${formatPacket(p)}: compiled ${summary(fast)} vs traced ${summary(slow)}`);
  if (fresh) {
    const f = fresh.send(ep, p, { commit: false });
    if (summary(f) !== summary(fast)) out.push(`${from} ${formatPacket(p)}: live engine ${summary(fast)} vs fresh engine ${summary(f)}`);
  }
  // each interface's security groups in both directions, and each subnet's ACL in both directions
  for (const eni of n.region.networkInterfaces.values()) {
    for (const egress of [false, true]) {
      const v = n.engine.groupSet(eni.groups).decide(egress, p);
      const rules = matchingRules(n.region, eni.groups, egress, p);
      const traced = rules.length === 0 ? 'deny' : untrackedByRules(n.region, eni.groups, egress, p, rules) ? 'untracked' : 'tracked';
      const compiled = v === SG_DENY ? 'deny' : v === SG_ALLOW_UNTRACKED ? 'untracked' : 'tracked';
      if (traced !== compiled) out.push(`${eni.id} [${eni.groups.join(',')}] ${egress ? 'egress' : 'ingress'} ${formatPacket(p)}: compiled ${compiled} vs rules ${traced}`);
    }
  }
  for (const subnet of n.region.subnets.values()) {
    const compiled = n.engine.networkAcl(subnet.id);
    const acl = n.region.subnetNetworkAcl(subnet.id);
    if (compiled.acl !== acl) out.push(`${subnet.id}: compiled ACL ${compiled.acl.id} is not the associated ${acl.id}`);
    for (const egress of [false, true]) {
      const v = compiled.decide(egress, p);
      const e = firstMatchingEntry(acl, egress, p);
      const a = `${verdictAllows(v) ? 'allow' : 'deny'}#${verdictRule(v)}`;
      const b = `${e?.ruleAction === 'allow' ? 'allow' : 'deny'}#${e?.ruleNumber ?? 0}`;
      if (a !== b) out.push(`${acl.id} ${egress ? 'out' : 'in'} ${formatPacket(p)}: compiled ${a} vs first match ${b}`);
    }
  }
  return out;
}

/** Interesting ports and ICMP type/codes plus random ones. */
const PORTS = [0, 1, 22, 23, 53, 79, 80, 81, 443, 1023, 1024, 5432, 32767, 32768, 40000, 49152, 61000, 61001, 65535];
const port = (r: Rng) => (r.chance(0.8) ? r.pick(PORTS) : r.int(0, 65535));

function randomPacket(r: Rng, family: 4 | 6, src: number | bigint, dst: number | bigint): Packet {
  const protocol = family === 4 ? r.pick([6, 6, 6, 17, 17, 1, 47, 50]) : r.pick([6, 6, 17, 58, 47]);
  const ported = protocol === PROTO_TCP || protocol === PROTO_UDP;
  const p: Packet = { family, src, dst, protocol, srcPort: ported ? port(r) : 0, dstPort: ported ? port(r) : 0 };
  if (protocol === PROTO_TCP) p.tcpFlags = r.pick([2, 16, 18]);
  if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
    p.icmpType = r.pick(protocol === PROTO_ICMP ? [0, 3, 8, 11, r.int(0, 255)] : [1, 2, 128, 129, r.int(0, 255)]);
    p.icmpCode = r.pick([0, 0, 1, 4, r.int(0, 255)]);
  }
  return p;
}

/** Every packet between the named endpoints of a network, over a grid of protocols and ports. */
function gridDisagreements(n: Net, extraDestinations: string[] = []): { checked: number; bad: string[] } {
  const bad: string[] = [];
  let checked = 0;
  const names = [...n.names.endpoints.keys()];
  const addrs: { family: 4 | 6; value: number | bigint }[] = [];
  for (const name of names) {
    for (const id of n.names.endpoints.get(name)!) {
      const e = n.region.getNetworkInterface(id);
      for (const a of e.privateIpAddresses) {
        addrs.push({ family: 4, value: parseIpv4(a.privateIpAddress) });
        if (a.association) addrs.push({ family: 4, value: parseIpv4(a.association.publicIp) });
      }
      for (const a of e.ipv6Addresses) addrs.push({ family: 6, value: parseIpv6(a) });
    }
  }
  for (const x of extraDestinations) {
    const ip = tryParseIp(x)!;
    addrs.push({ family: ip.family, value: ip.value });
  }
  const probes: [number, number, number | undefined][] = [
    [6, 22, undefined], [6, 80, undefined], [6, 443, undefined], [6, 5432, undefined], [6, 40000, undefined],
    [17, 53, undefined], [17, 33000, undefined], [1, 0, 8], [1, 0, 3], [58, 0, 128], [47, 0, undefined],
  ];
  for (const from of names) {
    const e = n.region.getNetworkInterface(n.names.endpoints.get(from)![0]);
    const srcs = [
      ...e.privateIpAddresses.map((a) => ({ family: 4 as const, value: parseIpv4(a.privateIpAddress) })),
      ...e.ipv6Addresses.map((a) => ({ family: 6 as const, value: parseIpv6(a) })),
    ];
    for (const src of srcs) {
      for (const dst of addrs) {
        if (dst.family !== src.family) continue;
        for (const [protocol, dstPort, icmpType] of probes) {
          if ((protocol === 1 && src.family === 6) || (protocol === 58 && src.family === 4)) continue;
          const ported = protocol === 6 || protocol === 17;
          const p: Packet = { family: src.family, src: src.value, dst: dst.value, protocol, srcPort: ported ? 40000 : 0, dstPort, ...(icmpType !== undefined ? { icmpType, icmpCode: 4 } : {}) };
          bad.push(...disagreements(n, from, p));
          checked++;
        }
      }
    }
    // and from the internet to every address
    for (const dst of addrs) {
      const p: Packet = { family: dst.family, src: dst.family === 4 ? parseIpv4('198.51.100.7') : parseIpv6('2001:db8:ffff::7'), dst: dst.value, protocol: 6, srcPort: 50000, dstPort: 80 };
      bad.push(...disagreements(n, 'internet', p));
      checked++;
    }
  }
  return { checked, bad };
}

describe('compiled and traced (rule-by-rule) evaluation agree on hand-made networks', () => {
  it('the web/database example with references, public IPs, IPv6, a NACL with a return-path hole and a peering', () => {
    const n = build(`
prefixLists:
  office: { entries: [203.0.113.0/24, 10.0.1.16/28] }
vpcs:
  prod:
    cidr: 10.0.0.0/16
    ipv6: 2600:1f18:aaaa:bb00::/56
    internetGateway: true
    subnets:
      public:  { cidr: 10.0.1.0/24, ipv6Cidr: 2600:1f18:aaaa:bb01::/64, routeTable: public }
      private: { cidr: 10.0.2.0/24, ipv6Cidr: 2600:1f18:aaaa:bb02::/64, networkAcl: private, routeTable: private }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
          - { destination: "::/0", target: igw }
          - { destination: 10.1.0.0/16, target: peering:link }
      private:
        routes:
          - { destination: 10.1.0.0/16, target: peering:link }
    networkAcls:
      private:
        inbound:
          - { rule: 90, protocol: tcp, ports: 5432, cidr: 10.0.1.12/32, action: deny }
          - { rule: 100, protocol: tcp, ports: 5432, cidr: 10.0.0.0/16, action: allow }
          - { rule: 110, protocol: icmp, type: 3, code: 4, cidr: 0.0.0.0/0, action: allow }
          - { rule: 120, protocol: tcp, ports: 32768-61000, cidr: 0.0.0.0/0, action: allow }
          - { rule: 130, protocol: all, cidr: "2600:1f18:aaaa:bb00::/56", action: allow }
          - { rule: 140, protocol: 47, cidr: 10.1.0.0/16, action: allow }
        outbound:
          - { rule: 100, protocol: tcp, ports: 1024-40000, cidr: 10.0.0.0/16, action: allow }
          - { rule: 110, protocol: udp, ports: 53, cidr: 0.0.0.0/0, action: allow }
          - { rule: 120, protocol: all, cidr: 10.1.0.0/16, action: allow }
    securityGroups:
      web:
        inbound:
          - { protocol: tcp, ports: 80, from: [0.0.0.0/0, "::/0"] }
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 22, from: pl:office }
          - { protocol: icmp, type: 8, from: 10.0.0.0/8 }
          - { protocol: icmpv6, from: "::/0" }
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: web }
          - { protocol: tcp, ports: 5432, from: shared/app }
          - { protocol: all, from: db }
          - { protocol: 47, from: 10.1.0.0/16 }
        outbound:
          - { protocol: tcp, ports: 0-65535, to: 0.0.0.0/0 }
          - { protocol: udp, ports: 53, to: 0.0.0.0/0 }
  shared:
    cidr: 10.1.0.0/16
    subnets:
      s: { cidr: 10.1.1.0/24, routeTable: back }
    routeTables:
      back:
        routes:
          - { destination: 10.0.0.0/16, target: peering:link }
    securityGroups:
      app:
        inbound:
          - { protocol: all, from: prod/web }
peerings:
  link: { requester: prod, accepter: shared }
instances:
  web:   { subnet: public, groups: [web], privateIp: 10.0.1.10, publicIp: true, ipv6: true, secondaryIps: 1 }
  web2:  { subnet: public, groups: [web, db], privateIp: 10.0.1.12, elasticIp: true }
  admin: { subnet: public, groups: [prod/default], privateIp: 10.0.1.20 }
  db:    { subnet: private, groups: [db], privateIp: 10.0.2.20, ipv6: true }
  db2:   { subnet: private, groups: [db, prod/default], privateIp: 10.0.2.21 }
  app:   { subnet: s, groups: [app], privateIp: 10.1.1.10 }
`);
    const { checked, bad } = gridDisagreements(n, ['8.8.8.8', '2001:db8::1', '10.0.2.99', '169.254.169.254', '10.0.0.2']);
    expect(checked).toBeGreaterThan(1000);
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('the connection-tracking network: untracked, tracked and always-tracked interfaces', () => {
    const n = build(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      front: { cidr: 10.0.1.0/24 }
      back:  { cidr: 10.0.2.0/24, networkAcl: guard }
    networkAcls:
      guard:
        inbound:
          - { rule: 100, protocol: tcp, ports: 0-1023, cidr: 0.0.0.0/0, action: allow }
          - { rule: 200, protocol: udp, ports: 53, cidr: 10.0.1.0/24, action: allow }
        outbound:
          - { rule: 50, protocol: tcp, ports: 32768-61000, cidr: 10.0.1.10/32, action: deny }
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
    securityGroups:
      client: {}
      web:
        inbound:
          - { protocol: tcp, ports: 80, from: 0.0.0.0/0 }
          - { protocol: udp, ports: 0-65535, from: 0.0.0.0/0 }
        outbound:
          - { protocol: udp, ports: 0-65535, to: 0.0.0.0/0 }
          - { protocol: tcp, ports: 1024-65535, to: 0.0.0.0/0 }
      ssh:
        inbound:
          - { protocol: tcp, ports: 22, from: 10.0.1.10/32 }
instances:
  client: { subnet: front, groups: [client], privateIp: 10.0.1.10 }
  client2: { subnet: front, groups: [client], privateIp: 10.0.1.11 }
  web:    { subnet: back, groups: [web], privateIp: 10.0.2.20 }
  ssh:    { subnet: back, groups: [ssh, web], privateIp: 10.0.2.21 }
resources:
  lb: { type: nlb, subnets: [back], groups: [web], privateIps: [10.0.2.50] }
`);
    const { checked, bad } = gridDisagreements(n);
    expect(checked).toBeGreaterThan(200);
    expect(bad.slice(0, 10)).toEqual([]);
  });
});

// ------------------------------------------------------------------ random networks

const V6_BASE = parseIpv6('2600:1f18:aaaa:bb00::');
const GROUPS = ['g0', 'g1', 'g2', 'g3'];
const SUBNETS = [1, 2, 3];

function maskV4(v: number, prefix: number): number {
  return prefix === 0 ? 0 : (v & (~0 << (32 - prefix))) >>> 0;
}
function maskV6(v: bigint, prefix: number): bigint {
  const m = prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
  return v & m;
}

class RandomNetwork {
  readonly n: Net;
  private readonly v4: number[] = [];
  private readonly v6: bigint[] = [];

  constructor(private readonly r: Rng) {
    const acls = ['default', 'n1', 'n2'];
    const inst: string[] = [];
    for (let i = 0; i < 9; i++) {
      const s = r.pick(SUBNETS);
      const groups = GROUPS.filter(() => r.chance(0.35));
      if (groups.length === 0 || r.chance(0.15)) groups.push('v/default');
      inst.push(`  i${i}: { subnet: s${s}, groups: [${[...new Set(groups)].join(', ')}], privateIp: 10.0.${s}.${10 + i}` +
        `${r.chance(0.5) ? ', ipv6: true' : ''}${r.chance(0.3) ? ', secondaryIps: 1' : ''}${r.chance(0.3) ? ', publicIp: true' : ''} }`);
    }
    const yaml = `
prefixLists:
  office: { maxEntries: 6, entries: [10.0.1.16/28, 10.0.3.0/25, 198.51.100.0/24] }
vpcs:
  v:
    cidr: 10.0.0.0/16
    ipv6: 2600:1f18:aaaa:bb00::/56
    internetGateway: true
    subnets:
${SUBNETS.map((s) => `      s${s}: { cidr: 10.0.${s}.0/24, ipv6Cidr: 2600:1f18:aaaa:bb0${s}::/64, networkAcl: ${r.pick(acls)}${r.chance(0.6) ? ', routeTable: out' : ''} }`).join('\n')}
    routeTables:
      out:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
          - { destination: "::/0", target: igw }
    networkAcls:
      n1: {}
      n2: {}
    securityGroups:
${GROUPS.map((g) => `      ${g}: {}`).join('\n')}
instances:
${inst.join('\n')}
`;
    this.n = build(yaml, 'random.yaml');
    this.refreshAddresses();
    for (const g of [...GROUPS, 'v/default']) {
      if (g !== 'v/default' && r.chance(0.3)) {
        const gid = groupId(this.n, g);
        this.n.region.revoke(gid, true, { ruleIds: this.n.region.groupRules(gid, true).map((x) => x.id) });
      }
      for (let k = r.int(0, 7); k > 0; k--) this.authorizeRandom(g);
    }
    for (const acl of ['v/default', 'v/n1', 'v/n2']) for (let k = r.int(0, 8); k > 0; k--) this.naclEntryRandom(acl);
  }

  private refreshAddresses(): void {
    this.v4.length = 0;
    this.v6.length = 0;
    for (const e of this.n.region.networkInterfaces.values()) {
      for (const a of e.privateIpAddresses) {
        this.v4.push(parseIpv4(a.privateIpAddress));
        if (a.association) this.v4.push(parseIpv4(a.association.publicIp));
      }
      for (const a of e.ipv6Addresses) this.v6.push(parseIpv6(a));
    }
  }

  private cidr4(): string {
    const r = this.r;
    if (r.chance(0.12)) return '0.0.0.0/0';
    const base = r.chance(0.6) ? r.pick(this.v4) : parseIpv4(`10.0.${r.int(0, 4)}.${r.int(0, 255)}`);
    const prefix = r.pick([8, 16, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 32]);
    return `${formatIpv4(maskV4(base, prefix))}/${prefix}`;
  }

  private cidr6(): string {
    const r = this.r;
    if (r.chance(0.15)) return '::/0';
    const base = r.chance(0.6) && this.v6.length ? r.pick(this.v6) : V6_BASE + (BigInt(r.int(1, 3)) << 64n) + BigInt(r.int(0, 1 << 20));
    const prefix = r.pick([32, 48, 56, 60, 64, 64, 96, 120, 126, 128, 128]);
    return `${formatIpv6(maskV6(base, prefix))}/${prefix}`;
  }

  private ports(): [number, number] {
    const lo = port(this.r);
    return this.r.chance(0.4) ? [lo, lo] : this.r.chance(0.2) ? [0, 65535] : [lo, Math.min(65535, lo + this.r.pick([1, 10, 1000, 30000, 65535]))];
  }

  authorizeRandom(group: string): void {
    const r = this.r;
    const proto = r.pick(['tcp', 'tcp', 'udp', 'icmp', 'icmpv6', '-1', '-1', '47', '6', '17']);
    const perm: IpPermissionInput = { ipProtocol: proto };
    if (proto === 'tcp' || proto === 'udp' || proto === '6' || proto === '17') [perm.fromPort, perm.toPort] = this.ports();
    else if (proto === 'icmp' || proto === 'icmpv6') {
      const type = r.pick([-1, 0, 3, 8, 11, 128, 129]);
      perm.fromPort = type;
      perm.toPort = type === -1 ? -1 : r.pick([-1, 0, 4]);
    } else if (r.chance(0.5)) [perm.fromPort, perm.toPort] = [r.int(0, 100), r.int(100, 200)];
    const kind = r.pick(['v4', 'v4', 'v6', 'group', 'group', 'pl']);
    if (kind === 'v4') perm.ipRanges = [{ cidrIp: this.cidr4() }];
    else if (kind === 'v6') perm.ipv6Ranges = [{ cidrIpv6: this.cidr6() }];
    else if (kind === 'group') perm.userIdGroupPairs = [{ groupId: groupId(this.n, r.pick([...GROUPS, 'v/default'])) }];
    else perm.prefixListIds = [{ prefixListId: this.n.names.prefixLists.get('office')! }];
    try {
      this.n.region.authorize(groupId(this.n, group), r.chance(0.4), [perm]);
    } catch {
      // duplicates and combinations AWS refuses are simply skipped
    }
  }

  naclEntryRandom(acl: string): void {
    const r = this.r;
    const protocol = r.pick([6, 6, 17, 1, 58, -1, -1, 47]);
    const e: NetworkAclEntry = {
      ruleNumber: r.int(1, 40) * 5, egress: r.chance(0.5), protocol, ruleAction: r.chance(0.5) ? 'allow' : 'deny',
      ...(r.chance(0.7) ? { cidrBlock: this.cidr4() } : { ipv6CidrBlock: this.cidr6() }),
    };
    if (protocol === 6 || protocol === 17) {
      const [from, to] = this.ports();
      e.portRange = { from, to };
    } else if (protocol === 1 || protocol === 58) {
      const type = r.pick([-1, 0, 3, 8, 128]);
      e.icmpTypeCode = { type, code: type === -1 ? -1 : r.pick([-1, 0, 4]) };
    }
    const id = this.n.names.networkAcls.get(acl)!;
    try {
      this.n.region.createNetworkAclEntry(id, e);
    } catch {
      try {
        this.n.region.replaceNetworkAclEntry(id, e);
      } catch {
        // over quota: skip
      }
    }
  }

  /** One random change of the kinds that must recompile exactly what they affect. */
  mutate(): string {
    const r = this.r;
    const region = this.n.region;
    const enis = [...region.networkInterfaces.values()];
    switch (r.int(0, 8)) {
      case 0:
      case 1:
        this.authorizeRandom(r.pick([...GROUPS, 'v/default']));
        return 'authorize';
      case 2: {
        const gid = groupId(this.n, r.pick([...GROUPS, 'v/default']));
        const egress = r.chance(0.5);
        const rules = region.groupRules(gid, egress);
        if (rules.length) region.revoke(gid, egress, { ruleIds: [r.pick(rules).id] });
        return 'revoke';
      }
      case 3:
        this.naclEntryRandom(r.pick(['v/default', 'v/n1', 'v/n2']));
        return 'nacl entry';
      case 4: {
        const acl = region.getNetworkAcl(this.n.names.networkAcls.get(r.pick(['v/default', 'v/n1', 'v/n2']))!);
        const numbered = acl.entries.filter((e) => e.ruleNumber <= 32766);
        if (numbered.length) {
          const e = r.pick(numbered);
          region.deleteNetworkAclEntry(acl.id, e.ruleNumber, e.egress);
        }
        return 'delete nacl entry';
      }
      case 5: {
        const eni = r.pick(enis);
        const groups = [...GROUPS, 'v/default'].filter(() => r.chance(0.35)).map((g) => groupId(this.n, g));
        region.modifyNetworkInterfaceAttribute(eni.id, { groups: groups.length ? groups : [groupId(this.n, 'v/default')] });
        return 'modify groups';
      }
      case 6: {
        try {
          region.assignPrivateIpAddresses(r.pick(enis).id, { secondaryPrivateIpAddressCount: 1 });
        } catch {
          // address limit of the instance type: skip
        }
        this.refreshAddresses();
        return 'assign private ip';
      }
      case 7: {
        const subnet = this.n.names.subnets.get(`s${r.pick(SUBNETS)}`)!;
        const acl = this.n.names.networkAcls.get(r.pick(['v/default', 'v/n1', 'v/n2']))!;
        if (region.subnetNetworkAcl(subnet).id !== acl) region.associateSubnetNetworkAcl(subnet, acl);
        return 'associate nacl';
      }
      default: {
        const pl = region.getPrefixList(this.n.names.prefixLists.get('office')!);
        if (pl.entries.length > 1 && r.chance(0.5)) region.modifyManagedPrefixList(pl.id, { removeEntries: [{ cidr: r.pick(pl.entries).cidr }] });
        else if (pl.entries.length < pl.maxEntries) {
          try {
            region.modifyManagedPrefixList(pl.id, { addEntries: [{ cidr: this.cidr4() }] });
          } catch {
            // duplicate entry: skip
          }
        }
        return 'prefix list';
      }
    }
  }

  /** A random packet from an interface (to another interface's address, a nearby address, the internet or a service) or from the internet. */
  packet(): { from: string; p: Packet } {
    const r = this.r;
    const names = [...this.n.names.endpoints.keys()];
    if (r.chance(0.12)) {
      const family = r.chance(0.7) && this.v4.length ? 4 : 6;
      const dst = family === 4 ? r.pick(this.v4) : this.v6.length ? r.pick(this.v6) : V6_BASE;
      const src = family === 4 ? parseIpv4(`198.51.100.${r.int(1, 254)}`) : parseIpv6(`2001:db8::${r.int(1, 999)}`);
      return { from: 'internet', p: randomPacket(r, family, src, dst) };
    }
    const from = r.pick(names);
    const eni = this.n.region.getNetworkInterface(this.n.names.endpoints.get(from)![0]);
    const family = eni.ipv6Addresses.length && r.chance(0.3) ? 6 : 4;
    const src = family === 4 ? parseIpv4(r.pick(eni.privateIpAddresses).privateIpAddress) : parseIpv6(r.pick(eni.ipv6Addresses));
    let dst: number | bigint;
    if (family === 4) {
      const k = r.next();
      dst = k < 0.7 ? r.pick(this.v4) : k < 0.85 ? parseIpv4(`10.0.${r.int(0, 4)}.${r.int(0, 255)}`) : k < 0.95 ? parseIpv4(r.pick(['8.8.8.8', '198.51.100.9', '203.0.113.5'])) : parseIpv4(r.pick(['169.254.169.254', '10.0.0.2']));
    } else {
      dst = r.chance(0.8) && this.v6.length ? r.pick(this.v6) : r.chance(0.5) ? parseIpv6('2001:db8::77') : V6_BASE + (2n << 64n) + 5n;
    }
    return { from, p: randomPacket(r, family, src, dst) };
  }
}

describe('compiled and traced evaluation agree on random networks (seeded property test)', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
  const ROUNDS = 6;
  const PER_ROUND = 60;

  for (const seed of SEEDS) {
    it(`seed ${seed}: ${ROUNDS} rounds × ${PER_ROUND} packets, with random changes between rounds`, () => {
      let checked = 0;
      const bad: string[] = [];
      const r = rng(seed);
      const net = new RandomNetwork(r);
      const log: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const fresh = new Engine(net.n.region);
        for (let i = 0; i < PER_ROUND; i++) {
          const { from, p } = net.packet();
          const d = disagreements(net.n, from, p, fresh);
          if (d.length) bad.push(...d.map((x) => `round ${round} (after ${log.join(', ') || 'nothing'}): ${x}`));
          checked++;
        }
        fresh.dispose();
        for (let k = r.int(1, 3); k > 0; k--) log.push(net.mutate());
      }
      expect(checked).toBe(ROUNDS * PER_ROUND);
      expect(bad.slice(0, 8)).toEqual([]);
    });
  }

  it('covers at least 2,000 random packets in all', () => {
    expect(SEEDS.length * ROUNDS * PER_ROUND).toBeGreaterThanOrEqual(2000);
  });
});
