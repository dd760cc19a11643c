// `rampart usage FLOWLOGS… --against SCENARIO`: per security-group rule and network ACL entry, what the observed
// flows used — and the rules nothing used. `rampart least-privilege GROUP FLOWLOGS… --against SCENARIO`: tightened
// rules for a group from the observed flows, as a diff, verified against every observed flow.
import type { Command } from 'commander';
import { entryLabel } from '../engine/engine.js';
import type { SecurityGroupRule } from '../model/types.js';
import type { Region } from '../state/region.js';
import type { Names } from '../scenario/load.js';
import { TargetError } from '../scenario/targets.js';
import { forEachFlowRecord, listFlowLogFiles } from '../flowlogs/read.js';
import { progressBar } from './progress.js';
import { bytesText, formatCount } from '../flowlogs/replay.js';
import { UsageSession, type UsageCounter, type UsageReport } from '../flowlogs/usage.js';
import { leastPrivilege, proposedRuleText, type LeastPrivilegeResult } from '../flowlogs/least-privilege.js';
import { ruleText } from './events.js';
import { toJson } from './format.js';
import { addConfigOptions, openConfiguration, parseFormatOption, runAsync, type ReplayCliOptions } from './replay.js';

function label(region: Region, names: Names | undefined, id: string): string {
  const g = region.securityGroups.get(id);
  const n = names?.nameOf(id) ?? g?.name ?? region.networkAcls.get(id)?.tags.find((t) => t.key === 'Name')?.value ?? region.networkInterfaces.get(id)?.tags.find((t) => t.key === 'Name')?.value;
  return n ? `${n} (${id})` : id;
}

