// Flow-log records as AWS produces them from the packets the engine decided (its FlowEvents).
//
// AWS rules implemented (Amazon VPC User Guide, "Flow log records", "Flow log record examples"):
// - a record covers one flow — the 5-tuple — on one network interface in one aggregation interval (60 or 600 s);
//   packets and bytes are summed, `tcp-flags` OR-ed over the interval;
// - `action` is ACCEPT or REJECT as security groups and network ACLs decided at that interface: an accepted
//   request whose response the NACL denies gives an ACCEPT record (ingress) and a REJECT record (egress);
// - `srcaddr` (outgoing) / `dstaddr` (incoming) is the interface's primary private IPv4 address, while
//   `pkt-srcaddr` / `pkt-dstaddr` are the packet's own (they differ for traffic to a secondary private IP);
// - `tcp-flags` reports FIN 1, SYN 2, RST 4 and SYN-ACK 18 only: ACK and PSH alone give 0;
// - a NODATA record (`-` for every traffic field) for an interface with no traffic in an interval;
// - a flow log's traffic type keeps ACCEPT records, REJECT records, or ALL.
//
// Choices where AWS leaves room, and why:
// - capture windows are aligned on multiples of the interval in Unix time (AWS does not document its
//   alignment; aligned windows make runs reproducible and records of different ENIs comparable);
// - `start`/`end` are the seconds of the first and last packet of the flow in the window — the User Guide's
//   definition of the fields ("the time … when the first packet of the flow was received within the aggregation
//   interval") — and the window's bounds for NODATA records, which have no packets;
// - NODATA is written when no packet at all crossed the interface in the window, whatever the traffic type;
// - `traffic-path` (egress only) from the route the packet takes: 1 within the VPC, 4 over an intra-Region
//   peering, 8 through an internet gateway for an instance's interface (current instance types are Nitro) and 2
//   for other interfaces; `-` when no route applies;
// - `reject-reason` is `-`: its one documented value, BPA, needs VPC Block Public Access, which rampart does not
//   model;
// - `pkt-src-aws-service` / `pkt-dst-aws-service` are `-`: rampart's internet has no AWS service ranges.
import type { Engine, FlowEvent } from '../engine/engine.js';
import { addrText } from '../engine/packet.js';
import type { NetworkInterface } from '../model/types.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../net/index.js';
import type { Region } from '../state/region.js';
import { formatRecord, TRAFFIC_PATH, type FlowLogFormat, type FlowRecord } from './format.js';

export type TrafficType = 'ACCEPT' | 'REJECT' | 'ALL';

export interface RecorderOptions {
  /** aggregation interval in seconds: 60 or 600 (AWS's MaxAggregationInterval; default 600) */
  interval?: 60 | 600;
  /** which records to keep (default ALL) */
  trafficType?: TrafficType;
  /** the interfaces recorded (default: every interface of the Region, as a flow log on each VPC would) */
  interfaceIds?: Iterable<string> | ((eniId: string) => boolean);
  /** Unix seconds of simulated time 0 (default 1767225600, 2026-01-01T00:00:00Z) */
  epoch?: number;
}

export const DEFAULT_EPOCH = 1767225600;

/** The flow-log bits of a packet's TCP flags: FIN, SYN, RST, and SYN-ACK as 18 (ACK alone is not reported). */
export function flowLogTcpFlags(flags: number): number {
  let f = flags & (TCP_FIN | TCP_SYN | TCP_RST);
  if (flags & TCP_SYN && flags & TCP_ACK) f |= TCP_ACK;
  return f;
}

interface OpenFlow {
  rec: FlowRecord;
}

interface EniInfo {
  eni: NetworkInterface;
  primaryV4: string | undefined;
  region: string;
  azId: string | undefined;
  instanceId: string | undefined;
}

/**
 * Collects the FlowEvents of the engine into flow-log records, window by window. Feed it with `add(events, t)`
 * in non-decreasing simulated time, then `flush(t)` to close every window that ended by `t` (or `finish(t)`).
 */
export class FlowLogRecorder {
  readonly interval: 60 | 600;
  readonly trafficType: TrafficType;
  readonly epoch: number;
  private readonly selected: (eniId: string) => boolean;
  /** window start (Unix s) -> flow key -> record */
  private readonly windows = new Map<number, Map<string, OpenFlow>>();
  /** interface -> the last window it saw a packet in (NODATA for the windows it did not) */
  private readonly lastActive = new Map<string, number>();
  private readonly info = new Map<string, EniInfo>();
  /** the first window not yet closed */
  private nextWindow: number;
  /** simulated time the recording began (for NODATA of the first window) */
  private readonly started: number;
  private out: FlowRecord[] = [];
  /** records handed out by flush() and finish() so far */
  recordsReturned = 0;

