// Workloads: who talks to whom, how often, how much — played through the packet engine over simulated time,
// with connection tracking, as fast as the engine decides (not in real time). Every packet's flow events go to
// a callback (a FlowLogRecorder makes flow-log records of them).
//
// A workload (the `traffic:` or `workload:` section of a scenario, or a file of its own):
//
//   duration: 1h                     # length of the run (default: until the last flow ends, at least 10m)
//   flows:
//     - from: web                    # an endpoint as `rampart probe` takes it (name, eni-…, address, internet)
//       to: db:5432/tcp              # destination with port and protocol (tcp, udp, icmp)
//       rate: 2/s                    # new connections per second (N/s, N/m, N/h), Poisson arrivals; or
//       connections: 10              #   a fixed number, spread evenly over the flow's time (default 1)
//       start: 0s                    # when the flow begins (default 0)
//       duration: 10m                # how long it opens connections (default: to the end of the run)
//       requests: 5                  # request/response exchanges per connection: connection reuse (default 1)
//       think: 2s                    # time between exchanges on one connection (default 1s; 250ms works too)
//       requestBytes: 300            # payload of each request (default 100; ICMP 56)
//       responseBytes: 2000          # payload of each response (default 1000; ICMP 56; 0: no response)
//       packetSize: 1500             # largest packet on the wire: payloads are cut into packets (default 1500)
//       close: fin                   # how TCP connections end: fin (default), rst, or idle (left to time out)
//       synRetries: 2                # SYN retransmissions of an unanswered connection, at +1 s and +3 s (default 2)
//       ephemeral: linux             # client ports: linux (default), windows, aws, or LO-HI
//
// Packets carry IP + TCP headers of 40 bytes (UDP/ICMP 28; IPv6 adds 20): a request of 3000 bytes with
// packetSize 1500 is 3 packets of 3120 bytes in all. Handshake packets are 60 bytes, the final ACK and FIN 52.
import { Engine, type Delivery, type Endpoint, type FlowEvent } from '../engine/engine.js';
import { reversePacket, type Packet } from '../engine/packet.js';
import { chooseAddresses, familyOf, type ProbeEndpoint } from '../engine/probe.js';
import { EPHEMERAL_PORTS, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../net/index.js';
import type { Names } from '../scenario/load.js';
import { parseDuration } from '../scenario/simulate.js';
import { parseTarget } from '../scenario/targets.js';
import type { Region } from '../state/region.js';

export class WorkloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkloadError';
  }
}

export interface WorkloadFlow {
  from: string;
  to: string;
  /** new connections per second (Poisson arrivals) */
  rate?: number;
  /** a fixed number of connections, spread evenly */
  connections?: number;
  start: number;
  duration?: number;
  requests: number;
  think: number;
  requestBytes?: number;
  responseBytes?: number;
  packetSize: number;
  close: 'fin' | 'rst' | 'idle';
  synRetries: number;
  ephemeral: { lo: number; hi: number };
}

export interface Workload {
  duration?: number;
  flows: WorkloadFlow[];
}

type Obj = Record<string, unknown>;

const FLOW_KEYS = new Set(['from', 'to', 'rate', 'connections', 'start', 'duration', 'requests', 'think', 'requestBytes', 'responseBytes', 'packetSize', 'close', 'synRetries', 'ephemeral', 'name', 'description']);

/** `2/s`, `30/m`, `100/h`, or a number (per second). */
export function parseRate(v: unknown): number {
  if (typeof v === 'number' && v > 0 && Number.isFinite(v)) return v;
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*(s|m|h|d)$/.exec(String(v).trim());
  if (!m || Number(m[1]) <= 0) throw new WorkloadError(`'${String(v)}' is not a rate (2/s, 30/m, 100/h, or a number per second)`);
  return Number(m[1]) / ({ s: 1, m: 60, h: 3600, d: 86400 }[m[2]!] ?? 1);
}

function int(v: unknown, what: string, min: number, max: number): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new WorkloadError(`${what} must be a whole number from ${min} to ${max}, not '${String(v)}'`);
  return n;
}

