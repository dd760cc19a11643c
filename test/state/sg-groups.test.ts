// Spec §1, §2 and §6: security group names, lookups and deletion.
import { describe, expect, it } from 'vitest';
import { customVpc, expectAwsError, newGroup } from './helpers.js';

describe('group names', () => {
  it('a group name may not start with "sg-"', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.createSecurityGroup({ groupName: 'sg-web', description: 'x', vpcId: vpc.id }), 'InvalidParameterValue');
  });

  it('"default" is reserved: InvalidGroup.Reserved', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.createSecurityGroup({ groupName: 'default', description: 'x', vpcId: vpc.id }), 'InvalidGroup.Reserved');
  });

  it('"default " with a trailing space is trimmed and so reserved too', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.createSecurityGroup({ groupName: 'default  ', description: 'x', vpcId: vpc.id }), 'InvalidGroup.Reserved');
  });

  it('a name already used in the VPC is InvalidGroup.Duplicate', () => {
    const { region, vpc } = customVpc();
    newGroup(region, vpc.id, 'web');
    expectAwsError(
      () => region.createSecurityGroup({ groupName: 'web', description: 'again', vpcId: vpc.id }),
      'InvalidGroup.Duplicate',
      `The security group 'web' already exists for VPC '${vpc.id}'`,
    );
  });

  it('the same name is allowed in another VPC', () => {
    const { region, vpc } = customVpc();
    const vpc2 = region.createVpc({ cidrBlock: '10.1.0.0/16' });
    const a = newGroup(region, vpc.id, 'web');
    const b = newGroup(region, vpc2.id, 'web');
    expect(a.id).not.toBe(b.id);
  });

  it('trailing spaces of a group name are trimmed', () => {
    const { region, vpc } = customVpc();
    const sg = region.createSecurityGroup({ groupName: 'web   ', description: 'x', vpcId: vpc.id });
    expect(sg.name).toBe('web');
    expectAwsError(() => region.createSecurityGroup({ groupName: 'web ', description: 'x', vpcId: vpc.id }), 'InvalidGroup.Duplicate');
  });

  it('a group name is at most 255 characters of the description set', () => {
    const { region, vpc } = customVpc();
    expect(region.createSecurityGroup({ groupName: 'n'.repeat(255), description: 'x', vpcId: vpc.id }).name).toHaveLength(255);
    expectAwsError(() => region.createSecurityGroup({ groupName: 'm'.repeat(256), description: 'x', vpcId: vpc.id }), 'InvalidParameterValue');
    expectAwsError(() => region.createSecurityGroup({ groupName: 'na\u00efve', description: 'x', vpcId: vpc.id }), 'InvalidParameterValue');
    expect(region.createSecurityGroup({ groupName: 'a._-:/()#,@[]+=&;{}!$* b', description: 'x', vpcId: vpc.id }).name).toBe('a._-:/()#,@[]+=&;{}!$* b');
  });

  it('a group description is at most 255 characters of the same set', () => {
    const { region, vpc } = customVpc();
    region.createSecurityGroup({ groupName: 'ok', description: 'd'.repeat(255), vpcId: vpc.id });
    expectAwsError(() => region.createSecurityGroup({ groupName: 'long', description: 'd'.repeat(256), vpcId: vpc.id }), 'InvalidParameterValue');
    expectAwsError(() => region.createSecurityGroup({ groupName: 'bad', description: 'caf\u00e9', vpcId: vpc.id }), 'InvalidParameterValue');
  });

  it('a group name and description are required', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.createSecurityGroup({ groupName: '', description: 'x', vpcId: vpc.id }), 'MissingParameter');
    expectAwsError(() => region.createSecurityGroup({ groupName: 'x', description: '', vpcId: vpc.id }), 'MissingParameter');
  });

  it('a name of only spaces is empty once trimmed, so missing', () => {
    const { region, vpc } = customVpc();
    expectAwsError(() => region.createSecurityGroup({ groupName: '   ', description: 'x', vpcId: vpc.id }), 'MissingParameter');
  });

  it('a group in an unknown VPC is InvalidVpcID.NotFound', () => {
    const { region } = customVpc();
    expectAwsError(() => region.createSecurityGroup({ groupName: 'x', description: 'x', vpcId: 'vpc-0123456789abcdef0' }), 'InvalidVpcID.NotFound');
  });
});

