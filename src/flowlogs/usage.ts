// Rule usage from flow logs: for every security-group rule and network ACL entry, how many flows, packets and
// bytes it allowed (or, for ACL entries, denied), first and last seen, distinct peers and ports — and the rules
// nothing used. AWS gives no per-rule hit counts; this is what users otherwise build with Athena.
//
// Attribution (records are re-decided against the configuration, as replay does):
// - Security groups allow by the union of their rules and AWS does not say which rule "won", so a flow counts
//   for EVERY rule that matches it (all of them would admit it). `soleFlows` counts the flows a rule was the
//   only match for: a rule with 0 flows can be removed without rejecting an observed flow; a rule with 0
//   sole flows can be removed alone (others cover it), though not necessarily together with its overlaps.
// - A flow is the request side of a connection: a response record passes the groups by connection tracking,
//   so its packets and bytes are added to the rules that admitted the request (at the same interface), and it
//   is not counted as a flow again. ICMP and portless records, which cannot be oriented, count for the rules
//   of their own direction when any match, else for those admitting them as a response.
// - Network ACLs are stateless and first-match: every record counts, for the one entry that decided its own
//   packet (allowed or denied), when the peer is outside the subnet.
// A "flow" is a flow-log record: one connection at one interface in one direction in one capture window.
import type { Engine } from '../engine/engine.js';
import { reversePacket, type Packet } from '../engine/packet.js';
import { matchingRules } from '../engine/policy.js';
import type { NetworkAclEntry, SecurityGroupRule } from '../model/types.js';
import type { Names } from '../scenario/load.js';
import type { FlowRecord } from './format.js';
import { ACCEPT, FlowJudge, NO_FLOW, REJECT, UNKNOWN_INTERFACE } from './replay.js';

const MAX_DISTINCT = 10_000;

export interface UsageCounter {
  flows: number;
  packets: number;
  bytes: number;
  /** Unix seconds; 0 when never seen */
  firstSeen: number;
  lastSeen: number;
  peers: number;
  ports: number;
}

export interface SgRuleUsage extends UsageCounter {
  ruleId: string;
  groupId: string;
  egress: boolean;
  rule: SecurityGroupRule;
  /** flows this rule alone matched */
  soleFlows: number;
  /** some interface of the group appears in the logs */
  covered: boolean;
}

export interface AclEntryUsage extends UsageCounter {
  networkAclId: string;
  egress: boolean;
  ruleNumber: number;
  entry: NetworkAclEntry;
  /** flows the entry allowed or denied (its action) */
  covered: boolean;
}

export interface UsageReport {
  records: number;
  judged: number;
  noFlow: number;
  unknownInterface: number;
  undecidable: number;
  securityGroupRules: SgRuleUsage[];
  networkAclEntries: AclEntryUsage[];
  /** flows no rule allowed, by interface and direction */
  rejectedBySecurityGroups: { networkInterfaceId: string; egress: boolean; flows: number; packets: number }[];
}

class Acc {
  flows = 0;
  packets = 0;
  bytes = 0;
  sole = 0;
  first = Number.POSITIVE_INFINITY;
  last = 0;
  peers: Set<string> | undefined = new Set();
  ports: Set<number> | undefined = new Set();
  add(rec: FlowRecord, flow: boolean, peer: string, port: number | undefined): void {
    if (flow) this.flows++;
    this.packets += rec.packets ?? 0;
    this.bytes += rec.bytes ?? 0;
    if (rec.start !== undefined && rec.start < this.first) this.first = rec.start;
    if (rec.end !== undefined && rec.end > this.last) this.last = rec.end;
    if (!flow) return;
    if (this.peers) {
      this.peers.add(peer);
      if (this.peers.size > MAX_DISTINCT) this.peers = undefined;
    }
    if (this.ports && port !== undefined) {
      this.ports.add(port);
      if (this.ports.size > MAX_DISTINCT) this.ports = undefined;
    }
  }
  counter(): UsageCounter {
    return {
      flows: this.flows, packets: this.packets, bytes: this.bytes, firstSeen: Number.isFinite(this.first) ? this.first : 0, lastSeen: this.last,
      peers: this.peers ? this.peers.size : MAX_DISTINCT, ports: this.ports ? this.ports.size : MAX_DISTINCT,
    };
  }
}

export class UsageSession {
  readonly judge: FlowJudge;
  private readonly sg = new Map<string, Acc>();
  private readonly acl = new Map<string, Acc>();
  private readonly denied = new Map<string, { flows: number; packets: number }>();
  private readonly seenEnis = new Set<string>();
  private readonly seenSubnets = new Set<string>();
  private readonly cache = new Map<string, SecurityGroupRule[]>();
  private counts = { records: 0, judged: 0, noFlow: 0, unknownInterface: 0, undecidable: 0 };

  constructor(
    readonly engine: Engine,
    readonly names?: Names,
  ) {
    this.judge = new FlowJudge(engine);
  }

  private rules(groups: readonly string[], egress: boolean, p: Packet): SecurityGroupRule[] {
    const key = `${groups.join(',')}|${egress ? 1 : 0}|${p.family}|${p.protocol}|${String(egress ? p.dst : p.src)}|${p.dstPort}|${p.icmpType ?? ''}`;
    let r = this.cache.get(key);
    if (r === undefined) {
      if (this.cache.size > 200_000) this.cache.clear();
      r = matchingRules(this.engine.region, groups, egress, p);
      this.cache.set(key, r);
    }
    return r;
  }

