// Replay: re-decide real flow-log records against a configuration, and report the flows whose verdict would
// change.
//
// A record is one decision at one network interface (`interface-id`) in one direction, so it is re-decided
// there, by the engine's compiled fast path: an ingress record by the subnet's network ACL (inbound) and the
// interface's security groups (inbound rules), an egress record by the ACL (outbound) and the outbound rules.
// The ACL is consulted only when the peer is outside the interface's subnet (AWS: network ACLs filter traffic
// entering and leaving a subnet).
//
// Responses. Security groups are stateful: the response of an allowed connection passes whatever the rules of
// its direction say, while network ACLs judge it like any packet (aws-semantics §3). A flow log does not say
// which side opened a connection, so replay works it out per record:
//   1. TCP with `tcp-flags` (v3+): SYN without ACK is the opening side (request), SYN-ACK (18) the response;
//   2. otherwise by ports: the side with the lower port is the service — a record from it is a response
//      (`srcport < dstport`), a record to it a request (equal ports: a request);
//   3. ICMP and other protocols without ports (flow logs write 0 0 and no ICMP type) cannot be oriented: such a
//      record is accepted when it would be accepted in either role — as a request judged by its own direction's
//      rules, or as the response of a request in the other direction that the rules allow.
// A request record is accepted when ACL and rules allow it; a response record when the ACL allows it and the
// request it answers would have been accepted at the same interface (ACL and rules of the other direction).
// Replay judges every flow as a new connection under the configuration: a tracked connection that AWS would
// keep alive across a rule removal until it idles out is reported as cut.
import type { Engine } from '../engine/engine.js';
import { firstMatchingEntry, verdictAllows, verdictRule } from '../engine/nacl.js';
import { matchPort, type Packet } from '../engine/packet.js';
import { matchingRules } from '../engine/policy.js';
import { formatIpv4, parseCidr, tryParseIpv6, type Family } from '../net/index.js';
import type { NetworkAclEntry, SecurityGroupRule } from '../model/types.js';
import type { Names } from '../scenario/load.js';
import { emptyRecord, recordParser, type FlowLogFormat, type FlowRecord } from './format.js';
import { LineScanner, sameBytes } from './bytes.js';

/** Verdict codes of FlowJudge.judge (small integers: the hot path allocates nothing). */
export const ACCEPT = 0;
export const REJECT = 1;
/** the record's interface is not in the configuration */
export const UNKNOWN_INTERFACE = 2;
/** NODATA / SKIPDATA records, or records without an action */
export const NO_FLOW = 3;
/** addresses missing or not the interface's: direction or peer cannot be told */
export const UNDECIDABLE = 4;

/** An interface as the judge needs it. */
export interface EniView {
  id: string;
  /** a small number of its own among the judge's views (cache keys) */
  index: number;
  vpcId: string;
  subnetId: string;
  groups: readonly string[];
  /** the subnet's IPv4 CIDR as numbers */
  subnetLo: number;
  subnetHi: number;
  subnet6: { lo: bigint; hi: bigint }[];
  /** primary private IPv4 as written in records, and as a number (-1 without one) */
  primaryV4: string | undefined;
  primaryV4Value: number;
  v4: ReadonlySet<number>;
  v6: readonly bigint[];
  /** the engine's rules-only judge bound to the interface (crossesSubnet: the ACL is consulted) */
  decide: (egress: boolean, pkt: Packet, crossesSubnet: boolean) => boolean;
}

/** What the judge worked out for the last record (valid until the next call). */
export interface FlowView {
  eni: EniView;
  egress: boolean;
  /** 'request', 'response', or 'either' (ICMP and portless protocols) */
  role: 'request' | 'response' | 'either';
  /** the record's packet as it crossed the interface */
  pkt: Packet;
  /** the request side (client → server) */
  client: number | bigint;
  server: number | bigint;
  /** the service port (TCP/UDP), 0 otherwise */
  servicePort: number;
}

function parse4(s: string): number {
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9) return -1;
      part = part * 10 + d;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return v * 256 + part;
}

/**
 * Re-decides flow-log records at their interfaces with the engine's compiled policies. One judge per engine;
 * the configuration may change between calls (the engine follows the Region's changes).
 */
export class FlowJudge {
  private readonly enis = new Map<string, EniView | null>();
  private lastId: string | undefined;
  private lastView: EniView | undefined;
  /** the view of the last judged record */
  readonly view: FlowView;
  private readonly pkt: Packet = { family: 4, src: 0, dst: 0, protocol: 6, srcPort: 0, dstPort: 0 };
  private readonly rev: Packet = { family: 4, src: 0, dst: 0, protocol: 6, srcPort: 0, dstPort: 0 };

