// The packet engine: decides every packet between network interfaces, peered VPCs and the internet the way
// AWS does, hop by hop:
//   source SG egress -> source subnet NACL out (only when leaving the subnet) -> route -> destination subnet
//   NACL in (only when entering another subnet) -> destination SG ingress,
// with connection tracking per interface. Policies are compiled per set of security groups and per network
// ACL, cached, and invalidated precisely by the state's change events.
import { formatIpv4, formatIpv6, isInternetAddress, parseCidr, tryParseIp, type Family } from '../net/index.js';
import { ALWAYS_TRACKED_INTERFACE_TYPES } from '../model/services.js';
import type { NetworkAclEntry, NetworkInterface, Route, SecurityGroupRule } from '../model/types.js';
import type { Region, StateEvent } from '../state/region.js';
import { ConnTrack } from './conntrack.js';
import { CompiledAcl, firstMatchingEntry, verdictAllows, verdictRule } from './nacl.js';
import { addrText, matchPort, type Packet } from './packet.js';
import { CompiledGroupSet, matchingRules, SG_ALLOW_UNTRACKED, SG_DENY, untrackedByRules } from './policy.js';
import { CompiledRoutes, routeDestinationText, routeTargetText } from './routing.js';
import { Interner, type PortMatcher } from './tables.js';

export type Endpoint = { kind: 'eni'; networkInterfaceId: string } | { kind: 'internet' };

/** Reachability Analyzer explanation codes where one fits; rampart's own codes otherwise (see README). */
export type ExplanationCode =
  | 'ENI_SG_RULES_MISMATCH'
  | 'SUBNET_ACL_RESTRICTION'
  | 'NO_ROUTE_TO_DESTINATION'
  | 'BAD_STATE_ROUTE'
  | 'BAD_STATE_ATTACHMENT'
  | 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS'
  | 'CANNOT_ROUTE'
  | 'NO_PUBLIC_IP'
  | 'NO_DESTINATION'
  | 'UNSUPPORTED_ROUTE_TARGET'
  | 'CONNTRACK_ALLOWANCE_EXCEEDED';

export interface Explanation {
  code: ExplanationCode;
  /** the component that blocks: sg/eni, acl, rtb, igw, pcx */
  resourceId: string;
  direction?: 'ingress' | 'egress';
  message: string;
}

export type HopKind = 'security-groups' | 'network-acl' | 'route' | 'internet-gateway' | 'peering' | 'unfiltered' | 'delivered';

export interface Hop {
  kind: HopKind;
  resourceId: string;
  direction?: 'ingress' | 'egress';
  allowed: boolean;
  /** one line for people */
  detail: string;
  /** security group rules that allow the packet (all of them) */
  rules?: SecurityGroupRule[];
  /** the network ACL entry that decided */
  aclEntry?: NetworkAclEntry;
  route?: Route;
  /** the subnet whose network ACL this hop is */
  subnetId?: string;
  /** the packet as this hop saw it (network ACL hops) */
  packet?: Packet;
  /** the packet passed as part of a tracked connection, not by rules */
  byConnectionTracking?: boolean;
  /** the connection is (or would be) tracked */
  tracked?: boolean;
}

/** What a network interface's flow log would record for the packet. */
export interface FlowEvent {
  networkInterfaceId: string;
  egress: boolean;
  action: 'ACCEPT' | 'REJECT';
  /** the packet as it crossed the interface (after IGW address translation) */
  packet: Packet;
}

export type Destination =
  | { kind: 'eni'; networkInterfaceId: string }
  | { kind: 'internet' }
  | { kind: 'aws-service'; name: string };

export interface Delivery {
  allowed: boolean;
  /** where the packet ended (or would have, had it not been blocked) */
  to?: Destination;
  /** the packet as it arrived there (after internet-gateway address translation) */
  delivered?: Packet;
  explanations: Explanation[];
  /** filled when tracing */
  hops: Hop[];
  flowEvents: FlowEvent[];
}

export interface SendOptions {
  /** simulated time in seconds (default 0) */
  now?: number;
  /** build hops with the rules that decided (slower) */
  trace?: boolean;
  /** update connection tracking (default true); false judges the packet without side effects */
  commit?: boolean;
  /** keep walking after a block to name every blocker (implies trace) */
  allBlockers?: boolean;
  /** record flow-log events */
  flowEvents?: boolean;
  /**
   * Treat the packet as the response of a connection the engine just allowed: security groups let it pass
   * (they are stateful) while NACLs and routes still judge it. Used for the return path of probes.
   */
  assumeReply?: boolean;
}

/** Where the route table of a subnet sends a destination address. */
export type RouteOutcome =
  | { kind: 'vpc'; vpcId: string; route: Route; vpcPeeringConnectionId?: string }
  | { kind: 'internet'; route: Route; internetGatewayId: string }
  | { kind: 'blocked'; code: ExplanationCode; resourceId: string; route?: Route };

export interface EngineOptions {
  /** connection-tracking allowance per interface; new tracked connections beyond it are dropped */
  conntrackAllowance?: number;
}

interface EniRuntime {
  eni: NetworkInterface;
  policy: CompiledGroupSet | undefined;
  /** the subnet's compiled ACL, valid while aclEpoch matches the engine's */
  acl: CompiledAcl | undefined;
  aclEpoch: number;
  ct: ConnTrack;
  alwaysTracked: boolean;
  v4: number[];
  v6: bigint[];
  publicV4: number[];
  /** private IPv4 -> its public (or Elastic) IPv4 */
  publicOf: Map<number, number>;
}

