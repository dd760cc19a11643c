// Connection tracking of one network interface (Amazon EC2 User Guide, "Security group connection tracking").
// A tracked flow's later packets, in either direction, pass without the rules being consulted, until the flow
// idles out; untracked flows have no entry and every packet meets the rules.
import { CONNTRACK_TIMEOUTS } from '../model/quotas.js';
import type { ConnectionTrackingConfiguration } from '../model/types.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../net/index.js';
import { icmpReplyType, type Packet } from './packet.js';

export interface ConnEntry {
  protocol: number;
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
}

export type CtMatch = { entry: ConnEntry; reply: boolean } | undefined;

function portsOf(p: Packet): [number, number] {
  return p.protocol === PROTO_TCP || p.protocol === PROTO_UDP ? [p.srcPort, p.dstPort] : [0, 0];
}

export function flowKey(p: Packet, reverse: boolean): string {
  const [sp, dp] = portsOf(p);
  return reverse ? `${p.protocol}|${p.dst}|${dp}|${p.src}|${sp}` : `${p.protocol}|${p.src}|${sp}|${p.dst}|${dp}`;
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
  readonly entries = new Map<string, ConnEntry>();

  /** The live entry this packet belongs to, if any; expired entries are dropped on the way. */
  find(p: Packet, now: number, cfg: ConnectionTrackingConfiguration): CtMatch {
    let reply = false;
    let key = flowKey(p, false);
    let e = this.entries.get(key);
    if (e === undefined) {
      key = flowKey(p, true);
      e = this.entries.get(key);
      reply = true;
      if (e === undefined) return undefined;
    }
    if (now - e.lastSeen >= entryTimeout(e, cfg)) {
      this.entries.delete(key);
      return undefined;
    }
    // Which direction the packet travels relative to the opener, seen from this ENI.
    if (reply && (e.protocol === PROTO_ICMP || e.protocol === PROTO_ICMPV6)) {
      // only the reply type of the opening query counts as its response
      if (icmpReplyType(e.protocol, e.icmpType) !== p.icmpType) return undefined;
    }
    return { entry: e, reply };
  }

  /** Records a packet on an entry (timestamps, TCP close, UDP transactions); a closing packet removes it. */
  touch(m: NonNullable<CtMatch>, p: Packet, now: number): void {
    const e = m.entry;
    e.lastSeen = now;
    e.packets++;
    e.bytes += p.bytes ?? 0;
    if (e.protocol === PROTO_UDP) {
      if (m.reply && !e.lastWasReply) e.transactions++;
      e.lastWasReply = m.reply;
    } else if (e.protocol === PROTO_TCP) {
      const f = p.tcpFlags ?? TCP_ACK;
      if (m.reply) e.established = true;
      if (f & TCP_RST) {
        this.entries.delete(m.reply ? flowKey(p, true) : flowKey(p, false));
        return;
      }
      const closedBefore = e.finOrig && e.finReply;
      if (f & TCP_FIN) {
        if (m.reply) e.finReply = true;
        else e.finOrig = true;
      }
      // After FIN from both sides the final ACK still passes, then the connection is gone.
      if (closedBefore && !(f & TCP_FIN)) this.entries.delete(m.reply ? flowKey(p, true) : flowKey(p, false));
    }
  }

  open(p: Packet, egress: boolean, now: number): ConnEntry {
    const f = p.tcpFlags ?? (p.protocol === PROTO_TCP ? TCP_SYN : 0);
    const e: ConnEntry = {
      protocol: p.protocol, origEgress: egress, opened: now, lastSeen: now,
      // a mid-stream packet (no SYN) is picked up as an established connection
      established: p.protocol === PROTO_TCP && !(f & TCP_SYN),
      finOrig: (f & TCP_FIN) !== 0 && p.protocol === PROTO_TCP, finReply: false,
      transactions: 0, lastWasReply: false, icmpType: p.icmpType ?? -1, packets: 1, bytes: p.bytes ?? 0,
    };
    if (p.protocol === PROTO_TCP && f & TCP_RST) return e; // a lone RST opens nothing
    this.entries.set(flowKey(p, false), e);
    return e;
  }

  /** Drops every expired entry (done by the engine now and then, so memory stays bounded). */
  sweep(now: number, cfg: ConnectionTrackingConfiguration): number {
    let n = 0;
    for (const [k, e] of this.entries) {
      if (now - e.lastSeen >= entryTimeout(e, cfg)) {
        this.entries.delete(k);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.entries.size;
  }
}