function day(unix: number): string {
  return new Date(unix * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

function counterText(c: UsageCounter): string {
  if (c.flows === 0 && c.packets === 0) return 'never used';
  return `${formatCount(c.flows)} flow${c.flows === 1 ? '' : 's'}, ${formatCount(c.packets)} packet${c.packets === 1 ? '' : 's'}, ${bytesText(c.bytes)}; ${day(c.firstSeen)} → ${day(c.lastSeen)}; ${formatCount(c.peers)} peer${c.peers === 1 ? '' : 's'}, ${formatCount(c.ports)} port${c.ports === 1 ? '' : 's'}`;
}

export function usageText(r: UsageReport, region: Region, names: Names | undefined): string {
  const out: string[] = [];
  out.push(`${formatCount(r.judged)} flow records attributed (${formatCount(r.noFlow)} NODATA/SKIPDATA, ${formatCount(r.unknownInterface)} at unknown interfaces, ${formatCount(r.undecidable)} undecidable skipped)`);
  const rules = r.securityGroupRules.filter((u) => u.covered);
  out.push('', 'security group rules:');
  for (const u of [...rules].sort((a, b) => b.flows - a.flows || b.packets - a.packets || a.ruleId.localeCompare(b.ruleId))) {
    out.push(`  ${label(region, names, u.groupId)} ${ruleText(u.rule as unknown as Record<string, unknown>)}`);
    out.push(`      ${counterText(u)}${u.flows ? `; sole match for ${formatCount(u.soleFlows)}` : ''}`);
  }
  const unused = rules.filter((u) => u.flows === 0 && u.packets === 0);
  out.push('', unused.length ? `unused security group rules (${unused.length}): no observed flow needed them` : 'unused security group rules: none');
  for (const u of unused) out.push(`  ${label(region, names, u.groupId)} ${ruleText(u.rule as unknown as Record<string, unknown>)}`);
  const uncovered = new Set(r.securityGroupRules.filter((u) => !u.covered).map((u) => u.groupId));
  if (uncovered.size) out.push(`not covered (no interface of the group appears in the logs): ${[...uncovered].map((g) => label(region, names, g)).join(', ')}`);
  const entries = r.networkAclEntries.filter((e) => e.covered);
  out.push('', 'network ACL entries:');
  for (const e of entries) {
    out.push(`  ${label(region, names, e.networkAclId)} ${e.egress ? 'outbound' : 'inbound'} ${entryLabel(e.entry)} ${e.entry.ruleAction}: ${e.flows ? `${e.entry.ruleAction === 'allow' ? 'allowed' : 'denied'} ` : ''}${counterText(e)}`);
  }
  const unusedEntries = entries.filter((e) => e.flows === 0 && e.ruleNumber < 32767);
  out.push('', unusedEntries.length ? `unused network ACL entries (${unusedEntries.length}):` : 'unused network ACL entries: none');
  for (const e of unusedEntries) out.push(`  ${label(region, names, e.networkAclId)} ${e.egress ? 'outbound' : 'inbound'} ${entryLabel(e.entry)} ${e.entry.ruleAction}`);
  if (r.rejectedBySecurityGroups.length) {
    out.push('', 'flows no security group rule allowed:');
    for (const d of r.rejectedBySecurityGroups) out.push(`  ${label(region, names, d.networkInterfaceId)} ${d.egress ? 'outbound' : 'inbound'}: ${formatCount(d.flows)} flow${d.flows === 1 ? '' : 's'}, ${formatCount(d.packets)} packet${d.packets === 1 ? '' : 's'}`);
  }
  return out.join('\n');
}

export function usageJson(r: UsageReport): unknown {
  return {
    ...r,
    securityGroupRules: r.securityGroupRules.map(({ rule, ...u }) => ({ ...u, description: ruleText(rule as unknown as Record<string, unknown>) })),
    networkAclEntries: r.networkAclEntries.map(({ entry, ...e }) => ({ ...e, action: entry.ruleAction, description: entryLabel(entry) })),
  };
}

/** Resolves to 0, or 1 when some covered rule or entry was never used. */
export async function usageCommand(paths: string[], opts: ReplayCliOptions, write: (s: string) => void): Promise<number> {
  const format = parseFormatOption(opts.format);
  const files = listFlowLogFiles(paths);
  const cfg = await openConfiguration(opts);
  const session = new UsageSession(cfg.engine, cfg.names);
  const bar = progressBar('usage');
  try {
    await forEachFlowRecord(files, (rec) => session.add(rec), { format, onProgress: (d, t) => bar.update(d, t) });
  } finally {
    bar.end();
  }
  const r = session.report();
  write((opts.json ? toJson(usageJson(r)) : usageText(r, cfg.region, cfg.names)) + '\n');
  const unused = r.securityGroupRules.some((u) => u.covered && u.flows === 0 && u.packets === 0) || r.networkAclEntries.some((e) => e.covered && e.flows === 0 && e.ruleNumber < 32767);
  return unused ? 1 : 0;
}

function ruleLine(r: SecurityGroupRule): string {
  return ruleText(r as unknown as Record<string, unknown>);
}

export function leastPrivilegeText(r: LeastPrivilegeResult, region: Region, names: Names | undefined): string {
  const out: string[] = [];
  out.push(`least privilege for ${label(region, names, r.groupId)}: ${formatCount(r.observedFlows)} observed flows its rules admitted (${formatCount(r.distinctFlows)} distinct), at ${r.interfaces.length} interface${r.interfaces.length === 1 ? '' : 's'}`);
  if (!r.removed.length && !r.added.length) out.push('  the rules are already as tight as the observed flows allow');
  for (const x of r.removed) out.push(`- ${ruleLine(x)}`);
  for (const x of r.added) out.push(`+ ${proposedRuleText(x, (id) => label(region, names, id))}`);
  for (const x of r.kept) out.push(`  ${ruleLine(x)} (kept)`);
  out.push(r.verified.rejected === 0
    ? `verified: all ${formatCount(r.verified.checked)} distinct observed flows stay accepted with the proposed rules`
    : `NOT verified: ${formatCount(r.verified.rejected)} of ${formatCount(r.verified.checked)} observed flows would be rejected`);
  for (const w of r.notes) out.push(`note: ${w}`);
  return out.join('\n');
}

/** Resolves to 0 when the rules are already tight, 1 when a tightening is proposed. */
export async function leastPrivilegeCommand(group: string, paths: string[], opts: ReplayCliOptions, write: (s: string) => void): Promise<number> {
  const format = parseFormatOption(opts.format);
  const files = listFlowLogFiles(paths);
  const cfg = await openConfiguration(opts);
  const groupId = group.startsWith('sg-') ? group : cfg.names?.groups.get(group);
  if (!groupId || !cfg.region.securityGroups.has(groupId)) throw new TargetError(`no security group '${group}' in ${cfg.label}`);
  const bar = progressBar('least-privilege');
  let r: LeastPrivilegeResult;
  try {
    r = await leastPrivilege(cfg.engine, groupId, (visit) => forEachFlowRecord(files, visit, { format, onProgress: (d, t) => bar.update(d, t) }).then(() => undefined));
  } finally {
    bar.end();
  }
  write((opts.json ? toJson(r) : leastPrivilegeText(r, cfg.region, cfg.names)) + '\n');
  return r.removed.length || r.added.length ? 1 : 0;
}

export function registerUsage(program: Command, run: (f: () => number) => void): void {
  addConfigOptions(
    program
      .command('usage')
      .description('for every security group rule and network ACL entry: the flows, packets and bytes it allowed or denied in the flow logs, first and last seen, distinct peers and ports, and the rules nothing used (exit 0, 1 some rule unused, 2 bad input)')
      .argument('<flowlogs...>', 'flow-log files or folders'),
  )
    .option('--json', 'machine-readable output')
    .action((paths: string[], opts: ReplayCliOptions) => runAsync(run, () => usageCommand(paths, opts, (s) => process.stdout.write(s))));
  addConfigOptions(
    program
      .command('least-privilege')
      .description('propose the tightest rules for a security group that still accept every flow the logs show it admitting, as a diff, verified against those flows (exit 0 already tight, 1 a tightening proposed, 2 bad input)')
      .argument('<group>', 'the security group: a name from the scenario or sg-…')
      .argument('<flowlogs...>', 'flow-log files or folders'),
  )
    .option('--json', 'machine-readable output')
    .action((group: string, paths: string[], opts: ReplayCliOptions) => runAsync(run, () => leastPrivilegeCommand(group, paths, opts, (s) => process.stdout.write(s))));
}