  constructor(readonly engine: Engine) {
    this.view = { eni: undefined as unknown as EniView, egress: false, role: 'request', pkt: this.pkt, client: 0, server: 0, servicePort: 0 };
  }

  /** The interface by id, or undefined when the configuration has none. */
  eni(id: string): EniView | undefined {
    // records of one interface tend to come together: the last one answers without hashing the id
    if (id === this.lastId) return this.lastView;
    let v = this.enis.get(id);
    if (v !== undefined) {
      this.lastId = id;
      this.lastView = v ?? undefined;
    }
    if (v !== undefined) return v ?? undefined;
    this.lastId = undefined;
    const region = this.engine.region;
    const eni = region.networkInterfaces.get(id);
    if (!eni) {
      this.enis.set(id, null);
      return undefined;
    }
    const subnet = region.subnets.get(eni.subnetId);
    const c4 = subnet ? parseCidr(subnet.cidrBlock) : undefined;
    const addrs = this.engine.interfaceAddresses(id);
    const primary = eni.privateIpAddresses.find((p) => p.primary) ?? eni.privateIpAddresses[0];
    v = {
      id, index: this.enis.size, vpcId: eni.vpcId, subnetId: eni.subnetId, groups: eni.groups,
      subnetLo: c4 ? Number(c4.first) : 1, subnetHi: c4 ? Number(c4.last) : 0,
      subnet6: (subnet?.ipv6CidrBlocks ?? []).map((b) => {
        const c = parseCidr(b.ipv6CidrBlock);
        return { lo: c.first as bigint, hi: c.last as bigint };
      }),
      primaryV4: primary?.privateIpAddress, primaryV4Value: primary ? parse4(primary.privateIpAddress) : -1, v4: new Set(addrs.v4), v6: [...addrs.v6],
      decide: this.engine.interfaceJudge(id),
    };
    this.enis.set(id, v);
    return v;
  }

  /** interface ids of the logs the configuration does not have -> the candidates holding their addresses */
  private readonly aliases = new Map<string, EniView[] | EniView>();
  private primaryIndex: Map<string, EniView[]> | undefined;

  /**
   * An interface the configuration does not have by id (a scenario file's ids are its own, not AWS's): the
   * interface whose primary private IPv4 the records of that id carry. `srcaddr`/`dstaddr` show the interface's
   * primary private IPv4 (User Guide), so the interface is the one address every record of the id shares: with
   * `flow-direction` one record tells; without, the candidates narrow record by record until one is left
   * (records before that are counted as at an unknown interface).
   */
  private byAddress(id: string, rec: FlowRecord): EniView | undefined {
    const known = this.aliases.get(id);
    if (known !== undefined && !Array.isArray(known)) return known;
    if (!this.primaryIndex) {
      this.primaryIndex = new Map();
      for (const e of this.engine.region.networkInterfaces.values()) {
        const v = this.eni(e.id);
        if (v?.primaryV4) this.primaryIndex.set(v.primaryV4, [...(this.primaryIndex.get(v.primaryV4) ?? []), v]);
      }
    }
    const idx = this.primaryIndex;
    let cands: EniView[];
    if (rec.flowDirection !== undefined) cands = idx.get((rec.flowDirection === 'egress' ? rec.srcaddr : rec.dstaddr) ?? '') ?? [];
    else cands = [...(idx.get(rec.srcaddr ?? '') ?? []), ...(idx.get(rec.dstaddr ?? '') ?? [])];
    if (rec.vpcId !== undefined) cands = cands.filter((c) => c.vpcId === rec.vpcId || !this.engine.region.vpcs.has(rec.vpcId!));
    if (Array.isArray(known)) cands = known.filter((k) => cands.includes(k));
    if (cands.length === 1) {
      this.aliases.set(id, cands[0]);
      return cands[0];
    }
    if (rec.logStatus === 'OK' || rec.logStatus === undefined) this.aliases.set(id, cands);
    return undefined;
  }

  /** The interface of a record's id without looking at the record: known by id, or an alias already settled. */
  settled(id: string): EniView | undefined {
    const v = this.eni(id);
    if (v !== undefined) return v;
    const a = this.aliases.get(id);
    return a !== undefined && !Array.isArray(a) ? a : undefined;
  }

  /** Bumped by refresh: caches of views built outside the judge compare it. */
  epoch = 0;

  /** Forget cached interfaces (after interfaces changed in the Region). */
  refresh(): void {
    this.epoch++;
    this.enis.clear();
    this.lastId = undefined;
    this.aliases.clear();
    this.primaryIndex = undefined;
  }

