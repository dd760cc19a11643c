// VPCs, subnets, network ACLs, route tables, internet gateways, peering connections, and the account/Region
// look-ups (DescribeAvailabilityZones, DescribeRegions, DescribeAccountAttributes). Input and output objects use
// the service model's member names; filter lists follow the EC2 API Reference for each Describe action.
import { Errors } from '../../model/errors.js';
import { parseCidr, parseProtocol } from '../../net/index.js';
import type {
  InternetGateway,
  NetworkAcl,
  NetworkAclEntry,
  Route,
  RouteTable,
  RouteTarget,
  Subnet,
  Vpc,
  VpcPeeringConnection,
} from '../../model/types.js';
import type { Region } from '../../state/region.js';
import { mutating, reading, type Ec2Context, type Ec2Input, type HandlerFamily } from '../context.js';
import { applyFilters, byIds, paginate, tagSpecifications, tagsOut, type FilterDefs } from '../describe.js';

// ------------------------------------------------------------------ shared

const ASSOCIATED = { State: 'associated' };
const PEERING_EXPIRY_MS = 7 * 24 * 3600 * 1000;

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === null || value === '') throw Errors.missingParameter(name);
  return value;
}

/** Describe with ids, filters and pagination, in AWS's order: ids (NotFound), filters, then the page. */
function describe<T extends { tags?: { key: string; value: string }[] }>(
  all: ReadonlyMap<string, T>,
  ids: string[] | undefined,
  notFound: Parameters<typeof byIds>[2],
  input: Ec2Input,
  defs: FilterDefs<T>,
  bounds?: { min: number; max: number },
): { page: T[]; nextToken?: string } {
  const items = applyFilters(byIds(all, ids, notFound), input.Filters, defs);
  return paginate(items, input, bounds);
}

/** A Boolean-valued attribute of a Modify call ({ Value: boolean }). */
function attributeBoolean(v: { Value?: boolean } | undefined): boolean | undefined {
  return v === undefined ? undefined : v.Value;
}

// ------------------------------------------------------------------ VPCs

function vpcOut(v: Vpc, ctx: Ec2Context): Record<string, unknown> {
  return {
    CidrBlock: v.cidrBlocks[0]?.cidrBlock,
    DhcpOptionsId: 'default',
    State: 'available',
    VpcId: v.id,
    OwnerId: v.ownerId,
    InstanceTenancy: v.instanceTenancy,
    Ipv6CidrBlockAssociationSet: v.ipv6CidrBlocks.map((b) => ({
      AssociationId: b.associationId,
      Ipv6CidrBlock: b.ipv6CidrBlock,
      Ipv6CidrBlockState: ASSOCIATED,
      NetworkBorderGroup: ctx.regionName,
      Ipv6Pool: 'Amazon',
      Ipv6AddressAttribute: 'public',
      IpSource: 'amazon',
    })),
    CidrBlockAssociationSet: v.cidrBlocks.map((b) => ({ AssociationId: b.associationId, CidrBlock: b.cidrBlock, CidrBlockState: ASSOCIATED })),
    IsDefault: v.isDefault,
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
    Tags: tagsOut(v.tags),
  };
}

const VPC_FILTERS: FilterDefs<Vpc> = {
  cidr: (v) => v.cidrBlocks[0]?.cidrBlock,
  'cidr-block-association.cidr-block': (v) => v.cidrBlocks.map((b) => b.cidrBlock),
  'cidr-block-association.association-id': (v) => v.cidrBlocks.map((b) => b.associationId),
  'cidr-block-association.state': (v) => v.cidrBlocks.map(() => 'associated'),
  'dhcp-options-id': () => 'default',
  'ipv6-cidr-block-association.ipv6-cidr-block': (v) => v.ipv6CidrBlocks.map((b) => b.ipv6CidrBlock),
  'ipv6-cidr-block-association.ipv6-pool': (v) => v.ipv6CidrBlocks.map(() => 'Amazon'),
  'ipv6-cidr-block-association.association-id': (v) => v.ipv6CidrBlocks.map((b) => b.associationId),
  'ipv6-cidr-block-association.state': (v) => v.ipv6CidrBlocks.map(() => 'associated'),
  'is-default': (v) => v.isDefault,
  'owner-id': (v) => v.ownerId,
  state: () => 'available',
  'vpc-id': (v) => v.id,
};

function tenancy(value: string | undefined): 'default' | 'dedicated' | undefined {
  if (value === undefined || value === 'default' || value === 'dedicated') return value;
  throw Errors.invalidParameterValue(`Value (${value}) for parameter instanceTenancy is invalid. Allowed values are default and dedicated.`);
}

function unsupported(input: Ec2Input, names: string[]): void {
  for (const n of names) {
    if (input[n] !== undefined) throw Errors.invalidParameterValue(`The parameter ${n} is not supported by rampart (no IPAM or BYOIP pools)`);
  }
}

// ------------------------------------------------------------------ subnets

function subnetAddressesInUse(region: Region, subnetId: string): number {
  let n = 0;
  for (const e of region.networkInterfaces.values()) if (e.subnetId === subnetId) n += e.privateIpAddresses.length;
  return n;
}

function availableIpCount(region: Region, s: Subnet): number {
  const size = 2 ** (32 - parseCidr(s.cidrBlock).prefix);
  // AWS reserves the first four addresses and the last of every subnet.
  return Math.max(0, size - 5 - subnetAddressesInUse(region, s.id));
}

