// The audit checks over a Region. Configuration checks read the rules; every check that depends on what is
// reachable (internet exposure, the severity of world-open rules, NACL return paths, redundancy in the union of
// an interface's groups) asks the exact analysis: Questions.exposure and Reachability for paths, the engine's
// compiled network ACLs for first-match verdicts, and the engine's own rule semantics (rulePorts, peerAddresses).
import { createHash } from 'node:crypto';
import { BigSet, INTERNET_V4, INTERNET_V6, NumberSet, parseCidr, PROTO_ALL, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tryParseIp, type Family } from '../net/index.js';
import type { NetworkAcl, NetworkAclEntry, NetworkInterface, SecurityGroup, SecurityGroupRule } from '../model/types.js';
import type { Region } from '../state/region.js';
import { Engine } from '../engine/engine.js';
import { CompiledAcl, verdictRule } from '../engine/nacl.js';
import { groupReferenceLive, peerAddresses, rulePorts } from '../engine/policy.js';
import { Reachability } from '../analysis/reach.js';
import { Questions, type ExposureFinding } from '../analysis/questions.js';
import { ADMIN_PORTS, check, HIGH_RISK_PORTS } from './catalog.js';
import { severityRank, SEVERITIES, type AuditSeverity, type Finding } from './types.js';

export interface AuditOptions {
  /** TCP/UDP ports allowed open to the whole internet (RMP-SG-007); default 80, 443 */
  allowedPorts?: number[];
  /** the client ports responses must return to (RMP-NACL-003); default Linux 32768-61000 */
  ephemeral?: { lo: number; hi: number };
  /** names of resources (from a scenario), for messages */
  nameOf?: (id: string) => string | undefined;
  /** only these checks (ids); default all */
  only?: string[];
  /** skip these checks (ids) */
  skip?: string[];
}

export const DEFAULT_ALLOWED_PORTS = [80, 443];

const ALL_PORTS = NumberSet.range(0, 65535);
const INTERNET6 = BigSet.range(INTERNET_V6.lo, INTERNET_V6.hi);
const ADMIN_SET = NumberSet.of(ADMIN_PORTS.map((p) => ({ lo: p, hi: p })));
const HIGH_RISK_SET = NumberSet.of(HIGH_RISK_PORTS.map((p) => ({ lo: p, hi: p })));
/** a documentation address that counts as internet (src/net/internet.ts): the representative IPv6 internet source */
const REPRESENTATIVE_V6 = tryParseIp('2001:db8:ffff::10')!.value as bigint;

export function fingerprint(parts: (string | number | boolean | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => String(p ?? '')).join('\u0000')).digest('hex').slice(0, 32);
}

/** Two steps less severe, never below low: a problem that has no path from the internet today. */
function lowered(s: AuditSeverity): AuditSeverity {
  const i = Math.min(severityRank(s) + 2, severityRank('low'));
  return SEVERITIES[Math.max(i, severityRank(s))];
}

function protoText(p: number): string {
  return p === PROTO_ALL ? 'all traffic' : p === PROTO_TCP ? 'tcp' : p === PROTO_UDP ? 'udp' : p === PROTO_ICMP ? 'icmp' : p === PROTO_ICMPV6 ? 'icmpv6' : `protocol ${p}`;
}

function peerText(rule: SecurityGroupRule): string {
  const p = rule.peer;
  return p.kind === 'cidr4' || p.kind === 'cidr6' ? p.cidr : p.kind === 'prefixList' ? p.prefixListId : p.groupId;
}

/** `tcp 22`, `udp 1000-2000`, `all traffic`, `icmp type 8` */
export function ruleText(rule: SecurityGroupRule): string {
  if (rule.protocol === PROTO_ALL) return 'all traffic';
  if (rule.protocol === PROTO_TCP || rule.protocol === PROTO_UDP) {
    const ports = rule.fromPort === 0 && rule.toPort === 65535 ? 'all ports' : rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
    return `${protoText(rule.protocol)} ${ports}`;
  }
  if (rule.protocol === PROTO_ICMP || rule.protocol === PROTO_ICMPV6) return rule.fromPort === -1 ? `${protoText(rule.protocol)} all` : `${protoText(rule.protocol)} type ${rule.fromPort}${rule.toPort !== -1 ? ` code ${rule.toPort}` : ''}`;
  return protoText(rule.protocol);
}

function ruleKey(rule: SecurityGroupRule): string {
  return `${rule.isEgress ? 'out' : 'in'}|${rule.protocol}|${rule.fromPort}|${rule.toPort}|${peerText(rule)}`;
}

/** The CIDR peers of a rule (its own CIDR or its prefix list's entries). Group references have none. */
function ruleCidrs(region: Region, rule: SecurityGroupRule): string[] {
  const p = rule.peer;
  if (p.kind === 'cidr4' || p.kind === 'cidr6') return [p.cidr];
  if (p.kind === 'prefixList') return (region.prefixLists.get(p.prefixListId)?.entries ?? []).map((e) => e.cidr);
  return [];
}

function cidrSets(cidrs: string[]): { v4: NumberSet; v6: BigSet } {
  const r4: { lo: number; hi: number }[] = [];
  const r6: { lo: bigint; hi: bigint }[] = [];
  for (const text of cidrs) {
    const c = parseCidr(text);
    if (c.family === 4) r4.push({ lo: c.first, hi: c.last });
    else r6.push({ lo: c.first, hi: c.last });
  }
  return { v4: NumberSet.of(r4), v6: BigSet.of(r6) };
}

/** TCP and UDP ports a rule opens (ICMP and other protocols have none). */
function tcpUdpPorts(rule: SecurityGroupRule): { protocol: number; ports: NumberSet }[] {
  const out: { protocol: number; ports: NumberSet }[] = [];
  for (const p of [PROTO_TCP, PROTO_UDP]) {
    const s = rulePorts(rule, p);
    if (s && !s.isEmpty) out.push({ protocol: p, ports: s });
  }
  return out;
}

function portsText(list: { protocol: number; ports: NumberSet }[]): string {
  return list.map((x) => `${protoText(x.protocol)} ${x.ports.equals(ALL_PORTS) ? 'all ports' : x.ports.format()}`).join(', ');
}

interface RuleExposure {
  exposed: boolean;
  /** interfaces with a public path for the rule's traffic */
  exposedInterfaces: string[];
  /** why the rule is not reachable, when it is not */
  reason?: string;
}

/** The audit of one Region. */
export class Auditor {
  readonly engine: Engine;
  readonly reach: Reachability;
  readonly q: Questions;
  private readonly findings: Finding[] = [];
  /** time spent per group of checks in the last run (for the benchmark) */
  readonly timings: { checks: string[]; ms: number; heapUsed: number }[] = [];
  private readonly allowed: NumberSet;
  private exposureByEni: Map<string, ExposureFinding> | undefined;
  private readonly ruleExposureCache = new Map<string, { exposed: boolean; reason?: string }>();
  private readonly compiledAcls = new Map<string, CompiledAcl>();
  private readonly only?: Set<string>;
  private readonly skip: Set<string>;

  constructor(readonly region: Region, readonly opts: AuditOptions = {}) {
    this.engine = new Engine(region);
    this.reach = new Reachability(this.engine, { ephemeral: opts.ephemeral });
    this.q = new Questions(this.reach);
    const allowed = opts.allowedPorts ?? DEFAULT_ALLOWED_PORTS;
    this.allowed = NumberSet.of(allowed.map((p) => ({ lo: p, hi: p })));
    this.only = opts.only ? new Set(opts.only) : undefined;
    this.skip = new Set(opts.skip ?? []);
  }

  dispose(): void {
    this.q.dispose();
    this.engine.dispose();
  }

  private wants(id: string): boolean {
    return (this.only === undefined || this.only.has(id)) && !this.skip.has(id);
  }

  private name(id: string): string {
    const n = this.opts.nameOf?.(id);
    if (n) return `${n} (${id})`;
    const g = this.region.securityGroups.get(id);
    return g ? `${g.name} (${id})` : id;
  }