  /**
   * Re-decides one record: ACCEPT, REJECT, or why it cannot be judged (UNKNOWN_INTERFACE, NO_FLOW,
   * UNDECIDABLE). After ACCEPT/REJECT, `view` describes the flow.
   */
  judge(rec: FlowRecord): number {
    if (rec.logStatus !== undefined && rec.logStatus !== 'OK') return NO_FLOW;
    const id = rec.interfaceId;
    if (id === undefined || rec.protocol === undefined) return NO_FLOW;
    const eni = this.eni(id) ?? this.byAddress(id, rec);
    if (eni === undefined) return UNKNOWN_INTERFACE;
    if (!this.resolve(rec, eni)) return UNDECIDABLE;
    return this.decideView();
  }

  /** Fills `view` from a record; false when its addresses cannot be read or placed. */
  resolve(rec: FlowRecord, eni: EniView): boolean {
    const srcText = rec.pktSrcaddr ?? rec.srcaddr;
    const dstText = rec.pktDstaddr ?? rec.dstaddr;
    if (srcText === undefined || dstText === undefined) return false;
    let egress: boolean;
    let family: Family;
    let src: number | bigint;
    let dst: number | bigint;
    // the common case: one side is the interface's primary private IPv4 as written — only the peer is parsed
    const own = eni.primaryV4Value;
    if (srcText === eni.primaryV4 && (rec.flowDirection === undefined || rec.flowDirection === 'egress')) {
      const d4 = parse4(dstText);
      if (d4 < 0) return false;
      return this.fill(rec, eni, true, own, d4);
    }
    if (dstText === eni.primaryV4 && (rec.flowDirection === undefined || rec.flowDirection === 'ingress')) {
      const s4 = parse4(srcText);
      if (s4 < 0) return false;
      return this.fill(rec, eni, false, s4, own);
    }
    const s4 = parse4(srcText);
    if (s4 >= 0) {
      const d4 = parse4(dstText);
      if (d4 < 0) return false;
      family = 4;
      src = s4;
      dst = d4;
      if (rec.flowDirection !== undefined) egress = rec.flowDirection === 'egress';
      else if (rec.srcaddr === eni.primaryV4 || eni.v4.has(s4)) egress = true;
      else if (rec.dstaddr === eni.primaryV4 || eni.v4.has(d4)) egress = false;
      else return false;
    } else {
      const s6 = tryParseIpv6(srcText);
      const d6 = tryParseIpv6(dstText);
      if (s6 === undefined || d6 === undefined) return false;
      family = 6;
      src = s6;
      dst = d6;
      if (rec.flowDirection !== undefined) egress = rec.flowDirection === 'egress';
      else if (eni.v6.includes(s6)) egress = true;
      else if (eni.v6.includes(d6)) egress = false;
      else return false;
    }
    return this.fill(rec, eni, egress, src, dst, family);
  }

  /** Fills the packet and the view (role, client, server) of a record whose direction and addresses are known. */
  private fill(rec: FlowRecord, eni: EniView, egress: boolean, src: number | bigint, dst: number | bigint, family: Family = 4): boolean {
    this.fillPacket(eni, egress, src, dst, family, rec.protocol!, rec.srcport ?? 0, rec.dstport ?? 0, rec.tcpFlags ?? -1);
    return true;
  }

  /**
   * The same from numbers (the byte-level fast lane): `tcpFlags` -1 when the record has none. The view is
   * then ready for decideView.
   */
  fillPacket(eni: EniView, egress: boolean, src: number | bigint, dst: number | bigint, family: Family, proto: number, srcport: number, dstport: number, tcpFlags: number): void {
    const p = this.pkt;
    p.family = family;
    p.src = src;
    p.dst = dst;
    p.protocol = proto;
    const ported = proto === 6 || proto === 17;
    p.srcPort = ported ? srcport : 0;
    p.dstPort = ported ? dstport : 0;
    p.icmpType = undefined;
    p.icmpCode = undefined;
    p.tcpFlags = undefined;
    const v = this.view;
    v.eni = eni;
    v.egress = egress;
    if (!ported) {
      v.role = 'either';
      v.client = src;
      v.server = dst;
      v.servicePort = 0;
      return;
    }
    let response: boolean;
    const flags = proto === 6 ? tcpFlags : -1;
    if (flags >= 0 && (flags & 18) === 18) response = true;
    else if (flags >= 0 && (flags & 2) === 2) response = false;
    else response = p.srcPort < p.dstPort;
    v.role = response ? 'response' : 'request';
    v.client = response ? dst : src;
    v.server = response ? src : dst;
    v.servicePort = response ? p.srcPort : p.dstPort;
  }

  /** Whether the peer of the view's packet is outside the interface's subnet (the ACL is consulted). */
  crosses(): boolean {
    const v = this.view;
    const peer = v.egress ? v.pkt.dst : v.pkt.src;
    if (v.pkt.family === 4) return (peer as number) < v.eni.subnetLo || (peer as number) > v.eni.subnetHi;
    for (const r of v.eni.subnet6) if ((peer as bigint) >= r.lo && (peer as bigint) <= r.hi) return false;
    return true;
  }