/** Addresses that security groups and network ACLs never filter (Amazon VPC User Guide, "Security group rules"). */
const UNFILTERED_V4: Record<string, string> = {
  '169.254.169.253': 'Amazon DNS',
  '169.254.169.254': 'instance metadata',
  '169.254.169.123': 'Amazon Time Sync',
  '169.254.169.250': 'Windows license activation',
  '169.254.169.251': 'Windows license activation',
};
const UNFILTERED_V6: Record<string, string> = {
  'fd00:ec2::253': 'Amazon DNS',
  'fd00:ec2::254': 'instance metadata',
  'fd00:ec2::123': 'Amazon Time Sync',
};

export class Engine {
  private readonly groupSets = new Map<string, CompiledGroupSet>();
  private readonly setsByGroup = new Map<string, Set<string>>();
  private readonly interner = new Interner<PortMatcher>();
  private readonly acls = new Map<string, CompiledAcl>();
  private readonly routes = new Map<string, CompiledRoutes>();
  private readonly subnetAcl = new Map<string, CompiledAcl>();
  private readonly subnetRtb = new Map<string, CompiledRoutes>();
  private readonly runtimes = new Map<string, EniRuntime>();
  /** vpc id -> private address (v4 number or v6 bigint) -> ENI id */
  private readonly privateIndex = new Map<string, Map<number | bigint, string>>();
  /** public IPv4 -> ENI id, and IPv6 (globally unique) -> ENI id */
  private readonly publicIndex = new Map<number | bigint, string>();
  private indexed = false;
  /** bumped whenever any ACL or subnet association changes: runtimes re-resolve their subnet's ACL */
  private aclEpoch = 0;
  private readonly unfilteredByVpc = new Map<string, Map<number, string>>();
  private readonly unsubscribe: () => void;
  readonly conntrackAllowance: number;
  /** counters, for benchmarks and the console */
  readonly stats = { compiledGroupSets: 0, compiledAcls: 0, invalidations: 0, allowanceExceeded: 0 };

  constructor(
    readonly region: Region,
    opts: EngineOptions = {},
  ) {
    this.conntrackAllowance = opts.conntrackAllowance ?? Number.POSITIVE_INFINITY;
    this.unsubscribe = region.onChange((e) => this.onStateEvent(e));
  }

  dispose(): void {
    this.unsubscribe();
  }

  // ------------------------------------------------------------ incremental invalidation

  private invalidateSetsOf(groupId: string): void {
    for (const key of this.setsByGroup.get(groupId) ?? []) {
      const s = this.groupSets.get(key);
      if (s) {
        s.valid = false;
        this.groupSets.delete(key);
        this.stats.invalidations++;
      }
    }
  }

  /**
   * Bumped on every change of the Region the engine follows: a caller caching verdicts (replay's verdict cache)
   * drops them when it moves.
   */
  get configEpoch(): number {
    return this.configVersion;
  }
  private configVersion = 0;

  private onStateEvent(e: StateEvent): void {
    this.configVersion++;
    switch (e.type) {
      case 'group-rules':
      case 'group-deleted':
        this.invalidateSetsOf(e.groupId);
        break;
      case 'group-members':
        // the addresses a reference to this group stands for changed: recompile the sets whose rules name it
        for (const rid of this.region.rulesReferencing(e.groupId)) {
          const r = this.region.securityGroupRules.get(rid);
          if (r) this.invalidateSetsOf(r.groupId);
        }
        break;
      case 'prefix-list':
        for (const r of this.region.securityGroupRules.values()) {
          if (r.peer.kind === 'prefixList' && r.peer.prefixListId === e.prefixListId) this.invalidateSetsOf(r.groupId);
        }
        this.clearRouting();
        break;
      case 'peering':
        for (const r of this.region.securityGroupRules.values()) {
          if (r.peer.kind === 'group' && r.peer.vpcId !== undefined) this.invalidateSetsOf(r.groupId);
        }
        break;
      case 'eni': {
        const rt = this.runtimes.get(e.networkInterfaceId);
        const eni = this.region.networkInterfaces.get(e.networkInterfaceId);
        if (rt) this.unindexRuntime(rt);
        if (!eni) this.runtimes.delete(e.networkInterfaceId);
        else if (rt) {
          rt.eni = eni;
          rt.policy = undefined;
          rt.alwaysTracked = ALWAYS_TRACKED_INTERFACE_TYPES.has(eni.interfaceType);
          this.indexRuntime(rt);
        } else if (this.indexed) this.runtime(eni.id);
        break;
      }
      case 'nacl': {
        const a = this.acls.get(e.networkAclId);
        if (a) a.valid = false;
        this.acls.delete(e.networkAclId);
        this.subnetAcl.clear();
        this.aclEpoch++;
        break;
      }
      case 'subnet-nacl':
        this.subnetAcl.delete(e.subnetId);
        this.aclEpoch++;
        break;
      case 'routes': {
        this.routes.delete(e.routeTableId);
        this.subnetRtb.clear();
        break;
      }
      case 'subnet-routes':
        this.subnetRtb.delete(e.subnetId);
        break;
      case 'topology':
        this.clearRouting();
        this.subnetAcl.clear();
        this.aclEpoch++;
        this.unfilteredByVpc.clear();
        break;
    }
  }

  private clearRouting(): void {
    this.routes.clear();
    this.subnetRtb.clear();
  }

  // ------------------------------------------------------------ compiled lookups

