// Network interfaces, instances, Elastic IPs, managed prefix lists, tags and flow logs, as the EC2 Query API
// serves them. The state layer (Region) enforces AWS's invariants; this module maps the model's members to
// Region calls and Region objects back to the output shapes, and keeps the few things the Region does not
// (reservations, attach times, flow logs, prefix-list versions) in per-Region side tables.
import { AwsError, Errors, type ErrorCode } from '../../model/errors.js';
import { arn, isIdOf } from '../../model/ids.js';
import type { ElasticAddress, FlowLog, Instance, ManagedPrefixList, NetworkInterface, PrefixListEntry, Tag } from '../../model/types.js';
import type { Region } from '../../state/region.js';
import { mutating, reading, type Ec2Context, type Ec2Input, type HandlerFamily } from '../context.js';
import { applyFilters, byIds, paginate, tagSpecifications, tagsIn, tagsOut, type FilterDefs } from '../describe.js';

/** An AWS error whose code the shared catalogue does not list (codes of resources only this module holds). */
function awsError(code: string, message: string): AwsError {
  return new AwsError(code as ErrorCode, message);
}

// ------------------------------------------------------------------ per-Region side tables

/** State a Region does not hold, kept beside it and dropped with it (moto-api reset makes new Regions). */
interface SideState {
  /** instance id -> reservation id */
  reservations: Map<string, string>;
  /** attachment id -> attach time */
  attachTimes: Map<string, string>;
  /** instance attributes rampart only echoes back (disableApiTermination, …) */
  instanceAttrs: Map<string, Record<string, boolean | string>>;
  flowLogs: Map<string, StoredFlowLog>;
  /** prefix list id -> entries by version, and the state of its last change */
  prefixListVersions: Map<string, Map<number, PrefixListEntry[]>>;
  prefixListState: Map<string, string>;
}

interface StoredFlowLog extends Omit<FlowLog, 'logDestinationType'> {
  logDestinationType: string;
  logGroupName?: string;
  deliverLogsPermissionArn?: string;
  resourceType: string;
}

const sides = new WeakMap<Region, SideState>();
function side(region: Region): SideState {
  let s = sides.get(region);
  if (!s) {
    s = { reservations: new Map(), attachTimes: new Map(), instanceAttrs: new Map(), flowLogs: new Map(), prefixListVersions: new Map(), prefixListState: new Map() };
    sides.set(region, s);
  }
  return s;
}

/**
 * Resources held outside the Region (flow logs here, Reachability Analyzer paths and analyses in insights.ts)
 * register here so CreateTags, DeleteTags and DescribeTags reach them too.
 */
export interface SideTaggable {
  resourceType: string;
  find: (region: Region, id: string) => { tags: Tag[] } | undefined;
  all: (region: Region) => { id: string; tags: Tag[] }[];
}
const sideTaggables: SideTaggable[] = [];
export function registerTaggable(t: SideTaggable): void {
  sideTaggables.push(t);
}
registerTaggable({
  resourceType: 'vpc-flow-log',
  find: (region, id) => side(region).flowLogs.get(id),
  all: (region) => [...side(region).flowLogs.values()],
});

// ------------------------------------------------------------------ helpers

const toList = <T>(x: T[] | undefined): T[] => x ?? [];

