// Spec (corrections) and §1: security group references across VPC peering, peering life cycle, stale rules.
import { describe, expect, it } from 'vitest';
import { Region } from '../../src/state/region.js';
import { expectAwsError, newGroup } from './helpers.js';

function twoVpcs() {
  const region = new Region({ defaultVpc: false });
  const a = region.createVpc({ cidrBlock: '10.0.0.0/16' });
  const b = region.createVpc({ cidrBlock: '10.1.0.0/16' });
  const sgA = newGroup(region, a.id, 'a');
  const sgB = newGroup(region, b.id, 'b');
  return { region, a, b, sgA, sgB };
}

const refPerm = (groupId: string, extra: Record<string, string> = {}) => ({
  ipProtocol: 'tcp', fromPort: 443, toPort: 443, userIdGroupPairs: [{ groupId, ...extra }],
});

describe('referencing a group in a peered VPC', () => {
  it('is refused without any peering: InvalidGroup.NotFound "different networks"', () => {
    const { region, sgA, sgB } = twoVpcs();
    expectAwsError(() => region.authorize(sgA.id, false, [refPerm(sgB.id)]), 'InvalidGroup.NotFound', /different networks/);
  });

  it('is refused while the peering is pending acceptance', () => {
    const { region, a, b, sgA, sgB } = twoVpcs();
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    expect(pcx.status).toBe('pending-acceptance');
    expectAwsError(() => region.authorize(sgA.id, false, [refPerm(sgB.id)]), 'InvalidGroup.NotFound', /different networks/);
    expectAwsError(() => region.authorize(sgA.id, false, [refPerm(sgB.id, { vpcPeeringConnectionId: pcx.id })]), 'InvalidGroup.NotFound', /different networks/);
  });

  it('is allowed while the peering is active, storing the peer vpcId and vpcPeeringConnectionId', () => {
    const { region, a, b, sgA, sgB } = twoVpcs();
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    region.acceptVpcPeeringConnection(pcx.id);
    const [r] = region.authorize(sgA.id, false, [refPerm(sgB.id)]);
    expect(r.peer).toEqual({ kind: 'group', groupId: sgB.id, userId: region.accountId, vpcId: b.id, vpcPeeringConnectionId: pcx.id });
    // and from the accepter side too
    const [back] = region.authorize(sgB.id, true, [refPerm(sgA.id, { vpcPeeringConnectionId: pcx.id })]);
    expect(back.peer).toMatchObject({ groupId: sgA.id, vpcId: a.id, vpcPeeringConnectionId: pcx.id });
  });

  it('a group of a peered VPC that is referenced cannot be deleted', () => {
    const { region, a, b, sgA, sgB } = twoVpcs();
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    region.acceptVpcPeeringConnection(pcx.id);
    region.authorize(sgA.id, false, [refPerm(sgB.id)]);
    expectAwsError(() => region.deleteSecurityGroup({ groupId: sgB.id }), 'InvalidGroup.InUse');
  });

  it('naming a peering that does not join the two VPCs is refused', () => {
    const { region, a, b, sgA, sgB } = twoVpcs();
    const c = region.createVpc({ cidrBlock: '10.2.0.0/16' });
    const ac = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: c.id });
    region.acceptVpcPeeringConnection(ac.id);
    const ab = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    region.acceptVpcPeeringConnection(ab.id);
    expectAwsError(() => region.authorize(sgA.id, false, [refPerm(sgB.id, { vpcPeeringConnectionId: ac.id })]), 'InvalidGroup.NotFound');
  });

  it('after the peering is deleted the rule stays and shows in staleRules()', () => {
    const { region, a, b, sgA, sgB } = twoVpcs();
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    region.acceptVpcPeeringConnection(pcx.id);
    const [r] = region.authorize(sgA.id, false, [refPerm(sgB.id)]);
    expect(region.staleRules()).toEqual([]);
    region.deleteVpcPeeringConnection(pcx.id);
    expect(region.securityGroupRules.get(r.id)).toBeDefined();
    expect(region.groupRules(sgA.id, false).map((x) => x.id)).toEqual([r.id]);
    expect(region.staleRules().map((x) => x.id)).toEqual([r.id]);
    // a new reference is refused now
    expectAwsError(() => region.authorize(sgA.id, true, [refPerm(sgB.id)]), 'InvalidGroup.NotFound');
  });

  it('a stale rule can be revoked by its rule id', () => {
    const { region, a, b, sgA, sgB } = twoVpcs();
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    region.acceptVpcPeeringConnection(pcx.id);
    const [r] = region.authorize(sgA.id, false, [refPerm(sgB.id)]);
    region.deleteVpcPeeringConnection(pcx.id);
    region.revoke(sgA.id, false, { ruleIds: [r.id] });
    expect(region.staleRules()).toEqual([]);
  });

  it('a stale rule can be revoked by IpPermissions naming the referenced group (AWS: delete stale rules with revoke-security-group-ingress)', () => {
    const { region, a, b, sgA, sgB } = twoVpcs();
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    region.acceptVpcPeeringConnection(pcx.id);
    const [r] = region.authorize(sgA.id, false, [refPerm(sgB.id)]);
    region.deleteVpcPeeringConnection(pcx.id);
    const res = region.revoke(sgA.id, false, { permissions: [refPerm(sgB.id)] });
    expect(res.revoked.map((x) => x.id)).toEqual([r.id]);
    expect(region.staleRules()).toEqual([]);
  });

  it('a reference may name the owner account (UserId); a wrong owner is InvalidGroup.NotFound', () => {
    const { region, a, b, sgA, sgB } = twoVpcs();
    region.acceptVpcPeeringConnection(region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id }).id);
    const [r] = region.authorize(sgA.id, false, [refPerm(sgB.id, { userId: region.accountId })]);
    expect(r.peer).toMatchObject({ groupId: sgB.id, userId: region.accountId });
    expectAwsError(() => region.authorize(sgA.id, true, [refPerm(sgB.id, { userId: '210987654321' })]), 'InvalidGroup.NotFound');
  });

  it('a deleted peering is no longer found', () => {
    const { region, a, b } = twoVpcs();
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    region.deleteVpcPeeringConnection(pcx.id);
    expectAwsError(() => region.getPeering(pcx.id), 'InvalidVpcPeeringConnectionID.NotFound');
    expectAwsError(() => region.acceptVpcPeeringConnection('pcx-0123456789abcdef0'), 'InvalidVpcPeeringConnectionID.NotFound');
  });
});