  constructor(
    private readonly region: Region,
    private readonly engine: Engine | undefined,
    opts: RecorderOptions = {},
    startAt = 0,
  ) {
    this.interval = opts.interval ?? 600;
    if (this.interval !== 60 && this.interval !== 600) throw new Error(`aggregation interval must be 60 or 600 seconds, not ${String(this.interval)}`);
    this.trafficType = opts.trafficType ?? 'ALL';
    this.epoch = opts.epoch ?? DEFAULT_EPOCH;
    const sel = opts.interfaceIds;
    if (sel === undefined) this.selected = () => true;
    else if (typeof sel === 'function') this.selected = sel;
    else {
      const set = new Set(sel);
      this.selected = (id) => set.has(id);
    }
    this.started = startAt;
    this.nextWindow = this.windowOf(startAt);
  }

  /** The Unix start of the window holding simulated time t. */
  windowOf(t: number): number {
    const u = Math.floor(this.epoch + t);
    return u - (((u % this.interval) + this.interval) % this.interval);
  }

  private eniInfo(id: string): EniInfo | undefined {
    let i = this.info.get(id);
    if (i) return i;
    const eni = this.region.networkInterfaces.get(id);
    if (!eni) return undefined;
    const primary = eni.privateIpAddresses.find((p) => p.primary) ?? eni.privateIpAddresses[0];
    i = {
      eni, primaryV4: primary?.privateIpAddress, region: this.region.name,
      azId: this.region.subnets.get(eni.subnetId)?.availabilityZoneId,
      // AWS writes the instance only when the account owns it; requester-managed interfaces show `-`
      instanceId: eni.requesterManaged ? undefined : eni.attachment?.instanceId,
    };
    this.info.set(id, i);
    return i;
  }

  /**
   * Records the flow events of one engine packet sent at simulated time t. `packets` and `bytes` let one engine
   * decision stand for a burst of identical packets (the engine decides each of them the same way).
   */
  add(events: readonly FlowEvent[], t: number, packets = 1, bytes?: number): void {
    if (events.length === 0) return;
    const w = this.windowOf(t);
    if (w > this.nextWindow) this.flushUntil(w);
    const sec = Math.floor(this.epoch + t);
    for (const ev of events) {
      const id = ev.networkInterfaceId;
      if (!this.selected(id)) continue;
      this.lastActive.set(id, w);
      if (this.trafficType !== 'ALL' && ev.action !== this.trafficType) continue;
      const p = ev.packet;
      const ported = p.protocol === 6 || p.protocol === 17;
      const srcport = ported ? p.srcPort : 0;
      const dstport = ported ? p.dstPort : 0;
      // the key uses the addresses as numbers: text is made only when a record is created
      const key = `${id}|${ev.egress ? 'e' : 'i'}${ev.action === 'ACCEPT' ? 'A' : 'R'}|${p.protocol}|${p.src}|${srcport}|${p.dst}|${dstport}`;
      let flows = this.windows.get(w);
      if (!flows) this.windows.set(w, (flows = new Map()));
      const n = packets;
      const b = bytes ?? (p.bytes ?? 0) * n;
      const flags = p.protocol === 6 ? flowLogTcpFlags(p.tcpFlags ?? 0) : 0;
      const f = flows.get(key);
      if (f) {
        f.rec.packets! += n;
        f.rec.bytes! += b;
        f.rec.end = sec;
        f.rec.tcpFlags! |= flags;
        continue;
      }
      const info = this.eniInfo(id);
      if (!info) continue;
      const eni = info.eni;
      const pktSrc = addrText(p.family, p.src);
      const pktDst = addrText(p.family, p.dst);
      // the interface's side of the record is its primary private IPv4 (User Guide: srcaddr/dstaddr)
      const own = p.family === 4 && info.primaryV4 !== undefined ? info.primaryV4 : undefined;
      const srcaddr = ev.egress && own !== undefined ? own : pktSrc;
      const dstaddr = !ev.egress && own !== undefined ? own : pktDst;
      flows.set(key, {
        rec: {
          accountId: eni.ownerId, interfaceId: id, srcaddr, dstaddr, srcport, dstport, protocol: p.protocol,
          packets: n, bytes: b, start: sec, end: sec, action: ev.action, logStatus: 'OK',
          vpcId: eni.vpcId, subnetId: eni.subnetId, instanceId: info.instanceId, tcpFlags: flags,
          type: p.family === 4 ? 'IPv4' : 'IPv6', pktSrcaddr: pktSrc, pktDstaddr: pktDst,
          region: info.region, azId: info.azId,
          flowDirection: ev.egress ? 'egress' : 'ingress',
          trafficPath: ev.egress ? this.trafficPath(eni, p.family, p.dst) : undefined,
        },
      });
    }
  }

