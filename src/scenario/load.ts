// Scenario files: a whole network declared by name, in YAML or JSON. Loading one drives the same Region
// commands as the EC2 API, so every AWS invariant holds, and an error names the line of the file it comes from.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node as YamlNode, type Document } from 'yaml';
import { AwsError } from '../model/errors.js';
import { isServiceKind } from '../model/services.js';
import type { RouteTarget, ServiceKind, Tag } from '../model/types.js';
import { tryParseCidr } from '../net/index.js';
import { entryFromSpec, ruleToPermission } from './rules.js';
import { Region, type RegionOptions } from '../state/region.js';

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | undefined,
    readonly code?: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${code ? `${code}: ` : ''}${message}`);
    this.name = 'ScenarioError';
  }
}

/** Names of a loaded scenario mapped to AWS ids, both ways. */
export class Names {
  readonly vpcs = new Map<string, string>();
  readonly subnets = new Map<string, string>();
  /** `vpc/group` and, when unambiguous, `group` */
  readonly groups = new Map<string, string>();
  readonly networkAcls = new Map<string, string>();
  readonly routeTables = new Map<string, string>();
  readonly peerings = new Map<string, string>();
  readonly prefixLists = new Map<string, string>();
  /** instances, interfaces and resources: name -> ENI ids (the first is the primary) */
  readonly endpoints = new Map<string, string[]>();
  readonly instances = new Map<string, string>();
  readonly resources = new Map<string, string>();
  private readonly byId = new Map<string, string>();

  set(map: Map<string, string>, name: string, id: string): void {
    map.set(name, id);
    if (!this.byId.has(id)) this.byId.set(id, name);
  }
  setLabel(id: string, name: string): void {
    this.byId.set(id, name);
  }
  nameOf(id: string): string | undefined {
    return this.byId.get(id);
  }
  /** `web (i-0abc…)` when the id has a name, else the id */
  label(id: string): string {
    const n = this.byId.get(id);
    return n ? `${n} (${id})` : id;
  }
}

export interface LoadedScenario {
  region: Region;
  names: Names;
  /** the scenario's own description, if any */
  description?: string;
  /** the parsed document as plain data (for tools that read extra sections, such as traffic) */
  data: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

/** Parses and applies a scenario; throws ScenarioError with the offending line. */
export function loadScenario(text: string, file = 'scenario', options: RegionOptions = {}): LoadedScenario {
  const lc = new LineCounter();
  // yaml's own duplicate-key check compares each key with every earlier one (quadratic in a section's size);
  // a set per mapping does the same job in linear time.
  const doc = parseDocument(text, { lineCounter: lc, keepSourceTokens: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ScenarioError(e.message.split('\n')[0], file, e.linePos?.[0]?.line);
  }
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : JSON.stringify(pair.key);
        if (seen.has(k)) {
          const range = (pair.key as { range?: [number, number, number] } | null)?.range;
          throw new ScenarioError(`Map keys must be unique: '${k}' appears twice`, file, range ? lc.linePos(range[0]).line : undefined);
        }
        seen.add(k);
      }
    },
  });
  const data = doc.toJS() as unknown;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ScenarioError('a scenario is a mapping with sections vpcs, instances, …', file, 1);
  const b = new Builder(doc, lc, file, data as Obj, options);
  b.build();
  return { region: b.region, names: b.names, description: typeof (data as Obj).description === 'string' ? ((data as Obj).description as string) : undefined, data: data as Obj };
}

const TOP_KEYS = new Set(['description', 'account', 'region', 'seed', 'defaultVpc', 'quotas', 'vpcs', 'peerings', 'prefixLists', 'instances', 'interfaces', 'resources', 'traffic', 'workload']);
const VPC_KEYS = new Set(['cidr', 'secondaryCidrs', 'ipv6', 'owner', 'internetGateway', 'subnets', 'securityGroups', 'networkAcls', 'routeTables', 'tags']);
const SUBNET_KEYS = new Set(['cidr', 'ipv6Cidr', 'az', 'public', 'routeTable', 'networkAcl', 'tags']);
const GROUP_KEYS = new Set(['description', 'inbound', 'outbound', 'tags']);
const ACL_KEYS = new Set(['inbound', 'outbound', 'tags']);
const INSTANCE_KEYS = new Set(['subnet', 'groups', 'publicIp', 'elasticIp', 'privateIp', 'secondaryIps', 'ipv6', 'sourceDestCheck', 'connectionTracking', 'tags', 'type', 'description']);
const RESOURCE_KEYS = new Set(['type', 'subnets', 'groups', 'internetFacing', 'privateIps', 'tags']);

class Builder {
  readonly region: Region;
  readonly names = new Names();
  private readonly vpcByName = new Map<string, string>();
  private readonly pending: (() => void)[] = [];

  constructor(
    private readonly doc: Document,
    private readonly lc: LineCounter,
    private readonly file: string,
    private readonly data: Obj,
    options: RegionOptions,
  ) {
    const quotas = this.at(['quotas'], () => (data.quotas === undefined ? undefined : this.obj(data.quotas, ['quotas'])));
    try {
      this.region = new Region({
        accountId: this.optStr(data.account, ['account']) ?? options.accountId,
        region: this.optStr(data.region, ['region']) ?? options.region,
        seed: typeof data.seed === 'number' ? data.seed : options.seed,
        quotas: { ...options.quotas, ...(quotas as object) },
        defaultVpc: typeof data.defaultVpc === 'boolean' ? data.defaultVpc : (options.defaultVpc ?? false),
      });
    } catch (e) {
      throw this.fail(e, ['quotas']);
    }
  }

  // -------------------------------------------------------------- error plumbing

  private lineOf(path: (string | number)[]): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as YamlNode | undefined;
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (!range) continue;
      // Fix: a block mapping or sequence starts on the line after its key, so an unknown section such as
      // `instancez:` (or an error about a whole instance) pointed at the next line; name the key's line.
      if (n > 0 && (isMap(node) || isSeq(node)) && !node.flow) {
        const parent = this.doc.getIn(path.slice(0, n - 1), true);
        const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[n - 1])) : undefined;
        const keyRange = (pair?.key as YamlNode | undefined)?.range;
        if (keyRange) return this.lc.linePos(keyRange[0]).line;
      }
      return this.lc.linePos(range[0]).line;
    }
    return undefined;
  }

  private fail(e: unknown, path: (string | number)[]): ScenarioError {
    if (e instanceof ScenarioError) return e;
    const line = this.lineOf(path);
    if (e instanceof AwsError) return new ScenarioError(e.message, this.file, line, e.code);
    if (e instanceof Error) return new ScenarioError(e.message, this.file, line);
    return new ScenarioError(String(e), this.file, line);
  }

  private at<T>(path: (string | number)[], f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw this.fail(e, path);
    }
  }

  private err(message: string, path: (string | number)[]): ScenarioError {
    return new ScenarioError(message, this.file, this.lineOf(path));
  }

  private obj(v: unknown, path: (string | number)[], keys?: Set<string>): Obj {
    if (v === null || v === undefined) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw this.err(`${path.join('.')} must be a mapping`, path);
    if (keys) {
      for (const k of Object.keys(v)) {
        if (!keys.has(k)) throw this.err(`unknown key '${k}' in ${path.join('.')} (expected one of: ${[...keys].join(', ')})`, [...path, k]);
      }
    }
    return v as Obj;
  }

  private list(v: unknown, path: (string | number)[]): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return [v];
    return v;
  }

  private str(v: unknown, path: (string | number)[]): string {
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
    throw this.err(`${path.join('.')} must be a non-empty string`, path);
  }

  private optStr(v: unknown, path: (string | number)[]): string | undefined {
    return v === undefined || v === null ? undefined : this.str(v, path);
  }

  private tags(v: unknown, path: (string | number)[]): Tag[] {
    const o = this.obj(v, path);
    return Object.entries(o).map(([key, value]) => ({ key, value: String(value) }));
  }

  // -------------------------------------------------------------- build

  build(): void {
    for (const k of Object.keys(this.data)) if (!TOP_KEYS.has(k)) throw this.err(`unknown section '${k}' (expected one of: ${[...TOP_KEYS].join(', ')})`, [k]);
    const vpcs = this.obj(this.data.vpcs, ['vpcs']);
    // prefix lists first: rules and routes may name them
    for (const [name, raw] of Object.entries(this.obj(this.data.prefixLists, ['prefixLists']))) this.prefixList(name, raw);
    for (const [name, raw] of Object.entries(vpcs)) this.vpc(name, raw);
    for (const [name, raw] of Object.entries(this.obj(this.data.peerings, ['peerings']))) this.peering(name, raw);
    // groups exist before any rule so that rules may reference groups declared later (or across peerings)
    for (const [name, raw] of Object.entries(vpcs)) this.groupsOf(name, raw as Obj);
    for (const [name, raw] of Object.entries(vpcs)) {
      for (const [gname, graw] of Object.entries(this.obj((raw as Obj).securityGroups, ['vpcs', name, 'securityGroups']))) this.rulesOf(name, gname, this.obj(graw, ['vpcs', name, 'securityGroups', gname]));
    }
    this.registerShortGroupNames();
    for (const [name, raw] of Object.entries(vpcs)) this.aclsAndRoutesOf(name, raw as Obj);
    for (const [name, raw] of Object.entries(this.obj(this.data.instances, ['instances']))) this.instance(name, raw, 'instances');
    for (const [name, raw] of Object.entries(this.obj(this.data.interfaces, ['interfaces']))) this.instance(name, raw, 'interfaces');
    for (const [name, raw] of Object.entries(this.obj(this.data.resources, ['resources']))) this.resource(name, raw);
    // routes to instances, interfaces and NAT gateways, once those exist
    for (const p of this.pending) p();
  }

  private prefixList(name: string, raw: unknown): void {
    const path = ['prefixLists', name];
    const o = this.obj(raw, path, new Set(['family', 'maxEntries', 'entries', 'awsManaged']));
    const entries = this.list(o.entries, [...path, 'entries']).map((e, i) => {
      if (typeof e === 'string') return { cidr: e };
      const eo = this.obj(e, [...path, 'entries', i]);
      return { cidr: this.str(eo.cidr, [...path, 'entries', i, 'cidr']), description: eo.description as string | undefined };
    });
    const family = (o.family as string | undefined) ?? (entries.some((e) => tryParseCidr(e.cidr)?.cidr.family === 6) ? 'IPv6' : 'IPv4');
    const pl = this.at(path, () => this.region.createManagedPrefixList({
      prefixListName: name, addressFamily: family as 'IPv4' | 'IPv6', maxEntries: typeof o.maxEntries === 'number' ? o.maxEntries : Math.max(entries.length, 1),
      entries, awsManaged: o.awsManaged === true,
    }));
    this.names.set(this.names.prefixLists, name, pl.id);
  }

  private vpc(name: string, raw: unknown): void {
    const path = ['vpcs', name];
    const o = this.obj(raw, path, VPC_KEYS);
    const ipv6 = o.ipv6;
    const vpc = this.at([...path, 'cidr'], () => this.region.createVpc({
      cidrBlock: this.str(o.cidr, [...path, 'cidr']),
      amazonProvidedIpv6CidrBlock: ipv6 === true,
      ipv6CidrBlock: typeof ipv6 === 'string' ? ipv6 : undefined,
      ownerId: this.optStr(o.owner, [...path, 'owner']),
      tags: [{ key: 'Name', value: name }, ...this.tags(o.tags, [...path, 'tags'])],
    }));
    this.vpcByName.set(name, vpc.id);
    this.names.set(this.names.vpcs, name, vpc.id);
    this.list(o.secondaryCidrs, [...path, 'secondaryCidrs']).forEach((c, i) => {
      this.at([...path, 'secondaryCidrs', i], () => this.region.associateVpcCidrBlock(vpc.id, { cidrBlock: this.str(c, [...path, 'secondaryCidrs', i]) }));
    });
    if (o.internetGateway === true || typeof o.internetGateway === 'string') {
      const igw = this.region.createInternetGateway(typeof o.internetGateway === 'string' ? [{ key: 'Name', value: o.internetGateway }] : []);
      this.at([...path, 'internetGateway'], () => this.region.attachInternetGateway(igw.id, vpc.id));
    }
    const defaultSg = this.region.defaultSecurityGroup(vpc.id);
    this.names.set(this.names.groups, `${name}/default`, defaultSg.id);
    this.names.set(this.names.networkAcls, `${name}/default`, this.region.defaultNetworkAcl(vpc.id).id);
    this.names.set(this.names.routeTables, `${name}/main`, this.region.mainRouteTable(vpc.id).id);
    for (const [sname, sraw] of Object.entries(this.obj(o.subnets, [...path, 'subnets']))) {
      const sp = [...path, 'subnets', sname];
      const so = this.obj(sraw, sp, SUBNET_KEYS);
      const v6 = so.ipv6Cidr;
      const subnet = this.at(sp, () => this.region.createSubnet({
        vpcId: vpc.id, cidrBlock: this.str(so.cidr, [...sp, 'cidr']),
        ipv6CidrBlock: v6 === 'auto' ? this.autoSubnetIpv6(vpc.id) : (v6 as string | undefined),
        availabilityZone: this.optStr(so.az, [...sp, 'az']),
        tags: [{ key: 'Name', value: sname }, ...this.tags(so.tags, [...sp, 'tags'])],
      }));
      if (so.public === true) this.region.modifySubnetAttribute(subnet.id, { mapPublicIpOnLaunch: true });
      this.uniqueName(this.names.subnets, sname, sp);
      this.names.set(this.names.subnets, sname, subnet.id);
    }
  }

  private autoSubnetIpv6(vpcId: string): string {
    const vpc = this.region.getVpc(vpcId);
    if (!vpc.ipv6CidrBlocks.length) throw new AwsError('InvalidParameterValue', `VPC ${vpcId} has no IPv6 block: set ipv6: true on the VPC`);
    const base = tryParseCidr(vpc.ipv6CidrBlocks[0].ipv6CidrBlock)!.cidr;
    const used = [...this.region.subnets.values()].filter((s) => s.vpcId === vpcId && s.ipv6CidrBlocks.length).length;
    const first = (base.first as bigint) + (BigInt(used) << 64n);
    const hex = first.toString(16).padStart(32, '0');
    const groups = hex.match(/.{4}/g)!.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ''));
    return `${groups.join(':')}::/64`;
  }

  /**
   * Fix: a short ACL or route table name declared in two VPCs used to mean the first VPC's one silently (so a
   * timeline's `nacl: { acl: private }` could change the wrong ACL). Like group names, a short name is kept
   * only while unambiguous; `vpc/name` always works.
   */
  private readonly ambiguous = new Map<Map<string, string>, Set<string>>();
  private shortName(map: Map<string, string>, name: string, id: string): void {
    const taken = this.ambiguous.get(map) ?? new Set<string>();
    this.ambiguous.set(map, taken);
    if (taken.has(name)) return;
    const existing = map.get(name);
    if (existing === undefined) map.set(name, id);
    else if (existing !== id) {
      map.delete(name);
      taken.add(name);
    }
  }

  private uniqueName(map: Map<string, string>, name: string, path: (string | number)[]): void {
    if (map.has(name)) throw this.err(`the name '${name}' is used twice`, path);
  }

  private peering(name: string, raw: unknown): void {
    const path = ['peerings', name];
    const o = this.obj(raw, path, new Set(['requester', 'accepter', 'status']));
    const a = this.vpcId(o.requester, [...path, 'requester']);
    const b = this.vpcId(o.accepter, [...path, 'accepter']);
    const p = this.at(path, () => this.region.createVpcPeeringConnection({ vpcId: a, peerVpcId: b, tags: [{ key: 'Name', value: name }] }));
    const status = (o.status as string | undefined) ?? 'active';
    if (!['active', 'pending-acceptance', 'rejected', 'deleted'].includes(status)) throw this.err(`status must be active, pending-acceptance, rejected or deleted`, [...path, 'status']);
    if (p.status === 'failed') throw this.err(`VPCs ${String(o.requester)} and ${String(o.accepter)} have overlapping CIDR blocks: the peering fails`, path);
    if (status === 'active' || status === 'deleted') this.at(path, () => this.region.acceptVpcPeeringConnection(p.id));
    if (status === 'rejected') this.region.rejectVpcPeeringConnection(p.id);
    if (status === 'deleted') this.region.deleteVpcPeeringConnection(p.id);
    this.names.set(this.names.peerings, name, p.id);
  }

  private vpcId(v: unknown, path: (string | number)[]): string {
    const n = this.str(v, path);
    const id = this.vpcByName.get(n);
    if (!id) throw this.err(`no VPC named '${n}' (known: ${[...this.vpcByName.keys()].join(', ') || 'none'})`, path);
    return id;
  }

  private groupsOf(vpcName: string, o: Obj): void {
    const vpcId = this.vpcByName.get(vpcName)!;
    const groups = this.obj(o.securityGroups, ['vpcs', vpcName, 'securityGroups']);
    // create every group first, then rules (rules may reference groups in any order)
    for (const [gname, graw] of Object.entries(groups)) {
      const gp = ['vpcs', vpcName, 'securityGroups', gname];
      const go = this.obj(graw, gp, GROUP_KEYS);
      if (gname === 'default') continue;
      const sg = this.at(gp, () => this.region.createSecurityGroup({
        groupName: gname, description: (go.description as string | undefined) ?? `${gname} security group`, vpcId,
        tags: this.tags(go.tags, [...gp, 'tags']),
      }));
      this.names.set(this.names.groups, `${vpcName}/${gname}`, sg.id);
    }
  }

  private registerShortGroupNames(): void {
    const counts = new Map<string, number>();
    for (const k of this.names.groups.keys()) {
      const short = k.slice(k.indexOf('/') + 1);
      counts.set(short, (counts.get(short) ?? 0) + 1);
    }
    for (const [k, id] of [...this.names.groups]) {
      const short = k.slice(k.indexOf('/') + 1);
      if (counts.get(short) === 1 && !this.names.groups.has(short)) this.names.groups.set(short, id);
    }
  }

  private rulesOf(vpcName: string, gname: string, go: Obj): void {
    const gp = ['vpcs', vpcName, 'securityGroups', gname];
    const sgId = this.names.groups.get(`${vpcName}/${gname}`)!;
    if (go.outbound !== undefined) {
      // Declared outbound rules replace AWS's default allow-all egress rule (as Terraform does).
      const defaults = this.region.groupRules(sgId, true).map((r) => r.id);
      if (defaults.length) this.region.revoke(sgId, true, { ruleIds: defaults });
    }
    for (const [dir, egress] of [['inbound', false], ['outbound', true]] as const) {
      this.list(go[dir], [...gp, dir]).forEach((raw, i) => {
        const rp = [...gp, dir, i];
        const ctx = { vpcName, groups: this.names.groups, prefixLists: this.names.prefixLists };
        this.at(rp, () => this.region.authorize(sgId, egress, [ruleToPermission(raw, egress, ctx)]));
      });
    }
  }

  private aclsAndRoutesOf(vpcName: string, o: Obj): void {
    const vpcId = this.vpcByName.get(vpcName)!;
    const base = ['vpcs', vpcName];
    for (const [aname, araw] of Object.entries(this.obj(o.networkAcls, [...base, 'networkAcls']))) {
      const ap = [...base, 'networkAcls', aname];
      const ao = this.obj(araw, ap, ACL_KEYS);
      let aclId: string;
      if (aname === 'default') aclId = this.region.defaultNetworkAcl(vpcId).id;
      else {
        const acl = this.at(ap, () => this.region.createNetworkAcl({ vpcId, tags: [{ key: 'Name', value: aname }, ...this.tags(ao.tags, [...ap, 'tags'])] }));
        aclId = acl.id;
      }
      this.names.set(this.names.networkAcls, `${vpcName}/${aname}`, aclId);
      this.shortName(this.names.networkAcls, aname, aclId);
      if (aname === 'default' && (ao.inbound !== undefined || ao.outbound !== undefined)) {
        // declaring the default ACL's entries replaces AWS's allow-all entries
        for (const e of [...this.region.getNetworkAcl(aclId).entries]) {
          if (e.ruleNumber <= 32766) this.region.deleteNetworkAclEntry(aclId, e.ruleNumber, e.egress);
        }
      }
      for (const [dir, egress] of [['inbound', false], ['outbound', true]] as const) {
        this.list(ao[dir], [...ap, dir]).forEach((raw, i) => {
          const ep = [...ap, dir, i];
          const entry = this.at(ep, () => entryFromSpec(raw, egress));
          this.at(ep, () => this.region.createNetworkAclEntry(aclId, entry));
        });
      }
    }
    for (const [rname, rraw] of Object.entries(this.obj(o.routeTables, [...base, 'routeTables']))) {
      const rp = [...base, 'routeTables', rname];
      const ro = this.obj(rraw, rp, new Set(['routes', 'main', 'tags']));
      const rtb = rname === 'main' ? this.region.mainRouteTable(vpcId) : this.at(rp, () => this.region.createRouteTable({ vpcId, tags: [{ key: 'Name', value: rname }] }));
      this.names.set(this.names.routeTables, `${vpcName}/${rname}`, rtb.id);
      this.shortName(this.names.routeTables, rname, rtb.id);
      this.list(ro.routes, [...rp, 'routes']).forEach((raw, i) => {
        const pp = [...rp, 'routes', i];
        const r = this.obj(raw, pp, new Set(['destination', 'target']));
        const dest = this.str(r.destination, [...pp, 'destination']);
        const targetText = this.str(r.target, [...pp, 'target']);
        const apply = () => {
          const target = this.at(pp, () => this.routeTarget(vpcId, targetText, pp));
          const destination = dest.startsWith('pl:') ? { destinationPrefixListId: this.names.prefixLists.get(dest.slice(3)) ?? dest } :
            tryParseCidr(dest)?.cidr.family === 6 ? { destinationIpv6CidrBlock: dest } : dest.startsWith('pl-') ? { destinationPrefixListId: dest } : { destinationCidrBlock: dest };
          this.at(pp, () => this.region.createRoute(rtb.id, { ...destination, target }));
        };
        if (/^(instance|interface|eni|nat):/.test(targetText)) this.pending.push(apply);
        else apply();
      });
    }
    // subnet associations
    for (const [sname, sraw] of Object.entries(this.obj(o.subnets, [...base, 'subnets']))) {
      const sp = [...base, 'subnets', sname];
      const so = sraw as Obj;
      const subnetId = this.names.subnets.get(sname)!;
      if (so.networkAcl !== undefined) {
        const n = this.str(so.networkAcl, [...sp, 'networkAcl']);
        const aclId = this.names.networkAcls.get(`${vpcName}/${n}`);
        if (!aclId) throw this.err(`no network ACL named '${n}' in VPC ${vpcName}`, [...sp, 'networkAcl']);
        if (aclId !== this.region.subnetNetworkAcl(subnetId).id) this.at(sp, () => this.region.associateSubnetNetworkAcl(subnetId, aclId));
      }
      if (so.routeTable !== undefined) {
        const n = this.str(so.routeTable, [...sp, 'routeTable']);
        const rtbId = this.names.routeTables.get(`${vpcName}/${n}`);
        if (!rtbId) throw this.err(`no route table named '${n}' in VPC ${vpcName}`, [...sp, 'routeTable']);
        if (n !== 'main') this.at(sp, () => this.region.associateRouteTable(rtbId, subnetId));
      }
    }
  }

  private routeTarget(vpcId: string, text: string, path: (string | number)[]): RouteTarget {
    if (text === 'igw' || text === 'internet-gateway') {
      const igw = this.region.attachedInternetGateway(vpcId);
      if (!igw) throw this.err(`the VPC has no internet gateway: set internetGateway: true on it`, path);
      return { kind: 'igw', gatewayId: igw.id };
    }
    const [kind, name] = text.includes(':') ? [text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1)] : ['', text];
    if (kind === 'peering' || kind === 'pcx' || text.startsWith('pcx-')) {
      const id = text.startsWith('pcx-') ? text : this.names.peerings.get(name);
      if (!id) throw this.err(`no peering named '${name}'`, path);
      return { kind: 'pcx', vpcPeeringConnectionId: id };
    }
    if (kind === 'instance' || kind === 'interface' || kind === 'eni') {
      const enis = this.names.endpoints.get(name);
      if (!enis) throw this.err(`no instance or interface named '${name}'`, path);
      return { kind: 'eni', networkInterfaceId: enis[0] };
    }
    if (kind === 'nat') {
      const id = this.names.resources.get(name);
      if (!id) throw this.err(`no NAT gateway named '${name}'`, path);
      return { kind: 'nat', natGatewayId: id };
    }
    if (text.startsWith('igw-')) return { kind: 'igw', gatewayId: text };
    throw this.err(`unknown route target '${text}' (igw, peering:NAME, instance:NAME, interface:NAME, nat:NAME)`, path);
  }

  private groupIds(v: unknown, vpcId: string, path: (string | number)[]): string[] {
    const vpcName = [...this.vpcByName].find(([, id]) => id === vpcId)![0];
    return this.list(v, path).map((g, i) => {
      const n = this.str(g, [...path, i]);
      if (n.startsWith('sg-')) return n;
      const id = this.names.groups.get(n.includes('/') ? n : `${vpcName}/${n}`);
      if (!id) throw this.err(`no security group named '${n}' in VPC ${vpcName}`, [...path, i]);
      return id;
    });
  }

  private subnetId(v: unknown, path: (string | number)[]): string {
    const n = this.str(v, path);
    const id = this.names.subnets.get(n);
    if (!id) throw this.err(`no subnet named '${n}' (known: ${[...this.names.subnets.keys()].join(', ') || 'none'})`, path);
    return id;
  }

  private instance(name: string, raw: unknown, section: 'instances' | 'interfaces'): void {
    const path = [section, name];
    const o = this.obj(raw, path, INSTANCE_KEYS);
    if (this.names.endpoints.has(name)) throw this.err(`the name '${name}' is used twice`, path);
    const subnetId = this.subnetId(o.subnet, [...path, 'subnet']);
    const subnet = this.region.getSubnet(subnetId);
    const groups = this.groupIds(o.groups, subnet.vpcId, [...path, 'groups']);
    const ipv6 = o.ipv6;
    const tags = [{ key: 'Name', value: name }, ...this.tags(o.tags, [...path, 'tags'])];
    let eniId: string;
    if (section === 'instances') {
      const [inst] = this.at(path, () => this.region.runInstances({
        subnetId, groups, privateIpAddress: this.optStr(o.privateIp, [...path, 'privateIp']),
        secondaryPrivateIpAddressCount: typeof o.secondaryIps === 'number' ? o.secondaryIps : undefined,
        ipv6AddressCount: ipv6 === true ? 1 : typeof ipv6 === 'number' ? ipv6 : undefined,
        associatePublicIpAddress: typeof o.publicIp === 'boolean' ? o.publicIp : undefined,
        instanceType: this.optStr(o.type, [...path, 'type']), tags,
      }));
      eniId = inst.networkInterfaceIds[0];
      this.names.set(this.names.instances, name, inst.id);
    } else {
      const eni = this.at(path, () => this.region.createNetworkInterface({
        subnetId, groups, privateIpAddress: this.optStr(o.privateIp, [...path, 'privateIp']),
        secondaryPrivateIpAddressCount: typeof o.secondaryIps === 'number' ? o.secondaryIps : undefined,
        ipv6AddressCount: ipv6 === true ? 1 : typeof ipv6 === 'number' ? ipv6 : undefined,
        associatePublicIp: o.publicIp === true, description: (o.description as string | undefined) ?? '', tags,
      }));
      eniId = eni.id;
    }
    if (o.sourceDestCheck === false) this.region.modifyNetworkInterfaceAttribute(eniId, { sourceDestCheck: false });
    if (o.connectionTracking !== undefined) {
      const ct = this.obj(o.connectionTracking, [...path, 'connectionTracking'], new Set(['tcpEstablishedTimeout', 'udpStreamTimeout', 'udpTimeout']));
      this.at([...path, 'connectionTracking'], () => this.region.modifyNetworkInterfaceAttribute(eniId, { connectionTracking: ct as Record<string, number> }));
    }
    if (o.elasticIp === true) {
      const a = this.region.allocateAddress([{ key: 'Name', value: name }]);
      this.at([...path, 'elasticIp'], () => this.region.associateAddress({ allocationId: a.allocationId, networkInterfaceId: eniId }));
    }
    this.names.endpoints.set(name, [eniId]);
    this.names.setLabel(eniId, name);
  }

  private resource(name: string, raw: unknown): void {
    const path = ['resources', name];
    const o = this.obj(raw, path, RESOURCE_KEYS);
    if (this.names.endpoints.has(name)) throw this.err(`the name '${name}' is used twice`, path);
    const kind = this.str(o.type, [...path, 'type']);
    if (!isServiceKind(kind)) throw this.err(`unknown resource type '${kind}'`, [...path, 'type']);
    const subnetIds = this.list(o.subnets, [...path, 'subnets']).map((s, i) => this.subnetId(s, [...path, 'subnets', i]));
    if (subnetIds.length === 0) throw this.err('a resource needs subnets', path);
    const vpcId = this.region.getSubnet(subnetIds[0]).vpcId;
    const groups = this.groupIds(o.groups, vpcId, [...path, 'groups']);
    const res = this.at(path, () => this.region.createServiceResource({
      kind: kind as ServiceKind, name, subnetIds, groups, internetFacing: o.internetFacing === true,
      privateIpAddresses: this.list(o.privateIps, [...path, 'privateIps']).map(String),
      tags: [{ key: 'Name', value: name }, ...this.tags(o.tags, [...path, 'tags'])],
    }));
    this.names.set(this.names.resources, name, res.id);
    this.names.endpoints.set(name, res.networkInterfaceIds);
    res.networkInterfaceIds.forEach((id, i) => this.names.setLabel(id, res.networkInterfaceIds.length > 1 ? `${name}#${i + 1}` : name));
  }
}