  /** The compiled policy of a set of groups (shared by every ENI with the same set). */
  groupSet(groupIds: readonly string[]): CompiledGroupSet {
    // the same array (an ENI's groups) asks again and again: remember its answer while it stays valid
    const known = this.groupSetOfArray.get(groupIds);
    if (known !== undefined && known.valid) return known;
    const key = groupIds.length === 1 ? groupIds[0] : [...groupIds].sort().join(',');
    let s = this.groupSets.get(key);
    if (!s) {
      s = new CompiledGroupSet(this.region, [...groupIds], this.interner);
      this.groupSets.set(key, s);
      this.stats.compiledGroupSets++;
      for (const g of groupIds) {
        let set = this.setsByGroup.get(g);
        if (!set) this.setsByGroup.set(g, (set = new Set()));
        set.add(key);
      }
    }
    this.groupSetOfArray.set(groupIds, s);
    return s;
  }
  private readonly groupSetOfArray = new WeakMap<readonly string[], CompiledGroupSet>();

  networkAcl(subnetId: string): CompiledAcl {
    let a = this.subnetAcl.get(subnetId);
    if (a && a.valid) return a;
    const acl = this.region.subnetNetworkAcl(subnetId);
    a = this.acls.get(acl.id);
    if (!a) {
      a = new CompiledAcl(acl);
      this.acls.set(acl.id, a);
      this.stats.compiledAcls++;
    }
    this.subnetAcl.set(subnetId, a);
    return a;
  }

  routeTable(subnetId: string): CompiledRoutes {
    let r = this.subnetRtb.get(subnetId);
    if (r) return r;
    const rtb = this.region.subnetRouteTable(subnetId);
    r = this.routes.get(rtb.id);
    if (!r) {
      r = new CompiledRoutes(this.region, rtb);
      this.routes.set(rtb.id, r);
    }
    this.subnetRtb.set(subnetId, r);
    return r;
  }

  private ensureIndexed(): void {
    if (this.indexed) return;
    this.indexed = true;
    for (const id of this.region.networkInterfaces.keys()) this.runtime(id);
  }

  /** Runtime state of an interface: its compiled policy, connection tracking and addresses. */
  runtime(eniId: string): EniRuntime {
    let rt = this.runtimes.get(eniId);
    if (rt) return rt;
    const eni = this.region.networkInterfaces.get(eniId) ?? this.region.getNetworkInterface(eniId);
    rt = { eni, policy: undefined, acl: undefined, aclEpoch: -1, ct: new ConnTrack(), alwaysTracked: ALWAYS_TRACKED_INTERFACE_TYPES.has(eni.interfaceType), v4: [], v6: [], publicV4: [], publicOf: new Map() };
    this.runtimes.set(eniId, rt);
    this.indexRuntime(rt);
    return rt;
  }

  private indexRuntime(rt: EniRuntime): void {
    const eni = rt.eni;
    let idx = this.privateIndex.get(eni.vpcId);
    if (!idx) this.privateIndex.set(eni.vpcId, (idx = new Map()));
    rt.v4 = [];
    rt.v6 = [];
    rt.publicV4 = [];
    rt.publicOf = new Map();
    for (const p of eni.privateIpAddresses) {
      const v = tryParseIp(p.privateIpAddress)!.value as number;
      rt.v4.push(v);
      idx.set(v, eni.id);
      if (p.association) {
        const pub = tryParseIp(p.association.publicIp)!.value as number;
        rt.publicV4.push(pub);
        rt.publicOf.set(v, pub);
        this.publicIndex.set(pub, eni.id);
      }
    }
    for (const a of eni.ipv6Addresses) {
      const v = tryParseIp(a)!.value as bigint;
      rt.v6.push(v);
      idx.set(v, eni.id);
      this.publicIndex.set(v, eni.id);
    }
  }

  private unindexRuntime(rt: EniRuntime): void {
    const idx = this.privateIndex.get(rt.eni.vpcId);
    for (const v of [...rt.v4, ...rt.v6]) if (idx?.get(v) === rt.eni.id) idx.delete(v);
    for (const v of [...rt.publicV4, ...rt.v6]) if (this.publicIndex.get(v) === rt.eni.id) this.publicIndex.delete(v);
  }

  private policyOf(rt: EniRuntime): CompiledGroupSet {
    let p = rt.policy;
    if (p === undefined || !p.valid) p = rt.policy = this.groupSet(rt.eni.groups);
    return p;
  }

  /** An interface's addresses as numbers: private IPv4 (primary first), IPv6, and private → public IPv4. */
  interfaceAddresses(eniId: string): { v4: readonly number[]; v6: readonly bigint[]; publicOf: ReadonlyMap<number, number> } {
    return this.runtime(eniId);
  }

  /** The private IPv4 an interface's public IPv4 maps to. */
  privateForPublic(eniId: string, pub: number): number | undefined {
    for (const [priv, p] of this.runtime(eniId).publicOf) if (p === pub) return priv;
    return undefined;
  }

  /** The ENI holding a private address in a VPC. */
  eniByPrivateAddress(vpcId: string, addr: number | bigint): string | undefined {
    this.ensureIndexed();
    return this.privateIndex.get(vpcId)?.get(addr);
  }

  /** The ENI reachable from the internet at an address: a public/Elastic IPv4, or an IPv6 address. */
  eniByPublicAddress(addr: number | bigint): string | undefined {
    this.ensureIndexed();
    return this.publicIndex.get(addr);
  }

  // ------------------------------------------------------------ one interface