  private trafficPath(eni: NetworkInterface, family: 4 | 6, dst: number | bigint): number | undefined {
    if (!this.engine) return undefined;
    let r;
    try {
      r = this.engine.routeDecision(eni.subnetId, family, dst);
    } catch {
      return undefined;
    }
    if (r.kind === 'vpc') return r.vpcPeeringConnectionId ? TRAFFIC_PATH.intraRegionPeering : TRAFFIC_PATH.sameVpc;
    if (r.kind === 'internet') return eni.attachment?.instanceId && !eni.requesterManaged ? TRAFFIC_PATH.internetGatewayNitro : TRAFFIC_PATH.internetGatewayOrGatewayEndpoint;
    return undefined;
  }

  /** The interfaces NODATA records are written for. */
  private recordedInterfaces(): string[] {
    return [...this.region.networkInterfaces.keys()].filter((id) => this.selected(id));
  }

  /** Closes every window that starts before `w` (Unix), appending its records. */
  private flushUntil(w: number): void {
    while (this.nextWindow < w) {
      const ws = this.nextWindow;
      const flows = this.windows.get(ws);
      const recs: FlowRecord[] = flows ? [...flows.values()].map((f) => f.rec) : [];
      for (const id of this.recordedInterfaces()) {
        if (this.lastActive.get(id) === ws) continue;
        const info = this.eniInfo(id);
        if (!info) continue;
        recs.push({
          accountId: info.eni.ownerId, interfaceId: id, start: ws, end: ws + this.interval, logStatus: 'NODATA',
          vpcId: info.eni.vpcId, subnetId: info.eni.subnetId, instanceId: info.instanceId, region: info.region, azId: info.azId,
        });
      }
      recs.sort(compareRecords);
      for (const r of recs) this.out.push(r);
      this.windows.delete(ws);
      this.nextWindow = ws + this.interval;
    }
  }

  /** Closes the windows that ended by simulated time t and returns the records produced since the last call. */
  flush(t: number): FlowRecord[] {
    this.flushUntil(this.windowOf(t));
    const r = this.out;
    this.out = [];
    this.recordsReturned += r.length;
    return r;
  }

  /**
   * Ends a run at simulated time `end` (exclusive): closes every window holding a moment before it, and every
   * window a packet was recorded in, and returns the records not yet returned.
   */
  finish(end: number): FlowRecord[] {
    let upTo = end > this.started ? this.windowOf(end - 1e-6) + this.interval : this.nextWindow;
    for (const w of this.windows.keys()) if (w + this.interval > upTo) upTo = w + this.interval;
    this.flushUntil(upTo);
    const r = this.out;
    this.out = [];
    this.recordsReturned += r.length;
    return r;
  }
}

/** Records in a stable order: by interface, then time, then flow. */
export function compareRecords(a: FlowRecord, b: FlowRecord): number {
  return (
    cmp(a.interfaceId, b.interfaceId) || (a.start ?? 0) - (b.start ?? 0) || cmp(a.flowDirection, b.flowDirection) ||
    cmp(a.srcaddr, b.srcaddr) || (a.srcport ?? 0) - (b.srcport ?? 0) || cmp(a.dstaddr, b.dstaddr) || (a.dstport ?? 0) - (b.dstport ?? 0) ||
    (a.protocol ?? 0) - (b.protocol ?? 0) || cmp(a.action, b.action)
  );
}

function cmp(a: string | undefined, b: string | undefined): number {
  return a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;
}

/** Records as lines of a format. */
export function recordLines(records: readonly FlowRecord[], format: FlowLogFormat): string[] {
  return records.map((r) => formatRecord(r, format));
}