  /**
   * What a fingerprint names a resource by: its scenario name when it has one (ids of scenario files follow the
   * order resources are created in, so an added rule renumbers later ones), else its AWS id (stable in AWS).
   */
  private stable(id: string): string {
    const n = this.opts.nameOf?.(id);
    return n ? `name:${n}` : id;
  }

  private add(f: Omit<Finding, 'fingerprint' | 'resourceType' | 'fix'> & { fix?: string; key?: string }): void {
    const info = check(f.checkId);
    const { key, ...rest } = f;
    const name = this.opts.nameOf?.(f.resourceId) ?? this.region.securityGroups.get(f.resourceId)?.name;
    this.findings.push({
      ...rest,
      resourceType: info.resourceType,
      ...(name ? { resourceName: name } : {}),
      fix: f.fix ?? info.fix,
      fingerprint: fingerprint([f.checkId, this.stable(f.resourceId), (key ?? '').replace(/\b(?:sg|pl|acl|eni|subnet|vpc|pcx)-[0-9a-f]+\b/g, (id) => this.stable(id))]),
    });
  }

  /** Every check; findings sorted by severity, check and resource. */
  run(): Finding[] {
    const steps: [string[], () => void][] = [
      [['RMP-SG-001', 'RMP-SG-002'], () => this.defaultGroups()],
      [['RMP-SG-003', 'RMP-SG-004', 'RMP-SG-005', 'RMP-SG-006', 'RMP-SG-007', 'RMP-SG-008', 'RMP-SG-009'], () => this.internetRules()],
      [['RMP-SG-010'], () => this.familyMismatch()],
      [['RMP-SG-011'], () => this.overlaps()],
      [['RMP-SG-012'], () => this.redundant()],
      [['RMP-SG-013', 'RMP-SG-014', 'RMP-SG-015', 'RMP-SG-020', 'RMP-SG-021'], () => this.hygiene()],
      [['RMP-SG-016'], () => this.stale()],
      [['RMP-SG-017'], () => this.unusedGroups()],
      [['RMP-SG-018'], () => this.identicalGroups()],
      [['RMP-SG-019'], () => this.nearQuota()],
      [['RMP-NACL-001', 'RMP-NACL-002'], () => this.naclEntries()],
      [['RMP-NACL-003'], () => this.returnPaths()],
      [['RMP-NACL-004'], () => this.unusedAcls()],
      [['RMP-ENI-001'], () => this.eniExposure()],
    ];
    for (const [ids, f] of steps) {
      if (!ids.some((id) => this.wants(id))) continue;
      const t0 = performance.now();
      f();
      this.timings.push({ checks: ids, ms: performance.now() - t0, heapUsed: process.memoryUsage().heapUsed });
    }
    const out = this.findings.filter((f) => this.wants(f.checkId));
    return out.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.checkId.localeCompare(b.checkId) || a.resourceId.localeCompare(b.resourceId) || (a.ruleId ?? '').localeCompare(b.ruleId ?? '') || (a.aclEntry?.ruleNumber ?? 0) - (b.aclEntry?.ruleNumber ?? 0));
  }

  // ------------------------------------------------------------------ exposure helpers

  /** IPv4 exposure by interface (the whole-internet answer ruleExposure reuses for IPv4 rules). */
  private exposure(): Map<string, ExposureFinding> {
    if (!this.exposureByEni) this.exposureByEni = new Map(this.q.exposure().filter((x) => x.family === 4).map((x) => [x.networkInterfaceId, x]));
    return this.exposureByEni;
  }

  private acl(aclId: string): CompiledAcl {
    let c = this.compiledAcls.get(aclId);
    if (!c) this.compiledAcls.set(aclId, (c = new CompiledAcl(this.region.networkAcls.get(aclId)!)));
    return c;
  }

  /**
   * Whether an inbound rule's internet traffic really reaches any interface that has the group: the exact
   * analysis, not the rule text. IPv4 from the whole internet: Questions.exposure (every internet source);
   * narrower IPv4 sources: the reachability walk from one internet address of the rule's range; IPv6: the walk
   * from one global address of the range (the exposure question's IPv6 rows are cut per interface, not per rule).
   */
  private ruleExposure(rule: SecurityGroupRule, family: Family, sources: NumberSet | BigSet, wholeInternet: boolean): RuleExposure {
    const members = [...this.region.groupMembers(rule.groupId)];
    if (members.length === 0) return { exposed: false, exposedInterfaces: [], reason: 'no network interface uses the group' };
    const wanted = rule.protocol === PROTO_ALL ? undefined : rule.protocol;
    const rulePortsOf = (p: number) => rulePorts(rule, p);
    const exposedInterfaces: string[] = [];
    const reasons = new Set<string>();
    for (const id of members) {
      const eni = this.region.networkInterfaces.get(id);
      if (!eni) continue;
      const key = `${[...eni.groups].sort().join(',')}|${eni.subnetId}|${family}|${wholeInternet}|${ruleKey(rule)}|${family === 4 ? eni.privateIpAddresses.some((p) => p.association) : eni.ipv6Addresses.length > 0}`;
      let r = this.ruleExposureCache.get(key);
      if (!r) {
        r = this.eniRuleExposure(eni, family, sources, wholeInternet, wanted, rulePortsOf);
        this.ruleExposureCache.set(key, r);
      }
      if (r.exposed) exposedInterfaces.push(id);
      else if (r.reason) reasons.add(r.reason);
    }
    return { exposed: exposedInterfaces.length > 0, exposedInterfaces, reason: exposedInterfaces.length ? undefined : [...reasons].sort().join('; ') || 'no public path' };
  }

  private eniRuleExposure(eni: NetworkInterface, family: Family, sources: NumberSet | BigSet, whole: boolean, wanted: number | undefined, portsOf: (p: number) => NumberSet | undefined): { exposed: boolean; reason?: string } {
    const hits = (protocol: number, ports: NumberSet): boolean => {
      if (protocol === this.reach.otherProtocol) return wanted === undefined;
      if (wanted !== undefined && protocol !== wanted) return false;
      const rp = wanted === undefined ? ALL_PORTS : portsOf(protocol);
      return rp !== undefined && !rp.intersect(ports).isEmpty;
    };
    if (!this.region.attachedInternetGateway(eni.vpcId)) return { exposed: false, reason: 'the VPC has no internet gateway' };
    if (family === 4) {
      const pub = eni.privateIpAddresses.find((p) => p.association)?.association?.publicIp;
      if (pub === undefined) return { exposed: false, reason: 'no public IPv4 address' };
      if (whole) {
        const x = this.exposure().get(eni.id);
        if (x && x.rows.some((row) => row.ports.some((p) => !p.partial && hits(p.protocol, p.ports)))) return { exposed: true };
      } else {
        const src = this.representative4(sources as NumberSet);
        if (src !== undefined) {
          const list = this.reach.allProtocols({ kind: 'internet' }, 4, src, tryParseIp(pub)!.value);
          if (list.some((p) => hits(p.protocol, p.reachable))) return { exposed: true };
        }
      }
      return { exposed: false, reason: this.blockReason(eni, 4, whole ? tryParseIp('198.51.100.10')!.value : this.representative4(sources as NumberSet), tryParseIp(pub)!.value) };
    }
    const addr6 = eni.ipv6Addresses[0];
    if (addr6 === undefined) return { exposed: false, reason: 'no IPv6 address' };
    const src = (sources as BigSet).has(REPRESENTATIVE_V6) ? REPRESENTATIVE_V6 : (sources as BigSet).intersect(INTERNET6).ranges[0]?.lo;
    if (src === undefined) return { exposed: false, reason: 'no internet source' };
    const dst = tryParseIp(addr6)!.value as bigint;
    const list = this.reach.allProtocols({ kind: 'internet' }, 6, src, dst);
    if (list.some((p) => hits(p.protocol, p.reachable))) return { exposed: true };
    return { exposed: false, reason: this.blockReason(eni, 6, src, dst) };
  }

  /** An internet address of a set, outside the estate's own public addresses (198.51.100.10 when it is in). */
  private representative4(sources: NumberSet): number | undefined {
    const doc = tryParseIp('198.51.100.10')!.value as number;
    if (sources.has(doc)) return doc;
    for (const r of sources.intersect(INTERNET_V4).ranges) {
      for (let a = r.lo; a <= r.hi && a < r.lo + 64; a++) if (this.engine.eniByPublicAddress(a) === undefined) return a;
    }
    return undefined;
  }

  /** Why the internet does not get a request in and the response out, in words. */
  private blockReason(eni: NetworkInterface, family: Family, src: number | bigint | undefined, dst: number | bigint): string {
    if (src === undefined) return 'no internet source';
    const route = this.engine.routeDecision(eni.subnetId, family, src);
    if (route.kind !== 'internet') return `the subnet has no route to the internet gateway for ${family === 4 ? '0.0.0.0/0' : '::/0'}`;
    const p = this.reach.path({ kind: 'internet' }, family, src, dst);
    if (p.blocked) return `blocked: ${p.blocked}`;
    return 'the network ACL or other filters block the request or its response';
  }

  // ------------------------------------------------------------------ security group checks

  private defaultGroups(): void {
    for (const g of this.region.securityGroups.values()) {
      if (g.name !== 'default') continue;
      const rules = [...g.ingress, ...g.egress];
      if (rules.length) {
        this.add({
          checkId: 'RMP-SG-001', severity: 'medium', resourceId: g.id, vpcId: g.vpcId,
          message: `the default security group of ${g.vpcId} has ${g.ingress.length} inbound and ${g.egress.length} outbound rule(s)`,
          details: { inboundRules: g.ingress, outboundRules: g.egress },
        });
      }
      const members = [...this.region.groupMembers(g.id)];
      if (members.length) {
        this.add({
          checkId: 'RMP-SG-002', severity: 'medium', resourceId: g.id, vpcId: g.vpcId,
          message: `${members.length} network interface(s) use the default security group of ${g.vpcId}: ${members.slice(0, 5).map((m) => this.name(m)).join(', ')}${members.length > 5 ? ', …' : ''}`,
          details: { networkInterfaces: members },
        });
      }
    }
  }

  /** World-open, wide and single-address inbound rules (RMP-SG-003 … 009), with severity by real exposure. */
  private internetRules(): void {
    for (const rule of this.region.securityGroupRules.values()) {
      if (rule.isEgress) continue;
      const cidrs = ruleCidrs(this.region, rule);
      if (cidrs.length === 0) continue;
      const g = this.region.securityGroups.get(rule.groupId)!;
      const sets = cidrSets(cidrs);
      const world4 = !sets.v4.isEmpty && sets.v4.covers(INTERNET_V4);
      const world6 = !sets.v6.isEmpty && sets.v6.covers(INTERNET6);
      const base = { resourceId: g.id, vpcId: g.vpcId, ruleId: rule.id };
      for (const [family, world] of [[4, world4], [6, world6]] as const) {
        if (!world) continue;
        const src = family === 4 ? '0.0.0.0/0' : '::/0';
        const sources = family === 4 ? sets.v4 : sets.v6;
        const exp = this.ruleExposure(rule, family, sources, true);
        const sev = (s: AuditSeverity) => (exp.exposed ? s : lowered(s));
        const how = exp.exposed ? `reachable now on ${exp.exposedInterfaces.length} interface(s): ${exp.exposedInterfaces.slice(0, 3).map((i) => this.name(i)).join(', ')}${exp.exposedInterfaces.length > 3 ? ', …' : ''}` : `no public path today (${exp.reason}), so reported at lower severity`;
        const details = { family, exposed: exp.exposed, exposedInterfaces: exp.exposedInterfaces, ...(exp.reason ? { notExposedBecause: exp.reason } : {}) };
        if (rule.protocol === PROTO_ALL) {
          this.add({ ...base, checkId: 'RMP-SG-003', severity: sev('critical'), key: `${ruleKey(rule)}|${family}`, details,
            message: `${this.name(g.id)} allows all traffic from the whole ${family === 4 ? 'IPv4' : 'IPv6'} internet (${peerText(rule)}, rule ${rule.id}); ${how}` });
        }
        const tu = tcpUdpPorts(rule);
        const admin = tu.map((x) => ({ protocol: x.protocol, ports: x.ports.intersect(ADMIN_SET) })).filter((x) => !x.ports.isEmpty);
        if (admin.length) {
          this.add({ ...base, checkId: family === 4 ? 'RMP-SG-004' : 'RMP-SG-005', severity: sev('critical'), key: `${ruleKey(rule)}|${family}`, details: { ...details, ports: portsText(admin) },
            message: `${this.name(g.id)} opens ${portsText(admin)} (${admin.some((x) => x.ports.has(22)) ? 'SSH' : ''}${admin.some((x) => x.ports.has(22)) && admin.some((x) => x.ports.has(3389)) ? '/' : ''}${admin.some((x) => x.ports.has(3389)) ? 'RDP' : ''}) to ${src} by ${ruleText(rule)} (rule ${rule.id}); ${how}` });
        }
        if (rule.protocol === PROTO_ALL) continue;
        const risky = tu.map((x) => ({ protocol: x.protocol, ports: x.ports.intersect(HIGH_RISK_SET) })).filter((x) => !x.ports.isEmpty);
        if (risky.length) {
          this.add({ ...base, checkId: 'RMP-SG-006', severity: sev('high'), key: `${ruleKey(rule)}|${family}`, details: { ...details, ports: portsText(risky) },
            message: `${this.name(g.id)} opens high-risk/data-store ${portsText(risky)} to ${src} by ${ruleText(rule)} (rule ${rule.id}); ${how}` });
        }
        const rest = tu.map((x) => ({ protocol: x.protocol, ports: x.ports.subtract(this.allowed).subtract(ADMIN_SET).subtract(HIGH_RISK_SET) })).filter((x) => !x.ports.isEmpty);
        if (rest.length) {
          this.add({ ...base, checkId: 'RMP-SG-007', severity: sev('medium'), key: `${ruleKey(rule)}|${family}`, details: { ...details, ports: portsText(rest), allowedPorts: this.allowed.format() },
            message: `${this.name(g.id)} opens ${portsText(rest)} to ${src}, outside the allowed ports ${this.allowed.format() || '(none)'} (rule ${rule.id}); ${how}` });
        }
      }
      // narrower public sources, per CIDR (a prefix list may hold several)
      for (const text of cidrs) {
        const c = parseCidr(text);
        if (c.family === 4) {
          const s = NumberSet.range(c.first, c.last);
          const pub = s.intersect(INTERNET_V4);
          if (pub.isEmpty || world4) continue;
          if (c.prefix === 32) {
            this.add({ ...base, checkId: 'RMP-SG-009', severity: 'low', key: `${ruleKey(rule)}|${text}`, details: { cidr: text },
              message: `${this.name(g.id)} allows ${ruleText(rule)} from the single public address ${text} (rule ${rule.id}${rule.description ? `, "${rule.description}"` : ''})` });
          } else if (c.prefix < 24) {
            const exp = this.ruleExposure(rule, 4, pub, false);
            this.add({ ...base, checkId: 'RMP-SG-008', severity: exp.exposed ? 'medium' : 'low', key: `${ruleKey(rule)}|${text}`, details: { cidr: text, publicAddresses: pub.size(), exposed: exp.exposed, exposedInterfaces: exp.exposedInterfaces },
              message: `${this.name(g.id)} allows ${ruleText(rule)} from ${text}, ${pub.size().toLocaleString('en')} public addresses (rule ${rule.id}); ${exp.exposed ? 'reachable now' : `no public path today (${exp.reason})`}` });
          }
        } else {
          const s = BigSet.range(c.first, c.last);
          const pub = s.intersect(INTERNET6);
          if (pub.isEmpty || world6) continue;
          // IPv6: a /48 is one site (RFC 6177), so wider than /48 is "wide" where IPv4 uses /24
          if (c.prefix === 128) {
            this.add({ ...base, checkId: 'RMP-SG-009', severity: 'low', key: `${ruleKey(rule)}|${text}`, details: { cidr: text },
              message: `${this.name(g.id)} allows ${ruleText(rule)} from the single public address ${text} (rule ${rule.id}${rule.description ? `, "${rule.description}"` : ''})` });
          } else if (c.prefix < 48) {
            const exp = this.ruleExposure(rule, 6, pub, false);
            this.add({ ...base, checkId: 'RMP-SG-008', severity: exp.exposed ? 'medium' : 'low', key: `${ruleKey(rule)}|${text}`, details: { cidr: text, exposed: exp.exposed, exposedInterfaces: exp.exposedInterfaces },
              message: `${this.name(g.id)} allows ${ruleText(rule)} from ${text}, a public IPv6 range wider than /48 (rule ${rule.id}); ${exp.exposed ? 'reachable now' : `no public path today (${exp.reason})`}` });
          }
        }
      }
    }
  }

  /** RMP-SG-010: a port restricted in one family and open to the whole internet in the other. */
  private familyMismatch(): void {
    for (const g of this.region.securityGroups.values()) {
      const open: Record<Family, Map<number, NumberSet>> = { 4: new Map(), 6: new Map() };
      const restricted: Record<Family, Map<number, NumberSet>> = { 4: new Map(), 6: new Map() };
      const addTo = (m: Map<number, NumberSet>, p: number, s: NumberSet) => m.set(p, (m.get(p) ?? NumberSet.EMPTY).union(s));
      for (const rule of this.region.groupRules(g.id, false)) {
        const cidrs = ruleCidrs(this.region, rule);
        if (cidrs.length === 0) continue;
        const sets = cidrSets(cidrs);
        for (const x of tcpUdpPorts(rule)) {
          if (!sets.v4.isEmpty) addTo(sets.v4.covers(INTERNET_V4) ? open[4] : restricted[4], x.protocol, x.ports);
          if (!sets.v6.isEmpty) addTo(sets.v6.covers(INTERNET6) ? open[6] : restricted[6], x.protocol, x.ports);
        }
      }
      for (const [openF, restrF] of [[6, 4], [4, 6]] as const) {
        const parts: { protocol: number; ports: NumberSet }[] = [];
        for (const p of [PROTO_TCP, PROTO_UDP]) {
          const o = open[openF].get(p);
          const r = restricted[restrF].get(p);
          if (!o || !r) continue;
          const bad = r.intersect(o.subtract(open[restrF].get(p) ?? NumberSet.EMPTY));
          if (!bad.isEmpty) parts.push({ protocol: p, ports: bad });
        }
        if (parts.length) {
          this.add({
            checkId: 'RMP-SG-010', severity: 'medium', resourceId: g.id, vpcId: g.vpcId, key: `${openF}`,
            details: { openFamily: `IPv${openF}`, restrictedFamily: `IPv${restrF}`, ports: portsText(parts) },
            message: `${this.name(g.id)} restricts ${portsText(parts)} over IPv${restrF} but opens them to the whole IPv${openF} internet`,
          });
        }
      }
    }
  }

  /** RMP-SG-011: overlapping CIDR rules of one group and direction (one finding per later rule). */
  private overlaps(): void {
    for (const g of this.region.securityGroups.values()) {
      for (const egress of [false, true]) {
        const rules = this.region.groupRules(g.id, egress).filter((r) => r.peer.kind === 'cidr4' || r.peer.kind === 'cidr6');
        for (let i = 1; i < rules.length; i++) {
          const a = rules[i];
          const ca = parseCidr(peerText(a));
          const partners: string[] = [];
          for (let j = 0; j < i; j++) {
            const b = rules[j];
            const cb = parseCidr(peerText(b));
            if (ca.family !== cb.family || !(ca.first <= cb.last && cb.first <= ca.last)) continue;
            if (!portsOverlap(a, b)) continue;
            partners.push(b.id);
          }
          if (partners.length) {
            const first = this.region.securityGroupRules.get(partners[0])!;
            this.add({
              checkId: 'RMP-SG-011', severity: 'low', resourceId: g.id, vpcId: g.vpcId, ruleId: a.id, key: ruleKey(a), details: { overlapsWith: partners },
              message: `${this.name(g.id)}: ${egress ? 'outbound' : 'inbound'} rule ${a.id} (${ruleText(a)} ${egress ? 'to' : 'from'} ${peerText(a)}) overlaps ${first.id} (${ruleText(first)} ${egress ? 'to' : 'from'} ${peerText(first)})${partners.length > 1 ? ` and ${partners.length - 1} more` : ''}`,
            });
          }
        }
      }
    }
  }

  /**
   * RMP-SG-012: a rule whose traffic other rules already allow, in the union of the groups of every interface
   * using its group (alone when no interface does). Rules are taken in order and one found redundant no longer
   * covers later ones, so removing every reported rule at once changes nothing.
   */
  private redundant(): void {
    const removed = new Set<string>();
    // the distinct sets of groups interfaces use, per group
    const setsOf = new Map<string, Set<string>>();
    for (const eni of this.region.networkInterfaces.values()) {
      const key = [...eni.groups].sort().join(',');
      for (const gid of eni.groups) {
        let s = setsOf.get(gid);
        if (!s) setsOf.set(gid, (s = new Set()));
        s.add(key);
      }
    }
    const protocolsNamed = new Set<number>();
    for (const r of this.region.securityGroupRules.values()) if (r.protocol >= 0) protocolsNamed.add(r.protocol);
    let other = 253;
    while (protocolsNamed.has(other)) other = (other + 1) % 256;
    const groups = [...this.region.securityGroups.values()].sort((a, b) => a.id.localeCompare(b.id));
    for (const g of groups) {
      const sets = [...(setsOf.get(g.id) ?? new Set([g.id]))].map((k) => k.split(','));
      for (const egress of [false, true]) {
        for (const rule of this.region.groupRules(g.id, egress)) {
          if (rule.peer.kind === 'group' && !groupReferenceLive(this.region, rule)) continue; // stale: RMP-SG-016
          const addrs = this.ruleAddrs(rule);
          if (addrs.v4.isEmpty && addrs.v6.isEmpty) continue; // matches nothing today (empty group, list)
          const protocols = rule.protocol === PROTO_ALL ? [PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6, ...protocolsNamed, other] : [rule.protocol];
          let coveredBy: string[] | undefined = [];
          for (const set of sets) {
            const others: SecurityGroupRule[] = [];
            for (const gid of set) for (const r of this.region.securityGroups.get(gid) ? this.region.groupRules(gid, egress) : []) if (r.id !== rule.id && !removed.has(r.id)) others.push(r);
            const by = this.covered(rule, protocols, others);
            if (!by) {
              coveredBy = undefined;
              break;
            }
            coveredBy.push(...by);
          }
          if (!coveredBy) continue;
          removed.add(rule.id);
          const by = [...new Set(coveredBy)];
          this.add({
            checkId: 'RMP-SG-012', severity: 'low', resourceId: g.id, vpcId: g.vpcId, ruleId: rule.id, key: ruleKey(rule),
            details: { coveredBy: by, groupSets: sets },
            message: `${this.name(g.id)}: ${egress ? 'outbound' : 'inbound'} rule ${rule.id} (${ruleText(rule)} ${egress ? 'to' : 'from'} ${peerText(rule)}) is redundant: ${by.slice(0, 4).join(', ')}${by.length > 4 ? ', …' : ''} already allow everything it allows${sets.length > 1 || sets[0].length > 1 ? ' on every interface that uses the group' : ''}`,
          });
        }
      }
    }
  }

  private readonly addrCache = new Map<string, { v4: NumberSet; v6: BigSet }>();
  /** A rule's peer addresses as sets (group references: the members' private addresses), cached per rule. */
  private ruleAddrs(r: SecurityGroupRule): { v4: NumberSet; v6: BigSet } {
    let a = this.addrCache.get(r.id);
    if (!a) {
      const p = peerAddresses(this.region, r);
      this.addrCache.set(r.id, (a = { v4: NumberSet.of(p.v4), v6: BigSet.of(p.v6) }));
    }
    return a;
  }

  /**
   * The rules of `others` that together cover a rule's traffic, or undefined when they do not. Per protocol:
   * the addresses of rules opening all the needed ports are taken whole; what is left must be covered, atom by
   * atom, by the union of the ports of the rules opening part of them.
   */
  private covered(rule: SecurityGroupRule, protocols: number[], others: SecurityGroupRule[]): string[] | undefined {
    const used = new Set<string>();
    const mine = this.ruleAddrs(rule);
    for (const p of protocols) {
      const need = rulePorts(rule, p);
      if (!need || need.isEmpty) continue;
      const full: SecurityGroupRule[] = [];
      const part: { r: SecurityGroupRule; ports: NumberSet }[] = [];
      for (const r of others) {
        const ports = rulePorts(r, p);
        if (!ports || ports.intersect(need).isEmpty) continue;
        if (ports.covers(need)) full.push(r);
        else part.push({ r, ports });
      }
      for (const family of [4, 6] as const) {
        let rest: NumberSet | BigSet = family === 4 ? mine.v4 : mine.v6;
        if (rest.isEmpty) continue;
        for (const r of full) {
          const a = family === 4 ? this.ruleAddrs(r).v4 : this.ruleAddrs(r).v6;
          if (a.isEmpty) continue;
          const next: NumberSet | BigSet = family === 4 ? (rest as NumberSet).subtract(a as NumberSet) : (rest as BigSet).subtract(a as BigSet);
          if (next.ranges.length !== rest.ranges.length || !next.equals(rest as never)) used.add(r.id);
          rest = next;
          if (rest.isEmpty) break;
        }
        if (rest.isEmpty) continue;
        // the rest, atom by atom, over the rules that open part of the ports
        const items = part.flatMap((x) => (family === 4 ? this.ruleAddrs(x.r).v4 : this.ruleAddrs(x.r).v6).ranges.map((rg) => ({ lo: BigInt(rg.lo), hi: BigInt(rg.hi), x })));
        for (const range of rest.ranges) {
          const lo = BigInt(range.lo);
          const hi = BigInt(range.hi);
          const cuts = new Set<bigint>([lo]);
          for (const it of items) {
            if (it.lo > lo && it.lo <= hi) cuts.add(it.lo);
            if (it.hi + 1n > lo && it.hi + 1n <= hi) cuts.add(it.hi + 1n);
          }
          for (const start of cuts) {
            let ports = NumberSet.EMPTY;
            const contributors: string[] = [];
            for (const it of items) {
              if (it.lo <= start && start <= it.hi) {
                ports = ports.union(it.x.ports);
                contributors.push(it.x.r.id);
              }
            }
            if (!ports.covers(need)) return undefined;
            for (const c of contributors) used.add(c);
          }
        }
      }
    }
    return [...used];
  }

  private hygiene(): void {
    for (const g of this.region.securityGroups.values()) {
      const isDefault = g.name === 'default';
      const undescribed: string[] = [];
      const egressAll: string[] = [];
      for (const egress of [false, true]) {
        for (const rule of this.region.groupRules(g.id, egress)) {
          const awsDefault = (egress && rule.protocol === PROTO_ALL && (peerText(rule) === '0.0.0.0/0' || peerText(rule) === '::/0')) || (isDefault && !egress && rule.protocol === PROTO_ALL && rule.peer.kind === 'group' && rule.peer.groupId === g.id);
          if (!rule.description && !awsDefault) undescribed.push(rule.id);
          if (egress && rule.protocol === PROTO_ALL && (peerText(rule) === '0.0.0.0/0' || peerText(rule) === '::/0')) egressAll.push(rule.id);
          if (!egress && (rule.protocol === PROTO_TCP || rule.protocol === PROTO_UDP) && rule.fromPort < rule.toPort) {
            this.add({
              checkId: 'RMP-SG-013', severity: 'low', resourceId: g.id, vpcId: g.vpcId, ruleId: rule.id, key: ruleKey(rule),
              details: { protocol: protoText(rule.protocol), fromPort: rule.fromPort, toPort: rule.toPort, ports: rule.toPort - rule.fromPort + 1 },
              message: `${this.name(g.id)} opens the range ${protoText(rule.protocol)} ${rule.fromPort}-${rule.toPort} (${rule.toPort - rule.fromPort + 1} ports) from ${peerText(rule)} (rule ${rule.id})`,
            });
          }
          if (!egress && rule.peer.kind === 'group' && rule.peer.groupId === g.id && (rule.protocol === PROTO_ALL || ((rule.protocol === PROTO_TCP || rule.protocol === PROTO_UDP) && rule.fromPort === 0 && rule.toPort === 65535))) {
            this.add({
              checkId: 'RMP-SG-015', severity: 'low', resourceId: g.id, vpcId: g.vpcId, ruleId: rule.id, key: ruleKey(rule),
              message: `${this.name(g.id)} lets its members reach each other on ${ruleText(rule)} (rule ${rule.id})`,
            });
          }
        }
      }
      if (egressAll.length) {
        this.add({
          checkId: 'RMP-SG-014', severity: 'info', resourceId: g.id, vpcId: g.vpcId, ruleId: egressAll[0], details: { rules: egressAll },
          message: `${this.name(g.id)} allows all outbound traffic to ${egressAll.map((id) => peerText(this.region.securityGroupRules.get(id)!)).join(' and ')}`,
        });
      }
      if (undescribed.length) {
        this.add({
          checkId: 'RMP-SG-020', severity: 'info', resourceId: g.id, vpcId: g.vpcId, details: { rules: undescribed },
          message: `${this.name(g.id)} has ${undescribed.length} rule(s) without a description: ${undescribed.slice(0, 5).join(', ')}${undescribed.length > 5 ? ', …' : ''}`,
        });
      }
      if (/^launch-wizard-\d+$/.test(g.name)) {
        this.add({ checkId: 'RMP-SG-021', severity: 'low', resourceId: g.id, vpcId: g.vpcId, message: `${this.name(g.id)} was made by the EC2 launch wizard` });
      }
    }
  }

  private stale(): void {
    for (const rule of this.region.staleRules()) {
      const g = this.region.securityGroups.get(rule.groupId)!;
      const peer = rule.peer as Extract<SecurityGroupRule['peer'], { kind: 'group' }>;
      const target = this.region.securityGroups.get(peer.groupId);
      const why = !target ? `group ${peer.groupId} no longer exists` : `${peer.groupId} is in ${target.vpcId}, with no active peering to ${g.vpcId}${peer.vpcPeeringConnectionId ? ` (${peer.vpcPeeringConnectionId} is ${this.region.vpcPeeringConnections.get(peer.vpcPeeringConnectionId)?.status ?? 'deleted'})` : ''}`;
      this.add({
        checkId: 'RMP-SG-016', severity: 'medium', resourceId: g.id, vpcId: g.vpcId, ruleId: rule.id, key: ruleKey(rule), details: { referencedGroup: peer.groupId, peering: peer.vpcPeeringConnectionId },
        message: `${this.name(g.id)}: ${rule.isEgress ? 'outbound' : 'inbound'} rule ${rule.id} (${ruleText(rule)}) is stale: ${why}`,
      });
    }
  }

  private unusedGroups(): void {
    for (const g of this.region.securityGroups.values()) {
      if (g.name === 'default') continue; // AWS does not let the default group be deleted
      if (this.region.groupMembers(g.id).size > 0) continue;
      const refs = [...this.region.rulesReferencing(g.id)].filter((rid) => this.region.securityGroupRules.get(rid)?.groupId !== g.id);
      if (refs.length > 0) continue;
      this.add({ checkId: 'RMP-SG-017', severity: 'low', resourceId: g.id, vpcId: g.vpcId, message: `${this.name(g.id)} is attached to no network interface and no other group's rule references it` });
    }
  }

  private identicalGroups(): void {
    const buckets = new Map<string, SecurityGroup[]>();
    for (const g of this.region.securityGroups.values()) {
      if (g.name === 'default' || g.ingress.length + g.egress.length === 0) continue;
      const keys = [...g.ingress, ...g.egress].map((rid) => {
        const r = this.region.securityGroupRules.get(rid)!;
        const peer = r.peer.kind === 'group' && r.peer.groupId === g.id ? 'SELF' : peerText(r);
        return `${r.isEgress ? 'out' : 'in'}|${r.protocol}|${r.fromPort}|${r.toPort}|${peer}`;
      }).sort();
      const k = `${g.vpcId}|${keys.join(';')}`;
      const list = buckets.get(k) ?? [];
      list.push(g);
      buckets.set(k, list);
    }
    for (const list of buckets.values()) {
      if (list.length < 2) continue;
      list.sort((a, b) => a.id.localeCompare(b.id));
      for (const g of list.slice(1)) {
        this.add({
          checkId: 'RMP-SG-018', severity: 'low', resourceId: g.id, vpcId: g.vpcId, key: list[0].id, details: { identicalTo: list[0].id, group: list.map((x) => x.id) },
          message: `${this.name(g.id)} has exactly the same ${g.ingress.length + g.egress.length} rule(s) as ${this.name(list[0].id)}`,
        });
      }
    }
  }

  private nearQuota(): void {
    const quota = this.region.quotas.rulesPerSecurityGroup;
    for (const g of this.region.securityGroups.values()) {
      for (const egress of [false, true]) {
        let v4 = 0;
        let v6 = 0;
        for (const r of this.region.groupRules(g.id, egress)) {
          // the weights Region.checkRuleQuota applies: a group reference counts in both families, a prefix list its max entries
          if (r.peer.kind === 'cidr4') v4++;
          else if (r.peer.kind === 'cidr6') v6++;
          else if (r.peer.kind === 'group') {
            v4++;
            v6++;
          } else {
            const pl = this.region.prefixLists.get(r.peer.prefixListId);
            if (pl?.addressFamily === 'IPv6') v6 += pl.maxEntries;
            else v4 += pl?.maxEntries ?? 1;
          }
        }
        for (const [fam, n] of [['IPv4', v4], ['IPv6', v6]] as const) {
          if (n < 0.8 * quota) continue;
          this.add({
            checkId: 'RMP-SG-019', severity: n >= quota ? 'medium' : 'low', resourceId: g.id, vpcId: g.vpcId, key: `${egress}|${fam}`, details: { direction: egress ? 'outbound' : 'inbound', family: fam, used: n, quota },
            message: `${this.name(g.id)} uses ${n} of ${quota} ${egress ? 'outbound' : 'inbound'} ${fam} rules`,
          });
        }
      }
    }
  }

  // ------------------------------------------------------------------ network ACL checks

  /** The traffic an entry decides (is the first match for), per protocol, over the addresses `within`. */
  private decided(acl: NetworkAcl, e: NetworkAclEntry, within4?: NumberSet, within6?: BigSet): { protocol: number; ports: NumberSet; addresses: number | bigint }[] {
    const compiled = this.acl(acl.id);
    const family: Family = e.cidrBlock !== undefined ? 4 : 6;
    const c = parseCidr((e.cidrBlock ?? e.ipv6CidrBlock)!);
    const named = new Set(acl.entries.filter((x) => x.protocol >= 0).map((x) => x.protocol));
    let other = 253;
    while (named.has(other)) other = (other + 1) % 256;
    const protocols = e.protocol === PROTO_ALL ? [PROTO_TCP, PROTO_UDP, family === 4 ? PROTO_ICMP : PROTO_ICMPV6, ...[...named].filter((p) => p !== PROTO_TCP && p !== PROTO_UDP && p !== PROTO_ICMP && p !== PROTO_ICMPV6), other] : [e.protocol];
    const same = acl.entries.filter((x) => x.egress === e.egress && (x.cidrBlock !== undefined ? 4 : 6) === family);
    // address atoms of the entry's range: cut at every other entry's edges (verdicts are constant on an atom)
    const starts: (number | bigint)[] = [];
    if (family === 4) {
      let space = NumberSet.range(c.first as number, c.last as number);
      if (within4) space = space.intersect(within4);
      const cuts = new Set<number>();
      for (const x of same) {
        const xc = parseCidr(x.cidrBlock!);
        cuts.add(xc.first as number);
        if ((xc.last as number) < 0xffffffff) cuts.add((xc.last as number) + 1);
      }
      for (const r of space.ranges) {
        starts.push(r.lo);
        for (const k of cuts) if (k > r.lo && k <= r.hi) starts.push(k);
      }
    } else {
      let space = BigSet.range(c.first as bigint, c.last as bigint);
      if (within6) space = space.intersect(within6);
      const cuts = new Set<bigint>();
      for (const x of same) {
        const xc = parseCidr(x.ipv6CidrBlock!);
        cuts.add(xc.first as bigint);
        if ((xc.last as bigint) < (1n << 128n) - 1n) cuts.add((xc.last as bigint) + 1n);
      }
      for (const r of space.ranges) {
        starts.push(r.lo);
        for (const k of cuts) if (k > r.lo && k <= r.hi) starts.push(k);
      }
    }
    const out: { protocol: number; ports: NumberSet; addresses: number | bigint }[] = [];
    for (const p of protocols) {
      let ports = NumberSet.EMPTY;
      let firstAddr: number | bigint | undefined;
      for (const a of starts) {
        const pv = compiled.portVerdicts(e.egress, family, p, a);
        const mine: { lo: number; hi: number }[] = [];
        for (let i = 0; i < pv.starts.length; i++) {
          if (verdictRule(pv.verdicts[i]) === e.ruleNumber) mine.push({ lo: pv.starts[i], hi: i + 1 < pv.starts.length ? pv.starts[i + 1] - 1 : 65535 });
        }
        if (mine.length) {
          ports = ports.union(NumberSet.of(mine));
          firstAddr ??= a;
        }
      }
      if (!ports.isEmpty) out.push({ protocol: p === other ? -2 : p, ports, addresses: firstAddr! });
    }
    return out;
  }

  private naclEntries(): void {
    for (const acl of this.region.networkAcls.values()) {
      const subnets = acl.associations.map((a) => a.subnetId);
      for (const e of acl.entries) {
        if (e.ruleNumber >= 32767) continue; // the `*` entries
        const family: Family = e.cidrBlock !== undefined ? 4 : 6;
        const key = `${e.egress ? 'out' : 'in'}|${e.ruleNumber}`;
        const aclEntry = { ruleNumber: e.ruleNumber, egress: e.egress };
        const all = this.decided(acl, e);
        if (all.length === 0) {
          const c = parseCidr((e.cidrBlock ?? e.ipv6CidrBlock)!);
          const shadows = acl.entries.filter((x) => x.egress === e.egress && x.ruleNumber < e.ruleNumber && (x.cidrBlock !== undefined ? 4 : 6) === family).filter((x) => {
            const xc = parseCidr((x.cidrBlock ?? x.ipv6CidrBlock)!);
            return xc.first <= c.last && c.first <= xc.last && (x.protocol === PROTO_ALL || e.protocol === PROTO_ALL || x.protocol === e.protocol);
          }).map((x) => x.ruleNumber);
          const contradicts = acl.entries.some((x) => shadows.includes(x.ruleNumber) && x.egress === e.egress && x.ruleAction !== e.ruleAction);
          this.add({
            checkId: 'RMP-NACL-002', severity: e.ruleAction === 'deny' && contradicts ? 'medium' : 'low', resourceId: acl.id, vpcId: acl.vpcId, aclEntry, key, details: { shadowedBy: shadows, action: e.ruleAction },
            message: `${this.name(acl.id)}: ${e.egress ? 'outbound' : 'inbound'} entry #${e.ruleNumber} (${e.ruleAction} ${entryText(e)}) never decides anything: earlier entr${shadows.length === 1 ? 'y' : 'ies'} #${shadows.join(', #')} match all its traffic first${e.ruleAction === 'deny' && contradicts ? ' and allow it, so this deny does not protect anything' : ''}`,
          });
          continue;
        }
        if (e.egress || e.ruleAction !== 'allow') continue;
        // world-open: the entry's range holds the whole internet, and it decides some internet traffic
        const c = parseCidr((e.cidrBlock ?? e.ipv6CidrBlock)!);
        const world = family === 4 ? NumberSet.range(c.first as number, c.last as number).covers(INTERNET_V4) : BigSet.range(c.first as bigint, c.last as bigint).covers(INTERNET6);
        if (!world) continue;
        const open = family === 4 ? this.decided(acl, e, INTERNET_V4) : this.decided(acl, e, undefined, INTERNET6);
        if (open.length === 0) continue;
        const ported = open.filter((x) => x.protocol === PROTO_TCP || x.protocol === PROTO_UDP);
        const admin = ported.map((x) => ({ protocol: x.protocol, ports: x.ports.intersect(ADMIN_SET) })).filter((x) => !x.ports.isEmpty);
        const risky = ported.map((x) => ({ protocol: x.protocol, ports: x.ports.intersect(HIGH_RISK_SET) })).filter((x) => !x.ports.isEmpty);
        let severity: AuditSeverity = admin.length ? 'high' : risky.length ? 'medium' : 'low';
        // severity follows the path: a subnet behind the ACL must route to an attached internet gateway
        const routed = subnets.filter((s) => this.engine.routeDecision(s, family, family === 4 ? (tryParseIp('198.51.100.10')!.value as number) : REPRESENTATIVE_V6).kind === 'internet');
        const reachable = routed.length > 0;
        if (!reachable) severity = lowered(severity);
        const what = open.map((x) => (x.protocol === -2 ? 'other protocols' : x.protocol === PROTO_TCP || x.protocol === PROTO_UDP ? `${protoText(x.protocol)} ${x.ports.equals(ALL_PORTS) ? 'all ports' : x.ports.format()}` : protoText(x.protocol))).join(', ');
        this.add({
          checkId: 'RMP-NACL-001', severity, resourceId: acl.id, vpcId: acl.vpcId, aclEntry, key,
          details: { family, decides: what, adminPorts: portsText(admin), highRiskPorts: portsText(risky), subnets, internetRoute: reachable },
          message: `${this.name(acl.id)}: inbound entry #${e.ruleNumber} allows ${entryText(e)} and is the first match for ${what} from the whole internet${admin.length ? ` (admin ports ${portsText(admin)})` : ''}; ${subnets.length === 0 ? 'the ACL is associated with no subnet' : reachable ? `subnet${routed.length > 1 ? 's' : ''} ${routed.map((x) => this.name(x)).join(', ')} route${routed.length > 1 ? '' : 's'} to an internet gateway` : 'none of its subnets routes to an internet gateway, so reported at lower severity'}`,
        });
      }
    }
  }

  private unusedAcls(): void {
    for (const acl of this.region.networkAcls.values()) {
      if (acl.associations.length) continue;
      this.add({ checkId: 'RMP-NACL-004', severity: 'low', resourceId: acl.id, vpcId: acl.vpcId, message: `${this.name(acl.id)} is associated with no subnet${acl.isDefault ? ' (the default ACL of its VPC)' : ''}` });
    }
  }

  /**
   * RMP-NACL-003: flows the request path allows whose response a network ACL blocks (all or part of the
   * ephemeral range). Internet flows: from a representative internet address to each class of interfaces with a
   * public path. Interface flows: between subnets of one VPC, one interface per subnet as the client and each
   * class of interfaces as the server, only for subnet pairs whose ACLs can block a response at all.
   */
  private returnPaths(): void {
    const eph = NumberSet.range(this.reach.ephemeral.lo, this.reach.ephemeral.hi);
    type Agg = { aclId: string; egress: boolean; peer: string; protocol: number; ports: NumberSet; enis: Set<string>; returns: NumberSet };
    const agg = new Map<string, Agg>();
    const note = (aclId: string, egress: boolean, peer: string, protocol: number, ports: NumberSet, eniId: string, returns: NumberSet) => {
      const k = `${aclId}|${egress}|${peer}|${protocol}`;
      const a = agg.get(k) ?? { aclId, egress, peer, protocol, ports: NumberSet.EMPTY, enis: new Set<string>(), returns };
      a.ports = a.ports.union(ports);
      a.enis.add(eniId);
      agg.set(k, a);
    };
    // the ephemeral ports a verdict table lets through, computed once per (shared, immutable) verdict object
    const ephOk = new WeakMap<object, { ok: NumberSet; full: boolean }>();
    const returnsOf = (v: { allowed(): NumberSet }): { ok: NumberSet; full: boolean } => {
      let r = ephOk.get(v);
      if (!r) {
        const ok = v.allowed().intersect(eph);
        ephOk.set(v, (r = { ok, full: ok.equals(eph) }));
      }
      return r;
    };
    const blockers = (respSubnet: string, respPeer: number, clientSubnet: string | undefined, clientPeer: number, protocol: number): { aclId: string; egress: boolean; returns: NumberSet }[] => {
      const out: { aclId: string; egress: boolean; returns: NumberSet }[] = [];
      const a = this.engine.networkAcl(respSubnet);
      const outOk = returnsOf(a.portVerdicts(true, 4, protocol, respPeer));
      if (!outOk.full) out.push({ aclId: a.acl.id, egress: true, returns: outOk.ok });
      if (clientSubnet !== undefined) {
        const b = this.engine.networkAcl(clientSubnet);
        const inOk = returnsOf(b.portVerdicts(false, 4, protocol, clientPeer));
        if (!inOk.full) out.push({ aclId: b.acl.id, egress: false, returns: inOk.ok });
      }
      return out;
    };
    const classes = [...this.q.classes().values()];
    const inet = tryParseIp('198.51.100.10')!.value as number;
    const ids = new WeakMap<object, number>();
    let nextId = 0;
    const idOf = (o: object | string): string => {
      if (typeof o === 'string') return o;
      let n = ids.get(o);
      if (n === undefined) ids.set(o, (n = nextId++));
      return String(n);
    };
    const walked = new Map<string, NumberSet>();
    // internet → interface
    for (const members of classes) {
      const eni = members[0];
      const pub = eni.privateIpAddresses.find((p) => p.association)?.association?.publicIp;
      if (pub === undefined || !this.region.attachedInternetGateway(eni.vpcId)) continue;
      const list = this.reach.allProtocols({ kind: 'internet' }, 4, inet, tryParseIp(pub)!.value);
      for (const p of list) {
        if (p.protocol !== PROTO_TCP && p.protocol !== PROTO_UDP) continue;
        const broken = p.forward.subtract(p.reachable);
        if (broken.isEmpty) continue;
        const priv = tryParseIp(eni.privateIpAddresses[0].privateIpAddress)!.value as number;
        for (const b of blockers(eni.subnetId, inet, undefined, priv, p.protocol)) for (const m of members) note(b.aclId, b.egress, 'internet', p.protocol, broken, m.id, b.returns);
      }
    }
    // interface → interface across subnets of one VPC
    const bySubnet = new Map<string, NetworkInterface>();
    for (const eni of this.region.networkInterfaces.values()) if (!bySubnet.has(eni.subnetId) && eni.privateIpAddresses.length) bySubnet.set(eni.subnetId, eni);
    const subnetsOfVpc = new Map<string, string[]>();
    for (const s of this.region.subnets.values()) if (bySubnet.has(s.id)) subnetsOfVpc.set(s.vpcId, [...(subnetsOfVpc.get(s.vpcId) ?? []), s.id]);
    const classesBySubnet = new Map<string, NetworkInterface[][]>();
    for (const members of classes) {
      if (!members[0].privateIpAddresses.length) continue;
      const list = classesBySubnet.get(members[0].subnetId) ?? [];
      list.push(members);
      classesBySubnet.set(members[0].subnetId, list);
    }
    const addrOf = new Map<string, number>();
    const v4 = (eni: NetworkInterface): number => {
      let a = addrOf.get(eni.id);
      if (a === undefined) addrOf.set(eni.id, (a = tryParseIp(eni.privateIpAddresses[0].privateIpAddress)!.value as number));
      return a;
    };
    // the client ACL part depends on the ACL and the server subnet only
    const inboundMayBlock = new Map<string, boolean>();
    /** Whether the ACLs can block a response from the server subnet to the client subnet's representative. */
    const pairMayBlock = (server: string, client: string, clientAddr: number): boolean => {
      const sa = this.engine.networkAcl(server);
      const ca = this.engine.networkAcl(client);
      for (const p of [PROTO_TCP, PROTO_UDP]) if (!returnsOf(sa.portVerdicts(true, 4, p, clientAddr)).full) return true;
      const k = `${ca.acl.id}|${server}`;
      let v = inboundMayBlock.get(k);
      if (v === undefined) {
        const sCidr = parseCidr(this.region.getSubnet(server).cidrBlock);
        v = false;
        // the client ACL's verdicts change only at entry edges: check the edges inside the server subnet's block
        for (const p of [PROTO_TCP, PROTO_UDP]) for (const a of aclEdges(ca.acl, sCidr.first as number, sCidr.last as number)) if (!returnsOf(ca.portVerdicts(false, 4, p, a)).full) v = true;
        inboundMayBlock.set(k, v);
      }
      return v;
    };
    for (const subnets of subnetsOfVpc.values()) for (const serverSubnet of subnets) for (const clientSubnet of subnets) {
      if (clientSubnet === serverSubnet) continue;
      const client = bySubnet.get(clientSubnet)!;
      const clientAddr = v4(client);
      if (!pairMayBlock(serverSubnet, clientSubnet, clientAddr)) continue;
      for (const members of classesBySubnet.get(serverSubnet) ?? []) {
        const server = members[0];
        const serverAddr = v4(server);
        // cheap first: the ACLs on the response path for these two addresses, then the security groups
        if (server.groups.length && !this.engine.groupSet(server.groups).anyAllowed(false, 4, clientAddr)) continue;
        for (const protocol of [PROTO_TCP, PROTO_UDP]) {
          const bl = blockers(server.subnetId, clientAddr, clientSubnet, serverAddr, protocol);
          if (bl.length === 0) continue;
          // the walk's answer depends only on the compiled tables it meets: memoise it by their identities
          const sig = [
            client.groups.length ? this.engine.groupSet(client.groups).allowedPorts(true, 4, protocol, serverAddr) : 'none',
            this.engine.networkAcl(clientSubnet).portVerdicts(true, 4, protocol, serverAddr),
            this.engine.networkAcl(server.subnetId).portVerdicts(false, 4, protocol, clientAddr),
            server.groups.length ? this.engine.groupSet(server.groups).allowedPorts(false, 4, protocol, clientAddr) : 'none',
            this.engine.networkAcl(server.subnetId).portVerdicts(true, 4, protocol, clientAddr),
            this.engine.networkAcl(clientSubnet).portVerdicts(false, 4, protocol, serverAddr),
          ].map((o) => idOf(o)).join(',') + `|${protocol}|${client.id}`;
          let broken = walked.get(sig);
          if (broken === undefined) {
            const p = this.reach.protocolReach({ kind: 'eni', networkInterfaceId: client.id }, 4, clientAddr, serverAddr, protocol);
            walked.set(sig, (broken = p.forward.subtract(p.reachable)));
          }
          if (broken.isEmpty) continue;
          for (const b of bl) for (const m of members) note(b.aclId, b.egress, clientSubnet, protocol, broken, m.id, b.returns);
        }
      }
    }
    for (const a of agg.values()) {
      const acl = this.region.networkAcls.get(a.aclId)!;
      const peer = a.peer === 'internet' ? 'the internet' : `${this.name(a.peer)}`;
      const enis = [...a.enis];
      this.add({
        checkId: 'RMP-NACL-003', severity: 'medium', resourceId: a.aclId, vpcId: acl.vpcId, key: `${a.egress}|${a.peer}|${a.protocol}`,
        details: { direction: a.egress ? 'outbound' : 'inbound', peer: a.peer, protocol: protoText(a.protocol), requestPorts: a.ports.format(), ephemeral: eph.format(), responseAllowedTo: a.returns.format(), networkInterfaces: enis },
        message: `${this.name(a.aclId)} ${a.egress ? 'outbound' : 'inbound'} blocks ${a.returns.isEmpty ? 'every' : 'part of the'} response to ${protoText(a.protocol)} ${a.ports.format()} between ${peer} and ${enis.length} interface(s) (${enis.slice(0, 3).map((e) => this.name(e)).join(', ')}${enis.length > 3 ? ', …' : ''}): requests get in, but responses to client ports ${eph.subtract(a.returns).format()} are denied`,
      });
    }
  }

  // ------------------------------------------------------------------ interfaces

  /** RMP-ENI-001: Questions.exposure's findings, one per interface and family (public IPv4 / global IPv6). */
  private eniExposure(): void {
    for (const x of this.q.exposure()) {
      const eni = this.region.networkInterfaces.get(x.networkInterfaceId)!;
      const rows = x.rows.map((r) => ({ severity: r.severity, sources: r.sources, ports: r.ports.map((p) => `${p.protocol === this.reach.otherProtocol ? 'other protocols' : protoText(p.protocol)} ${p.protocol === PROTO_TCP || p.protocol === PROTO_UDP ? p.ports.format() : ''}${p.partial ? ' (partial response)' : ''}`.trim()).join('; ') }));
      const worst = rows.find((r) => r.severity === x.severity)!;
      this.add({
        // the IPv4 key stays `exposure` (and the IPv6 one `exposure6`): fingerprints of existing baselines keep matching
        checkId: 'RMP-ENI-001', severity: x.severity, resourceId: x.networkInterfaceId, vpcId: eni.vpcId, key: x.family === 4 ? 'exposure' : 'exposure6',
        details: { family: x.family, publicAddress: x.publicAddress, internetGatewayId: x.internetGatewayId, rows, rules: x.path.flatMap((h) => h.rules?.map((r) => r.id) ?? []) },
        message: `${this.name(x.networkInterfaceId)} is reachable from the ${x.family === 4 ? '' : 'IPv6 '}internet at ${x.publicAddress} via ${x.internetGatewayId}: ${worst.ports} from ${worst.sources.join(', ')}${rows.length > 1 ? ` (and ${rows.length - 1} more port set(s))` : ''}`,
      });
    }
  }
}