function privateDnsName(region: Region, ip: string): string {
  const host = `ip-${ip.replace(/\./g, '-')}`;
  return region.name === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region.name}.compute.internal`;
}
function publicDnsName(region: Region, ip: string): string {
  const host = `ec2-${ip.replace(/\./g, '-')}`;
  return region.name === 'us-east-1' ? `${host}.compute-1.amazonaws.com` : `${host}.${region.name}.compute.amazonaws.com`;
}

function groupIdentifiers(region: Region, ids: string[]): { GroupId: string; GroupName?: string }[] {
  return ids.map((id) => ({ GroupId: id, GroupName: region.securityGroups.get(id)?.name }));
}

function connectionTrackingOut(eni: NetworkInterface) {
  return {
    TcpEstablishedTimeout: eni.connectionTracking.tcpEstablishedTimeout,
    UdpStreamTimeout: eni.connectionTracking.udpStreamTimeout,
    UdpTimeout: eni.connectionTracking.udpTimeout,
  };
}

function connectionTrackingIn(spec: Ec2Input | undefined) {
  if (!spec) return undefined;
  return {
    ...(spec.TcpEstablishedTimeout !== undefined ? { tcpEstablishedTimeout: spec.TcpEstablishedTimeout } : {}),
    ...(spec.UdpStreamTimeout !== undefined ? { udpStreamTimeout: spec.UdpStreamTimeout } : {}),
    ...(spec.UdpTimeout !== undefined ? { udpTimeout: spec.UdpTimeout } : {}),
  };
}

function attachTime(region: Region, attachmentId: string): string {
  return side(region).attachTimes.get(attachmentId) ?? new Date(0).toISOString();
}

function eniAssociationOut(region: Region, a: NonNullable<NetworkInterface['privateIpAddresses'][number]['association']>) {
  return { AllocationId: a.allocationId, AssociationId: a.associationId, IpOwnerId: a.ipOwnerId, PublicDnsName: publicDnsName(region, a.publicIp), PublicIp: a.publicIp };
}

function eniOut(region: Region, eni: NetworkInterface) {
  const primary = eni.privateIpAddresses.find((p) => p.primary) ?? eni.privateIpAddresses[0];
  const az = region.subnets.get(eni.subnetId)?.availabilityZoneId;
  return {
    Association: primary?.association ? eniAssociationOut(region, primary.association) : undefined,
    Attachment: eni.attachment
      ? {
          AttachTime: attachTime(region, eni.attachment.attachmentId), AttachmentId: eni.attachment.attachmentId,
          DeleteOnTermination: eni.attachment.deleteOnTermination, DeviceIndex: eni.attachment.deviceIndex, NetworkCardIndex: 0,
          InstanceId: eni.attachment.instanceId, InstanceOwnerId: eni.attachment.instanceOwnerId, Status: eni.attachment.status,
        }
      : undefined,
    AvailabilityZone: eni.availabilityZone,
    AvailabilityZoneId: az,
    ConnectionTrackingConfiguration: connectionTrackingOut(eni),
    Description: eni.description,
    Groups: groupIdentifiers(region, eni.groups),
    InterfaceType: eni.interfaceType,
    Ipv6Addresses: eni.ipv6Addresses.map((a) => ({ Ipv6Address: a, IsPrimaryIpv6: false })),
    MacAddress: eni.macAddress,
    NetworkInterfaceId: eni.id,
    OwnerId: eni.ownerId,
    PrivateDnsName: primary ? privateDnsName(region, primary.privateIpAddress) : undefined,
    PrivateIpAddress: primary?.privateIpAddress,
    PrivateIpAddresses: eni.privateIpAddresses.map((p) => ({
      Association: p.association ? eniAssociationOut(region, p.association) : undefined,
      Primary: p.primary, PrivateDnsName: privateDnsName(region, p.privateIpAddress), PrivateIpAddress: p.privateIpAddress,
    })),
    Ipv4Prefixes: [],
    Ipv6Prefixes: [],
    RequesterId: eni.requesterId,
    RequesterManaged: eni.requesterManaged,
    SourceDestCheck: eni.sourceDestCheck,
    Status: eni.status,
    SubnetId: eni.subnetId,
    TagSet: tagsOut(eni.tags),
    VpcId: eni.vpcId,
    DenyAllIgwTraffic: false,
    Ipv6Native: false,
  };
}

const ENI_FILTERS: FilterDefs<NetworkInterface> = {
  'addresses.private-ip-address': (e) => e.privateIpAddresses.map((p) => p.privateIpAddress),
  'addresses.primary': (e) => e.privateIpAddresses.map((p) => p.primary),
  'addresses.association.public-ip': (e) => e.privateIpAddresses.map((p) => p.association?.publicIp),
  'addresses.association.owner-id': (e) => e.privateIpAddresses.map((p) => p.association?.ipOwnerId),
  'association.association-id': (e) => e.privateIpAddresses.map((p) => p.association?.associationId),
  'association.allocation-id': (e) => e.privateIpAddresses.map((p) => p.association?.allocationId),
  'association.ip-owner-id': (e) => e.privateIpAddresses.map((p) => p.association?.ipOwnerId),
  'association.public-ip': (e) => e.privateIpAddresses.map((p) => p.association?.publicIp),
  'association.public-dns-name': (e) => e.privateIpAddresses.map((p) => p.association?.publicIp),
  'attachment.attachment-id': (e) => e.attachment?.attachmentId,
  'attachment.attach-time': () => undefined,
  'attachment.delete-on-termination': (e) => e.attachment?.deleteOnTermination,
  'attachment.device-index': (e) => e.attachment?.deviceIndex,
  'attachment.instance-id': (e) => e.attachment?.instanceId,
  'attachment.instance-owner-id': (e) => e.attachment?.instanceOwnerId,
  'attachment.status': (e) => e.attachment?.status,
  'availability-zone': (e) => e.availabilityZone,
  description: (e) => e.description,
  'group-id': (e) => e.groups,
  'group-name': () => undefined,
  'interface-type': (e) => e.interfaceType,
  'ipv6-addresses.ipv6-address': (e) => e.ipv6Addresses,
  'mac-address': (e) => e.macAddress,
  'network-interface-id': (e) => e.id,
  'owner-id': (e) => e.ownerId,
  'private-ip-address': (e) => e.privateIpAddresses.map((p) => p.privateIpAddress),
  'private-dns-name': () => undefined,
  'requester-id': (e) => e.requesterId,
  'requester-managed': (e) => e.requesterManaged,
  'source-dest-check': (e) => e.sourceDestCheck,
  status: (e) => e.status,
  'subnet-id': (e) => e.subnetId,
  'vpc-id': (e) => e.vpcId,
};

/** Filters that need the Region (group names, DNS names, attach times). */
function eniFilters(region: Region): FilterDefs<NetworkInterface> {
  return {
    ...ENI_FILTERS,
    'group-name': (e) => e.groups.map((g) => region.securityGroups.get(g)?.name),
    'private-dns-name': (e) => e.privateIpAddresses.map((p) => privateDnsName(region, p.privateIpAddress)),
    'association.public-dns-name': (e) => e.privateIpAddresses.map((p) => (p.association ? publicDnsName(region, p.association.publicIp) : undefined)),
    'attachment.attach-time': (e) => (e.attachment ? attachTime(region, e.attachment.attachmentId) : undefined),
  };
}

// ------------------------------------------------------------------ instances

const STATE_CODES: Record<Instance['state'], number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
const stateOut = (s: Instance['state']) => ({ Code: STATE_CODES[s], Name: s });

function instanceEnis(region: Region, inst: Instance): NetworkInterface[] {
  return inst.networkInterfaceIds.flatMap((id) => {
    const e = id ? region.networkInterfaces.get(id) : undefined;
    return e ? [e] : [];
  });
}

function instanceOut(region: Region, inst: Instance) {
  const enis = instanceEnis(region, inst);
  const primary = enis.find((e) => e.attachment?.deviceIndex === 0);
  const primaryIp = primary?.privateIpAddresses.find((p) => p.primary) ?? primary?.privateIpAddresses[0];
  const publicIp = primaryIp?.association?.publicIp;
  const attrs = side(region).instanceAttrs.get(inst.id) ?? {};
  return {
    Architecture: 'x86_64',
    BlockDeviceMappings: [],
    EbsOptimized: attrs.ebsOptimized === true,
    EnaSupport: true,
    Hypervisor: 'xen',
    NetworkInterfaces: enis.map((e) => {
      const p = e.privateIpAddresses.find((x) => x.primary) ?? e.privateIpAddresses[0];
      const assoc = (a: NonNullable<typeof p.association>) => ({ IpOwnerId: a.ipOwnerId, PublicDnsName: publicDnsName(region, a.publicIp), PublicIp: a.publicIp });
      return {
        Association: p?.association ? assoc(p.association) : undefined,
        Attachment: e.attachment
          ? { AttachTime: attachTime(region, e.attachment.attachmentId), AttachmentId: e.attachment.attachmentId, DeleteOnTermination: e.attachment.deleteOnTermination, DeviceIndex: e.attachment.deviceIndex, Status: e.attachment.status, NetworkCardIndex: 0 }
          : undefined,
        Description: e.description,
        Groups: groupIdentifiers(region, e.groups),
        Ipv6Addresses: e.ipv6Addresses.map((a) => ({ Ipv6Address: a, IsPrimaryIpv6: false })),
        MacAddress: e.macAddress,
        NetworkInterfaceId: e.id,
        OwnerId: e.ownerId,
        PrivateDnsName: p ? privateDnsName(region, p.privateIpAddress) : undefined,
        PrivateIpAddress: p?.privateIpAddress,
        PrivateIpAddresses: e.privateIpAddresses.map((x) => ({
          Association: x.association ? assoc(x.association) : undefined, Primary: x.primary,
          PrivateDnsName: privateDnsName(region, x.privateIpAddress), PrivateIpAddress: x.privateIpAddress,
        })),
        SourceDestCheck: e.sourceDestCheck,
        Status: e.status,
        SubnetId: e.subnetId,
        VpcId: e.vpcId,
        InterfaceType: e.interfaceType,
        Ipv4Prefixes: [],
        Ipv6Prefixes: [],
      };
    }),
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    SecurityGroups: groupIdentifiers(region, primary?.groups ?? []),
    SourceDestCheck: primary?.sourceDestCheck,
    Tags: tagsOut(inst.tags),
    VirtualizationType: 'hvm',
    InstanceId: inst.id,
    ImageId: inst.imageId,
    State: stateOut(inst.state),
    PrivateDnsName: primaryIp ? privateDnsName(region, primaryIp.privateIpAddress) : '',
    PublicDnsName: publicIp ? publicDnsName(region, publicIp) : '',
    StateTransitionReason: inst.state === 'terminated' ? 'User initiated' : '',
    AmiLaunchIndex: 0,
    ProductCodes: [],
    InstanceType: inst.instanceType,
    LaunchTime: inst.launchTime,
    Placement: { AvailabilityZone: inst.availabilityZone, GroupName: '', Tenancy: 'default' },
    Monitoring: { State: 'disabled' },
    SubnetId: inst.state === 'terminated' ? undefined : inst.subnetId,
    VpcId: inst.state === 'terminated' ? undefined : inst.vpcId,
    PrivateIpAddress: primaryIp?.privateIpAddress,
    PublicIpAddress: publicIp,
  };
}

function instanceFilters(region: Region): FilterDefs<Instance> {
  const enis = (i: Instance) => instanceEnis(region, i);
  const primary = (i: Instance) => enis(i).find((e) => e.attachment?.deviceIndex === 0);
  const groups = (i: Instance) => primary(i)?.groups ?? [];
  const names = (ids: string[]) => ids.map((g) => region.securityGroups.get(g)?.name);
  return {
    'instance-id': (i) => i.id,
    'instance-state-name': (i) => i.state,
    'instance-state-code': (i) => STATE_CODES[i.state],
    'instance-type': (i) => i.instanceType,
    'image-id': (i) => i.imageId,
    'availability-zone': (i) => i.availabilityZone,
    'owner-id': (i) => i.ownerId,
    'reservation-id': (i) => side(region).reservations.get(i.id),
    'subnet-id': (i) => i.subnetId,
    'vpc-id': (i) => i.vpcId,
    'private-ip-address': (i) => primary(i)?.privateIpAddresses.find((p) => p.primary)?.privateIpAddress,
    'private-dns-name': (i) => { const ip = primary(i)?.privateIpAddresses.find((p) => p.primary)?.privateIpAddress; return ip ? privateDnsName(region, ip) : undefined; },
    'ip-address': (i) => primary(i)?.privateIpAddresses.find((p) => p.primary)?.association?.publicIp,
    'dns-name': (i) => { const ip = primary(i)?.privateIpAddresses.find((p) => p.primary)?.association?.publicIp; return ip ? publicDnsName(region, ip) : undefined; },
    'source-dest-check': (i) => primary(i)?.sourceDestCheck,
    'instance.group-id': groups,
    'instance.group-name': (i) => names(groups(i)),
    'group-id': groups,
    'group-name': (i) => names(groups(i)),
    'launch-time': (i) => i.launchTime,
    'network-interface.network-interface-id': (i) => enis(i).map((e) => e.id),
    'network-interface.subnet-id': (i) => enis(i).map((e) => e.subnetId),
    'network-interface.vpc-id': (i) => enis(i).map((e) => e.vpcId),
    'network-interface.description': (i) => enis(i).map((e) => e.description),
    'network-interface.mac-address': (i) => enis(i).map((e) => e.macAddress),
    'network-interface.owner-id': (i) => enis(i).map((e) => e.ownerId),
    'network-interface.status': (i) => enis(i).map((e) => e.status),
    'network-interface.source-dest-check': (i) => enis(i).map((e) => e.sourceDestCheck),
    'network-interface.group-id': (i) => enis(i).flatMap((e) => e.groups),
    'network-interface.group-name': (i) => names(enis(i).flatMap((e) => e.groups)),
    'network-interface.private-dns-name': (i) => enis(i).flatMap((e) => e.privateIpAddresses.map((p) => privateDnsName(region, p.privateIpAddress))),
    'network-interface.addresses.private-ip-address': (i) => enis(i).flatMap((e) => e.privateIpAddresses.map((p) => p.privateIpAddress)),
    'network-interface.addresses.primary': (i) => enis(i).flatMap((e) => e.privateIpAddresses.map((p) => p.primary)),
    'network-interface.addresses.association.public-ip': (i) => enis(i).flatMap((e) => e.privateIpAddresses.map((p) => p.association?.publicIp)),
    'network-interface.addresses.association.ip-owner-id': (i) => enis(i).flatMap((e) => e.privateIpAddresses.map((p) => p.association?.ipOwnerId)),
    'network-interface.association.public-ip': (i) => enis(i).flatMap((e) => e.privateIpAddresses.map((p) => p.association?.publicIp)),
    'network-interface.association.ip-owner-id': (i) => enis(i).flatMap((e) => e.privateIpAddresses.map((p) => p.association?.ipOwnerId)),
    'network-interface.association.allocation-id': (i) => enis(i).flatMap((e) => e.privateIpAddresses.map((p) => p.association?.allocationId)),
    'network-interface.association.association-id': (i) => enis(i).flatMap((e) => e.privateIpAddresses.map((p) => p.association?.associationId)),
    'network-interface.attachment.attachment-id': (i) => enis(i).map((e) => e.attachment?.attachmentId),
    'network-interface.attachment.instance-id': (i) => enis(i).map((e) => e.attachment?.instanceId),
    'network-interface.attachment.instance-owner-id': (i) => enis(i).map((e) => e.attachment?.instanceOwnerId),
    'network-interface.attachment.device-index': (i) => enis(i).map((e) => e.attachment?.deviceIndex),
    'network-interface.attachment.status': (i) => enis(i).map((e) => e.attachment?.status),
    'network-interface.attachment.delete-on-termination': (i) => enis(i).map((e) => e.attachment?.deleteOnTermination),
    'network-interface.ipv6-addresses.ipv6-address': (i) => enis(i).flatMap((e) => e.ipv6Addresses),
    'ipv6-address': (i) => enis(i).flatMap((e) => e.ipv6Addresses),
    'architecture': () => 'x86_64',
    'hypervisor': () => 'xen',
    'virtualization-type': () => 'hvm',
    'root-device-type': () => 'ebs',
    'root-device-name': () => '/dev/xvda',
    'tenancy': () => 'default',
    'monitoring-state': () => 'disabled',
    'placement-group-name': () => '',
  };
}

/** Tags of TagSpecifications by resource type (RunInstances accepts several types; others are ignored). */
function tagsByType(specs: Ec2Input[] | undefined, allowed: string[]): Map<string, Tag[]> {
  const out = new Map<string, Tag[]>();
  for (const s of specs ?? []) {
    const type = s.ResourceType as string | undefined;
    if (type === undefined) throw Errors.missingParameter('TagSpecification.N.ResourceType');
    if (!allowed.includes(type)) throw Errors.invalidParameterValue(`'${type}' is not a valid taggable resource type for this operation.`);
    out.set(type, [...(out.get(type) ?? []), ...tagsIn(s.Tags)]);
  }
  return out;
}

function runInstances(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const min = input.MinCount as number;
  const max = input.MaxCount as number;
  if (!Number.isInteger(min) || min < 1) throw Errors.invalidParameterValue(`Invalid value '${min}' for minCount. Must be at least 1.`);
  if (!Number.isInteger(max) || max < min) throw Errors.invalidParameterValue(`Invalid value '${max}' for maxCount. Must be at least minCount (${min}).`);
  if (!input.ImageId) throw Errors.missingParameter('ImageId');
  const specs = toList<Ec2Input>(input.NetworkInterfaces);
  const ids = toList<string>(input.SecurityGroupIds);
  const names = toList<string>(input.SecurityGroups);
  const tags = tagsByType(input.TagSpecifications, ['instance', 'network-interface', 'volume', 'spot-instances-request']);
  let primarySpec: Ec2Input | undefined;
  if (specs.length) {
    if (input.SubnetId !== undefined || ids.length || names.length || input.PrivateIpAddress !== undefined) {
      throw Errors.invalidParameterCombination('Network interfaces and an instance-level subnet ID, private IP address or security groups may not be specified on the same request');
    }
    const seen = new Set<number>();
    for (const s of specs) {
      if (s.DeviceIndex === undefined && s.NetworkCardIndex === undefined) throw Errors.missingParameter('NetworkInterface.N.DeviceIndex');
      if (seen.has(s.DeviceIndex)) throw Errors.invalidParameterValue(`Each network interface requires a unique device index.`);
      seen.add(s.DeviceIndex);
      if (s.NetworkInterfaceId !== undefined) throw Errors.invalidParameterValue('rampart does not launch instances on existing network interfaces (NetworkInterface.N.NetworkInterfaceId); create the instance, then AttachNetworkInterface');
    }
    primarySpec = specs.find((s) => s.DeviceIndex === 0);
    if (!primarySpec) throw Errors.invalidParameterValue('A network interface at device index 0 is required.');
    if (specs.length > 1 && max > 1) throw Errors.invalidParameterCombination('Multiple network interfaces can be specified only when launching a single instance');
  }
  const subnetId: string | undefined = primarySpec ? primarySpec.SubnetId : input.SubnetId;
  const subnet = subnetId !== undefined ? region.getSubnet(subnetId) : undefined;
  let groups: string[] = primarySpec ? toList<string>(primarySpec.Groups) : [...ids];
  if (names.length) {
    const vpc = subnet ? region.getVpc(subnet.vpcId) : region.defaultVpc();
    if (!vpc) throw awsError('VPCIdNotSpecified', 'No default VPC for this user');
    if (!vpc.isDefault) throw Errors.invalidParameterCombination('The parameter groupName cannot be used with the parameter subnet');
    for (const n of names) groups.push(region.resolveGroup({ groupName: n, vpcId: vpc.id }).id);
  }
  groups = [...new Set(groups)];
  // secondary interfaces: check their subnets and groups before anything is made
  const secondary = specs.filter((s) => s !== primarySpec);
  for (const s of secondary) {
    if (s.SubnetId === undefined) throw Errors.missingParameter('NetworkInterface.N.SubnetId');
    region.getSubnet(s.SubnetId);
    for (const g of toList<string>(s.Groups)) region.getGroup(g);
  }
  if (primarySpec?.AssociatePublicIpAddress && specs.length > 1) {
    throw Errors.invalidParameterCombination('The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.');
  }
  const instances = region.runInstances({
    subnetId, groups, count: max, imageId: input.ImageId, instanceType: input.InstanceType,
    privateIpAddress: primarySpec ? (primarySpec.PrivateIpAddress ?? toList<Ec2Input>(primarySpec.PrivateIpAddresses).find((p) => p.Primary)?.PrivateIpAddress) : input.PrivateIpAddress,
    secondaryPrivateIpAddressCount: primarySpec?.SecondaryPrivateIpAddressCount,
    ipv6AddressCount: primarySpec ? primarySpec.Ipv6AddressCount : input.Ipv6AddressCount,
    associatePublicIpAddress: primarySpec?.AssociatePublicIpAddress,
    tags: tags.get('instance'),
  });
  const s = side(region);
  const reservationId = region.ids.id('r');
  const now = ctx.now.toISOString();
  for (const inst of instances) {
    inst.launchTime = now;
    s.reservations.set(inst.id, reservationId);
    const eni = region.networkInterfaces.get(inst.networkInterfaceIds[0])!;
    s.attachTimes.set(eni.attachment!.attachmentId, now);
    if (primarySpec?.Description !== undefined) eni.description = primarySpec.Description;
    if (primarySpec?.DeleteOnTermination === false) eni.attachment!.deleteOnTermination = false;
    if (tags.get('network-interface')?.length) region.createTags([eni.id], tags.get('network-interface')!);
    for (const spec of secondary) {
      const extra = region.createNetworkInterface({
        subnetId: spec.SubnetId, groups: toList<string>(spec.Groups), privateIpAddress: spec.PrivateIpAddress,
        secondaryPrivateIpAddressCount: spec.SecondaryPrivateIpAddressCount, ipv6AddressCount: spec.Ipv6AddressCount,
        description: spec.Description, tags: tags.get('network-interface'),
      });
      const attachmentId = region.attachNetworkInterface(extra.id, inst.id, spec.DeviceIndex);
      extra.attachment!.deleteOnTermination = spec.DeleteOnTermination ?? true;
      s.attachTimes.set(attachmentId, now);
    }
  }
  return { ReservationId: reservationId, OwnerId: region.accountId, Groups: [], Instances: instances.map((i) => instanceOut(region, i)) };
}

function describeInstances(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const ids = toList<string>(input.InstanceIds);
  if (ids.length && input.MaxResults !== undefined) throw Errors.invalidParameterCombination('The parameter instancesSet cannot be used with the parameter maxResults');
  for (const id of ids) if (!isIdOf('i', id)) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
  const all = byIds(region.instances, ids, Errors.instanceNotFound);
  const filtered = applyFilters(all, input.Filters, instanceFilters(region));
  const { page, nextToken } = paginate(filtered, input, { min: 5, max: 1000 });
  const s = side(region);
  const byReservation = new Map<string, Instance[]>();
  for (const inst of page) {
    const r = s.reservations.get(inst.id) ?? `r-${inst.id.slice(2)}`;
    byReservation.set(r, [...(byReservation.get(r) ?? []), inst]);
  }
  return {
    Reservations: [...byReservation].map(([r, insts]) => ({ ReservationId: r, OwnerId: region.accountId, Groups: [], Instances: insts.map((i) => instanceOut(region, i)) })),
    NextToken: nextToken,
  };
}

function terminateInstances(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const ids = toList<string>(input.InstanceIds);
  if (!ids.length) throw Errors.missingParameter('InstanceId');
  const previous = ids.map((id) => {
    const inst = region.instances.get(id);
    if (!inst) throw Errors.instanceNotFound(id);
    return inst.state;
  });
  const live = ids.filter((_, i) => previous[i] !== 'terminated');
  region.terminateInstances([...new Set(live)]);
  return {
    TerminatingInstances: ids.map((id, i) => ({
      InstanceId: id,
      // AWS answers shutting-down for a running instance (it shows terminated shortly after) and terminated again
      // for one already terminated.
      CurrentState: stateOut(previous[i] === 'terminated' ? 'terminated' : 'shutting-down'),
      PreviousState: stateOut(previous[i]),
    })),
  };
}

const BOOLEAN_INSTANCE_ATTRS = ['DisableApiTermination', 'DisableApiStop', 'EbsOptimized', 'EnaSupport'] as const;
const attrKey = (member: string) => member[0].toLowerCase() + member.slice(1);

function modifyInstanceAttribute(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const inst = region.getInstance(input.InstanceId);
  const primaryEni = inst.networkInterfaceIds[0];
  let groups: string[] | undefined = input.Groups;
  let sourceDestCheck: boolean | undefined = input.SourceDestCheck?.Value;
  let instanceType: string | undefined = input.InstanceType?.Value;
  const attrs: Record<string, boolean | string> = {};
  for (const m of BOOLEAN_INSTANCE_ATTRS) if (input[m]?.Value !== undefined) attrs[attrKey(m)] = input[m].Value;
  if (input.InstanceInitiatedShutdownBehavior?.Value !== undefined) attrs.instanceInitiatedShutdownBehavior = input.InstanceInitiatedShutdownBehavior.Value;
  // the older form: Attribute=<name>&Value=<value>
  if (input.Attribute !== undefined) {
    const v = input.Value as string | undefined;
    switch (input.Attribute) {
      case 'sourceDestCheck': if (v !== undefined) sourceDestCheck = v === 'true'; break;
      case 'instanceType': instanceType = v; break;
      case 'groupSet': if (!groups?.length) throw Errors.missingParameter('GroupId'); break;
      case 'disableApiTermination': case 'ebsOptimized': case 'enaSupport': if (v !== undefined) attrs[input.Attribute] = v === 'true'; break;
      case 'instanceInitiatedShutdownBehavior': if (v !== undefined) attrs[input.Attribute] = v; break;
      default: throw Errors.invalidParameterValue(`rampart does not model the instance attribute '${input.Attribute}'`);
    }
  }
  if (groups !== undefined && groups.length === 0) groups = undefined;
  if (groups === undefined && sourceDestCheck === undefined && instanceType === undefined && Object.keys(attrs).length === 0) {
    throw Errors.missingParameter('Attribute');
  }
  if (groups) region.modifyInstanceGroups(inst.id, groups);
  if (sourceDestCheck !== undefined && primaryEni) region.modifyNetworkInterfaceAttribute(primaryEni, { sourceDestCheck });
  if (instanceType !== undefined) inst.instanceType = instanceType;
  const s = side(region);
  s.instanceAttrs.set(inst.id, { ...(s.instanceAttrs.get(inst.id) ?? {}), ...attrs });
  return {};
}

function describeInstanceAttribute(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const inst = region.getInstance(input.InstanceId);
  const primary = inst.networkInterfaceIds[0] ? region.networkInterfaces.get(inst.networkInterfaceIds[0]) : undefined;
  const attrs = side(region).instanceAttrs.get(inst.id) ?? {};
  const bool = (k: string, d: boolean) => ({ Value: typeof attrs[k] === 'boolean' ? (attrs[k] as boolean) : d });
  const out: Record<string, unknown> = { InstanceId: inst.id };
  switch (input.Attribute as string) {
    case 'groupSet': out.Groups = groupIdentifiers(region, primary?.groups ?? []); break;
    case 'sourceDestCheck': out.SourceDestCheck = { Value: primary?.sourceDestCheck ?? true }; break;
    case 'instanceType': out.InstanceType = { Value: inst.instanceType }; break;
    case 'disableApiTermination': out.DisableApiTermination = bool('disableApiTermination', false); break;
    case 'disableApiStop': out.DisableApiStop = bool('disableApiStop', false); break;
    case 'ebsOptimized': out.EbsOptimized = bool('ebsOptimized', false); break;
    case 'enaSupport': out.EnaSupport = bool('enaSupport', true); break;
    case 'instanceInitiatedShutdownBehavior': out.InstanceInitiatedShutdownBehavior = { Value: (attrs.instanceInitiatedShutdownBehavior as string | undefined) ?? 'stop' }; break;
    case 'rootDeviceName': out.RootDeviceName = { Value: '/dev/xvda' }; break;
    case 'blockDeviceMapping': out.BlockDeviceMappings = []; break;
    case 'productCodes': out.ProductCodes = []; break;
    case 'kernel': out.KernelId = {}; break;
    case 'ramdisk': out.RamdiskId = {}; break;
    case 'userData': out.UserData = {}; break;
    case 'sriovNetSupport': out.SriovNetSupport = {}; break;
    case 'enclaveOptions': out.EnclaveOptions = { Enabled: false }; break;
    default: throw Errors.invalidParameterValue(`Value (${input.Attribute}) for parameter attribute is invalid.`);
  }
  return out;
}

// ------------------------------------------------------------------ network interfaces

function createNetworkInterface(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const privs = toList<Ec2Input>(input.PrivateIpAddresses);
  // PrivateIpAddresses.N.Primary marks the primary; it goes first
  const primaryFirst = [...privs.filter((p) => p.Primary), ...privs.filter((p) => !p.Primary)].map((p) => p.PrivateIpAddress as string);
  if (privs.filter((p) => p.Primary).length > 1) throw Errors.invalidParameterValue('Only one primary private IP address can be specified');
  if (input.PrivateIpAddress !== undefined && privs.some((p) => p.Primary && p.PrivateIpAddress !== input.PrivateIpAddress)) {
    throw Errors.invalidParameterCombination('The primary private IP address is specified twice with different values');
  }
  const interfaceType = input.InterfaceType as string | undefined;
  if (interfaceType !== undefined && !['efa', 'branch', 'trunk', 'interface'].includes(interfaceType)) {
    throw Errors.invalidParameterValue(`rampart does not create network interfaces of type '${interfaceType}'`);
  }
  const eni = region.createNetworkInterface({
    subnetId: input.SubnetId,
    groups: toList<string>(input.Groups),
    privateIpAddress: input.PrivateIpAddress,
    privateIpAddresses: primaryFirst.filter((a) => a !== input.PrivateIpAddress),
    secondaryPrivateIpAddressCount: input.SecondaryPrivateIpAddressCount,
    ipv6Addresses: toList<Ec2Input>(input.Ipv6Addresses).map((a) => a.Ipv6Address as string),
    ipv6AddressCount: input.Ipv6AddressCount,
    description: input.Description,
    interfaceType: interfaceType as NetworkInterface['interfaceType'] | undefined,
    connectionTracking: connectionTrackingIn(input.ConnectionTrackingSpecification),
    tags: tagSpecifications(input.TagSpecifications, 'network-interface'),
  });
  return { NetworkInterface: eniOut(region, eni), ClientToken: input.ClientToken };
}

function describeNetworkInterfaces(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const ids = toList<string>(input.NetworkInterfaceIds);
  if (ids.length && input.MaxResults !== undefined) throw Errors.invalidParameterCombination('The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults');
  for (const id of ids) region.getNetworkInterface(id);
  const all = byIds(region.networkInterfaces, ids, Errors.eniNotFound);
  const filtered = applyFilters(all, input.Filters, eniFilters(region));
  const { page, nextToken } = paginate(filtered, input, { min: 5, max: 1000 });
  return { NetworkInterfaces: page.map((e) => eniOut(region, e)), NextToken: nextToken };
}

function modifyNetworkInterfaceAttribute(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const eni = region.getNetworkInterface(input.NetworkInterfaceId);
  const groups = input.Groups as string[] | undefined;
  const attachment = input.Attachment as Ec2Input | undefined;
  const changes = {
    ...(groups !== undefined && groups.length ? { groups } : {}),
    ...(input.SourceDestCheck?.Value !== undefined ? { sourceDestCheck: input.SourceDestCheck.Value as boolean } : {}),
    ...(input.Description?.Value !== undefined ? { description: input.Description.Value as string } : {}),
    ...(input.ConnectionTrackingSpecification ? { connectionTracking: connectionTrackingIn(input.ConnectionTrackingSpecification) } : {}),
  };
  if (Object.keys(changes).length === 0 && attachment?.DeleteOnTermination === undefined) throw Errors.missingParameter('Attribute');
  if (attachment?.DeleteOnTermination !== undefined) {
    if (!eni.attachment || (attachment.AttachmentId !== undefined && attachment.AttachmentId !== eni.attachment.attachmentId)) {
      throw Errors.attachmentNotFound(attachment.AttachmentId ?? '');
    }
  }
  if (Object.keys(changes).length) region.modifyNetworkInterfaceAttribute(eni.id, changes);
  if (attachment?.DeleteOnTermination !== undefined && eni.attachment) eni.attachment.deleteOnTermination = attachment.DeleteOnTermination;
  return {};
}

function attachNetworkInterface(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  if (!Number.isInteger(input.DeviceIndex) || input.DeviceIndex < 0) throw Errors.invalidParameterValue(`Invalid value '${input.DeviceIndex}' for deviceIndex`);
  const attachmentId = region.attachNetworkInterface(input.NetworkInterfaceId, input.InstanceId, input.DeviceIndex);
  side(region).attachTimes.set(attachmentId, ctx.now.toISOString());
  return { AttachmentId: attachmentId, NetworkCardIndex: 0 };
}

function assignPrivateIpAddresses(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const ips = toList<string>(input.PrivateIpAddresses);
  if (ips.length && input.SecondaryPrivateIpAddressCount !== undefined) {
    throw Errors.invalidParameterCombination('Specify either secondary private IP addresses or a count of them, not both');
  }
  const added = region.assignPrivateIpAddresses(input.NetworkInterfaceId, { privateIpAddresses: ips, secondaryPrivateIpAddressCount: input.SecondaryPrivateIpAddressCount });
  return { NetworkInterfaceId: input.NetworkInterfaceId, AssignedPrivateIpAddresses: added.map((a) => ({ PrivateIpAddress: a })), AssignedIpv4Prefixes: [] };
}

// ------------------------------------------------------------------ Elastic IPs

function addressByPublicIp(region: Region, ip: string): ElasticAddress {
  for (const a of region.addresses.values()) if (a.publicIp === ip) return a;
  throw awsError('InvalidAddress.NotFound', `Address '${ip}' not found.`);
}

function allocateAddress(input: Ec2Input, ctx: Ec2Context) {
  if (input.Domain !== undefined && input.Domain !== 'vpc') throw Errors.invalidParameterValue('EC2-Classic addresses are no longer available: Domain must be vpc');
  if (input.Address !== undefined) throw Errors.invalidParameterValue('rampart allocates addresses only from Amazon\'s pool');
  const a = ctx.region.allocateAddress(tagSpecifications(input.TagSpecifications, 'elastic-ip'));
  return { AllocationId: a.allocationId, PublicIpv4Pool: 'amazon', NetworkBorderGroup: ctx.regionName, Domain: 'vpc', PublicIp: a.publicIp };
}

function associateAddress(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  let allocationId = input.AllocationId as string | undefined;
  if (allocationId === undefined && input.PublicIp !== undefined) allocationId = addressByPublicIp(region, input.PublicIp).allocationId;
  if (allocationId === undefined) throw Errors.missingParameter('AllocationId');
  if (input.InstanceId === undefined && input.NetworkInterfaceId === undefined) throw Errors.missingParameter('InstanceId');
  const id = region.associateAddress({
    allocationId, networkInterfaceId: input.NetworkInterfaceId, instanceId: input.NetworkInterfaceId === undefined ? input.InstanceId : undefined,
    // EC2 API Reference: "Reassociation is automatic, but you can specify false to ensure the operation fails if
    // the Elastic IP address is already associated with another resource."
    privateIpAddress: input.PrivateIpAddress, allowReassociation: input.AllowReassociation,
  });
  return { AssociationId: id };
}

// ------------------------------------------------------------------ managed prefix lists

function prefixListOut(region: Region, pl: ManagedPrefixList) {
  return {
    PrefixListId: pl.id, AddressFamily: pl.addressFamily, State: side(region).prefixListState.get(pl.id) ?? 'create-complete',
    PrefixListArn: arn(region.name, pl.awsManaged ? 'aws' : region.accountId, 'prefix-list', pl.id),
    PrefixListName: pl.name, MaxEntries: pl.maxEntries, Version: pl.version, Tags: tagsOut(pl.tags), OwnerId: pl.ownerId,
  };
}

function recordVersion(region: Region, pl: ManagedPrefixList): void {
  const s = side(region);
  let v = s.prefixListVersions.get(pl.id);
  if (!v) s.prefixListVersions.set(pl.id, (v = new Map()));
  v.set(pl.version, pl.entries.map((e) => ({ ...e })));
}

const entriesIn = (xs: Ec2Input[] | undefined): PrefixListEntry[] =>
  toList(xs).map((e) => ({ cidr: e.Cidr as string, ...(e.Description !== undefined ? { description: e.Description as string } : {}) }));

function createManagedPrefixList(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const pl = region.createManagedPrefixList({
    prefixListName: input.PrefixListName, addressFamily: input.AddressFamily, maxEntries: input.MaxEntries,
    entries: entriesIn(input.Entries), tags: tagSpecifications(input.TagSpecifications, 'prefix-list'),
  });
  side(region).prefixListState.set(pl.id, 'create-complete');
  recordVersion(region, pl);
  return { PrefixList: prefixListOut(region, pl) };
}

function describeManagedPrefixLists(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const all = byIds(region.prefixLists, input.PrefixListIds, Errors.prefixListNotFound);
  const filtered = applyFilters(all, input.Filters, {
    'owner-id': (p) => p.ownerId,
    'prefix-list-id': (p) => p.id,
    'prefix-list-name': (p) => p.name,
  });
  const { page, nextToken } = paginate(filtered, input, { min: 1, max: 100 });
  return { PrefixLists: page.map((p) => prefixListOut(region, p)), NextToken: nextToken };
}

function modifyManagedPrefixList(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const pl = region.modifyManagedPrefixList(input.PrefixListId, {
    addEntries: entriesIn(input.AddEntries), removeEntries: toList<Ec2Input>(input.RemoveEntries).map((e) => ({ cidr: e.Cidr as string })),
    maxEntries: input.MaxEntries, prefixListName: input.PrefixListName, currentVersion: input.CurrentVersion,
  });
  side(region).prefixListState.set(pl.id, 'modify-complete');
  recordVersion(region, pl);
  return { PrefixList: prefixListOut(region, pl) };
}

function deleteManagedPrefixList(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const pl = region.getPrefixList(input.PrefixListId);
  region.deleteManagedPrefixList(pl.id);
  const s = side(region);
  s.prefixListState.set(pl.id, 'delete-complete');
  const out = prefixListOut(region, pl);
  s.prefixListState.delete(pl.id);
  s.prefixListVersions.delete(pl.id);
  return { PrefixList: { ...out, State: 'delete-complete' } };
}

function getManagedPrefixListEntries(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const pl = region.getPrefixList(input.PrefixListId);
  let entries = pl.entries;
  if (input.TargetVersion !== undefined && input.TargetVersion !== pl.version) {
    const old = side(region).prefixListVersions.get(pl.id)?.get(input.TargetVersion);
    if (!old) throw Errors.invalidParameterValue(`The prefix list ${pl.id} has no version ${input.TargetVersion}`);
    entries = old;
  }
  const { page, nextToken } = paginate(entries, input, { min: 1, max: 100 });
  return { Entries: page.map((e) => ({ Cidr: e.cidr, Description: e.description })), NextToken: nextToken };
}

// ------------------------------------------------------------------ tags

/** Every taggable resource of a Region with AWS's resource type name. */
function taggables(region: Region): { id: string; type: string; tags: Tag[] }[] {
  const out: { id: string; type: string; tags: Tag[] }[] = [];
  const add = (type: string, items: Iterable<{ id: string; tags: Tag[] }>) => {
    for (const x of items) out.push({ id: x.id, type, tags: x.tags });
  };
  add('vpc', region.vpcs.values());
  add('subnet', region.subnets.values());
  add('security-group', region.securityGroups.values());
  add('security-group-rule', region.securityGroupRules.values());
  add('network-acl', region.networkAcls.values());
  add('route-table', region.routeTables.values());
  add('internet-gateway', region.internetGateways.values());
  add('vpc-peering-connection', [...region.vpcPeeringConnections.values()].filter((p) => p.status !== 'deleted'));
  add('prefix-list', region.prefixLists.values());
  add('network-interface', region.networkInterfaces.values());
  add('instance', [...region.instances.values()].filter((i) => i.state !== 'terminated'));
  add('elastic-ip', [...region.addresses.values()].map((a) => ({ id: a.allocationId, tags: a.tags })));
  add('natgateway', [...region.services.values()].filter((s) => s.kind === 'nat-gateway'));
  add('vpc-endpoint', [...region.services.values()].filter((s) => s.kind === 'vpc-endpoint'));
  for (const t of sideTaggables) add(t.resourceType, t.all(region));
  return out;
}

function sideFind(region: Region, id: string): { tags: Tag[] } | undefined {
  for (const t of sideTaggables) {
    const x = t.find(region, id);
    if (x) return x;
  }
  return undefined;
}

/** The NotFound error EC2 gives for a resource id CreateTags/DeleteTags cannot find, by its prefix. */
const TAG_TARGET_NOT_FOUND: Record<string, (id: string) => AwsError> = {
  vpc: Errors.vpcNotFound, subnet: Errors.subnetNotFound, sg: Errors.groupNotFound, sgr: Errors.ruleIdNotFound, acl: Errors.aclNotFound,
  rtb: Errors.routeTableNotFound, igw: Errors.igwNotFound, pcx: Errors.peeringNotFound, eni: Errors.eniNotFound, i: Errors.instanceNotFound,
  pl: Errors.prefixListNotFound, eipalloc: Errors.allocationNotFound,
  fl: (id) => awsError('InvalidFlowLogId.NotFound', `Flow log ${id} does not exist`),
  nip: (id) => awsError('InvalidNetworkInsightsPathId.NotFound', `The NetworkInsightsPath ID '${id}' does not exist`),
  nia: (id) => awsError('InvalidNetworkInsightsAnalysisId.NotFound', `The NetworkInsightsAnalysis ID '${id}' does not exist`),
};

/** Every id must name a resource: the first that does not fails the whole call with its type's NotFound (as EC2 does). */
function checkTagTargets(region: Region, ids: string[]): void {
  const known = new Set(taggables(region).map((t) => t.id));
  for (const id of ids) {
    if (known.has(id)) continue;
    const m = /^([a-z]+(?:-[a-z]+)*)-[0-9a-f]+$/.exec(id);
    const notFound = m ? TAG_TARGET_NOT_FOUND[m[1]] : undefined;
    throw notFound ? notFound(id) : awsError('InvalidID', `The ID '${id}' is not valid`);
  }
}

function checkTags(tags: Tag[]): void {
  for (const t of tags) if (!t.key) throw Errors.invalidParameterValue('Tag keys must not be empty');
}

function createTags(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const ids = toList<string>(input.Resources);
  const tags = tagsIn(input.Tags);
  if (!ids.length) throw Errors.missingParameter('ResourceId.1');
  checkTagTargets(region, ids);
  const mine = ids.filter((id) => sideFind(region, id));
  const rest = ids.filter((id) => !mine.includes(id));
  checkTags(tags);
  if (rest.length) region.createTags(rest, tags);
  for (const id of mine) {
    const t = sideFind(region, id)!;
    for (const tag of tags) {
      const existing = t.tags.find((x) => x.key === tag.key);
      if (existing) existing.value = tag.value;
      else t.tags.push({ ...tag });
    }
  }
  return {};
}

function deleteTags(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const ids = toList<string>(input.Resources);
  if (!ids.length) throw Errors.missingParameter('ResourceId.1');
  const tags = toList<Ec2Input>(input.Tags).map((t) => ({ key: t.Key as string, ...(t.Value !== undefined ? { value: t.Value as string } : {}) }));
  checkTagTargets(region, ids);
  const mine = ids.filter((id) => sideFind(region, id));
  const rest = ids.filter((id) => !mine.includes(id));
  if (rest.length) region.deleteTags(rest, tags);
  for (const id of mine) {
    const t = sideFind(region, id)!;
    const keep = tags.length === 0 ? [] : t.tags.filter((x) => !tags.some((d) => d.key === x.key && (d.value === undefined || d.value === x.value)));
    t.tags.splice(0, t.tags.length, ...keep);
  }
  return {};
}

function describeTags(input: Ec2Input, ctx: Ec2Context) {
  // rows carry no `tags`: the generic tag:/tag-key filters do not apply to DescribeTags, which has key/value
  const rows: { id: string; type: string; key: string; value: string; tags?: Tag[] }[] = taggables(ctx.region).flatMap((r) => r.tags.map((t) => ({ id: r.id, type: r.type, key: t.key, value: t.value })));
  const filtered = applyFilters(rows, input.Filters, {
    key: (r) => r.key,
    value: (r) => r.value,
    'resource-id': (r) => r.id,
    'resource-type': (r) => r.type,
  });
  const { page, nextToken } = paginate(filtered, input, { min: 5, max: 1000 });
  return { Tags: page.map((r) => ({ Key: r.key, ResourceId: r.id, ResourceType: r.type, Value: r.value })), NextToken: nextToken };
}

// ------------------------------------------------------------------ flow logs

export const DEFAULT_FLOW_LOG_FORMAT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';

/** The flow logs of a Region (for tools that render them). */
export function flowLogsOf(region: Region): ReadonlyMap<string, StoredFlowLog> {
  return side(region).flowLogs;
}

function createFlowLogs(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const resourceType = input.ResourceType as string;
  if (!['VPC', 'Subnet', 'NetworkInterface'].includes(resourceType)) throw Errors.invalidParameterValue(`rampart does not model flow logs of ${resourceType} resources`);
  const trafficType = input.TrafficType as StoredFlowLog['trafficType'] | undefined;
  if (trafficType === undefined) throw Errors.missingParameter('TrafficType');
  const destinationType = (input.LogDestinationType as string | undefined) ?? 'cloud-watch-logs';
  if (destinationType === 'cloud-watch-logs') {
    if (input.LogGroupName === undefined && input.LogDestination === undefined) throw Errors.missingParameter('LogGroupName');
    if (input.DeliverLogsPermissionArn === undefined) throw Errors.invalidParameter('DeliverLogsPermissionArn is required when logs are published to CloudWatch Logs');
  } else if (input.LogDestination === undefined) throw Errors.missingParameter('LogDestination');
  if (input.LogGroupName !== undefined && input.LogDestination !== undefined) throw Errors.invalidParameterCombination('Please only provide LogGroupName or only provide LogDestination.');
  const interval = (input.MaxAggregationInterval as number | undefined) ?? 600;
  if (interval !== 60 && interval !== 600) throw Errors.invalidParameterValue(`Invalid value '${interval}' for MaxAggregationInterval. Valid values: 60, 600`);
  const logFormat = (input.LogFormat as string | undefined) ?? DEFAULT_FLOW_LOG_FORMAT;
  if (!/^(\$\{[a-z0-9-]+\}( |$))+$/.test(logFormat)) throw Errors.invalidParameterValue(`Invalid LogFormat: ${logFormat}`);
  const tags = tagSpecifications(input.TagSpecifications, 'vpc-flow-log');
  const destination: string | undefined =
    input.LogDestination ?? (input.LogGroupName !== undefined ? `arn:aws:logs:${region.name}:${region.accountId}:log-group:${input.LogGroupName}` : undefined);
  const s = side(region);
  const ids: string[] = [];
  const unsuccessful: { Error: { Code: string; Message: string }; ResourceId: string }[] = [];
  for (const resourceId of toList<string>(input.ResourceIds)) {
    const exists =
      resourceType === 'VPC' ? region.vpcs.has(resourceId) : resourceType === 'Subnet' ? region.subnets.has(resourceId) : region.networkInterfaces.has(resourceId);
    if (!exists) {
      const code = resourceType === 'VPC' ? 'InvalidVpcID.NotFound' : resourceType === 'Subnet' ? 'InvalidSubnetID.NotFound' : 'InvalidNetworkInterfaceID.NotFound';
      unsuccessful.push({ ResourceId: resourceId, Error: { Code: code, Message: `${resourceType} ${resourceId} does not exist` } });
      continue;
    }
    const dup = [...s.flowLogs.values()].some((f) => f.resourceId === resourceId && f.trafficType === trafficType && f.logDestinationType === destinationType && f.logDestination === destination);
    if (dup) {
      unsuccessful.push({ ResourceId: resourceId, Error: { Code: 'FlowLogAlreadyExists', Message: 'There is an existing Flow Log with the same configuration and log destination.' } });
      continue;
    }
    const fl: StoredFlowLog = {
      id: region.ids.id('fl'), resourceId, resourceType, trafficType, logFormat, maxAggregationInterval: interval as 60 | 600,
      logDestinationType: destinationType, ...(destination !== undefined ? { logDestination: destination } : {}),
      ...(input.LogGroupName !== undefined ? { logGroupName: input.LogGroupName } : {}),
      ...(input.DeliverLogsPermissionArn !== undefined ? { deliverLogsPermissionArn: input.DeliverLogsPermissionArn } : {}),
      creationTime: ctx.now.toISOString(), tags: tags.map((t) => ({ ...t })),
    };
    s.flowLogs.set(fl.id, fl);
    ids.push(fl.id);
  }
  return { ClientToken: input.ClientToken, FlowLogIds: ids, Unsuccessful: unsuccessful };
}

function flowLogOut(f: StoredFlowLog) {
  return {
    CreationTime: f.creationTime, DeliverLogsPermissionArn: f.deliverLogsPermissionArn, DeliverLogsStatus: 'SUCCESS', FlowLogId: f.id,
    FlowLogStatus: 'ACTIVE', LogGroupName: f.logGroupName, ResourceId: f.resourceId, TrafficType: f.trafficType,
    LogDestinationType: f.logDestinationType, LogDestination: f.logDestination, LogFormat: f.logFormat, Tags: tagsOut(f.tags),
    MaxAggregationInterval: f.maxAggregationInterval,
  };
}

function describeFlowLogs(input: Ec2Input, ctx: Ec2Context) {
  const s = side(ctx.region);
  const all = byIds(s.flowLogs, input.FlowLogIds, (id) => awsError('InvalidFlowLogId.NotFound', `Flow log ${id} does not exist`));
  const filtered = applyFilters(all, input.Filter, {
    'deliver-log-status': () => 'SUCCESS',
    'log-destination-type': (f) => f.logDestinationType,
    'flow-log-id': (f) => f.id,
    'log-group-name': (f) => f.logGroupName,
    'resource-id': (f) => f.resourceId,
    'traffic-type': (f) => f.trafficType,
  });
  const { page, nextToken } = paginate(filtered, input, { min: 1, max: 1000 });
  return { FlowLogs: page.map(flowLogOut), NextToken: nextToken };
}

function deleteFlowLogs(input: Ec2Input, ctx: Ec2Context) {
  const s = side(ctx.region);
  const ids = toList<string>(input.FlowLogIds);
  if (!ids.length) throw Errors.missingParameter('FlowLogId.1');
  const unsuccessful: { Error: { Code: string; Message: string }; ResourceId: string }[] = [];
  for (const id of ids) {
    if (!s.flowLogs.delete(id)) unsuccessful.push({ ResourceId: id, Error: { Code: 'InvalidFlowLogId.NotFound', Message: `Flow log ${id} does not exist` } });
  }
  return { Unsuccessful: unsuccessful };
}

// ------------------------------------------------------------------ the family

export const interfaceHandlers: HandlerFamily = {
  CreateNetworkInterface: mutating(createNetworkInterface),
  DeleteNetworkInterface: mutating((input, ctx) => {
    ctx.region.deleteNetworkInterface(input.NetworkInterfaceId);
    return {};
  }),
  DescribeNetworkInterfaces: reading(describeNetworkInterfaces),
  AttachNetworkInterface: mutating(attachNetworkInterface),
  DetachNetworkInterface: mutating((input, ctx) => {
    ctx.region.detachNetworkInterface(input.AttachmentId);
    side(ctx.region).attachTimes.delete(input.AttachmentId);
    return {};
  }),
  ModifyNetworkInterfaceAttribute: mutating(modifyNetworkInterfaceAttribute),
  AssignPrivateIpAddresses: mutating(assignPrivateIpAddresses),
  RunInstances: mutating(runInstances),
  DescribeInstances: reading(describeInstances),
  TerminateInstances: mutating(terminateInstances),
  ModifyInstanceAttribute: mutating(modifyInstanceAttribute),
  DescribeInstanceAttribute: reading(describeInstanceAttribute),
  AllocateAddress: mutating(allocateAddress),
  AssociateAddress: mutating(associateAddress),
  CreateManagedPrefixList: mutating(createManagedPrefixList),
  DescribeManagedPrefixLists: reading(describeManagedPrefixLists),
  ModifyManagedPrefixList: mutating(modifyManagedPrefixList),
  DeleteManagedPrefixList: mutating(deleteManagedPrefixList),
  GetManagedPrefixListEntries: reading(getManagedPrefixListEntries),
  CreateTags: mutating(createTags),
  DeleteTags: mutating(deleteTags),
  DescribeTags: reading(describeTags),
  CreateFlowLogs: mutating(createFlowLogs),
  DescribeFlowLogs: reading(describeFlowLogs),
  DeleteFlowLogs: mutating(deleteFlowLogs),
};
