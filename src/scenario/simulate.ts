// Timelines: packets, rule changes and waits played against a scenario with connection tracking over
// simulated time, so the stateful (security groups) and stateless (network ACLs) behaviours can be watched.
import { LineCounter, parseDocument } from 'yaml';
import { AwsError } from '../model/errors.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../net/index.js';
import { Engine, type Delivery, type Endpoint } from '../engine/engine.js';
import { reversePacket, type Packet } from '../engine/packet.js';
import { chooseAddresses, familyOf, type ProbeEndpoint } from '../engine/probe.js';
import { ScenarioError, type LoadedScenario } from './load.js';
import { entryFromSpec, ruleToPermission } from './rules.js';
import { parseTarget } from './targets.js';

export type TimelineEvent =
  | { kind: 'packet'; t: number; from: string; to: string; packet: Packet; delivery: Delivery; line?: number }
  | { kind: 'change'; t: number; text: string; line?: number }
  | { kind: 'note'; t: number; text: string; line?: number };

type Obj = Record<string, unknown>;

const FLAG_NAMES: Record<string, number> = { SYN: TCP_SYN, ACK: TCP_ACK, FIN: TCP_FIN, RST: TCP_RST, PSH: TCP_PSH };

/** `30`, `30s`, `5m`, `2h`, `1d` → seconds */
export function parseDuration(v: unknown): number {
  if (typeof v === 'number' && v >= 0) return v;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(String(v).trim());
  if (!m) throw new Error(`'${String(v)}' is not a duration (30, 30s, 5m, 2h, 1d)`);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? 's'] ?? 1);
}

function parseFlags(v: unknown): number {
  if (v === undefined) return TCP_SYN;
  if (typeof v === 'number') return v;
  let f = 0;
  for (const name of String(v).split(/[,+| ]+/).filter(Boolean)) {
    const bit = FLAG_NAMES[name.toUpperCase()];
    if (bit === undefined) throw new Error(`unknown TCP flag '${name}' (SYN, ACK, FIN, RST, PSH)`);
    f |= bit;
  }
  return f;
}

export interface Simulation {
  events: TimelineEvent[];
  engine: Engine;
}