  /**
   * Security groups of one interface for one packet: a tracked connection lets it through; otherwise the
   * rules decide, and an allowed packet opens a connection unless the flow is untracked.
   */
  /** Returns undefined when the packet passes, else why not (a string constant: the hot path allocates nothing). */
  private sgStage(rt: EniRuntime, egress: boolean, pkt: Packet, now: number, opts: StageOpts, hops: Hop[] | undefined): ExplanationCode | undefined {
    const eni = rt.eni;
    const dir = egress ? 'egress' : 'ingress';
    if (eni.groups.length === 0) {
      // NAT gateways and Gateway Load Balancers have no security groups
      hops?.push({ kind: 'security-groups', resourceId: eni.id, direction: dir, allowed: true, detail: `${eni.id} has no security groups` });
      return undefined;
    }
    const m = rt.ct.find(pkt, now, eni.connectionTracking);
    if (m !== undefined) {
      const reply = rt.ct.lastReply;
      if (opts.commit) rt.ct.touch(m, reply, pkt, now);
      hops?.push({
        kind: 'security-groups', resourceId: eni.id, direction: dir, allowed: true, byConnectionTracking: true, tracked: true,
        detail: `${reply ? 'response to' : 'part of'} a tracked connection opened ${fmtAgo(now - m.opened)} (rules not consulted)`,
      });
      return undefined;
    }
    if (opts.assumeReply) {
      // security groups are stateful: the response of an allowed connection passes whatever the rules say
      hops?.push({ kind: 'security-groups', resourceId: eni.id, direction: dir, allowed: true, byConnectionTracking: true, detail: `response of the allowed connection: security groups are stateful` });
      return undefined;
    }
    let allowed: boolean;
    let untracked: boolean;
    let rules: SecurityGroupRule[] | undefined;
    if (hops) {
      rules = matchingRules(this.region, eni.groups, egress, pkt, { ignoreGroupReferences: opts.viaMiddlebox });
      allowed = rules.length > 0;
      untracked = allowed && untrackedByRules(this.region, eni.groups, egress, pkt, rules);
    } else {
      const v = this.policyOf(rt).decide(egress, pkt);
      allowed = v !== SG_DENY;
      untracked = v === SG_ALLOW_UNTRACKED;
    }
    const tracked = allowed && (!untracked || rt.alwaysTracked);
    if (allowed && tracked && opts.commit) {
      if (rt.ct.size >= this.conntrackAllowance) {
        rt.ct.sweep(now, eni.connectionTracking);
        if (rt.ct.size >= this.conntrackAllowance) {
          this.stats.allowanceExceeded++;
          hops?.push({ kind: 'security-groups', resourceId: eni.id, direction: dir, allowed: false, detail: `connection-tracking allowance of ${eni.id} exhausted (${this.conntrackAllowance} tracked connections): new connection dropped`, rules });
          return 'CONNTRACK_ALLOWANCE_EXCEEDED';
        }
      }
      rt.ct.open(pkt, egress, now);
    }
    if (hops) {
      const groups = eni.groups.join(', ');
      hops.push({
        kind: 'security-groups', resourceId: eni.id, direction: dir, allowed, rules, tracked: allowed ? tracked : undefined,
        detail: allowed
          ? `${dir} allowed by ${rules!.length} rule${rules!.length > 1 ? 's' : ''} of ${groups}${tracked ? (untracked ? ' (tracked: interface type always tracks)' : ' (tracked)') : ' (untracked flow)'}`
          : `no ${dir} rule of ${groups} allows it`,
      });
    }
    return allowed ? undefined : 'ENI_SG_RULES_MISMATCH';
  }

  private aclStage(subnetId: string, egress: boolean, pkt: Packet, hops: Hop[] | undefined): boolean {
    const compiled = this.networkAcl(subnetId);
    const dir = egress ? 'egress' : 'ingress';
    if (hops) {
      const entry = firstMatchingEntry(compiled.acl, egress, pkt);
      const allowed = entry?.ruleAction === 'allow';
      hops.push({
        kind: 'network-acl', resourceId: compiled.acl.id, subnetId, direction: dir, allowed, aclEntry: entry, packet: pkt,
        detail: entry
          ? `${dir === 'egress' ? 'outbound' : 'inbound'} rule ${entryLabel(entry)} ${entry.ruleAction}s it (first match, subnet ${subnetId})`
          : `no ${dir} entry matches (subnet ${subnetId})`,
      });
      return allowed;
    }
    return verdictAllows(compiled.decide(egress, pkt));
  }

  /**
   * The routing decision for a destination from a subnet: into a VPC (local, or across an active peering), out
   * through an attached internet gateway, or blocked (no route, blackhole, target not modelled). The same rules
   * `send` applies hop by hop, as one answer for the analysis.
   */
  routeDecision(subnetId: string, family: Family, addr: number | bigint): RouteOutcome {
    const rt = this.routeTable(subnetId);
    const route = rt.lookup(family, addr);
    const vpcId = this.region.getSubnet(subnetId).vpcId;
    if (!route) return { kind: 'blocked', code: 'NO_ROUTE_TO_DESTINATION', resourceId: rt.table.id };
    const t = route.target;
    if (t.kind === 'local') return { kind: 'vpc', vpcId, route };
    if (t.kind === 'pcx') {
      const p = this.region.vpcPeeringConnections.get(t.vpcPeeringConnectionId);
      if (!p || p.status !== 'active') return { kind: 'blocked', code: 'BAD_STATE_ROUTE', resourceId: t.vpcPeeringConnectionId, route };
      return { kind: 'vpc', vpcId: p.requesterVpcId === vpcId ? p.accepterVpcId : p.requesterVpcId, route, vpcPeeringConnectionId: p.id };
    }
    if (t.kind === 'igw') {
      const igw = this.region.internetGateways.get(t.gatewayId);
      if (!igw || !igw.attachments.some((a) => a.vpcId === vpcId)) return { kind: 'blocked', code: 'BAD_STATE_ROUTE', resourceId: t.gatewayId, route };
      return { kind: 'internet', route, internetGatewayId: igw.id };
    }
    return { kind: 'blocked', code: 'UNSUPPORTED_ROUTE_TARGET', resourceId: routeTargetText(route), route };
  }

