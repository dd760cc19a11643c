// Security group evaluation. AWS (Amazon VPC User Guide, "Security group rules"): all groups of an ENI form
// one union of allow rules; a packet passes when any rule of its direction matches protocol, port and peer.
// Two evaluators share one definition of "a rule matches": a compiled one (per set of groups, per
// direction/family/protocol an atom table address -> allowed ports) for speed, and a rule-by-rule one that
// names the rules, for explanations.
import { icmpKey, NumberSet, parseCidr, PROTO_ALL, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tryParseIp, type Family, type Range } from '../net/index.js';
import type { SecurityGroupRule } from '../model/types.js';
import type { Region } from '../state/region.js';
import { matchPort, type Packet } from './packet.js';
import { buildTable4, buildTable6, Interner, lookup4, lookup6, PortMatcher, type Item, type Table4, type Table6 } from './tables.js';

export interface PeerAddresses {
  v4: Range<number>[];
  v6: Range<bigint>[];
}

/**
 * The addresses a rule's peer stands for. A group reference matches the private IPv4 and IPv6 addresses of the
 * ENIs that have the group (never their public or Elastic IPs), and only while the group is reachable: in the
 * same VPC, or in a VPC joined by an active peering (VPC Peering Guide, "Reference peer security groups").
 */
export function peerAddresses(region: Region, rule: SecurityGroupRule): PeerAddresses {
  const out: PeerAddresses = { v4: [], v6: [] };
  const peer = rule.peer;
  switch (peer.kind) {
    case 'cidr4':
    case 'cidr6': {
      const c = parseCidr(peer.cidr);
      if (c.family === 4) out.v4.push({ lo: c.first, hi: c.last });
      else out.v6.push({ lo: c.first, hi: c.last });
      break;
    }
    case 'prefixList': {
      const pl = region.prefixLists.get(peer.prefixListId);
      for (const e of pl?.entries ?? []) {
        const c = parseCidr(e.cidr);
        if (c.family === 4) out.v4.push({ lo: c.first, hi: c.last });
        else out.v6.push({ lo: c.first, hi: c.last });
      }
      break;
    }
    case 'group': {
      if (!groupReferenceLive(region, rule)) break;
      for (const eniId of region.groupMembers(peer.groupId)) {
        const eni = region.networkInterfaces.get(eniId);
        if (!eni) continue;
        for (const p of eni.privateIpAddresses) {
          const ip = tryParseIp(p.privateIpAddress);
          if (ip?.family === 4) out.v4.push({ lo: ip.value, hi: ip.value });
        }
        for (const a of eni.ipv6Addresses) {
          const ip = tryParseIp(a);
          if (ip?.family === 6) out.v6.push({ lo: ip.value, hi: ip.value });
        }
      }
      break;
    }
  }
  return out;
}

/** A group reference counts while its group exists and sits in the same VPC or across an active peering. */
export function groupReferenceLive(region: Region, rule: SecurityGroupRule): boolean {
  if (rule.peer.kind !== 'group') return false;
  const target = region.securityGroups.get(rule.peer.groupId);
  const owner = region.securityGroups.get(rule.groupId);
  if (!target || !owner) return false;
  return target.vpcId === owner.vpcId || region.activePeeringBetween(owner.vpcId, target.vpcId) !== undefined;
}

/** The ports (or ICMP keys) a rule opens for a protocol, or undefined when the rule is for another protocol. */
export function rulePorts(rule: SecurityGroupRule, protocol: number): NumberSet | undefined {
  if (rule.protocol === PROTO_ALL) return ALL_SET;
  if (rule.protocol !== protocol) return undefined;
  if (protocol === PROTO_TCP || protocol === PROTO_UDP) return NumberSet.range(rule.fromPort, rule.toPort);
  if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
    if (rule.fromPort === -1) return ALL_SET;
    if (rule.toPort === -1) return NumberSet.range(icmpKey(rule.fromPort, 0), icmpKey(rule.fromPort, 255));
    return NumberSet.range(icmpKey(rule.fromPort, rule.toPort), icmpKey(rule.fromPort, rule.toPort));
  }
  // every other protocol ignores ports
  return ALL_SET;
}

const ALL_SET = NumberSet.range(0, 65535);

function isWorldPeer(rule: SecurityGroupRule, family: Family): boolean {
  return (family === 4 && rule.peer.kind === 'cidr4' && rule.peer.cidr === '0.0.0.0/0') ||
    (family === 6 && rule.peer.kind === 'cidr6' && rule.peer.cidr === '::/0');
}