  private reverse(p: Packet): Packet {
    const r = this.rev;
    r.family = p.family;
    r.src = p.dst;
    r.dst = p.src;
    r.protocol = p.protocol;
    r.srcPort = p.dstPort;
    r.dstPort = p.srcPort;
    r.icmpType = p.icmpType === 0 ? 8 : p.icmpType === 129 ? 128 : p.icmpType;
    r.icmpCode = p.icmpCode;
    r.tcpFlags = undefined;
    return r;
  }

  private aclAllows(egress: boolean, p: Packet, crosses: boolean): boolean {
    if (!crosses) return true;
    return verdictAllows(this.engine.networkAcl(this.view.eni.subnetId).decidePort(egress, p, matchPort(p)));
  }

  private decide(egress: boolean, p: Packet, crosses: boolean): boolean {
    return this.view.eni.decide(egress, p, crosses);
  }

  /** The verdict of the resolved view. */
  decideView(): number {
    const v = this.view;
    const p = v.pkt;
    const crosses = this.crosses();
    if (v.role === 'request') return this.decide(v.egress, p, crosses) ? ACCEPT : REJECT;
    if (v.role === 'response') return this.aclAllows(v.egress, p, crosses) && this.decide(!v.egress, this.reverse(p), crosses) ? ACCEPT : REJECT;
    // ICMP (as an echo request or its reply) and portless protocols: either role
    const icmp = p.protocol === 1 || p.protocol === 58;
    if (icmp) {
      p.icmpType = p.protocol === 1 ? 8 : 128;
      p.icmpCode = 0;
    }
    if (this.decide(v.egress, p, crosses)) return ACCEPT;
    if (icmp) p.icmpType = p.protocol === 1 ? 0 : 129;
    return this.aclAllows(v.egress, p, crosses) && this.decide(!v.egress, this.reverse(p), crosses) ? ACCEPT : REJECT;
  }

  /**
   * Why the view's flow gets `verdict` (slow path, for reports): the ACL entry or the security-group rules
   * that decide, on the side (request or response) that decides.
   */
  explain(verdict: number): Explanation {
    const v = this.view;
    const crosses = this.crosses();
    const aclOf = () => this.engine.networkAcl(v.eni.subnetId).acl;
    const entry = (egress: boolean, p: Packet): NetworkAclEntry | undefined => (crosses ? firstMatchingEntry(aclOf(), egress, p) : undefined);
    const region = this.engine.region;
    const sides: { egress: boolean; p: Packet; role: 'request' | 'response' }[] = [];
    const p = { ...v.pkt };
    if (v.role === 'response') sides.push({ egress: v.egress, p, role: 'response' }, { egress: !v.egress, p: { ...this.reverse(p) }, role: 'request' });
    else sides.push({ egress: v.egress, p, role: 'request' });
    for (const s of sides) {
      const e = entry(s.egress, s.p);
      if (e && e.ruleAction === 'deny') return { component: 'network-acl', resourceId: aclOf().id, egress: s.egress, side: s.role, entry: e };
      if (verdict === REJECT && !e && crosses) return { component: 'network-acl', resourceId: aclOf().id, egress: s.egress, side: s.role };
      if (s.role === 'request') {
        const rules = v.eni.groups.length ? matchingRules(region, v.eni.groups, s.egress, s.p) : [];
        if (verdict === REJECT && !rules.length && v.eni.groups.length) return { component: 'security-groups', resourceId: v.eni.id, egress: s.egress, side: s.role, groups: [...v.eni.groups] };
        if (verdict === ACCEPT) return { component: 'security-groups', resourceId: v.eni.id, egress: s.egress, side: s.role, groups: [...v.eni.groups], rules, entry: e };
      }
    }
    return { component: verdict === ACCEPT ? 'security-groups' : 'network-acl', resourceId: v.eni.id, egress: v.egress, side: v.role === 'response' ? 'response' : 'request' };
  }

  /** The NACL entry that decides a packet (fast path; for usage counts). */
  aclEntryRule(egress: boolean, p: Packet): number {
    return verdictRule(this.engine.networkAcl(this.view.eni.subnetId).decidePort(egress, p, matchPort(p)));
  }
}

export interface Explanation {
  component: 'network-acl' | 'security-groups';
  /** the ACL id, or the interface id for security groups */
  resourceId: string;
  egress: boolean;
  /** which packet of the connection is decided: the request or its response */
  side: 'request' | 'response';
  entry?: NetworkAclEntry;
  groups?: string[];
  rules?: SecurityGroupRule[];
}