  /** Whether an address is an Amazon-provided service address that SGs and NACLs never filter. */
  unfilteredService(vpcId: string, family: Family, addr: number | bigint): string | undefined {
    if (family === 6) return UNFILTERED_V6[formatIpv6(addr as bigint)];
    // link-local service addresses first: a cheap range test keeps the common case fast
    if ((addr as number) >>> 16 === 0xa9fe) return UNFILTERED_V4[formatIpv4(addr as number)];
    let m = this.unfilteredByVpc.get(vpcId);
    if (!m) {
      // the VPC's Amazon DNS server and each subnet's router (base + 1)
      m = new Map();
      // Amazon DNS sits at the base of the VPC's primary IPv4 block plus two (Amazon VPC User Guide, "Amazon DNS server")
      const primary = this.region.vpcs.get(vpcId)?.cidrBlocks[0];
      if (primary) m.set((parseCidr(primary.cidrBlock).first as number) + 2, 'Amazon DNS');
      for (const sn of this.region.subnets.values()) {
        if (sn.vpcId === vpcId) m.set((parseCidr(sn.cidrBlock).first as number) + 1, 'VPC router');
      }
      this.unfilteredByVpc.set(vpcId, m);
    }
    return m.get(addr as number);
  }

  // ------------------------------------------------------------ whole path

