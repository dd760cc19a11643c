// The AWS EC2 error catalogue: every error rampart raises is built here, so a code always carries the same
// HTTP status and its message reads the same everywhere. Messages follow the texts AWS returns (EC2 API
// Reference, "Error codes for the Amazon EC2 API", and responses observed from AWS where the doc is silent).

export type ErrorCode =
  | 'AuthFailure'
  | 'CannotDelete'
  | 'DependencyViolation'
  | 'DryRunOperation'
  | 'IncorrectState'
  | 'InvalidAction'
  | 'InvalidAddress.NotFound'
  | 'InvalidAllocationID.NotFound'
  | 'InvalidAssociationID.NotFound'
  | 'InvalidGroup.Duplicate'
  | 'InvalidGroup.InUse'
  | 'InvalidGroup.NotFound'
  | 'InvalidGroup.Reserved'
  | 'InvalidGroupId.Malformed'
  | 'InvalidInstanceID.Malformed'
  | 'InvalidInstanceID.NotFound'
  | 'InvalidInternetGatewayID.NotFound'
  | 'InvalidNetworkAclEntry.NotFound'
  | 'InvalidNetworkAclID.NotFound'
  | 'InvalidNetworkInterfaceID.Malformed'
  | 'InvalidNetworkInterfaceID.NotFound'
  | 'InvalidParameter'
  | 'InvalidParameterCombination'
  | 'InvalidParameterValue'
  | 'InvalidPermission.Duplicate'
  | 'InvalidPermission.Malformed'
  | 'InvalidPermission.NotFound'
  | 'InvalidPrefixListId.NotFound'
  | 'InvalidPrefixListID.NotFound'
  | 'InvalidRoute.NotFound'
  | 'InvalidRouteTableID.NotFound'
  | 'InvalidSecurityGroupRuleId.Malformed'
  | 'InvalidSecurityGroupRuleId.NotFound'
  | 'InvalidSubnet.Conflict'
  | 'InvalidSubnet.Range'
  | 'InvalidSubnetID.NotFound'
  | 'InvalidVpc.Range'
  | 'InvalidVpcID.NotFound'
  | 'InvalidVpcPeeringConnectionID.NotFound'
  | 'InvalidStateTransition'
  | 'InvalidIPAddress.InUse'
  | 'PrivateIpAddressLimitExceeded'
  | 'MissingParameter'
  | 'NetworkAclEntryAlreadyExists'
  | 'NetworkAclEntryLimitExceeded'
  | 'NetworkAclLimitExceeded'
  | 'Resource.AlreadyAssociated'
  | 'RouteAlreadyExists'
  | 'RulesPerSecurityGroupLimitExceeded'
  | 'SecurityGroupLimitExceeded'
  | 'SecurityGroupsPerInstanceLimitExceeded'
  | 'SecurityGroupsPerInterfaceLimitExceeded'
  | 'UnauthorizedOperation'
  | 'VpcCidrConflict'
  | 'CidrLimitExceeded'
  | 'VpcLimitExceeded'
  | 'OperationNotPermitted'
  | 'InvalidNetworkInterface.InUse'
  | 'InvalidAttachmentID.NotFound'
  | 'UnknownParameter'
  | 'RequestLimitExceeded'
  | 'VpcIdNotSpecified'
  | 'RouteTableLimitExceeded'
  | 'RouteLimitExceeded'
  | 'Gateway.NotAttached'
  | 'InsufficientFreeAddressesInSubnet'
  | 'MissingInput'
  | 'DefaultVpcAlreadyExists'
  | 'InternalError';

