// Resource types of one account + Region, named as AWS names them. Plain data (JSON-serialisable), so the
// store can persist them and the engine can compile them.

export interface Tag {
  key: string;
  value: string;
}

export interface VpcCidrBlockAssociation {
  associationId: string;
  cidrBlock: string;
}
export interface VpcIpv6CidrBlockAssociation {
  associationId: string;
  ipv6CidrBlock: string;
}

export interface Vpc {
  id: string;
  ownerId: string;
  /** primary IPv4 block first, then secondary blocks (AssociateVpcCidrBlock) */
  cidrBlocks: VpcCidrBlockAssociation[];
  ipv6CidrBlocks: VpcIpv6CidrBlockAssociation[];
  isDefault: boolean;
  instanceTenancy: 'default' | 'dedicated';
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  tags: Tag[];
}

export interface Subnet {
  id: string;
  vpcId: string;
  ownerId: string;
  availabilityZone: string;
  availabilityZoneId: string;
  cidrBlock: string;
  ipv6CidrBlocks: { associationId: string; ipv6CidrBlock: string }[];
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  assignIpv6AddressOnCreation: boolean;
  tags: Tag[];
}

/** The one peer of a security group rule (AWS: exactly one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroup). */
export type RulePeer =
  | { kind: 'cidr4'; cidr: string }
  | { kind: 'cidr6'; cidr: string }
  | { kind: 'prefixList'; prefixListId: string }
  | { kind: 'group'; groupId: string; userId: string; vpcId?: string; vpcPeeringConnectionId?: string };

export interface SecurityGroupRule {
  id: string;
  groupId: string;
  groupOwnerId: string;
  isEgress: boolean;
  /** IP protocol number; -1 for all. */
  protocol: number;
  /** -1/-1 when the protocol ignores ports or covers all types/codes (AWS shows -1 in DescribeSecurityGroupRules). */
  fromPort: number;
  toPort: number;
  peer: RulePeer;
  description?: string;
  tags: Tag[];
}

export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  ownerId: string;
  tags: Tag[];
  /** rule ids in the order they were added */
  ingress: string[];
  egress: string[];
}

export type RuleAction = 'allow' | 'deny';

export interface NetworkAclEntry {
  ruleNumber: number;
  egress: boolean;
  /** protocol number, -1 all */
  protocol: number;
  ruleAction: RuleAction;
  cidrBlock?: string;
  ipv6CidrBlock?: string;
  portRange?: { from: number; to: number };
  icmpTypeCode?: { type: number; code: number };
}

export interface NetworkAclAssociation {
  networkAclAssociationId: string;
  subnetId: string;
}

export interface NetworkAcl {
  id: string;
  vpcId: string;
  ownerId: string;
  isDefault: boolean;
  entries: NetworkAclEntry[];
  associations: NetworkAclAssociation[];
  tags: Tag[];
}

export type RouteTarget =
  | { kind: 'local' }
  | { kind: 'igw'; gatewayId: string }
  | { kind: 'pcx'; vpcPeeringConnectionId: string }
  | { kind: 'eni'; networkInterfaceId: string }
  | { kind: 'instance'; instanceId: string }
  | { kind: 'nat'; natGatewayId: string }
  | { kind: 'other'; targetId: string };

export interface Route {
  destinationCidrBlock?: string;
  destinationIpv6CidrBlock?: string;
  destinationPrefixListId?: string;
  target: RouteTarget;
  origin: 'CreateRouteTable' | 'CreateRoute' | 'EnableVgwRoutePropagation';
}

export interface RouteTableAssociation {
  routeTableAssociationId: string;
  subnetId?: string;
  main: boolean;
}

export interface RouteTable {
  id: string;
  vpcId: string;
  ownerId: string;
  routes: Route[];
  associations: RouteTableAssociation[];
  tags: Tag[];
}

export interface InternetGateway {
  id: string;
  ownerId: string;
  attachments: { vpcId: string; state: 'attached' | 'available' }[];
  tags: Tag[];
}

export type PeeringStatus =
  | 'initiating-request'
  | 'pending-acceptance'
  | 'provisioning'
  | 'active'
  | 'rejected'
  | 'deleted'
  | 'expired'
  | 'failed';

export interface VpcPeeringConnection {
  id: string;
  requesterVpcId: string;
  requesterOwnerId: string;
  requesterRegion: string;
  accepterVpcId: string;
  accepterOwnerId: string;
  accepterRegion: string;
  status: PeeringStatus;
  /** ISO time a pending-acceptance request expires (AWS: 7 days after the request); set by the API layer */
  expirationTime?: string;
  tags: Tag[];
}

