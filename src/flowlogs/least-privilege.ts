// Least privilege from flow logs: the tightest rules for one security group that still accept every flow the
// logs show its rules admitting, shown as a diff and verified by re-deciding every observed flow.
//
// How the proposal is built (choices, since AWS gives no such tool):
// - observed flows are the request side of connections at the group's interfaces (responses pass by connection
//   tracking and need no rule), re-decided against the configuration; a flow belongs to the NARROWEST rule of the
//   group that matches it (fewest addresses, then fewest ports), so a broad rule shadowed by narrow ones goes;
// - a rule nothing used is removed;
// - a group reference or prefix-list rule keeps its peer and narrows its ports;
// - a CIDR rule narrows its peers: a peer that is an interface of the estate becomes a reference to its group
//   (the one with the fewest members; references are what AWS recommends between tiers); other peers become
//   at most 4 prefixes, each as long as possible (/32 first, then /28, /24, /20, /16 …), never wider than the
//   rule's own CIDR; each peer gets the ports observed with it;
// - TCP/UDP ports narrow to the observed service ports as ranges; more than 4 ranges become one range from
//   the lowest to the highest; ICMP keeps all types (flow logs carry none); an all-traffic rule splits into
//   the protocols observed; ICMP records cannot be oriented (no type in flow logs), so an observed ICMP exchange
//   keeps a rule in each direction it was seen;
// - within the quota of rules per group and direction (60): past it, each rule's proposal collapses to one
//   rule (one covering prefix, one port range).
import type { Engine } from '../engine/engine.js';
import { type Packet } from '../engine/packet.js';
import { matchingRules, peerAddresses } from '../engine/policy.js';
import { formatIpv4, parseCidr, type Family } from '../net/index.js';
import type { SecurityGroupRule } from '../model/types.js';
import type { IpPermissionInput } from '../state/permissions.js';
import type { FlowRecord } from './format.js';
import { ACCEPT, addrString, FlowJudge, REJECT } from './replay.js';

export type ProposedPeer = { kind: 'cidr4'; cidr: string } | { kind: 'cidr6'; cidr: string } | { kind: 'group'; groupId: string } | { kind: 'prefixList'; prefixListId: string };

export interface ProposedRule {
  egress: boolean;
  /** -1 all, else the protocol number */
  protocol: number;
  /** TCP/UDP ports; -1/-1 for ICMP (all types) and protocols without ports */
  fromPort: number;
  toPort: number;
  peer: ProposedPeer;
  /** the rule it replaces */
  from: string;
}

export interface LeastPrivilegeResult {
  groupId: string;
  interfaces: string[];
  /** request records its rules admitted */
  observedFlows: number;
  /** distinct (direction, protocol, peer, port) */
  distinctFlows: number;
  removed: SecurityGroupRule[];
  added: ProposedRule[];
  kept: SecurityGroupRule[];
  /** every distinct observed flow re-decided with the proposal applied */
  verified: { checked: number; rejected: number; examples: string[] };
  notes: string[];
}

interface Observed {
  eniId: string;
  egress: boolean;
  pkt: Packet;
  crosses: boolean;
  rule: string;
}

const MAX_PEERS = 4;
const MAX_RANGES = 4;

function ruleSize(r: SecurityGroupRule, region: Engine['region']): number {
  const a = peerAddresses(region, r);
  let addrs = 0;
  for (const x of a.v4) addrs += x.hi - x.lo + 1;
  for (const x of a.v6) addrs += Number(x.hi - x.lo) + 1;
  const ports = r.protocol === -1 ? 65536 * 256 : r.fromPort === -1 ? 65536 : r.toPort - r.fromPort + 1;
  return addrs * 1e6 + ports;
}

function ranges(ports: number[]): [number, number][] {
  const s = [...new Set(ports)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const p of s) {
    const last = out[out.length - 1];
    if (last && p === last[1] + 1) last[1] = p;
    else out.push([p, p]);
  }
  if (out.length > MAX_RANGES) return [[s[0], s[s.length - 1]]];
  return out;
}