  /**
   * Sends one packet from an endpoint and follows it to where it ends. With `commit` (the default) connection
   * tracking is updated as AWS would; with `trace` each hop records the rule that decided.
   */
  send(from: Endpoint, pkt: Packet, options: SendOptions = {}): Delivery {
    const now = options.now ?? 0;
    const trace = options.trace || options.allBlockers || false;
    const opts: StageOpts = { commit: options.commit ?? true, viaMiddlebox: false, all: options.allBlockers ?? false, assumeReply: options.assumeReply ?? false };
    const out: Delivery = { allowed: true, explanations: [], hops: [], flowEvents: [] };
    const hops = trace ? out.hops : undefined;
    const events = options.flowEvents ? out.flowEvents : undefined;
    const block = (code: ExplanationCode, resourceId: string, message: string, direction?: 'ingress' | 'egress'): boolean => {
      out.allowed = false;
      out.explanations.push({ code, resourceId, message, ...(direction ? { direction } : {}) });
      // Fix: past a block the packet is gone (AWS drops it there), so the stages walked only to name further
      // blockers must not open or refresh tracked connections behind it.
      opts.commit = false;
      return opts.all; // keep walking only when naming every blocker
    };
    if (from.kind === 'internet') {
      this.fromInternet(pkt, now, opts, out, hops, events, block);
      return out;
    }
    const src = this.runtime(from.networkInterfaceId);
    const eni = src.eni;
    const service = this.unfilteredService(eni.vpcId, pkt.family, pkt.dst);
    if (service !== undefined) {
      hops?.push({ kind: 'unfiltered', resourceId: eni.id, allowed: true, detail: `${addrText(pkt.family, pkt.dst)} is ${service}: never filtered by security groups or network ACLs` });
      out.to = { kind: 'aws-service', name: service };
      return out;
    }
    // 1. source security groups, egress
    const sgBlock = this.sgStage(src, true, pkt, now, opts, hops);
    let egressAccepted = sgBlock === undefined;
    if (sgBlock !== undefined && !block(sgBlock, eni.id, sgBlock === 'ENI_SG_RULES_MISMATCH' ? `no outbound rule of ${eni.groups.join(', ')} on ${eni.id} allows ${describe(pkt)}` : `connection-tracking allowance of ${eni.id} exhausted`, 'egress')) {
      events?.push({ networkInterfaceId: eni.id, egress: true, action: 'REJECT', packet: pkt });
      return out;
    }
    // 2. route from the source subnet
    const route = this.routeTable(eni.subnetId).lookup(pkt.family, pkt.dst);
    const rtbId = this.routeTable(eni.subnetId).table.id;
    if (!route) {
      hops?.push({ kind: 'route', resourceId: rtbId, allowed: false, detail: `no route in ${rtbId} matches ${addrText(pkt.family, pkt.dst)}` });
      // the packet left the interface (flow logs record it accepted) and was dropped by the VPC router
      if (egressAccepted) events?.push({ networkInterfaceId: eni.id, egress: true, action: 'ACCEPT', packet: pkt });
      block('NO_ROUTE_TO_DESTINATION', rtbId, `route table ${rtbId} has no route to ${addrText(pkt.family, pkt.dst)}`);
      return out;
    }
    // route and peering hops are shown after the outbound NACL, in the order a packet meets them
    const routeHops: Hop[] = [{ kind: 'route', resourceId: rtbId, allowed: true, route, detail: `route ${routeDestinationText(route)} → ${routeTargetText(route)} in ${rtbId}` }];
    const flushRoute = () => {
      if (hops) hops.push(...routeHops.splice(0));
    };
    const t = route.target;
    if (t.kind === 'local' || t.kind === 'pcx') {
      let vpcId = eni.vpcId;
      if (t.kind === 'pcx') {
        const p = this.region.vpcPeeringConnections.get(t.vpcPeeringConnectionId);
        if (!p || p.status !== 'active') {
          routeHops.push({ kind: 'peering', resourceId: t.vpcPeeringConnectionId, allowed: false, detail: `peering ${t.vpcPeeringConnectionId} is ${p?.status ?? 'gone'}: route is a blackhole` });
          flushRoute();
          if (egressAccepted) events?.push({ networkInterfaceId: eni.id, egress: true, action: 'ACCEPT', packet: pkt });
          block('BAD_STATE_ROUTE', t.vpcPeeringConnectionId, `peering connection ${t.vpcPeeringConnectionId} is ${p?.status ?? 'deleted'}`);
          return out;
        }
        vpcId = p.requesterVpcId === eni.vpcId ? p.accepterVpcId : p.requesterVpcId;
        routeHops.push({ kind: 'peering', resourceId: p.id, allowed: true, detail: `across active peering ${p.id} to ${vpcId}` });
      }
      const dstId = this.eniByPrivateAddress(vpcId, pkt.dst);
      if (dstId === undefined) {
        // leaves the subnet; the NACL still applies on the way out
        if (!this.aclStage(eni.subnetId, true, pkt, hops)) {
          egressAccepted = false;
          block('SUBNET_ACL_RESTRICTION', this.networkAcl(eni.subnetId).acl.id, `network ACL of ${eni.subnetId} denies it outbound`, 'egress');
        }
        flushRoute();
        events?.push({ networkInterfaceId: eni.id, egress: true, action: egressAccepted ? 'ACCEPT' : 'REJECT', packet: pkt });
        block('NO_DESTINATION', vpcId, `no network interface in ${vpcId} has address ${addrText(pkt.family, pkt.dst)}`);
        return out;
      }
      const dst = this.runtime(dstId);
      const crosses = dst.eni.subnetId !== eni.subnetId;
      // 3. network ACLs apply only when the packet leaves one subnet and enters another
      if (crosses && !this.aclStage(eni.subnetId, true, pkt, hops)) {
        egressAccepted = false;
        if (!block('SUBNET_ACL_RESTRICTION', this.networkAcl(eni.subnetId).acl.id, `outbound rules of the network ACL of ${eni.subnetId} deny ${describe(pkt)}`, 'egress')) {
          events?.push({ networkInterfaceId: eni.id, egress: true, action: 'REJECT', packet: pkt });
          flushRoute();
          return out;
        }
      }
      events?.push({ networkInterfaceId: eni.id, egress: true, action: egressAccepted ? 'ACCEPT' : 'REJECT', packet: pkt });
      if (!crosses) hops?.push({ kind: 'network-acl', resourceId: eni.subnetId, allowed: true, detail: `same subnet ${eni.subnetId}: network ACLs do not apply` });
      flushRoute();
      this.arrive(dst, pkt, now, opts, out, hops, events, block, crosses);
      return out;
    }
    if (t.kind === 'igw') {
      const igw = this.region.internetGateways.get(t.gatewayId);
      if (!igw || !igw.attachments.some((a) => a.vpcId === eni.vpcId)) {
        flushRoute();
        if (egressAccepted) events?.push({ networkInterfaceId: eni.id, egress: true, action: 'ACCEPT', packet: pkt });
        block('BAD_STATE_ROUTE', t.gatewayId, `internet gateway ${t.gatewayId} is not attached to ${eni.vpcId}: route is a blackhole`);
        return out;
      }
      if (!this.aclStage(eni.subnetId, true, pkt, hops)) {
        egressAccepted = false;
        if (!block('SUBNET_ACL_RESTRICTION', this.networkAcl(eni.subnetId).acl.id, `outbound rules of the network ACL of ${eni.subnetId} deny ${describe(pkt)}`, 'egress')) {
          events?.push({ networkInterfaceId: eni.id, egress: true, action: 'REJECT', packet: pkt });
          flushRoute();
          return out;
        }
      }
      flushRoute();
      events?.push({ networkInterfaceId: eni.id, egress: true, action: egressAccepted ? 'ACCEPT' : 'REJECT', packet: pkt });
      // The internet gateway translates the private IPv4 source to its public IPv4; without one the packet is dropped.
      let outPkt = pkt;
      if (pkt.family === 4) {
        const priv = eni.privateIpAddresses.find((p) => tryParseIp(p.privateIpAddress)!.value === pkt.src);
        if (!priv?.association) {
          hops?.push({ kind: 'internet-gateway', resourceId: igw.id, allowed: false, detail: `${addrText(4, pkt.src)} has no public IPv4 address: ${igw.id} cannot translate it` });
          block('NO_PUBLIC_IP', eni.id, `${eni.id} has no public or Elastic IP for ${addrText(4, pkt.src)}, so ${igw.id} drops its traffic`);
          return out;
        }
        outPkt = { ...pkt, src: tryParseIp(priv.association.publicIp)!.value };
        hops?.push({ kind: 'internet-gateway', resourceId: igw.id, allowed: true, detail: `${igw.id} translates ${addrText(4, pkt.src)} to ${priv.association.publicIp}` });
      } else hops?.push({ kind: 'internet-gateway', resourceId: igw.id, allowed: true, detail: `out through ${igw.id}` });
      // Another interface's public address: the packet comes back in from the internet.
      if (this.eniByPublicAddress(outPkt.dst) !== undefined) {
        this.fromInternet(outPkt, now, opts, out, hops, events, block);
        return out;
      }
      // The internet does not carry private or reserved destinations: the packet is lost past the gateway.
      if (!isInternetAddress(pkt.family, outPkt.dst)) {
        hops?.push({ kind: 'delivered', resourceId: 'internet', allowed: false, detail: `${addrText(pkt.family, pkt.dst)} is not an internet address: nothing beyond ${igw.id} routes it` });
        block('NO_ROUTE_TO_DESTINATION', igw.id, `${addrText(pkt.family, pkt.dst)} is not an internet address, so nothing beyond ${igw.id} routes it`);
        return out;
      }
      out.to = { kind: 'internet' };
      out.delivered = outPkt;
      hops?.push({ kind: 'delivered', resourceId: 'internet', allowed: out.allowed, detail: `to the internet (${addrText(pkt.family, pkt.dst)})` });
      return out;
    }
    flushRoute();
    if (egressAccepted) events?.push({ networkInterfaceId: eni.id, egress: true, action: 'ACCEPT', packet: pkt });
    block('UNSUPPORTED_ROUTE_TARGET', routeTargetText(route), `route target ${routeTargetText(route)} (${t.kind}) is not modelled by rampart yet`);
    return out;
  }