// ------------------------------------------------------------------ the replay report

export interface ChangeGroup {
  /** the verdict the configuration would give; the recorded one is the other */
  newAction: 'ACCEPT' | 'REJECT';
  protocol: number;
  /** the client side, aggregated: a subnet of the estate, or a /24 (/64) */
  client: string;
  /** the server side: an interface (by name) or an address */
  server: string;
  serverInterfaceId?: string;
  port: number;
  /** where the decision changes: interface, direction, and why */
  interfaceId: string;
  /** `name (eni-…)` when the configuration names it */
  interfaceLabel: string;
  direction: 'ingress' | 'egress';
  reason: string;
  records: number;
  packets: number;
  bytes: number;
  /** Unix seconds */
  firstSeen: number;
  lastSeen: number;
  distinctClients: number;
}

export interface ReplayTotals {
  records: number;
  judged: number;
  unchanged: number;
  toReject: number;
  toAccept: number;
  noFlow: number;
  unknownInterface: number;
  undecidable: number;
  malformed: number;
  unknownInterfaces: string[];
  /** records the fast lane answered from its verdict cache */
  cacheHits: number;
}

interface GroupAcc extends ChangeGroup {
  clients: Set<string> | undefined;
}

const MAX_CLIENTS_TRACKED = 10_000;
const MAX_UNKNOWN_LISTED = 20;

function prefixOf(family: Family, a: number | bigint): string {
  if (family === 4) return `${formatIpv4(((a as number) >>> 8) * 256)}/24`;
  const net = ((a as bigint) >> 64n) << 64n;
  const hex = net.toString(16).padStart(32, '0');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 4) groups.push(String(parseInt(hex.slice(i, i + 4), 16).toString(16)));
  return `${groups.join(':')}::/64`;
}

