// Builds a Region from an imported snapshot, through the Region's own commands, so every AWS invariant holds,
// keeping the real ids (queued with `region.ids.prefer` just before the command that creates the resource).
// Data AWS reports that no command sets — tags with AWS's reserved `aws:` prefix, real public addresses, MAC
// addresses, zone ids, instance states — is copied onto the created resource, since it changes no invariant.
// Whatever cannot be created is reported with its file and JSON path and the AWS error, never dropped silently.
import { AwsError } from '../model/errors.js';
import { isIdOf, type IdPrefix } from '../model/ids.js';
import { SERVICE_PROFILES } from '../model/services.js';
import type { InterfaceType, NetworkAclEntry, NetworkInterface, Route, RouteTarget, ServiceKind, Tag } from '../model/types.js';
import { cidrOverlaps, formatCidr, parseCidr, parseProtocol, tryParseCidr, tryParseIpv6, formatIpv6, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../net/index.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, Region } from '../state/region.js';
import type { IpPermissionInput } from '../state/permissions.js';
import type { Quotas } from '../model/quotas.js';
import { DEFAULT_QUOTAS } from '../model/quotas.js';
import { arr, bool, num, obj, str, strs, tagsOf, type ImportWarning, type Item, type J, type Snapshot } from './source.js';

export interface BuildOptions {
  /** build into this Region (e.g. a running server's) instead of a new one */
  region?: Region;
  /** id generator seed of a new Region (ids the import does not supply) */
  seed?: number;
  /** called as resources are created, for a progress bar */
  onProgress?: (done: number, total: number) => void;
}

export interface BuildResult {
  region: Region;
  /** quotas raised above AWS's defaults to hold the account (accounts have them raised through Service Quotas) */
  quotas: Partial<Quotas>;
  counts: Record<string, number>;
}

type Dir = 'ingress' | 'egress';

/** A security group rule as read, before it becomes an IpPermission. */
interface RuleIn {
  src: Item;
  path: string;
  egress: boolean;
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  group?: { groupId: string; userId?: string; vpcId?: string; vpcPeeringConnectionId?: string };
  description?: string;
  ruleId?: string;
  tags: Tag[];
}

const INTERFACE_TYPES = new Set<InterfaceType>(['interface', 'network_load_balancer', 'gateway_load_balancer', 'gateway_load_balancer_endpoint', 'vpc_endpoint', 'nat_gateway', 'lambda', 'efa', 'branch', 'trunk']);

