// `rampart reach …`: the questions about all packets at once, in words and as JSON.
import { readFileSync, statSync } from 'node:fs';
import type { Family } from '../net/index.js';
import { Engine } from '../engine/engine.js';
import { probe } from '../engine/probe.js';
import { Reachability } from '../analysis/reach.js';
import { diffReach, formatSummary, Questions, type PortSummary, type ReachRow } from '../analysis/questions.js';
import { loadScenario, Names, type LoadedScenario } from '../scenario/load.js';
import { simulate } from '../scenario/simulate.js';
import type { Region } from '../state/region.js';
import { parseTime, servedStateAt } from './events.js';
import { parseTarget, TargetError } from '../scenario/targets.js';
import { Formatter, toJson, type Style } from './format.js';

export interface ReachContext {
  s: LoadedScenario;
  engine: Engine;
  reach: Reachability;
  q: Questions;
  f: Formatter;
}

export function openScenario(path: string, style: Style, ephemeral?: { lo: number; hi: number }): ReachContext {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new TargetError(`cannot read scenario file '${path}'`);
  }
  return contextOf(loadScenario(text, path), style, ephemeral);
}

function contextOf(s: LoadedScenario, style: Style, ephemeral?: { lo: number; hi: number }): ReachContext {
  const engine = new Engine(s.region);
  const reach = new Reachability(engine, { ephemeral });
  return { s, engine, reach, q: new Questions(reach), f: new Formatter(s.region, s.names, style) };
}

/** Where a side of `reach diff` comes from, and the change to apply to it. */
export interface ReachSourceOptions {
  /** the account and Region of a data directory's state (default 123456789012, us-east-1) */
  account?: string;
  region?: string;
  /** timeline steps (authorize, revoke, nacl) applied to the configuration: a proposed change */
  change?: { text: string; file: string };
}

/**
 * One side of `reach diff`: a scenario file; a \`rampart serve\` data directory (its state now); or `DIR@TIME`,
 * the directory's state at a past time (ISO 8601, or `2h`, `7d` … ago: the journal replayed up to then) — two
 * snapshots of a served estate compare as two points of its history. With `change`, the steps are applied
 * first (the proposed change).
 */