/** Rule-by-rule: every rule of the groups, in the given direction, that matches the packet. */
export function matchingRules(
  region: Region,
  groupIds: readonly string[],
  egress: boolean,
  pkt: Packet,
  opts: { ignoreGroupReferences?: boolean } = {},
): SecurityGroupRule[] {
  const peerAddr = egress ? pkt.dst : pkt.src;
  const port = matchPort(pkt);
  const out: SecurityGroupRule[] = [];
  for (const gid of groupIds) {
    const g = region.securityGroups.get(gid);
    if (!g) continue;
    for (const rid of egress ? g.egress : g.ingress) {
      const rule = region.securityGroupRules.get(rid)!;
      const ports = rulePorts(rule, pkt.protocol);
      if (!ports || !ports.has(port)) continue;
      if (opts.ignoreGroupReferences && rule.peer.kind === 'group') continue;
      const addrs = peerAddresses(region, rule);
      const ranges: Range<number | bigint>[] = pkt.family === 4 ? addrs.v4 : addrs.v6;
      if (ranges.some((r) => peerAddr >= r.lo && peerAddr <= r.hi)) out.push(rule);
    }
  }
  return out;
}

/**
 * AWS (Amazon EC2 User Guide, "Untracked connections"): a TCP or UDP flow is not tracked when a rule with
 * peer 0.0.0.0/0 (::/0) allows it and the opposite direction has a rule allowing all traffic to/from
 * 0.0.0.0/0 (::/0) on all ports. rampart reads "all ports" as protocol -1, or the same protocol with 0–65535.
 * When several rules allow a flow and one of them is world-open, the flow counts as untracked (AWS does not
 * say; the world-open rule alone would admit it, so it is the one that decides).
 * The judgement is about the flow, so it also covers the responses: a packet whose reverse would open an
 * untracked flow in the other direction (the SYN-ACK of an untracked inbound connection) opens no entry.
 */
export function untrackedByRules(region: Region, groupIds: readonly string[], egress: boolean, pkt: Packet, allowing: SecurityGroupRule[]): boolean {
  if (pkt.protocol !== PROTO_TCP && pkt.protocol !== PROTO_UDP) return false;
  if (allowing.some((r) => isWorldPeer(r, pkt.family)) && oppositeAllOpen(region, groupIds, !egress, pkt.family, pkt.protocol)) return true;
  // as the response of a flow opened in the other direction
  if (!oppositeAllOpen(region, groupIds, egress, pkt.family, pkt.protocol)) return false;
  return worldRulesAllowPort(region, groupIds, !egress, pkt.family, pkt.protocol, pkt.srcPort);
}

function worldRulesAllowPort(region: Region, groupIds: readonly string[], egress: boolean, family: Family, protocol: number, port: number): boolean {
  for (const gid of groupIds) {
    const g = region.securityGroups.get(gid);
    if (!g) continue;
    for (const rid of egress ? g.egress : g.ingress) {
      const r = region.securityGroupRules.get(rid)!;
      if (isWorldPeer(r, family) && rulePorts(r, protocol)?.has(port)) return true;
    }
  }
  return false;
}

function oppositeAllOpen(region: Region, groupIds: readonly string[], egress: boolean, family: Family, protocol: number): boolean {
  for (const gid of groupIds) {
    const g = region.securityGroups.get(gid);
    if (!g) continue;
    for (const rid of egress ? g.egress : g.ingress) {
      const r = region.securityGroupRules.get(rid)!;
      if (!isWorldPeer(r, family)) continue;
      if (r.protocol === PROTO_ALL || (r.protocol === protocol && r.fromPort === 0 && r.toPort === 65535)) return true;
    }
  }
  return false;
}

/** Verdicts of the compiled evaluator. */
export const SG_DENY = 0;
export const SG_ALLOW_TRACKED = 1;
export const SG_ALLOW_UNTRACKED = 2;

interface ProtoPolicy {
  t4: Table4<PortMatcher> | undefined;
  t6: Table6<PortMatcher> | undefined;
  /** ports opened by world (0.0.0.0/0 or ::/0) rules, for the untracked test */
  world: PortMatcher;
  /** the opposite direction has an all-ports world rule for this protocol and family */
  oppositeAllOpen: boolean;
  /** this direction has one (then a response to an untracked flow of the other direction is untracked too) */
  hereAllOpen: boolean;
  /** ports opened by world rules of the opposite direction */
  worldOpposite: PortMatcher;
}

/** The compiled policy of one set of groups (ENIs that share a set of groups share one policy). */
export class CompiledGroupSet {
  valid = true;
  private readonly policies: (ProtoPolicy | undefined)[] = new Array(1024);
  constructor(
    private readonly region: Region,
    readonly groupIds: readonly string[],
    private readonly interner: Interner<PortMatcher>,
  ) {}

  /** SG_DENY, SG_ALLOW_TRACKED or SG_ALLOW_UNTRACKED for a packet leaving (egress) or entering the ENI. */
  decide(egress: boolean, pkt: Packet): number {
    return this.decidePort(egress, pkt, matchPort(pkt));
  }

  /** decide() with the packet's match port already worked out (the engine shares it with the NACL step). */
  decidePort(egress: boolean, pkt: Packet, port: number): number {
    const key = ((egress ? 2 : 0) + (pkt.family === 6 ? 1 : 0)) * 256 + (pkt.protocol & 255);
    let pol = this.policies[key];
    if (pol === undefined) pol = this.policies[key] = this.compile(egress, pkt.family, pkt.protocol);
    const ports = pkt.family === 4 ? lookup4(pol.t4!, (egress ? pkt.dst : pkt.src) as number) : lookup6(pol.t6!, (egress ? pkt.dst : pkt.src) as bigint);
    if (!ports.has(port)) return SG_DENY;
    if (pol.oppositeAllOpen && pol.world.has(port)) return SG_ALLOW_UNTRACKED;
    if (pol.hereAllOpen && pol.worldOpposite.has(pkt.srcPort)) return SG_ALLOW_UNTRACKED;
    return SG_ALLOW_TRACKED;
  }

