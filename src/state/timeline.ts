// A Config-like timeline from the server's journal: the state of any resource at a past time, and what changed
// between two times. The journal holds every successful mutating call with its request parameters (as a
// restarted server replays them); replaying the calls made up to a time rebuilds the state at that time, with
// the same ids (the id generators are seeded per account and Region and advance only on successful calls).
//
// AWS Config records a configuration item per resource change; rampart has no recorder, so it rebuilds any past
// state on demand from the journal instead.
import { dispatch } from '../ec2/dispatch.js';
import { Accounts } from '../server/accounts.js';
import type { JournalCall } from '../store/journal.js';
import type { Region } from './region.js';

/** AWS Config's resource type names for the resources rampart keeps. */
export const RESOURCE_TYPES: Record<string, string> = {
  vpcs: 'AWS::EC2::VPC',
  subnets: 'AWS::EC2::Subnet',
  securityGroups: 'AWS::EC2::SecurityGroup',
  securityGroupRules: 'AWS::EC2::SecurityGroupRule',
  networkAcls: 'AWS::EC2::NetworkAcl',
  routeTables: 'AWS::EC2::RouteTable',
  internetGateways: 'AWS::EC2::InternetGateway',
  vpcPeeringConnections: 'AWS::EC2::VPCPeeringConnection',
  prefixLists: 'AWS::EC2::PrefixList',
  networkInterfaces: 'AWS::EC2::NetworkInterface',
  instances: 'AWS::EC2::Instance',
  addresses: 'AWS::EC2::EIP',
  services: 'AWS::EC2::NetworkInterface::Service',
};

/** One resource as it was at some time: its Config type and a deep copy of its configuration. */
export interface ResourceItem {
  resourceId: string;
  resourceType: string;
  accountId: string;
  awsRegion: string;
  configuration: Record<string, unknown>;
}

/** Every resource of every account and Region, keyed `account|region|id`. */
export type Snapshot = Map<string, ResourceItem>;

function copy(v: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))) as Record<string, unknown>;
}

function regionMaps(r: Region): [string, Map<string, unknown>][] {
  return Object.keys(RESOURCE_TYPES).map((k) => [k, (r as unknown as Record<string, Map<string, unknown>>)[k]]);
}

/** A deep copy of every resource the accounts hold now. */
export function snapshot(accounts: Accounts, only?: { accountId?: string; regionName?: string }): Snapshot {
  const out: Snapshot = new Map();
  for (const t of accounts.all()) {
    if (only?.accountId && t.accountId !== only.accountId) continue;
    if (only?.regionName && t.regionName !== only.regionName) continue;
    for (const [kind, m] of regionMaps(t.region)) {
      if (!m) continue;
      for (const [id, res] of m) {
        out.set(`${t.accountId}|${t.regionName}|${id}`, { resourceId: id, resourceType: RESOURCE_TYPES[kind], accountId: t.accountId, awsRegion: t.regionName, configuration: copy(res) });
      }
    }
  }
  return out;
}

/**
 * Replays journal calls in order into a set of accounts. `until` (an instant) stops before the first call made
 * after it. `after` is called after each applied call (for histories).
 */
export class JournalReplay {
  readonly accounts = new Accounts();
  private next = 0;
  /** time of the last call applied */
  lastTime: string | undefined;

  constructor(private readonly calls: readonly JournalCall[]) {}

  /** Applies the calls made at or before `until` (ms since the epoch) that are not applied yet. */
  advance(until: number, after?: (c: JournalCall) => void): number {
    let n = 0;
    while (this.next < this.calls.length) {
      const c = this.calls[this.next];
      if (Date.parse(c.time) > until) break;
      this.apply(c);
      this.next++;
      n++;
      after?.(c);
    }
    return n;
  }

  private apply(c: JournalCall): void {
    const t = this.accounts.get(c.accountId, c.regionName);
    t.region.beginCall();
    const r = dispatch(c.action, c.params, { region: t.region, engine: t.engine, accountId: c.accountId, regionName: c.regionName, requestId: c.requestId, now: new Date(c.time) });
    t.region.endCall(r.status === 200);
    this.lastTime = c.time;
  }

  /** Makes sure every account and Region the journal ever names exists (with AWS's default resources). */
  touchAll(): void {
    for (const c of this.calls) this.accounts.get(c.accountId, c.regionName);
  }
}

/** The resource with this id at instant `at`, or undefined when it did not exist then. */
export function resourceAt(calls: readonly JournalCall[], resourceId: string, at: number, only?: { accountId?: string; regionName?: string }): ResourceItem | undefined {
  const rp = new JournalReplay(calls);
  rp.advance(at);
  rp.touchAll();
  return findResource(snapshot(rp.accounts, only), resourceId);
}