export function openReachSource(spec: string, style: Style, ephemeral: { lo: number; hi: number } | undefined, o: ReachSourceOptions = {}): ReachContext {
  const at = spec.lastIndexOf('@');
  const dir = at > 0 && isDirectory(spec.slice(0, at)) ? spec.slice(0, at) : isDirectory(spec) ? spec : undefined;
  let s: LoadedScenario;
  if (dir === undefined) {
    let text: string;
    try {
      text = readFileSync(spec, 'utf8');
    } catch {
      throw new TargetError(`cannot read scenario file '${spec}' (a side of diff is a scenario file, a rampart serve data directory, or DIR@TIME)`);
    }
    s = loadScenario(text, spec);
  } else {
    const time = dir === spec ? Date.now() : parseTime(spec.slice(at + 1));
    const region = servedStateAt(dir, time, o.account, o.region).region;
    s = { region, names: namesFromTags(region), data: {} };
  }
  if (o.change) simulate(s, o.change.text, o.change.file);
  return contextOf(s, style, ephemeral);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Names for a served estate, which has ids and tags but no scenario names: resources are labelled by their
 * `Name` tag, and security groups are known by their group names (where one name is one group), so a proposed
 * change can say `group: db`.
 */
function namesFromTags(region: Region): Names {
  const names = new Names();
  const tagged = [region.vpcs, region.subnets, region.securityGroups, region.networkAcls, region.routeTables, region.networkInterfaces, region.instances] as Map<string, { id: string; tags: { key: string; value: string }[] }>[];
  for (const m of tagged) {
    for (const r of m.values()) {
      const n = r.tags.find((t) => t.key === 'Name')?.value;
      if (n) names.setLabel(r.id, n);
    }
  }
  // an interface without a Name of its own goes by its instance's (the primary one plainly, others with their index)
  for (const e of region.networkInterfaces.values()) {
    if (names.nameOf(e.id) !== undefined || e.attachment?.instanceId === undefined) continue;
    const n = names.nameOf(e.attachment.instanceId);
    if (n) names.setLabel(e.id, e.attachment.deviceIndex === 0 ? n : `${n}#${e.attachment.deviceIndex}`);
  }
  // groups as scenario files name them: `vpc/group` (the VPC by its Name tag, else its id), and `group` alone
  // where one group has that name
  const byName = new Map<string, string[]>();
  for (const g of region.securityGroups.values()) {
    byName.set(g.name, [...(byName.get(g.name) ?? []), g.id]);
    names.groups.set(`${names.nameOf(g.vpcId) ?? g.vpcId}/${g.name}`, g.id);
  }
  for (const [n, ids] of byName) if (ids.length === 1) names.groups.set(n, ids[0]!);
  return names;
}

function summaryJson(list: PortSummary[], other: number) {
  return list.map((p) => ({ protocol: p.protocol === other ? 'other' : p.protocol, ports: p.ports.format(), ...(p.partial ? { partial: true } : {}) }));
}

function eniNames(ctx: ReachContext, ids: string[]): string {
  const names = ids.map((id) => ctx.s.names.nameOf(id) ?? id);
  return names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
}

function rowsText(ctx: ReachContext, rows: ReachRow[]): string[] {
  if (rows.length === 0) return ['  nothing'];
  const out: string[] = [];
  for (const r of rows) {
    const who = r.role === 'internet' ? `internet ${r.ranges?.join(', ') ?? ''}`.trim() : `${r.role} (${r.networkInterfaceIds.length} interface${r.networkInterfaceIds.length > 1 ? 's' : ''}: ${eniNames(ctx, r.networkInterfaceIds)})`;
    out.push(`  ${who}`);
    out.push(`      ${formatSummary(r.ports, ctx.reach.otherProtocol)}`);
  }
  return out;
}

function rowsJson(ctx: ReachContext, rows: ReachRow[]) {
  return rows.map((r) => ({
    role: r.role, interfaces: r.networkInterfaceIds.map((id) => ({ id, name: ctx.s.names.nameOf(id) })),
    ...(r.ranges ? { ranges: r.ranges } : {}), ports: summaryJson(r.ports, ctx.reach.otherProtocol),
  }));
}

function eniOf(ctx: ReachContext, spec: string): string {
  const t = parseTarget(spec, ctx.s.names, ctx.s.region);
  if (t.endpoint.kind !== 'eni') throw new TargetError(`'${spec}' is not a network interface of the scenario`);
  return t.endpoint.networkInterfaceId;
}

/** can A reach B: with a port, the probe; without, every port of every protocol. Exit 0 when anything is reachable. */
export function reachCan(ctx: ReachContext, from: string, to: string, opts: { json?: boolean; ipv6?: boolean }): { text: string; status: number } {
  const a = parseTarget(from, ctx.s.names, ctx.s.region);
  const b = parseTarget(to, ctx.s.names, ctx.s.region);
  const family: Family = opts.ipv6 ? 6 : 4;
  if (b.protocol !== undefined) {
    const r = probe(ctx.engine, { from: a.endpoint, to: b.endpoint, protocol: b.protocol, port: b.port, icmpType: b.icmpType, family: opts.ipv6 ? 6 : undefined, ephemeral: ctx.reach.ephemeral });
    if (opts.json) return { text: toJson({ reachable: r.reachable, request: r.request, explanations: r.explanations, forward: r.forward, response: r.response }), status: r.reachable ? 0 : 1 };
    return { text: ctx.f.probe(r, a.label, b.label), status: r.reachable ? 0 : 1 };
  }
  if (a.endpoint.kind !== 'eni' || b.endpoint.kind !== 'eni') throw new TargetError('without a port, can takes two network interfaces (name a port to ask about the internet)');
  const p = ctx.reach.pair(a.endpoint.networkInterfaceId, b.endpoint.networkInterfaceId, family);
  const summary: PortSummary[] = [];
  for (const x of p?.protocols ?? []) {
    if (!x.reachable.isEmpty) summary.push({ protocol: x.protocol, ports: x.reachable });
    if (!x.partial.isEmpty) summary.push({ protocol: x.protocol, ports: x.partial, partial: true });
  }
  const reachable = summary.length > 0;
  if (opts.json) {
    return {
      text: toJson({
        reachable, from: a.label, to: b.label, ports: summaryJson(summary, ctx.reach.otherProtocol),
        protocols: (p?.protocols ?? []).map((x) => ({ protocol: x.protocol === ctx.reach.otherProtocol ? 'other' : x.protocol, forward: x.forward.format(), reachable: x.reachable.format(), returnPorts: x.returnPorts?.format(), returns: x.returns })),
      }),
      status: reachable ? 0 : 1,
    };
  }
  const lines = [`${a.label} → ${b.label}: ${reachable ? formatSummary(summary, ctx.reach.otherProtocol) : 'nothing'}`];
  for (const x of p?.protocols ?? []) {
    if (!x.forward.isEmpty && x.reachable.isEmpty && x.partial.isEmpty) lines.push(`  (requests on ${formatSummary([{ protocol: x.protocol, ports: x.forward }], ctx.reach.otherProtocol)} get through, but no response comes back: see rampart probe)`);
  }
  return { text: lines.join('\n'), status: reachable ? 0 : 1 };
}

export function reachWho(ctx: ReachContext, target: string, opts: { json?: boolean; ipv6?: boolean }): string {
  const id = eniOf(ctx, target);
  const rows = ctx.q.whoCanReach(id, opts.ipv6 ? 6 : 4);
  if (opts.json) return toJson({ target: { id, name: ctx.s.names.nameOf(id) }, sources: rowsJson(ctx, rows) });
  return [`who can reach ${ctx.f.label(id)}:`, ...rowsText(ctx, rows)].join('\n');
}

export function reachWhat(ctx: ReachContext, source: string, opts: { json?: boolean; ipv6?: boolean }): string {
  const id = eniOf(ctx, source);
  const rows = ctx.q.whatCanReach(id, opts.ipv6 ? 6 : 4);
  if (opts.json) return toJson({ source: { id, name: ctx.s.names.nameOf(id) }, destinations: rowsJson(ctx, rows) });
  return [`what ${ctx.f.label(id)} can reach:`, ...rowsText(ctx, rows)].join('\n');
}

export function reachExposure(ctx: ReachContext, opts: { json?: boolean }): string {
  const findings = ctx.q.exposure();
  if (opts.json) {
    return toJson(findings.map((x) => ({
      networkInterface: { id: x.networkInterfaceId, name: ctx.s.names.nameOf(x.networkInterfaceId) }, publicAddress: x.publicAddress,
      internetGatewayId: x.internetGatewayId, severity: x.severity,
      rows: x.rows.map((r) => ({ severity: r.severity, sources: r.sources, ports: summaryJson(r.ports, ctx.reach.otherProtocol) })),
      path: x.path.map((h) => ({ kind: h.kind, resourceId: h.resourceId, direction: h.direction, detail: h.detail, rules: h.rules?.map((r) => r.id), aclRule: h.aclEntry?.ruleNumber })),
    })));
  }
  if (findings.length === 0) return 'nothing is reachable from the internet';
  const out: string[] = [`${findings.length} interface${findings.length > 1 ? 's' : ''} reachable from the internet:`];
  const st = ctx.f.style;
  for (const x of findings) {
    const sev = x.severity === 'critical' || x.severity === 'high' ? st.bad(x.severity.toUpperCase()) : x.severity.toUpperCase();
    out.push(`${sev}  ${ctx.f.label(x.networkInterfaceId)} at ${x.publicAddress} via ${x.internetGatewayId}`);
    for (const r of x.rows) out.push(`    ${r.severity.padEnd(8)} ${formatSummary(r.ports, ctx.reach.otherProtocol)}  from ${r.sources.join(', ')}`);
    out.push(`    path of the most severe: ${ctx.f.delivery({ allowed: true, hops: x.path, explanations: [], flowEvents: [] }, '      ').trimStart()}`);
  }
  return out.join('\n');
}

export function reachMatrix(ctx: ReachContext, opts: { json?: boolean; ipv6?: boolean }): string {
  const cells = ctx.q.matrix(opts.ipv6 ? 6 : 4);
  if (opts.json) return toJson(cells.map((c) => ({ ...c, ports: summaryJson(c.ports, ctx.reach.otherProtocol) })));
  if (cells.length === 0) return 'no interface can reach another';
  // a loop, not Math.max(...): a large estate has more cells than a call can take arguments
  let w = 0;
  for (const c of cells) w = Math.max(w, c.from.length);
  w = Math.min(48, w);
  return cells.map((c) => `${c.from.padEnd(w)} → ${c.to}  (${c.fromInterfaces}→${c.toInterfaces})\n    ${formatSummary(c.ports, ctx.reach.otherProtocol)}`).join('\n');
}

export function reachDiff(before: ReachContext, after: ReachContext, opts: { json?: boolean }): { text: string; status: number } {
  const nameOf = (q: Questions, id: string) => (q === before.q ? before.s.names : after.s.names).nameOf(id) ?? id;
  const d = diffReach(before.q, after.q, nameOf);
  const other = after.reach.otherProtocol;
  if (opts.json) return { text: toJson(d.map((x) => ({ from: x.from, to: x.to, opened: summaryJson(x.opened, other), closed: summaryJson(x.closed, other) }))), status: d.length ? 1 : 0 };
  if (d.length === 0) return { text: 'no change in reachability', status: 0 };
  const st = after.f.style;
  const lines: string[] = [];
  for (const x of d) {
    if (x.opened.length) lines.push(`${st.bad('+ opens ')} ${x.from} → ${x.to}: ${formatSummary(x.opened, other)}`);
    if (x.closed.length) lines.push(`${st.ok('- closes')} ${x.from} → ${x.to}: ${formatSummary(x.closed, other)}`);
  }
  return { text: lines.join('\n'), status: 1 };
}
