// Behaviours where the spec leaves a choice; each test pins the choice documented in the code.
import { describe, expect, it } from 'vitest';
import { Region } from '../../src/state/region.js';
import { customVpc, expectAwsError, newGroup } from './helpers.js';

describe('VPC and subnet blocks with host bits', () => {
  it('CreateVpc rejects 10.0.0.5/16 instead of canonicalising it', () => {
    const region = new Region({ defaultVpc: false });
    expectAwsError(() => region.createVpc({ cidrBlock: '10.0.0.5/16' }), 'InvalidParameterValue', 'Value (10.0.0.5/16) for parameter cidrBlock is invalid. This is not a valid CIDR block.');
    expect(region.vpcs.size).toBe(0);
  });
  it('CreateSubnet rejects 10.0.1.5/24', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.2.5/24' }), 'InvalidParameterValue');
  });
  it('security group rules still canonicalise 100.68.0.18/18 (AWS stores 100.68.0.0/18)', () => {
    const { region, vpc } = customVpc();
    const g = newGroup(region, vpc.id);
    const [r] = region.authorize(g.id, false, [{ ipProtocol: 'tcp', fromPort: 1, toPort: 1, ipRanges: [{ cidrIp: '100.68.0.18/18' }] }]);
    expect(r.peer).toEqual({ kind: 'cidr4', cidr: '100.68.0.0/18' });
  });
});

describe('deleting a group referenced from a peered VPC', () => {
  function peered() {
    const region = new Region({ defaultVpc: false });
    const a = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const b = region.createVpc({ cidrBlock: '10.1.0.0/16' });
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    region.acceptVpcPeeringConnection(pcx.id);
    const target = newGroup(region, b.id, 'target');
    const user = newGroup(region, a.id, 'user');
    region.authorize(user.id, false, [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, userIdGroupPairs: [{ groupId: target.id }] }]);
    return { region, pcx, target, user };
  }
  it('is InvalidGroup.InUse while the peering is active', () => {
    const { region, target } = peered();
    expectAwsError(() => region.deleteSecurityGroup({ groupId: target.id }), 'InvalidGroup.InUse');
  });
  it('succeeds once the peering is deleted, leaving the referencing rule stale', () => {
    const { region, pcx, target, user } = peered();
    region.deleteVpcPeeringConnection(pcx.id);
    region.deleteSecurityGroup({ groupId: target.id });
    const stale = region.staleRules();
    expect(stale.map((r) => r.groupId)).toEqual([user.id]);
    expect(region.groupRules(user.id, false)).toHaveLength(1);
  });
});

describe('CreateDefaultVpc', () => {
  it('fails with DefaultVpcAlreadyExists when the account already has one', () => {
    const region = new Region();
    expectAwsError(() => region.createDefaultVpc(), 'DefaultVpcAlreadyExists', 'A Default VPC already exists for this account in this region.');
  });
});