function subnetOut(s: Subnet, ctx: Ec2Context): Record<string, unknown> {
  return {
    AvailabilityZone: s.availabilityZone,
    AvailabilityZoneId: s.availabilityZoneId,
    AvailableIpAddressCount: availableIpCount(ctx.region, s),
    CidrBlock: s.cidrBlock,
    DefaultForAz: s.defaultForAz,
    MapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    MapCustomerOwnedIpOnLaunch: false,
    State: 'available',
    SubnetId: s.id,
    VpcId: s.vpcId,
    OwnerId: s.ownerId,
    AssignIpv6AddressOnCreation: s.assignIpv6AddressOnCreation,
    Ipv6CidrBlockAssociationSet: s.ipv6CidrBlocks.map((b) => ({
      AssociationId: b.associationId,
      Ipv6CidrBlock: b.ipv6CidrBlock,
      Ipv6CidrBlockState: ASSOCIATED,
      Ipv6AddressAttribute: 'public',
      IpSource: 'amazon',
    })),
    Tags: tagsOut(s.tags),
    SubnetArn: subnetArn(s, ctx),
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
  };
}

function subnetArn(s: Subnet, ctx: Ec2Context): string {
  return `arn:aws:ec2:${ctx.regionName}:${s.ownerId}:subnet/${s.id}`;
}

function subnetFilters(ctx: Ec2Context): FilterDefs<Subnet> {
  return {
    'availability-zone': (s) => s.availabilityZone,
    availabilityZone: (s) => s.availabilityZone,
    'availability-zone-id': (s) => s.availabilityZoneId,
    availabilityZoneId: (s) => s.availabilityZoneId,
    'available-ip-address-count': (s) => availableIpCount(ctx.region, s),
    'cidr-block': (s) => s.cidrBlock,
    cidr: (s) => s.cidrBlock,
    cidrBlock: (s) => s.cidrBlock,
    'customer-owned-ipv4-pool': () => undefined,
    'default-for-az': (s) => s.defaultForAz,
    defaultForAz: (s) => s.defaultForAz,
    'enable-dns64': () => false,
    'enable-lni-at-device-index': () => undefined,
    'ipv6-cidr-block-association.ipv6-cidr-block': (s) => s.ipv6CidrBlocks.map((b) => b.ipv6CidrBlock),
    'ipv6-cidr-block-association.association-id': (s) => s.ipv6CidrBlocks.map((b) => b.associationId),
    'ipv6-cidr-block-association.state': (s) => s.ipv6CidrBlocks.map(() => 'associated'),
    'ipv6-native': () => false,
    'map-customer-owned-ip-on-launch': () => false,
    'map-public-ip-on-launch': (s) => s.mapPublicIpOnLaunch,
    'outpost-arn': () => undefined,
    'owner-id': (s) => s.ownerId,
    'private-dns-name-options-on-launch.hostname-type': () => 'ip-name',
    'private-dns-name-options-on-launch.enable-resource-name-dns-a-record': () => false,
    'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record': () => false,
    state: () => 'available',
    'subnet-arn': (s) => subnetArn(s, ctx),
    'subnet-id': (s) => s.id,
    'vpc-id': (s) => s.vpcId,
  };
}

// ------------------------------------------------------------------ network ACLs

function aclEntryOut(e: NetworkAclEntry): Record<string, unknown> {
  return {
    CidrBlock: e.cidrBlock,
    Egress: e.egress,
    IcmpTypeCode: e.icmpTypeCode ? { Code: e.icmpTypeCode.code, Type: e.icmpTypeCode.type } : undefined,
    Ipv6CidrBlock: e.ipv6CidrBlock,
    PortRange: e.portRange ? { From: e.portRange.from, To: e.portRange.to } : undefined,
    // AWS shows the protocol as its number, as a string ("-1", "6").
    Protocol: String(e.protocol),
    RuleAction: e.ruleAction,
    RuleNumber: e.ruleNumber,
  };
}

function aclOut(a: NetworkAcl): Record<string, unknown> {
  return {
    Associations: a.associations.map((x) => ({ NetworkAclAssociationId: x.networkAclAssociationId, NetworkAclId: a.id, SubnetId: x.subnetId })),
    Entries: a.entries.map(aclEntryOut),
    IsDefault: a.isDefault,
    NetworkAclId: a.id,
    Tags: tagsOut(a.tags),
    VpcId: a.vpcId,
    OwnerId: a.ownerId,
  };
}

const ACL_FILTERS: FilterDefs<NetworkAcl> = {
  'association.association-id': (a) => a.associations.map((x) => x.networkAclAssociationId),
  'association.network-acl-id': (a) => a.associations.map(() => a.id),
  'association.subnet-id': (a) => a.associations.map((x) => x.subnetId),
  default: (a) => a.isDefault,
  'entry.cidr': (a) => a.entries.map((e) => e.cidrBlock),
  'entry.icmp.code': (a) => a.entries.map((e) => e.icmpTypeCode?.code),
  'entry.icmp.type': (a) => a.entries.map((e) => e.icmpTypeCode?.type),
  'entry.ipv6-cidr': (a) => a.entries.map((e) => e.ipv6CidrBlock),
  'entry.port-range.from': (a) => a.entries.map((e) => e.portRange?.from),
  'entry.port-range.to': (a) => a.entries.map((e) => e.portRange?.to),
  'entry.protocol': (a) => a.entries.map((e) => String(e.protocol)),
  'entry.rule-action': (a) => a.entries.map((e) => e.ruleAction),
  'entry.egress': (a) => a.entries.map((e) => e.egress),
  'entry.rule-number': (a) => a.entries.map((e) => e.ruleNumber),
  'network-acl-id': (a) => a.id,
  'owner-id': (a) => a.ownerId,
  'vpc-id': (a) => a.vpcId,
};