  private fromInternet(pkt: Packet, now: number, opts: StageOpts, out: Delivery, hops: Hop[] | undefined, events: FlowEvent[] | undefined, block: BlockFn): void {
    const dstId = this.eniByPublicAddress(pkt.dst);
    if (dstId === undefined) {
      hops?.push({ kind: 'internet-gateway', resourceId: 'internet', allowed: false, detail: `no interface has the public address ${addrText(pkt.family, pkt.dst)}` });
      block('IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS', addrText(pkt.family, pkt.dst), `${addrText(pkt.family, pkt.dst)} is not a public address of any interface`);
      return;
    }
    const dst = this.runtime(dstId);
    const igw = this.region.attachedInternetGateway(dst.eni.vpcId);
    if (!igw) {
      hops?.push({ kind: 'internet-gateway', resourceId: dst.eni.vpcId, allowed: false, detail: `${dst.eni.vpcId} has no internet gateway attached` });
      if (!block('BAD_STATE_ATTACHMENT', dst.eni.vpcId, `no internet gateway is attached to ${dst.eni.vpcId}`)) return;
    }
    let inPkt = pkt;
    if (pkt.family === 4) {
      const priv = dst.eni.privateIpAddresses.find((p) => p.association && tryParseIp(p.association.publicIp)!.value === pkt.dst)!;
      inPkt = { ...pkt, dst: tryParseIp(priv.privateIpAddress)!.value };
      hops?.push({ kind: 'internet-gateway', resourceId: igw?.id ?? '-', allowed: true, detail: `${igw?.id ?? 'internet gateway'} translates ${addrText(4, pkt.dst)} to ${priv.privateIpAddress}` });
    } else hops?.push({ kind: 'internet-gateway', resourceId: igw?.id ?? '-', allowed: true, detail: `in through ${igw?.id ?? 'internet gateway'}` });
    this.arrive(dst, inPkt, now, opts, out, hops, events, block, true);
  }

  /** The destination side: subnet NACL in (when entering from elsewhere), then the destination's security groups. */
  private arrive(dst: EniRuntime, pkt: Packet, now: number, opts: StageOpts, out: Delivery, hops: Hop[] | undefined, events: FlowEvent[] | undefined, block: BlockFn, crosses: boolean): void {
    out.to = { kind: 'eni', networkInterfaceId: dst.eni.id };
    out.delivered = pkt;
    let accepted = true;
    if (crosses && !this.aclStage(dst.eni.subnetId, false, pkt, hops)) {
      accepted = false;
      if (!block('SUBNET_ACL_RESTRICTION', this.networkAcl(dst.eni.subnetId).acl.id, `inbound rules of the network ACL of ${dst.eni.subnetId} deny ${describe(pkt)}`, 'ingress')) {
        events?.push({ networkInterfaceId: dst.eni.id, egress: false, action: 'REJECT', packet: pkt });
        return;
      }
    }
    const sgBlock = this.sgStage(dst, false, pkt, now, opts, hops);
    if (sgBlock !== undefined) {
      accepted = false;
      block(sgBlock, dst.eni.id, sgBlock === 'ENI_SG_RULES_MISMATCH' ? `no inbound rule of ${dst.eni.groups.join(', ')} on ${dst.eni.id} allows ${describe(pkt)}` : `connection-tracking allowance of ${dst.eni.id} exhausted`, 'ingress');
    }
    events?.push({ networkInterfaceId: dst.eni.id, egress: false, action: accepted ? 'ACCEPT' : 'REJECT', packet: pkt });
    hops?.push({ kind: 'delivered', resourceId: dst.eni.id, allowed: out.allowed, detail: out.allowed ? `delivered to ${dst.eni.id}` : `not delivered to ${dst.eni.id}` });
  }

  /**
   * One interface's own decision for a packet crossing it: the subnet's network ACL (when the packet crosses
   * the subnet boundary) and the security groups with connection tracking. true when the packet passes.
   * This is the unit the engine repeats at every hop, exposed for benchmarks and tools.
   */
  decideAtInterface(eniId: string, egress: boolean, pkt: Packet, options: { now?: number; commit?: boolean; crossesSubnet?: boolean } = {}): boolean {
    const rt = this.runtimes.get(eniId) ?? this.runtime(eniId);
    return this.decideFast(rt, egress, pkt, options.now ?? 0, options.commit !== false, options.crossesSubnet !== false);
  }

  /**
   * A decider bound to one interface, for callers that judge many packets there (flow replay, benchmarks):
   * the same decision as decideAtInterface without looking the interface up each time. Valid while the
   * interface exists.
   */
  interfaceDecider(eniId: string): (egress: boolean, pkt: Packet, now?: number, commit?: boolean) => boolean {
    const rt = this.runtime(eniId);
    return (egress, pkt, now = 0, commit = true) => this.decideFast(rt, egress, pkt, now, commit, true);
  }