function duration(v: unknown, what: string): number {
  const ms = /^(\d+(?:\.\d+)?)\s*ms$/.exec(String(v).trim());
  if (ms) return Number(ms[1]) / 1000;
  try {
    return parseDuration(v);
  } catch (e) {
    throw new WorkloadError(`${what}: ${(e as Error).message}`);
  }
}

function ephemeral(v: unknown): { lo: number; hi: number } {
  if (v === undefined) return { lo: EPHEMERAL_PORTS.linux.lo, hi: 60999 };
  const s = String(v);
  if (s in EPHEMERAL_PORTS) return { ...EPHEMERAL_PORTS[s as keyof typeof EPHEMERAL_PORTS] };
  const m = /^(\d+)-(\d+)$/.exec(s);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= Number(m[2]) && Number(m[2]) <= 65535) return { lo: Number(m[1]), hi: Number(m[2]) };
  throw new WorkloadError(`ephemeral: '${s}' is not linux, windows, windows2003, aws or LO-HI`);
}

/**
 * Reads a workload from plain data: `{ duration?, flows: [...] }`, a list of flows, or a document whose
 * `traffic:` or `workload:` section is one. Errors name the flow (`flows[2].rate: …`).
 */
export function parseWorkload(data: unknown): Workload {
  let d = data;
  if (d && typeof d === 'object' && !Array.isArray(d)) {
    const o = d as Obj;
    if (o.traffic !== undefined) d = o.traffic;
    else if (o.workload !== undefined) d = o.workload;
  }
  const top: Obj = Array.isArray(d) ? { flows: d } : d && typeof d === 'object' ? (d as Obj) : {};
  if (!Array.isArray(top.flows) || top.flows.length === 0) throw new WorkloadError('a workload lists its flows: flows: [{ from: web, to: db:5432/tcp, rate: 1/s }, …]');
  for (const k of Object.keys(top)) if (k !== 'flows' && k !== 'duration' && k !== 'description') throw new WorkloadError(`unknown workload key '${k}' (flows, duration)`);
  const flows = (top.flows as unknown[]).map((raw, i) => {
    const at = `flows[${i}]`;
    try {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new WorkloadError('a flow is a mapping: { from: web, to: db:5432/tcp, rate: 1/s }');
      const f = raw as Obj;
      for (const k of Object.keys(f)) if (!FLOW_KEYS.has(k)) throw new WorkloadError(`unknown key '${k}' (${[...FLOW_KEYS].join(', ')})`);
      if (typeof f.from !== 'string' || !f.from) throw new WorkloadError('from: an endpoint is required (web, eni-…, 203.0.113.7, internet)');
      if (typeof f.to !== 'string' || !f.to) throw new WorkloadError('to: a destination is required (db:5432/tcp, dns:53/udp, db:icmp)');
      if (f.rate !== undefined && f.connections !== undefined) throw new WorkloadError('give rate or connections, not both');
      const close = f.close === undefined ? 'fin' : String(f.close);
      if (close !== 'fin' && close !== 'rst' && close !== 'idle') throw new WorkloadError(`close: '${close}' is not fin, rst or idle`);
      const flow: WorkloadFlow = {
        from: f.from, to: f.to,
        ...(f.rate !== undefined ? { rate: parseRate(f.rate) } : {}),
        ...(f.connections !== undefined || f.rate === undefined ? { connections: f.connections === undefined ? 1 : int(f.connections, 'connections', 0, 100_000_000) } : {}),
        start: f.start === undefined ? 0 : duration(f.start, 'start'),
        ...(f.duration !== undefined ? { duration: duration(f.duration, 'duration') } : {}),
        requests: f.requests === undefined ? 1 : int(f.requests, 'requests', 0, 1_000_000),
        think: f.think === undefined ? 1 : duration(f.think, 'think'),
        ...(f.requestBytes !== undefined ? { requestBytes: int(f.requestBytes, 'requestBytes', 0, 1e12) } : {}),
        ...(f.responseBytes !== undefined ? { responseBytes: int(f.responseBytes, 'responseBytes', 0, 1e12) } : {}),
        packetSize: f.packetSize === undefined ? 1500 : int(f.packetSize, 'packetSize', 100, 9001),
        close,
        synRetries: f.synRetries === undefined ? 2 : int(f.synRetries, 'synRetries', 0, 6),
        ephemeral: ephemeral(f.ephemeral),
      };
      return flow;
    } catch (e) {
      throw new WorkloadError(`${at}: ${(e as Error).message}`);
    }
  });
  return { ...(top.duration !== undefined ? { duration: duration(top.duration, 'duration') } : {}), flows };
}