function portsOverlap(a: SecurityGroupRule, b: SecurityGroupRule): boolean {
  for (const p of [PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6, a.protocol, b.protocol]) {
    if (p < 0) continue;
    const x = rulePorts(a, p);
    const y = rulePorts(b, p);
    if (x && y && !x.intersect(y).isEmpty) return true;
  }
  return a.protocol === PROTO_ALL && b.protocol === PROTO_ALL;
}

function entryText(e: NetworkAclEntry): string {
  const proto = protoText(e.protocol);
  const ports = (e.protocol === PROTO_TCP || e.protocol === PROTO_UDP) && e.portRange ? ` ${e.portRange.from === e.portRange.to ? e.portRange.from : `${e.portRange.from}-${e.portRange.to}`}` : '';
  return `${proto}${ports} ${e.egress ? 'to' : 'from'} ${e.cidrBlock ?? e.ipv6CidrBlock}`;
}

/** Addresses inside [lo, hi] where an ACL's IPv4 verdicts may change: lo and every entry edge inside. */
function aclEdges(acl: NetworkAcl, lo: number, hi: number): number[] {
  const out = new Set<number>([lo]);
  for (const e of acl.entries) {
    if (e.cidrBlock === undefined) continue;
    const c = parseCidr(e.cidrBlock);
    if ((c.first as number) > lo && (c.first as number) <= hi) out.add(c.first as number);
    if ((c.last as number) + 1 > lo && (c.last as number) + 1 <= hi) out.add((c.last as number) + 1);
  }
  return [...out];
}

/** Runs every check over a Region. */
export function runChecks(region: Region, opts: AuditOptions = {}): Finding[] {
  const a = new Auditor(region, opts);
  try {
    return a.run();
  } finally {
    a.dispose();
  }
}