  /**
   * A judge bound to one interface that decides by the rules alone, as for the first packet of a new
   * connection: the subnet's network ACL when `crossesSubnet`, then the security groups — no connection
   * tracking is consulted or recorded (flow replay judges every flow this way). Valid while the interface exists.
   */
  interfaceJudge(eniId: string): (egress: boolean, pkt: Packet, crossesSubnet: boolean) => boolean {
    const rt = this.runtime(eniId);
    return (egress, pkt, crossesSubnet) => {
      const port = matchPort(pkt);
      if (crossesSubnet && !verdictAllows(this.runtimeAcl(rt).decidePort(egress, pkt, port))) return false;
      const groups = rt.eni.groups;
      if (groups.length === 0) return true;
      let policy = rt.policy;
      if (policy === undefined || !policy.valid) policy = rt.policy = this.groupSet(groups);
      return policy.decidePort(egress, pkt, port) !== SG_DENY;
    };
  }

  /** The compiled ACL of an interface's subnet, kept on the runtime while no ACL or association changes. */
  private runtimeAcl(rt: EniRuntime): CompiledAcl {
    let acl = rt.acl;
    if (acl === undefined || rt.aclEpoch !== this.aclEpoch) {
      acl = rt.acl = this.networkAcl(rt.eni.subnetId);
      rt.aclEpoch = this.aclEpoch;
    }
    return acl;
  }

  /** The hot path of one interface: subnet NACL, then security groups with connection tracking; no tracing. */
  private decideFast(rt: EniRuntime, egress: boolean, pkt: Packet, now: number, commit: boolean, crossesSubnet: boolean): boolean {
    const port = matchPort(pkt);
    if (crossesSubnet && !verdictAllows(this.runtimeAcl(rt).decidePort(egress, pkt, port))) return false;
    const eni = rt.eni;
    if (eni.groups.length === 0) return true;
    const ct = rt.ct;
    const m = ct.find(pkt, now, eni.connectionTracking);
    if (m !== undefined) {
      if (commit) ct.touch(m, ct.lastReply, pkt, now);
      return true;
    }
    let policy = rt.policy;
    if (policy === undefined || !policy.valid) policy = rt.policy = this.groupSet(eni.groups);
    const v = policy.decidePort(egress, pkt, port);
    if (v === SG_DENY) return false;
    if (commit && (v !== SG_ALLOW_UNTRACKED || rt.alwaysTracked)) {
      // the same bookkeeping as sgStage: the allowance, then a new tracked connection
      if (ct.size >= this.conntrackAllowance) return this.sgStage(rt, egress, pkt, now, COMMIT, undefined) === undefined;
      ct.open(pkt, egress, now);
    }
    return true;
  }

  /** Live tracked connections of an interface (for inspection and tests). */
  connections(eniId: string, now = 0): number {
    const rt = this.runtime(eniId);
    rt.ct.sweep(now, rt.eni.connectionTracking);
    return rt.ct.size;
  }

  /** Forgets every tracked connection (all interfaces). */
  resetConnections(): void {
    for (const rt of this.runtimes.values()) rt.ct.clear();
  }
}

type BlockFn = (code: ExplanationCode, resourceId: string, message: string, direction?: 'ingress' | 'egress') => boolean;

interface StageOpts {
  commit: boolean;
  /** the packet came through a middlebox: group references do not match it */
  viaMiddlebox: boolean;
  all: boolean;
  assumeReply: boolean;
}

const COMMIT: StageOpts = Object.freeze({ commit: true, viaMiddlebox: false, all: false, assumeReply: false });
const JUDGE_ONLY: StageOpts = Object.freeze({ commit: false, viaMiddlebox: false, all: false, assumeReply: false });

function fmtAgo(s: number): string {
  return s < 1 ? 'just now' : `${Math.round(s)}s ago`;
}

export function entryLabel(e: NetworkAclEntry): string {
  const proto = e.protocol === -1 ? 'all' : e.protocol === 6 ? 'tcp' : e.protocol === 17 ? 'udp' : e.protocol === 1 ? 'icmp' : e.protocol === 58 ? 'icmpv6' : `proto ${e.protocol}`;
  const ports = e.portRange ? ` ${e.portRange.from === e.portRange.to ? e.portRange.from : `${e.portRange.from}-${e.portRange.to}`}` : '';
  const icmp = e.icmpTypeCode && e.icmpTypeCode.type !== -1 ? ` type ${e.icmpTypeCode.type}${e.icmpTypeCode.code !== -1 ? ` code ${e.icmpTypeCode.code}` : ''}` : '';
  const num = e.ruleNumber >= 32767 ? '*' : String(e.ruleNumber);
  return `#${num} (${proto}${ports}${icmp} ${e.cidrBlock ?? e.ipv6CidrBlock})`;
}

function describe(p: Packet): string {
  const proto = p.protocol === 6 ? 'TCP' : p.protocol === 17 ? 'UDP' : p.protocol === 1 ? 'ICMP' : p.protocol === 58 ? 'ICMPv6' : `protocol ${p.protocol}`;
  const port = p.protocol === 6 || p.protocol === 17 ? ` port ${p.dstPort}` : p.protocol === 1 || p.protocol === 58 ? ` type ${p.icmpType ?? 0}` : '';
  return `${proto}${port} ${addrText(p.family, p.src)} → ${addrText(p.family, p.dst)}`;
}

export { verdictRule };