function prefixes(family: Family, addrs: (number | bigint)[], minLen: number, maxCount: number): string[] {
  const bits = family === 4 ? 32 : 128;
  const lens = family === 4 ? [32, 28, 24, 20, 16, 12, 8, 4, 0] : [128, 64, 56, 48, 32, 16, 0];
  for (const len of lens) {
    if (len < minLen) break;
    const nets = new Set<string>();
    for (const a of addrs) {
      if (family === 4) {
        const shift = bits - len;
        const net = shift === 32 ? 0 : (((a as number) >>> shift) * 2 ** shift);
        nets.add(`${formatIpv4(net)}/${len}`);
      } else {
        const shift = BigInt(bits - len);
        const net = ((a as bigint) >> shift) << shift;
        nets.add(`${addrString(6, net)}/${len}`);
      }
      if (nets.size > maxCount) break;
    }
    if (nets.size <= maxCount) return [...nets].sort();
  }
  return [];
}

export function proposedRuleText(r: ProposedRule, label: (id: string) => string = (x) => x): string {
  const proto = r.protocol === -1 ? 'all traffic' : r.protocol === 6 ? 'tcp' : r.protocol === 17 ? 'udp' : r.protocol === 1 ? 'icmp' : r.protocol === 58 ? 'icmpv6' : `protocol ${r.protocol}`;
  const ports = r.fromPort === -1 ? '' : ` ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`;
  const p = r.peer;
  const peer = p.kind === 'group' ? label(p.groupId) : p.kind === 'prefixList' ? p.prefixListId : p.cidr;
  return `${r.egress ? 'outbound' : 'inbound'} ${proto}${ports} ${r.egress ? 'to' : 'from'} ${peer} (replaces ${r.from})`;
}

export function toPermission(r: ProposedRule): IpPermissionInput {
  const perm: IpPermissionInput = { ipProtocol: String(r.protocol) };
  if (r.protocol === 6 || r.protocol === 17) {
    perm.fromPort = r.fromPort;
    perm.toPort = r.toPort;
  } else if (r.protocol === 1 || r.protocol === 58) {
    perm.fromPort = -1;
    perm.toPort = -1;
  }
  const p = r.peer;
  if (p.kind === 'cidr4') perm.ipRanges = [{ cidrIp: p.cidr }];
  else if (p.kind === 'cidr6') perm.ipv6Ranges = [{ cidrIpv6: p.cidr }];
  else if (p.kind === 'prefixList') perm.prefixListIds = [{ prefixListId: p.prefixListId }];
  else perm.userIdGroupPairs = [{ groupId: p.groupId }];
  return perm;
}

function sameAs(rule: SecurityGroupRule, p: ProposedRule): boolean {
  if (rule.protocol !== p.protocol || rule.isEgress !== p.egress) return false;
  if ((p.protocol === 6 || p.protocol === 17) && (rule.fromPort !== p.fromPort || rule.toPort !== p.toPort)) return false;
  if ((p.protocol === 1 || p.protocol === 58) && rule.fromPort !== -1) return false;
  const a = rule.peer;
  const b = p.peer;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'group') return a.groupId === (b as { groupId: string }).groupId;
  if (a.kind === 'prefixList') return a.prefixListId === (b as { prefixListId: string }).prefixListId;
  return parseCidr(a.cidr).first === parseCidr((b as { cidr: string }).cidr).first && parseCidr(a.cidr).prefix === parseCidr((b as { cidr: string }).cidr).prefix;
}

function keyOf(p: ProposedRule): string {
  const peer = p.peer.kind === 'group' ? p.peer.groupId : p.peer.kind === 'prefixList' ? p.peer.prefixListId : p.peer.cidr;
  return `${p.egress}|${p.protocol}|${p.fromPort}|${p.toPort}|${peer}`;
}

/**
 * Reads the flows (via `stream`), proposes the tightened rules for `groupId`, applies them to the engine's
 * Region and re-decides every distinct observed flow there. The Region is left with the proposal applied.
 */
