// How AWS services that live in a VPC show up as network interfaces (Amazon VPC User Guide, "Network
// interfaces for AWS services"; `InterfaceType`, `RequesterManaged`, `RequesterId` and `Description` as
// DescribeNetworkInterfaces reports them), and which of them AWS always connection-tracks (Amazon EC2 User
// Guide, "Automatically tracked connections").
import type { InterfaceType, ServiceKind } from './types.js';

export interface ServiceProfile {
  /** human name of the service */
  label: string;
  interfaceType: InterfaceType;
  requesterManaged: boolean;
  requesterId?: string;
  /** Description of each ENI; `{name}`, `{id}` and `{hex}` are filled in */
  description: string;
  /** security groups apply (NAT gateways and Gateway Load Balancers have none) */
  hasSecurityGroups: boolean;
  /** traffic through it is always tracked, whatever the rules */
  alwaysTracked: boolean;
  /** the usual listener / service ports, for generated traffic and examples */
  ports: number[];
}

export const SERVICE_PROFILES: Record<ServiceKind, ServiceProfile> = {
  alb: {
    label: 'Application Load Balancer', interfaceType: 'interface', requesterManaged: true,
    requesterId: 'amazon-elb', description: 'ELB app/{name}/{hex}', hasSecurityGroups: true, alwaysTracked: false,
    ports: [80, 443],
  },
  nlb: {
    label: 'Network Load Balancer', interfaceType: 'network_load_balancer', requesterManaged: true,
    requesterId: 'amazon-elb', description: 'ELB net/{name}/{hex}', hasSecurityGroups: true, alwaysTracked: true,
    ports: [80, 443],
  },
  clb: {
    label: 'Classic Load Balancer', interfaceType: 'interface', requesterManaged: true, requesterId: 'amazon-elb',
    description: 'ELB {name}', hasSecurityGroups: true, alwaysTracked: false, ports: [80, 443],
  },
  gwlb: {
    label: 'Gateway Load Balancer', interfaceType: 'gateway_load_balancer', requesterManaged: true,
    requesterId: 'amazon-elb', description: 'ELB gwy/{name}/{hex}', hasSecurityGroups: false, alwaysTracked: true,
    ports: [6081],
  },
  rds: {
    label: 'Amazon RDS', interfaceType: 'interface', requesterManaged: true, requesterId: 'amazon-rds',
    description: 'RDSNetworkInterface', hasSecurityGroups: true, alwaysTracked: false, ports: [5432, 3306],
  },
  aurora: {
    label: 'Amazon Aurora', interfaceType: 'interface', requesterManaged: true, requesterId: 'amazon-rds',
    description: 'RDSNetworkInterface', hasSecurityGroups: true, alwaysTracked: false, ports: [5432, 3306],
  },
  redshift: {
    label: 'Amazon Redshift', interfaceType: 'interface', requesterManaged: true, requesterId: 'amazon-redshift',
    description: 'RedshiftNetworkInterface', hasSecurityGroups: true, alwaysTracked: false, ports: [5439],
  },
  elasticache: {
    label: 'Amazon ElastiCache', interfaceType: 'interface', requesterManaged: true,
    requesterId: 'amazon-elasticache', description: 'ElastiCache {name}', hasSecurityGroups: true,
    alwaysTracked: false, ports: [6379, 11211],
  },
  lambda: {
    label: 'AWS Lambda (VPC)', interfaceType: 'lambda', requesterManaged: true, requesterId: 'amazon-lambda',
    description: 'AWS Lambda VPC ENI-{name}-{hex}', hasSecurityGroups: true, alwaysTracked: true, ports: [],
  },
  'ecs-task': {
    label: 'Amazon ECS task (awsvpc)', interfaceType: 'interface', requesterManaged: true,
    requesterId: 'amazon-ecs', description: 'arn:aws:ecs:{region}:{account}:attachment/{hex}',
    hasSecurityGroups: true, alwaysTracked: false, ports: [8080],
  },
  'eks-pod': {
    label: 'Amazon EKS pod (security groups for pods)', interfaceType: 'branch', requesterManaged: false,
    description: 'aws-k8s-branch-eni', hasSecurityGroups: true, alwaysTracked: false, ports: [8080],
  },
  docdb: {
    label: 'Amazon DocumentDB', interfaceType: 'interface', requesterManaged: true, requesterId: 'amazon-rds',
    description: 'RDSNetworkInterface', hasSecurityGroups: true, alwaysTracked: false, ports: [27017],
  },
  neptune: {
    label: 'Amazon Neptune', interfaceType: 'interface', requesterManaged: true, requesterId: 'amazon-rds',
    description: 'RDSNetworkInterface', hasSecurityGroups: true, alwaysTracked: false, ports: [8182],
  },
  mq: {
    label: 'Amazon MQ', interfaceType: 'interface', requesterManaged: true, requesterId: 'amazon-mq',
    description: 'AmazonMQ network interface for broker {name}', hasSecurityGroups: true, alwaysTracked: false,
    ports: [5671, 61617, 8162],
  },
  'vpc-endpoint': {
    label: 'Interface VPC endpoint (PrivateLink)', interfaceType: 'vpc_endpoint', requesterManaged: true,
    requesterId: 'amazon-vpce', description: 'VPC Endpoint Interface {id}', hasSecurityGroups: true,
    alwaysTracked: true, ports: [443],
  },
  'nat-gateway': {
    label: 'NAT gateway', interfaceType: 'nat_gateway', requesterManaged: true, requesterId: 'amazon-vpc',
    description: 'Interface for NAT Gateway {id}', hasSecurityGroups: false, alwaysTracked: true, ports: [],
  },
};

/** Interface types whose traffic AWS always tracks (Amazon EC2 User Guide, "Automatically tracked connections"). */
export const ALWAYS_TRACKED_INTERFACE_TYPES: ReadonlySet<InterfaceType> = new Set<InterfaceType>([
  'network_load_balancer',
  'gateway_load_balancer',
  'gateway_load_balancer_endpoint',
  'vpc_endpoint',
  'nat_gateway',
  'lambda',
]);

export function isServiceKind(s: string): s is ServiceKind {
  return Object.prototype.hasOwnProperty.call(SERVICE_PROFILES, s);
}
