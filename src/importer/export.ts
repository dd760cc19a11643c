// A Region as the JSON `aws ec2 describe-*` (and `aws rds describe-db-instances`, `aws elbv2 / elb
// describe-load-balancers`, `aws ec2 get-managed-prefix-list-entries`) print it: the member names and shapes of
// the EC2 API Reference's Describe* responses, as the AWS CLI renders them (PascalCase, lists of objects). What
// `rampart import` reads back gives the same Region (ids included). Services with no describe command here
// (Lambda, ECS, endpoints, …) appear only through their network interfaces.
import type { Region } from '../state/region.js';
import type { NetworkInterface, RulePeer, SecurityGroupRule, Tag } from '../model/types.js';
import { protocolName, PROTO_ALL, parseCidr } from '../net/index.js';
import type { J } from './source.js';

export interface ExportedDocument {
  /** a file name for it: `vpcs.json`, `prefix-list-entries-pl-….json` */
  name: string;
  data: J;
}

const tagsOut = (tags: Tag[]) => tags.map((t) => ({ Key: t.key, Value: t.value }));
/** VPCs, subnets, groups, gateways, peerings and instances show Tags only when they have some (ACLs and route tables always do). */
const withTags = (o: J, tags: Tag[], key = 'Tags'): J => (tags.length ? { ...o, [key]: tagsOut(tags) } : o);

function privateDns(region: Region, ip: string): string {
  return `ip-${ip.replace(/\./g, '-')}.${region.name === 'us-east-1' ? 'ec2.internal' : `${region.name}.compute.internal`}`;
}

/** The PeeringStatus AWS shows for a reference across a peering: the peering's status, `deleted` once it is gone. */
function peeringStatus(region: Region, p: RulePeer): J {
  if (p.kind !== 'group' || !p.vpcPeeringConnectionId) return {};
  return { PeeringStatus: region.vpcPeeringConnections.get(p.vpcPeeringConnectionId)?.status ?? 'deleted' };
}

function peerOut(region: Region, p: RulePeer, description?: string): { key: string; value: J } {
  const d = description !== undefined ? { Description: description } : {};
  switch (p.kind) {
    case 'cidr4':
      return { key: 'IpRanges', value: { CidrIp: p.cidr, ...d } };
    case 'cidr6':
      return { key: 'Ipv6Ranges', value: { CidrIpv6: p.cidr, ...d } };
    case 'prefixList':
      return { key: 'PrefixListIds', value: { PrefixListId: p.prefixListId, ...d } };
    case 'group':
      return {
        key: 'UserIdGroupPairs',
        value: { ...d, GroupId: p.groupId, UserId: p.userId, ...(p.vpcId ? { VpcId: p.vpcId } : {}), ...(p.vpcPeeringConnectionId ? { VpcPeeringConnectionId: p.vpcPeeringConnectionId } : {}), ...peeringStatus(region, p) },
      };
  }
}