function message(e: unknown): string {
  if (e instanceof AwsError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** Tags as the resource holds them: every tag AWS reports, `aws:` system tags included. */
function setTags(target: { tags: Tag[] } | undefined, tags: Tag[]): void {
  if (target && tags.length) target.tags = tags.map((t) => ({ key: t.key, value: t.value }));
}

export class Builder {
  readonly region: Region;
  private readonly w: ImportWarning[];
  private done = 0;
  private total = 0;
  /** ids given out in this import, so an id is never handed out twice */
  private readonly given = new Set<string>();
  /** import id -> Region id (they differ only when an import id could not be kept) */
  private readonly idMap = new Map<string, string>();
  readonly counts: Record<string, number> = {};
  readonly quotas: Partial<Quotas>;
  private readonly byId = new Map<string, Item>();
  private readonly claimedEnis = new Set<string>();

  constructor(
    private readonly snap: Snapshot,
    warnings: ImportWarning[],
    private readonly opts: BuildOptions = {},
  ) {
    this.w = warnings;
    this.dedupe();
    this.quotas = this.neededQuotas();
    if (opts.region) {
      this.region = opts.region;
      // an account's quotas are whatever it had raised them to (Service Quotas): hold what is imported
      for (const [k, v] of Object.entries(this.quotas) as [keyof Quotas, number][]) {
        if (v > this.region.quotas[k]) (this.region.quotas as Quotas)[k] = v;
      }
    } else {
      this.region = new Region({
        accountId: snap.account ?? DEFAULT_ACCOUNT, region: snap.region ?? DEFAULT_REGION, seed: opts.seed ?? seedOf(snap),
        defaultVpc: false, quotas: this.quotas,
      });
    }
  }

  // -------------------------------------------------------------- plumbing

  private warn(kind: 'skipped' | 'note', it: { file: string; path: string }, msg: string, sub = ''): void {
    this.w.push({ kind, file: it.file, path: it.path + sub, message: msg });
  }

  private tick(): void {
    this.done++;
    if (this.opts.onProgress && (this.done % 200 === 0 || this.done === this.total)) this.opts.onProgress(this.done, this.total);
  }

  private count(what: string, n = 1): void {
    this.counts[what] = (this.counts[what] ?? 0) + n;
  }

  /** The Region id of an imported id (itself unless it had to be replaced). */
  ref(id: string | undefined): string | undefined {
    return id === undefined ? undefined : (this.idMap.get(id) ?? id);
  }

  private taken(id: string): boolean {
    if (this.given.has(id)) return true;
    const r = this.region;
    return r.vpcs.has(id) || r.subnets.has(id) || r.securityGroups.has(id) || r.securityGroupRules.has(id) || r.networkAcls.has(id) ||
      r.routeTables.has(id) || r.internetGateways.has(id) || r.vpcPeeringConnections.has(id) || r.prefixLists.has(id) ||
      r.networkInterfaces.has(id) || r.instances.has(id) || r.addresses.has(id) || r.services.has(id);
  }

  /**
   * Runs one Region command with the import's ids queued for the prefixes it allocates. An id that is missing,
   * malformed (a terraform plan's unknown id) or already in use is not queued: the Region draws one, noted.
   * A list stops at its first unusable id, so later ids never slide onto the wrong resource.
   */
  private withIds<T>(it: { file: string; path: string }, ids: Partial<Record<IdPrefix, (string | undefined)[]>>, f: () => T): T {
    for (const [prefix, list] of Object.entries(ids) as [IdPrefix, (string | undefined)[]][]) {
      const ok: string[] = [];
      for (const id of list) {
        if (id === undefined) break;
        if (!isIdOf(prefix, id)) {
          if (!id.startsWith('tf:')) this.warn('note', it, `'${id}' is not a well-formed ${prefix} id: a new id was given`);
          break;
        }
        if (this.taken(id)) {
          this.warn('note', it, `the id ${id} is already in use: a new id was given`);
          break;
        }
        ok.push(id);
      }
      if (ok.length) this.region.ids.prefer(prefix, ok);
    }
    try {
      return f();
    } finally {
      this.region.ids.clearPreferred();
    }
  }

  private map(importId: string | undefined, regionId: string): void {
    this.given.add(regionId);
    if (importId !== undefined && importId !== regionId) this.idMap.set(importId, regionId);
  }

  /** Runs a step; a failure is reported at the item and the import goes on. */
  private attempt<T>(it: { file: string; path: string }, what: string, f: () => T, sub = ''): T | undefined {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof AwsError) && !(e instanceof Error && (e.name === 'NetParseError' || e instanceof RangeError))) throw e;
      this.warn('skipped', it, `${what} not imported: ${message(e)}`, sub);
      return undefined;
    }
  }

  /** Items of one key, keeping the first of each id (the same resource in two files is one resource). */
  private dedupe(): void {
    const idKey: Partial<Record<string, string>> = {
      Vpcs: 'VpcId', Subnets: 'SubnetId', SecurityGroups: 'GroupId', SecurityGroupRules: 'SecurityGroupRuleId', NetworkAcls: 'NetworkAclId',
      RouteTables: 'RouteTableId', InternetGateways: 'InternetGatewayId', VpcPeeringConnections: 'VpcPeeringConnectionId',
      PrefixLists: 'PrefixListId', ManagedPrefixLists: 'PrefixListId', NetworkInterfaces: 'NetworkInterfaceId', Addresses: 'AllocationId',
      NatGateways: 'NatGatewayId', DBInstances: 'DBInstanceIdentifier', LoadBalancers: 'LoadBalancerArn', LoadBalancerDescriptions: 'LoadBalancerName',
    };
    for (const [key, list] of this.snap.items) {
      const k = idKey[key];
      if (!k) continue;
      const seen = new Map<string, Item>();
      const kept: Item[] = [];
      for (const it of list) {
        const id = str(it.item, k);
        if (id === undefined) {
          kept.push(it);
          continue;
        }
        const first = seen.get(id);
        if (first) {
          if (JSON.stringify(first.item) !== JSON.stringify(it.item)) this.warn('note', it, `${id} also appears in ${first.file} (${first.path}) with other content: the first is imported`);
          continue;
        }
        seen.set(id, it);
        kept.push(it);
        this.byId.set(id, it);
      }
      this.snap.items.set(key, kept);
    }
  }

  private list(key: Parameters<Snapshot['list']>[0]): Item[] {
    return this.snap.list(key);
  }

  /** Quotas big enough for what is imported (only those above AWS's defaults). */
  private neededQuotas(): Partial<Quotas> {
    const q: Partial<Quotas> = {};
    const need = (k: keyof Quotas, v: number) => {
      if (v > DEFAULT_QUOTAS[k] && v > (q[k] ?? 0)) q[k] = v;
    };
    const vpcs = this.list('Vpcs').filter((v) => bool(v.item, 'IsDefault') !== true).length;
    // one more for the placeholder a stale reference is made through (see staleRule)
    need('vpcsPerRegion', vpcs + 1);
    need('securityGroupsPerRegion', this.list('SecurityGroups').length);
    const plMax = new Map<string, number>();
    for (const p of this.list('ManagedPrefixLists')) plMax.set(str(p.item, 'PrefixListId') ?? '', num(p.item, 'MaxEntries') ?? 1);
    let rules = 0;
    for (const g of this.list('SecurityGroups')) {
      for (const k of ['IpPermissions', 'IpPermissionsEgress']) {
        let v4 = 0;
        let v6 = 0;
        for (const p of arr(g.item, k)) {
          v4 += arr(p, 'IpRanges').length + arr(p, 'UserIdGroupPairs').length;
          v6 += arr(p, 'Ipv6Ranges').length + arr(p, 'UserIdGroupPairs').length;
          for (const pl of arr(p, 'PrefixListIds')) v4 += plMax.get(str(pl, 'PrefixListId') ?? '') ?? 1;
        }
        rules = Math.max(rules, v4, v6);
      }
    }
    const byGroup = new Map<string, number>();
    for (const r of this.list('SecurityGroupRules')) {
      const k = `${str(r.item, 'GroupId')}|${bool(r.item, 'IsEgress')}`;
      byGroup.set(k, (byGroup.get(k) ?? 0) + 1);
    }
    for (const n of byGroup.values()) rules = Math.max(rules, n);
    need('rulesPerSecurityGroup', rules);
    let groupsPerEni = 0;
    for (const e of this.list('NetworkInterfaces')) groupsPerEni = Math.max(groupsPerEni, arr(e.item, 'Groups').length);
    for (const r of this.list('Reservations')) for (const i of arr(r.item, 'Instances')) for (const e of arr(i, 'NetworkInterfaces')) groupsPerEni = Math.max(groupsPerEni, arr(e, 'Groups').length);
    need('securityGroupsPerInterface', groupsPerEni);
    need('rulesTimesGroupsPerInterface', Math.max(rules, DEFAULT_QUOTAS.rulesPerSecurityGroup) * Math.max(groupsPerEni, DEFAULT_QUOTAS.securityGroupsPerInterface));
    const perVpc = (key: 'NetworkAcls' | 'RouteTables') => {
      const m = new Map<string, number>();
      for (const it of this.list(key)) m.set(str(it.item, 'VpcId') ?? '', (m.get(str(it.item, 'VpcId') ?? '') ?? 0) + 1);
      return Math.max(0, ...m.values());
    };
    need('networkAclsPerVpc', perVpc('NetworkAcls'));
    need('routeTablesPerVpc', perVpc('RouteTables'));
    let entries = 0;
    for (const a of this.list('NetworkAcls')) {
      for (const egress of [false, true]) entries = Math.max(entries, arr(a.item, 'Entries').filter((e) => bool(e, 'Egress') === egress && (num(e, 'RuleNumber') ?? 0) <= 32766).length);
    }
    need('networkAclEntriesPerDirection', entries);
    let routes = 0;
    for (const t of this.list('RouteTables')) routes = Math.max(routes, arr(t.item, 'Routes').length);
    need('routesPerRouteTable', routes);
    let v4Blocks = 0;
    let v6Blocks = 0;
    for (const v of this.list('Vpcs')) {
      v4Blocks = Math.max(v4Blocks, arr(v.item, 'CidrBlockAssociationSet').length);
      v6Blocks = Math.max(v6Blocks, arr(v.item, 'Ipv6CidrBlockAssociationSet').length);
    }
    need('ipv4CidrBlocksPerVpc', v4Blocks);
    need('ipv6CidrBlocksPerVpc', v6Blocks);
    let plEntries = 0;
    for (const p of this.list('ManagedPrefixLists')) plEntries = Math.max(plEntries, num(p.item, 'MaxEntries') ?? 0);
    need('prefixListMaxEntries', plEntries);
    return q;
  }

  // -------------------------------------------------------------- the build, in dependency order

  build(): BuildResult {
    this.total = this.snap.size;
    this.prefixLists();
    this.vpcs();
    this.internetGateways();
    this.subnets();
    this.peerings();
    this.securityGroups();
    this.securityGroupRules();
    this.networkAcls();
    this.routeTables();
    this.instances();
    this.services();
    this.networkInterfaces();
    this.addresses();
    this.routes();
    this.opts.onProgress?.(this.total, this.total);
    return { region: this.region, quotas: this.quotas, counts: this.counts };
  }

  // -------------------------------------------------------------- prefix lists

  private prefixLists(): void {
    // AWS-managed lists (describe-prefix-lists: the gateway endpoint services' lists) hold Cidrs; rules and routes may name them.
    for (const it of this.list('PrefixLists')) {
      const p = it.item;
      const id = str(p, 'PrefixListId');
      const cidrs = strs(p, 'Cidrs');
      const family = cidrs.some((c) => c.includes(':')) ? 'IPv6' : 'IPv4';
      const pl = this.attempt(it, `prefix list ${id}`, () => this.withIds(it, { pl: [id] }, () => this.region.createManagedPrefixList({
        prefixListName: str(p, 'PrefixListName') ?? id ?? 'prefix-list', addressFamily: family, maxEntries: Math.max(cidrs.length, 1),
        entries: cidrs.map((cidr) => ({ cidr })), awsManaged: true,
      })));
      if (pl) {
        this.map(id, pl.id);
        this.count('prefixLists');
      }
      this.tick();
    }
    for (const it of this.list('ManagedPrefixLists')) {
      const p = it.item;
      const id = str(p, 'PrefixListId');
      if (id && this.region.prefixLists.has(this.ref(id)!)) {
        this.tick();
        continue;
      }
      const entries = (this.snap.prefixListEntries.get(id ?? '') ?? []).map((e) => ({ cidr: str(e.item, 'Cidr') ?? '', ...(str(e.item, 'Description') !== undefined ? { description: str(e.item, 'Description') } : {}) }));
      const owner = str(p, 'OwnerId');
      const awsManaged = owner === 'AWS' || (str(p, 'PrefixListName') ?? '').startsWith('com.amazonaws.');
      if (!this.snap.prefixListEntries.has(id ?? '') && num(p, 'MaxEntries') !== 0) {
        this.warn('note', it, `the entries of ${id} are not in the import (aws ec2 get-managed-prefix-list-entries --prefix-list-id ${id}): it is imported empty`);
      }
      const family = str(p, 'AddressFamily') === 'IPv6' ? 'IPv6' : 'IPv4';
      const pl = this.attempt(it, `prefix list ${id}`, () => this.withIds(it, { pl: [id] }, () => this.region.createManagedPrefixList({
        prefixListName: str(p, 'PrefixListName') ?? id ?? 'prefix-list', addressFamily: family,
        maxEntries: Math.max(num(p, 'MaxEntries') ?? entries.length, entries.length, 1), entries, awsManaged,
      })));
      if (pl) {
        this.map(id, pl.id);
        setTags(pl, tagsOf(p));
        if (owner && owner !== 'AWS') pl.ownerId = owner;
        if (num(p, 'Version') !== undefined) pl.version = num(p, 'Version')!;
        this.count('prefixLists');
      }
      this.tick();
    }
  }

  // -------------------------------------------------------------- VPCs, gateways, subnets, peerings

  private defaultsOf(vpcId: string): { sg?: string; acl?: string; rtb?: string; rtbassoc?: string } {
    const hint = this.snap.vpcDefaults.get(vpcId) ?? {};
    const sg = this.list('SecurityGroups').find((g) => str(g.item, 'VpcId') === vpcId && str(g.item, 'GroupName') === 'default');
    const acl = this.list('NetworkAcls').find((a) => str(a.item, 'VpcId') === vpcId && bool(a.item, 'IsDefault') === true);
    const rtb = this.list('RouteTables').find((t) => str(t.item, 'VpcId') === vpcId && arr(t.item, 'Associations').some((a) => bool(a, 'Main') === true));
    const mainAssoc = rtb ? arr(rtb.item, 'Associations').find((a) => bool(a, 'Main') === true) : undefined;
    return {
      sg: str(sg?.item, 'GroupId') ?? hint.securityGroupId,
      acl: str(acl?.item, 'NetworkAclId') ?? hint.networkAclId,
      rtb: str(rtb?.item, 'RouteTableId') ?? hint.mainRouteTableId,
      rtbassoc: str(mainAssoc, 'RouteTableAssociationId'),
    };
  }

  private vpcs(): void {
    for (const it of this.list('Vpcs')) {
      const v = it.item;
      const id = str(v, 'VpcId');
      const cidr = str(v, 'CidrBlock');
      const live = (a: J, k: string) => { const s = str(obj(a, k), 'State'); return s === undefined || s === 'associated' || s === 'associating'; };
      const blocks = arr(v, 'CidrBlockAssociationSet').filter((a) => live(a, 'CidrBlockState'));
      const v6 = arr(v, 'Ipv6CidrBlockAssociationSet').filter((a) => live(a, 'Ipv6CidrBlockState'));
      const primary = blocks.find((b) => str(b, 'CidrBlock') === cidr);
      const d = this.defaultsOf(id ?? '');
      let isDefault = bool(v, 'IsDefault') === true;
      if (isDefault && this.region.defaultVpc()) {
        this.warn('note', it, `the Region already has a default VPC (${this.region.defaultVpc()!.id}): ${id} is imported as a non-default VPC`);
        isDefault = false;
      }
      const assocIds = primary ? [str(primary, 'AssociationId'), ...(v6.length ? [str(v6[0], 'AssociationId')] : [])] : [];
      const vpc = this.attempt(it, `VPC ${id}`, () => {
        if (!cidr) throw new AwsError('MissingParameter', 'the VPC has no CidrBlock');
        return this.withIds(it, { vpc: [id], 'vpc-cidr-assoc': assocIds, sg: [d.sg], acl: [d.acl], rtb: [d.rtb], rtbassoc: [d.rtbassoc] }, () => this.region.createVpc({
          cidrBlock: cidr, ipv6CidrBlock: v6.length ? str(v6[0], 'Ipv6CidrBlock') : undefined, isDefault, ownerId: str(v, 'OwnerId'),
          instanceTenancy: str(v, 'InstanceTenancy') === 'dedicated' ? 'dedicated' : 'default',
        }));
      });
      this.tick();
      if (!vpc) continue;
      this.map(id, vpc.id);
      if (d.sg) this.map(d.sg, this.region.defaultSecurityGroup(vpc.id).id);
      if (d.acl) this.map(d.acl, this.region.defaultNetworkAcl(vpc.id).id);
      if (d.rtb) this.map(d.rtb, this.region.mainRouteTable(vpc.id).id);
      setTags(vpc, tagsOf(v));
      this.count('vpcs');
      blocks.forEach((b, i) => {
        if (b === primary) return;
        const sub = `.CidrBlockAssociationSet[${arr(v, 'CidrBlockAssociationSet').indexOf(b)}]`;
        this.attempt(it, `CIDR block ${str(b, 'CidrBlock')}`, () => this.withIds(it, { 'vpc-cidr-assoc': [str(b, 'AssociationId')] }, () => this.region.associateVpcCidrBlock(vpc.id, { cidrBlock: str(b, 'CidrBlock') })), sub);
        void i;
      });
      v6.slice(1).forEach((b) => {
        const sub = `.Ipv6CidrBlockAssociationSet[${arr(v, 'Ipv6CidrBlockAssociationSet').indexOf(b)}]`;
        this.attempt(it, `IPv6 block ${str(b, 'Ipv6CidrBlock')}`, () => this.withIds(it, { 'vpc-cidr-assoc': [str(b, 'AssociationId')] }, () => this.region.associateVpcCidrBlock(vpc.id, { ipv6CidrBlock: str(b, 'Ipv6CidrBlock') })), sub);
      });
    }
  }

  private internetGateways(): void {
    for (const it of this.list('InternetGateways')) {
      const g = it.item;
      const id = str(g, 'InternetGatewayId');
      const igw = this.attempt(it, `internet gateway ${id}`, () => this.withIds(it, { igw: [id] }, () => this.region.createInternetGateway()));
      this.tick();
      if (!igw) continue;
      this.map(id, igw.id);
      setTags(igw, tagsOf(g));
      if (str(g, 'OwnerId')) igw.ownerId = str(g, 'OwnerId')!;
      this.count('internetGateways');
      arr(g, 'Attachments').forEach((a, i) => {
        const state = str(a, 'State');
        if (state !== undefined && state !== 'available' && state !== 'attached' && state !== 'attaching') return;
        this.attempt(it, `attachment to ${str(a, 'VpcId')}`, () => this.region.attachInternetGateway(igw.id, this.ref(str(a, 'VpcId')) ?? ''), `.Attachments[${i}]`);
      });
    }
  }

  private aclAssociationOf(subnetId: string): { acl: Item; assocId?: string } | undefined {
    for (const a of this.list('NetworkAcls')) {
      const as = arr(a.item, 'Associations').find((x) => str(x, 'SubnetId') === subnetId);
      if (as) return { acl: a, assocId: str(as, 'NetworkAclAssociationId') };
    }
    return undefined;
  }

  private subnets(): void {
    for (const it of this.list('Subnets')) {
      const s = it.item;
      const id = str(s, 'SubnetId');
      const v6 = arr(s, 'Ipv6CidrBlockAssociationSet').filter((a) => { const st = str(obj(a, 'Ipv6CidrBlockState'), 'State'); return st === undefined || st === 'associated'; });
      const acl = this.aclAssociationOf(id ?? '');
      // the association with the default ACL is made by CreateSubnet itself; another ACL's, later, by ReplaceNetworkAclAssociation
      const toDefault = acl && bool(acl.acl.item, 'IsDefault') === true;
      const subnet = this.attempt(it, `subnet ${id}`, () => this.withIds(it, { subnet: [id], 'subnet-cidr-assoc': v6.length ? [str(v6[0], 'AssociationId')] : [], aclassoc: toDefault ? [acl!.assocId] : [] }, () => this.region.createSubnet({
        vpcId: this.ref(str(s, 'VpcId')) ?? '', cidrBlock: str(s, 'CidrBlock') ?? '', ipv6CidrBlock: v6.length ? str(v6[0], 'Ipv6CidrBlock') : undefined,
        availabilityZone: str(s, 'AvailabilityZone'),
      })));
      this.tick();
      if (!subnet) continue;
      this.map(id, subnet.id);
      if (v6.length > 1) this.warn('note', it, `only the first IPv6 block of a subnet is modelled; ${v6.slice(1).map((b) => str(b, 'Ipv6CidrBlock')).join(', ')} not imported`, '.Ipv6CidrBlockAssociationSet');
      const mapPublic = bool(s, 'MapPublicIpOnLaunch') === true;
      const assignV6 = bool(s, 'AssignIpv6AddressOnCreation') === true;
      if (mapPublic || assignV6) this.attempt(it, 'subnet attributes', () => this.region.modifySubnetAttribute(subnet.id, { mapPublicIpOnLaunch: mapPublic, assignIpv6AddressOnCreation: assignV6 }));
      if (bool(s, 'DefaultForAz') === true) subnet.defaultForAz = true;
      if (str(s, 'AvailabilityZoneId')) subnet.availabilityZoneId = str(s, 'AvailabilityZoneId')!;
      if (str(s, 'OwnerId')) subnet.ownerId = str(s, 'OwnerId')!;
      setTags(subnet, tagsOf(s));
      this.count('subnets');
    }
  }

  private peerings(): void {
    for (const it of this.list('VpcPeeringConnections')) {
      const p = it.item;
      const id = str(p, 'VpcPeeringConnectionId');
      const req = obj(p, 'RequesterVpcInfo');
      const acc = obj(p, 'AccepterVpcInfo');
      const status = str(obj(p, 'Status'), 'Code') ?? 'active';
      const a = this.ref(str(req, 'VpcId'));
      const b = this.ref(str(acc, 'VpcId'));
      this.tick();
      if (!a || !b || !this.region.vpcs.has(a) || !this.region.vpcs.has(b)) {
        const missing = !a || !this.region.vpcs.has(a) ? `${str(req, 'VpcId')} (${str(req, 'OwnerId') ?? '?'}, ${str(req, 'Region') ?? '?'})` : `${str(acc, 'VpcId')} (${str(acc, 'OwnerId') ?? '?'}, ${str(acc, 'Region') ?? '?'})`;
        this.warn(status === 'deleted' || status === 'rejected' || status === 'expired' ? 'note' : 'skipped', it,
          `peering ${id} (${status}) not imported: VPC ${missing} is not in this import (a Region holds one account's VPCs of one Region); references across it are kept as stale references`);
        continue;
      }
      const pcx = this.attempt(it, `peering ${id}`, () => this.withIds(it, { pcx: [id] }, () => this.region.createVpcPeeringConnection({ vpcId: a, peerVpcId: b })));
      if (!pcx) continue;
      this.map(id, pcx.id);
      setTags(pcx, tagsOf(p));
      if (pcx.status !== 'failed') {
        // the state AWS reports, reached through the same transitions (VPC Peering Guide, "VPC peering connection lifecycle")
        this.attempt(it, `peering ${id} status ${status}`, () => {
          if (status === 'active' || status === 'deleted') this.region.acceptVpcPeeringConnection(pcx.id);
          if (status === 'rejected') this.region.rejectVpcPeeringConnection(pcx.id);
          if (status === 'deleted') this.region.deleteVpcPeeringConnection(pcx.id);
          if (status === 'expired') pcx.status = 'expired';
        }, '.Status');
      } else if (status !== 'failed') this.warn('note', it, `the VPCs of ${id} overlap, so rampart marks it failed (AWS reported ${status})`);
      const exp = str(p, 'ExpirationTime');
      if (exp) pcx.expirationTime = exp;
      this.count('peerings');
    }
  }

  // -------------------------------------------------------------- security groups and rules

  private securityGroups(): void {
    for (const it of this.list('SecurityGroups')) {
      const g = it.item;
      const id = str(g, 'GroupId');
      const vpcId = this.ref(str(g, 'VpcId'));
      this.tick();
      if (!vpcId) {
        this.warn('skipped', it, `group ${id} has no VpcId: EC2-Classic groups are not modelled`);
        continue;
      }
      let sg;
      if (str(g, 'GroupName') === 'default') {
        // the VPC's default group, made by CreateVpc with this id; its rules are replaced below
        sg = this.region.vpcs.has(vpcId) ? this.region.defaultSecurityGroup(vpcId) : undefined;
        if (!sg) {
          this.warn('skipped', it, `default group ${id} not imported: its VPC ${str(g, 'VpcId')} is not in the import`);
          continue;
        }
        if (id && sg.id !== this.ref(id)) this.map(id, sg.id);
      } else {
        sg = this.attempt(it, `group ${id}`, () => this.withIds(it, { sg: [id] }, () => this.region.createSecurityGroup({
          groupName: str(g, 'GroupName') ?? id ?? 'group', description: str(g, 'Description') ?? '', vpcId,
        })));
        if (!sg) continue;
        this.map(id, sg.id);
      }
      if (str(g, 'Description') !== undefined) sg.description = str(g, 'Description')!;
      setTags(sg, tagsOf(g));
      // the rules AWS put in (default group, or the new group's allow-all egress) give way to the real ones
      const initial = [...sg.ingress.map((r) => [false, r] as const), ...sg.egress.map((r) => [true, r] as const)];
      for (const [egress, rid] of initial) this.region.revoke(sg.id, egress, { ruleIds: [rid] });
      this.count('securityGroups');
    }
  }

  /** Every rule of every group: from describe-security-group-rules (ids, tags) when present, else from IpPermissions. */
  private collectRules(): Map<string, RuleIn[]> {
    const out = new Map<string, RuleIn[]>();
    const add = (groupId: string, r: RuleIn) => {
      let l = out.get(groupId);
      if (!l) out.set(groupId, (l = []));
      l.push(r);
    };
    const withRuleItems = new Set<string>();
    for (const it of this.list('SecurityGroupRules')) {
      const r = it.item;
      const gid = str(r, 'GroupId');
      if (!gid) {
        this.warn('skipped', it, 'a rule without GroupId');
        continue;
      }
      withRuleItems.add(gid);
      const ref = obj(r, 'ReferencedGroupInfo');
      add(gid, {
        src: it, path: '', egress: bool(r, 'IsEgress') === true, ipProtocol: str(r, 'IpProtocol') ?? '-1', fromPort: num(r, 'FromPort'), toPort: num(r, 'ToPort'),
        cidrIpv4: str(r, 'CidrIpv4'), cidrIpv6: str(r, 'CidrIpv6'), prefixListId: str(r, 'PrefixListId'),
        group: ref && str(ref, 'GroupId') ? { groupId: str(ref, 'GroupId')!, userId: str(ref, 'UserId'), vpcId: str(ref, 'VpcId'), vpcPeeringConnectionId: str(ref, 'VpcPeeringConnectionId') } : undefined,
        description: str(r, 'Description'), ruleId: str(r, 'SecurityGroupRuleId'), tags: tagsOf(r),
      });
    }
    for (const it of this.list('SecurityGroups')) {
      const gid = str(it.item, 'GroupId');
      if (!gid || withRuleItems.has(gid)) continue;
      for (const [key, egress] of [['IpPermissions', false], ['IpPermissionsEgress', true]] as const) {
        arr(it.item, key).forEach((p, i) => {
          const base = { src: it, egress, ipProtocol: str(p, 'IpProtocol') ?? '-1', fromPort: num(p, 'FromPort'), toPort: num(p, 'ToPort'), tags: [] as Tag[] };
          const at = `.${key}[${i}]`;
          let peers = 0;
          arr(p, 'IpRanges').forEach((x, j) => { peers++; add(gid, { ...base, path: `${at}.IpRanges[${j}]`, cidrIpv4: str(x, 'CidrIp'), description: str(x, 'Description') }); });
          arr(p, 'Ipv6Ranges').forEach((x, j) => { peers++; add(gid, { ...base, path: `${at}.Ipv6Ranges[${j}]`, cidrIpv6: str(x, 'CidrIpv6'), description: str(x, 'Description') }); });
          arr(p, 'PrefixListIds').forEach((x, j) => { peers++; add(gid, { ...base, path: `${at}.PrefixListIds[${j}]`, prefixListId: str(x, 'PrefixListId'), description: str(x, 'Description') }); });
          arr(p, 'UserIdGroupPairs').forEach((x, j) => {
            peers++;
            const groupId = str(x, 'GroupId');
            if (!groupId) {
              this.warn('skipped', it, 'a group pair without GroupId', `${at}.UserIdGroupPairs[${j}]`);
              return;
            }
            add(gid, { ...base, path: `${at}.UserIdGroupPairs[${j}]`, group: { groupId, userId: str(x, 'UserId'), vpcId: str(x, 'VpcId'), vpcPeeringConnectionId: str(x, 'VpcPeeringConnectionId') }, description: str(x, 'Description') });
          });
          if (peers === 0) this.warn('skipped', it, 'a permission with no peer (no IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs)', at);
        });
      }
    }
    return out;
  }

  private securityGroupRules(): void {
    const all = this.collectRules();
    for (const [importGroupId, rules] of all) {
      const gid = this.ref(importGroupId)!;
      const sg = this.region.securityGroups.get(gid);
      if (!sg) {
        for (const r of rules) {
          this.warn('skipped', { file: r.src.file, path: r.src.path + r.path }, `rule of group ${importGroupId} not imported: the group is not in the import`);
          this.tick();
        }
        continue;
      }
      for (const r of rules) {
        this.rule(sg.id, r);
        this.tick();
      }
    }
  }

  private rule(groupId: string, r: RuleIn): void {
    const at = { file: r.src.file, path: r.src.path + r.path };
    for (const [cidr, fam] of [[r.cidrIpv4, 4], [r.cidrIpv6, 6]] as const) {
      if (cidr === undefined) continue;
      const c = tryParseCidr(cidr);
      if (!c || c.cidr.family !== fam) {
        this.warn('skipped', at, `rule not imported: malformed ${fam === 4 ? 'IPv4' : 'IPv6'} CIDR '${cidr}' (AWS stores only valid blocks)`);
        return;
      }
    }
    const perm: IpPermissionInput = { ipProtocol: r.ipProtocol, fromPort: r.fromPort, toPort: r.toPort };
    if (r.cidrIpv4 !== undefined) perm.ipRanges = [{ cidrIp: r.cidrIpv4, description: r.description }];
    else if (r.cidrIpv6 !== undefined) perm.ipv6Ranges = [{ cidrIpv6: r.cidrIpv6, description: r.description }];
    else if (r.prefixListId !== undefined) perm.prefixListIds = [{ prefixListId: this.ref(r.prefixListId)!, description: r.description }];
    else if (r.group) {
      const target = this.ref(r.group.groupId)!;
      perm.userIdGroupPairs = [{ groupId: target, userId: r.group.userId, description: r.description }];
      if (!this.resolvable(groupId, target)) {
        this.staleRule(groupId, r, perm, at);
        return;
      }
    } else {
      this.warn('skipped', at, 'rule not imported: it names no peer');
      return;
    }
    try {
      const [rule] = this.withIds(at, { sgr: [r.ruleId] }, () => this.region.authorize(groupId, r.egress, [perm]));
      this.map(r.ruleId, rule.id);
      setTags(rule, r.tags);
      if (r.group && rule.peer.kind === 'group') {
        if (r.group.vpcId) rule.peer.vpcId = this.ref(r.group.vpcId);
        if (r.group.vpcPeeringConnectionId) rule.peer.vpcPeeringConnectionId = this.ref(r.group.vpcPeeringConnectionId);
      }
      this.count('rules');
    } catch (e) {
      if (e instanceof AwsError && e.code === 'InvalidPermission.Duplicate') {
        // AWS holds no duplicate rules; the same rule twice (a terraform group's inline rules and an
        // aws_security_group_rule, or two files) is one rule
        this.warn('note', at, `the same rule appears twice: imported once (${e.message})`);
        return;
      }
      if (e instanceof AwsError) {
        this.warn('skipped', at, `rule not imported: ${message(e)}`);
        return;
      }
      throw e;
    }
  }

  /** Can a rule of `groupId` reference `target` now: the same VPC, or a VPC across an active peering. */
  private resolvable(groupId: string, target: string): boolean {
    const t = this.region.securityGroups.get(target);
    if (!t) return false;
    const own = this.region.securityGroups.get(groupId)!;
    return t.vpcId === own.vpcId || this.region.activePeeringBetween(t.vpcId, own.vpcId) !== undefined;
  }

  /**
   * A reference to a group that is gone or across a peering that is not active. AWS keeps such a rule, stale
   * (VPC Peering Guide, "Identify and delete stale security group rules"), but only for a group of another
   * VPC: a group of the same VPC cannot be deleted while referenced (DependencyViolation), so a same-VPC
   * reference to a group missing from the import means the import is incomplete, and it is reported.
   * The stale rule is made the way AWS comes to hold one: authorized while a peering is active, then the
   * peering is deleted (and, for a group that is gone, the group too). The temporary peering (and placeholder
   * VPC) are forgotten afterwards, as AWS forgets deleted peerings after a while.
   */
  private staleRule(groupId: string, r: RuleIn, perm: IpPermissionInput, at: { file: string; path: string }): void {
    const region = this.region;
    const own = region.securityGroups.get(groupId)!;
    const targetId = this.ref(r.group!.groupId)!;
    const existing = region.securityGroups.get(targetId);
    const ownerAccount = r.group!.userId ?? existing?.ownerId ?? region.accountId;
    const crossVpc = existing !== undefined ? existing.vpcId !== own.vpcId
      : (r.group!.vpcId !== undefined && this.ref(r.group!.vpcId) !== own.vpcId) || r.group!.vpcPeeringConnectionId !== undefined || ownerAccount !== own.ownerId;
    if (!crossVpc) {
      this.warn('skipped', at, `rule not imported: it references ${r.group!.groupId}, which is not in the import; a group of the same VPC cannot be deleted while referenced, so the import is missing it`);
      return;
    }
    if (!isIdOf('sg', targetId)) {
      this.warn('skipped', at, `rule not imported: it references '${r.group!.groupId}', not a security group id`);
      return;
    }
    const made: { vpc?: string; pcx?: string; sg?: string } = {};
    try {
      let peerVpc = existing?.vpcId;
      if (!existing) {
        const blocks = region.getVpc(own.vpcId).cidrBlocks.map((b) => parseCidr(b.cidrBlock));
        const cidr = ['100.127.255.240/28', '198.18.255.240/28', '192.0.2.240/28', '10.255.255.240/28'].find((c) => !blocks.some((b) => cidrOverlaps(b, parseCidr(c))))!;
        const vpc = region.createVpc({ cidrBlock: cidr, ownerId: ownerAccount });
        made.vpc = vpc.id;
        peerVpc = vpc.id;
        region.ids.prefer('sg', [targetId]);
        try {
          made.sg = region.createSecurityGroup({ groupName: `rampart-stale-${targetId}`, description: 'placeholder', vpcId: vpc.id }).id;
        } finally {
          region.ids.clearPreferred();
        }
      }
      const pcx = region.createVpcPeeringConnection({ vpcId: own.vpcId, peerVpcId: peerVpc! });
      made.pcx = pcx.id;
      region.acceptVpcPeeringConnection(pcx.id);
      const [rule] = this.withIds(at, { sgr: [r.ruleId] }, () => region.authorize(groupId, r.egress, [perm]));
      region.deleteVpcPeeringConnection(pcx.id);
      if (rule.peer.kind === 'group') {
        rule.peer.vpcId = r.group!.vpcId !== undefined ? this.ref(r.group!.vpcId) : existing?.vpcId;
        if (r.group!.vpcPeeringConnectionId) rule.peer.vpcPeeringConnectionId = r.group!.vpcPeeringConnectionId;
        else delete rule.peer.vpcPeeringConnectionId;
        if (!rule.peer.vpcId) delete rule.peer.vpcId;
      }
      setTags(rule, r.tags);
      this.map(r.ruleId, rule.id);
      this.count('rules');
      this.count('staleRules');
      this.warn('note', at, `kept as a stale reference: ${r.group!.groupId} (${ownerAccount}) is ${existing ? 'in a VPC with no active peering to this one' : `not among this account and Region's groups (${this.region.accountId}, ${this.region.name})`}`);
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      this.warn('skipped', at, `rule not imported: its stale reference to ${r.group!.groupId} cannot be made: ${message(e)}`);
      if (made.pcx && region.vpcPeeringConnections.get(made.pcx)?.status === 'active') region.deleteVpcPeeringConnection(made.pcx);
    } finally {
      if (made.pcx) region.vpcPeeringConnections.delete(made.pcx);
      if (made.sg) region.deleteSecurityGroup({ groupId: made.sg });
      if (made.vpc) region.deleteVpc(made.vpc);
    }
  }

  // -------------------------------------------------------------- network ACLs

  private entry(e: J): NetworkAclEntry {
    const protocol = parseProtocol(str(e, 'Protocol') ?? '-1');
    if (protocol === undefined) throw new AwsError('InvalidParameterValue', `unknown protocol '${str(e, 'Protocol')}'`);
    const out: NetworkAclEntry = {
      ruleNumber: num(e, 'RuleNumber') ?? NaN, egress: bool(e, 'Egress') === true, protocol,
      ruleAction: (str(e, 'RuleAction') ?? '') as 'allow' | 'deny',
      ...(str(e, 'CidrBlock') !== undefined ? { cidrBlock: str(e, 'CidrBlock') } : {}),
      ...(str(e, 'Ipv6CidrBlock') !== undefined ? { ipv6CidrBlock: str(e, 'Ipv6CidrBlock') } : {}),
    };
    for (const [cidr, fam] of [[out.cidrBlock, 4], [out.ipv6CidrBlock, 6]] as const) {
      if (cidr !== undefined && tryParseCidr(cidr)?.cidr.family !== fam) throw new AwsError('InvalidParameterValue', `malformed ${fam === 4 ? 'IPv4' : 'IPv6'} CIDR '${cidr}'`);
    }
    const pr = obj(e, 'PortRange');
    const ic = obj(e, 'IcmpTypeCode');
    if (protocol === PROTO_TCP || protocol === PROTO_UDP) out.portRange = { from: num(pr, 'From') ?? 0, to: num(pr, 'To') ?? 65535 };
    else if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) out.icmpTypeCode = { type: num(ic, 'Type') ?? -1, code: num(ic, 'Code') ?? -1 };
    return out;
  }

  private networkAcls(): void {
    for (const it of this.list('NetworkAcls')) {
      const a = it.item;
      const id = str(a, 'NetworkAclId');
      const vpcId = this.ref(str(a, 'VpcId'));
      this.tick();
      let acl;
      if (bool(a, 'IsDefault') === true) {
        acl = vpcId && this.region.vpcs.has(vpcId) ? this.region.defaultNetworkAcl(vpcId) : undefined;
        if (!acl) {
          this.warn('skipped', it, `default network ACL ${id} not imported: its VPC ${str(a, 'VpcId')} is not in the import`);
          continue;
        }
        if (id && acl.id !== this.ref(id)) this.map(id, acl.id);
        for (const e of [...acl.entries]) if (e.ruleNumber <= 32766) this.region.deleteNetworkAclEntry(acl.id, e.ruleNumber, e.egress);
      } else {
        acl = this.attempt(it, `network ACL ${id}`, () => this.withIds(it, { acl: [id] }, () => this.region.createNetworkAcl({ vpcId: vpcId ?? '' })));
        if (!acl) continue;
        this.map(id, acl.id);
      }
      setTags(acl, tagsOf(a));
      this.count('networkAcls');
      arr(a, 'Entries').forEach((e, i) => {
        // the `*` entries (32767 IPv4, 32768 IPv6) come with every ACL
        if ((num(e, 'RuleNumber') ?? 0) > 32766) return;
        const ok = this.attempt(it, `entry ${num(e, 'RuleNumber')} (${bool(e, 'Egress') ? 'egress' : 'ingress'})`, () => this.region.createNetworkAclEntry(acl.id, this.entry(e)), `.Entries[${i}]`);
        if (ok) this.count('networkAclEntries');
      });
      arr(a, 'Associations').forEach((as, i) => {
        const subnetId = this.ref(str(as, 'SubnetId'));
        if (!subnetId || !this.region.subnets.has(subnetId)) {
          this.warn('skipped', it, `association ${str(as, 'NetworkAclAssociationId')} not imported: subnet ${str(as, 'SubnetId')} is not in the import`, `.Associations[${i}]`);
          return;
        }
        const current = this.region.subnetNetworkAcl(subnetId);
        if (current.id === acl.id) return;
        const cur = current.associations.find((x) => x.subnetId === subnetId)!;
        this.attempt(it, `association of ${str(as, 'SubnetId')}`, () => this.withIds(it, { aclassoc: [str(as, 'NetworkAclAssociationId')] }, () => this.region.replaceNetworkAclAssociation(cur.networkAclAssociationId, acl.id)), `.Associations[${i}]`);
      });
    }
  }

  // -------------------------------------------------------------- route tables (routes come last: they name ENIs, NAT gateways…)

  private routeTables(): void {
    for (const it of this.list('RouteTables')) {
      const t = it.item;
      const id = str(t, 'RouteTableId');
      const vpcId = this.ref(str(t, 'VpcId'));
      const main = arr(t, 'Associations').some((a) => bool(a, 'Main') === true);
      this.tick();
      let rtb;
      if (main && vpcId && this.region.vpcs.has(vpcId)) {
        rtb = this.region.mainRouteTable(vpcId);
        if (id && rtb.id !== this.ref(id)) this.map(id, rtb.id);
      } else {
        rtb = this.attempt(it, `route table ${id}`, () => this.withIds(it, { rtb: [id] }, () => this.region.createRouteTable({ vpcId: vpcId ?? '' })));
        if (!rtb) continue;
        this.map(id, rtb.id);
      }
      setTags(rtb, tagsOf(t));
      this.count('routeTables');
      arr(t, 'Associations').forEach((as, i) => {
        if (bool(as, 'Main') === true) return;
        const state = str(obj(as, 'AssociationState'), 'State');
        if (state !== undefined && state !== 'associated' && state !== 'associating') return;
        if (str(as, 'GatewayId')) {
          this.warn('skipped', it, `gateway association ${str(as, 'RouteTableAssociationId')} (${str(as, 'GatewayId')}, ingress routing) not imported: rampart routes traffic entering from gateways without edge associations`, `.Associations[${i}]`);
          return;
        }
        const subnetId = this.ref(str(as, 'SubnetId'));
        this.attempt(it, `association ${str(as, 'RouteTableAssociationId')}`, () => this.withIds(it, { rtbassoc: [str(as, 'RouteTableAssociationId')] }, () => this.region.associateRouteTable(rtb.id, subnetId ?? '')), `.Associations[${i}]`);
      });
    }
  }

  private routeTarget(vpcId: string, r: J): RouteTarget {
    const gw = str(r, 'GatewayId');
    if (gw === 'local') return { kind: 'local' };
    if (gw?.startsWith('igw-')) {
      const igw = this.region.internetGateways.get(this.ref(gw)!);
      if (igw?.attachments.some((a) => a.vpcId === vpcId)) return { kind: 'igw', gatewayId: igw.id };
      return { kind: 'other', targetId: gw };
    }
    const pcx = str(r, 'VpcPeeringConnectionId');
    if (pcx) {
      const p = this.region.vpcPeeringConnections.get(this.ref(pcx)!);
      return p && p.status !== 'deleted' ? { kind: 'pcx', vpcPeeringConnectionId: p.id } : { kind: 'other', targetId: pcx };
    }
    const nat = str(r, 'NatGatewayId');
    if (nat) return this.region.services.get(this.ref(nat)!)?.kind === 'nat-gateway' ? { kind: 'nat', natGatewayId: this.ref(nat)! } : { kind: 'other', targetId: nat };
    const inst = str(r, 'InstanceId');
    if (inst && this.region.instances.has(this.ref(inst)!)) return { kind: 'instance', instanceId: this.ref(inst)! };
    const eni = str(r, 'NetworkInterfaceId');
    if (eni && this.region.networkInterfaces.has(this.ref(eni)!)) return { kind: 'eni', networkInterfaceId: this.ref(eni)! };
    const other = gw ?? str(r, 'TransitGatewayId') ?? str(r, 'EgressOnlyInternetGatewayId') ?? str(r, 'CarrierGatewayId') ?? str(r, 'LocalGatewayId') ?? str(r, 'CoreNetworkArn') ?? inst ?? eni;
    if (other) return { kind: 'other', targetId: other };
    throw new AwsError('MissingParameter', 'the route names no target');
  }

  private routes(): void {
    const opaque = new Map<string, number>();
    for (const it of this.list('RouteTables')) {
      const rtb = this.region.routeTables.get(this.ref(str(it.item, 'RouteTableId')) ?? '');
      if (!rtb) continue;
      arr(it.item, 'Routes').forEach((r, i) => {
        const sub = `.Routes[${i}]`;
        const target = this.attempt(it, 'route', () => this.routeTarget(rtb.vpcId, r), sub);
        if (!target || target.kind === 'local') return;
        const dest = {
          destinationCidrBlock: str(r, 'DestinationCidrBlock'), destinationIpv6CidrBlock: str(r, 'DestinationIpv6CidrBlock'),
          destinationPrefixListId: this.ref(str(r, 'DestinationPrefixListId')),
        };
        const route = this.attempt(it, `route to ${dest.destinationCidrBlock ?? dest.destinationIpv6CidrBlock ?? dest.destinationPrefixListId}`, () => this.region.createRoute(rtb.id, { ...dest, target }), sub);
        if (!route) return;
        this.count('routes');
        if (str(r, 'Origin') === 'EnableVgwRoutePropagation') (route as Route).origin = 'EnableVgwRoutePropagation';
        if (target.kind === 'other') {
          const k = str(r, 'State') === 'blackhole' ? 'blackhole' : target.targetId.replace(/-.*$/, '');
          opaque.set(k, (opaque.get(k) ?? 0) + 1);
        }
      });
    }
    for (const [k, n] of opaque) {
      this.w.push({ kind: 'note', file: '', path: '', message: `${n} route${n > 1 ? 's' : ''} to ${k === 'blackhole' ? 'blackholed targets' : `${k} targets`} kept with their target id; rampart does not model what lies beyond them, so traffic routed there goes nowhere` });
    }
  }

  // -------------------------------------------------------------- instances, interfaces, services, addresses

  /** The ENI as describe-network-interfaces printed it, else as describe-instances did. */
  private eniData(id: string | undefined, fallback: J): { item: J; at: Item } {
    const it = id ? this.byId.get(id) : undefined;
    if (it && it.item.NetworkInterfaceId === id) return { item: it.item, at: it };
    return { item: fallback, at: { item: fallback, file: '', path: '' } };
  }

  private privateIps(e: J): { primary?: string; secondary: string[] } {
    const list = arr(e, 'PrivateIpAddresses');
    const primary = str(list.find((p) => bool(p, 'Primary') === true), 'PrivateIpAddress') ?? str(e, 'PrivateIpAddress');
    return { primary, secondary: list.map((p) => str(p, 'PrivateIpAddress')).filter((p): p is string => p !== undefined && p !== primary) };
  }

  private ipv6s(e: J): string[] {
    return arr(e, 'Ipv6Addresses').map((a) => str(a, 'Ipv6Address')).filter((a): a is string => a !== undefined);
  }

  /** What no creating command sets: the real MAC, public addresses (not Elastic IPs: those come with Addresses), tags. */
  private finishEni(eni: NetworkInterface, e: J, at: { file: string; path: string }): void {
    if (str(e, 'MacAddress')) eni.macAddress = str(e, 'MacAddress')!;
    if (str(e, 'Description') !== undefined) eni.description = str(e, 'Description')!;
    if (str(e, 'OwnerId')) eni.ownerId = str(e, 'OwnerId')!;
    // a service's interface is in use with no attachment shown (Lambda, endpoints): the status AWS reports stands
    const status = str(e, 'Status');
    if (status === 'in-use' || (status === 'available' && !eni.attachment)) eni.status = status;
    setTags(eni, tagsOf(e, arr(e, 'TagSet').length ? 'TagSet' : 'Tags'));
    const assocs: { ip: string; a: J }[] = [];
    for (const p of arr(e, 'PrivateIpAddresses')) {
      const a = obj(p, 'Association');
      if (a && str(p, 'PrivateIpAddress')) assocs.push({ ip: str(p, 'PrivateIpAddress')!, a });
    }
    if (!assocs.length && obj(e, 'Association') && this.privateIps(e).primary) assocs.push({ ip: this.privateIps(e).primary!, a: obj(e, 'Association')! });
    for (const { ip, a } of assocs) {
      const publicIp = str(a, 'PublicIp');
      if (!publicIp || str(a, 'AllocationId')) continue; // Elastic IPs: see addresses()
      const p = eni.privateIpAddresses.find((x) => x.privateIpAddress === ip);
      if (p) p.association = { publicIp, ipOwnerId: str(a, 'IpOwnerId') ?? 'amazon' };
    }
    this.count('networkInterfaces');
  }

  private connectionTracking(e: J): { tcpEstablishedTimeout?: number; udpStreamTimeout?: number; udpTimeout?: number } | undefined {
    const c = obj(e, 'ConnectionTrackingConfiguration');
    if (!c) return undefined;
    return { tcpEstablishedTimeout: num(c, 'TcpEstablishedTimeout'), udpStreamTimeout: num(c, 'UdpStreamTimeout'), udpTimeout: num(c, 'UdpTimeout') };
  }

  private groupsOf(e: J): string[] {
    return arr(e, 'Groups').map((g) => this.ref(str(g, 'GroupId'))).filter((g): g is string => g !== undefined);
  }

  private instances(): void {
    for (const rit of this.list('Reservations')) {
      arr(rit.item, 'Instances').forEach((inst, i) => {
        const at = { file: rit.file, path: `${rit.path}.Instances[${i}]` };
        const id = str(inst, 'InstanceId');
        const state = str(obj(inst, 'State'), 'Name') ?? 'running';
        this.tick();
        if (state === 'terminated' || state === 'shutting-down') {
          this.warn('note', at, `instance ${id} is ${state}: it has no network interfaces left, nothing to import`);
          return;
        }
        const enis = arr(inst, 'NetworkInterfaces');
        const primaryRaw = enis.find((e) => num(obj(e, 'Attachment'), 'DeviceIndex') === 0) ?? enis[0];
        if (!primaryRaw && !str(inst, 'SubnetId')) {
          this.warn('skipped', at, `instance ${id} has no network interface and no SubnetId: not in a VPC`);
          return;
        }
        const { item: primary } = this.eniData(str(primaryRaw, 'NetworkInterfaceId'), primaryRaw ?? inst);
        const ips = primaryRaw ? this.privateIps(primary) : { primary: str(inst, 'PrivateIpAddress'), secondary: [] };
        const groups = primaryRaw ? this.groupsOf(primary) : arr(inst, 'SecurityGroups').map((g) => this.ref(str(g, 'GroupId'))!).filter(Boolean);
        const eniId = str(primaryRaw, 'NetworkInterfaceId');
        const created = this.attempt(at, `instance ${id}`, () => this.withIds(at, { i: [id], eni: [eniId], 'eni-attach': [str(obj(primaryRaw, 'Attachment'), 'AttachmentId')] }, () => this.region.runInstances({
          subnetId: this.ref(str(primary, 'SubnetId') ?? str(inst, 'SubnetId')), groups, privateIpAddress: ips.primary,
          imageId: str(inst, 'ImageId'), instanceType: str(inst, 'InstanceType'), associatePublicIpAddress: false,
        })));
        if (!created) return;
        const instance = created[0];
        this.map(id, instance.id);
        const eni = this.region.networkInterfaces.get(instance.networkInterfaceIds[0])!;
        this.map(eniId, eni.id);
        this.claimedEnis.add(eniId ?? eni.id);
        this.count('instances');
        if (['pending', 'running', 'stopping', 'stopped'].includes(state)) instance.state = state as typeof instance.state;
        if (str(inst, 'LaunchTime')) instance.launchTime = str(inst, 'LaunchTime')!;
        if (str(rit.item, 'OwnerId')) instance.ownerId = str(rit.item, 'OwnerId')!;
        setTags(instance, tagsOf(inst));
        if (primaryRaw) this.completeEni(eni, primary, ips.secondary, at, true);
        const att = obj(primaryRaw, 'Attachment');
        if (att && bool(att, 'DeleteOnTermination') === false && eni.attachment) eni.attachment.deleteOnTermination = false;
      });
    }
  }

  /** Secondary addresses, IPv6 addresses and attributes of an ENI made by a command that takes only some of them. */
  private completeEni(eni: NetworkInterface, e: J, secondary: string[], at: { file: string; path: string }, ipv6Too: boolean): void {
    if (secondary.length) this.attempt(at, `secondary addresses of ${eni.id}`, () => this.region.assignPrivateIpAddresses(eni.id, { privateIpAddresses: secondary }));
    if (ipv6Too) {
      const v6 = this.ipv6s(e);
      if (v6.length) this.attempt(at, `IPv6 addresses of ${eni.id}`, () => this.assignIpv6(eni, v6));
    }
    const sdc = bool(e, 'SourceDestCheck');
    const ct = this.connectionTracking(e);
    if (sdc === false || ct) this.attempt(at, `attributes of ${eni.id}`, () => this.region.modifyNetworkInterfaceAttribute(eni.id, { ...(sdc === false ? { sourceDestCheck: false } : {}), ...(ct ? { connectionTracking: ct } : {}) }));
    this.finishEni(eni, e, at);
  }

  /**
   * RunInstances takes an IPv6 address count, not addresses: the instance's real addresses are checked as
   * AssignIpv6Addresses would (inside the subnet's IPv6 block, not in use in the VPC) and then indexed by
   * re-setting the ENI's groups, which re-indexes every address of the ENI.
   */
  private assignIpv6(eni: NetworkInterface, addrs: string[]): void {
    const subnet = this.region.getSubnet(eni.subnetId);
    const out: string[] = [];
    for (const a of addrs) {
      const v = tryParseIpv6(a);
      if (v === undefined) throw new AwsError('InvalidParameterValue', `Invalid value '${a}' for ipv6Address`);
      if (!subnet.ipv6CidrBlocks.some((b) => { const c = parseCidr(b.ipv6CidrBlock); return v >= (c.first as bigint) && v <= (c.last as bigint); })) {
        throw new AwsError('InvalidParameterValue', `Address ${a} does not fall within the subnet's IPv6 address range`);
      }
      const text = formatIpv6(v);
      if (this.region.networkInterfaceByPrivateIp(eni.vpcId, text)) throw new AwsError('InvalidIPAddress.InUse', `Address ${text} is in use`);
      out.push(text);
    }
    eni.ipv6Addresses = [...eni.ipv6Addresses, ...out];
    this.region.modifyNetworkInterfaceAttribute(eni.id, { groups: eni.groups.length ? eni.groups : undefined });
  }

  private interfaceType(t: string | undefined, at: { file: string; path: string }): InterfaceType {
    if (t === undefined) return 'interface';
    if (t === 'natGateway') return 'nat_gateway';
    if (INTERFACE_TYPES.has(t as InterfaceType)) return t as InterfaceType;
    this.warn('note', at, `interface type '${t}' is not modelled: imported as 'interface'`);
    return 'interface';
  }

  private networkInterfaces(): void {
    const instEnis = new Map<string, { raw: J; instanceId: string; at: { file: string; path: string } }>();
    for (const rit of this.list('Reservations')) {
      arr(rit.item, 'Instances').forEach((inst, i) => {
        arr(inst, 'NetworkInterfaces').forEach((e, j) => {
          const id = str(e, 'NetworkInterfaceId');
          if (id) instEnis.set(id, { raw: e, instanceId: str(inst, 'InstanceId') ?? '', at: { file: rit.file, path: `${rit.path}.Instances[${i}].NetworkInterfaces[${j}]` } });
        });
      });
    }
    const todo: { id: string; e: J; at: { file: string; path: string } }[] = [];
    for (const it of this.list('NetworkInterfaces')) {
      const id = str(it.item, 'NetworkInterfaceId') ?? '';
      this.tick();
      if (this.claimedEnis.has(id)) continue;
      todo.push({ id, e: it.item, at: it });
    }
    for (const [id, x] of instEnis) if (!this.claimedEnis.has(id) && !this.byId.has(id)) todo.push({ id, e: x.raw, at: x.at });
    for (const { id, e, at } of todo) {
      const ips = this.privateIps(e);
      const groups = this.groupsOf(e);
      const eni = this.attempt(at, `network interface ${id}`, () => this.withIds(at, { eni: [id] }, () => this.region.createNetworkInterface({
        subnetId: this.ref(str(e, 'SubnetId')) ?? '', groups, withoutSecurityGroups: groups.length === 0 && arr(e, 'Groups').length === 0,
        privateIpAddresses: ips.primary ? [ips.primary, ...ips.secondary] : undefined, ipv6Addresses: this.ipv6s(e),
        description: str(e, 'Description') ?? '', interfaceType: this.interfaceType(str(e, 'InterfaceType'), at),
        requesterManaged: bool(e, 'RequesterManaged') === true, requesterId: str(e, 'RequesterId'),
        sourceDestCheck: bool(e, 'SourceDestCheck') !== false, connectionTracking: this.connectionTracking(e),
      })));
      if (!eni) continue;
      this.map(id, eni.id);
      this.finishEni(eni, e, at);
      const att = obj(e, 'Attachment');
      if (!att) continue;
      const instanceId = this.ref(str(att, 'InstanceId') ?? instEnis.get(id)?.instanceId);
      if (instanceId && this.region.instances.has(instanceId)) {
        this.attempt(at, `attachment of ${id} to ${instanceId}`, () => this.withIds(at, { 'eni-attach': [str(att, 'AttachmentId')] }, () => this.region.attachNetworkInterface(eni.id, instanceId, num(att, 'DeviceIndex') ?? 1)), '.Attachment');
        if (eni.attachment && bool(att, 'DeleteOnTermination') === true) eni.attachment.deleteOnTermination = true;
      } else this.dataAttachment(eni, att, at);
    }
  }

  /**
   * An attachment to something rampart has no resource for (a load balancer's or a service's hidden instance,
   * or an instance not in the import): kept as data, the ENI in use.
   */
  private dataAttachment(eni: NetworkInterface, att: J, at: { file: string; path: string }): void {
    eni.attachment = {
      attachmentId: str(att, 'AttachmentId') ?? '', ...(str(att, 'InstanceId') ? { instanceId: str(att, 'InstanceId') } : {}),
      instanceOwnerId: str(att, 'InstanceOwnerId') ?? '', deviceIndex: num(att, 'DeviceIndex') ?? 0, status: 'attached',
      deleteOnTermination: bool(att, 'DeleteOnTermination') === true,
    };
    eni.status = 'in-use';
    if (str(att, 'InstanceId')) this.warn('note', at, `attached to instance ${str(att, 'InstanceId')}, which is not in the import`, '.Attachment');
  }

  /** ENIs of describe-network-interfaces whose Description matches, in import order, not yet taken. */
  private eniIndex: Map<string, Item[]> | undefined;
  /**
   * The described interfaces not yet claimed whose FIELD is VALUE (and that pass PRED), in document order. Indexed
   * once: a scan of every interface per NAT gateway, load balancer and DB instance was most of a large import.
   */
  private enisWhere(field: 'NetworkInterfaceId' | 'Description', value: string | undefined, pred?: (e: J) => boolean): Item[] {
    if (value === undefined) return [];
    if (!this.eniIndex) {
      this.eniIndex = new Map();
      for (const it of this.list('NetworkInterfaces')) {
        for (const f of ['NetworkInterfaceId', 'Description'] as const) {
          const v = str(it.item, f);
          if (v === undefined) continue;
          const k = `${f}\0${v}`;
          const l = this.eniIndex.get(k);
          if (l) l.push(it);
          else this.eniIndex.set(k, [it]);
        }
      }
    }
    return (this.eniIndex.get(`${field}\0${value}`) ?? []).filter((it) => !this.claimedEnis.has(str(it.item, 'NetworkInterfaceId') ?? '') && (!pred || pred(it.item)));
  }

  private service(at: Item, kind: ServiceKind, name: string, idPrefix: 'nat' | 'res', resourceId: string | undefined, subnets: string[], groups: string[], enis: Item[], privateIps: (string | undefined)[], internetFacing: boolean, tags: Tag[], description?: string): void {
    const eniIds = enis.map((e) => str(e.item, 'NetworkInterfaceId'));
    const res = this.attempt(at, `${SERVICE_PROFILES[kind].label} ${name}`, () => this.withIds(at, { [idPrefix]: [resourceId], eni: eniIds }, () => this.region.createServiceResource({
      kind, name, subnetIds: subnets.map((s) => this.ref(s)!), groups: groups.map((g) => this.ref(g)!),
      internetFacing: internetFacing && enis.length === 0, privateIpAddresses: privateIps.filter((p): p is string => p !== undefined).length === subnets.length ? (privateIps as string[]) : undefined,
    })));
    if (!res) return;
    this.map(resourceId, res.id);
    res.internetFacing = internetFacing;
    setTags(res, tags);
    this.count('services');
    res.networkInterfaceIds.forEach((id, i) => {
      const eni = this.region.networkInterfaces.get(id)!;
      const e = enis[i];
      if (e) {
        this.claimedEnis.add(str(e.item, 'NetworkInterfaceId') ?? id);
        this.map(str(e.item, 'NetworkInterfaceId'), id);
        this.completeEni(eni, e.item, this.privateIps(e.item).secondary, e, true);
        const att = obj(e.item, 'Attachment');
        if (att) this.dataAttachment(eni, att, e);
      } else {
        if (description !== undefined) eni.description = description;
        this.count('networkInterfaces');
      }
    });
    if (enis.length === 0) this.warn('note', at, `the network interfaces of ${name} are not in the import (describe-network-interfaces): ${res.networkInterfaceIds.length} made with addresses rampart chose`);
  }

  private services(): void {
    for (const it of this.list('NatGateways')) {
      const n = it.item;
      const id = str(n, 'NatGatewayId');
      const state = str(n, 'State');
      this.tick();
      if (state === 'deleted' || state === 'deleting' || state === 'failed') {
        this.warn('note', it, `NAT gateway ${id} is ${state}: nothing to import`);
        continue;
      }
      const addrs = arr(n, 'NatGatewayAddresses');
      const primary = addrs.find((a) => bool(a, 'IsPrimary') !== false) ?? addrs[0];
      const enis = this.enisWhere('NetworkInterfaceId', str(primary, 'NetworkInterfaceId'));
      this.service(it, 'nat-gateway', nameTagOf(n) ?? id ?? 'nat', 'nat', id, [str(n, 'SubnetId') ?? ''], [], enis, [str(primary, 'PrivateIp')], str(n, 'ConnectivityType') !== 'private', tagsOf(n), `Interface for NAT Gateway ${id}`);
    }
    for (const it of this.list('LoadBalancers')) {
      const lb = it.item;
      const name = str(lb, 'LoadBalancerName') ?? 'lb';
      const type = str(lb, 'Type') ?? 'application';
      const kind: ServiceKind = type === 'network' ? 'nlb' : type === 'gateway' ? 'gwlb' : 'alb';
      // AWS describes the ENIs of an ELBv2 load balancer as `ELB app/NAME/ID` (the tail of its ARN)
      const tail = /loadbalancer\/((?:app|net|gwy)\/[^/]+\/[0-9a-f]+)$/.exec(str(lb, 'LoadBalancerArn') ?? '')?.[1];
      const description = tail ? `ELB ${tail}` : undefined;
      const zones = arr(lb, 'AvailabilityZones');
      const subnets = zones.map((z) => str(z, 'SubnetId') ?? '');
      const enis = this.enisWhere('Description', description);
      const ordered = enis.length ? enis.slice().sort((a, b) => subnets.indexOf(str(a.item, 'SubnetId') ?? '') - subnets.indexOf(str(b.item, 'SubnetId') ?? '')) : [];
      const ips = zones.map((z) => str(arr(z, 'LoadBalancerAddresses')[0], 'PrivateIPv4Address'));
      this.tick();
      this.service(it, kind, name, 'res', undefined, ordered.length ? ordered.map((e) => str(e.item, 'SubnetId') ?? '') : subnets, strs(lb, 'SecurityGroups'), ordered,
        ordered.length ? ordered.map((e) => this.privateIps(e.item).primary) : ips, str(lb, 'Scheme') === 'internet-facing', tagsOf(lb), description);
      if (kind === 'nlb' && strs(lb, 'SecurityGroups').length === 0) this.warn('note', it, `${name} has no security groups; rampart gives every NLB interface a group (the VPC's default)`);
    }
    for (const it of this.list('LoadBalancerDescriptions')) {
      const lb = it.item;
      const name = str(lb, 'LoadBalancerName') ?? 'clb';
      const description = `ELB ${name}`;
      const subnets = strs(lb, 'Subnets');
      const enis = this.enisWhere('Description', description);
      this.tick();
      this.service(it, 'clb', name, 'res', undefined, enis.length ? enis.map((e) => str(e.item, 'SubnetId') ?? '') : subnets, strs(lb, 'SecurityGroups'), enis,
        enis.map((e) => this.privateIps(e.item).primary), str(lb, 'Scheme') === 'internet-facing', [], description);
    }
    for (const it of this.list('DBInstances')) {
      const db = it.item;
      const name = str(db, 'DBInstanceIdentifier') ?? 'db';
      const engine = str(db, 'Engine') ?? '';
      const kind: ServiceKind = engine.startsWith('aurora') ? 'aurora' : engine === 'docdb' ? 'docdb' : engine === 'neptune' ? 'neptune' : 'rds';
      const groups = arr(db, 'VpcSecurityGroups').map((g) => str(g, 'VpcSecurityGroupId')).filter((g): g is string => g !== undefined);
      const sng = arr(obj(db, 'DBSubnetGroup'), 'Subnets');
      const subnetIds = sng.map((s) => str(s, 'SubnetIdentifier')).filter((s): s is string => s !== undefined);
      this.tick();
      const state = str(db, 'DBInstanceStatus');
      if (state === 'deleting') {
        this.warn('note', it, `DB instance ${name} is deleting: nothing to import`);
        continue;
      }
      // The DB's ENI: an RDS interface in one of its subnets with exactly its groups (AWS does not name the DB in it)
      const sameGroups = (e: J) => { const g = arr(e, 'Groups').map((x) => str(x, 'GroupId')); return g.length === groups.length && g.every((x) => x !== undefined && groups.includes(x)); };
      const azOf = (s: string) => str(obj(sng.find((x) => str(x, 'SubnetIdentifier') === s), 'SubnetAvailabilityZone'), 'Name');
      const wantAz = [str(db, 'AvailabilityZone'), ...(bool(db, 'MultiAZ') === true ? [str(db, 'SecondaryAvailabilityZone')] : [])].filter((z): z is string => z !== undefined);
      const candidates = this.enisWhere('Description', 'RDSNetworkInterface', (e) => subnetIds.includes(str(e, 'SubnetId') ?? '') && sameGroups(e));
      const enis = candidates.filter((c) => wantAz.includes(str(c.item, 'AvailabilityZone') ?? '')).slice(0, Math.max(wantAz.length, 1));
      const picked = enis.length ? enis : candidates.slice(0, 1);
      let subnets = picked.map((e) => str(e.item, 'SubnetId') ?? '');
      if (!subnets.length) {
        subnets = wantAz.map((az) => subnetIds.find((s) => azOf(s) === az)).filter((s): s is string => s !== undefined);
        if (!subnets.length && subnetIds.length) subnets = [subnetIds[0]];
      }
      if (!subnets.length) {
        this.warn('skipped', it, `DB instance ${name} not imported: it names no subnets (DBSubnetGroup.Subnets)`);
        continue;
      }
      this.service(it, kind, name, 'res', undefined, subnets, groups, picked, picked.map((e) => this.privateIps(e.item).primary), bool(db, 'PubliclyAccessible') === true, tagsOf(db, 'TagList'), 'RDSNetworkInterface');
    }
  }

  private addresses(): void {
    const eips = new Map<string, { item: J; at: { file: string; path: string } }>();
    for (const it of this.list('Addresses')) {
      const id = str(it.item, 'AllocationId');
      this.tick();
      if (!id || str(it.item, 'Domain') === 'standard') {
        this.warn('skipped', it, `EC2-Classic address ${str(it.item, 'PublicIp')} not imported`);
        continue;
      }
      eips.set(id, { item: it.item, at: it });
    }
    // Elastic IPs seen only on interfaces (no describe-addresses in the import)
    for (const eni of this.list('NetworkInterfaces')) {
      for (const p of arr(eni.item, 'PrivateIpAddresses')) {
        const a = obj(p, 'Association');
        const id = str(a, 'AllocationId');
        if (!id || eips.has(id)) continue;
        eips.set(id, {
          item: { AllocationId: id, PublicIp: str(a, 'PublicIp'), AssociationId: str(a, 'AssociationId'), NetworkInterfaceId: str(eni.item, 'NetworkInterfaceId'), PrivateIpAddress: str(p, 'PrivateIpAddress') },
          at: eni,
        });
      }
    }
    for (const [id, { item, at }] of eips) {
      const a = this.attempt(at, `Elastic IP ${str(item, 'PublicIp')}`, () => this.withIds(at, { eipalloc: [id] }, () => this.region.allocateAddress()));
      if (!a) continue;
      this.map(id, a.allocationId);
      // the address itself is Amazon's, not one of rampart's pool
      if (str(item, 'PublicIp')) a.publicIp = str(item, 'PublicIp')!;
      setTags(a, tagsOf(item));
      this.count('addresses');
      const eniId = this.ref(str(item, 'NetworkInterfaceId'));
      if (!eniId) continue;
      if (!this.region.networkInterfaces.has(eniId)) {
        this.warn('note', at, `Elastic IP ${a.publicIp} is associated with ${str(item, 'NetworkInterfaceId')}, which is not in the import: imported unassociated`);
        continue;
      }
      this.attempt(at, `association of ${a.publicIp}`, () => this.withIds(at, { eipassoc: [str(item, 'AssociationId')] }, () => this.region.associateAddress({
        allocationId: a.allocationId, networkInterfaceId: eniId, privateIpAddress: str(item, 'PrivateIpAddress'),
      })));
    }
  }
}

/**
 * The seed of the ids the import does not supply: a hash of what is imported, so they do not repeat the
 * sequence that made the imported ids (an estate rampart generated with seed 1, a re-import of an export).
 */
function seedOf(snap: Snapshot): number {
  let h = 0x811c9dc5;
  const mix = (t: string) => {
    for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193) >>> 0;
  };
  for (const [key, list] of snap.items) {
    mix(key);
    for (const it of list) for (const v of Object.values(it.item)) if (typeof v === 'string' && /^[a-z]+(?:-[a-z]+)*-[0-9a-f]{8,17}$/.test(v)) mix(v);
  }
  return h >>> 0;
}

function nameTagOf(o: J): string | undefined {
  return tagsOf(o).find((t) => t.key === 'Name')?.value;
}

export function buildRegion(snap: Snapshot, warnings: ImportWarning[], opts: BuildOptions = {}): BuildResult {
  return new Builder(snap, warnings, opts).build();
}

