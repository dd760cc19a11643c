// `rampart replay FLOWLOGS… --against SCENARIO | --data-dir DIR`: re-decide real flow-log records
// against a configuration and report the flows whose verdict would change (exit 1 when some would).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Engine } from '../engine/engine.js';
import { AwsError } from '../model/errors.js';
import { loadScenario, ScenarioError, type Names } from '../scenario/load.js';
import { TargetError } from '../scenario/targets.js';
import { parseLogFormat, type FlowLogFormat } from '../flowlogs/format.js';
import { FlowLogInputError, forEachFlowRecord, listFlowLogFiles, type ReadStats } from '../flowlogs/read.js';
import { progressBar } from './progress.js';
import { changeText, formatCount, ReplaySession, totalsText } from '../flowlogs/replay.js';
import { toJson } from './format.js';
import { parseTime, servedStateAt } from './events.js';
import { Region } from '../state/region.js';
import type { IdPrefix } from '../model/ids.js';
import type { IpPermissionInput } from '../state/permissions.js';
import type { ManagedPrefixList, NetworkAcl, NetworkInterface, SecurityGroup, SecurityGroupRule, Subnet, Vpc, VpcPeeringConnection } from '../model/types.js';

export interface ConfigSource {
  against?: string;
  server?: string;
  dataDir?: string;
  at?: string;
  account?: string;
  region?: string;
}

export interface Configuration {
  region: Region;
  engine: Engine;
  names?: Names;
  label: string;
}

/** The configuration flows are judged against: a scenario file, a server's data directory, or a running server. */
export async function openConfiguration(src: ConfigSource): Promise<Configuration> {
  const given = [src.against, src.server, src.dataDir].filter((x) => x !== undefined).length;
  if (given !== 1) throw new TargetError('give the configuration: --against SCENARIO, --data-dir DIR (a rampart serve data directory) or --server URL (a running rampart serve)');
  if (src.against !== undefined) {
    let text: string;
    try {
      text = readFileSync(src.against, 'utf8');
    } catch {
      throw new TargetError(`cannot read scenario file '${src.against}'`);
    }
    const s = loadScenario(text, src.against);
    return { region: s.region, engine: new Engine(s.region), names: s.names, label: src.against };
  }
  const account = src.account ?? '123456789012';
  const regionName = src.region ?? 'us-east-1';
  if (src.server !== undefined) {
    const region = await stateFromServer(src.server, account, regionName);
    return { region, engine: new Engine(region), label: `${src.server} (${account}/${regionName})` };
  }
  const at = src.at !== undefined ? parseTime(src.at) : Date.now();
  const t = servedStateAt(src.dataDir!, at, account, regionName);
  return { region: t.region, engine: t.engine, label: `${src.dataDir} (${account}/${regionName}${src.at ? ` at ${new Date(at).toISOString()}` : ''})` };
}