function addrString(family: Family, a: number | bigint): string {
  if (family === 4) return formatIpv4(a as number);
  const hex = (a as bigint).toString(16).padStart(32, '0');
  const g: string[] = [];
  for (let i = 0; i < 32; i += 4) g.push(parseInt(hex.slice(i, i + 4), 16).toString(16));
  return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function protoName(p: number): string {
  return p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 ? 'icmp' : p === 58 ? 'icmpv6' : `proto ${p}`;
}

/**
 * Streams records in, keeps only aggregates: totals and one group per (new verdict, protocol, client subnet,
 * server, port, interface, direction, reason). Memory grows with the number of distinct groups, not records.
 */
export class ReplaySession {
  readonly judge: FlowJudge;
  readonly totals: ReplayTotals = { records: 0, judged: 0, unchanged: 0, toReject: 0, toAccept: 0, noFlow: 0, unknownInterface: 0, undecidable: 0, malformed: 0, unknownInterfaces: [], cacheHits: 0 };
  private readonly groups = new Map<string, GroupAcc>();
  private readonly unknownSeen = new Set<string>();
  /** called with each changed record (for tests and --changed-records) */
  onChange?: (rec: FlowRecord, newAction: 'ACCEPT' | 'REJECT') => void;

  constructor(
    engine: Engine,
    private readonly names?: Names,
  ) {
    this.judge = new FlowJudge(engine);
  }

  /** One record; returns the verdict code. */
  add(rec: FlowRecord): number {
    this.totals.records++;
    const v = this.judge.judge(rec);
    if (v === ACCEPT || v === REJECT) {
      this.totals.judged++;
      const was = rec.action === 'ACCEPT' ? ACCEPT : rec.action === 'REJECT' ? REJECT : -1;
      if (was === -1) {
        this.totals.undecidable++;
        this.totals.judged--;
        return UNDECIDABLE;
      }
      if (v === was) this.totals.unchanged++;
      else this.changed(rec, v);
    } else if (v === NO_FLOW) this.totals.noFlow++;
    else if (v === UNKNOWN_INTERFACE) {
      this.totals.unknownInterface++;
      if (this.unknownSeen.size < MAX_UNKNOWN_LISTED && !this.unknownSeen.has(rec.interfaceId!)) {
        this.unknownSeen.add(rec.interfaceId!);
        this.totals.unknownInterfaces.push(rec.interfaceId!);
      }
    } else this.totals.undecidable++;
    return v;
  }

  /**
   * A byte-level handler for records of `format` (for ReadOptions.fastLane): it reads only the fields a verdict
   * needs, straight from the bytes, and decides the record like `add` — the same verdicts and counts. Lines it
   * cannot take whole (IPv6 addresses, NODATA/SKIPDATA, an interface not settled yet, an odd shape) it leaves
   * to the string parser and `add` (returns false). Undefined when the format lacks the fields a verdict needs.
   */
  fastLane(format: FlowLogFormat, opts: { verdictCache?: boolean } = {}): ((buf: Buffer, start: number, end: number) => boolean) | undefined {
    const useCache = opts.verdictCache !== false;
    const sc = new LineScanner(format.fields);
    const has = sc.has;
    if (!has.id || !has.protocol || !has.action || (!has.src && !has.pktSrc) || (!has.dst && !has.pktDst)) return undefined;
    const parse = recordParser(format);
    const scratch = emptyRecord();
    const judge = this.judge;
    const totals = this.totals;
    // interfaces by the bytes of their id: an open-addressing table (linear probing, at most half full)
    // checked byte by byte, so no string is made per record
    let slots = 4096;
    let used = 0;
    let slotHash = new Int32Array(slots);
    let slotId: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(slots).fill(undefined);
    let slotView: (EniView | undefined)[] = new Array<EniView | undefined>(slots).fill(undefined);
    const grow = () => {
      const [oh, oi, ov] = [slotHash, slotId, slotView];
      slots *= 2;
      slotHash = new Int32Array(slots);
      slotId = new Array<Uint8Array | undefined>(slots).fill(undefined);
      slotView = new Array<EniView | undefined>(slots).fill(undefined);
      for (let k = 0; k < oi.length; k++) {
        if (oi[k] === undefined) continue;
        let t = oh[k]! & (slots - 1);
        while (slotId[t] !== undefined) t = (t + 1) & (slots - 1);
        slotHash[t] = oh[k]!;
        slotId[t] = oi[k];
        slotView[t] = ov[k];
      }
    };
    let epoch = judge.epoch;
    const engine = judge.engine;
    const CACHE_BITS = 17; // sets of two entries: 2^18 entries, 4 MiB
    // one entry = 4 ints side by side: meta, src, dst, ports; meta's low bits hold the verdict + 1 (0: empty)
    const cache = new Int32Array(8 << CACHE_BITS);
    let cacheEpoch = -1;
    return (buf, start, end) => {
      if (!sc.scan(buf, start, end)) return false;
      // NODATA/SKIPDATA and records without an action: counted by `add`
      if (sc.status > 0 || sc.action < 0 || sc.protocol < 0 || sc.protocol > 255 || sc.idEnd === sc.idStart) return false;
      // the packet's addresses: pkt-srcaddr/pkt-dstaddr when present, else srcaddr/dstaddr (IPv4 only here)
      const src = sc.pktSrc >= 0 ? sc.pktSrc : sc.src;
      const dst = sc.pktDst >= 0 ? sc.pktDst : sc.dst;
      if (src < 0 || dst < 0) return false;
      // the interface
      if (epoch !== judge.epoch) {
        slotId.fill(undefined);
        slotView.fill(undefined);
        used = 0;
        cache.fill(0);
        epoch = judge.epoch;
      }
      const s0 = sc.idStart;
      const s1 = sc.idEnd;
      const h = sc.idHash | 0;
      let slot = h & (slots - 1);
      let eni: EniView | undefined;
      for (;;) {
        const known = slotId[slot];
        if (known === undefined) break;
        if (slotHash[slot] === h && sameBytes(buf, s0, s1, known)) {
          eni = slotView[slot]!;
          break;
        }
        slot = (slot + 1) & (slots - 1);
      }
      if (eni === undefined) {
        eni = judge.settled(buf.toString('latin1', s0, s1));
        if (eni === undefined) return false;
        slotHash[slot] = h;
        slotId[slot] = Uint8Array.from(buf.subarray(s0, s1));
        slotView[slot] = eni;
        if (++used * 2 > slots) grow();
      }
      // the direction, as FlowJudge.resolve works it out (there from the text, here from the numbers)
      const dir = sc.direction; // 0 unknown, 1 ingress, 2 egress
      const own = eni.primaryV4Value;
      let egress: boolean;
      if (src === own && dir !== 1) egress = true;
      else if (dst === own && dir !== 2) egress = false;
      else if (dir !== 0) egress = dir === 2;
      else if (sc.src === own || eni.v4.has(src)) egress = true;
      else if (sc.dst === own || eni.v4.has(dst)) egress = false;
      else return false;
      const sp = sc.srcport < 0 ? 0 : sc.srcport;
      const dp = sc.dstport < 0 ? 0 : sc.dstport;
      if (sp > 65535 || dp > 65535) return false;
      // the verdict cache: a record's verdict is a function of its interface, direction, addresses, protocol,
      // ports and SYN/ACK flags under one configuration, and flow logs repeat the same flows interval after
      // interval. Emptied when the configuration changes.
      if (cacheEpoch !== engine.configEpoch) {
        cache.fill(0);
        cacheEpoch = engine.configEpoch;
      }
      const f = sc.tcpFlags;
      const proto = sc.protocol;
      // bits: 0-1 the verdict, 2-3 the SYN/ACK role, 4 the direction, 5-12 the protocol, 13-30 the interface
      // (beyond 2^18 interfaces, or with the cache turned off, -1: not cached)
      const meta = useCache && eni.index < 1 << 18 ? (eni.index << 13) | (proto << 5) | (egress ? 16 : 0) | ((f < 0 ? 0 : (f & 18) === 18 ? 1 : (f & 2) === 2 ? 2 : 3) << 2) : -1;
      const ports = (sp << 16) | dp;
      let hx = Math.imul(meta ^ src, 0x9e3779b1) ^ Math.imul(dst ^ ports, 0x85ebca77);
      hx ^= hx >>> 15;
      // two-way: the entry's set is two neighbouring entries (one cache line); a new entry goes first and the
      // one it displaces second
      const c = (Math.imul(hx, 0x2c1b3c6d) >>> (32 - CACHE_BITS)) << 3;
      let v: number;
      const m0 = cache[c]!;
      const m1 = cache[c + 4]!;
      if (meta >= 0 && m0 !== 0 && (m0 & ~3) === meta && cache[c + 1] === (src | 0) && cache[c + 2] === (dst | 0) && cache[c + 3] === ports) {
        v = (m0 & 3) - 1;
        totals.cacheHits++;
      } else if (meta >= 0 && m1 !== 0 && (m1 & ~3) === meta && cache[c + 5] === (src | 0) && cache[c + 6] === (dst | 0) && cache[c + 7] === ports) {
        v = (m1 & 3) - 1;
        totals.cacheHits++;
      } else {
        judge.fillPacket(eni, egress, src, dst, 4, proto, sp, dp, f);
        v = judge.decideView();
        if (meta >= 0) {
          cache.copyWithin(c + 4, c, c + 4);
          cache[c] = meta | (v + 1);
          cache[c + 1] = src | 0;
          cache[c + 2] = dst | 0;
          cache[c + 3] = ports;
        }
      }
      totals.records++;
      totals.judged++;
      if (v === sc.action) totals.unchanged++;
      else {
        // rare: the full record and its view, for the report
        judge.fillPacket(eni, egress, src, dst, 4, proto, sp, dp, f);
        judge.decideView();
        this.changed(parse(buf.toString('latin1', start, end), scratch), v);
      }
      return true;
    };
  }

  private label(id: string): string {
    const region = this.judge.engine.region;
    const res = region.networkInterfaces.get(id) ?? region.networkAcls.get(id) ?? region.securityGroups.get(id);
    const n = this.names?.nameOf(id) ?? (res && 'name' in res ? res.name : undefined) ?? res?.tags.find((t) => t.key === 'Name')?.value;
    return n ? `${n} (${id})` : id;
  }

  private changed(rec: FlowRecord, v: number): void {
    const newAction = v === ACCEPT ? 'ACCEPT' : 'REJECT';
    if (newAction === 'REJECT') this.totals.toReject++;
    else this.totals.toAccept++;
    this.onChange?.(rec, newAction);
    const view = this.judge.view;
    const family = view.pkt.family;
    const engine = this.judge.engine;
    const region = engine.region;
    const clientEni = engine.eniByPrivateAddress(view.eni.vpcId, view.client);
    let client: string;
    if (clientEni) {
      const sn = region.subnets.get(region.networkInterfaces.get(clientEni)!.subnetId)!;
      const snName = this.names?.nameOf(sn.id) ?? sn.tags.find((t) => t.key === 'Name')?.value;
      client = family === 4 ? `${sn.cidrBlock} (subnet ${snName ?? sn.id})` : `${prefixOf(6, view.client)} (subnet ${snName ?? sn.id})`;
    } else client = prefixOf(family, view.client);
    const serverEni = engine.eniByPrivateAddress(view.eni.vpcId, view.server);
    const server = serverEni ? this.label(serverEni) : addrString(family, view.server);
    const ex = this.judge.explain(v);
    const dir = (e: boolean) => (e ? 'outbound' : 'inbound');
    let reason: string;
    if (ex.component === 'network-acl') {
      reason = ex.entry
        ? `network ACL ${this.label(ex.resourceId)} ${dir(ex.egress)} entry #${ex.entry.ruleNumber >= 32767 ? '*' : ex.entry.ruleNumber} ${ex.entry.ruleAction === 'allow' ? 'allows' : 'denies'} the ${ex.side}`
        : `network ACL ${this.label(ex.resourceId)} ${dir(ex.egress)} ${v === ACCEPT ? 'allows' : 'denies'} the ${ex.side}`;
    } else if (v === REJECT) reason = `no ${dir(ex.egress)} rule of ${(ex.groups ?? []).map((g) => this.label(g)).join(', ')} allows the ${ex.side}`;
    else reason = `${dir(ex.egress)} rule${(ex.rules ?? []).length > 1 ? 's' : ''} ${(ex.rules ?? []).map((r) => r.id).join(', ') || '(none)'} of ${(ex.groups ?? []).map((g) => this.label(g)).join(', ')} allow${(ex.rules ?? []).length > 1 ? '' : 's'} the ${ex.side}`;
    const direction = view.egress ? 'egress' : 'ingress';
    const key = `${newAction}|${view.pkt.protocol}|${client}|${server}|${view.servicePort}|${view.eni.id}|${direction}|${reason}`;
    let g = this.groups.get(key);
    if (!g) {
      g = {
        newAction, protocol: view.pkt.protocol, client, server, serverInterfaceId: serverEni, port: view.servicePort, interfaceId: view.eni.id, interfaceLabel: this.label(view.eni.id), direction, reason,
        records: 0, packets: 0, bytes: 0, firstSeen: Number.POSITIVE_INFINITY, lastSeen: 0, distinctClients: 0, clients: new Set(),
      };
      this.groups.set(key, g);
    }
    g.records++;
    g.packets += rec.packets ?? 0;
    g.bytes += rec.bytes ?? 0;
    if (rec.start !== undefined && rec.start < g.firstSeen) g.firstSeen = rec.start;
    if (rec.end !== undefined && rec.end > g.lastSeen) g.lastSeen = rec.end;
    if (g.clients) {
      g.clients.add(String(view.client));
      if (g.clients.size > MAX_CLIENTS_TRACKED) g.clients = undefined;
    }
  }

  /** The changed flows, biggest groups first. */
  changes(): ChangeGroup[] {
    return [...this.groups.values()]
      .map(({ clients, ...g }) => ({ ...g, firstSeen: Number.isFinite(g.firstSeen) ? g.firstSeen : 0, distinctClients: clients ? clients.size : MAX_CLIENTS_TRACKED }))
      .sort((a, b) => b.records - a.records || groupKey(a).localeCompare(groupKey(b)));
  }
}

function groupKey(g: ChangeGroup): string {
  return `${g.newAction}|${g.server}|${String(g.port).padStart(5, '0')}|${g.client}|${g.interfaceId}|${g.direction}|${g.reason}`;
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function bytesText(n: number): string {
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = n;
  while (x >= 1000 && i < u.length - 1) {
    x /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${x.toFixed(1)} ${u[i]}`;
}

function dayText(unix: number): string {
  return new Date(unix * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/** `this change would reject 1,204 flow records (…) from 10.0.3.0/24 to db (eni-…):5432/tcp, seen …` */
export function changeText(g: ChangeGroup): string[] {
  const verb = g.newAction === 'REJECT' ? 'reject' : 'accept';
  const was = g.newAction === 'REJECT' ? 'accepted' : 'rejected';
  const port = g.protocol === 6 || g.protocol === 17 ? `:${g.port}/${protoName(g.protocol)}` : ` ${protoName(g.protocol)}`;
  const seen = g.firstSeen ? `, seen ${dayText(g.firstSeen)} → ${dayText(g.lastSeen)} UTC` : '';
  return [
    `would ${verb} ${num(g.records)} flow record${g.records === 1 ? '' : 's'} (${num(g.packets)} packets, ${bytesText(g.bytes)}; ${was} before) from ${g.client}${g.distinctClients > 1 ? ` (${num(g.distinctClients)} addresses)` : ''} to ${g.server}${port}${seen}`,
    `    at ${g.interfaceLabel} ${g.direction}: ${g.reason}`,
  ];
}

export function totalsText(t: ReplayTotals): string[] {
  const out = [`${num(t.judged)} flow records judged: ${num(t.unchanged)} unchanged, ${num(t.toReject + t.toAccept)} would change (${num(t.toReject)} ACCEPT → REJECT, ${num(t.toAccept)} REJECT → ACCEPT)`];
  const skipped: string[] = [];
  if (t.noFlow) skipped.push(`${num(t.noFlow)} NODATA/SKIPDATA`);
  if (t.unknownInterface) skipped.push(`${num(t.unknownInterface)} at interfaces the configuration does not have (${t.unknownInterfaces.slice(0, 5).join(', ')}${t.unknownInterfaces.length > 5 ? ', …' : ''})`);
  if (t.undecidable) skipped.push(`${num(t.undecidable)} whose addresses are not the interface's`);
  if (t.malformed) skipped.push(`${num(t.malformed)} malformed lines`);
  if (skipped.length) out.push(`skipped: ${skipped.join('; ')}`);
  return out;
}

export { num as formatCount, bytesText, protoName, addrString };