export async function leastPrivilege(engine: Engine, groupId: string, stream: (visit: (rec: FlowRecord) => void) => Promise<void>): Promise<LeastPrivilegeResult> {
  const region = engine.region;
  const group = region.getGroup(groupId);
  const judge = new FlowJudge(engine);
  const observed = new Map<string, Observed>();
  let observedFlows = 0;
  const interfaces = new Set<string>();
  const myRules = new Map<string, SecurityGroupRule>();
  for (const id of [...group.ingress, ...group.egress]) myRules.set(id, region.securityGroupRules.get(id)!);
  const size = new Map<string, number>();
  for (const r of myRules.values()) size.set(r.id, ruleSize(r, region));

  await stream((rec) => {
    const v = judge.judge(rec);
    if (v !== ACCEPT && v !== REJECT) return;
    const view = judge.view;
    if (!view.eni.groups.includes(groupId) || view.role === 'response') return;
    const pkt: Packet = { ...view.pkt, tcpFlags: undefined };
    if (pkt.protocol === 1 || pkt.protocol === 58) {
      pkt.icmpType = pkt.protocol === 1 ? 8 : 128;
      pkt.icmpCode = 0;
    }
    const mine = matchingRules(region, [groupId], view.egress, pkt);
    if (!mine.length) return;
    observedFlows++;
    interfaces.add(view.eni.id);
    const peer = view.egress ? pkt.dst : pkt.src;
    const port = pkt.protocol === 6 || pkt.protocol === 17 ? pkt.dstPort : 0;
    const key = `${view.eni.id}|${view.egress ? 1 : 0}|${pkt.family}|${pkt.protocol}|${String(peer)}|${port}`;
    if (observed.has(key)) return;
    mine.sort((a, b) => size.get(a.id)! - size.get(b.id)! || a.id.localeCompare(b.id));
    observed.set(key, { eniId: view.eni.id, egress: view.egress, pkt, crosses: judge.crosses(), rule: mine[0].id });
  });

  // the flows of each rule
  const flowsOf = new Map<string, Observed[]>();
  for (const o of observed.values()) flowsOf.set(o.rule, [...(flowsOf.get(o.rule) ?? []), o]);
  const notes: string[] = [];

  /** The group a peer interface of the estate stands for: its group with the fewest members. */
  const peerGroup = (addr: number | bigint): string | undefined => {
    const eniId = engine.eniByPrivateAddress(group.vpcId, addr);
    const gs = eniId ? region.networkInterfaces.get(eniId)!.groups : [];
    return [...gs].sort((x, y) => region.groupMembers(x).size - region.groupMembers(y).size || x.localeCompare(y))[0];
  };

  const propose = (rule: SecurityGroupRule, flows: Observed[], collapse: boolean): ProposedRule[] => {
    const out: ProposedRule[] = [];
    const byProto = new Map<number, Observed[]>();
    for (const f of flows) byProto.set(f.pkt.protocol, [...(byProto.get(f.pkt.protocol) ?? []), f]);
    for (const [proto, fs] of byProto) {
      const ported = proto === 6 || proto === 17;
      // an all-traffic rule becomes one rule per observed protocol
      const protocol = rule.protocol === -1 ? proto : rule.protocol;
      // the peers: kept for references and prefix lists; for CIDRs, the group of interface peers, prefixes else
      const byPeer = new Map<string, { peer: ProposedPeer; flows: Observed[] }>();
      const put = (peer: ProposedPeer, f: Observed) => {
        const k = peer.kind === 'group' ? peer.groupId : peer.kind === 'prefixList' ? peer.prefixListId : peer.cidr;
        const e = byPeer.get(k);
        if (e) e.flows.push(f);
        else byPeer.set(k, { peer, flows: [f] });
      };
      const rp = rule.peer;
      if (rp.kind === 'group') for (const f of fs) put({ kind: 'group', groupId: rp.groupId }, f);
      else if (rp.kind === 'prefixList') for (const f of fs) put({ kind: 'prefixList', prefixListId: rp.prefixListId }, f);
      else {
        const family: Family = rp.kind === 'cidr4' ? 4 : 6;
        const c = parseCidr(rp.cidr);
        const loose: Observed[] = [];
        for (const f of fs) {
          const addr = rule.isEgress ? f.pkt.dst : f.pkt.src;
          const g = collapse ? undefined : peerGroup(addr);
          if (g) put({ kind: 'group', groupId: g }, f);
          else loose.push(f);
        }
        if (loose.length) {
          const addrOf = (f: Observed) => (rule.isEgress ? f.pkt.dst : f.pkt.src);
          const list = prefixes(family, loose.map(addrOf), c.prefix, collapse ? 1 : MAX_PEERS);
          const nets = (list.length ? list : [rp.cidr]).map((x) => parseCidr(x));
          for (const f of loose) {
            const a = addrOf(f);
            const n = nets.find((x) => a >= x.first && a <= x.last) ?? c;
            const cidr = `${addrString(family, n.first)}/${n.prefix}`;
            put(family === 4 ? { kind: 'cidr4', cidr } : { kind: 'cidr6', cidr }, f);
          }
        }
      }
      for (const { peer, flows: pf } of byPeer.values()) {
        let portRanges: [number, number][] = ported ? ranges(pf.map((f) => f.pkt.dstPort)) : [[-1, -1]];
        if (collapse && portRanges.length > 1) portRanges = [[portRanges[0][0], portRanges[portRanges.length - 1][1]]];
        // never wider than the rule's own ports
        if (ported && rule.protocol !== -1) portRanges = portRanges.map(([lo, hi]) => [Math.max(lo, rule.fromPort), Math.min(hi, rule.toPort)]);
        for (const [lo, hi] of portRanges) out.push({ egress: rule.isEgress, protocol, fromPort: lo, toPort: hi, peer, from: rule.id });
      }
    }
    return out;
  };

  const build = (collapse: boolean) => {
    const removed: SecurityGroupRule[] = [];
    const kept: SecurityGroupRule[] = [];
    const added = new Map<string, ProposedRule>();
    for (const rule of myRules.values()) {
      const flows = flowsOf.get(rule.id) ?? [];
      if (!flows.length) {
        removed.push(rule);
        continue;
      }
      const prop = propose(rule, flows, collapse);
      if (prop.length === 1 && sameAs(rule, prop[0])) {
        kept.push(rule);
        continue;
      }
      removed.push(rule);
      for (const p of prop) if (!added.has(keyOf(p))) added.set(keyOf(p), p);
    }
    for (const k of kept) for (const [key, p] of added) if (sameAs(k, p)) added.delete(key);
    return { removed, kept, added: [...added.values()] };
  };

  let plan = build(false);
  const quota = region.quotas.rulesPerSecurityGroup;
  const over = (egress: boolean) => plan.kept.filter((r) => r.isEgress === egress).length + plan.added.filter((r) => r.egress === egress).length > quota;
  if (over(false) || over(true)) {
    plan = build(true);
    notes.push(`more than ${quota} rules in a direction: each rule's proposal collapsed to one prefix and one port range`);
    if (over(false) || over(true)) notes.push(`still more than ${quota} rules in a direction (the quota of rules per security group)`);
  }

  // verify: every distinct observed flow, accepted before, must stay accepted with the proposal applied
  const before = new Map<string, boolean>();
  for (const [k, o] of observed) before.set(k, engine.decideAtInterface(o.eniId, o.egress, o.pkt, { commit: false, crossesSubnet: o.crosses }));
  const ingressIds = plan.removed.filter((r) => !r.isEgress).map((r) => r.id);
  const egressIds = plan.removed.filter((r) => r.isEgress).map((r) => r.id);
  // remove first, then add: the group never holds more rules than the quota allows
  const ingressAdd = plan.added.filter((r) => !r.egress).map(toPermission);
  const egressAdd = plan.added.filter((r) => r.egress).map(toPermission);
  if (ingressIds.length) region.revoke(groupId, false, { ruleIds: ingressIds });
  if (egressIds.length) region.revoke(groupId, true, { ruleIds: egressIds });
  if (ingressAdd.length) region.authorize(groupId, false, ingressAdd);
  if (egressAdd.length) region.authorize(groupId, true, egressAdd);
  let rejected = 0;
  const examples: string[] = [];
  for (const [k, o] of observed) {
    if (!before.get(k)) continue;
    if (!engine.decideAtInterface(o.eniId, o.egress, o.pkt, { commit: false, crossesSubnet: o.crosses })) {
      rejected++;
      if (examples.length < 5) examples.push(k);
    }
  }
  const checked = [...before.values()].filter(Boolean).length;
  return {
    groupId, interfaces: [...interfaces].sort(), observedFlows, distinctFlows: observed.size,
    removed: plan.removed, added: plan.added, kept: plan.kept, verified: { checked, rejected, examples }, notes,
  };
}