/** CreateNetworkAclEntry / ReplaceNetworkAclEntry input -> the state's entry (the state validates it). */
function aclEntryIn(input: Ec2Input): NetworkAclEntry {
  const protoText = String(required(input.Protocol, 'Protocol'));
  const protocol = parseProtocol(protoText);
  if (protocol === undefined) throw Errors.invalidParameterValue(`Invalid value '${protoText}' for protocol. Protocol must be a number from 0 to 255, or -1 for all.`);
  const entry: NetworkAclEntry = {
    ruleNumber: required(input.RuleNumber, 'RuleNumber'),
    egress: required(input.Egress, 'Egress'),
    protocol,
    ruleAction: required(input.RuleAction, 'RuleAction'),
  };
  if (input.CidrBlock !== undefined) entry.cidrBlock = input.CidrBlock;
  if (input.Ipv6CidrBlock !== undefined) entry.ipv6CidrBlock = input.Ipv6CidrBlock;
  if (input.PortRange !== undefined) entry.portRange = { from: input.PortRange.From, to: input.PortRange.To };
  if (input.IcmpTypeCode !== undefined) entry.icmpTypeCode = { type: input.IcmpTypeCode.Type, code: input.IcmpTypeCode.Code };
  return entry;
}

// ------------------------------------------------------------------ route tables

/** Whether a route's target still exists and can carry traffic; otherwise AWS shows the route as blackhole. */
function routeState(region: Region, rtb: RouteTable, t: RouteTarget): 'active' | 'blackhole' {
  switch (t.kind) {
    case 'local':
    case 'other':
      return 'active';
    case 'igw': {
      const g = region.internetGateways.get(t.gatewayId);
      return g && g.attachments.some((a) => a.vpcId === rtb.vpcId) ? 'active' : 'blackhole';
    }
    case 'pcx':
      return region.vpcPeeringConnections.get(t.vpcPeeringConnectionId)?.status === 'active' ? 'active' : 'blackhole';
    case 'eni': {
      const e = region.networkInterfaces.get(t.networkInterfaceId);
      // An ENI target is active while it exists; AWS shows blackhole once it is deleted or detached from a stopped instance.
      return e ? 'active' : 'blackhole';
    }
    case 'instance': {
      const i = region.instances.get(t.instanceId);
      return i && i.state === 'running' ? 'active' : 'blackhole';
    }
    case 'nat':
      return region.services.has(t.natGatewayId) ? 'active' : 'blackhole';
  }
}

function routeTargetOut(region: Region, t: RouteTarget): Record<string, unknown> {
  switch (t.kind) {
    case 'local':
      return { GatewayId: 'local' };
    case 'igw':
      return { GatewayId: t.gatewayId };
    case 'pcx':
      return { VpcPeeringConnectionId: t.vpcPeeringConnectionId };
    case 'eni': {
      const e = region.networkInterfaces.get(t.networkInterfaceId);
      const instanceId = e?.attachment?.instanceId;
      return { NetworkInterfaceId: t.networkInterfaceId, ...(instanceId ? { InstanceId: instanceId, InstanceOwnerId: e!.attachment!.instanceOwnerId } : {}) };
    }
    case 'instance': {
      const i = region.instances.get(t.instanceId);
      return { InstanceId: t.instanceId, InstanceOwnerId: i?.ownerId ?? region.accountId, ...(i?.networkInterfaceIds[0] ? { NetworkInterfaceId: i.networkInterfaceIds[0] } : {}) };
    }
    case 'nat':
      return { NatGatewayId: t.natGatewayId };
    case 'other': {
      const id = t.targetId;
      if (id.startsWith('tgw-')) return { TransitGatewayId: id };
      if (id.startsWith('eigw-')) return { EgressOnlyInternetGatewayId: id };
      if (id.startsWith('lgw-')) return { LocalGatewayId: id };
      if (id.startsWith('cagw-')) return { CarrierGatewayId: id };
      if (id.startsWith('arn:') && id.includes(':core-network/')) return { CoreNetworkArn: id };
      if (id.startsWith('arn:')) return { OdbNetworkArn: id };
      return { GatewayId: id };
    }
  }
}

function routeOut(region: Region, rtb: RouteTable, r: Route): Record<string, unknown> {
  return {
    DestinationCidrBlock: r.destinationCidrBlock,
    DestinationIpv6CidrBlock: r.destinationIpv6CidrBlock,
    DestinationPrefixListId: r.destinationPrefixListId,
    ...routeTargetOut(region, r.target),
    Origin: r.origin,
    State: routeState(region, rtb, r.target),
  };
}

function routeTableOut(region: Region, rtb: RouteTable): Record<string, unknown> {
  return {
    Associations: rtb.associations.map((a) => ({
      Main: a.main,
      RouteTableAssociationId: a.routeTableAssociationId,
      RouteTableId: rtb.id,
      SubnetId: a.subnetId,
      AssociationState: ASSOCIATED,
    })),
    PropagatingVgws: [],
    RouteTableId: rtb.id,
    Routes: rtb.routes.map((r) => routeOut(region, rtb, r)),
    Tags: tagsOut(rtb.tags),
    VpcId: rtb.vpcId,
    OwnerId: rtb.ownerId,
  };
}