  add(rec: FlowRecord): void {
    this.counts.records++;
    const v = this.judge.judge(rec);
    if (v === NO_FLOW) return void this.counts.noFlow++;
    if (v === UNKNOWN_INTERFACE) return void this.counts.unknownInterface++;
    if (v !== ACCEPT && v !== REJECT) return void this.counts.undecidable++;
    this.counts.judged++;
    const view = this.judge.view;
    const eni = view.eni;
    this.seenEnis.add(eni.id);
    this.seenSubnets.add(eni.subnetId);
    const p: Packet = { ...view.pkt };
    const echo = p.protocol === 1 ? 8 : p.protocol === 58 ? 128 : undefined;
    // ICMP records carry no type: counted as an echo request (or, as a response, the reply to one)
    if (echo !== undefined) {
      p.icmpType = echo;
      p.icmpCode = 0;
    }
    const peerOf = (egress: boolean, q: Packet) => String(egress ? q.dst : q.src);
    // network ACL: the entry that decided this record's own packet
    let aclDenied = false;
    if (this.judge.crosses()) {
      const acl = this.engine.networkAcl(eni.subnetId).acl;
      const rn = this.judge.aclEntryRule(view.egress, p);
      const key = `${acl.id}|${view.egress ? 1 : 0}|${rn}`;
      let a = this.acl.get(key);
      if (!a) this.acl.set(key, (a = new Acc()));
      a.add(rec, true, peerOf(view.egress, p), p.protocol === 6 || p.protocol === 17 ? p.dstPort : undefined);
      aclDenied = acl.entries.find((e) => e.egress === view.egress && e.ruleNumber === rn)?.ruleAction !== 'allow';
    }
    if (eni.groups.length === 0) return;
    // security groups: the rules that admit the request
    let egress = view.egress;
    let req = p;
    let flow = true;
    let rules: SecurityGroupRule[];
    if (view.role === 'response') {
      egress = !view.egress;
      req = reversePacket(p);
      flow = false;
      rules = this.rules(eni.groups, egress, req);
    } else {
      rules = this.rules(eni.groups, egress, req);
      if (rules.length === 0 && view.role === 'either') {
        const alt = reversePacket(p);
        if (echo !== undefined) alt.icmpType = echo;
        const r2 = this.rules(eni.groups, !view.egress, alt);
        if (r2.length) {
          egress = !view.egress;
          req = alt;
          flow = false;
          rules = r2;
        }
      }
    }
    if (v === REJECT || rules.length === 0) {
      // a rejected flow was allowed by no rule: count it against the groups only when they were what rejected it
      if (flow && rules.length === 0 && !aclDenied) {
        const k = `${eni.id}|${view.egress ? 1 : 0}`;
        const d = this.denied.get(k) ?? { flows: 0, packets: 0 };
        d.flows++;
        d.packets += rec.packets ?? 0;
        this.denied.set(k, d);
      }
      return;
    }
    const port = req.protocol === 6 || req.protocol === 17 ? req.dstPort : undefined;
    for (const r of rules) {
      let a = this.sg.get(r.id);
      if (!a) this.sg.set(r.id, (a = new Acc()));
      a.add(rec, flow, peerOf(egress, req), port);
      if (flow && rules.length === 1) a.sole++;
    }
  }

  report(): UsageReport {
    const region = this.engine.region;
    const coveredGroups = new Set<string>();
    for (const id of this.seenEnis) for (const g of region.networkInterfaces.get(id)?.groups ?? []) coveredGroups.add(g);
    const coveredAcls = new Set<string>();
    for (const s of this.seenSubnets) coveredAcls.add(region.subnetNetworkAcl(s).id);
    const empty = new Acc();
    const securityGroupRules: SgRuleUsage[] = [];
    for (const g of region.securityGroups.values()) {
      for (const rid of [...g.ingress, ...g.egress]) {
        const rule = region.securityGroupRules.get(rid);
        if (!rule) continue;
        const a = this.sg.get(rid) ?? empty;
        securityGroupRules.push({ ruleId: rid, groupId: g.id, egress: rule.isEgress, rule, soleFlows: a.sole, covered: coveredGroups.has(g.id), ...a.counter() });
      }
    }
    const networkAclEntries: AclEntryUsage[] = [];
    for (const acl of region.networkAcls.values()) {
      const entries = [...acl.entries].sort((x, y) => Number(x.egress) - Number(y.egress) || x.ruleNumber - y.ruleNumber);
      for (const e of entries) {
        const a = this.acl.get(`${acl.id}|${e.egress ? 1 : 0}|${e.ruleNumber}`) ?? empty;
        networkAclEntries.push({ networkAclId: acl.id, egress: e.egress, ruleNumber: e.ruleNumber, entry: e, covered: coveredAcls.has(acl.id), ...a.counter() });
      }
    }
    const rejectedBySecurityGroups = [...this.denied].map(([k, d]) => {
      const [id, e] = k.split('|');
      return { networkInterfaceId: id, egress: e === '1', ...d };
    });
    return { ...this.counts, securityGroupRules, networkAclEntries, rejectedBySecurityGroups };
  }
}
