// One account + Region's VPC resources, with every AWS invariant enforced. Each command validates its whole
// input before changing anything, so a failing call leaves the state exactly as it was (one call, one
// transaction), and announces what it changed so compiled policies can be refreshed incrementally.
import {
  cidr4,
  cidrContains,
  cidrOverlaps,
  formatCidr,
  formatIpv4,
  formatIpv6,
  parseCidr,
  tryParseCidr,
  tryParseIpv4,
  tryParseIpv6,
  PROTO_ALL,
  type Cidr,
} from '../net/index.js';
import { AwsError, Errors } from '../model/errors.js';
import { IdGenerator, isIdOf, type IdPrefix } from '../model/ids.js';
import { CIDR_LIMITS, CONNTRACK_TIMEOUTS, NACL_DEFAULT_RULE_V4, NACL_DEFAULT_RULE_V6, NACL_RULE_MAX, NACL_RULE_MIN, resolveQuotas, type Quotas } from '../model/quotas.js';
import { SERVICE_PROFILES } from '../model/services.js';
import type {
  ConnectionTrackingConfiguration,
  ElasticAddress,
  FlowLog,
  Instance,
  InterfaceType,
  InternetGateway,
  ManagedPrefixList,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  PrefixListEntry,
  Route,
  RouteTable,
  RouteTarget,
  RulePeer,
  SecurityGroup,
  SecurityGroupRule,
  ServiceKind,
  ServiceResource,
  Subnet,
  Tag,
  Vpc,
  VpcPeeringConnection,
} from '../model/types.js';
import {
  describeRuleForError,
  expandIpPermissions,
  isValidGroupText,
  ruleKey,
  ruleRequestToSpec,
  validateRuleDescription,
  type IpPermissionInput,
  type RuleSpecInput,
  type SecurityGroupRuleRequest,
} from './permissions.js';

export type StateEvent =
  | { type: 'group-rules'; groupId: string }
  | { type: 'group-members'; groupId: string }
  | { type: 'group-deleted'; groupId: string }
  | { type: 'eni'; networkInterfaceId: string }
  | { type: 'nacl'; networkAclId: string }
  | { type: 'subnet-nacl'; subnetId: string }
  | { type: 'routes'; routeTableId: string }
  | { type: 'subnet-routes'; subnetId: string }
  | { type: 'peering'; vpcPeeringConnectionId: string }
  | { type: 'prefix-list'; prefixListId: string }
  | { type: 'topology' };

export interface RegionOptions {
  accountId?: string;
  region?: string;
  quotas?: Partial<Quotas>;
  /** seed of the id generator: the same seed gives the same ids */
  seed?: number;
  /** create the default VPC as AWS does for every account and Region (default true) */
  defaultVpc?: boolean;
}

export interface RevokeResult {
  revoked: SecurityGroupRule[];
  /** permissions that matched nothing (only in a default VPC, where AWS does not fail) */
  unknown: RuleSpecInput[];
}

export const DEFAULT_ACCOUNT = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

const AZ_LETTERS = ['a', 'b', 'c', 'd', 'e', 'f'];

function sameTags(tags: Tag[] | undefined): Tag[] {
  return (tags ?? []).map((t) => ({ key: t.key, value: t.value }));
}

function defaultConnectionTracking(): ConnectionTrackingConfiguration {
  return {
    tcpEstablishedTimeout: CONNTRACK_TIMEOUTS.tcpEstablished.default,
    udpStreamTimeout: CONNTRACK_TIMEOUTS.udpStream.default,
    udpTimeout: CONNTRACK_TIMEOUTS.udp.default,
  };
}

/**
 * The Region's id generator, with one addition for importers (`rampart import`): the ids of real resources can
 * be queued per prefix, and the next `id(prefix)` hands out the queued id instead of drawing one, so a resource
 * made by an ordinary Region command keeps the id AWS gave it (every invariant is still checked by that
 * command). The seeded sequence does not advance for a queued id. The importer queues only well-formed ids that
 * are not in use, and clears the queues after each command, so a queued id never reaches a later resource.
 */
export class PreferredIdGenerator extends IdGenerator {
  private readonly preferred = new Map<string, string[]>();
  /** the next `id(prefix)` calls return these ids, in order */
  prefer(prefix: IdPrefix, ids: string[]): void {
    const q = this.preferred.get(prefix);
    if (q) q.push(...ids);
    else this.preferred.set(prefix, [...ids]);
  }
  clearPreferred(): void {
    this.preferred.clear();
  }
  override id(prefix: IdPrefix): string {
    const q = this.preferred.get(prefix);
    return q !== undefined && q.length > 0 ? q.shift()! : super.id(prefix);
  }
}

export class Region {
  readonly accountId: string;
  readonly name: string;
  readonly quotas: Quotas;
  readonly ids: PreferredIdGenerator;

  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  readonly securityGroupRules = new Map<string, SecurityGroupRule>();
  readonly networkAcls = new Map<string, NetworkAcl>();
  readonly routeTables = new Map<string, RouteTable>();
  readonly internetGateways = new Map<string, InternetGateway>();
  readonly vpcPeeringConnections = new Map<string, VpcPeeringConnection>();
  readonly prefixLists = new Map<string, ManagedPrefixList>();
  readonly networkInterfaces = new Map<string, NetworkInterface>();
  readonly instances = new Map<string, Instance>();
  readonly addresses = new Map<string, ElasticAddress>();
  readonly services = new Map<string, ServiceResource>();
  /** VPC Flow Logs (created and described by the EC2 API; records made by src/flowlogs) */
  readonly flowLogs = new Map<string, FlowLog>();

  /** group id -> ids of the ENIs that have it */
  private readonly members = new Map<string, Set<string>>();
  /** group id -> ids of rules (of any group) that reference it */
  private readonly referencedBy = new Map<string, Set<string>>();
  /** `${vpcId}|${address}` -> ENI id, for every private IPv4/IPv6 address in use */
  private readonly addressIndex = new Map<string, string>();
  /** `${groupId}` rule identity keys, for duplicate detection */
  private readonly ruleKeys = new Map<string, Map<string, string>>();
  private readonly listeners: ((e: StateEvent) => void)[] = [];
  private publicIpCounter = 0;
  /** public IPv4 addresses handed out (auto-assigned and Elastic) */
  private readonly publicIps = new Set<string>();
  /** subnet id -> where the next private address search starts */
  private allocationHint = new Map<string, number>();
  /** the counters of the call in progress, restored if it fails (see beginCall) */
  private call: { ids: [number, number]; publicIpCounter: number; hints: Map<string, number>; addedPublicIps: string[] } | undefined;

  /**
   * Marks the start of one API call. A call that fails leaves the state unchanged (every command validates
   * before it changes anything); endCall(false) also rewinds the id generator and address counters, so a failed
   * call leaves no trace at all and replaying the successful calls rebuilds exactly the same state.
   */
  beginCall(): void {
    this.call = { ids: this.ids.state, publicIpCounter: this.publicIpCounter, hints: new Map(this.allocationHint), addedPublicIps: [] };
  }

  endCall(succeeded: boolean): void {
    const c = this.call;
    this.call = undefined;
    if (!c || succeeded) return;
    this.ids.state = c.ids;
    this.publicIpCounter = c.publicIpCounter;
    this.allocationHint = c.hints;
    for (const ip of c.addedPublicIps) this.publicIps.delete(ip);
  }

  constructor(opts: RegionOptions = {}) {
    this.accountId = opts.accountId ?? DEFAULT_ACCOUNT;
    this.name = opts.region ?? DEFAULT_REGION;
    this.quotas = resolveQuotas(opts.quotas);
    // AWS: rules per group × groups per interface may not exceed 1,000 ("Amazon VPC quotas").
    if (this.quotas.rulesPerSecurityGroup * this.quotas.securityGroupsPerInterface > this.quotas.rulesTimesGroupsPerInterface) {
      throw new RangeError(
        `quotas: rulesPerSecurityGroup (${this.quotas.rulesPerSecurityGroup}) × securityGroupsPerInterface (${this.quotas.securityGroupsPerInterface}) may not exceed ${this.quotas.rulesTimesGroupsPerInterface}`,
      );
    }
    this.ids = new PreferredIdGenerator(opts.seed ?? 1);
    if (opts.defaultVpc !== false) this.createDefaultVpc();
  }

  // ---------------------------------------------------------------- events