function routeTableFilters(region: Region): FilterDefs<RouteTable> {
  const targets = (rtb: RouteTable, key: string) => rtb.routes.map((r) => routeTargetOut(region, r.target)[key] as string | undefined);
  return {
    'association.gateway-id': () => undefined,
    'association.route-table-association-id': (r) => r.associations.map((a) => a.routeTableAssociationId),
    'association.route-table-id': (r) => r.associations.map(() => r.id),
    'association.subnet-id': (r) => r.associations.map((a) => a.subnetId),
    // Tables without associations are not returned for association.main (EC2 API Reference).
    'association.main': (r) => r.associations.map((a) => a.main),
    'owner-id': (r) => r.ownerId,
    'route-table-id': (r) => r.id,
    'route.destination-cidr-block': (r) => r.routes.map((x) => x.destinationCidrBlock),
    'route.destination-ipv6-cidr-block': (r) => r.routes.map((x) => x.destinationIpv6CidrBlock),
    'route.destination-prefix-list-id': (r) => r.routes.map((x) => x.destinationPrefixListId),
    'route.egress-only-internet-gateway-id': (r) => targets(r, 'EgressOnlyInternetGatewayId'),
    'route.gateway-id': (r) => targets(r, 'GatewayId'),
    'route.instance-id': (r) => targets(r, 'InstanceId'),
    'route.nat-gateway-id': (r) => targets(r, 'NatGatewayId'),
    'route.transit-gateway-id': (r) => targets(r, 'TransitGatewayId'),
    'route.origin': (r) => r.routes.map((x) => x.origin),
    'route.state': (r) => r.routes.map((x) => routeState(region, r, x.target)),
    'route.vpc-peering-connection-id': (r) => targets(r, 'VpcPeeringConnectionId'),
    'vpc-id': (r) => r.vpcId,
  };
}

/** The one target of CreateRoute / ReplaceRoute. */
function routeTargetIn(input: Ec2Input): RouteTarget {
  const given: RouteTarget[] = [];
  if (input.GatewayId !== undefined) {
    const id = String(input.GatewayId);
    given.push(id === 'local' ? { kind: 'local' } : id.startsWith('igw-') ? { kind: 'igw', gatewayId: id } : { kind: 'other', targetId: id });
  }
  if (input.VpcPeeringConnectionId !== undefined) given.push({ kind: 'pcx', vpcPeeringConnectionId: input.VpcPeeringConnectionId });
  if (input.NetworkInterfaceId !== undefined) given.push({ kind: 'eni', networkInterfaceId: input.NetworkInterfaceId });
  if (input.InstanceId !== undefined) given.push({ kind: 'instance', instanceId: input.InstanceId });
  if (input.NatGatewayId !== undefined) given.push({ kind: 'nat', natGatewayId: input.NatGatewayId });
  for (const k of ['TransitGatewayId', 'EgressOnlyInternetGatewayId', 'VpcEndpointId', 'LocalGatewayId', 'CarrierGatewayId', 'CoreNetworkArn', 'OdbNetworkArn']) {
    if (input[k] !== undefined) given.push({ kind: 'other', targetId: String(input[k]) });
  }
  if (input.LocalTarget === true) given.push({ kind: 'local' });
  if (given.length === 0) throw Errors.missingParameter('gatewayId, instanceId, networkInterfaceId, vpcPeeringConnectionId, natGatewayId, or another target');
  if (given.length > 1) throw Errors.invalidParameterCombination('More than one target specified for the route: specify exactly one.');
  return given[0];
}

function routeDestinationIn(input: Ec2Input): { destinationCidrBlock?: string; destinationIpv6CidrBlock?: string; destinationPrefixListId?: string } {
  const out: { destinationCidrBlock?: string; destinationIpv6CidrBlock?: string; destinationPrefixListId?: string } = {};
  if (input.DestinationCidrBlock !== undefined) out.destinationCidrBlock = input.DestinationCidrBlock;
  if (input.DestinationIpv6CidrBlock !== undefined) out.destinationIpv6CidrBlock = input.DestinationIpv6CidrBlock;
  if (input.DestinationPrefixListId !== undefined) out.destinationPrefixListId = input.DestinationPrefixListId;
  return out;
}

// ------------------------------------------------------------------ internet gateways

function igwOut(g: InternetGateway): Record<string, unknown> {
  return {
    Attachments: g.attachments.map((a) => ({ State: a.state, VpcId: a.vpcId })),
    InternetGatewayId: g.id,
    OwnerId: g.ownerId,
    Tags: tagsOut(g.tags),
  };
}

const IGW_FILTERS: FilterDefs<InternetGateway> = {
  'attachment.state': (g) => g.attachments.map((a) => a.state),
  'attachment.vpc-id': (g) => g.attachments.map((a) => a.vpcId),
  'internet-gateway-id': (g) => g.id,
  'owner-id': (g) => g.ownerId,
};

// ------------------------------------------------------------------ peering

function peeringMessage(p: VpcPeeringConnection): string {
  switch (p.status) {
    case 'initiating-request':
      return `Initiating Request to ${p.accepterOwnerId}`;
    case 'pending-acceptance':
      return `Pending Acceptance by ${p.accepterOwnerId}`;
    case 'provisioning':
      return 'Provisioning';
    case 'active':
      return 'Active';
    case 'rejected':
      return `Rejected by ${p.accepterOwnerId}`;
    case 'deleted':
      return `Deleted by ${p.requesterOwnerId}`;
    case 'expired':
      return 'Expired';
    case 'failed':
      return 'Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range';
  }
}

