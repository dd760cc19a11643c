// Connection tracking of one network interface (Amazon EC2 User Guide, "Security group connection tracking").
// A tracked flow's later packets, in either direction, pass without the rules being consulted, until the flow
// idles out; untracked flows have no entry and every packet meets the rules.
// Entries live in a hash table keyed by a 31-bit hash of the 5-tuple (chained on collision), so a lookup
// allocates nothing: this is the hot path of established traffic.
import { CONNTRACK_TIMEOUTS } from '../model/quotas.js';
import type { ConnectionTrackingConfiguration } from '../model/types.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../net/index.js';
import { icmpReplyType, type Packet } from './packet.js';

export interface ConnEntry {
  protocol: number;
  /** the opening packet's addresses and ports (ports 0 for protocols without them) */
  src: number | bigint;
  dst: number | bigint;
  srcPort: number;
  dstPort: number;
  /** the direction of the packet that opened it, seen from this ENI */
  origEgress: boolean;
  opened: number;
  lastSeen: number;
  /** TCP: handshake answered */
  established: boolean;
  finOrig: boolean;
  finReply: boolean;
  /** UDP: request/response transactions seen (more than one makes a stream) */
  transactions: number;
  lastWasReply: boolean;
  /** ICMP type of the opening packet */
  icmpType: number;
  packets: number;
  bytes: number;
  /** next entry with the same hash */
  next: ConnEntry | undefined;
}


function hasPorts(protocol: number): boolean {
  return protocol === PROTO_TCP || protocol === PROTO_UDP;
}

function addrHash(a: number | bigint): number {
  if (typeof a === 'number') return a | 0;
  // fold a 128-bit address into 32 bits
  return Number(BigInt.asIntN(32, a ^ (a >> 32n) ^ (a >> 64n) ^ (a >> 96n)));
}

function endHash(a: number | bigint, port: number): number {
  let h = Math.imul(addrHash(a) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ port ^ (h >>> 15), 0xc2b2ae35);
  return h ^ (h >>> 13);
}

/** Symmetric in its two ends, so a packet and its response share a bucket: one lookup finds either direction. */
function tupleHash(protocol: number, src: number | bigint, sp: number, dst: number | bigint, dp: number): number {
  let h = (endHash(src, sp) + endHash(dst, dp)) | 0;
  h = Math.imul(h ^ protocol ^ (h >>> 16), 0x27d4eb2f);
  return (h ^ (h >>> 15)) & 0x7fffffff;
}

/** Idle timeout of an entry in seconds. */
export function entryTimeout(e: ConnEntry, cfg: ConnectionTrackingConfiguration): number {
  switch (e.protocol) {
    case PROTO_TCP:
      return e.established ? cfg.tcpEstablishedTimeout : CONNTRACK_TIMEOUTS.tcpUnestablished;
    case PROTO_UDP:
      // a UDP "stream" has seen more than one request/response transaction
      return e.transactions > 1 ? cfg.udpStreamTimeout : cfg.udpTimeout;
    case PROTO_ICMP:
    case PROTO_ICMPV6:
      return CONNTRACK_TIMEOUTS.icmp;
    default:
      return CONNTRACK_TIMEOUTS.other;
  }
}

export class ConnTrack {
  private readonly table = new Map<number, ConnEntry>();
  private count = 0;
  /** whether the entry the last find() returned was matched in the reply direction */
  lastReply = false;

  private remove(e: ConnEntry): void {
    const h = tupleHash(e.protocol, e.src, e.srcPort, e.dst, e.dstPort);
    let cur = this.table.get(h);
    if (cur === e) {
      if (e.next === undefined) this.table.delete(h);
      else this.table.set(h, e.next);
      this.count--;
      return;
    }
    while (cur !== undefined && cur.next !== e) cur = cur.next;
    if (cur !== undefined) {
      cur.next = e.next;
      this.count--;
    }
  }