/** HTTP status per code; everything not listed is a client error, 400 (EC2 API Reference, "Error codes"). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  AuthFailure: 401,
  UnauthorizedOperation: 403,
  DryRunOperation: 412,
  RequestLimitExceeded: 503,
  InternalError: 500,
};

export class AwsError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AwsError';
    this.status = STATUS[code] ?? 400;
  }
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}

const err = (code: ErrorCode, message: string) => new AwsError(code, message);

/** Named constructors, one per situation; the message text lives only here. */
export const Errors = {
  invalidParameterValue: (message: string) => err('InvalidParameterValue', message),
  invalidParameter: (message: string) => err('InvalidParameter', message),
  invalidParameterCombination: (message: string) => err('InvalidParameterCombination', message),
  missingParameter: (name: string) => err('MissingParameter', `The request must contain the parameter ${name}`),
  dryRun: () => err('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'),
  invalidAction: (action: string) =>
    err('InvalidAction', `The action ${action} is not valid for this web service.`),

  // security groups
  groupNotFound: (id: string) => err('InvalidGroup.NotFound', `The security group '${id}' does not exist`),
  groupNameNotFound: (name: string, vpcId?: string) =>
    err(
      'InvalidGroup.NotFound',
      vpcId
        ? `The security group '${name}' does not exist in VPC '${vpcId}'`
        : `The security group '${name}' does not exist in default VPC`,
    ),
  groupIdMalformed: (id: string) => err('InvalidGroupId.Malformed', `Invalid id: "${id}"`),
  groupDuplicate: (name: string, vpcId: string) =>
    err('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`),
  groupReserved: () => err('InvalidGroup.Reserved', 'The security group \'default\' is reserved'),
  groupInUse: (id: string, by: string) =>
    err('InvalidGroup.InUse', `Group ${id} is used by security groups in other VPCs or accounts: ${by}`),
  dependencyViolation: (id: string) => err('DependencyViolation', `resource ${id} has a dependent object`),
  cannotDeleteDefaultGroup: () =>
    err('CannotDelete', 'the specified group: "default" name: "default" cannot be deleted by a user'),
  permissionDuplicate: (desc: string) =>
    err('InvalidPermission.Duplicate', `the specified rule "${desc}" already exists`),
  permissionNotFound: () =>
    err(
      'InvalidPermission.NotFound',
      'The specified rule does not exist in this security group.',
    ),
  permissionMalformed: (message: string) => err('InvalidPermission.Malformed', message),
  missingSource: () =>
    err(
      'InvalidParameterValue',
      'Missing source specification: include source security group or CIDR information',
    ),
  sameRuleTwice: () =>
    err('InvalidParameterValue', 'The same permission must not appear multiple times'),
  portOutOfRange: (proto: string, port: number) =>
    err('InvalidParameterValue', `${proto} port (${port}) out of range`),
  ruleIdNotFound: (id: string) =>
    err('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`),
  ruleIdMalformed: (id: string) =>
    err('InvalidSecurityGroupRuleId.Malformed', `Invalid security group rule id: '${id}'`),
  rulesPerGroupLimit: () =>
    err('RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.'),
  groupLimit: () =>
    err('SecurityGroupLimitExceeded', 'The maximum number of security groups has been reached.'),
  groupsPerInterfaceLimit: () =>
    err(
      'SecurityGroupsPerInterfaceLimitExceeded',
      'The maximum number of security groups per interface has been reached.',
    ),

  // network ACLs
  aclNotFound: (id: string) => err('InvalidNetworkAclID.NotFound', `The networkAcl ID '${id}' does not exist`),
  aclEntryExists: (n: number) =>
    err('NetworkAclEntryAlreadyExists', `The network acl entry identified by ${n} already exists.`),
  aclEntryNotFound: (n: number, egress: boolean, id: string) =>
    err(
      'InvalidNetworkAclEntry.NotFound',
      `The network acl entry identified by ${n} (${egress ? 'egress' : 'ingress'}) does not exist in '${id}'`,
    ),
  aclEntryLimit: (id: string) =>
    err('NetworkAclEntryLimitExceeded', `The maximum number of network acl entries has been reached for '${id}'.`),
  aclLimit: (vpcId: string) =>
    err('NetworkAclLimitExceeded', `The maximum number of network ACLs has been reached for VPC '${vpcId}'.`),
  aclInUse: (id: string) => err('DependencyViolation', `The networkAcl '${id}' has dependencies and cannot be deleted.`),
  cannotDeleteDefaultAcl: (id: string) =>
    err('InvalidParameterValue', `cannot delete default network ACL ${id}`),

  // network resources
  vpcNotFound: (id: string) => err('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`),
  subnetNotFound: (id: string) => err('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`),
  eniNotFound: (id: string) =>
    err('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`),
  eniMalformed: (id: string) =>
    err('InvalidNetworkInterfaceID.Malformed', `Invalid id: "${id}" (expecting "eni-...")`),
  eniInUse: (id: string) =>
    err('InvalidNetworkInterface.InUse', `Interface: [${id}] in use.`),
  instanceNotFound: (id: string) =>
    err('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`),
  peeringNotFound: (id: string) =>
    err('InvalidVpcPeeringConnectionID.NotFound', `The vpcPeeringConnection ID '${id}' does not exist`),
  routeTableNotFound: (id: string) =>
    err('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`),
  routeNotFound: (dest: string, rtb: string) =>
    err('InvalidRoute.NotFound', `no route with destination-cidr-block ${dest} in route table ${rtb}`),
  routeExists: (dest: string) =>
    err('RouteAlreadyExists', `The route identified by ${dest} already exists.`),
  igwNotFound: (id: string) =>
    err('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${id}' does not exist`),
  prefixListNotFound: (id: string) =>
    err('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`),
  associationNotFound: (id: string) =>
    err('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`),
  allocationNotFound: (id: string) =>
    err('InvalidAllocationID.NotFound', `The allocation ID '${id}' does not exist`),
  attachmentNotFound: (id: string) =>
    err('InvalidAttachmentID.NotFound', `The attachment ID '${id}' does not exist`),
  vpcRange: (cidr: string) => err('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`),
  subnetRange: (cidr: string) => err('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`),
  subnetConflict: (cidr: string) => err('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`),
  vpcCidrConflict: (cidr: string, vpcId: string) =>
    err('VpcCidrConflict', `The CIDR '${cidr}' conflicts with a CIDR block of VPC '${vpcId}'.`),
  cidrLimit: (vpcId: string, n: number) =>
    err('CidrLimitExceeded', `This network '${vpcId}' has met its maximum number of allowed CIDRs: ${n}`),
  ipInUse: (ip: string, subnet: string) =>
    err('InvalidIPAddress.InUse', `The specified address ${ip} is already in use in subnet ${subnet}.`),
  incorrectState: (message: string) => err('IncorrectState', message),
  alreadyAssociated: (message: string) => err('Resource.AlreadyAssociated', message),
  operationNotPermitted: (message: string) => err('OperationNotPermitted', message),
  privateIpLimit: (message: string) => err('PrivateIpAddressLimitExceeded', message),
  unauthorized: (message: string) => err('UnauthorizedOperation', message),
};
