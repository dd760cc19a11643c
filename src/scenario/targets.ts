// Endpoint specs used on the command line and in timelines: `web`, `db:5432/tcp`, `db:icmp`, `internet`,
// `203.0.113.5:22/tcp`, `[2001:db8::1]:443/tcp`, `eni-…`, `i-…`, `lb#2` (the second ENI of a resource).
import { parseProtocol, tryParseIp, PROTO_TCP } from '../net/index.js';
import type { ProbeEndpoint } from '../engine/probe.js';
import type { Region } from '../state/region.js';
import type { Names } from './load.js';

export interface Target {
  endpoint: ProbeEndpoint;
  label: string;
  port?: number;
  protocol?: number;
  /** ICMP type when the spec says `8/icmp` */
  icmpType?: number;
}

export class TargetError extends Error {}

function splitSpec(spec: string): { base: string; suffix?: string } {
  if (spec.startsWith('[')) {
    const end = spec.indexOf(']');
    if (end < 0) throw new TargetError(`'${spec}': missing ']' after the IPv6 address`);
    const rest = spec.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new TargetError(`'${spec}': expected ':PORT/PROTOCOL' after ']'`);
    return { base: spec.slice(1, end), suffix: rest === '' ? undefined : rest.slice(1) };
  }
  if (tryParseIp(spec)?.family === 6) return { base: spec };
  const i = spec.indexOf(':');
  return i < 0 ? { base: spec } : { base: spec.slice(0, i), suffix: spec.slice(i + 1) };
}

/** Resolves a name, id or address to an endpoint. */
export function resolveEndpoint(base: string, names: Names | undefined, region: Region): { endpoint: ProbeEndpoint; label: string } {
  if (base === 'internet') return { endpoint: { kind: 'internet' }, label: 'internet' };
  const ip = tryParseIp(base);
  if (ip) {
    const text = base;
    for (const eni of region.networkInterfaces.values()) {
      if (eni.privateIpAddresses.some((p) => p.privateIpAddress === text) || eni.ipv6Addresses.includes(text)) {
        return { endpoint: { kind: 'eni', networkInterfaceId: eni.id, address: text }, label: `${names?.nameOf(eni.id) ?? eni.id} (${text})` };
      }
    }
    return { endpoint: { kind: 'internet', address: text }, label: `internet ${text}` };
  }
  if (base.startsWith('eni-')) {
    region.getNetworkInterface(base);
    return { endpoint: { kind: 'eni', networkInterfaceId: base }, label: names?.nameOf(base) ?? base };
  }
  if (base.startsWith('i-')) {
    const inst = region.getInstance(base);
    return { endpoint: { kind: 'eni', networkInterfaceId: inst.networkInterfaceIds[0] }, label: names?.nameOf(inst.networkInterfaceIds[0]) ?? base };
  }
  const hash = base.lastIndexOf('#');
  const name = hash > 0 ? base.slice(0, hash) : base;
  const enis = names?.endpoints.get(name);
  if (!enis) {
    const known = names ? [...names.endpoints.keys()] : [];
    throw new TargetError(`no instance, interface or resource named '${name}'${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  const idx = hash > 0 ? Number(base.slice(hash + 1)) - 1 : 0;
  if (!Number.isInteger(idx) || idx < 0 || idx >= enis.length) throw new TargetError(`'${base}': ${name} has ${enis.length} network interface(s)`);
  return { endpoint: { kind: 'eni', networkInterfaceId: enis[idx] }, label: base };
}

/** Parses `NAME[:PORT[/PROTOCOL] | :PROTOCOL]`. */
export function parseTarget(spec: string, names: Names | undefined, region: Region): Target {
  if (!spec) throw new TargetError('empty endpoint');
  const { base, suffix } = splitSpec(spec.trim());
  const { endpoint, label } = resolveEndpoint(base, names, region);
  const t: Target = { endpoint, label };
  if (suffix === undefined) return t;
  const m = /^(\d+)(?:\/([a-zA-Z0-9-]+))?$/.exec(suffix);
  if (m) {
    const proto = m[2] === undefined ? PROTO_TCP : parseProtocol(m[2]);
    if (proto === undefined) throw new TargetError(`'${spec}': unknown protocol '${m[2]}'`);
    const n = Number(m[1]);
    if (proto === 1 || proto === 58) t.icmpType = n;
    else {
      if (n > 65535) throw new TargetError(`'${spec}': port ${n} out of range 0-65535`);
      t.port = n;
    }
    t.protocol = proto;
    return t;
  }
  const proto = parseProtocol(suffix);
  if (proto === undefined) throw new TargetError(`'${spec}': expected PORT/PROTOCOL (5432/tcp) or a protocol (icmp)`);
  t.protocol = proto;
  return t;
}