  /**
   * The live entry this packet belongs to, if any (an expired entry is dropped on the way); `lastReply` tells
   * whether the packet travels in the reply direction. Returns the entry itself so the hot path allocates nothing.
   */
  find(p: Packet, now: number, cfg: ConnectionTrackingConfiguration): ConnEntry | undefined {
    const ported = hasPorts(p.protocol);
    const sp = ported ? p.srcPort : 0;
    const dp = ported ? p.dstPort : 0;
    const proto = p.protocol;
    const src = p.src;
    const dst = p.dst;
    // Fix: an ICMP flow is its query type, not just the address pair: AWS tracks "only the IP address and
    // protocol number" for protocols other than TCP, UDP and ICMP (EC2 User Guide, "Security group connection
    // tracking"), so an echo request's entry must not carry a timestamp request (or any other type) past the
    // rules. Forward packets match the opening type, replies only its reply type.
    const icmp = proto === PROTO_ICMP || proto === PROTO_ICMPV6;
    let reply = false;
    let e = this.table.get(tupleHash(proto, src, sp, dst, dp));
    while (e !== undefined) {
      if (e.protocol === proto) {
        if (e.src === src && e.dst === dst && e.srcPort === sp && e.dstPort === dp && (!icmp || e.icmpType === (p.icmpType ?? -1))) break;
        if (e.src === dst && e.dst === src && e.srcPort === dp && e.dstPort === sp && (!icmp || (icmpReplyType(proto, e.icmpType) ?? -2) === p.icmpType)) {
          reply = true;
          break;
        }
      }
      e = e.next;
    }
    if (e === undefined) return undefined;
    if (now - e.lastSeen >= entryTimeout(e, cfg)) {
      this.remove(e);
      return undefined;
    }
    this.lastReply = reply;
    return e;
  }

  /** Records a packet on an entry (timestamps, TCP close, UDP transactions); a closing packet removes it. */
  touch(e: ConnEntry, reply: boolean, p: Packet, now: number): void {
    e.lastSeen = now;
    e.packets++;
    e.bytes += p.bytes ?? 0;
    if (e.protocol === PROTO_UDP) {
      if (reply && !e.lastWasReply) e.transactions++;
      e.lastWasReply = reply;
    } else if (e.protocol === PROTO_TCP) {
      const f = p.tcpFlags ?? TCP_ACK;
      if (reply) e.established = true;
      if (f & TCP_RST) {
        this.remove(e);
        return;
      }
      const closedBefore = e.finOrig && e.finReply;
      if (f & TCP_FIN) {
        if (reply) e.finReply = true;
        else e.finOrig = true;
      }
      // After FIN from both sides the final ACK still passes, then the connection is gone.
      if (closedBefore && !(f & TCP_FIN)) this.remove(e);
    }
  }

  open(p: Packet, egress: boolean, now: number): ConnEntry | undefined {
    const f = p.tcpFlags ?? (p.protocol === PROTO_TCP ? TCP_SYN : 0);
    if (p.protocol === PROTO_TCP && f & TCP_RST) return undefined; // a lone RST opens nothing
    const ported = hasPorts(p.protocol);
    const e: ConnEntry = {
      protocol: p.protocol, src: p.src, dst: p.dst, srcPort: ported ? p.srcPort : 0, dstPort: ported ? p.dstPort : 0,
      origEgress: egress, opened: now, lastSeen: now,
      // a mid-stream packet (no SYN) is picked up as an established connection
      established: p.protocol === PROTO_TCP && !(f & TCP_SYN),
      finOrig: p.protocol === PROTO_TCP && (f & TCP_FIN) !== 0, finReply: false,
      transactions: 0, lastWasReply: false, icmpType: p.icmpType ?? -1, packets: 1, bytes: p.bytes ?? 0, next: undefined,
    };
    const h = tupleHash(e.protocol, e.src, e.srcPort, e.dst, e.dstPort);
    e.next = this.table.get(h);
    this.table.set(h, e);
    this.count++;
    return e;
  }

  /** Drops every expired entry (so memory stays bounded). */
  sweep(now: number, cfg: ConnectionTrackingConfiguration): number {
    let n = 0;
    for (const e of [...this.entries()]) {
      if (now - e.lastSeen >= entryTimeout(e, cfg)) {
        this.remove(e);
        n++;
      }
    }
    return n;
  }

  *entries(): IterableIterator<ConnEntry> {
    for (const head of this.table.values()) {
      for (let e: ConnEntry | undefined = head; e !== undefined; e = e.next) yield e;
    }
  }

  clear(): void {
    this.table.clear();
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }
}