/** DescribeSecurityGroups groups a direction's rules into IpPermissions by protocol and ports, peers in rule order. */
function permissionsOut(region: Region, rules: SecurityGroupRule[]): J[] {
  const out = new Map<string, J>();
  for (const r of rules) {
    const k = `${r.protocol}|${r.fromPort}|${r.toPort}`;
    let perm = out.get(k);
    if (!perm) {
      perm = { IpProtocol: protocolName(r.protocol), ...(r.protocol === PROTO_ALL ? {} : { FromPort: r.fromPort, ToPort: r.toPort }), IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
      out.set(k, perm);
    }
    const { key, value } = peerOut(region, r.peer, r.description);
    (perm[key] as J[]).push(value);
  }
  return [...out.values()];
}

function ruleOut(region: Region, r: SecurityGroupRule): J {
  const d = r.description !== undefined ? { Description: r.description } : {};
  const peer: J = r.peer.kind === 'cidr4' ? { CidrIpv4: r.peer.cidr } : r.peer.kind === 'cidr6' ? { CidrIpv6: r.peer.cidr } : r.peer.kind === 'prefixList' ? { PrefixListId: r.peer.prefixListId }
    : { ReferencedGroupInfo: { GroupId: r.peer.groupId, ...peeringStatus(region, r.peer), UserId: r.peer.userId, ...(r.peer.vpcId ? { VpcId: r.peer.vpcId } : {}), ...(r.peer.vpcPeeringConnectionId ? { VpcPeeringConnectionId: r.peer.vpcPeeringConnectionId } : {}) } };
  return {
    SecurityGroupRuleId: r.id, GroupId: r.groupId, GroupOwnerId: r.groupOwnerId, IsEgress: r.isEgress, IpProtocol: protocolName(r.protocol),
    FromPort: r.fromPort, ToPort: r.toPort, ...peer, ...d, Tags: tagsOut(r.tags),
    SecurityGroupRuleArn: `arn:aws:ec2:${region.name}:${r.groupOwnerId}:security-group-rule/${r.id}`,
  };
}

function eniOut(region: Region, e: NetworkInterface, forInstance = false): J {
  const primary = e.privateIpAddresses.find((p) => p.primary) ?? e.privateIpAddresses[0];
  const assoc = (a: NonNullable<typeof primary.association>) => ({
    ...(a.allocationId ? { AllocationId: a.allocationId, AssociationId: a.associationId } : {}), IpOwnerId: a.ipOwnerId, PublicDnsName: `ec2-${a.publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com`, PublicIp: a.publicIp,
  });
  const out: J = {
    ...(primary?.association ? { Association: assoc(primary.association) } : {}),
    ...(e.attachment ? {
      Attachment: {
        AttachTime: '2024-01-01T00:00:00+00:00', AttachmentId: e.attachment.attachmentId, DeleteOnTermination: e.attachment.deleteOnTermination,
        DeviceIndex: e.attachment.deviceIndex, NetworkCardIndex: 0, ...(forInstance ? {} : { ...(e.attachment.instanceId ? { InstanceId: e.attachment.instanceId } : {}), InstanceOwnerId: e.attachment.instanceOwnerId }), Status: e.attachment.status,
      },
    } : {}),
    ...(forInstance ? {} : { AvailabilityZone: e.availabilityZone }),
    ConnectionTrackingConfiguration: { TcpEstablishedTimeout: e.connectionTracking.tcpEstablishedTimeout, UdpStreamTimeout: e.connectionTracking.udpStreamTimeout, UdpTimeout: e.connectionTracking.udpTimeout },
    Description: e.description,
    Groups: e.groups.map((g) => ({ GroupName: region.securityGroups.get(g)?.name ?? '', GroupId: g })),
    InterfaceType: e.interfaceType,
    Ipv6Addresses: e.ipv6Addresses.map((a) => ({ Ipv6Address: a })),
    MacAddress: e.macAddress,
    NetworkInterfaceId: e.id,
    OwnerId: e.ownerId,
    PrivateDnsName: primary ? privateDns(region, primary.privateIpAddress) : undefined,
    PrivateIpAddress: primary?.privateIpAddress,
    PrivateIpAddresses: e.privateIpAddresses.map((p) => ({ ...(p.association ? { Association: assoc(p.association) } : {}), Primary: p.primary, PrivateDnsName: privateDns(region, p.privateIpAddress), PrivateIpAddress: p.privateIpAddress })),
    ...(forInstance ? {} : { RequesterId: e.requesterId, RequesterManaged: e.requesterManaged }),
    SourceDestCheck: e.sourceDestCheck,
    Status: e.status,
    SubnetId: e.subnetId,
    ...(forInstance ? {} : { TagSet: tagsOut(e.tags) }),
    VpcId: e.vpcId,
  };
  if (out.RequesterId === undefined) delete out.RequesterId;
  return out;
}

const STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

/** Every describe document of a Region. */
export function exportRegion(region: Region): ExportedDocument[] {
  const docs: ExportedDocument[] = [];
  const vals = <T>(m: Map<string, T>) => [...m.values()];
  const acct = region.accountId;

  docs.push({
    name: 'vpcs.json',
    data: {
      Vpcs: vals(region.vpcs).map((v) => withTags({
        CidrBlock: v.cidrBlocks[0].cidrBlock, State: 'available', VpcId: v.id, OwnerId: v.ownerId, InstanceTenancy: v.instanceTenancy,
        ...(v.ipv6CidrBlocks.length ? { Ipv6CidrBlockAssociationSet: v.ipv6CidrBlocks.map((b) => ({ AssociationId: b.associationId, Ipv6CidrBlock: b.ipv6CidrBlock, Ipv6CidrBlockState: { State: 'associated' }, NetworkBorderGroup: region.name, Ipv6Pool: 'Amazon' })) } : {}),
        CidrBlockAssociationSet: v.cidrBlocks.map((b) => ({ AssociationId: b.associationId, CidrBlock: b.cidrBlock, CidrBlockState: { State: 'associated' } })),
        IsDefault: v.isDefault,
      }, v.tags)),
    },
  });
  docs.push({
    name: 'subnets.json',
    data: {
      Subnets: vals(region.subnets).map((s) => {
        const c = parseCidr(s.cidrBlock);
        const used = [...region.networkInterfaces.values()].filter((e) => e.subnetId === s.id).reduce((n, e) => n + e.privateIpAddresses.length, 0);
        return withTags({
          AvailabilityZone: s.availabilityZone, AvailabilityZoneId: s.availabilityZoneId, AvailableIpAddressCount: Number(c.last) - Number(c.first) + 1 - 5 - used,
          CidrBlock: s.cidrBlock, DefaultForAz: s.defaultForAz, MapPublicIpOnLaunch: s.mapPublicIpOnLaunch, State: 'available', SubnetId: s.id, VpcId: s.vpcId,
          OwnerId: s.ownerId, AssignIpv6AddressOnCreation: s.assignIpv6AddressOnCreation,
          Ipv6CidrBlockAssociationSet: s.ipv6CidrBlocks.map((b) => ({ AssociationId: b.associationId, Ipv6CidrBlock: b.ipv6CidrBlock, Ipv6CidrBlockState: { State: 'associated' } })),
          SubnetArn: `arn:aws:ec2:${region.name}:${s.ownerId}:subnet/${s.id}`,
        }, s.tags);
      }),
    },
  });
  docs.push({
    name: 'security-groups.json',
    data: {
      SecurityGroups: vals(region.securityGroups).map((g) => withTags({
        Description: g.description, GroupName: g.name,
        IpPermissions: permissionsOut(region, g.ingress.map((id) => region.securityGroupRules.get(id)!)),
        OwnerId: g.ownerId, GroupId: g.id,
        IpPermissionsEgress: permissionsOut(region, g.egress.map((id) => region.securityGroupRules.get(id)!)),
        VpcId: g.vpcId,
      }, g.tags)),
    },
  });
  docs.push({
    name: 'security-group-rules.json',
    data: { SecurityGroupRules: vals(region.securityGroups).flatMap((g) => [...g.ingress, ...g.egress].map((id) => ruleOut(region, region.securityGroupRules.get(id)!))) },
  });
  docs.push({
    name: 'network-acls.json',
    data: {
      NetworkAcls: vals(region.networkAcls).map((a) => ({
        Associations: a.associations.map((x) => ({ NetworkAclAssociationId: x.networkAclAssociationId, NetworkAclId: a.id, SubnetId: x.subnetId })),
        Entries: a.entries.map((e) => ({
          ...(e.cidrBlock !== undefined ? { CidrBlock: e.cidrBlock } : {}), Egress: e.egress,
          ...(e.icmpTypeCode ? { IcmpTypeCode: { Code: e.icmpTypeCode.code, Type: e.icmpTypeCode.type } } : {}),
          ...(e.ipv6CidrBlock !== undefined ? { Ipv6CidrBlock: e.ipv6CidrBlock } : {}),
          ...(e.portRange ? { PortRange: { From: e.portRange.from, To: e.portRange.to } } : {}),
          Protocol: String(e.protocol), RuleAction: e.ruleAction, RuleNumber: e.ruleNumber,
        })),
        IsDefault: a.isDefault, NetworkAclId: a.id, Tags: tagsOut(a.tags), VpcId: a.vpcId, OwnerId: a.ownerId,
      })),
    },
  });
  docs.push({
    name: 'route-tables.json',
    data: {
      RouteTables: vals(region.routeTables).map((t) => ({
        Associations: t.associations.map((a) => ({ Main: a.main, RouteTableAssociationId: a.routeTableAssociationId, RouteTableId: t.id, ...(a.subnetId ? { SubnetId: a.subnetId } : {}), AssociationState: { State: 'associated' } })),
        PropagatingVgws: [],
        RouteTableId: t.id,
        Routes: t.routes.map((r) => {
          const target: J = r.target.kind === 'local' ? { GatewayId: 'local' } : r.target.kind === 'igw' ? { GatewayId: r.target.gatewayId }
            : r.target.kind === 'pcx' ? { VpcPeeringConnectionId: r.target.vpcPeeringConnectionId }
            : r.target.kind === 'eni' ? { NetworkInterfaceId: r.target.networkInterfaceId }
            : r.target.kind === 'instance' ? { InstanceId: r.target.instanceId, InstanceOwnerId: acct, NetworkInterfaceId: region.instances.get(r.target.instanceId)?.networkInterfaceIds[0] }
            : r.target.kind === 'nat' ? { NatGatewayId: r.target.natGatewayId }
            : otherTarget(r.target.targetId);
          return {
            ...(r.destinationCidrBlock ? { DestinationCidrBlock: r.destinationCidrBlock } : {}), ...(r.destinationIpv6CidrBlock ? { DestinationIpv6CidrBlock: r.destinationIpv6CidrBlock } : {}),
            ...(r.destinationPrefixListId ? { DestinationPrefixListId: r.destinationPrefixListId } : {}), ...target, Origin: r.origin, State: 'active',
          };
        }),
        Tags: tagsOut(t.tags), VpcId: t.vpcId, OwnerId: t.ownerId,
      })),
    },
  });
  docs.push({
    name: 'internet-gateways.json',
    data: { InternetGateways: vals(region.internetGateways).map((g) => withTags({ Attachments: g.attachments.map((a) => ({ State: 'available', VpcId: a.vpcId })), InternetGatewayId: g.id, OwnerId: g.ownerId }, g.tags)) },
  });
  const vpcInfo = (vpcId: string, owner: string, reg: string): J => {
    const v = region.vpcs.get(vpcId);
    return { ...(v ? { CidrBlock: v.cidrBlocks[0].cidrBlock, CidrBlockSet: v.cidrBlocks.map((b) => ({ CidrBlock: b.cidrBlock })) } : {}), OwnerId: owner, VpcId: vpcId, Region: reg };
  };
  docs.push({
    name: 'vpc-peering-connections.json',
    data: {
      VpcPeeringConnections: vals(region.vpcPeeringConnections).map((p) => withTags({
        AccepterVpcInfo: vpcInfo(p.accepterVpcId, p.accepterOwnerId, p.accepterRegion),
        ...(p.expirationTime ? { ExpirationTime: p.expirationTime } : {}),
        RequesterVpcInfo: vpcInfo(p.requesterVpcId, p.requesterOwnerId, p.requesterRegion),
        Status: { Code: p.status, Message: STATUS_MESSAGES[p.status] ?? p.status },
        VpcPeeringConnectionId: p.id,
      }, p.tags)),
    },
  });
  const pls = vals(region.prefixLists);
  docs.push({ name: 'prefix-lists.json', data: { PrefixLists: pls.filter((p) => p.awsManaged && p.name.startsWith('com.amazonaws.')).map((p) => ({ Cidrs: p.entries.map((e) => e.cidr), PrefixListId: p.id, PrefixListName: p.name })) } });
  const managed = pls.filter((p) => !(p.awsManaged && p.name.startsWith('com.amazonaws.')));
  docs.push({
    name: 'managed-prefix-lists.json',
    data: {
      ManagedPrefixLists: managed.map((p) => withTags({
        PrefixListId: p.id, AddressFamily: p.addressFamily, State: 'create-complete', PrefixListArn: `arn:aws:ec2:${region.name}:${p.ownerId}:prefix-list/${p.id}`,
        PrefixListName: p.name, MaxEntries: p.maxEntries, Version: p.version, OwnerId: p.ownerId,
      }, p.tags)),
    },
  });
  for (const p of managed) docs.push({ name: `prefix-list-entries-${p.id}.json`, data: { PrefixListId: p.id, Entries: p.entries.map((e) => ({ Cidr: e.cidr, ...(e.description !== undefined ? { Description: e.description } : {}) })) } });

  // Interfaces of instances appear under their instance (describe-instances) and in describe-network-interfaces.
  docs.push({ name: 'network-interfaces.json', data: { NetworkInterfaces: vals(region.networkInterfaces).map((e) => eniOut(region, e)) } });
  docs.push({
    name: 'instances.json',
    data: {
      Reservations: vals(region.instances).filter((i) => i.state !== 'terminated').map((inst, n) => {
        const enis = inst.networkInterfaceIds.map((id) => (id ? region.networkInterfaces.get(id) : undefined)).filter((e): e is NetworkInterface => e !== undefined);
        const primary = enis.find((e) => e.attachment?.deviceIndex === 0) ?? enis[0];
        const ip = primary?.privateIpAddresses.find((p) => p.primary);
        return {
          Groups: [],
          Instances: [withTags({
            AmiLaunchIndex: 0, ImageId: inst.imageId, InstanceId: inst.id, InstanceType: inst.instanceType, LaunchTime: inst.launchTime,
            Placement: { AvailabilityZone: inst.availabilityZone, GroupName: '', Tenancy: 'default' },
            PrivateDnsName: ip ? privateDns(region, ip.privateIpAddress) : '', PrivateIpAddress: ip?.privateIpAddress,
            ...(ip?.association ? { PublicIpAddress: ip.association.publicIp } : {}),
            State: { Code: STATE_CODES[inst.state] ?? 16, Name: inst.state }, SubnetId: inst.subnetId, VpcId: inst.vpcId,
            NetworkInterfaces: enis.map((e) => eniOut(region, e, true)),
            SecurityGroups: (primary?.groups ?? []).map((g) => ({ GroupName: region.securityGroups.get(g)?.name ?? '', GroupId: g })),
            SourceDestCheck: primary?.sourceDestCheck ?? true,
          }, inst.tags)],
          OwnerId: inst.ownerId,
          ReservationId: `r-${inst.id.slice(2)}`.slice(0, 19) || `r-${n}`,
        };
      }),
    },
  });
  docs.push({
    name: 'addresses.json',
    data: {
      Addresses: vals(region.addresses).map((a) => withTags({
        ...(a.instanceId ? { InstanceId: a.instanceId } : {}), PublicIp: a.publicIp, AllocationId: a.allocationId,
        ...(a.associationId ? { AssociationId: a.associationId, NetworkInterfaceId: a.networkInterfaceId, NetworkInterfaceOwnerId: acct, PrivateIpAddress: a.privateIpAddress } : {}),
        Domain: a.domain, PublicIpv4Pool: 'amazon', NetworkBorderGroup: region.name,
      }, a.tags)),
    },
  });

  // Managed services, as their own services describe them.
  const svc = vals(region.services);
  const enisOf = (ids: string[]) => ids.map((id) => region.networkInterfaces.get(id)).filter((e): e is NetworkInterface => e !== undefined);
  docs.push({
    name: 'nat-gateways.json',
    data: {
      NatGateways: svc.filter((s) => s.kind === 'nat-gateway').map((s) => {
        const e = enisOf(s.networkInterfaceIds)[0];
        const p = e?.privateIpAddresses.find((x) => x.primary);
        return withTags({
          CreateTime: '2024-01-01T00:00:00+00:00',
          NatGatewayAddresses: [{ ...(p?.association?.allocationId ? { AllocationId: p.association.allocationId } : {}), NetworkInterfaceId: e?.id, PrivateIp: p?.privateIpAddress, ...(p?.association ? { PublicIp: p.association.publicIp } : {}), IsPrimary: true, Status: 'succeeded' }],
          NatGatewayId: s.id, State: 'available', SubnetId: s.subnetIds[0], VpcId: s.vpcId, ConnectivityType: s.internetFacing ? 'public' : 'private',
        }, s.tags);
      }),
    },
  });
  docs.push({
    name: 'load-balancers.json',
    data: {
      LoadBalancers: svc.filter((s) => s.kind === 'alb' || s.kind === 'nlb' || s.kind === 'gwlb').map((s) => {
        const enis = enisOf(s.networkInterfaceIds);
        const tail = /^ELB ((?:app|net|gwy)\/[^/]+\/[0-9a-f]+)$/.exec(enis[0]?.description ?? '')?.[1] ?? `${s.kind === 'alb' ? 'app' : s.kind === 'nlb' ? 'net' : 'gwy'}/${s.name}/${s.id.slice(4, 20)}`;
        return {
          LoadBalancerArn: `arn:aws:elasticloadbalancing:${region.name}:${acct}:loadbalancer/${tail}`,
          DNSName: `${s.name}-${tail.slice(tail.lastIndexOf('/') + 1, tail.lastIndexOf('/') + 11)}.elb.${region.name}.amazonaws.com`, CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K', CreatedTime: '2024-01-01T00:00:00+00:00',
          LoadBalancerName: s.name, Scheme: s.internetFacing ? 'internet-facing' : 'internal', VpcId: s.vpcId, State: { Code: 'active' },
          Type: s.kind === 'alb' ? 'application' : s.kind === 'nlb' ? 'network' : 'gateway',
          AvailabilityZones: enis.map((e) => ({ ZoneName: e.availabilityZone, SubnetId: e.subnetId, LoadBalancerAddresses: [] })),
          ...(s.groups.length ? { SecurityGroups: s.groups } : {}), IpAddressType: 'ipv4',
        };
      }),
    },
  });
  docs.push({
    name: 'classic-load-balancers.json',
    data: {
      LoadBalancerDescriptions: svc.filter((s) => s.kind === 'clb').map((s) => ({
        LoadBalancerName: s.name, DNSName: `${s.name}-1.${region.name}.elb.amazonaws.com`, Subnets: s.subnetIds, SecurityGroups: s.groups, VPCId: s.vpcId,
        AvailabilityZones: enisOf(s.networkInterfaceIds).map((e) => e.availabilityZone), Scheme: s.internetFacing ? 'internet-facing' : 'internal',
      })),
    },
  });
  const ENGINES: Record<string, string> = { rds: 'postgres', aurora: 'aurora-postgresql', docdb: 'docdb', neptune: 'neptune' };
  docs.push({
    name: 'db-instances.json',
    data: {
      DBInstances: svc.filter((s) => ENGINES[s.kind] !== undefined).map((s) => {
        const enis = enisOf(s.networkInterfaceIds);
        return {
          DBInstanceIdentifier: s.name, Engine: ENGINES[s.kind], DBInstanceStatus: 'available', AvailabilityZone: enis[0]?.availabilityZone,
          MultiAZ: enis.length > 1, ...(enis.length > 1 ? { SecondaryAvailabilityZone: enis[1].availabilityZone } : {}), PubliclyAccessible: s.internetFacing,
          VpcSecurityGroups: s.groups.map((g) => ({ VpcSecurityGroupId: g, Status: 'active' })),
          DBSubnetGroup: {
            DBSubnetGroupName: `${s.name}-subnets`, DBSubnetGroupDescription: `subnets of ${s.name}`, VpcId: s.vpcId, SubnetGroupStatus: 'Complete',
            Subnets: s.subnetIds.map((id) => ({ SubnetIdentifier: id, SubnetAvailabilityZone: { Name: region.subnets.get(id)?.availabilityZone }, SubnetStatus: 'Active' })),
          },
          TagList: tagsOut(s.tags),
        };
      }),
    },
  });
  return docs;
}

const STATUS_MESSAGES: Record<string, string> = {
  active: 'Active', 'pending-acceptance': 'Pending Acceptance by ' , rejected: 'Rejected', deleted: 'Deleted', failed: 'Failed', expired: 'Expired',
};

/** An opaque target id back under the member AWS prints it in. */
function otherTarget(id: string): J {
  if (id.startsWith('tgw-')) return { TransitGatewayId: id };
  if (id.startsWith('eigw-')) return { EgressOnlyInternetGatewayId: id };
  if (id.startsWith('cagw-')) return { CarrierGatewayId: id };
  if (id.startsWith('lgw-')) return { LocalGatewayId: id };
  if (id.startsWith('arn:')) return { CoreNetworkArn: id };
  if (id.startsWith('nat-')) return { NatGatewayId: id };
  if (id.startsWith('pcx-')) return { VpcPeeringConnectionId: id };
  if (id.startsWith('i-')) return { InstanceId: id };
  if (id.startsWith('eni-')) return { NetworkInterfaceId: id };
  return { GatewayId: id };
}
