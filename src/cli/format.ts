// Human-readable text for verdicts, hops and rules. Names from the scenario are shown beside AWS ids.
import { protocolLabel, PROTO_ALL, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../net/index.js';
import type { SecurityGroupRule } from '../model/types.js';
import type { Region } from '../state/region.js';
import type { Delivery, Hop } from '../engine/engine.js';
import { entryLabel } from '../engine/engine.js';
import { formatPacket, type Packet } from '../engine/packet.js';
import type { ProbeResult } from '../engine/probe.js';
import type { Names } from '../scenario/load.js';

export interface Style {
  ok: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export function makeStyle(color: boolean): Style {
  const wrap = (code: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { ok: wrap(32), bad: wrap(31), dim: wrap(2), bold: wrap(1) };
}

export class Formatter {
  constructor(
    readonly region: Region,
    readonly names: Names | undefined,
    readonly style: Style,
  ) {}

  /** `web (sg-0abc…)` or the id */
  label(id: string): string {
    const n = this.names?.nameOf(id) ?? this.tagName(id);
    return n ? `${n} (${id})` : id;
  }

  private tagName(id: string): string | undefined {
    const r = this.region;
    const res = r.securityGroups.get(id) ?? r.subnets.get(id) ?? r.networkAcls.get(id) ?? r.routeTables.get(id) ?? r.networkInterfaces.get(id) ?? r.vpcs.get(id);
    if (!res) return undefined;
    if ('name' in res && typeof res.name === 'string') return res.name;
    return res.tags.find((t) => t.key === 'Name')?.value;
  }

  /** `tcp 5432 from web (sg-…)`, `all traffic to 0.0.0.0/0` */
  rule(r: SecurityGroupRule): string {
    let what: string;
    if (r.protocol === PROTO_ALL) what = 'all traffic';
    else if (r.protocol === PROTO_TCP || r.protocol === PROTO_UDP) what = `${protocolLabel(r.protocol).toLowerCase()} ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`;
    else if (r.protocol === PROTO_ICMP || r.protocol === PROTO_ICMPV6) what = `${protocolLabel(r.protocol).toLowerCase()}${r.fromPort === -1 ? '' : ` type ${r.fromPort}${r.toPort === -1 ? '' : ` code ${r.toPort}`}`}`;
    else what = `protocol ${r.protocol}`;
    const peer = r.peer;
    const p = peer.kind === 'group' ? this.label(peer.groupId) : peer.kind === 'prefixList' ? this.label(peer.prefixListId) : peer.cidr;
    return `${what} ${r.isEgress ? 'to' : 'from'} ${p}${r.description ? ` "${r.description}"` : ''} [${r.id}]`;
  }

  hop(h: Hop): string {
    const mark = h.allowed ? this.style.ok('✔') : this.style.bad('✘');
    const dir = h.direction === 'egress' ? 'out' : h.direction === 'ingress' ? 'in' : '';
    switch (h.kind) {
      case 'security-groups': {
        const eni = this.region.networkInterfaces.get(h.resourceId);
        const groups = eni ? eni.groups.map((g) => this.label(g)).join(', ') : '';
        const head = `${mark} security groups ${dir} at ${this.label(h.resourceId)}`;
        if (h.byConnectionTracking) return `${head}: ${h.detail}`;
        if (!h.allowed) return `${head}: ${h.detail.startsWith('connection-tracking') ? h.detail : `no ${h.direction === 'egress' ? 'outbound' : 'inbound'} rule of ${groups || 'its groups'} allows it`}`;
        const lines = (h.rules ?? []).map((r) => `      allowed by ${this.label(r.groupId)}: ${this.rule(r)}`);
        const tracking = h.tracked === undefined ? '' : h.tracked ? ' (tracked connection)' : ' (untracked flow: 0.0.0.0/0 rule with all-open opposite direction)';
        return [`${head}${tracking}`, ...lines].join('\n');
      }
      case 'network-acl':
        if (!h.aclEntry && h.allowed) return `${mark} network ACL: ${h.detail}`;
        return `${mark} network ACL ${dir} ${this.label(h.resourceId)}: ${h.aclEntry ? `rule ${entryLabel(h.aclEntry)} ${h.aclEntry.ruleAction === 'allow' ? 'allows' : 'denies'} it (first match)` : h.detail}`;
      case 'route':
        return `${mark} route table ${this.label(h.resourceId)}: ${h.detail.replace(/ in rtb-[0-9a-f]+$/, '')}`;
      default:
        return `${mark} ${h.detail}`;
    }
  }

  delivery(d: Delivery, indent = '    '): string {
    return d.hops.map((h) => this.hop(h).split('\n').map((l) => indent + l).join('\n')).join('\n');
  }

  packet(p: Packet): string {
    return formatPacket(p);
  }

  probe(r: ProbeResult, fromLabel: string, toLabel: string): string {
    const s = this.style;
    const out: string[] = [];
    out.push(`${s.bold(`${fromLabel} → ${toLabel}`)}  ${formatPacket(r.request)}`);
    out.push(r.reachable ? `  ${s.ok('✔ reachable')}` : `  ${s.bad('✘ not reachable')}`);
    out.push('  request:');
    out.push(this.delivery(r.forward));
    if (r.response) {
      const ports = r.ephemeral ? ` (to client ports ${r.ephemeral.lo}-${r.ephemeral.hi})` : '';
      out.push(`  response${ports}:`);
      out.push(this.delivery(r.response));
    }
    if (!r.reachable) {
      out.push('  why:');
      for (const e of r.explanations) out.push(`    ${s.bad(e.code)} (${e.path}${e.direction ? `, ${e.direction}` : ''}) ${this.label(e.resourceId)}: ${e.message}`);
    }
    return out.join('\n');
  }
}

/** JSON with bigints as strings. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), 2);
}