function peeringVpcInfo(region: Region, vpcId: string, ownerId: string, regionName: string, withCidrs: boolean, active: boolean): Record<string, unknown> {
  const v = region.vpcs.get(vpcId);
  const info: Record<string, unknown> = { OwnerId: ownerId, VpcId: vpcId, Region: regionName };
  if (withCidrs && v) {
    info.CidrBlock = v.cidrBlocks[0]?.cidrBlock;
    info.CidrBlockSet = v.cidrBlocks.map((b) => ({ CidrBlock: b.cidrBlock }));
    info.Ipv6CidrBlockSet = v.ipv6CidrBlocks.map((b) => ({ Ipv6CidrBlock: b.ipv6CidrBlock }));
  }
  if (active) info.PeeringOptions = { AllowDnsResolutionFromRemoteVpc: false, AllowEgressFromLocalClassicLinkToRemoteVpc: false, AllowEgressFromLocalVpcToRemoteClassicLink: false };
  return info;
}

function peeringOut(region: Region, p: VpcPeeringConnection): Record<string, unknown> {
  const active = p.status === 'active';
  // AWS shows the accepter's blocks once the connection is established.
  const accepterCidrs = active || p.status === 'provisioning';
  return {
    AccepterVpcInfo: peeringVpcInfo(region, p.accepterVpcId, p.accepterOwnerId, p.accepterRegion, accepterCidrs, active),
    ExpirationTime: p.status === 'pending-acceptance' ? p.expirationTime : undefined,
    RequesterVpcInfo: peeringVpcInfo(region, p.requesterVpcId, p.requesterOwnerId, p.requesterRegion, true, active),
    Status: { Code: p.status, Message: peeringMessage(p) },
    Tags: tagsOut(p.tags),
    VpcPeeringConnectionId: p.id,
  };
}

function peeringFilters(region: Region): FilterDefs<VpcPeeringConnection> {
  const cidrs = (vpcId: string) => region.vpcs.get(vpcId)?.cidrBlocks.map((b) => b.cidrBlock) ?? [];
  return {
    'accepter-vpc-info.cidr-block': (p) => cidrs(p.accepterVpcId),
    'accepter-vpc-info.owner-id': (p) => p.accepterOwnerId,
    'accepter-vpc-info.vpc-id': (p) => p.accepterVpcId,
    'expiration-time': (p) => (p.status === 'pending-acceptance' ? p.expirationTime : undefined),
    'requester-vpc-info.cidr-block': (p) => cidrs(p.requesterVpcId),
    'requester-vpc-info.owner-id': (p) => p.requesterOwnerId,
    'requester-vpc-info.vpc-id': (p) => p.requesterVpcId,
    'status-code': (p) => p.status,
    'status-message': (p) => peeringMessage(p),
    'vpc-peering-connection-id': (p) => p.id,
  };
}

// ------------------------------------------------------------------ zones, Regions, account