  onChange(listener: (e: StateEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emit(e: StateEvent): void {
    for (const l of this.listeners) l(e);
  }

  // ---------------------------------------------------------------- lookups

  availabilityZones(): string[] {
    return AZ_LETTERS.map((l) => `${this.name}${l}`);
  }
  /**
   * The zone id of an AZ name (`us-east-1a` -> `use1-az1`, `eu-west-1b` -> `euw1-az2`). Fix: subnets used to get
   * `use1-az…` in every Region; the id's prefix follows AWS's Region abbreviation.
   */
  availabilityZoneId(az: string): string {
    const i = this.availabilityZones().indexOf(az);
    const [geo = '', dir = '', num = ''] = this.name.split('-');
    const DIRS: Record<string, string> = { east: 'e', west: 'w', north: 'n', south: 's', central: 'c', northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw' };
    return `${geo}${DIRS[dir] ?? dir.slice(0, 1)}${num}-az${i + 1}`;
  }

  getVpc(id: string): Vpc {
    const v = this.vpcs.get(id);
    if (!v) throw Errors.vpcNotFound(id);
    return v;
  }
  getSubnet(id: string): Subnet {
    const s = this.subnets.get(id);
    if (!s) throw Errors.subnetNotFound(id);
    return s;
  }
  getGroup(id: string): SecurityGroup {
    if (!isIdOf('sg', id)) throw Errors.groupIdMalformed(id);
    const g = this.securityGroups.get(id);
    if (!g) throw Errors.groupNotFound(id);
    return g;
  }
  getNetworkAcl(id: string): NetworkAcl {
    const a = this.networkAcls.get(id);
    if (!a) throw Errors.aclNotFound(id);
    return a;
  }
  getRouteTable(id: string): RouteTable {
    const r = this.routeTables.get(id);
    if (!r) throw Errors.routeTableNotFound(id);
    return r;
  }
  getInternetGateway(id: string): InternetGateway {
    const g = this.internetGateways.get(id);
    if (!g) throw Errors.igwNotFound(id);
    return g;
  }
  getPeering(id: string): VpcPeeringConnection {
    const p = this.vpcPeeringConnections.get(id);
    if (!p || p.status === 'deleted') throw Errors.peeringNotFound(id);
    return p;
  }
  getNetworkInterface(id: string): NetworkInterface {
    if (!isIdOf('eni', id)) throw Errors.eniMalformed(id);
    const e = this.networkInterfaces.get(id);
    if (!e) throw Errors.eniNotFound(id);
    return e;
  }
  getInstance(id: string): Instance {
    const i = this.instances.get(id);
    if (!i || i.state === 'terminated') throw Errors.instanceNotFound(id);
    return i;
  }
  getPrefixList(id: string): ManagedPrefixList {
    const p = this.prefixLists.get(id);
    if (!p) throw Errors.prefixListNotFound(id);
    return p;
  }
  rule(id: string): SecurityGroupRule {
    if (!isIdOf('sgr', id)) throw Errors.ruleIdMalformed(id);
    const r = this.securityGroupRules.get(id);
    if (!r) throw Errors.ruleIdNotFound(id);
    return r;
  }

  defaultSecurityGroup(vpcId: string): SecurityGroup {
    for (const g of this.securityGroups.values()) if (g.vpcId === vpcId && g.name === 'default') return g;
    throw Errors.groupNameNotFound('default', vpcId);
  }
  defaultNetworkAcl(vpcId: string): NetworkAcl {
    for (const a of this.networkAcls.values()) if (a.vpcId === vpcId && a.isDefault) return a;
    throw Errors.aclNotFound(`default of ${vpcId}`);
  }
  mainRouteTable(vpcId: string): RouteTable {
    for (const r of this.routeTables.values()) if (r.vpcId === vpcId && r.associations.some((a) => a.main)) return r;
    throw Errors.routeTableNotFound(`main of ${vpcId}`);
  }
  defaultVpc(): Vpc | undefined {
    for (const v of this.vpcs.values()) if (v.isDefault) return v;
    return undefined;
  }

  /** The network ACL a subnet uses: its explicit association (every subnet has exactly one). */
  subnetNetworkAcl(subnetId: string): NetworkAcl {
    for (const a of this.networkAcls.values()) if (a.associations.some((s) => s.subnetId === subnetId)) return a;
    throw Errors.aclNotFound(`for ${subnetId}`);
  }
  /** The route table a subnet uses: an explicit association, else the VPC's main route table. */
  subnetRouteTable(subnetId: string): RouteTable {
    for (const r of this.routeTables.values()) if (r.associations.some((a) => a.subnetId === subnetId)) return r;
    return this.mainRouteTable(this.getSubnet(subnetId).vpcId);
  }

  groupRules(groupId: string, egress: boolean): SecurityGroupRule[] {
    const g = this.getGroup(groupId);
    return (egress ? g.egress : g.ingress).map((id) => this.securityGroupRules.get(id)!);
  }
  /** ENIs that have the group (the members a rule referencing it matches) */
  groupMembers(groupId: string): ReadonlySet<string> {
    return this.members.get(groupId) ?? new Set();
  }
  /** rules of any group that reference this group */
  rulesReferencing(groupId: string): ReadonlySet<string> {
    return this.referencedBy.get(groupId) ?? new Set();
  }
  /** the ENI that holds a private address in a VPC */
  networkInterfaceByPrivateIp(vpcId: string, address: string): NetworkInterface | undefined {
    const id = this.addressIndex.get(`${vpcId}|${address}`);
    return id ? this.networkInterfaces.get(id) : undefined;
  }
  networkInterfaceByPublicIp(address: string): NetworkInterface | undefined {
    for (const e of this.networkInterfaces.values()) {
      if (e.privateIpAddresses.some((p) => p.association?.publicIp === address)) return e;
    }
    return undefined;
  }

  vpcHasIpv6(vpcId: string): boolean {
    return this.getVpc(vpcId).ipv6CidrBlocks.length > 0;
  }

  /** The active peering between two VPCs, if any (AWS allows one active peering per VPC pair). */
  activePeeringBetween(a: string, b: string): VpcPeeringConnection | undefined {
    for (const p of this.vpcPeeringConnections.values()) {
      if (p.status !== 'active') continue;
      if ((p.requesterVpcId === a && p.accepterVpcId === b) || (p.requesterVpcId === b && p.accepterVpcId === a)) return p;
    }
    return undefined;
  }

  attachedInternetGateway(vpcId: string): InternetGateway | undefined {
    for (const g of this.internetGateways.values()) if (g.attachments.some((a) => a.vpcId === vpcId)) return g;
    return undefined;
  }

  // ---------------------------------------------------------------- tags

  private findTaggable(id: string): { tags: Tag[] } | undefined {
    return (
      this.vpcs.get(id) ??
      this.subnets.get(id) ??
      this.securityGroups.get(id) ??
      this.securityGroupRules.get(id) ??
      this.networkAcls.get(id) ??
      this.routeTables.get(id) ??
      this.internetGateways.get(id) ??
      this.vpcPeeringConnections.get(id) ??
      this.prefixLists.get(id) ??
      this.networkInterfaces.get(id) ??
      this.instances.get(id) ??
      this.addresses.get(id) ??
      this.services.get(id)
    );
  }

  /** CreateTags: adds or overwrites tags on every resource, all or nothing. */
  createTags(resourceIds: string[], tags: Tag[]): void {
    const targets = resourceIds.map((id) => {
      const t = this.findTaggable(id);
      if (!t) throw Errors.invalidParameterValue(`The resource ID '${id}' does not exist`);
      return t;
    });
    validateTags(tags);
    for (const t of targets) {
      for (const tag of tags) {
        const existing = t.tags.find((x) => x.key === tag.key);
        if (existing) existing.value = tag.value;
        else t.tags.push({ key: tag.key, value: tag.value });
      }
      if (t.tags.length > 50) throw Errors.invalidParameterValue('Tag limit exceeded: a resource can have at most 50 tags');
    }
  }

  /** DeleteTags: a tag given with a value is deleted only when the value matches. */
  deleteTags(resourceIds: string[], tags: { key: string; value?: string }[]): void {
    const targets = resourceIds.map((id) => {
      const t = this.findTaggable(id);
      if (!t) throw Errors.invalidParameterValue(`The resource ID '${id}' does not exist`);
      return t;
    });
    for (const t of targets) {
      t.tags = tags.length === 0 ? [] : t.tags.filter((x) => !tags.some((d) => d.key === x.key && (d.value === undefined || d.value === x.value)));
    }
  }

  // ---------------------------------------------------------------- VPCs

  /** CreateDefaultVpc: 172.31.0.0/16, a /20 default subnet per AZ, IGW and a 0.0.0.0/0 route (Amazon VPC User Guide, "Default VPCs"). */
  createDefaultVpc(): Vpc {
    const existing = this.defaultVpc();
    if (existing) throw new AwsError('DefaultVpcAlreadyExists', 'A Default VPC already exists for this account in this region.');
    const vpc = this.createVpc({ cidrBlock: '172.31.0.0/16', isDefault: true });
    const igw = this.createInternetGateway();
    this.attachInternetGateway(igw.id, vpc.id);
    this.createRoute(this.mainRouteTable(vpc.id).id, { destinationCidrBlock: '0.0.0.0/0', target: { kind: 'igw', gatewayId: igw.id } });
    this.availabilityZones().forEach((az, i) => {
      const s = this.createSubnet({ vpcId: vpc.id, cidrBlock: `172.31.${i * 16}.0/20`, availabilityZone: az });
      s.defaultForAz = true;
      s.mapPublicIpOnLaunch = true;
    });
    return vpc;
  }

  createVpc(input: {
    cidrBlock: string;
    amazonProvidedIpv6CidrBlock?: boolean;
    ipv6CidrBlock?: string;
    isDefault?: boolean;
    ownerId?: string;
    instanceTenancy?: 'default' | 'dedicated';
    tags?: Tag[];
  }): Vpc {
    const cidr = this.checkVpcCidr(input.cidrBlock);
    validateTags(input.tags);
    const ownVpcs = [...this.vpcs.values()].filter((v) => !v.isDefault).length;
    if (!input.isDefault && ownVpcs >= this.quotas.vpcsPerRegion) {
      throw new AwsError('VpcLimitExceeded', 'The maximum number of VPCs has been reached.');
    }
    let v6: string | undefined;
    if (input.ipv6CidrBlock !== undefined) v6 = this.checkIpv6Block(input.ipv6CidrBlock, CIDR_LIMITS.ipv6VpcPrefix, 'vpc');
    else if (input.amazonProvidedIpv6CidrBlock) v6 = this.allocateAmazonIpv6();
    const vpc: Vpc = {
      id: this.ids.id('vpc'),
      ownerId: input.ownerId ?? this.accountId,
      cidrBlocks: [{ associationId: this.ids.id('vpc-cidr-assoc'), cidrBlock: formatCidr(cidr) }],
      ipv6CidrBlocks: v6 ? [{ associationId: this.ids.id('vpc-cidr-assoc'), ipv6CidrBlock: v6 }] : [],
      isDefault: input.isDefault ?? false,
      instanceTenancy: input.instanceTenancy ?? 'default',
      enableDnsSupport: true,
      enableDnsHostnames: input.isDefault ?? false,
      tags: sameTags(input.tags),
    };
    this.vpcs.set(vpc.id, vpc);
    const hasV6 = vpc.ipv6CidrBlocks.length > 0;
    // Default security group: inbound all from itself; outbound all to 0.0.0.0/0 (and ::/0 with IPv6).
    const sg: SecurityGroup = {
      id: this.ids.id('sg'), name: 'default', description: 'default VPC security group', vpcId: vpc.id,
      ownerId: vpc.ownerId, tags: [], ingress: [], egress: [],
    };
    this.securityGroups.set(sg.id, sg);
    this.ruleKeys.set(sg.id, new Map());
    this.addRule(sg, false, { protocol: PROTO_ALL, fromPort: -1, toPort: -1, peer: { kind: 'group', groupId: sg.id, userId: vpc.ownerId } });
    this.addRule(sg, true, { protocol: PROTO_ALL, fromPort: -1, toPort: -1, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' } });
    if (hasV6) this.addRule(sg, true, { protocol: PROTO_ALL, fromPort: -1, toPort: -1, peer: { kind: 'cidr6', cidr: '::/0' } });
    // Default network ACL: rule 100 allows all (101 for ::/0 with IPv6), then the `*` deny rules.
    const acl: NetworkAcl = {
      id: this.ids.id('acl'), vpcId: vpc.id, ownerId: vpc.ownerId, isDefault: true, associations: [], tags: [],
      entries: [
        ...defaultAclAllowEntries(hasV6),
        ...denyAllEntries(hasV6),
      ],
    };
    sortEntries(acl);
    this.networkAcls.set(acl.id, acl);
    // Main route table with the local route of every VPC block.
    const rtb: RouteTable = {
      id: this.ids.id('rtb'), vpcId: vpc.id, ownerId: vpc.ownerId, tags: [],
      routes: [
        { destinationCidrBlock: formatCidr(cidr), target: { kind: 'local' }, origin: 'CreateRouteTable' },
        ...(v6 ? [{ destinationIpv6CidrBlock: v6, target: { kind: 'local' } as RouteTarget, origin: 'CreateRouteTable' as const }] : []),
      ],
      associations: [{ routeTableAssociationId: this.ids.id('rtbassoc'), main: true }],
    };
    this.routeTables.set(rtb.id, rtb);
    this.emit({ type: 'topology' });
    return vpc;
  }

  private checkVpcCidr(text: string): Cidr {
    const p = tryParseCidr(text);
    // AWS rejects a block with host bits set (10.0.0.5/16) rather than canonicalising it as it does for rules.
    if (!p || p.cidr.family !== 4 || p.hadHostBits) throw Errors.invalidParameterValue(`Value (${text}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
    // AWS: IPv4 VPC blocks from /16 to /28 (Amazon VPC User Guide, "VPC CIDR blocks").
    if (p.cidr.prefix < CIDR_LIMITS.ipv4MinPrefix || p.cidr.prefix > CIDR_LIMITS.ipv4MaxPrefix) throw Errors.vpcRange(text);
    return p.cidr;
  }

  private checkIpv6Block(text: string, prefix: number, what: 'vpc' | 'subnet'): string {
    const p = tryParseCidr(text);
    if (!p || p.cidr.family !== 6) throw Errors.invalidParameterValue(`Value (${text}) for parameter ipv6CidrBlock is invalid. This is not a valid IPv6 CIDR block.`);
    if (p.cidr.prefix !== prefix) {
      throw what === 'vpc' ? Errors.vpcRange(text) : Errors.subnetRange(text);
    }
    return formatCidr(p.cidr);
  }

  /** Amazon-provided IPv6 blocks: a /56 from 2600:1f18::/32 (documented AWS pool for us-east-1), assigned in order. */
  private allocateAmazonIpv6(): string {
    const used = new Set<string>();
    for (const v of this.vpcs.values()) for (const b of v.ipv6CidrBlocks) used.add(b.ipv6CidrBlock);
    for (let i = 0x100; ; i++) {
      const base = (0x26001f18n << 96n) | (BigInt(i) << 72n);
      const text = `${formatIpv6(base)}/56`;
      if (!used.has(text)) return text;
    }
  }

  /** AssociateVpcCidrBlock: a secondary IPv4 block (no overlap, ≤ quota) or an Amazon-provided IPv6 /56. */
  associateVpcCidrBlock(vpcId: string, input: { cidrBlock?: string; amazonProvidedIpv6CidrBlock?: boolean; ipv6CidrBlock?: string }): { associationId: string; cidrBlock?: string; ipv6CidrBlock?: string } {
    const vpc = this.getVpc(vpcId);
    if (input.cidrBlock !== undefined) {
      const cidr = this.checkVpcCidr(input.cidrBlock);
      if (vpc.cidrBlocks.length >= this.quotas.ipv4CidrBlocksPerVpc) throw Errors.cidrLimit(vpcId, this.quotas.ipv4CidrBlocksPerVpc);
      for (const b of vpc.cidrBlocks) if (cidrOverlaps(parseCidr(b.cidrBlock), cidr)) throw Errors.vpcCidrConflict(input.cidrBlock, vpcId);
      const assoc = { associationId: this.ids.id('vpc-cidr-assoc'), cidrBlock: formatCidr(cidr) };
      vpc.cidrBlocks.push(assoc);
      for (const r of this.routeTables.values()) {
        if (r.vpcId === vpcId) r.routes.push({ destinationCidrBlock: assoc.cidrBlock, target: { kind: 'local' }, origin: 'CreateRouteTable' });
      }
      this.emit({ type: 'topology' });
      return assoc;
    }
    if (input.amazonProvidedIpv6CidrBlock || input.ipv6CidrBlock !== undefined) {
      if (vpc.ipv6CidrBlocks.length >= this.quotas.ipv6CidrBlocksPerVpc) throw Errors.cidrLimit(vpcId, this.quotas.ipv6CidrBlocksPerVpc);
      const block = input.ipv6CidrBlock !== undefined ? this.checkIpv6Block(input.ipv6CidrBlock, CIDR_LIMITS.ipv6VpcPrefix, 'vpc') : this.allocateAmazonIpv6();
      const hadV6 = vpc.ipv6CidrBlocks.length > 0;
      const assoc = { associationId: this.ids.id('vpc-cidr-assoc'), ipv6CidrBlock: block };
      vpc.ipv6CidrBlocks.push(assoc);
      for (const r of this.routeTables.values()) {
        if (r.vpcId === vpcId) r.routes.push({ destinationIpv6CidrBlock: block, target: { kind: 'local' }, origin: 'CreateRouteTable' });
      }
      if (!hadV6) {
        // AWS adds the IPv6 allow-all rules to the default network ACL (and the `*` IPv6 rules to every ACL)
        // when a VPC first gets an IPv6 block ("Default network ACL"). rampart also adds the ::/0 outbound rule
        // to the default security group, as AWS shows it for VPCs with IPv6.
        for (const a of this.networkAcls.values()) {
          if (a.vpcId !== vpcId) continue;
          // Rule numbers are unique per direction (EC2 API Reference, CreateNetworkAclEntry): if the user already
          // holds 101 in a direction, keep their entry rather than add a second 101 (uncertain what AWS does;
          // never breaking the uniqueness invariant is the plausible choice).
          if (a.isDefault) {
            a.entries.push(...defaultAclAllowEntries(true).filter((e) => e.ipv6CidrBlock && !a.entries.some((x) => x.egress === e.egress && x.ruleNumber === e.ruleNumber)));
          }
          a.entries.push(...denyAllEntries(true).filter((e) => e.ipv6CidrBlock));
          sortEntries(a);
          this.emit({ type: 'nacl', networkAclId: a.id });
        }
        const sg = this.defaultSecurityGroup(vpcId);
        const spec = { protocol: PROTO_ALL, fromPort: -1, toPort: -1, peer: { kind: 'cidr6', cidr: '::/0' } as RulePeer };
        if (!this.ruleKeys.get(sg.id)!.has(ruleKey(true, PROTO_ALL, -1, -1, spec.peer))) this.addRule(sg, true, spec);
        this.emit({ type: 'group-rules', groupId: sg.id });
      }
      this.emit({ type: 'topology' });
      return assoc;
    }
    throw Errors.missingParameter('cidrBlock');
  }

  /** DeleteVpc: only when nothing but the default group, ACL and main route table is left. */
  deleteVpc(vpcId: string): void {
    const vpc = this.getVpc(vpcId);
    const blocker =
      [...this.subnets.values()].find((s) => s.vpcId === vpcId)?.id ??
      [...this.securityGroups.values()].find((g) => g.vpcId === vpcId && g.name !== 'default')?.id ??
      [...this.networkAcls.values()].find((a) => a.vpcId === vpcId && !a.isDefault)?.id ??
      [...this.routeTables.values()].find((r) => r.vpcId === vpcId && !r.associations.some((a) => a.main))?.id ??
      this.attachedInternetGateway(vpcId)?.id ??
      [...this.vpcPeeringConnections.values()].find((p) => p.status === 'active' && (p.requesterVpcId === vpcId || p.accepterVpcId === vpcId))?.id;
    if (blocker) throw new AwsError('DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
    const sg = this.defaultSecurityGroup(vpcId);
    for (const gid of [...this.referencedBy.get(sg.id) ?? []]) {
      const r = this.securityGroupRules.get(gid);
      if (r && r.groupId !== sg.id) throw Errors.dependencyViolation(sg.id);
    }
    this.removeAllRules(sg);
    this.securityGroups.delete(sg.id);
    this.ruleKeys.delete(sg.id);
    this.networkAcls.delete(this.defaultNetworkAcl(vpcId).id);
    this.routeTables.delete(this.mainRouteTable(vpcId).id);
    this.vpcs.delete(vpc.id);
    this.emit({ type: 'group-deleted', groupId: sg.id });
    this.emit({ type: 'topology' });
  }

  // ---------------------------------------------------------------- subnets

  createSubnet(input: { vpcId: string; cidrBlock: string; ipv6CidrBlock?: string; availabilityZone?: string; tags?: Tag[] }): Subnet {
    const vpc = this.getVpc(input.vpcId);
    const p = tryParseCidr(input.cidrBlock);
    if (!p || p.cidr.family !== 4 || p.hadHostBits) throw Errors.invalidParameterValue(`Value (${input.cidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
    const cidr = p.cidr;
    // Subnet blocks: /16–/28 inside one of the VPC's IPv4 blocks, overlapping no other subnet.
    if (cidr.prefix < CIDR_LIMITS.ipv4MinPrefix || cidr.prefix > CIDR_LIMITS.ipv4MaxPrefix) throw Errors.subnetRange(input.cidrBlock);
    if (!vpc.cidrBlocks.some((b) => cidrContains(parseCidr(b.cidrBlock), cidr))) throw Errors.subnetRange(input.cidrBlock);
    for (const s of this.subnets.values()) {
      if (s.vpcId === vpc.id && cidrOverlaps(parseCidr(s.cidrBlock), cidr)) throw Errors.subnetConflict(input.cidrBlock);
    }
    let v6: string | undefined;
    if (input.ipv6CidrBlock !== undefined) {
      v6 = this.checkIpv6Block(input.ipv6CidrBlock, CIDR_LIMITS.ipv6SubnetPrefix, 'subnet');
      const c6 = parseCidr(v6);
      if (!vpc.ipv6CidrBlocks.some((b) => cidrContains(parseCidr(b.ipv6CidrBlock), c6))) throw Errors.subnetRange(input.ipv6CidrBlock);
      for (const s of this.subnets.values()) {
        if (s.vpcId === vpc.id && s.ipv6CidrBlocks.some((b) => cidrOverlaps(parseCidr(b.ipv6CidrBlock), c6))) throw Errors.subnetConflict(input.ipv6CidrBlock);
      }
    }
    const azs = this.availabilityZones();
    const az = input.availabilityZone ?? azs[0];
    if (!azs.includes(az)) throw Errors.invalidParameterValue(`Value (${az}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${azs.join(', ')}.`);
    validateTags(input.tags);
    const subnet: Subnet = {
      id: this.ids.id('subnet'), vpcId: vpc.id, ownerId: vpc.ownerId, availabilityZone: az,
      availabilityZoneId: this.availabilityZoneId(az), cidrBlock: formatCidr(cidr),
      ipv6CidrBlocks: v6 ? [{ associationId: this.ids.id('subnet-cidr-assoc'), ipv6CidrBlock: v6 }] : [],
      defaultForAz: false, mapPublicIpOnLaunch: false, assignIpv6AddressOnCreation: false, tags: sameTags(input.tags),
    };
    this.subnets.set(subnet.id, subnet);
    // Every subnet is associated with the VPC's default network ACL until told otherwise.
    this.defaultNetworkAcl(vpc.id).associations.push({ networkAclAssociationId: this.ids.id('aclassoc'), subnetId: subnet.id });
    this.emit({ type: 'topology' });
    return subnet;
  }

  modifySubnetAttribute(subnetId: string, attrs: { mapPublicIpOnLaunch?: boolean; assignIpv6AddressOnCreation?: boolean }): void {
    const s = this.getSubnet(subnetId);
    if (attrs.assignIpv6AddressOnCreation && s.ipv6CidrBlocks.length === 0) {
      throw Errors.invalidParameterValue(`Invalid value 'true' for assignIpv6AddressOnCreation: subnet ${subnetId} has no IPv6 CIDR block`);
    }
    if (attrs.mapPublicIpOnLaunch !== undefined) s.mapPublicIpOnLaunch = attrs.mapPublicIpOnLaunch;
    if (attrs.assignIpv6AddressOnCreation !== undefined) s.assignIpv6AddressOnCreation = attrs.assignIpv6AddressOnCreation;
  }

  deleteSubnet(subnetId: string): void {
    const s = this.getSubnet(subnetId);
    for (const e of this.networkInterfaces.values()) {
      if (e.subnetId === subnetId) throw new AwsError('DependencyViolation', `The subnet '${subnetId}' has dependencies and cannot be deleted.`);
    }
    for (const a of this.networkAcls.values()) a.associations = a.associations.filter((x) => x.subnetId !== s.id);
    for (const r of this.routeTables.values()) r.associations = r.associations.filter((x) => x.subnetId !== s.id);
    this.subnets.delete(s.id);
    this.emit({ type: 'topology' });
  }

  // ---------------------------------------------------------------- security groups

  createSecurityGroup(input: { groupName: string; description: string; vpcId?: string; tags?: Tag[] }): SecurityGroup {
    if (input.groupName === undefined || input.groupName === '') throw Errors.missingParameter('GroupName');
    if (input.description === undefined || input.description === '') throw Errors.missingParameter('GroupDescription');
    // AWS trims trailing spaces from group names.
    const name = input.groupName.replace(/ +$/, '');
    // GroupName is required (EC2 API Reference, CreateSecurityGroup); a name of only spaces is empty once trimmed.
    if (name === '') throw Errors.missingParameter('GroupName');
    if (!isValidGroupText(name)) throw Errors.invalidParameterValue(`Value (${input.groupName}) for parameter GroupName is invalid. Character sets beyond ASCII are not supported.`);
    if (!isValidGroupText(input.description)) throw Errors.invalidParameterValue(`Value (${input.description}) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported.`);
    if (name.toLowerCase().startsWith('sg-')) throw Errors.invalidParameterValue('Group names may not be in the format sg-*');
    if (name === 'default') throw Errors.groupReserved();
    const vpc = input.vpcId !== undefined ? this.getVpc(input.vpcId) : this.defaultVpc();
    if (!vpc) throw new AwsError('VpcIdNotSpecified', 'No default VPC for this user');
    for (const g of this.securityGroups.values()) if (g.vpcId === vpc.id && g.name === name) throw Errors.groupDuplicate(name, vpc.id);
    // AWS: 2,500 VPC security groups per Region (not per VPC).
    if (this.securityGroups.size >= this.quotas.securityGroupsPerRegion + this.vpcs.size) {
      // default groups do not count against the quota
      throw Errors.groupLimit();
    }
    validateTags(input.tags);
    const sg: SecurityGroup = {
      id: this.ids.id('sg'), name, description: input.description, vpcId: vpc.id, ownerId: vpc.ownerId, // a group belongs to its VPC's account
      tags: sameTags(input.tags), ingress: [], egress: [],
    };
    this.securityGroups.set(sg.id, sg);
    this.ruleKeys.set(sg.id, new Map());
    // A new group has no inbound rules and one outbound rule allowing all IPv4 traffic.
    this.addRule(sg, true, { protocol: PROTO_ALL, fromPort: -1, toPort: -1, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' } });
    this.emit({ type: 'group-rules', groupId: sg.id });
    return sg;
  }

  /** Resolves a group by id, or by name in a VPC (legacy: DeleteSecurityGroup by GroupName in the default VPC). */
  resolveGroup(ref: { groupId?: string; groupName?: string; vpcId?: string }): SecurityGroup {
    if (ref.groupId !== undefined) return this.getGroup(ref.groupId);
    if (ref.groupName !== undefined) {
      const vpcId = ref.vpcId ?? this.defaultVpc()?.id;
      for (const g of this.securityGroups.values()) if (g.vpcId === vpcId && g.name === ref.groupName) return g;
      throw Errors.groupNameNotFound(ref.groupName, ref.vpcId);
    }
    throw Errors.missingParameter('GroupId');
  }

  deleteSecurityGroup(ref: { groupId?: string; groupName?: string }): SecurityGroup {
    const sg = this.resolveGroup(ref);
    if (sg.name === 'default') throw Errors.cannotDeleteDefaultGroup();
    if (this.groupMembers(sg.id).size > 0) throw Errors.dependencyViolation(sg.id);
    for (const rid of this.rulesReferencing(sg.id)) {
      const r = this.securityGroupRules.get(rid)!;
      if (r.groupId === sg.id) continue;
      const owner = this.securityGroups.get(r.groupId)!;
      // A reference from another VPC is InvalidGroup.InUse while the peering is active; once the peering is
      // gone the reference is already stale and the group may go (the rule stays, stale: VPC Peering Guide,
      // "Work with stale security groups"). From the same VPC it is a dependency.
      if (owner.vpcId !== sg.vpcId) {
        if (this.activePeeringBetween(owner.vpcId, sg.vpcId)) throw Errors.groupInUse(sg.id, owner.id);
        continue;
      }
      throw Errors.dependencyViolation(sg.id);
    }
    this.removeAllRules(sg);
    this.securityGroups.delete(sg.id);
    this.ruleKeys.delete(sg.id);
    this.emit({ type: 'group-deleted', groupId: sg.id });
    return sg;
  }

  private removeAllRules(sg: SecurityGroup): void {
    for (const id of [...sg.ingress, ...sg.egress]) this.unindexRule(this.securityGroupRules.get(id)!);
    sg.ingress = [];
    sg.egress = [];
  }

  /** Turns a caller's peer into a stored peer, checking that what it names exists and may be referenced. */
  private resolvePeer(sg: SecurityGroup, spec: RuleSpecInput): RulePeer {
    const peer = spec.peer;
    switch (peer.kind) {
      case 'cidr4':
      case 'cidr6':
        return peer;
      case 'prefixList': {
        const pl = this.getPrefixList(peer.prefixListId);
        return { kind: 'prefixList', prefixListId: pl.id };
      }
      case 'group': {
        let target: SecurityGroup;
        if (peer.groupId !== undefined) {
          if (!isIdOf('sg', peer.groupId)) throw Errors.groupIdMalformed(peer.groupId);
          const t = this.securityGroups.get(peer.groupId);
          if (!t) throw Errors.groupNotFound(peer.groupId);
          target = t;
        } else {
          // Legacy SourceSecurityGroupName: a group of that name in the same VPC.
          const t = [...this.securityGroups.values()].find((g) => g.vpcId === sg.vpcId && g.name === peer.groupName);
          if (!t) throw Errors.groupNameNotFound(peer.groupName!, sg.vpcId);
          target = t;
        }
        if (peer.userId !== undefined && peer.userId !== target.ownerId) throw Errors.groupNotFound(`${peer.userId}/${target.id}`);
        if (target.vpcId !== sg.vpcId) {
          // AWS: a rule may reference a group in a peered VPC of the same Region while the peering is active
          // (VPC Peering Guide, "Update your security groups to reference peer security groups").
          const pcx = peer.vpcPeeringConnectionId !== undefined ? this.getPeering(peer.vpcPeeringConnectionId) : this.activePeeringBetween(sg.vpcId, target.vpcId);
          const joins = pcx && pcx.status === 'active' && ((pcx.requesterVpcId === sg.vpcId && pcx.accepterVpcId === target.vpcId) || (pcx.accepterVpcId === sg.vpcId && pcx.requesterVpcId === target.vpcId));
          if (!joins) throw new AwsError('InvalidGroup.NotFound', 'You have specified two resources that belong to different networks.');
          return { kind: 'group', groupId: target.id, userId: target.ownerId, vpcId: target.vpcId, vpcPeeringConnectionId: pcx!.id };
        }
        return { kind: 'group', groupId: target.id, userId: target.ownerId };
      }
    }
  }

  /** The weight of one rule in the per-family rule quota: a group reference counts 1 in each family; a prefix list its max entries. */
  private ruleWeight(peer: RulePeer): { v4: number; v6: number } {
    switch (peer.kind) {
      case 'cidr4':
        return { v4: 1, v6: 0 };
      case 'cidr6':
        return { v4: 0, v6: 1 };
      case 'group':
        return { v4: 1, v6: 1 };
      case 'prefixList': {
        const pl = this.prefixLists.get(peer.prefixListId);
        const n = pl?.maxEntries ?? 1;
        return pl?.addressFamily === 'IPv6' ? { v4: 0, v6: n } : { v4: n, v6: 0 };
      }
    }
  }

  private checkRuleQuota(sg: SecurityGroup, egress: boolean, extra: RulePeer[], removed: Set<string> = new Set()): void {
    let v4 = 0;
    let v6 = 0;
    for (const id of egress ? sg.egress : sg.ingress) {
      if (removed.has(id)) continue;
      const w = this.ruleWeight(this.securityGroupRules.get(id)!.peer);
      v4 += w.v4;
      v6 += w.v6;
    }
    for (const p of extra) {
      const w = this.ruleWeight(p);
      v4 += w.v4;
      v6 += w.v6;
    }
    // AWS: 60 inbound and 60 outbound rules per group, enforced separately for IPv4 and IPv6.
    if (v4 > this.quotas.rulesPerSecurityGroup || v6 > this.quotas.rulesPerSecurityGroup) throw Errors.rulesPerGroupLimit();
  }

  private addRule(sg: SecurityGroup, egress: boolean, spec: { protocol: number; fromPort: number; toPort: number; peer: RulePeer; description?: string; tags?: Tag[] }): SecurityGroupRule {
    const rule: SecurityGroupRule = {
      id: this.ids.id('sgr'), groupId: sg.id, groupOwnerId: sg.ownerId, isEgress: egress, protocol: spec.protocol,
      fromPort: spec.fromPort, toPort: spec.toPort, peer: spec.peer, tags: sameTags(spec.tags),
      ...(spec.description !== undefined ? { description: spec.description } : {}),
    };
    this.securityGroupRules.set(rule.id, rule);
    (egress ? sg.egress : sg.ingress).push(rule.id);
    this.ruleKeys.get(sg.id)!.set(ruleKey(egress, rule.protocol, rule.fromPort, rule.toPort, rule.peer), rule.id);
    if (rule.peer.kind === 'group') {
      let s = this.referencedBy.get(rule.peer.groupId);
      if (!s) this.referencedBy.set(rule.peer.groupId, (s = new Set()));
      s.add(rule.id);
    }
    return rule;
  }

  private unindexRule(rule: SecurityGroupRule): void {
    this.securityGroupRules.delete(rule.id);
    this.ruleKeys.get(rule.groupId)?.delete(ruleKey(rule.isEgress, rule.protocol, rule.fromPort, rule.toPort, rule.peer));
    if (rule.peer.kind === 'group') this.referencedBy.get(rule.peer.groupId)?.delete(rule.id);
  }

  private removeRule(sg: SecurityGroup, rule: SecurityGroupRule): void {
    this.unindexRule(rule);
    if (rule.isEgress) sg.egress = sg.egress.filter((id) => id !== rule.id);
    else sg.ingress = sg.ingress.filter((id) => id !== rule.id);
  }

  /**
   * AuthorizeSecurityGroupIngress / Egress. All permissions are added or none: duplicates of existing rules
   * (`InvalidPermission.Duplicate`), repeats within the call (`InvalidParameterValue`), missing peers and the
   * per-family quota are checked before anything changes.
   */
  authorize(groupId: string, egress: boolean, permissions: IpPermissionInput[], tags?: Tag[]): SecurityGroupRule[] {
    const sg = this.getGroup(groupId);
    if (!permissions || permissions.length === 0) throw Errors.missingSource();
    const specs = expandIpPermissions(permissions);
    validateTags(tags);
    return this.addSpecs(sg, egress, specs, tags);
  }

  /** The same as authorize, from rule-level requests (one peer each). */
  authorizeRules(groupId: string, egress: boolean, requests: SecurityGroupRuleRequest[], tags?: Tag[]): SecurityGroupRule[] {
    const sg = this.getGroup(groupId);
    const specs = requests.map(ruleRequestToSpec);
    return this.addSpecs(sg, egress, specs, tags);
  }

  private addSpecs(sg: SecurityGroup, egress: boolean, specs: RuleSpecInput[], tags?: Tag[]): SecurityGroupRule[] {
    const keys = this.ruleKeys.get(sg.id)!;
    const resolved = specs.map((s) => ({ ...s, peer: this.resolvePeer(sg, s) }));
    const seen = new Set<string>();
    for (const s of resolved) {
      const k = ruleKey(egress, s.protocol, s.fromPort, s.toPort, s.peer);
      if (keys.has(k)) throw Errors.permissionDuplicate(describeRuleForError(s.protocol, s.fromPort, s.toPort, s.peer));
      if (seen.has(k)) throw Errors.sameRuleTwice();
      seen.add(k);
    }
    this.checkRuleQuota(sg, egress, resolved.map((s) => s.peer));
    const rules = resolved.map((s) => this.addRule(sg, egress, { ...s, tags }));
    this.emit({ type: 'group-rules', groupId: sg.id });
    return rules;
  }

  /**
   * RevokeSecurityGroupIngress / Egress by IpPermissions or by rule ids, all or nothing. A permission that
   * matches no rule is `InvalidPermission.NotFound`, except in a default VPC where AWS succeeds and reports
   * it in UnknownIpPermissions.
   */
  revoke(groupId: string, egress: boolean, input: { permissions?: IpPermissionInput[]; ruleIds?: string[] }): RevokeResult {
    const sg = this.getGroup(groupId);
    const keys = this.ruleKeys.get(sg.id)!;
    const toRemove: SecurityGroupRule[] = [];
    const unknown: RuleSpecInput[] = [];
    if (input.ruleIds && input.ruleIds.length > 0) {
      if (input.permissions && input.permissions.length > 0) throw Errors.invalidParameterCombination('You may specify either IpPermissions or SecurityGroupRuleIds, not both');
      for (const id of input.ruleIds) {
        if (!isIdOf('sgr', id)) throw Errors.ruleIdMalformed(id);
        const r = this.securityGroupRules.get(id);
        if (!r || r.groupId !== sg.id || r.isEgress !== egress) throw Errors.ruleIdNotFound(id);
        if (!toRemove.includes(r)) toRemove.push(r);
      }
    } else if (input.permissions && input.permissions.length > 0) {
      const specs = expandIpPermissions(input.permissions);
      for (const s of specs) {
        let key: string | undefined;
        try {
          key = ruleKey(egress, s.protocol, s.fromPort, s.toPort, this.resolvePeer(sg, s));
        } catch (e) {
          // a peer that does not resolve cannot match a rule...
          if (!(e instanceof AwsError)) throw e;
          // ...except a stale reference: AWS lets revoke-security-group-ingress/egress delete rules whose peer
          // group is across a peering that is gone (VPC Peering Guide, "Identify and delete stale security
          // group rules"), so match the stored rule by the referenced group's id and owner.
          if (s.peer.kind === 'group' && s.peer.groupId !== undefined) {
            const userId = s.peer.userId ?? this.securityGroups.get(s.peer.groupId)?.ownerId ?? this.accountId;
            key = ruleKey(egress, s.protocol, s.fromPort, s.toPort, { kind: 'group', groupId: s.peer.groupId, userId });
          }
        }
        const id = key !== undefined ? keys.get(key) : undefined;
        if (id === undefined) unknown.push(s);
        else if (!toRemove.some((r) => r.id === id)) toRemove.push(this.securityGroupRules.get(id)!);
      }
      if (unknown.length > 0 && !this.getVpc(sg.vpcId).isDefault) throw Errors.permissionNotFound();
    } else {
      throw Errors.missingParameter('IpPermissions');
    }
    for (const r of toRemove) this.removeRule(sg, r);
    if (toRemove.length > 0) this.emit({ type: 'group-rules', groupId: sg.id });
    return { revoked: toRemove, unknown };
  }

  /** ModifySecurityGroupRules: replaces rules in place, keeping their ids (and tags). */
  modifySecurityGroupRules(groupId: string, updates: { securityGroupRuleId: string; securityGroupRule: SecurityGroupRuleRequest }[]): SecurityGroupRule[] {
    const sg = this.getGroup(groupId);
    const keys = this.ruleKeys.get(sg.id)!;
    const planned = updates.map((u) => {
      if (!isIdOf('sgr', u.securityGroupRuleId)) throw Errors.ruleIdMalformed(u.securityGroupRuleId);
      const r = this.securityGroupRules.get(u.securityGroupRuleId);
      if (!r || r.groupId !== sg.id) throw Errors.ruleIdNotFound(u.securityGroupRuleId);
      if (!u.securityGroupRule) throw Errors.missingParameter('SecurityGroupRule');
      const spec = ruleRequestToSpec(u.securityGroupRule);
      return { rule: r, spec: { ...spec, peer: this.resolvePeer(sg, spec) } };
    });
    const replaced = new Set(planned.map((p) => p.rule.id));
    const seen = new Set<string>();
    for (const { rule, spec } of planned) {
      const k = ruleKey(rule.isEgress, spec.protocol, spec.fromPort, spec.toPort, spec.peer);
      const holder = keys.get(k);
      if ((holder !== undefined && !replaced.has(holder)) || seen.has(k)) throw Errors.permissionDuplicate(describeRuleForError(spec.protocol, spec.fromPort, spec.toPort, spec.peer));
      seen.add(k);
    }
    for (const egress of [false, true]) {
      const extra = planned.filter((p) => p.rule.isEgress === egress);
      if (extra.length) this.checkRuleQuota(sg, egress, extra.map((p) => p.spec.peer), new Set(extra.map((p) => p.rule.id)));
    }
    for (const { rule } of planned) this.unindexRule(rule);
    for (const { rule, spec } of planned) {
      rule.protocol = spec.protocol;
      rule.fromPort = spec.fromPort;
      rule.toPort = spec.toPort;
      rule.peer = spec.peer;
      if (spec.description !== undefined) rule.description = spec.description;
      else delete rule.description;
      this.securityGroupRules.set(rule.id, rule);
      keys.set(ruleKey(rule.isEgress, rule.protocol, rule.fromPort, rule.toPort, rule.peer), rule.id);
      if (rule.peer.kind === 'group') {
        let s = this.referencedBy.get(rule.peer.groupId);
        if (!s) this.referencedBy.set(rule.peer.groupId, (s = new Set()));
        s.add(rule.id);
      }
    }
    this.emit({ type: 'group-rules', groupId: sg.id });
    return planned.map((p) => p.rule);
  }

  /** UpdateSecurityGroupRuleDescriptionsIngress / Egress, by IpPermissions or by rule ids. */
  updateRuleDescriptions(groupId: string, egress: boolean, input: { permissions?: IpPermissionInput[]; ruleDescriptions?: { securityGroupRuleId: string; description?: string }[] }): void {
    const sg = this.getGroup(groupId);
    const keys = this.ruleKeys.get(sg.id)!;
    const changes: [SecurityGroupRule, string | undefined][] = [];
    if (input.ruleDescriptions && input.ruleDescriptions.length) {
      for (const d of input.ruleDescriptions) {
        const r = this.rule(d.securityGroupRuleId);
        if (r.groupId !== sg.id || r.isEgress !== egress) throw Errors.ruleIdNotFound(d.securityGroupRuleId);
        validateRuleDescription(d.description);
        changes.push([r, d.description]);
      }
    } else if (input.permissions && input.permissions.length) {
      for (const s of expandIpPermissions(input.permissions)) {
        const id = keys.get(ruleKey(egress, s.protocol, s.fromPort, s.toPort, this.resolvePeer(sg, s)));
        if (!id) throw Errors.permissionNotFound();
        changes.push([this.securityGroupRules.get(id)!, s.description]);
      }
    } else throw Errors.missingParameter('IpPermissions');
    for (const [r, d] of changes) {
      if (d === undefined) delete r.description;
      else r.description = d;
    }
  }

  // ---------------------------------------------------------------- prefix lists

  createManagedPrefixList(input: { prefixListName: string; addressFamily: 'IPv4' | 'IPv6'; maxEntries: number; entries?: PrefixListEntry[]; awsManaged?: boolean; tags?: Tag[] }): ManagedPrefixList {
    if (!input.prefixListName) throw Errors.missingParameter('PrefixListName');
    if (input.addressFamily !== 'IPv4' && input.addressFamily !== 'IPv6') throw Errors.invalidParameterValue(`Invalid value '${input.addressFamily}' for AddressFamily. Valid values: IPv4, IPv6`);
    if (!Number.isInteger(input.maxEntries) || input.maxEntries < 1 || input.maxEntries > this.quotas.prefixListMaxEntries) {
      throw Errors.invalidParameterValue(`MaxEntries must be between 1 and ${this.quotas.prefixListMaxEntries}`);
    }
    const entries = this.checkPrefixEntries(input.addressFamily, input.entries ?? []);
    if (entries.length > input.maxEntries) throw Errors.invalidParameterValue(`The prefix list has ${entries.length} entries, more than its maximum of ${input.maxEntries}`);
    const pl: ManagedPrefixList = {
      id: this.ids.id('pl'), name: input.prefixListName, addressFamily: input.addressFamily, maxEntries: input.maxEntries,
      entries, version: 1, ownerId: input.awsManaged ? 'AWS' : this.accountId, awsManaged: input.awsManaged ?? false, tags: sameTags(input.tags),
    };
    this.prefixLists.set(pl.id, pl);
    return pl;
  }

  private checkPrefixEntries(family: 'IPv4' | 'IPv6', entries: PrefixListEntry[]): PrefixListEntry[] {
    const seen = new Set<string>();
    return entries.map((e) => {
      const c = tryParseCidr(e.cidr);
      if (!c || c.cidr.family !== (family === 'IPv4' ? 4 : 6)) throw Errors.invalidParameterValue(`The CIDR '${e.cidr}' is not a valid ${family} CIDR block`);
      const text = formatCidr(c.cidr);
      if (seen.has(text)) throw Errors.invalidParameterValue(`The CIDR '${text}' appears more than once`);
      seen.add(text);
      if (e.description !== undefined && e.description.length > 255) throw Errors.invalidParameterValue('Prefix list entry description too long');
      return { cidr: text, ...(e.description !== undefined ? { description: e.description } : {}) };
    });
  }

  modifyManagedPrefixList(id: string, input: { addEntries?: PrefixListEntry[]; removeEntries?: { cidr: string }[]; maxEntries?: number; prefixListName?: string; currentVersion?: number }): ManagedPrefixList {
    const pl = this.getPrefixList(id);
    if (pl.awsManaged) throw Errors.operationNotPermitted(`The prefix list ${id} is AWS-managed and cannot be modified`);
    if (input.currentVersion !== undefined && input.currentVersion !== pl.version) throw Errors.incorrectState(`The prefix list has the incorrect version number: ${input.currentVersion}`);
    const add = this.checkPrefixEntries(pl.addressFamily, input.addEntries ?? []);
    const remove = new Set((input.removeEntries ?? []).map((e) => canonical(e.cidr)));
    for (const r of remove) if (!pl.entries.some((e) => e.cidr === r)) throw Errors.invalidParameterValue(`The CIDR '${r}' is not in prefix list ${id}`);
    const next = pl.entries.filter((e) => !remove.has(e.cidr));
    for (const a of add) {
      const i = next.findIndex((e) => e.cidr === a.cidr);
      if (i >= 0) next[i] = a;
      else next.push(a);
    }
    const max = input.maxEntries ?? pl.maxEntries;
    if (next.length > max) throw Errors.invalidParameterValue(`The prefix list would have ${next.length} entries, more than its maximum of ${max}`);
    if (input.maxEntries !== undefined && input.maxEntries !== pl.maxEntries) {
      // Resizing changes the weight of every rule that references the list.
      for (const sg of this.securityGroups.values()) {
        for (const egress of [false, true]) {
          if ((egress ? sg.egress : sg.ingress).some((rid) => { const r = this.securityGroupRules.get(rid)!; return r.peer.kind === 'prefixList' && r.peer.prefixListId === id; })) {
            const old = pl.maxEntries;
            pl.maxEntries = max;
            try {
              this.checkRuleQuota(sg, egress, []);
            } finally {
              pl.maxEntries = old;
            }
          }
        }
      }
    }
    pl.entries = next;
    pl.maxEntries = max;
    if (input.prefixListName) pl.name = input.prefixListName;
    pl.version++;
    this.emit({ type: 'prefix-list', prefixListId: id });
    return pl;
  }

  deleteManagedPrefixList(id: string): void {
    const pl = this.getPrefixList(id);
    for (const r of this.securityGroupRules.values()) {
      if (r.peer.kind === 'prefixList' && r.peer.prefixListId === id) throw Errors.dependencyViolation(id);
    }
    for (const rt of this.routeTables.values()) if (rt.routes.some((x) => x.destinationPrefixListId === id)) throw Errors.dependencyViolation(id);
    this.prefixLists.delete(pl.id);
  }

  // ---------------------------------------------------------------- network ACLs

  createNetworkAcl(input: { vpcId: string; tags?: Tag[] }): NetworkAcl {
    const vpc = this.getVpc(input.vpcId);
    const count = [...this.networkAcls.values()].filter((a) => a.vpcId === vpc.id).length;
    if (count >= this.quotas.networkAclsPerVpc) throw Errors.aclLimit(vpc.id);
    validateTags(input.tags);
    // A custom ACL starts with only the `*` deny entries and no subnets.
    const acl: NetworkAcl = {
      id: this.ids.id('acl'), vpcId: vpc.id, ownerId: vpc.ownerId, isDefault: false, associations: [],
      entries: denyAllEntries(vpc.ipv6CidrBlocks.length > 0), tags: sameTags(input.tags),
    };
    this.networkAcls.set(acl.id, acl);
    return acl;
  }

  deleteNetworkAcl(id: string): void {
    const acl = this.getNetworkAcl(id);
    if (acl.isDefault) throw Errors.cannotDeleteDefaultAcl(id);
    if (acl.associations.length > 0) throw Errors.aclInUse(id);
    this.networkAcls.delete(id);
  }

  private checkAclEntry(e: NetworkAclEntry): NetworkAclEntry {
    if (!Number.isInteger(e.ruleNumber) || e.ruleNumber < NACL_RULE_MIN || e.ruleNumber > NACL_RULE_MAX) {
      throw Errors.invalidParameterValue(`Invalid value '${e.ruleNumber}' for ruleNumber. Rule numbers must be between ${NACL_RULE_MIN} and ${NACL_RULE_MAX}.`);
    }
    if (e.ruleAction !== 'allow' && e.ruleAction !== 'deny') throw Errors.invalidParameterValue(`Invalid value '${e.ruleAction}' for ruleAction. Valid values: allow, deny`);
    if (!Number.isInteger(e.protocol) || e.protocol < -1 || e.protocol > 255) throw Errors.invalidParameterValue(`Invalid value '${e.protocol}' for protocol.`);
    const hasV4 = e.cidrBlock !== undefined;
    const hasV6 = e.ipv6CidrBlock !== undefined;
    if (hasV4 === hasV6) {
      if (!hasV4) throw Errors.missingParameter('cidrBlock');
      throw Errors.invalidParameterCombination('Only one of cidrBlock and ipv6CidrBlock may be specified');
    }
    const out: NetworkAclEntry = { ruleNumber: e.ruleNumber, egress: e.egress, protocol: e.protocol, ruleAction: e.ruleAction };
    if (hasV4) {
      const c = tryParseCidr(e.cidrBlock!);
      if (!c || c.cidr.family !== 4) throw Errors.invalidParameterValue(`Value (${e.cidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
      out.cidrBlock = formatCidr(c.cidr);
    } else {
      const c = tryParseCidr(e.ipv6CidrBlock!);
      if (!c || c.cidr.family !== 6) throw Errors.invalidParameterValue(`Value (${e.ipv6CidrBlock}) for parameter ipv6CidrBlock is invalid. This is not a valid IPv6 CIDR block.`);
      out.ipv6CidrBlock = formatCidr(c.cidr);
    }
    // Ports only count for TCP (6) and UDP (17); ICMP (1) and ICMPv6 (58) take a type/code. Others ignore both.
    if (e.protocol === 6 || e.protocol === 17) {
      if (!e.portRange || e.portRange.from === undefined || e.portRange.to === undefined) {
        throw Errors.invalidParameterValue("Invalid value for portRange. Must specify both from and to ports with TCP/UDP.");
      }
      for (const p of [e.portRange.from, e.portRange.to]) {
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw Errors.portOutOfRange('TCP/UDP', p);
      }
      if (e.portRange.from > e.portRange.to) throw Errors.invalidParameterValue(`Invalid TCP/UDP port range: from port ${e.portRange.from} is greater than to port ${e.portRange.to}`);
      out.portRange = { from: e.portRange.from, to: e.portRange.to };
    } else if (e.protocol === 1 || e.protocol === 58) {
      if (!e.icmpTypeCode || e.icmpTypeCode.type === undefined || e.icmpTypeCode.code === undefined) {
        throw Errors.invalidParameterValue("Invalid value for icmpTypeCode. ICMP type and code must be specified for protocol ICMP.");
      }
      const { type, code } = e.icmpTypeCode;
      if (!Number.isInteger(type) || type < -1 || type > 255) throw Errors.invalidParameterValue(`ICMP type (${type}) out of range`);
      if (!Number.isInteger(code) || code < -1 || code > 255) throw Errors.invalidParameterValue(`ICMP code (${code}) out of range`);
      out.icmpTypeCode = { type, code: type === -1 ? -1 : code };
    }
    return out;
  }

  private aclEntryCount(acl: NetworkAcl, egress: boolean): number {
    return acl.entries.filter((x) => x.egress === egress && x.ruleNumber <= NACL_RULE_MAX).length;
  }

  createNetworkAclEntry(aclId: string, entry: NetworkAclEntry): NetworkAclEntry {
    const acl = this.getNetworkAcl(aclId);
    const e = this.checkAclEntry(entry);
    // Rule numbers are unique per direction.
    if (acl.entries.some((x) => x.egress === e.egress && x.ruleNumber === e.ruleNumber)) throw Errors.aclEntryExists(e.ruleNumber);
    if (this.aclEntryCount(acl, e.egress) >= this.quotas.networkAclEntriesPerDirection) throw Errors.aclEntryLimit(aclId);
    acl.entries.push(e);
    sortEntries(acl);
    this.emit({ type: 'nacl', networkAclId: aclId });
    return e;
  }

  replaceNetworkAclEntry(aclId: string, entry: NetworkAclEntry): NetworkAclEntry {
    const acl = this.getNetworkAcl(aclId);
    const e = this.checkAclEntry(entry);
    const i = acl.entries.findIndex((x) => x.egress === e.egress && x.ruleNumber === e.ruleNumber);
    if (i < 0) throw Errors.aclEntryNotFound(e.ruleNumber, e.egress, aclId);
    acl.entries[i] = e;
    this.emit({ type: 'nacl', networkAclId: aclId });
    return e;
  }

  deleteNetworkAclEntry(aclId: string, ruleNumber: number, egress: boolean): void {
    const acl = this.getNetworkAcl(aclId);
    // The `*` rules (32767, 32768) cannot be changed or removed.
    if (ruleNumber === NACL_DEFAULT_RULE_V4 || ruleNumber === NACL_DEFAULT_RULE_V6) {
      throw Errors.invalidParameterValue(`Invalid value '${ruleNumber}' for ruleNumber. Rule numbers must be between ${NACL_RULE_MIN} and ${NACL_RULE_MAX}.`);
    }
    const i = acl.entries.findIndex((x) => x.egress === egress && x.ruleNumber === ruleNumber);
    if (i < 0) throw Errors.aclEntryNotFound(ruleNumber, egress, aclId);
    acl.entries.splice(i, 1);
    this.emit({ type: 'nacl', networkAclId: aclId });
  }

  /** ReplaceNetworkAclAssociation: moves a subnet to another ACL of its VPC; returns the new association id. */
  replaceNetworkAclAssociation(associationId: string, aclId: string): string {
    const target = this.getNetworkAcl(aclId);
    let from: NetworkAcl | undefined;
    let assoc: { networkAclAssociationId: string; subnetId: string } | undefined;
    for (const a of this.networkAcls.values()) {
      const found = a.associations.find((x) => x.networkAclAssociationId === associationId);
      if (found) {
        from = a;
        assoc = found;
        break;
      }
    }
    if (!from || !assoc) throw Errors.associationNotFound(associationId);
    if (target.vpcId !== from.vpcId) throw Errors.invalidParameterValue(`Network ACL ${aclId} and subnet ${assoc.subnetId} belong to different networks`);
    const fresh = { networkAclAssociationId: this.ids.id('aclassoc'), subnetId: assoc.subnetId };
    from.associations = from.associations.filter((x) => x !== assoc);
    target.associations.push(fresh);
    this.emit({ type: 'subnet-nacl', subnetId: assoc.subnetId });
    return fresh.networkAclAssociationId;
  }

  /** Convenience for scenarios: associate a subnet with an ACL by ids. */
  associateSubnetNetworkAcl(subnetId: string, aclId: string): string {
    const current = this.subnetNetworkAcl(subnetId);
    const assoc = current.associations.find((x) => x.subnetId === subnetId)!;
    return this.replaceNetworkAclAssociation(assoc.networkAclAssociationId, aclId);
  }

  // ---------------------------------------------------------------- route tables

  createRouteTable(input: { vpcId: string; tags?: Tag[] }): RouteTable {
    const vpc = this.getVpc(input.vpcId);
    const count = [...this.routeTables.values()].filter((r) => r.vpcId === vpc.id).length;
    if (count >= this.quotas.routeTablesPerVpc) throw new AwsError('RouteTableLimitExceeded', `The maximum number of route tables has been reached for VPC '${vpc.id}'.`);
    validateTags(input.tags);
    const rtb: RouteTable = {
      id: this.ids.id('rtb'), vpcId: vpc.id, ownerId: vpc.ownerId, associations: [], tags: sameTags(input.tags),
      routes: [
        ...vpc.cidrBlocks.map((b) => ({ destinationCidrBlock: b.cidrBlock, target: { kind: 'local' } as RouteTarget, origin: 'CreateRouteTable' as const })),
        ...vpc.ipv6CidrBlocks.map((b) => ({ destinationIpv6CidrBlock: b.ipv6CidrBlock, target: { kind: 'local' } as RouteTarget, origin: 'CreateRouteTable' as const })),
      ],
    };
    this.routeTables.set(rtb.id, rtb);
    return rtb;
  }

  deleteRouteTable(id: string): void {
    const rtb = this.getRouteTable(id);
    if (rtb.associations.length > 0) throw new AwsError('DependencyViolation', `The routeTable '${id}' has dependencies and cannot be deleted.`);
    this.routeTables.delete(id);
  }

  private checkRouteTarget(rtb: RouteTable, target: RouteTarget): RouteTarget {
    switch (target.kind) {
      case 'local':
        throw Errors.invalidParameterValue('The local route cannot be created or replaced');
      case 'igw': {
        const igw = this.getInternetGateway(target.gatewayId);
        if (!igw.attachments.some((a) => a.vpcId === rtb.vpcId)) throw Errors.invalidParameterValue(`route table ${rtb.id} and network gateway ${igw.id} belong to different networks`);
        return target;
      }
      case 'pcx': {
        const p = this.getPeering(target.vpcPeeringConnectionId);
        if (p.requesterVpcId !== rtb.vpcId && p.accepterVpcId !== rtb.vpcId) throw Errors.invalidParameterValue(`route table ${rtb.id} and peering connection ${p.id} belong to different networks`);
        return target;
      }
      case 'eni': {
        const e = this.getNetworkInterface(target.networkInterfaceId);
        if (e.vpcId !== rtb.vpcId) throw Errors.invalidParameterValue(`route table ${rtb.id} and interface ${e.id} belong to different networks`);
        return target;
      }
      case 'instance': {
        const i = this.getInstance(target.instanceId);
        if (i.vpcId !== rtb.vpcId) throw Errors.invalidParameterValue(`route table ${rtb.id} and instance ${i.id} belong to different networks`);
        return target;
      }
      case 'nat': {
        const s = this.services.get(target.natGatewayId);
        if (!s || s.kind !== 'nat-gateway') throw new AwsError('InvalidParameterValue', `The natGateway ID '${target.natGatewayId}' does not exist`);
        return target;
      }
      case 'other':
        return target;
    }
  }

  private routeDestination(r: { destinationCidrBlock?: string; destinationIpv6CidrBlock?: string; destinationPrefixListId?: string }): { key: string; route: Pick<Route, 'destinationCidrBlock' | 'destinationIpv6CidrBlock' | 'destinationPrefixListId'> } {
    const given = [r.destinationCidrBlock, r.destinationIpv6CidrBlock, r.destinationPrefixListId].filter((x) => x !== undefined);
    if (given.length === 0) throw Errors.missingParameter('destinationCidrBlock');
    if (given.length > 1) throw Errors.invalidParameterCombination('Only one of destinationCidrBlock, destinationIpv6CidrBlock and destinationPrefixListId may be given');
    if (r.destinationCidrBlock !== undefined) {
      const c = tryParseCidr(r.destinationCidrBlock);
      if (!c || c.cidr.family !== 4) throw Errors.invalidParameterValue(`Value (${r.destinationCidrBlock}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`);
      const t = formatCidr(c.cidr);
      return { key: t, route: { destinationCidrBlock: t } };
    }
    if (r.destinationIpv6CidrBlock !== undefined) {
      const c = tryParseCidr(r.destinationIpv6CidrBlock);
      if (!c || c.cidr.family !== 6) throw Errors.invalidParameterValue(`Value (${r.destinationIpv6CidrBlock}) for parameter destinationIpv6CidrBlock is invalid.`);
      const t = formatCidr(c.cidr);
      return { key: t, route: { destinationIpv6CidrBlock: t } };
    }
    this.getPrefixList(r.destinationPrefixListId!);
    return { key: r.destinationPrefixListId!, route: { destinationPrefixListId: r.destinationPrefixListId } };
  }

  createRoute(routeTableId: string, input: { destinationCidrBlock?: string; destinationIpv6CidrBlock?: string; destinationPrefixListId?: string; target: RouteTarget }): Route {
    const rtb = this.getRouteTable(routeTableId);
    const { key, route } = this.routeDestination(input);
    const target = this.checkRouteTarget(rtb, input.target);
    if (rtb.routes.some((r) => (r.destinationCidrBlock ?? r.destinationIpv6CidrBlock ?? r.destinationPrefixListId) === key)) throw Errors.routeExists(key);
    if (rtb.routes.length >= this.quotas.routesPerRouteTable) throw new AwsError('RouteLimitExceeded', `The maximum number of routes has been reached for route table '${rtb.id}'.`);
    const r: Route = { ...route, target, origin: 'CreateRoute' };
    rtb.routes.push(r);
    this.emit({ type: 'routes', routeTableId: rtb.id });
    return r;
  }

  replaceRoute(routeTableId: string, input: { destinationCidrBlock?: string; destinationIpv6CidrBlock?: string; destinationPrefixListId?: string; target: RouteTarget }): Route {
    const rtb = this.getRouteTable(routeTableId);
    const { key, route } = this.routeDestination(input);
    const i = rtb.routes.findIndex((r) => (r.destinationCidrBlock ?? r.destinationIpv6CidrBlock ?? r.destinationPrefixListId) === key);
    if (i < 0) throw Errors.routeNotFound(key, rtb.id);
    if (rtb.routes[i].target.kind === 'local') throw Errors.invalidParameterValue('The local route cannot be created or replaced');
    const target = this.checkRouteTarget(rtb, input.target);
    rtb.routes[i] = { ...route, target, origin: 'CreateRoute' };
    this.emit({ type: 'routes', routeTableId: rtb.id });
    return rtb.routes[i];
  }

  deleteRoute(routeTableId: string, input: { destinationCidrBlock?: string; destinationIpv6CidrBlock?: string; destinationPrefixListId?: string }): void {
    const rtb = this.getRouteTable(routeTableId);
    const { key } = this.routeDestination(input);
    const i = rtb.routes.findIndex((r) => (r.destinationCidrBlock ?? r.destinationIpv6CidrBlock ?? r.destinationPrefixListId) === key);
    if (i < 0) throw Errors.routeNotFound(key, rtb.id);
    if (rtb.routes[i].target.kind === 'local') throw Errors.invalidParameterValue(`cannot remove local route ${key} in route table ${rtb.id}`);
    rtb.routes.splice(i, 1);
    this.emit({ type: 'routes', routeTableId: rtb.id });
  }

  associateRouteTable(routeTableId: string, subnetId: string): string {
    const rtb = this.getRouteTable(routeTableId);
    const s = this.getSubnet(subnetId);
    if (s.vpcId !== rtb.vpcId) throw Errors.invalidParameterValue(`Route table ${rtb.id} and subnet ${s.id} belong to different networks`);
    for (const r of this.routeTables.values()) {
      if (r.associations.some((a) => a.subnetId === subnetId)) throw Errors.alreadyAssociated(`the specified association for route table ${r.id} conflicts with an existing association`);
    }
    const id = this.ids.id('rtbassoc');
    rtb.associations.push({ routeTableAssociationId: id, subnetId, main: false });
    this.emit({ type: 'subnet-routes', subnetId });
    return id;
  }

  disassociateRouteTable(associationId: string): void {
    for (const r of this.routeTables.values()) {
      const a = r.associations.find((x) => x.routeTableAssociationId === associationId);
      if (!a) continue;
      if (a.main) throw Errors.invalidParameterValue(`The main route table association ${associationId} cannot be disassociated`);
      r.associations = r.associations.filter((x) => x !== a);
      this.emit({ type: 'subnet-routes', subnetId: a.subnetId! });
      return;
    }
    throw Errors.associationNotFound(associationId);
  }

  /** ReplaceRouteTableAssociation: for a subnet association or the VPC's main association. */
  replaceRouteTableAssociation(associationId: string, routeTableId: string): string {
    const target = this.getRouteTable(routeTableId);
    for (const r of this.routeTables.values()) {
      const a = r.associations.find((x) => x.routeTableAssociationId === associationId);
      if (!a) continue;
      if (r.vpcId !== target.vpcId) throw Errors.invalidParameterValue(`Route table ${target.id} belongs to a different network`);
      r.associations = r.associations.filter((x) => x !== a);
      const id = this.ids.id('rtbassoc');
      target.associations.push({ routeTableAssociationId: id, subnetId: a.subnetId, main: a.main });
      if (a.subnetId) this.emit({ type: 'subnet-routes', subnetId: a.subnetId });
      else this.emit({ type: 'topology' });
      return id;
    }
    throw Errors.associationNotFound(associationId);
  }

  // ---------------------------------------------------------------- internet gateways

  createInternetGateway(tags?: Tag[]): InternetGateway {
    validateTags(tags);
    const igw: InternetGateway = { id: this.ids.id('igw'), ownerId: this.accountId, attachments: [], tags: sameTags(tags) };
    this.internetGateways.set(igw.id, igw);
    return igw;
  }

  attachInternetGateway(igwId: string, vpcId: string): void {
    const igw = this.getInternetGateway(igwId);
    this.getVpc(vpcId);
    if (igw.attachments.length > 0) throw Errors.alreadyAssociated(`resource ${igwId} is already attached to network ${igw.attachments[0].vpcId}`);
    const other = this.attachedInternetGateway(vpcId);
    if (other) throw Errors.alreadyAssociated(`Network ${vpcId} already has an internet gateway attached`);
    igw.attachments.push({ vpcId, state: 'available' });
    this.emit({ type: 'topology' });
  }

  detachInternetGateway(igwId: string, vpcId: string): void {
    const igw = this.getInternetGateway(igwId);
    if (!igw.attachments.some((a) => a.vpcId === vpcId)) throw new AwsError('Gateway.NotAttached', `resource ${igwId} is not attached to network ${vpcId}`);
    // AWS refuses while instances in the VPC have public addresses mapped.
    for (const e of this.networkInterfaces.values()) {
      if (e.vpcId === vpcId && e.privateIpAddresses.some((p) => p.association)) throw new AwsError('DependencyViolation', `Network ${vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`);
    }
    igw.attachments = [];
    this.emit({ type: 'topology' });
  }

  deleteInternetGateway(igwId: string): void {
    const igw = this.getInternetGateway(igwId);
    if (igw.attachments.length > 0) throw new AwsError('DependencyViolation', `The internetGateway '${igwId}' has dependencies and cannot be deleted.`);
    this.internetGateways.delete(igwId);
  }

  // ---------------------------------------------------------------- peering

  /**
   * CreateVpcPeeringConnection. VPCs with overlapping IPv4 blocks cannot be peered: AWS accepts the request
   * and the connection goes to `failed`.
   */
  createVpcPeeringConnection(input: { vpcId: string; peerVpcId: string; peerOwnerId?: string; peerRegion?: string; tags?: Tag[] }): VpcPeeringConnection {
    const a = this.getVpc(input.vpcId);
    const b = this.getVpc(input.peerVpcId);
    if (input.peerRegion !== undefined && input.peerRegion !== this.name) {
      throw Errors.invalidParameterValue(`rampart holds one Region; the peer VPC ${b.id} is in ${this.name}, not ${input.peerRegion}`);
    }
    if (input.peerOwnerId !== undefined && input.peerOwnerId !== b.ownerId) throw Errors.vpcNotFound(input.peerVpcId);
    if (a.id === b.id) throw Errors.invalidParameterValue('A VPC cannot be peered with itself');
    validateTags(input.tags);
    const overlap = a.cidrBlocks.some((x) => b.cidrBlocks.some((y) => cidrOverlaps(parseCidr(x.cidrBlock), parseCidr(y.cidrBlock))));
    const p: VpcPeeringConnection = {
      id: this.ids.id('pcx'), requesterVpcId: a.id, requesterOwnerId: a.ownerId, requesterRegion: this.name,
      accepterVpcId: b.id, accepterOwnerId: b.ownerId, accepterRegion: this.name,
      status: overlap ? 'failed' : 'pending-acceptance', tags: sameTags(input.tags),
    };
    this.vpcPeeringConnections.set(p.id, p);
    return p;
  }

  acceptVpcPeeringConnection(id: string): VpcPeeringConnection {
    const p = this.getPeering(id);
    if (p.status !== 'pending-acceptance') throw new AwsError('InvalidStateTransition', `Invalid state transition for pcx ${id}, attempted to transition from ${p.status} to active`);
    if (this.activePeeringBetween(p.requesterVpcId, p.accepterVpcId)) {
      throw new AwsError('InvalidStateTransition', `A peering connection between ${p.requesterVpcId} and ${p.accepterVpcId} is already active`);
    }
    p.status = 'active';
    this.emit({ type: 'peering', vpcPeeringConnectionId: id });
    return p;
  }

  rejectVpcPeeringConnection(id: string): VpcPeeringConnection {
    const p = this.getPeering(id);
    if (p.status !== 'pending-acceptance') throw new AwsError('InvalidStateTransition', `Invalid state transition for pcx ${id}, attempted to transition from ${p.status} to rejected`);
    p.status = 'rejected';
    return p;
  }

  /** DeleteVpcPeeringConnection: rules that referenced groups across it stay, and become stale. */
  deleteVpcPeeringConnection(id: string): void {
    const p = this.getPeering(id);
    if (!['active', 'pending-acceptance', 'failed', 'rejected', 'expired'].includes(p.status)) throw new AwsError('InvalidStateTransition', `Invalid state transition for pcx ${id} from ${p.status} to deleted`);
    p.status = 'deleted';
    this.emit({ type: 'peering', vpcPeeringConnectionId: id });
  }

  /** Rules that reference a group in another VPC with no active peering between them (DescribeStaleSecurityGroups). */
  staleRules(): SecurityGroupRule[] {
    const out: SecurityGroupRule[] = [];
    for (const r of this.securityGroupRules.values()) {
      if (r.peer.kind !== 'group') continue;
      const owner = this.securityGroups.get(r.groupId)!;
      const target = this.securityGroups.get(r.peer.groupId);
      if (!target) out.push(r);
      else if (target.vpcId !== owner.vpcId && !this.activePeeringBetween(owner.vpcId, target.vpcId)) out.push(r);
    }
    return out;
  }

  // ---------------------------------------------------------------- network interfaces

  /** Next free address of a subnet; AWS reserves the first four and the last (Amazon VPC User Guide, "Subnet CIDR blocks"). */
  private nextFreeIpv4(subnet: Subnet, taken: Set<number> = new Set()): string {
    const c = parseCidr(subnet.cidrBlock) as ReturnType<typeof cidr4>;
    const lo = c.first + 4;
    const hi = c.last - 1;
    // scan from where the last allocation stopped, wrapping once: allocation stays O(1) as subnets fill up
    const start = Math.min(Math.max(this.allocationHint.get(subnet.id) ?? lo, lo), hi + 1);
    for (let i = 0; i <= hi - lo; i++) {
      let a = start + i;
      if (a > hi) a -= hi - lo + 1;
      if (taken.has(a)) continue;
      const text = formatIpv4(a);
      if (!this.addressIndex.has(`${subnet.vpcId}|${text}`)) {
        this.allocationHint.set(subnet.id, a + 1);
        return text;
      }
    }
    throw new AwsError('InsufficientFreeAddressesInSubnet', `There are not enough free addresses in subnet '${subnet.id}' to satisfy the requested number of instances.`);
  }

  private checkPrivateIpv4(subnet: Subnet, text: string): string {
    const v = tryParseIpv4(text);
    const c = parseCidr(subnet.cidrBlock) as ReturnType<typeof cidr4>;
    if (v === undefined) throw Errors.invalidParameterValue(`Invalid value '${text}' for privateIpAddress`);
    if (v < c.first || v > c.last) throw Errors.invalidParameterValue(`Address ${text} does not fall within the subnet's address range`);
    if (v < c.first + 4 || v === c.last) throw Errors.invalidParameterValue(`Address ${text} is in subnet's reserved address range`);
    if (this.addressIndex.has(`${subnet.vpcId}|${text}`)) throw Errors.ipInUse(text, subnet.id);
    return text;
  }

  private nextFreeIpv6(subnet: Subnet, taken: Set<string>): string {
    if (subnet.ipv6CidrBlocks.length === 0) throw Errors.invalidParameterValue(`Subnet ${subnet.id} has no IPv6 CIDR block`);
    const c = parseCidr(subnet.ipv6CidrBlocks[0].ipv6CidrBlock);
    for (let i = 4n; ; i++) {
      const text = formatIpv6((c.first as bigint) + i + 0x1000n);
      if (!taken.has(text) && !this.addressIndex.has(`${subnet.vpcId}|${text}`)) return text;
    }
  }

  private checkIpv6(subnet: Subnet, text: string): string {
    const v = tryParseIpv6(text);
    if (v === undefined) throw Errors.invalidParameterValue(`Invalid value '${text}' for ipv6Address`);
    const canonicalText = formatIpv6(v);
    if (!subnet.ipv6CidrBlocks.some((b) => { const c = parseCidr(b.ipv6CidrBlock); return v >= c.first && v <= c.last; })) {
      throw Errors.invalidParameterValue(`Address ${text} does not fall within the subnet's IPv6 address range`);
    }
    if (this.addressIndex.has(`${subnet.vpcId}|${canonicalText}`)) throw Errors.ipInUse(canonicalText, subnet.id);
    return canonicalText;
  }

  private checkGroupsForEni(vpcId: string, groups: string[]): string[] {
    const unique = [...new Set(groups)];
    for (const g of unique) {
      const sg = this.getGroup(g);
      if (sg.vpcId !== vpcId) throw new AwsError('InvalidParameter', `Security group ${g} and subnet belong to different networks.`);
    }
    if (unique.length > this.quotas.securityGroupsPerInterface) throw Errors.groupsPerInterfaceLimit();
    return unique;
  }

  /** A public IPv4 from Amazon's pool (rampart hands out 3.80.0.0/12 addresses in order). */
  private nextAmazonPublicIp(): string {
    for (;;) {
      const ip = formatIpv4(0x03500000 + 16 + this.publicIpCounter++);
      if (!this.publicIps.has(ip)) {
        this.publicIps.add(ip);
        this.call?.addedPublicIps.push(ip);
        return ip;
      }
    }
  }

  createNetworkInterface(input: {
    subnetId: string;
    groups?: string[];
    privateIpAddress?: string;
    privateIpAddresses?: string[];
    secondaryPrivateIpAddressCount?: number;
    ipv6Addresses?: string[];
    ipv6AddressCount?: number;
    description?: string;
    interfaceType?: InterfaceType;
    requesterManaged?: boolean;
    requesterId?: string;
    associatePublicIp?: boolean;
    sourceDestCheck?: boolean;
    connectionTracking?: Partial<ConnectionTrackingConfiguration>;
    resourceId?: string;
    /** service ENIs that have no security groups at all (NAT gateways, Gateway Load Balancers) */
    withoutSecurityGroups?: boolean;
    tags?: Tag[];
  }): NetworkInterface {
    const subnet = this.getSubnet(input.subnetId);
    // NAT gateways and Gateway Load Balancers have no security groups (Amazon VPC User Guide, "NAT gateways":
    // security groups cannot be associated with them); every other ENI gets the VPC's default group when given none.
    const groups = input.withoutSecurityGroups
      ? []
      : this.checkGroupsForEni(subnet.vpcId, input.groups && input.groups.length ? input.groups : [this.defaultSecurityGroup(subnet.vpcId).id]);
    const addrs: string[] = [];
    const taken = new Set<number>();
    const explicit = [...(input.privateIpAddress !== undefined ? [input.privateIpAddress] : []), ...(input.privateIpAddresses ?? [])];
    for (const a of explicit) {
      const t = this.checkPrivateIpv4(subnet, a);
      if (addrs.includes(t)) throw Errors.invalidParameterValue(`Address ${t} is specified more than once`);
      addrs.push(t);
      taken.add(tryParseIpv4(t)!);
    }
    if (addrs.length === 0) {
      const t = this.nextFreeIpv4(subnet, taken);
      addrs.push(t);
      taken.add(tryParseIpv4(t)!);
    }
    const secondary = input.secondaryPrivateIpAddressCount ?? 0;
    if (!Number.isInteger(secondary) || secondary < 0) throw Errors.invalidParameterValue(`Invalid value '${secondary}' for secondaryPrivateIpAddressCount`);
    for (let i = 0; i < secondary; i++) {
      const t = this.nextFreeIpv4(subnet, taken);
      addrs.push(t);
      taken.add(tryParseIpv4(t)!);
    }
    const v6: string[] = [];
    for (const a of input.ipv6Addresses ?? []) v6.push(this.checkIpv6(subnet, a));
    const v6Count = input.ipv6AddressCount ?? (subnet.assignIpv6AddressOnCreation && !input.ipv6Addresses?.length ? 1 : 0);
    for (let i = 0; i < v6Count; i++) v6.push(this.nextFreeIpv6(subnet, new Set(v6)));
    const ct = this.checkConnectionTracking(input.connectionTracking, defaultConnectionTracking());
    validateTags(input.tags);
    const eni: NetworkInterface = {
      id: this.ids.id('eni'), subnetId: subnet.id, vpcId: subnet.vpcId, ownerId: this.accountId,
      availabilityZone: subnet.availabilityZone, description: input.description ?? '',
      interfaceType: input.interfaceType ?? 'interface', requesterManaged: input.requesterManaged ?? false,
      ...(input.requesterId ? { requesterId: input.requesterId } : {}),
      macAddress: `0e:${this.ids.hex(2)}:${this.ids.hex(2)}:${this.ids.hex(2)}:${this.ids.hex(2)}:${this.ids.hex(2)}`,
      privateIpAddresses: addrs.map((a, i) => ({ privateIpAddress: a, primary: i === 0 })),
      ipv6Addresses: v6, groups, sourceDestCheck: input.sourceDestCheck ?? true, status: 'available',
      connectionTracking: ct, tags: sameTags(input.tags),
      ...(input.resourceId ? { resourceId: input.resourceId } : {}),
    };
    if (input.associatePublicIp) eni.privateIpAddresses[0].association = { publicIp: this.nextAmazonPublicIp(), ipOwnerId: 'amazon' };
    this.networkInterfaces.set(eni.id, eni);
    this.indexEni(eni);
    this.emit({ type: 'eni', networkInterfaceId: eni.id });
    return eni;
  }

  private indexEni(eni: NetworkInterface): void {
    for (const p of eni.privateIpAddresses) this.addressIndex.set(`${eni.vpcId}|${p.privateIpAddress}`, eni.id);
    for (const a of eni.ipv6Addresses) this.addressIndex.set(`${eni.vpcId}|${a}`, eni.id);
    for (const g of eni.groups) {
      let s = this.members.get(g);
      if (!s) this.members.set(g, (s = new Set()));
      s.add(eni.id);
      this.emit({ type: 'group-members', groupId: g });
    }
  }

  private unindexEni(eni: NetworkInterface): void {
    for (const p of eni.privateIpAddresses) this.addressIndex.delete(`${eni.vpcId}|${p.privateIpAddress}`);
    for (const a of eni.ipv6Addresses) this.addressIndex.delete(`${eni.vpcId}|${a}`);
    for (const g of eni.groups) {
      this.members.get(g)?.delete(eni.id);
      this.emit({ type: 'group-members', groupId: g });
    }
  }

  private checkConnectionTracking(input: Partial<ConnectionTrackingConfiguration> | undefined, base: ConnectionTrackingConfiguration): ConnectionTrackingConfiguration {
    const out = { ...base };
    if (!input) return out;
    const check = (name: keyof ConnectionTrackingConfiguration, limits: { min: number; max: number }) => {
      const v = input[name];
      if (v === undefined) return;
      if (!Number.isInteger(v) || v < limits.min || v > limits.max) {
        throw Errors.invalidParameterValue(`Invalid value '${v}' for ${name}. It must be between ${limits.min} and ${limits.max} seconds.`);
      }
      out[name] = v;
    };
    check('tcpEstablishedTimeout', CONNTRACK_TIMEOUTS.tcpEstablished);
    check('udpStreamTimeout', CONNTRACK_TIMEOUTS.udpStream);
    check('udpTimeout', CONNTRACK_TIMEOUTS.udp);
    return out;
  }

  deleteNetworkInterface(id: string): void {
    const eni = this.getNetworkInterface(id);
    if (eni.attachment) throw Errors.eniInUse(id);
    if (eni.requesterManaged && eni.resourceId) throw Errors.operationNotPermitted(`You are not allowed to manage '${eni.requesterId ?? 'requester'}' attachments. The network interface ${id} is requester-managed.`);
    this.removeEni(eni);
  }

  private removeEni(eni: NetworkInterface): void {
    for (const p of eni.privateIpAddresses) {
      if (p.association?.allocationId) {
        const a = this.addresses.get(p.association.allocationId);
        if (a) {
          delete a.networkInterfaceId;
          delete a.privateIpAddress;
          delete a.associationId;
          delete a.instanceId;
        }
      }
    }
    this.unindexEni(eni);
    this.networkInterfaces.delete(eni.id);
    this.emit({ type: 'eni', networkInterfaceId: eni.id });
  }

  /** ModifyNetworkInterfaceAttribute: Groups (replaces the set), SourceDestCheck, ConnectionTrackingSpecification, Description. */
  modifyNetworkInterfaceAttribute(id: string, attrs: { groups?: string[]; sourceDestCheck?: boolean; connectionTracking?: Partial<ConnectionTrackingConfiguration>; description?: string }): void {
    const eni = this.getNetworkInterface(id);
    const groups = attrs.groups !== undefined ? this.checkGroupsForEni(eni.vpcId, attrs.groups) : undefined;
    if (groups !== undefined && groups.length === 0) throw Errors.missingParameter('SecurityGroupId');
    const ct = attrs.connectionTracking ? this.checkConnectionTracking(attrs.connectionTracking, eni.connectionTracking) : undefined;
    if (groups) {
      this.unindexEni(eni);
      eni.groups = groups;
      this.indexEni(eni);
    }
    if (attrs.sourceDestCheck !== undefined) eni.sourceDestCheck = attrs.sourceDestCheck;
    if (ct) eni.connectionTracking = ct;
    if (attrs.description !== undefined) eni.description = attrs.description;
    this.emit({ type: 'eni', networkInterfaceId: id });
  }

  assignPrivateIpAddresses(id: string, input: { privateIpAddresses?: string[]; secondaryPrivateIpAddressCount?: number }): string[] {
    const eni = this.getNetworkInterface(id);
    const subnet = this.getSubnet(eni.subnetId);
    const added: string[] = [];
    const taken = new Set<number>();
    for (const a of input.privateIpAddresses ?? []) {
      const t = this.checkPrivateIpv4(subnet, a);
      added.push(t);
      taken.add(tryParseIpv4(t)!);
    }
    for (let i = 0; i < (input.secondaryPrivateIpAddressCount ?? 0); i++) {
      const t = this.nextFreeIpv4(subnet, taken);
      added.push(t);
      taken.add(tryParseIpv4(t)!);
    }
    if (added.length === 0) throw Errors.missingParameter('PrivateIpAddress');
    this.unindexEni(eni);
    eni.privateIpAddresses.push(...added.map((a) => ({ privateIpAddress: a, primary: false })));
    this.indexEni(eni);
    this.emit({ type: 'eni', networkInterfaceId: id });
    return added;
  }

  attachNetworkInterface(id: string, instanceId: string, deviceIndex: number): string {
    const eni = this.getNetworkInterface(id);
    const inst = this.getInstance(instanceId);
    if (eni.attachment) throw Errors.eniInUse(id);
    if (eni.availabilityZone !== inst.availabilityZone) throw Errors.invalidParameterValue(`The network interface and the instance must be in the same availability zone`);
    if (eni.vpcId !== inst.vpcId) throw Errors.invalidParameterValue(`The network interface and the instance must be in the same VPC`);
    if (inst.networkInterfaceIds[deviceIndex] !== undefined) throw Errors.invalidParameterValue(`Instance '${instanceId}' already has an interface attached at device index '${deviceIndex}'.`);
    const attachmentId = this.ids.id('eni-attach');
    eni.attachment = { attachmentId, instanceId, instanceOwnerId: this.accountId, deviceIndex, status: 'attached', deleteOnTermination: false };
    eni.status = 'in-use';
    inst.networkInterfaceIds[deviceIndex] = eni.id;
    return attachmentId;
  }

  detachNetworkInterface(attachmentId: string): void {
    for (const eni of this.networkInterfaces.values()) {
      if (eni.attachment?.attachmentId !== attachmentId) continue;
      if (eni.attachment.deviceIndex === 0) throw Errors.operationNotPermitted(`The network interface at device index 0 cannot be detached.`);
      const inst = this.instances.get(eni.attachment.instanceId!);
      if (inst) delete inst.networkInterfaceIds[eni.attachment.deviceIndex];
      delete eni.attachment;
      eni.status = 'available';
      return;
    }
    throw Errors.attachmentNotFound(attachmentId);
  }

  // ---------------------------------------------------------------- instances

  /**
   * RunInstances: one primary ENI per instance (device 0) with the given groups (the VPC's default group when
   * none), a public IPv4 when asked or when the subnet maps one on launch. Instances go straight to running.
   */
  runInstances(input: {
    subnetId?: string;
    groups?: string[];
    count?: number;
    imageId?: string;
    instanceType?: string;
    privateIpAddress?: string;
    secondaryPrivateIpAddressCount?: number;
    ipv6AddressCount?: number;
    associatePublicIpAddress?: boolean;
    tags?: Tag[];
  }): Instance[] {
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw Errors.invalidParameterValue(`Invalid value '${count}' for MinCount`);
    if (input.privateIpAddress !== undefined && count > 1) throw Errors.invalidParameterCombination('A private IP address can be given only when launching one instance');
    let subnet: Subnet;
    if (input.subnetId !== undefined) subnet = this.getSubnet(input.subnetId);
    else {
      const dv = this.defaultVpc();
      const s = dv && [...this.subnets.values()].find((x) => x.vpcId === dv.id && x.defaultForAz);
      if (!s) throw new AwsError('MissingInput', 'No subnets found for the default VPC. Please specify a subnet.');
      subnet = s;
    }
    const groups = this.checkGroupsForEni(subnet.vpcId, input.groups && input.groups.length ? input.groups : [this.defaultSecurityGroup(subnet.vpcId).id]);
    if (input.privateIpAddress !== undefined) this.checkPrivateIpv4(subnet, input.privateIpAddress);
    validateTags(input.tags);
    const out: Instance[] = [];
    const created: NetworkInterface[] = [];
    // RunInstances is all or nothing for MinCount (= count here): when the subnet runs out of addresses
    // part-way, AWS launches none (InsufficientFreeAddressesInSubnet), so undo what this call made.
    try {
      for (let i = 0; i < count; i++) {
        const id = this.ids.id('i');
        const eni = this.createNetworkInterface({
          subnetId: subnet.id, groups, privateIpAddress: input.privateIpAddress,
          secondaryPrivateIpAddressCount: input.secondaryPrivateIpAddressCount, ipv6AddressCount: input.ipv6AddressCount,
          associatePublicIp: input.associatePublicIpAddress ?? subnet.mapPublicIpOnLaunch, description: '',
        });
        created.push(eni);
        eni.attachment = { attachmentId: this.ids.id('eni-attach'), instanceId: id, instanceOwnerId: this.accountId, deviceIndex: 0, status: 'attached', deleteOnTermination: true };
        eni.status = 'in-use';
        const inst: Instance = {
          id, ownerId: this.accountId, imageId: input.imageId ?? 'ami-00000000000000000', instanceType: input.instanceType ?? 't3.micro',
          subnetId: subnet.id, vpcId: subnet.vpcId, availabilityZone: subnet.availabilityZone, state: 'running',
          launchTime: new Date(0).toISOString(), networkInterfaceIds: [eni.id], tags: sameTags(input.tags),
        };
        this.instances.set(id, inst);
        out.push(inst);
      }
    } catch (e) {
      for (const inst of out) this.instances.delete(inst.id);
      for (const eni of created) this.removeEni(eni);
      throw e;
    }
    return out;
  }

  terminateInstances(ids: string[]): Instance[] {
    const insts = ids.map((id) => this.getInstance(id));
    for (const inst of insts) {
      for (const eniId of inst.networkInterfaceIds) {
        const eni = eniId ? this.networkInterfaces.get(eniId) : undefined;
        if (!eni) continue;
        if (eni.attachment?.deleteOnTermination) this.removeEni(eni);
        else {
          delete eni.attachment;
          eni.status = 'available';
        }
      }
      inst.networkInterfaceIds = [];
      inst.state = 'terminated';
    }
    return insts;
  }

  /** ModifyInstanceAttribute GroupId.N: sets the groups of the primary interface. */
  modifyInstanceGroups(instanceId: string, groups: string[]): void {
    const inst = this.getInstance(instanceId);
    this.modifyNetworkInterfaceAttribute(inst.networkInterfaceIds[0], { groups });
  }

  // ---------------------------------------------------------------- addresses

  allocateAddress(tags?: Tag[]): ElasticAddress {
    validateTags(tags);
    const a: ElasticAddress = { allocationId: this.ids.id('eipalloc'), publicIp: this.nextAmazonPublicIp(), domain: 'vpc', tags: sameTags(tags) };
    this.addresses.set(a.allocationId, a);
    return a;
  }

  /** AssociateAddress: maps an Elastic IP to a private address of an ENI (or an instance's primary ENI), replacing any public IP there. */
  associateAddress(input: { allocationId: string; networkInterfaceId?: string; instanceId?: string; privateIpAddress?: string; allowReassociation?: boolean }): string {
    const a = this.addresses.get(input.allocationId);
    if (!a) throw Errors.allocationNotFound(input.allocationId);
    let eni: NetworkInterface;
    if (input.networkInterfaceId !== undefined) eni = this.getNetworkInterface(input.networkInterfaceId);
    else if (input.instanceId !== undefined) eni = this.networkInterfaces.get(this.getInstance(input.instanceId).networkInterfaceIds[0])!;
    else throw Errors.missingParameter('InstanceId');
    if (!this.attachedInternetGateway(eni.vpcId)) throw new AwsError('Gateway.NotAttached', `Network ${eni.vpcId} is not attached to any internet gateway`);
    const priv = eni.privateIpAddresses.find((p) => (input.privateIpAddress === undefined ? p.primary : p.privateIpAddress === input.privateIpAddress));
    if (!priv) throw Errors.invalidParameterValue(`The private IP address ${input.privateIpAddress} is not assigned to ${eni.id}`);
    if (a.associationId && input.allowReassociation === false) throw Errors.alreadyAssociated(`The address ${a.publicIp} is already associated`);
    if (a.networkInterfaceId) {
      const prev = this.networkInterfaces.get(a.networkInterfaceId);
      const p = prev?.privateIpAddresses.find((x) => x.association?.allocationId === a.allocationId);
      if (p) delete p.association;
    }
    const associationId = this.ids.id('eipassoc');
    priv.association = { publicIp: a.publicIp, ipOwnerId: this.accountId, allocationId: a.allocationId, associationId };
    a.networkInterfaceId = eni.id;
    a.privateIpAddress = priv.privateIpAddress;
    a.associationId = associationId;
    if (eni.attachment?.instanceId) a.instanceId = eni.attachment.instanceId;
    this.emit({ type: 'eni', networkInterfaceId: eni.id });
    return associationId;
  }

  disassociateAddress(associationId: string): void {
    const a = [...this.addresses.values()].find((x) => x.associationId === associationId);
    if (!a) throw Errors.associationNotFound(associationId);
    const eni = this.networkInterfaces.get(a.networkInterfaceId!);
    const p = eni?.privateIpAddresses.find((x) => x.association?.associationId === associationId);
    if (p) delete p.association;
    delete a.networkInterfaceId;
    delete a.privateIpAddress;
    delete a.associationId;
    delete a.instanceId;
    if (eni) this.emit({ type: 'eni', networkInterfaceId: eni.id });
  }

  releaseAddress(allocationId: string): void {
    const a = this.addresses.get(allocationId);
    if (!a) throw Errors.allocationNotFound(allocationId);
    if (a.associationId) throw Errors.invalidParameterValue(`Address ${a.publicIp} is in use`) ;
    this.addresses.delete(allocationId);
  }

  // ---------------------------------------------------------------- managed services behind ENIs

  /**
   * Declares a managed resource (load balancer, database, Lambda, endpoint, NAT gateway, …): one
   * requester-managed ENI per subnet, with the interface type and description AWS gives that service.
   */
  createServiceResource(input: { kind: ServiceKind; name: string; subnetIds: string[]; groups?: string[]; internetFacing?: boolean; privateIpAddresses?: string[]; tags?: Tag[] }): ServiceResource {
    const profile = SERVICE_PROFILES[input.kind];
    if (!profile) throw Errors.invalidParameterValue(`Unknown resource kind '${input.kind}'`);
    if (!input.subnetIds.length) throw Errors.missingParameter('SubnetIds');
    const subnets = input.subnetIds.map((s) => this.getSubnet(s));
    const vpcId = subnets[0].vpcId;
    if (subnets.some((s) => s.vpcId !== vpcId)) throw Errors.invalidParameterValue('All subnets of a resource must be in the same VPC');
    const groups = profile.hasSecurityGroups ? this.checkGroupsForEni(vpcId, input.groups && input.groups.length ? input.groups : [this.defaultSecurityGroup(vpcId).id]) : [];
    if (!profile.hasSecurityGroups && input.groups?.length) throw Errors.invalidParameterValue(`${profile.label} has no security groups`);
    const id = input.kind === 'nat-gateway' ? this.ids.id('nat') : input.kind === 'vpc-endpoint' ? this.ids.id('vpce') : this.ids.id('res');
    const hex = this.ids.hex(16);
    const description = profile.description
      .replace('{name}', input.name).replace('{id}', id).replace('{hex}', hex)
      .replace('{region}', this.name).replace('{account}', this.accountId);
    validateTags(input.tags);
    const enis: NetworkInterface[] = [];
    // One call, one transaction: if a later subnet's ENI fails (address in use, subnet full), remove the
    // ENIs this call already made.
    try {
      subnets.forEach((s, i) => {
        const eni = this.createNetworkInterface({
          subnetId: s.id, groups, withoutSecurityGroups: !profile.hasSecurityGroups, description, interfaceType: profile.interfaceType,
          requesterManaged: profile.requesterManaged, requesterId: profile.requesterId, resourceId: id,
          privateIpAddress: input.privateIpAddresses?.[i],
          associatePublicIp: input.internetFacing ?? false, sourceDestCheck: input.kind !== 'nat-gateway',
        });
        eni.status = 'in-use';
        enis.push(eni);
      });
    } catch (e) {
      for (const eni of enis) this.removeEni(eni);
      throw e;
    }
    const res: ServiceResource = {
      id, kind: input.kind, name: input.name, vpcId, subnetIds: subnets.map((s) => s.id), groups,
      networkInterfaceIds: enis.map((e) => e.id), internetFacing: input.internetFacing ?? false, tags: sameTags(input.tags),
    };
    this.services.set(id, res);
    return res;
  }
}

// ------------------------------------------------------------------ helpers

function canonical(cidr: string): string {
  const p = tryParseCidr(cidr);
  return p ? formatCidr(p.cidr) : cidr;
}

export function validateTags(tags: Tag[] | undefined): void {
  if (!tags) return;
  const keys = new Set<string>();
  for (const t of tags) {
    if (t.key === undefined || t.key === '') throw Errors.invalidParameterValue('Tag keys must not be empty');
    if (t.key.length > 127) throw Errors.invalidParameterValue(`Tag key exceeds the maximum length of 127 characters`);
    if ((t.value ?? '').length > 255) throw Errors.invalidParameterValue(`Tag value exceeds the maximum length of 255 characters`);
    if (t.key.toLowerCase().startsWith('aws:')) throw Errors.invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
    if (keys.has(t.key)) throw Errors.invalidParameterValue(`Duplicate tag key '${t.key}' specified`);
    keys.add(t.key);
  }
  if (tags.length > 50) throw Errors.invalidParameterValue('Tag limit exceeded: a resource can have at most 50 tags');
}

function defaultAclAllowEntries(ipv6: boolean): NetworkAclEntry[] {
  const out: NetworkAclEntry[] = [];
  for (const egress of [false, true]) {
    out.push({ ruleNumber: 100, egress, protocol: -1, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' });
    if (ipv6) out.push({ ruleNumber: 101, egress, protocol: -1, ruleAction: 'allow', ipv6CidrBlock: '::/0' });
  }
  return out;
}

function denyAllEntries(ipv6: boolean): NetworkAclEntry[] {
  const out: NetworkAclEntry[] = [];
  for (const egress of [false, true]) {
    out.push({ ruleNumber: NACL_DEFAULT_RULE_V4, egress, protocol: -1, ruleAction: 'deny', cidrBlock: '0.0.0.0/0' });
    if (ipv6) out.push({ ruleNumber: NACL_DEFAULT_RULE_V6, egress, protocol: -1, ruleAction: 'deny', ipv6CidrBlock: '::/0' });
  }
  return out;
}

function sortEntries(acl: NetworkAcl): void {
  acl.entries.sort((a, b) => Number(a.egress) - Number(b.egress) || a.ruleNumber - b.ruleNumber);
}