export function findResource(s: Snapshot, resourceId: string): ResourceItem | undefined {
  for (const item of s.values()) if (item.resourceId === resourceId) return item;
  return undefined;
}

/** One configuration item of a resource's history: the state after a call that named it. */
export interface HistoryItem {
  time: string;
  eventName: string;
  requestId: string;
  /** undefined once the resource is gone */
  item: ResourceItem | undefined;
  /** for a security group, its rules then (keyed as in a Snapshot) */
  related: Snapshot;
}

/**
 * The history of one resource: after every call whose request or response names it, its state then.
 * Calls that change it without naming it (a rule of another group referencing it) are not listed.
 */
export function resourceHistory(calls: readonly JournalCall[], resourceId: string): HistoryItem[] {
  const rp = new JournalReplay(calls);
  const out: HistoryItem[] = [];
  const needle = `"${resourceId}"`;
  rp.advance(Number.POSITIVE_INFINITY, (c) => {
    const e = c.event as { requestParameters?: unknown; responseElements?: unknown };
    if (!JSON.stringify([e.requestParameters, e.responseElements]).includes(needle) && !c.params.some(([, v]) => v === resourceId)) return;
    const t = rp.accounts.get(c.accountId, c.regionName);
    const s = snapshot(rp.accounts, { accountId: t.accountId, regionName: t.regionName });
    const item = findResource(s, resourceId);
    const related: Snapshot = new Map();
    if (item?.resourceType === 'AWS::EC2::SecurityGroup') {
      for (const id of [...(item.configuration.ingress as string[]), ...(item.configuration.egress as string[])]) {
        const k = `${item.accountId}|${item.awsRegion}|${id}`;
        const r = s.get(k);
        if (r) related.set(k, r);
      }
    }
    out.push({ time: c.time, eventName: c.action, requestId: c.requestId, item, related });
  });
  return out;
}

export interface ChangedResource {
  before: ResourceItem;
  after: ResourceItem;
  /** top-level configuration fields whose value changed */
  fields: string[];
}

export interface TimelineDiff {
  added: ResourceItem[];
  removed: ResourceItem[];
  changed: ChangedResource[];
  /** the calls applied between the two times */
  calls: { time: string; eventName: string; accountId: string; awsRegion: string }[];
}

function stable(v: unknown): string {
  return JSON.stringify(v);
}

export function diffSnapshots(a: Snapshot, b: Snapshot): Omit<TimelineDiff, 'calls'> {
  const added: ResourceItem[] = [];
  const removed: ResourceItem[] = [];
  const changed: ChangedResource[] = [];
  for (const [k, x] of a) if (!b.has(k)) removed.push(x);
  for (const [k, y] of b) {
    const x = a.get(k);
    if (!x) {
      added.push(y);
      continue;
    }
    const fields: string[] = [];
    for (const f of new Set([...Object.keys(x.configuration), ...Object.keys(y.configuration)])) {
      if (stable(x.configuration[f]) !== stable(y.configuration[f])) fields.push(f);
    }
    if (fields.length) changed.push({ before: x, after: y, fields });
  }
  const order = (p: ResourceItem, q: ResourceItem) => p.resourceType.localeCompare(q.resourceType) || p.resourceId.localeCompare(q.resourceId);
  added.sort(order);
  removed.sort(order);
  changed.sort((p, q) => order(p.after, q.after));
  return { added, removed, changed };
}

/**
 * What changed between instants t1 < t2. Accounts and Regions first named between the two times are compared
 * with their initial state (AWS's default resources exist before anyone calls), so only real changes show.
 */
export function diffTimes(calls: readonly JournalCall[], t1: number, t2: number, only?: { accountId?: string; regionName?: string }): TimelineDiff {
  if (t2 < t1) [t1, t2] = [t2, t1];
  const rp = new JournalReplay(calls);
  rp.advance(t1);
  // every tenant that exists at t2 exists, with its defaults, at t1 too
  for (const c of calls) if (Date.parse(c.time) <= t2) rp.accounts.get(c.accountId, c.regionName);
  const before = snapshot(rp.accounts, only);
  const applied: TimelineDiff['calls'] = [];
  rp.advance(t2, (c) => {
    if (only?.accountId && c.accountId !== only.accountId) return;
    if (only?.regionName && c.regionName !== only.regionName) return;
    applied.push({ time: c.time, eventName: c.action, accountId: c.accountId, awsRegion: c.regionName });
  });
  const after = snapshot(rp.accounts, only);
  return { ...diffSnapshots(before, after), calls: applied };
}