/** Plays a timeline (YAML/JSON: a list of steps, or { steps: [...] }) against a loaded scenario. */
export function simulate(s: LoadedScenario, timelineText: string, file = 'timeline', onEvent?: (e: TimelineEvent) => void): Simulation {
  const lc = new LineCounter();
  const doc = parseDocument(timelineText, { lineCounter: lc });
  if (doc.errors.length) throw new ScenarioError(doc.errors[0].message.split('\n')[0], file, doc.errors[0].linePos?.[0]?.line);
  const data = doc.toJS() as unknown;
  const steps = Array.isArray(data) ? data : data && typeof data === 'object' && Array.isArray((data as Obj).steps) ? ((data as Obj).steps as unknown[]) : undefined;
  if (!steps) throw new ScenarioError('a timeline is a list of steps (send, reply, connect, ping, wait, at, authorize, revoke, nacl, note)', file, 1);
  const stepsPath = Array.isArray(data) ? [] : ['steps'];
  const lineOf = (i: number): number | undefined => {
    const node = doc.getIn([...stepsPath, i], true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lc.linePos(node.range[0]).line : undefined;
  };
  const engine = new Engine(s.region);
  const events: TimelineEvent[] = [];
  const emit = (e: TimelineEvent) => {
    events.push(e);
    onEvent?.(e);
  };
  let now = 0;
  let last: { delivery: Delivery; packet: Packet; from: string; to: string } | undefined;
  const nextPort = new Map<string, number>();

  const sendPacket = (from: Endpoint, fromLabel: string, toLabel: string, pkt: Packet, line?: number) => {
    const delivery = engine.send(from, pkt, { now, trace: true, flowEvents: true });
    emit({ kind: 'packet', t: now, from: fromLabel, to: toLabel, packet: pkt, delivery, line });
    last = { delivery, packet: pkt, from: fromLabel, to: toLabel };
    return delivery;
  };

  const reply = (flags: number | undefined, line?: number) => {
    if (!last) throw new Error('reply: no packet was sent before');
    const d = last.delivery;
    if (!d.allowed) throw new Error('reply: the last packet was dropped, so nobody answers it');
    if (!d.delivered || !d.to || (d.to.kind !== 'eni' && d.to.kind !== 'internet')) throw new Error('reply: the last packet reached no one who could answer');
    const from: Endpoint = d.to.kind === 'eni' ? { kind: 'eni', networkInterfaceId: d.to.networkInterfaceId } : { kind: 'internet' };
    const r = reversePacket(d.delivered);
    if (flags !== undefined && r.protocol === PROTO_TCP) r.tcpFlags = flags;
    // the answer goes back to the address the sender used (the original source as the receiver saw it)
    return sendPacket(from, last.to, last.from, r, line);
  };

  // `echo`: an ICMP echo unless the destination names a protocol (ICMPv6 when the packet is IPv6)
  const build = (spec: Obj, echo = false): { from: Endpoint; fromLabel: string; toLabel: string; pkt: Packet } => {
    const fromT = parseTarget(String(spec.from ?? ''), s.names, s.region);
    const toT = parseTarget(String(spec.to ?? ''), s.names, s.region);
    const family = familyOf(fromT.endpoint, toT.endpoint, spec.ipv6 === true ? 6 : undefined);
    const protocol = toT.protocol ?? (spec.protocol !== undefined ? Number(spec.protocol) : echo ? (family === 6 ? PROTO_ICMPV6 : PROTO_ICMP) : PROTO_TCP);
    const { src, dst } = chooseAddresses(engine, fromT.endpoint as ProbeEndpoint, toT.endpoint as ProbeEndpoint, family);
    // each new TCP connection (a SYN) between a pair takes the next source port; later packets reuse it
    const key = `${fromT.label}>${toT.label}`;
    const opening = protocol === PROTO_TCP && (parseFlags(spec.flags) & TCP_SYN) !== 0 && !(parseFlags(spec.flags) & TCP_ACK);
    if (opening || !nextPort.has(key)) nextPort.set(key, nextPort.has(key) ? nextPort.get(key)! + 1 : 40000);
    const srcPort = typeof spec.srcPort === 'number' ? spec.srcPort : nextPort.get(key)!;
    const pkt: Packet = {
      family, src: src.value, dst: dst.value, protocol,
      srcPort: protocol === PROTO_TCP || protocol === PROTO_UDP ? srcPort : 0,
      dstPort: protocol === PROTO_TCP || protocol === PROTO_UDP ? (toT.port ?? 0) : 0,
      bytes: typeof spec.bytes === 'number' ? spec.bytes : 60,
    };
    if (protocol === PROTO_TCP) pkt.tcpFlags = parseFlags(spec.flags);
    if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
      pkt.icmpType = toT.icmpType ?? (typeof spec.type === 'number' ? spec.type : protocol === PROTO_ICMP ? 8 : 128);
      pkt.icmpCode = typeof spec.code === 'number' ? spec.code : 0;
    }
    const from: Endpoint = fromT.endpoint.kind === 'eni' ? { kind: 'eni', networkInterfaceId: fromT.endpoint.networkInterfaceId } : { kind: 'internet' };
    return { from, fromLabel: fromT.label, toLabel: toT.label, pkt };
  };

  const groupId = (name: string): string => {
    const id = name.startsWith('sg-') ? name : s.names.groups.get(name);
    if (!id) throw new Error(`no security group named '${name}' (use vpc/name when two VPCs have one)`);
    return id;
  };
  const vpcNameOfGroup = (id: string): string => s.names.nameOf(s.region.getGroup(id).vpcId) ?? s.region.getGroup(id).vpcId;

  steps.forEach((raw, i) => {
    const line = lineOf(i);
    try {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('each step is a mapping, e.g. { send: { from: web, to: db:5432/tcp } }');
      const step = raw as Obj;
      const kinds = Object.keys(step).filter((k) => k !== 'label');
      if (kinds.length !== 1) throw new Error(`a step has one action, found: ${kinds.join(', ') || 'none'}`);
      const kind = kinds[0];
      const arg = step[kind];
      switch (kind) {
        case 'at': {
          const t = parseDuration(arg);
          if (t < now) throw new Error(`at: ${t}s is before the current time ${now}s`);
          now = t;
          break;
        }
        case 'wait':
          now += parseDuration(arg);
          break;
        case 'note':
          emit({ kind: 'note', t: now, text: String(arg), line });
          break;
        case 'send': {
          const spec = arg as Obj;
          const count = typeof spec.count === 'number' ? spec.count : 1;
          const b = build(spec);
          for (let k = 0; k < count; k++) sendPacket(b.from, b.fromLabel, b.toLabel, b.pkt, line);
          break;
        }
        case 'reply': {
          const spec = (arg && typeof arg === 'object' ? arg : {}) as Obj;
          reply(spec.flags !== undefined ? parseFlags(spec.flags) : undefined, line);
          break;
        }
        case 'connect': {
          // the TCP handshake: SYN, SYN-ACK, ACK
          const b = build({ ...(arg as Obj), flags: 'SYN' });
          const d = sendPacket(b.from, b.fromLabel, b.toLabel, b.pkt, line);
          if (d.allowed) {
            const back = reply(TCP_SYN | TCP_ACK, line);
            if (back.allowed) sendPacket(b.from, b.fromLabel, b.toLabel, { ...b.pkt, tcpFlags: TCP_ACK }, line);
          }
          break;
        }
        case 'ping': {
          // Fix: this appended ':icmp' unless `to` contained a colon, so a ping to an IPv6 address
          // (`[2001:db8::1]`) sent a TCP SYN to port 0, and an IPv6 ping sent ICMP instead of ICMPv6.
          const b = build(arg as Obj, true);
          const d = sendPacket(b.from, b.fromLabel, b.toLabel, b.pkt, line);
          // Fix: `delivered` is set even when the echo request is dropped at the destination, so a dropped
          // ping used to be answered; only an echo request that got through is answered (as in connect).
          if (d.allowed && d.delivered && d.to?.kind === 'eni') reply(undefined, line);
          break;
        }
        case 'authorize':
        case 'revoke': {
          const spec = arg as Obj;
          const gid = groupId(String(spec.group));
          const egress = spec.direction === 'outbound' || spec.direction === 'egress';
          if (!egress && spec.direction !== undefined && spec.direction !== 'inbound' && spec.direction !== 'ingress') throw new Error('direction is inbound or outbound');
          const perm = ruleToPermission(spec.rule, egress, { vpcName: vpcNameOfGroup(gid), groups: s.names.groups, prefixLists: s.names.prefixLists });
          if (kind === 'authorize') s.region.authorize(gid, egress, [perm]);
          else s.region.revoke(gid, egress, { permissions: [perm] });
          emit({ kind: 'change', t: now, text: `${kind} ${egress ? 'outbound' : 'inbound'} ${describeRule(spec.rule)} on ${String(spec.group)}`, line });
          break;
        }
        case 'nacl': {
          const spec = arg as Obj;
          const aclName = String(spec.acl);
          const aclId = aclName.startsWith('acl-') ? aclName : s.names.networkAcls.get(aclName);
          if (!aclId) throw new Error(`no network ACL named '${aclName}' (use vpc/name when two VPCs have one)`);
          const action = ['add', 'replace', 'delete'].find((a) => spec[a] !== undefined);
          if (!action) throw new Error('nacl: say add, replace or delete');
          const entry = spec[action] as Obj;
          if (action === 'delete') {
            const egress = entry.direction === 'outbound' || entry.direction === 'egress';
            s.region.deleteNetworkAclEntry(aclId, Number(entry.rule), egress);
            emit({ kind: 'change', t: now, text: `delete ${egress ? 'outbound' : 'inbound'} entry ${String(entry.rule)} of ${aclName}`, line });
          } else {
            const e = entryFromSpec(entry);
            if (action === 'add') s.region.createNetworkAclEntry(aclId, e);
            else s.region.replaceNetworkAclEntry(aclId, e);
            emit({ kind: 'change', t: now, text: `${action} ${e.egress ? 'outbound' : 'inbound'} entry ${e.ruleNumber} ${e.ruleAction} ${describeRule(entry)} on ${aclName}`, line });
          }
          break;
        }
        default:
          throw new Error(`unknown step '${kind}' (send, reply, connect, ping, wait, at, authorize, revoke, nacl, note)`);
      }
    } catch (e) {
      if (e instanceof ScenarioError) throw e;
      const code = e instanceof AwsError ? e.code : undefined;
      throw new ScenarioError(e instanceof Error ? e.message : String(e), file, line, code);
    }
  });
  return { events, engine };
}

function describeRule(r: unknown): string {
  if (!r || typeof r !== 'object') return '';
  const o = r as Obj;
  const proto = o.protocol === undefined ? 'all' : String(o.protocol);
  const ports = o.ports ?? o.port;
  const peer = o.from ?? o.to ?? o.cidr;
  return `${proto}${ports !== undefined ? ` ${String(ports)}` : ''}${peer !== undefined ? ` ${o.from !== undefined ? 'from' : o.to !== undefined ? 'to' : ''} ${String(peer)}`.replace('  ', ' ') : ''}`;
}