export interface PrefixListEntry {
  cidr: string;
  description?: string;
}

export interface ManagedPrefixList {
  id: string;
  name: string;
  addressFamily: 'IPv4' | 'IPv6';
  maxEntries: number;
  entries: PrefixListEntry[];
  version: number;
  ownerId: string;
  /** AWS-managed lists (com.amazonaws.…) count a fixed weight against rule quotas and cannot be modified */
  awsManaged: boolean;
  tags: Tag[];
}

export type InterfaceType =
  | 'interface'
  | 'network_load_balancer'
  | 'gateway_load_balancer'
  | 'gateway_load_balancer_endpoint'
  | 'vpc_endpoint'
  | 'nat_gateway'
  | 'lambda'
  | 'efa'
  | 'branch'
  | 'trunk';

export interface PublicIpAssociation {
  publicIp: string;
  /** 'amazon' for an auto-assigned public IPv4, else the account that owns the Elastic IP */
  ipOwnerId: string;
  allocationId?: string;
  associationId?: string;
}

export interface PrivateIpAddress {
  privateIpAddress: string;
  primary: boolean;
  association?: PublicIpAssociation;
}

export interface ConnectionTrackingConfiguration {
  /** seconds, 60–432000, default 432000 */
  tcpEstablishedTimeout: number;
  /** seconds, 60–180, default 180 */
  udpStreamTimeout: number;
  /** seconds, 30–60, default 30 */
  udpTimeout: number;
}

export interface NetworkInterfaceAttachment {
  attachmentId: string;
  instanceId?: string;
  instanceOwnerId: string;
  deviceIndex: number;
  status: 'attached';
  deleteOnTermination: boolean;
}

export interface NetworkInterface {
  id: string;
  subnetId: string;
  vpcId: string;
  ownerId: string;
  availabilityZone: string;
  description: string;
  interfaceType: InterfaceType;
  requesterManaged: boolean;
  requesterId?: string;
  macAddress: string;
  privateIpAddresses: PrivateIpAddress[];
  ipv6Addresses: string[];
  groups: string[];
  sourceDestCheck: boolean;
  status: 'available' | 'in-use';
  attachment?: NetworkInterfaceAttachment;
  connectionTracking: ConnectionTrackingConfiguration;
  /** the service resource (load balancer, DB instance, …) this ENI belongs to, if any */
  resourceId?: string;
  tags: Tag[];
}

export interface Instance {
  id: string;
  ownerId: string;
  imageId: string;
  instanceType: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  state: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
  launchTime: string;
  /** network interfaces by device index; [0] is the primary */
  networkInterfaceIds: string[];
  tags: Tag[];
}

export interface ElasticAddress {
  allocationId: string;
  publicIp: string;
  domain: 'vpc';
  networkInterfaceId?: string;
  privateIpAddress?: string;
  associationId?: string;
  instanceId?: string;
  tags: Tag[];
}

/** Managed resources that own ENIs (load balancers, databases, …), declared in scenarios. */
export type ServiceKind =
  | 'alb'
  | 'nlb'
  | 'clb'
  | 'gwlb'
  | 'rds'
  | 'aurora'
  | 'redshift'
  | 'elasticache'
  | 'lambda'
  | 'ecs-task'
  | 'eks-pod'
  | 'docdb'
  | 'neptune'
  | 'mq'
  | 'vpc-endpoint'
  | 'nat-gateway';

export interface ServiceResource {
  id: string;
  kind: ServiceKind;
  name: string;
  vpcId: string;
  subnetIds: string[];
  groups: string[];
  networkInterfaceIds: string[];
  /** NAT gateway: its Elastic IP; internet-facing load balancers: one public IP per ENI */
  internetFacing: boolean;
  tags: Tag[];
}

export interface FlowLog {
  id: string;
  resourceId: string;
  trafficType: 'ACCEPT' | 'REJECT' | 'ALL';
  logFormat: string;
  maxAggregationInterval: 60 | 600;
  logDestinationType: 'cloud-watch-logs' | 's3' | 'kinesis-data-firehose';
  logDestination?: string;
  creationTime: string;
  tags: Tag[];
  /** what the flow log watches: `VPC`, `Subnet` or `NetworkInterface` (the API's FlowLogsResourceType) */
  resourceType?: string;
  logGroupName?: string;
  deliverLogsPermissionArn?: string;
  deliverCrossAccountRole?: string;
  destinationOptions?: { fileFormat: 'plain-text' | 'parquet'; hiveCompatiblePartitions: boolean; perHourPartition: boolean };
}