// ------------------------------------------------------------------ playing

export interface PlayOptions {
  /** length of the run in seconds (default: the workload's, else the end of its last flow, at least 600) */
  duration?: number;
  /** seed of the arrival times (default 1): the same seed gives the same packets */
  seed?: number;
  /** engine time of simulated second 0 (default 0) */
  timeOffset?: number;
  /** called for every packet the engine decided, with its flow events and what it stands for */
  onPacket?: (events: readonly FlowEvent[], t: number, packets: number, bytes: number) => void;
  /** called now and then with the simulated time reached */
  onProgress?: (t: number, end: number) => void;
}

export interface PlayStats {
  duration: number;
  connections: number;
  /** connections whose every exchange got its answer */
  completed: number;
  /** engine decisions */
  decisions: number;
  /** packets those decisions stand for */
  packets: number;
  bytes: number;
  accepted: number;
  rejected: number;
}

/** The end of a workload's run in seconds. */
export function workloadDuration(w: Workload, override?: number): number {
  if (override !== undefined) return override;
  if (w.duration !== undefined) return w.duration;
  let end = 600;
  for (const f of w.flows) end = Math.max(end, f.start + (f.duration ?? 0));
  return end;
}

/** mulberry32: a small seeded generator, so a seed always gives the same arrivals. */
function rng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A binary heap of timed actions; ties run in the order they were scheduled. */
class Agenda {
  private readonly ts: number[] = [];
  private readonly seqs: number[] = [];
  private readonly fns: (() => void)[] = [];
  private seq = 0;
  get size(): number {
    return this.ts.length;
  }
  private less(i: number, j: number): boolean {
    return this.ts[i]! < this.ts[j]! || (this.ts[i] === this.ts[j] && this.seqs[i]! < this.seqs[j]!);
  }
  private swap(i: number, j: number): void {
    [this.ts[i], this.ts[j]] = [this.ts[j]!, this.ts[i]!];
    [this.seqs[i], this.seqs[j]] = [this.seqs[j]!, this.seqs[i]!];
    [this.fns[i], this.fns[j]] = [this.fns[j]!, this.fns[i]!];
  }
  push(t: number, fn: () => void): void {
    this.ts.push(t);
    this.seqs.push(this.seq++);
    this.fns.push(fn);
    let i = this.ts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  peekTime(): number {
    return this.ts[0]!;
  }
  pop(): () => void {
    const fn = this.fns[0]!;
    const last = this.ts.length - 1;
    this.swap(0, last);
    this.ts.pop();
    this.seqs.pop();
    this.fns.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.ts.length && this.less(l, m)) m = l;
      if (r < this.ts.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return fn;
  }
}

interface ResolvedFlow {
  flow: WorkloadFlow;
  client: Endpoint;
  clientKey: string;
  base: Packet;
  protocol: number;
  header: number;
  requestBytes: number;
  responseBytes: number;
}

/**
 * Plays a workload against the engine's Region: connections open at their arrival times, exchange requests and
 * responses (each packet decided by the engine with connection tracking at its simulated time), and close.
 */
export function playWorkload(engine: Engine, names: Names | undefined, w: Workload, opts: PlayOptions = {}): PlayStats {
  const region: Region = engine.region;
  const end = workloadDuration(w, opts.duration);
  const off = opts.timeOffset ?? 0;
  const random = rng(opts.seed ?? 1);
  const stats: PlayStats = { duration: end, connections: 0, completed: 0, decisions: 0, packets: 0, bytes: 0, accepted: 0, rejected: 0 };
  const agenda = new Agenda();
  const ports = new Map<string, number>();
  const onPacket = opts.onPacket;

  const resolved: ResolvedFlow[] = w.flows.map((flow, i) => {
    try {
      const from = parseTarget(flow.from, names, region);
      const to = parseTarget(flow.to, names, region);
      const family = familyOf(from.endpoint as ProbeEndpoint, to.endpoint as ProbeEndpoint);
      const protocol = to.protocol ?? PROTO_TCP;
      if (protocol !== PROTO_TCP && protocol !== PROTO_UDP && protocol !== PROTO_ICMP && protocol !== PROTO_ICMPV6) throw new WorkloadError(`protocol ${protocol}: workloads play tcp, udp and icmp`);
      const icmp = protocol === PROTO_ICMP || protocol === PROTO_ICMPV6;
      const proto = icmp ? (family === 6 ? PROTO_ICMPV6 : PROTO_ICMP) : protocol;
      if (!icmp && to.port === undefined) throw new WorkloadError(`to: '${flow.to}' needs a port (${flow.to}:443/tcp)`);
      const { src, dst } = chooseAddresses(engine, from.endpoint as ProbeEndpoint, to.endpoint as ProbeEndpoint, family);
      const base: Packet = { family, src: src.value, dst: dst.value, protocol: proto, srcPort: 0, dstPort: icmp ? 0 : to.port!, bytes: 60 };
      if (icmp) {
        base.icmpType = to.icmpType ?? (proto === PROTO_ICMP ? 8 : 128);
        base.icmpCode = 0;
      }
      const client: Endpoint = from.endpoint.kind === 'eni' ? { kind: 'eni', networkInterfaceId: from.endpoint.networkInterfaceId } : { kind: 'internet' };
      const header = (proto === PROTO_TCP ? 40 : 28) + (family === 6 ? 20 : 0);
      return {
        flow, client, clientKey: client.kind === 'eni' ? client.networkInterfaceId : `inet:${String(src.value)}`, base, protocol: proto, header,
        requestBytes: flow.requestBytes ?? (icmp ? 56 : 100), responseBytes: flow.responseBytes ?? (icmp ? 56 : 1000),
      };
    } catch (e) {
      throw new WorkloadError(`flows[${i}] (${flow.from} → ${flow.to}): ${(e as Error).message}`);
    }
  });

  const nextPort = (r: ResolvedFlow): number => {
    const { lo, hi } = r.flow.ephemeral;
    const key = `${r.clientKey}|${lo}`;
    const p = ports.get(key) ?? lo;
    ports.set(key, p >= hi ? lo : p + 1);
    return p;
  };

  /** sends one packet standing for `n` packets of `bytes` in all; returns the delivery */
  const send = (from: Endpoint, pkt: Packet, t: number, n: number, bytes: number): Delivery => {
    const d = engine.send(from, pkt, { now: off + t, flowEvents: true });
    stats.decisions++;
    stats.packets += n;
    stats.bytes += bytes;
    if (d.allowed) stats.accepted += n;
    else stats.rejected += n;
    onPacket?.(d.flowEvents, t, n, bytes);
    return d;
  };
  /** the answer to a delivered packet, from whoever received it */
  const answer = (d: Delivery, t: number, flags: number | undefined, n: number, bytes: number): Delivery | undefined => {
    if (!d.allowed || !d.delivered || !d.to || (d.to.kind !== 'eni' && d.to.kind !== 'internet')) return undefined;
    const from: Endpoint = d.to.kind === 'eni' ? { kind: 'eni', networkInterfaceId: d.to.networkInterfaceId } : { kind: 'internet' };
    const r = reversePacket(d.delivered);
    if (flags !== undefined) r.tcpFlags = flags;
    r.bytes = Math.min(bytes, 65535);
    return send(from, r, t, n, bytes);
  };
  const segments = (r: ResolvedFlow, payload: number): { n: number; bytes: number } => {
    const per = r.flow.packetSize - r.header;
    const n = Math.max(1, Math.ceil(payload / per));
    return { n, bytes: payload + n * r.header };
  };

  const startConnection = (r: ResolvedFlow, t0: number) => {
    stats.connections++;
    const tcp = r.protocol === PROTO_TCP;
    const pkt: Packet = { ...r.base, srcPort: r.protocol === PROTO_TCP || r.protocol === PROTO_UDP ? nextPort(r) : 0 };
    let ok = true;
    const exchange = (k: number, t: number) => {
      if (t >= end) return;
      const req = segments(r, r.requestBytes);
      const out = { ...pkt, bytes: Math.min(req.bytes, r.flow.packetSize) };
      if (tcp) out.tcpFlags = TCP_PSH | TCP_ACK;
      const d = send(r.client, out, t, req.n, req.bytes);
      if (r.responseBytes > 0) {
        const res = segments(r, r.responseBytes);
        const back = answer(d, t, tcp ? TCP_PSH | TCP_ACK : undefined, res.n, res.bytes);
        if (!back?.allowed) ok = false;
      } else if (!d.allowed) ok = false;
      if (!ok) return; // an unanswered exchange ends the connection (the client gives up)
      if (k + 1 < r.flow.requests) agenda.push(t + r.flow.think, () => exchange(k + 1, t + r.flow.think));
      else if (tcp) agenda.push(t + Math.min(r.flow.think, 1), () => close(t + Math.min(r.flow.think, 1)));
      else stats.completed++;
    };
    const close = (t: number) => {
      if (t >= end) return;
      stats.completed++;
      if (r.flow.close === 'idle') return;
      if (r.flow.close === 'rst') {
        send(r.client, { ...pkt, tcpFlags: TCP_RST | TCP_ACK, bytes: 40 }, t, 1, 40);
        return;
      }
      const d = send(r.client, { ...pkt, tcpFlags: TCP_FIN | TCP_ACK, bytes: 52 }, t, 1, 52);
      const back = answer(d, t, TCP_FIN | TCP_ACK, 1, 52);
      if (back?.allowed) send(r.client, { ...pkt, tcpFlags: TCP_ACK, bytes: 52 }, t, 1, 52);
    };
    const syn = (attempt: number, t: number) => {
      if (t >= end) return;
      const d = send(r.client, { ...pkt, tcpFlags: TCP_SYN, bytes: 60 }, t, 1, 60);
      const back = answer(d, t, TCP_SYN | TCP_ACK, 1, 60);
      if (!back?.allowed) {
        // Linux retransmits an unanswered SYN after 1 s, then 2 s more
        if (attempt < r.flow.synRetries) agenda.push(t + (1 << attempt), () => syn(attempt + 1, t + (1 << attempt)));
        return;
      }
      send(r.client, { ...pkt, tcpFlags: TCP_ACK, bytes: 52 }, t, 1, 52);
      if (r.flow.requests > 0) exchange(0, t);
      else close(t + 1);
    };
    if (tcp) syn(0, t0);
    else if (r.flow.requests > 0) exchange(0, t0);
  };

  for (const r of resolved) {
    const from = r.flow.start;
    const until = Math.min(end, r.flow.duration !== undefined ? from + r.flow.duration : end);
    if (r.flow.rate !== undefined) {
      // Poisson arrivals: exponential gaps, drawn in order so one seed gives one schedule
      let t = from - Math.log(1 - random()) / r.flow.rate;
      const schedule = () => {
        const at = t;
        startConnection(r, at);
        t = at - Math.log(1 - random()) / r.flow.rate!;
        if (t < until) agenda.push(t, schedule);
      };
      if (t < until) agenda.push(t, schedule);
    } else {
      const n = r.flow.connections ?? 1;
      const span = until - from;
      for (let k = 0; k < n; k++) {
        const at = from + (n > 1 ? (span * k) / n : 0);
        if (at < until) agenda.push(at, () => startConnection(r, at));
      }
    }
  }

  let steps = 0;
  while (agenda.size > 0) {
    if (agenda.peekTime() >= end) break;
    const t = agenda.peekTime();
    agenda.pop()();
    if (opts.onProgress && (++steps & 4095) === 0) opts.onProgress(t, end);
  }
  opts.onProgress?.(end, end);
  return stats;
}