export function parseFormatOption(v: string | undefined): FlowLogFormat | undefined {
  if (v === undefined) return undefined;
  try {
    return parseLogFormat(v.includes('${') ? v : v.trim().split(/[\s,]+/).map((f) => `\${${f}}`).join(' '));
  } catch (e) {
    throw new TargetError(`--format: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface ReplayCliOptions extends ConfigSource {
  format?: string;
  json?: boolean;
  limit?: string;
}

/** Writes the report; resolves to the exit status (0 nothing changes, 1 some verdicts change). */
export async function replayCommand(paths: string[], opts: ReplayCliOptions, write: (s: string) => void): Promise<number> {
  const format = parseFormatOption(opts.format);
  const limit = opts.limit !== undefined ? Number(opts.limit) : 50;
  if (!Number.isInteger(limit) || limit < 0) throw new TargetError(`--limit: '${opts.limit}' is not a number`);
  const files = listFlowLogFiles(paths);
  const cfg = await openConfiguration(opts);
  const session = new ReplaySession(cfg.engine, cfg.names);
  const bar = progressBar('replay');
  const t0 = performance.now();
  let stats: ReadStats;
  try {
    stats = await forEachFlowRecord(files, (rec) => session.add(rec), {
      format,
      fastLane: (f) => session.fastLane(f),
      onProgress: (d, t) => bar.update(d, t, `${formatCount(session.totals.records)} records`),
    });
  } finally {
    bar.end();
  }
  const secs = (performance.now() - t0) / 1000;
  session.totals.malformed = stats.malformed;
  const changes = session.changes();
  const t = session.totals;
  if (opts.json) {
    write(toJson({
      configuration: cfg.label, files: stats.files, formats: stats.formats, seconds: Number(secs.toFixed(3)),
      totals: t, changes,
    }) + '\n');
  } else {
    const out: string[] = [];
    out.push(`replayed ${formatCount(t.records)} flow records from ${stats.files} file${stats.files === 1 ? '' : 's'} against ${cfg.label} in ${secs.toFixed(1)} s`);
    out.push(...totalsText(t));
    if (changes.length === 0) out.push('no verdict would change');
    for (const g of changes.slice(0, limit)) out.push(...changeText(g));
    if (changes.length > limit) out.push(`… and ${changes.length - limit} more groups (--limit, or --json for all)`);
    write(out.join('\n') + '\n');
  }
  return t.toReject + t.toAccept > 0 ? 1 : 0;
}

/** Bad input of the flow-log commands: status 2 and a message. */
export function inputErrorMessage(e: unknown): string | undefined {
  if (e instanceof FlowLogInputError || e instanceof TargetError || e instanceof ScenarioError) return e.message;
  if (e instanceof AwsError) return `${e.code}: ${e.message}`;
  return undefined;
}

/** Runs an async command: the exit status is set when it settles. */
export function runAsync(run: (f: () => number) => void, f: () => Promise<number>): void {
  run(() => {
    process.exitCode = 0;
    f().then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        const m = inputErrorMessage(e);
        process.stderr.write(`rampart: ${m ?? (e instanceof Error ? (process.argv.includes('--debug') ? e.stack : e.message) : String(e))}\n`);
        process.exitCode = m !== undefined ? 2 : 3;
      },
    );
    return 0;
  });
}

export function addConfigOptions(cmd: Command): Command {
  return cmd
    .option('--against <scenario>', 'the configuration: a scenario file (YAML or JSON)')
    .option('--data-dir <dir>', 'the configuration: the state of a rampart serve data directory (now, or --at)')
    .option('--at <time>', 'with --data-dir: the state at this past time (ISO 8601, or 2h, 7d …)')
    .option('--server <url>', 'the configuration: the state of a running rampart serve (read from its /_rampart/state)')
    .option('--account <id>', 'with --data-dir / --server: the account (default 123456789012)')
    .option('--region <name>', 'with --data-dir / --server: the Region (default us-east-1)')
    .option('--format <fields>', 'the format of headerless files: a LogFormat (\'${version} ${interface-id} …\') or field names (\'version interface-id …\'); default: AWS\'s default v2 format. Files with a header line use it');
}

export function registerReplay(program: Command, run: (f: () => number) => void): void {
  addConfigOptions(
    program
      .command('replay')
      .description('re-decide real VPC flow-log records (v2–v5, plain or gzip, S3 folder layout) against a configuration and report the flows whose verdict would change (exit 0 none, 1 some, 2 bad input)')
      .argument('<flowlogs...>', 'flow-log files or folders (AWSLogs/{account}/vpcflowlogs/{region}/YYYY/MM/DD/*.log.gz)'),
  )
    .option('--json', 'machine-readable output')
    .option('--limit <n>', 'groups of changed flows printed (text)', '50')
    .action((paths: string[], opts: ReplayCliOptions) => runAsync(run, () => replayCommand(paths, opts, (s) => process.stdout.write(s))));
}

// ------------------------------------------------------------------ --server: the state of a running rampart serve

interface ServedState {
  vpcs: Vpc[];
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
  securityGroupRules: SecurityGroupRule[];
  networkAcls: NetworkAcl[];
  vpcPeeringConnections: VpcPeeringConnection[];
  prefixLists: ManagedPrefixList[];
  networkInterfaces: NetworkInterface[];
}

/** A rule of the served state as the request that would create it. */
function permissionOf(r: SecurityGroupRule): IpPermissionInput {
  const perm: IpPermissionInput = { ipProtocol: String(r.protocol) };
  if (r.protocol !== -1) {
    perm.fromPort = r.fromPort;
    perm.toPort = r.toPort;
  }
  const d = r.description !== undefined ? { description: r.description } : {};
  const p = r.peer;
  if (p.kind === 'cidr4') perm.ipRanges = [{ cidrIp: p.cidr, ...d }];
  else if (p.kind === 'cidr6') perm.ipv6Ranges = [{ cidrIpv6: p.cidr, ...d }];
  else if (p.kind === 'prefixList') perm.prefixListIds = [{ prefixListId: p.prefixListId, ...d }];
  else perm.userIdGroupPairs = [{ groupId: p.groupId, userId: p.userId, ...(p.vpcId ? { vpcId: p.vpcId } : {}), ...(p.vpcPeeringConnectionId ? { vpcPeeringConnectionId: p.vpcPeeringConnectionId } : {}), ...d }];
  return perm;
}

/**
 * Rebuilds, with the Region's own commands (so every invariant is checked again) and the served ids, what
 * per-interface decisions need: prefix lists, VPCs and their blocks, peerings, subnets, security groups and
 * rules, network ACLs with their entries and subnet associations, and network interfaces with their groups and
 * addresses. Routes, gateways and public addresses play no part in a record's decision and are not rebuilt.
 */
export function regionFromServedState(st: ServedState, accountId: string, regionName: string): Region {
  const region = new Region({ accountId, region: regionName, defaultVpc: false, quotas: { vpcsPerRegion: 1_000_000, securityGroupsPerRegion: 1_000_000 } });
  const ids = region.ids;
  const withIds = <T>(pref: [IdPrefix, string[]][], f: () => T): T => {
    for (const [p, list] of pref) ids.prefer(p, list);
    try {
      return f();
    } finally {
      ids.clearPreferred();
    }
  };
  for (const pl of st.prefixLists) {
    if (region.prefixLists.has(pl.id)) continue;
    withIds([['pl', [pl.id]]], () => region.createManagedPrefixList({ prefixListName: pl.name, addressFamily: pl.addressFamily, maxEntries: pl.maxEntries, entries: pl.entries, awsManaged: pl.awsManaged }));
  }
  for (const v of st.vpcs) {
    const dsg = st.securityGroups.find((g) => g.vpcId === v.id && g.name === 'default');
    const dacl = st.networkAcls.find((a) => a.vpcId === v.id && a.isDefault);
    withIds([['vpc', [v.id]], ['sg', dsg ? [dsg.id] : []], ['acl', dacl ? [dacl.id] : []]], () =>
      region.createVpc({ cidrBlock: v.cidrBlocks[0].cidrBlock, ipv6CidrBlock: v.ipv6CidrBlocks[0]?.ipv6CidrBlock, isDefault: v.isDefault, ownerId: v.ownerId, tags: v.tags }));
    for (const b of v.cidrBlocks.slice(1)) region.associateVpcCidrBlock(v.id, { cidrBlock: b.cidrBlock });
    for (const b of v.ipv6CidrBlocks.slice(1)) region.associateVpcCidrBlock(v.id, { ipv6CidrBlock: b.ipv6CidrBlock });
  }
  for (const p of st.vpcPeeringConnections) {
    if (p.status !== 'active' || !region.vpcs.has(p.requesterVpcId) || !region.vpcs.has(p.accepterVpcId)) continue;
    withIds([['pcx', [p.id]]], () => region.createVpcPeeringConnection({ vpcId: p.requesterVpcId, peerVpcId: p.accepterVpcId, peerOwnerId: p.accepterOwnerId }));
    region.acceptVpcPeeringConnection(p.id);
  }
  for (const s of st.subnets) {
    withIds([['subnet', [s.id]]], () => region.createSubnet({ vpcId: s.vpcId, cidrBlock: s.cidrBlock, ipv6CidrBlock: s.ipv6CidrBlocks[0]?.ipv6CidrBlock, availabilityZone: s.availabilityZone, tags: s.tags }));
  }
  for (const g of st.securityGroups) {
    if (region.securityGroups.has(g.id)) continue;
    withIds([['sg', [g.id]]], () => region.createSecurityGroup({ groupName: g.name, description: g.description, vpcId: g.vpcId, tags: g.tags }));
  }
  // the rules: the groups' own defaults go, then every served rule with its id
  for (const g of region.securityGroups.values()) {
    for (const egress of [false, true]) {
      const own = egress ? g.egress : g.ingress;
      if (own.length) region.revoke(g.id, egress, { ruleIds: [...own] });
    }
  }
  for (const r of st.securityGroupRules) {
    if (!region.securityGroups.has(r.groupId)) continue;
    withIds([['sgr', [r.id]]], () => region.authorize(r.groupId, r.isEgress, [permissionOf(r)], r.tags));
  }
  for (const a of st.networkAcls) {
    if (!region.networkAcls.has(a.id)) withIds([['acl', [a.id]]], () => region.createNetworkAcl({ vpcId: a.vpcId, tags: a.tags }));
    const acl = region.networkAcls.get(a.id)!;
    for (const e of [...acl.entries]) if (e.ruleNumber < 32767) region.deleteNetworkAclEntry(a.id, e.ruleNumber, e.egress);
    for (const e of a.entries) if (e.ruleNumber < 32767) region.createNetworkAclEntry(a.id, e);
  }
  for (const a of st.networkAcls) {
    for (const as of a.associations) {
      const current = region.subnetNetworkAcl(as.subnetId);
      if (current.id === a.id) continue;
      const assoc = current.associations.find((x) => x.subnetId === as.subnetId);
      if (assoc) region.replaceNetworkAclAssociation(assoc.networkAclAssociationId, a.id);
    }
  }
  for (const n of st.networkInterfaces) {
    const primary = n.privateIpAddresses.find((p) => p.primary) ?? n.privateIpAddresses[0];
    withIds([['eni', [n.id]]], () => region.createNetworkInterface({
      subnetId: n.subnetId, groups: n.groups, withoutSecurityGroups: n.groups.length === 0,
      privateIpAddress: primary?.privateIpAddress, privateIpAddresses: n.privateIpAddresses.filter((p) => p !== primary).map((p) => p.privateIpAddress),
      ipv6Addresses: n.ipv6Addresses, interfaceType: n.interfaceType, requesterManaged: n.requesterManaged, requesterId: n.requesterId,
      sourceDestCheck: n.sourceDestCheck, connectionTracking: n.connectionTracking, description: n.description, tags: n.tags,
    }));
  }
  return region;
}

/** Fetches `/_rampart/state` of a running rampart serve and rebuilds its Region. */
export async function stateFromServer(url: string, accountId: string, regionName: string): Promise<Region> {
  let u: URL;
  try {
    u = new URL('/_rampart/state', url);
  } catch {
    throw new TargetError(`--server: '${url}' is not a URL`);
  }
  u.searchParams.set('account', accountId);
  u.searchParams.set('region', regionName);
  let body: ServedState;
  try {
    const res = await fetch(u);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = (await res.json()) as ServedState;
  } catch (e) {
    throw new TargetError(`--server: cannot read the state of ${url} (${e instanceof Error ? e.message : String(e)}); is rampart serve running there?`);
  }
  return regionFromServedState(body, accountId, regionName);
}