  /** The ports allowed from/to one peer address, for a protocol (used by reachability questions). */
  allowedPorts(egress: boolean, family: Family, protocol: number, peer: number | bigint): PortMatcher {
    const key = ((egress ? 2 : 0) + (family === 6 ? 1 : 0)) * 256 + (protocol & 255);
    let pol = this.policies[key];
    if (pol === undefined) pol = this.policies[key] = this.compile(egress, family, protocol);
    return family === 4 ? lookup4(pol.t4!, peer as number) : lookup6(pol.t6!, peer as bigint);
  }

  /** The compiled atom table of a direction and protocol (IPv4): address -> allowed ports (for analyses). */
  table4(egress: boolean, protocol: number): Table4<PortMatcher> {
    const key = ((egress ? 2 : 0) + 0) * 256 + (protocol & 255);
    let pol = this.policies[key];
    if (pol === undefined) pol = this.policies[key] = this.compile(egress, 4, protocol);
    return pol.t4!;
  }

  private anyTables: (Table4<boolean> | Table6<boolean> | undefined)[] = [undefined, undefined, undefined, undefined];

  /** Whether any rule of a direction, of any protocol, matches a peer address (a quick test for analyses). */
  anyAllowed(egress: boolean, family: Family, peer: number | bigint): boolean {
    const k = (egress ? 2 : 0) + (family === 6 ? 1 : 0);
    let t = this.anyTables[k];
    if (t === undefined) {
      const items4: Item<number, boolean>[] = [];
      const items6: Item<bigint, boolean>[] = [];
      for (const gid of this.groupIds) {
        const g = this.region.securityGroups.get(gid);
        if (!g) continue;
        for (const rid of egress ? g.egress : g.ingress) {
          const addrs = peerAddresses(this.region, this.region.securityGroupRules.get(rid)!);
          for (const r of addrs.v4) items4.push({ lo: r.lo, hi: r.hi, payload: true });
          for (const r of addrs.v6) items6.push({ lo: r.lo, hi: r.hi, payload: true });
        }
      }
      t = this.anyTables[k] = family === 4 ? buildTable4(items4, (l) => l.length > 0) : buildTable6(items6, (l) => l.length > 0);
    }
    return family === 4 ? lookup4(t as Table4<boolean>, peer as number) : lookup6(t as Table6<boolean>, peer as bigint);
  }

  private compile(egress: boolean, family: Family, protocol: number): ProtoPolicy {
    const items4: Item<number, NumberSet>[] = [];
    const items6: Item<bigint, NumberSet>[] = [];
    let world = NumberSet.EMPTY;
    let worldOpposite = NumberSet.EMPTY;
    const ported = protocol === PROTO_TCP || protocol === PROTO_UDP;
    for (const gid of this.groupIds) {
      const g = this.region.securityGroups.get(gid);
      if (!g || !ported) continue;
      for (const rid of egress ? g.ingress : g.egress) {
        const rule = this.region.securityGroupRules.get(rid)!;
        const ports = rulePorts(rule, protocol);
        if (ports && isWorldPeer(rule, family)) worldOpposite = worldOpposite.union(ports);
      }
    }
    for (const gid of this.groupIds) {
      const g = this.region.securityGroups.get(gid);
      if (!g) continue;
      for (const rid of egress ? g.egress : g.ingress) {
        const rule = this.region.securityGroupRules.get(rid)!;
        const ports = rulePorts(rule, protocol);
        if (!ports) continue;
        if (isWorldPeer(rule, family)) world = world.union(ports);
        const addrs = peerAddresses(this.region, rule);
        if (family === 4) for (const r of addrs.v4) items4.push({ lo: r.lo, hi: r.hi, payload: ports });
        else for (const r of addrs.v6) items6.push({ lo: r.lo, hi: r.hi, payload: ports });
      }
    }
    const combine = (sets: NumberSet[]): PortMatcher => {
      if (sets.length === 0) return PortMatcher.NONE;
      let u = sets[0];
      for (let i = 1; i < sets.length; i++) u = u.union(sets[i]);
      const f = u.format();
      return this.interner.get(f, () => PortMatcher.of(u));
    };
    return {
      t4: family === 4 ? buildTable4(items4, combine) : undefined,
      t6: family === 6 ? buildTable6(items6, combine) : undefined,
      world: PortMatcher.of(world),
      oppositeAllOpen: ported && oppositeAllOpen(this.region, this.groupIds, !egress, family, protocol),
      hereAllOpen: ported && oppositeAllOpen(this.region, this.groupIds, egress, family, protocol),
      worldOpposite: PortMatcher.of(worldOpposite),
    };
  }
}
