// Spec §6: AWS error codes carry their HTTP status, and the state layer raises AwsError (never a bare Error)
// for the documented situations.
import { describe, expect, it } from 'vitest';
import { AwsError, Errors, isAwsError, type ErrorCode } from '../../src/model/errors.js';
import { customVpc, expectAwsError } from './helpers.js';

describe('AwsError.status', () => {
  it.each<[ErrorCode, number]>([
    ['DryRunOperation', 412],
    ['AuthFailure', 401],
    ['UnauthorizedOperation', 403],
    ['RequestLimitExceeded', 503],
  ])('%s has HTTP status %i', (code, status) => {
    expect(new AwsError(code, 'x').status).toBe(status);
  });

  it.each<ErrorCode>([
    'InvalidPermission.Duplicate', 'InvalidPermission.NotFound', 'InvalidPermission.Malformed', 'InvalidParameterValue',
    'MissingParameter', 'InvalidGroup.NotFound', 'InvalidGroupId.Malformed', 'InvalidGroup.Duplicate', 'InvalidGroup.Reserved',
    'InvalidGroup.InUse', 'DependencyViolation', 'CannotDelete', 'InvalidSecurityGroupRuleId.NotFound',
    'InvalidSecurityGroupRuleId.Malformed', 'RulesPerSecurityGroupLimitExceeded', 'SecurityGroupLimitExceeded',
    'SecurityGroupsPerInterfaceLimitExceeded', 'NetworkAclEntryAlreadyExists', 'InvalidNetworkAclEntry.NotFound',
    'InvalidNetworkAclID.NotFound', 'NetworkAclEntryLimitExceeded', 'NetworkAclLimitExceeded', 'InvalidVpcID.NotFound',
    'InvalidSubnetID.NotFound', 'InvalidNetworkInterfaceID.NotFound', 'InvalidInstanceID.NotFound',
    'InvalidVpcPeeringConnectionID.NotFound', 'InvalidVpc.Range', 'InvalidSubnet.Range', 'InvalidSubnet.Conflict', 'InvalidAction',
  ])('client error %s has HTTP status 400', (code) => {
    expect(new AwsError(code, 'x').status).toBe(400);
  });

  it('an AwsError is an Error with name AwsError, its code and message', () => {
    const e = Errors.dryRun();
    expect(e).toBeInstanceOf(Error);
    expect(isAwsError(e)).toBe(true);
    expect(isAwsError(new Error('x'))).toBe(false);
    expect(e.name).toBe('AwsError');
    expect(e.code).toBe('DryRunOperation');
    expect(e.status).toBe(412);
    expect(e.message).toBe('Request would have succeeded, but DryRun flag is set.');
  });

  it('the catalogue messages read as AWS writes them', () => {
    expect(Errors.permissionDuplicate('peer: sg-8b3b99f3, TCP, from port: 0, to port: 65535, ALLOW').message)
      .toBe('the specified rule "peer: sg-8b3b99f3, TCP, from port: 0, to port: 65535, ALLOW" already exists');
    expect(Errors.groupNotFound('sg-1a2b3c4d').message).toBe("The security group 'sg-1a2b3c4d' does not exist");
    expect(Errors.dependencyViolation('sg-1a2b3c4d').message).toBe('resource sg-1a2b3c4d has a dependent object');
    expect(Errors.aclEntryExists(100).message).toBe('The network acl entry identified by 100 already exists.');
    expect(Errors.aclNotFound('acl-1a2b3c4d').message).toBe("The networkAcl ID 'acl-1a2b3c4d' does not exist");
    expect(Errors.missingSource().message).toBe('Missing source specification: include source security group or CIDR information');
    expect(Errors.portOutOfRange('TCP/UDP', -1).message).toBe('TCP/UDP port (-1) out of range');
    expect(Errors.sameRuleTwice().message).toBe('The same permission must not appear multiple times');
  });
});

describe('NotFound errors of the state layer', () => {
  const missing = {
    vpc: 'vpc-0123456789abcdef0',
    subnet: 'subnet-0123456789abcdef0',
    eni: 'eni-0123456789abcdef0',
    instance: 'i-0123456789abcdef0',
    pcx: 'pcx-0123456789abcdef0',
  };

  it('an unknown VPC is InvalidVpcID.NotFound', () => {
    const { region } = customVpc();
    expectAwsError(() => region.getVpc(missing.vpc), 'InvalidVpcID.NotFound', `The vpc ID '${missing.vpc}' does not exist`);
    expectAwsError(() => region.createSubnet({ vpcId: missing.vpc, cidrBlock: '10.0.0.0/24' }), 'InvalidVpcID.NotFound');
    expectAwsError(() => region.createNetworkAcl({ vpcId: missing.vpc }), 'InvalidVpcID.NotFound');
  });

  it('an unknown subnet is InvalidSubnetID.NotFound', () => {
    const { region } = customVpc();
    expectAwsError(() => region.createNetworkInterface({ subnetId: missing.subnet }), 'InvalidSubnetID.NotFound', `The subnet ID '${missing.subnet}' does not exist`);
    expectAwsError(() => region.runInstances({ subnetId: missing.subnet }), 'InvalidSubnetID.NotFound');
  });

  it('an unknown ENI is InvalidNetworkInterfaceID.NotFound; a malformed one .Malformed', () => {
    const { region } = customVpc();
    expectAwsError(() => region.deleteNetworkInterface(missing.eni), 'InvalidNetworkInterfaceID.NotFound');
    expectAwsError(() => region.getNetworkInterface('eni-zz'), 'InvalidNetworkInterfaceID.Malformed');
  });

  it('an unknown (or terminated) instance is InvalidInstanceID.NotFound', () => {
    const { region, subnet } = customVpc();
    expectAwsError(() => region.terminateInstances([missing.instance]), 'InvalidInstanceID.NotFound');
    const [i] = region.runInstances({ subnetId: subnet.id });
    region.terminateInstances([i.id]);
    expectAwsError(() => region.getInstance(i.id), 'InvalidInstanceID.NotFound');
  });

  it('an unknown peering is InvalidVpcPeeringConnectionID.NotFound', () => {
    const { region } = customVpc();
    expectAwsError(() => region.deleteVpcPeeringConnection(missing.pcx), 'InvalidVpcPeeringConnectionID.NotFound');
  });
});