describe('group lookups', () => {
  it('a malformed group id is InvalidGroupId.Malformed', () => {
    const { region } = customVpc();
    expectAwsError(() => region.getGroup('sg-xyz'), 'InvalidGroupId.Malformed');
    expectAwsError(() => region.getGroup('web'), 'InvalidGroupId.Malformed');
    expectAwsError(() => region.authorize('sg-12', false, [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]), 'InvalidGroupId.Malformed');
  });

  it("an unknown group id is InvalidGroup.NotFound \"The security group 'sg-…' does not exist\"", () => {
    const { region } = customVpc();
    expectAwsError(() => region.getGroup('sg-0123456789abcdef0'), 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist");
    expectAwsError(() => region.deleteSecurityGroup({ groupId: 'sg-0123456789abcdef0' }), 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist");
    expectAwsError(() => region.authorize('sg-01234567', false, [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '10.0.0.0/8' }] }]), 'InvalidGroup.NotFound', "The security group 'sg-01234567' does not exist");
  });

  it('group ids are "sg-" + 17 hex digits', () => {
    const { region, vpc } = customVpc();
    expect(newGroup(region, vpc.id).id).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(region.defaultSecurityGroup(vpc.id).id).toMatch(/^sg-[0-9a-f]{17}$/);
  });
});

describe('deleting groups', () => {
  it('the default group cannot be deleted: CannotDelete', () => {
    const { region, vpc } = customVpc();
    const sg = region.defaultSecurityGroup(vpc.id);
    expectAwsError(() => region.deleteSecurityGroup({ groupId: sg.id }), 'CannotDelete');
    expect(region.securityGroups.has(sg.id)).toBe(true);
  });

  it('a group attached to an ENI cannot be deleted: DependencyViolation', () => {
    const { region, vpc, subnet } = customVpc();
    const sg = newGroup(region, vpc.id);
    const eni = region.createNetworkInterface({ subnetId: subnet.id, groups: [sg.id] });
    expectAwsError(() => region.deleteSecurityGroup({ groupId: sg.id }), 'DependencyViolation', `resource ${sg.id} has a dependent object`);
    region.deleteNetworkInterface(eni.id);
    region.deleteSecurityGroup({ groupId: sg.id });
    expect(region.securityGroups.has(sg.id)).toBe(false);
  });

  it('a group referenced by a rule of another group cannot be deleted: DependencyViolation', () => {
    const { region, vpc } = customVpc();
    const db = newGroup(region, vpc.id, 'db');
    const app = newGroup(region, vpc.id, 'app');
    const [r] = region.authorize(db.id, false, [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, userIdGroupPairs: [{ groupId: app.id }] }]);
    expectAwsError(() => region.deleteSecurityGroup({ groupId: app.id }), 'DependencyViolation', `resource ${app.id} has a dependent object`);
    region.revoke(db.id, false, { ruleIds: [r.id] });
    region.deleteSecurityGroup({ groupId: app.id });
  });

  it('a group that references only itself can be deleted, and its rules go with it', () => {
    const { region, vpc } = customVpc();
    const sg = newGroup(region, vpc.id);
    const rules = region.authorize(sg.id, false, [{ ipProtocol: '-1', userIdGroupPairs: [{ groupId: sg.id }] }]);
    region.deleteSecurityGroup({ groupId: sg.id });
    expect(region.securityGroups.has(sg.id)).toBe(false);
    for (const r of rules) expect(region.securityGroupRules.has(r.id)).toBe(false);
    expect([...region.securityGroupRules.values()].some((r) => r.groupId === sg.id)).toBe(false);
  });

  it('a deleted group no longer holds rules referencing others, so those can be deleted', () => {
    const { region, vpc } = customVpc();
    const a = newGroup(region, vpc.id, 'a');
    const b = newGroup(region, vpc.id, 'b');
    region.authorize(a.id, false, [{ ipProtocol: '-1', userIdGroupPairs: [{ groupId: b.id }] }]);
    region.deleteSecurityGroup({ groupId: a.id });
    region.deleteSecurityGroup({ groupId: b.id });
    expect(region.securityGroups.has(b.id)).toBe(false);
  });

  it('a group can be deleted by name in the default VPC', async () => {
    const { Region } = await import('../../src/state/region.js');
    const region = new Region();
    const sg = region.createSecurityGroup({ groupName: 'legacy', description: 'x' });
    expect(region.deleteSecurityGroup({ groupName: 'legacy' }).id).toBe(sg.id);
  });
});
