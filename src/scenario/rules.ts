// Rules and NACL entries as scenario files and timelines write them:
//   { protocol: tcp, ports: 80, from: 0.0.0.0/0 }        security group rule (inbound: from, outbound: to)
//   { rule: 100, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow }   network ACL entry
import { AwsError } from '../model/errors.js';
import type { NetworkAclEntry } from '../model/types.js';
import { parseProtocol, tryParseCidr, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../net/index.js';
import type { IpPermissionInput } from '../state/permissions.js';

type Obj = Record<string, unknown>;

export const RULE_KEYS = new Set(['protocol', 'ports', 'port', 'from', 'to', 'type', 'code', 'description']);
export const ENTRY_KEYS = new Set(['rule', 'protocol', 'ports', 'port', 'cidr', 'action', 'type', 'code', 'direction']);

export interface NameContext {
  /** the VPC whose groups a bare group name means */
  vpcName: string;
  /** `vpc/group` -> sg id */
  groups: Map<string, string>;
  /** prefix list name -> pl id */
  prefixLists: Map<string, string>;
}

function checkKeys(o: Obj, keys: Set<string>, what: string): void {
  for (const k of Object.keys(o)) if (!keys.has(k)) throw new Error(`unknown key '${k}' in ${what} (expected one of: ${[...keys].join(', ')})`);
}

export function portRange(v: unknown): { from: number; to: number } {
  if (typeof v === 'number') return { from: v, to: v };
  const s = String(v);
  const m = /^(-?\d+)(?:\s*-\s*(\d+))?$/.exec(s);
  if (!m) throw new Error(`ports must be a number or a range like 8000-8100, not '${s}'`);
  return { from: Number(m[1]), to: m[2] === undefined ? Number(m[1]) : Number(m[2]) };
}

function list(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** A scenario rule as an IpPermission; peers may be CIDRs, group names (`web`, `vpc/web`), `pl:NAME`, ids. */
export function ruleToPermission(raw: unknown, egress: boolean, ctx: NameContext): IpPermissionInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('a rule is a mapping like { protocol: tcp, ports: 80, from: 0.0.0.0/0 }');
  const r = raw as Obj;
  checkKeys(r, RULE_KEYS, 'a security group rule');
  const protoText = r.protocol === undefined ? 'all' : String(r.protocol);
  const protocol = parseProtocol(protoText);
  if (protocol === undefined) throw new Error(`unknown protocol '${protoText}' (tcp, udp, icmp, icmpv6, all, or a number)`);
  if ((egress ? r.from : r.to) !== undefined) throw new Error(egress ? 'outbound rules name their peer with to:' : 'inbound rules name their peer with from:');
  const peers = list(egress ? r.to : r.from);
  if (peers.length === 0) throw new AwsError('InvalidParameterValue', 'Missing source specification: include source security group or CIDR information');
  const perm: IpPermissionInput = { ipProtocol: String(protocol), ipRanges: [], ipv6Ranges: [], prefixListIds: [], userIdGroupPairs: [] };
  if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
    if (r.type !== undefined) {
      perm.fromPort = Number(r.type);
      perm.toPort = r.code === undefined ? -1 : Number(r.code);
    } else if (protocol === PROTO_ICMP) {
      perm.fromPort = -1;
      perm.toPort = -1;
    }
  } else if (protocol === PROTO_TCP || protocol === PROTO_UDP) {
    const p = r.ports ?? r.port;
    const range = p === undefined || p === 'all' ? { from: 0, to: 65535 } : portRange(p);
    perm.fromPort = range.from;
    perm.toPort = range.to;
  }
  const description = r.description === undefined ? undefined : String(r.description);
  for (const p of peers) {
    const text = String(p);
    const cidr = tryParseCidr(text);
    if (cidr) {
      if (cidr.cidr.family === 4) perm.ipRanges!.push({ cidrIp: text, description });
      else perm.ipv6Ranges!.push({ cidrIpv6: text, description });
    } else if (text.startsWith('pl:')) {
      const id = ctx.prefixLists.get(text.slice(3));
      if (!id) throw new Error(`no prefix list named '${text.slice(3)}'`);
      perm.prefixListIds!.push({ prefixListId: id, description });
    } else if (text.startsWith('pl-')) {
      perm.prefixListIds!.push({ prefixListId: text, description });
    } else if (/^\d{12}\/sg-/.test(text)) {
      const [userId, groupId] = text.split('/');
      perm.userIdGroupPairs!.push({ userId, groupId, description });
    } else if (text.startsWith('sg-')) {
      perm.userIdGroupPairs!.push({ groupId: text, description });
    } else if (/^[0-9a-fA-F.:/]+$/.test(text) && /[./:]/.test(text)) {
      throw new AwsError('InvalidParameterValue', `CIDR block ${text} is malformed`);
    } else {
      const key = text.includes('/') ? text : `${ctx.vpcName}/${text}`;
      const id = ctx.groups.get(key);
      if (!id) throw new Error(`no security group named '${text}' in VPC ${text.includes('/') ? text.split('/')[0] : ctx.vpcName}`);
      perm.userIdGroupPairs!.push({ groupId: id, description });
    }
  }
  return perm;
}

/** A scenario NACL entry. `egress` may also come from `direction: inbound|outbound` in the entry. */
export function entryFromSpec(raw: unknown, egress?: boolean): NetworkAclEntry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('an entry is a mapping like { rule: 100, protocol: tcp, ports: 80, cidr: 0.0.0.0/0, action: allow }');
  const e = raw as Obj;
  checkKeys(e, ENTRY_KEYS, 'a network ACL entry');
  if (typeof e.rule !== 'number') throw new Error('each network ACL entry needs a rule number (1–32766)');
  const dir = egress ?? (e.direction === 'outbound' || e.direction === 'egress' ? true : e.direction === 'inbound' || e.direction === 'ingress' ? false : undefined);
  if (dir === undefined) throw new Error('say direction: inbound or direction: outbound');
  const protoText = e.protocol === undefined ? 'all' : String(e.protocol);
  const protocol = parseProtocol(protoText);
  if (protocol === undefined) throw new Error(`unknown protocol '${protoText}'`);
  const action = e.action === undefined ? 'allow' : String(e.action);
  if (e.cidr === undefined) throw new Error('each network ACL entry needs a cidr');
  const cidr = String(e.cidr);
  const fam = tryParseCidr(cidr)?.cidr.family;
  const entry: NetworkAclEntry = {
    ruleNumber: e.rule, egress: dir, protocol, ruleAction: action as 'allow' | 'deny',
    ...(fam === 6 ? { ipv6CidrBlock: cidr } : { cidrBlock: cidr }),
  };
  if (protocol === PROTO_TCP || protocol === PROTO_UDP) {
    const pr = e.ports ?? e.port;
    entry.portRange = pr === undefined || pr === 'all' ? { from: 0, to: 65535 } : portRange(pr);
  } else if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
    entry.icmpTypeCode = { type: e.type === undefined ? -1 : Number(e.type), code: e.code === undefined ? -1 : Number(e.code) };
  }
  return entry;
}