describe('peering life cycle', () => {
  it('peering VPCs whose IPv4 blocks overlap goes to status failed', () => {
    const region = new Region({ defaultVpc: false });
    const a = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const b = region.createVpc({ cidrBlock: '10.0.128.0/17' });
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    expect(pcx.status).toBe('failed');
    expectAwsError(() => region.acceptVpcPeeringConnection(pcx.id), 'InvalidStateTransition');
  });

  it('overlap with a secondary block also fails the peering', () => {
    const region = new Region({ defaultVpc: false });
    const a = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    region.associateVpcCidrBlock(a.id, { cidrBlock: '10.5.0.0/16' });
    const b = region.createVpc({ cidrBlock: '10.5.0.0/24' });
    expect(region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id }).status).toBe('failed');
  });

  it('accept works only from pending-acceptance', () => {
    const { region, a, b } = twoVpcs();
    const pcx = region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id });
    expect(region.acceptVpcPeeringConnection(pcx.id).status).toBe('active');
    expectAwsError(() => region.acceptVpcPeeringConnection(pcx.id), 'InvalidStateTransition');
    const other = region.createVpcPeeringConnection({ vpcId: b.id, peerVpcId: a.id });
    region.rejectVpcPeeringConnection(other.id);
    expect(region.getPeering(other.id).status).toBe('rejected');
    expectAwsError(() => region.acceptVpcPeeringConnection(other.id), 'InvalidStateTransition');
  });

  it('only one active peering per pair of VPCs', () => {
    const { region, a, b } = twoVpcs();
    region.acceptVpcPeeringConnection(region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id }).id);
    const second = region.createVpcPeeringConnection({ vpcId: b.id, peerVpcId: a.id });
    expectAwsError(() => region.acceptVpcPeeringConnection(second.id), 'InvalidStateTransition');
  });

  it('a VPC cannot be peered with itself', () => {
    const { region, a } = twoVpcs();
    expectAwsError(() => region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: a.id }), 'InvalidParameterValue');
  });

  it('a cross-Region peer is refused (group references across Regions are not allowed)', () => {
    const { region, a, b } = twoVpcs();
    expectAwsError(() => region.createVpcPeeringConnection({ vpcId: a.id, peerVpcId: b.id, peerRegion: 'eu-west-1' }), 'InvalidParameterValue');
  });
});