/** Commercial Regions enabled by default, and the opt-in ones (shown with AllRegions). */
const DEFAULT_REGIONS = [
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
  'ca-central-1', 'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];
const OPT_IN_REGIONS = [
  'af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ca-west-1', 'eu-central-2',
  'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1',
];

interface RegionInfo {
  name: string;
  optIn: string;
  tags?: undefined;
}

const REGION_FILTERS: FilterDefs<RegionInfo> = {
  endpoint: (r) => `ec2.${r.name}.amazonaws.com`,
  'opt-in-status': (r) => r.optIn,
  'region-name': (r) => r.name,
};

interface ZoneInfo {
  name: string;
  id: string;
  region: string;
  tags?: undefined;
}

const ZONE_FILTERS: FilterDefs<ZoneInfo> = {
  'group-long-name': () => undefined,
  'group-name': (z) => z.region,
  message: () => undefined,
  'opt-in-status': () => 'opt-in-not-required',
  'parent-zone-id': () => undefined,
  'parent-zone-name': () => undefined,
  'region-name': (z) => z.region,
  state: () => 'available',
  'zone-id': (z) => z.id,
  'zone-name': (z) => z.name,
  'zone-type': () => 'availability-zone',
};

// ------------------------------------------------------------------ handlers

export const networkHandlers: HandlerFamily = {
  // ---------------- VPCs
  CreateVpc: mutating((input, ctx) => {
    unsupported(input, ['Ipv4IpamPoolId', 'Ipv4NetmaskLength', 'Ipv6IpamPoolId', 'Ipv6NetmaskLength', 'Ipv6Pool']);
    const vpc = ctx.region.createVpc({
      cidrBlock: required(input.CidrBlock, 'CidrBlock'),
      amazonProvidedIpv6CidrBlock: input.AmazonProvidedIpv6CidrBlock,
      ipv6CidrBlock: input.Ipv6CidrBlock,
      instanceTenancy: tenancy(input.InstanceTenancy),
      tags: tagSpecifications(input.TagSpecifications, 'vpc'),
    });
    return { Vpc: vpcOut(vpc, ctx) };
  }),
  DeleteVpc: mutating((input, ctx) => {
    ctx.region.deleteVpc(required(input.VpcId, 'VpcId'));
    return undefined;
  }),
  DescribeVpcs: reading((input, ctx) => {
    const { page, nextToken } = describe(ctx.region.vpcs, input.VpcIds, Errors.vpcNotFound, input, VPC_FILTERS);
    return { Vpcs: page.map((v) => vpcOut(v, ctx)), NextToken: nextToken };
  }),
  AssociateVpcCidrBlock: mutating((input, ctx) => {
    unsupported(input, ['Ipv4IpamPoolId', 'Ipv4NetmaskLength', 'Ipv6IpamPoolId', 'Ipv6NetmaskLength', 'Ipv6Pool']);
    const vpcId = required(input.VpcId, 'VpcId');
    const a = ctx.region.associateVpcCidrBlock(vpcId, {
      cidrBlock: input.CidrBlock,
      amazonProvidedIpv6CidrBlock: input.AmazonProvidedIpv6CidrBlock,
      ipv6CidrBlock: input.Ipv6CidrBlock,
    });
    return {
      VpcId: vpcId,
      CidrBlockAssociation: a.cidrBlock !== undefined ? { AssociationId: a.associationId, CidrBlock: a.cidrBlock, CidrBlockState: ASSOCIATED } : undefined,
      Ipv6CidrBlockAssociation:
        a.ipv6CidrBlock !== undefined
          ? { AssociationId: a.associationId, Ipv6CidrBlock: a.ipv6CidrBlock, Ipv6CidrBlockState: ASSOCIATED, NetworkBorderGroup: ctx.regionName, Ipv6Pool: 'Amazon', Ipv6AddressAttribute: 'public', IpSource: 'amazon' }
          : undefined,
    };
  }),
  CreateDefaultVpc: mutating((_input, ctx) => ({ Vpc: vpcOut(ctx.region.createDefaultVpc(), ctx) })),

  // ---------------- subnets
  CreateSubnet: mutating((input, ctx) => {
    unsupported(input, ['Ipv4IpamPoolId', 'Ipv4NetmaskLength', 'Ipv6IpamPoolId', 'Ipv6NetmaskLength', 'OutpostArn']);
    if (input.Ipv6Native === true) throw Errors.invalidParameterValue('IPv6-only subnets (Ipv6Native) are not supported by rampart');
    let az: string | undefined = input.AvailabilityZone;
    if (input.AvailabilityZoneId !== undefined) {
      const byId = ctx.region.availabilityZones().find((z) => ctx.region.availabilityZoneId(z) === input.AvailabilityZoneId);
      if (!byId) throw Errors.invalidParameterValue(`Value (${input.AvailabilityZoneId}) for parameter availabilityZoneId is invalid.`);
      if (az !== undefined && az !== byId) throw Errors.invalidParameterCombination('The parameters AvailabilityZone and AvailabilityZoneId name different zones');
      az = byId;
    }
    const subnet = ctx.region.createSubnet({
      vpcId: required(input.VpcId, 'VpcId'),
      cidrBlock: required(input.CidrBlock, 'CidrBlock'),
      ipv6CidrBlock: input.Ipv6CidrBlock,
      availabilityZone: az,
      tags: tagSpecifications(input.TagSpecifications, 'subnet'),
    });
    return { Subnet: subnetOut(subnet, ctx) };
  }),
  DeleteSubnet: mutating((input, ctx) => {
    ctx.region.deleteSubnet(required(input.SubnetId, 'SubnetId'));
    return undefined;
  }),
  DescribeSubnets: reading((input, ctx) => {
    const { page, nextToken } = describe(ctx.region.subnets, input.SubnetIds, Errors.subnetNotFound, input, subnetFilters(ctx));
    return { Subnets: page.map((s) => subnetOut(s, ctx)), NextToken: nextToken };
  }),
  ModifySubnetAttribute: mutating((input, ctx) => {
    const subnetId = required(input.SubnetId, 'SubnetId');
    ctx.region.getSubnet(subnetId);
    // Attributes rampart does not model are accepted only at their defaults, so a Describe never disagrees.
    const unmodelled: [string, unknown, unknown][] = [
      ['MapCustomerOwnedIpOnLaunch', attributeBoolean(input.MapCustomerOwnedIpOnLaunch), false],
      ['EnableDns64', attributeBoolean(input.EnableDns64), false],
      ['EnableResourceNameDnsARecordOnLaunch', attributeBoolean(input.EnableResourceNameDnsARecordOnLaunch), false],
      ['EnableResourceNameDnsAAAARecordOnLaunch', attributeBoolean(input.EnableResourceNameDnsAAAARecordOnLaunch), false],
      ['PrivateDnsHostnameTypeOnLaunch', input.PrivateDnsHostnameTypeOnLaunch, 'ip-name'],
      ['CustomerOwnedIpv4Pool', input.CustomerOwnedIpv4Pool, undefined],
      ['EnableLniAtDeviceIndex', input.EnableLniAtDeviceIndex, undefined],
    ];
    for (const [name, value, dflt] of unmodelled) {
      if (value !== undefined && value !== dflt) throw Errors.invalidParameterValue(`The subnet attribute ${name} is not supported by rampart`);
    }
    const mapPublicIpOnLaunch = attributeBoolean(input.MapPublicIpOnLaunch);
    const assignIpv6AddressOnCreation = attributeBoolean(input.AssignIpv6AddressOnCreation);
    ctx.region.modifySubnetAttribute(subnetId, {
      ...(mapPublicIpOnLaunch !== undefined ? { mapPublicIpOnLaunch } : {}),
      ...(assignIpv6AddressOnCreation !== undefined ? { assignIpv6AddressOnCreation } : {}),
    });
    return undefined;
  }),

  // ---------------- network ACLs
  CreateNetworkAcl: mutating((input, ctx) => {
    const acl = ctx.region.createNetworkAcl({ vpcId: required(input.VpcId, 'VpcId'), tags: tagSpecifications(input.TagSpecifications, 'network-acl') });
    return { NetworkAcl: aclOut(acl), ClientToken: input.ClientToken };
  }),
  DeleteNetworkAcl: mutating((input, ctx) => {
    ctx.region.deleteNetworkAcl(required(input.NetworkAclId, 'NetworkAclId'));
    return undefined;
  }),
  CreateNetworkAclEntry: mutating((input, ctx) => {
    ctx.region.createNetworkAclEntry(required(input.NetworkAclId, 'NetworkAclId'), aclEntryIn(input));
    return undefined;
  }),
  ReplaceNetworkAclEntry: mutating((input, ctx) => {
    ctx.region.replaceNetworkAclEntry(required(input.NetworkAclId, 'NetworkAclId'), aclEntryIn(input));
    return undefined;
  }),
  DeleteNetworkAclEntry: mutating((input, ctx) => {
    ctx.region.deleteNetworkAclEntry(required(input.NetworkAclId, 'NetworkAclId'), required(input.RuleNumber, 'RuleNumber'), required(input.Egress, 'Egress'));
    return undefined;
  }),
  DescribeNetworkAcls: reading((input, ctx) => {
    const { page, nextToken } = describe(ctx.region.networkAcls, input.NetworkAclIds, Errors.aclNotFound, input, ACL_FILTERS, { min: 5, max: 100 });
    return { NetworkAcls: page.map(aclOut), NextToken: nextToken };
  }),
  ReplaceNetworkAclAssociation: mutating((input, ctx) => ({
    NewAssociationId: ctx.region.replaceNetworkAclAssociation(required(input.AssociationId, 'AssociationId'), required(input.NetworkAclId, 'NetworkAclId')),
  })),

  // ---------------- route tables
  CreateRouteTable: mutating((input, ctx) => {
    const rtb = ctx.region.createRouteTable({ vpcId: required(input.VpcId, 'VpcId'), tags: tagSpecifications(input.TagSpecifications, 'route-table') });
    return { RouteTable: routeTableOut(ctx.region, rtb), ClientToken: input.ClientToken };
  }),
  DeleteRouteTable: mutating((input, ctx) => {
    ctx.region.deleteRouteTable(required(input.RouteTableId, 'RouteTableId'));
    return undefined;
  }),
  DescribeRouteTables: reading((input, ctx) => {
    const { page, nextToken } = describe(ctx.region.routeTables, input.RouteTableIds, Errors.routeTableNotFound, input, routeTableFilters(ctx.region), { min: 5, max: 100 });
    return { RouteTables: page.map((r) => routeTableOut(ctx.region, r)), NextToken: nextToken };
  }),
  AssociateRouteTable: mutating((input, ctx) => {
    if (input.GatewayId !== undefined) throw Errors.invalidParameterValue('Gateway route table associations (GatewayId) are not supported by rampart');
    const id = ctx.region.associateRouteTable(required(input.RouteTableId, 'RouteTableId'), required(input.SubnetId, 'SubnetId'));
    return { AssociationId: id, AssociationState: ASSOCIATED };
  }),
  DisassociateRouteTable: mutating((input, ctx) => {
    ctx.region.disassociateRouteTable(required(input.AssociationId, 'AssociationId'));
    return undefined;
  }),
  ReplaceRouteTableAssociation: mutating((input, ctx) => ({
    NewAssociationId: ctx.region.replaceRouteTableAssociation(required(input.AssociationId, 'AssociationId'), required(input.RouteTableId, 'RouteTableId')),
    AssociationState: ASSOCIATED,
  })),
  CreateRoute: mutating((input, ctx) => {
    ctx.region.createRoute(required(input.RouteTableId, 'RouteTableId'), { ...routeDestinationIn(input), target: routeTargetIn(input) });
    return { Return: true };
  }),
  ReplaceRoute: mutating((input, ctx) => {
    ctx.region.replaceRoute(required(input.RouteTableId, 'RouteTableId'), { ...routeDestinationIn(input), target: routeTargetIn(input) });
    return undefined;
  }),
  DeleteRoute: mutating((input, ctx) => {
    ctx.region.deleteRoute(required(input.RouteTableId, 'RouteTableId'), routeDestinationIn(input));
    return undefined;
  }),

  // ---------------- internet gateways
  CreateInternetGateway: mutating((input, ctx) => ({
    InternetGateway: igwOut(ctx.region.createInternetGateway(tagSpecifications(input.TagSpecifications, 'internet-gateway'))),
  })),
  AttachInternetGateway: mutating((input, ctx) => {
    ctx.region.attachInternetGateway(required(input.InternetGatewayId, 'InternetGatewayId'), required(input.VpcId, 'VpcId'));
    return undefined;
  }),
  DetachInternetGateway: mutating((input, ctx) => {
    ctx.region.detachInternetGateway(required(input.InternetGatewayId, 'InternetGatewayId'), required(input.VpcId, 'VpcId'));
    return undefined;
  }),
  DeleteInternetGateway: mutating((input, ctx) => {
    ctx.region.deleteInternetGateway(required(input.InternetGatewayId, 'InternetGatewayId'));
    return undefined;
  }),
  DescribeInternetGateways: reading((input, ctx) => {
    const { page, nextToken } = describe(ctx.region.internetGateways, input.InternetGatewayIds, Errors.igwNotFound, input, IGW_FILTERS);
    return { InternetGateways: page.map(igwOut), NextToken: nextToken };
  }),

  // ---------------- peering
  CreateVpcPeeringConnection: mutating((input, ctx) => {
    const p = ctx.region.createVpcPeeringConnection({
      vpcId: required(input.VpcId, 'VpcId'),
      peerVpcId: required(input.PeerVpcId, 'PeerVpcId'),
      peerOwnerId: input.PeerOwnerId,
      peerRegion: input.PeerRegion,
      tags: tagSpecifications(input.TagSpecifications, 'vpc-peering-connection'),
    });
    if (p.status === 'pending-acceptance') p.expirationTime = new Date(ctx.now.getTime() + PEERING_EXPIRY_MS).toISOString();
    return { VpcPeeringConnection: peeringOut(ctx.region, p) };
  }),
  AcceptVpcPeeringConnection: mutating((input, ctx) => {
    const p = ctx.region.acceptVpcPeeringConnection(required(input.VpcPeeringConnectionId, 'VpcPeeringConnectionId'));
    return { VpcPeeringConnection: peeringOut(ctx.region, p) };
  }),
  RejectVpcPeeringConnection: mutating((input, ctx) => {
    ctx.region.rejectVpcPeeringConnection(required(input.VpcPeeringConnectionId, 'VpcPeeringConnectionId'));
    return { Return: true };
  }),
  DeleteVpcPeeringConnection: mutating((input, ctx) => {
    ctx.region.deleteVpcPeeringConnection(required(input.VpcPeeringConnectionId, 'VpcPeeringConnectionId'));
    return { Return: true };
  }),
  DescribeVpcPeeringConnections: reading((input, ctx) => {
    const { page, nextToken } = describe(ctx.region.vpcPeeringConnections, input.VpcPeeringConnectionIds, Errors.peeringNotFound, input, peeringFilters(ctx.region));
    return { VpcPeeringConnections: page.map((p) => peeringOut(ctx.region, p)), NextToken: nextToken };
  }),

  // ---------------- zones, Regions, account
  DescribeAvailabilityZones: reading((input, ctx) => {
    let zones: ZoneInfo[] = ctx.region.availabilityZones().map((name) => ({ name, id: ctx.region.availabilityZoneId(name), region: ctx.regionName }));
    const names: string[] = input.ZoneNames ?? [];
    const ids: string[] = input.ZoneIds ?? [];
    for (const n of names) if (!zones.some((z) => z.name === n)) throw Errors.invalidParameterValue(`Invalid availability zone: [${n}]`);
    for (const n of ids) if (!zones.some((z) => z.id === n)) throw Errors.invalidParameterValue(`Invalid availability zone ID: [${n}]`);
    if (names.length > 0 || ids.length > 0) zones = zones.filter((z) => names.includes(z.name) || ids.includes(z.id));
    zones = applyFilters(zones, input.Filters, ZONE_FILTERS);
    return {
      AvailabilityZones: zones.map((z) => ({
        OptInStatus: 'opt-in-not-required',
        Messages: [],
        RegionName: z.region,
        ZoneName: z.name,
        ZoneId: z.id,
        GroupName: z.region,
        NetworkBorderGroup: z.region,
        ZoneType: 'availability-zone',
        State: 'available',
      })),
    };
  }),
  DescribeRegions: reading((input) => {
    let regions: RegionInfo[] = DEFAULT_REGIONS.map((name) => ({ name, optIn: 'opt-in-not-required' }));
    if (input.AllRegions === true) regions.push(...OPT_IN_REGIONS.map((name) => ({ name, optIn: 'not-opted-in' })));
    regions.sort((a, b) => a.name.localeCompare(b.name));
    const names: string[] = input.RegionNames ?? [];
    if (names.length > 0) {
      const known = [...DEFAULT_REGIONS, ...OPT_IN_REGIONS];
      for (const n of names) if (!known.includes(n)) throw Errors.invalidParameterValue(`Invalid region: ${n}`);
      regions = regions.filter((r) => names.includes(r.name));
    }
    regions = applyFilters(regions, input.Filters, REGION_FILTERS);
    return { Regions: regions.map((r) => ({ Endpoint: `ec2.${r.name}.amazonaws.com`, RegionName: r.name, OptInStatus: r.optIn })) };
  }),
  DescribeAccountAttributes: reading((input, ctx) => {
    const q = ctx.region.quotas;
    const all: [string, string[]][] = [
      ['supported-platforms', ['VPC']],
      ['vpc-max-security-groups-per-interface', [String(q.securityGroupsPerInterface)]],
      ['max-elastic-ips', ['5']],
      ['max-instances', ['20']],
      ['vpc-max-elastic-ips', ['5']],
      ['default-vpc', [ctx.region.defaultVpc()?.id ?? 'none']],
    ];
    const wanted: string[] | undefined = input.AttributeNames;
    const chosen = wanted && wanted.length > 0 ? all.filter(([n]) => wanted.includes(n)) : all;
    return { AccountAttributes: chosen.map(([n, vs]) => ({ AttributeName: n, AttributeValues: vs.map((v) => ({ AttributeValue: v })) })) };
  }),
};
