// Security groups through the AWS SDK for JavaScript v3 against a real `rampart serve`. Every test runs in an
// account of its own (a 12-digit access key id is the account), so each starts from AWS's fresh state: a
// default VPC 172.31.0.0/16 with its default security group. Resources the security-group family does not
// create (extra VPCs, peerings, ENIs) are set up directly in the account's state.
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupReferencesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeStaleSecurityGroupsCommand,
  GetSecurityGroupsForVpcCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Region } from '../../src/state/region.js';
import { withServer } from './helpers.js';

let s: Awaited<ReturnType<typeof withServer>>;
beforeAll(async () => {
  s = await withServer();
});
afterAll(async () => s.server.close());

let nextAccount = 0;
/** A fresh account (and so fresh state) for one test. */
function account(): { ec2: EC2Client; region: Region; accountId: string } {
  const accountId = `5100000${String(++nextAccount).padStart(5, '0')}`;
  return { ec2: s.ec2({ accessKeyId: accountId }), region: s.server.accounts.get(accountId, 'us-east-1').region, accountId };
}

async function fail(p: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number } }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e === undefined) throw new Error('expected the call to fail');
  return e as { name: string; message: string; $metadata: { httpStatusCode?: number } };
}

async function newGroup(ec2: EC2Client, name: string, vpcId?: string, description = `group ${name}`): Promise<string> {
  const out = await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: description, VpcId: vpcId }));
  return out.GroupId!;
}

async function describeGroup(ec2: EC2Client, id: string) {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }));
  return out.SecurityGroups![0]!;
}

const tcp = (port: number, cidr: string, description?: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: [{ CidrIp: cidr, Description: description }],
});

describe('CreateSecurityGroup / DescribeSecurityGroups', () => {
  it('creates a group with tags and an ARN, and a new group has no inbound rules and one all-traffic IPv4 outbound rule', async () => {
    const { ec2, region, accountId } = account();
    const vpc = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const out = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'web',
        Description: 'web servers',
        VpcId: vpc.id,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'Name', Value: 'web' }] }],
      }),
    );
    expect(out.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(out.Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
    expect(out.SecurityGroupArn).toBe(`arn:aws:ec2:us-east-1:${accountId}:security-group/${out.GroupId}`);
    const g = await describeGroup(ec2, out.GroupId!);
    expect(g).toMatchObject({ GroupName: 'web', Description: 'web servers', VpcId: vpc.id, OwnerId: accountId, Tags: [{ Key: 'Name', Value: 'web' }] });
    expect(g.IpPermissions).toEqual([]);
    expect(g.IpPermissionsEgress).toEqual([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);
  });

  it('without VpcId the group goes to the default VPC, which already has its default group', async () => {
    const { ec2, region } = account();
    const defaultVpc = region.defaultVpc()!;
    const id = await newGroup(ec2, 'in-default');
    expect((await describeGroup(ec2, id)).VpcId).toBe(defaultVpc.id);
    const all = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [defaultVpc.id] }] }));
    const def = all.SecurityGroups!.find((g) => g.GroupName === 'default')!;
    expect(def.Description).toBe('default VPC security group');
    expect(def.IpPermissions).toEqual([
      { IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: def.GroupId, UserId: def.OwnerId }] },
    ]);
  });

  it('a duplicate name in the VPC is InvalidGroup.Duplicate and "default" is InvalidGroup.Reserved', async () => {
    const { ec2, region } = account();
    await newGroup(ec2, 'dup');
    const e = await fail(newGroup(ec2, 'dup'));
    expect(e.name).toBe('InvalidGroup.Duplicate');
    expect(e.message).toBe(`The security group 'dup' already exists for VPC '${region.defaultVpc()!.id}'`);
    expect((await fail(newGroup(ec2, 'default'))).name).toBe('InvalidGroup.Reserved');
  });

  it('a missing GroupName is MissingParameter', async () => {
    const { ec2 } = account();
    const e = await fail(ec2.send(new CreateSecurityGroupCommand({ Description: 'x' } as never)));
    expect(e.name).toBe('MissingParameter');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  it('DryRun answers DryRunOperation with HTTP 412 and creates nothing', async () => {
    const { ec2, region } = account();
    const before = region.securityGroups.size;
    const e = await fail(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'dry', Description: 'dry', DryRun: true })));
    expect(e.name).toBe('DryRunOperation');
    expect(e.$metadata.httpStatusCode).toBe(412);
    expect(e.message).toBe('Request would have succeeded, but DryRun flag is set.');
    expect(region.securityGroups.size).toBe(before);
  });

  it('an unknown group id is InvalidGroup.NotFound with AWS message, a malformed one InvalidGroupId.Malformed', async () => {
    const { ec2 } = account();
    const e = await fail(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })));
    expect(e.name).toBe('InvalidGroup.NotFound');
    expect(e.message).toBe("The security group 'sg-0123456789abcdef0' does not exist");
    expect((await fail(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['nope'] })))).name).toBe('InvalidGroupId.Malformed');
  });

  it('GroupNames finds groups of the default VPC by name; an unknown name is InvalidGroup.NotFound', async () => {
    const { ec2 } = account();
    const id = await newGroup(ec2, 'named');
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['named', 'default'] }));
    expect(out.SecurityGroups!.map((g) => g.GroupName)).toEqual(['named', 'default']);
    expect(out.SecurityGroups![0]!.GroupId).toBe(id);
    expect((await fail(ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['ghost'] })))).name).toBe('InvalidGroup.NotFound');
  });
});

describe('AuthorizeSecurityGroupIngress / Egress', () => {
  it('groups rules into one IpPermission per protocol and port range, with names for protocol numbers and descriptions on each peer', async () => {
    const { ec2, accountId } = account();
    const id = await newGroup(ec2, 'app');
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }, { CidrIp: '192.168.1.7/32' }] },
          { IpProtocol: '6', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'v6' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: id, Description: 'self' }] },
          { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '100.68.0.18/18' }] },
          { IpProtocol: '-1', IpRanges: [{ CidrIp: '172.16.0.0/12' }] },
        ],
      }),
    );
    expect(out.Return).toBe(true);
    expect(out.SecurityGroupRules).toHaveLength(6);
    for (const r of out.SecurityGroupRules!) {
      expect(r.SecurityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
      expect(r.SecurityGroupRuleArn).toBe(`arn:aws:ec2:us-east-1:${accountId}:security-group-rule/${r.SecurityGroupRuleId}`);
      expect(r).toMatchObject({ GroupId: id, GroupOwnerId: accountId, IsEgress: false });
    }
    expect(out.SecurityGroupRules![0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8', Description: 'office' });
    expect(out.SecurityGroupRules![2]).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, CidrIpv6: '2001:db8::/32' });
    expect(out.SecurityGroupRules![3]!.ReferencedGroupInfo).toEqual({ GroupId: id, UserId: accountId });
    expect(out.SecurityGroupRules![5]).toMatchObject({ IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '172.16.0.0/12' });

    const g = await describeGroup(ec2, id);
    expect(g.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp', FromPort: 22, ToPort: 22,
        IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }, { CidrIp: '192.168.1.7/32' }],
        Ipv6Ranges: [], PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: id, UserId: accountId, Description: 'self' }],
      },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [], Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'v6' }], PrefixListIds: [], UserIdGroupPairs: [] },
      // CIDRs are stored canonical
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '100.68.0.0/18' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '172.16.0.0/12' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
  });

  it('an authorization is atomic: one duplicate permission fails the call with InvalidPermission.Duplicate and adds nothing', async () => {
    const { ec2, region } = account();
    const id = await newGroup(ec2, 'atomic');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '0.0.0.0/0')] }));
    const e = await fail(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(443, '0.0.0.0/0'), tcp(80, '0.0.0.0/0')] })));
    expect(e.name).toBe('InvalidPermission.Duplicate');
    expect(e.message).toBe('the specified rule "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" already exists');
    expect(region.groupRules(id, false)).toHaveLength(1);
    // a non-canonical form of an existing rule is a duplicate too
    expect((await fail(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '0.0.0.1/0')] })))).name).toBe('InvalidPermission.Duplicate');
  });

  it('the same permission twice in one call is InvalidParameterValue', async () => {
    const { ec2 } = account();
    const id = await newGroup(ec2, 'twice');
    const e = await fail(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '1.2.3.4/32'), tcp(80, '1.2.3.4/32')] })));
    expect(e.name).toBe('InvalidParameterValue');
    expect(e.message).toBe('The same permission must not appear multiple times');
  });

  it('a permission without a peer is "Missing source specification", an out-of-range port is rejected', async () => {
    const { ec2 } = account();
    const id = await newGroup(ec2, 'nosource');
    const e = await fail(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2 }] })));
    expect(e.message).toBe('Missing source specification: include source security group or CIDR information');
    const p = await fail(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: -1, ToPort: 2, IpRanges: [{ CidrIp: '1.0.0.0/8' }] }] })));
    expect(p.message).toBe('TCP/UDP port (-1) out of range');
  });

  it('accepts the legacy flat form: CidrIp/IpProtocol/FromPort/ToPort, and SourceSecurityGroupName (full TCP, UDP and ICMP) by GroupName in the default VPC', async () => {
    const { ec2, accountId } = account();
    const id = await newGroup(ec2, 'legacy');
    const src = await newGroup(ec2, 'source');
    const a = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIp: '10.1.0.0/16' }));
    expect(a.SecurityGroupRules![0]).toMatchObject({ IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIpv4: '10.1.0.0/16' });
    const b = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupName: 'legacy', SourceSecurityGroupName: 'source', SourceSecurityGroupOwnerId: accountId }));
    expect(b.SecurityGroupRules!.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.ReferencedGroupInfo?.GroupId])).toEqual([
      ['icmp', -1, -1, src],
      ['tcp', 0, 65535, src],
      ['udp', 0, 65535, src],
    ]);
    const r = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIp: '10.1.0.0/16' }));
    expect(r.Return).toBe(true);
    expect(r.RevokedSecurityGroupRules![0]).toMatchObject({ IpProtocol: 'udp', CidrIpv4: '10.1.0.0/16', IsEgress: false });
  });

  it('authorizes egress with IpPermissions and tags the new rules from TagSpecifications (security-group-rule)', async () => {
    const { ec2 } = account();
    const id = await newGroup(ec2, 'egress');
    const out = await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: id,
        IpPermissions: [tcp(5432, '10.9.0.0/16', 'db')],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'team', Value: 'data' }] }],
      }),
    );
    expect(out.SecurityGroupRules![0]).toMatchObject({ IsEgress: true, FromPort: 5432, Description: 'db', Tags: [{ Key: 'team', Value: 'data' }] });
    const g = await describeGroup(ec2, id);
    expect(g.IpPermissionsEgress!.map((p) => p.IpProtocol)).toEqual(['-1', 'tcp']);
    const wrongType = await fail(ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [tcp(1, '10.0.0.0/8')], TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }] })));
    expect(wrongType.name).toBe('InvalidParameterValue');
  });

  it('shows prefix lists with descriptions, ICMPv6 without ports as -1/-1, and other protocol numbers without ports', async () => {
    const { ec2, region } = account();
    const pl = region.createManagedPrefixList({ prefixListName: 'corp', addressFamily: 'IPv4', maxEntries: 1, entries: [{ cidr: '10.8.0.0/16' }] });
    const id = await newGroup(ec2, 'shapes');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: pl.id, Description: 'corp' }] },
          { IpProtocol: 'icmpv6', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          { IpProtocol: '47', FromPort: 5, ToPort: 9, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        ],
      }),
    );
    expect((await describeGroup(ec2, id)).IpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [{ PrefixListId: pl.id, Description: 'corp' }], UserIdGroupPairs: [] },
      { IpProtocol: 'icmpv6', FromPort: -1, ToPort: -1, IpRanges: [], Ipv6Ranges: [{ CidrIpv6: '::/0' }], PrefixListIds: [], UserIdGroupPairs: [] },
      { IpProtocol: '47', IpRanges: [{ CidrIp: '10.0.0.0/8' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ]);
    // GRE ignores ports, so revoking with other ports still matches the rule
    const r = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: '47', FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] }));
    expect(r.RevokedSecurityGroupRules![0]).toMatchObject({ IpProtocol: '47', FromPort: -1, ToPort: -1 });
  });

  it('the legacy flat parameters are not supported on the Egress actions', async () => {
    const { ec2 } = account();
    const id = await newGroup(ec2, 'flat-egress');
    const e = await fail(ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0/8' })));
    expect(e.name).toBe('InvalidParameterValue');
  });

  it('an unknown target group is InvalidGroup.NotFound', async () => {
    const { ec2 } = account();
    const e = await fail(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: 'sg-00000000000000000', IpPermissions: [tcp(1, '1.0.0.0/8')] })));
    expect(e.name).toBe('InvalidGroup.NotFound');
  });
});

describe('RevokeSecurityGroupIngress / Egress', () => {
  it('revokes by IpPermissions and by SecurityGroupRuleIds, answering RevokedSecurityGroupRules', async () => {
    const { ec2 } = account();
    const id = await newGroup(ec2, 'rev');
    const a = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(22, '10.0.0.0/8', 'ssh'), tcp(80, '0.0.0.0/0')] }));
    const r1 = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(22, '10.0.0.0/8')] }));
    expect(r1.Return).toBe(true);
    expect(r1.UnknownIpPermissions).toBeUndefined();
    expect(r1.RevokedSecurityGroupRules).toEqual([
      { SecurityGroupRuleId: a.SecurityGroupRules![0]!.SecurityGroupRuleId, GroupId: id, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8', Description: 'ssh' },
    ]);
    const r2 = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, SecurityGroupRuleIds: [a.SecurityGroupRules![1]!.SecurityGroupRuleId!] }));
    expect(r2.RevokedSecurityGroupRules![0]!.FromPort).toBe(80);
    expect((await describeGroup(ec2, id)).IpPermissions).toEqual([]);
  });

  it('a permission that matches nothing is InvalidPermission.NotFound outside a default VPC, and revokes nothing', async () => {
    const { ec2, region } = account();
    const vpc = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const id = await newGroup(ec2, 'nf', vpc.id);
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '0.0.0.0/0')] }));
    const e = await fail(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '0.0.0.0/0'), tcp(81, '0.0.0.0/0')] })));
    expect(e.name).toBe('InvalidPermission.NotFound');
    expect(region.groupRules(id, false)).toHaveLength(1);
  });

  it('in the default VPC a permission that matches nothing comes back in UnknownIpPermissions', async () => {
    const { ec2 } = account();
    const id = await newGroup(ec2, 'unknown');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '0.0.0.0/0')] }));
    const out = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '0.0.0.0/0'), tcp(81, '0.0.0.0/0')] }));
    expect(out.RevokedSecurityGroupRules).toHaveLength(1);
    expect(out.Return).toBe(false);
    expect(out.UnknownIpPermissions).toEqual([{ IpProtocol: 'tcp', FromPort: 81, ToPort: 81, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);
  });

  it('an unknown or foreign rule id is InvalidSecurityGroupRuleId.NotFound, a malformed one .Malformed', async () => {
    const { ec2 } = account();
    const id = await newGroup(ec2, 'ids');
    const e = await fail(ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, SecurityGroupRuleIds: ['sgr-00000000000000000'] })));
    expect(e.name).toBe('InvalidSecurityGroupRuleId.NotFound');
    const m = await fail(ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, SecurityGroupRuleIds: ['rule-1'] })));
    expect(m.name).toBe('InvalidSecurityGroupRuleId.Malformed');
  });
});

describe('DescribeSecurityGroupRules', () => {
  it('reads rules by id and by group-id and tag filters, with -1/-1 ports for all traffic, and paginates', async () => {
    const { ec2, region } = account();
    const id = await newGroup(ec2, 'rules');
    const a = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [1, 2, 3, 4, 5, 6].map((p) => tcp(p, '10.0.0.0/8')),
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'env', Value: 'prod' }] }],
      }),
    );
    const egressId = region.groupRules(id, true)[0]!.id;
    const one = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [egressId] }));
    expect(one.SecurityGroupRules).toEqual([
      expect.objectContaining({ SecurityGroupRuleId: egressId, GroupId: id, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0', Tags: [] }),
    ]);
    const byGroup = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }));
    expect(byGroup.SecurityGroupRules).toHaveLength(7);
    const byTag = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'tag:env', Values: ['pr*'] }] }));
    expect(byTag.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId)).toEqual(a.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId));
    const byRuleId = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'security-group-rule-id', Values: [egressId] }] }));
    expect(byRuleId.SecurityGroupRules).toHaveLength(1);

    const page1 = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }], MaxResults: 5 }));
    expect(page1.SecurityGroupRules).toHaveLength(5);
    expect(page1.NextToken).toBeTruthy();
    const page2 = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }], MaxResults: 5, NextToken: page1.NextToken }));
    expect(page2.SecurityGroupRules).toHaveLength(2);
    expect(page2.NextToken).toBeUndefined();
    expect((await fail(ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 4 })))).name).toBe('InvalidParameterValue');
  });

  it('an unknown rule id is InvalidSecurityGroupRuleId.NotFound', async () => {
    const { ec2 } = account();
    const e = await fail(ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-0123456789abcdef0'] })));
    expect(e.name).toBe('InvalidSecurityGroupRuleId.NotFound');
    expect(e.message).toBe("The security group rule ID 'sgr-0123456789abcdef0' does not exist");
  });
});

describe('DescribeSecurityGroups filters and pagination', () => {
  async function setup() {
    const acct = account();
    const { ec2, region } = acct;
    const pl = region.createManagedPrefixList({ prefixListName: 'corp', addressFamily: 'IPv4', maxEntries: 2, entries: [{ cidr: '10.8.0.0/16' }] });
    const web = await newGroup(ec2, 'web-frontend', undefined, 'Web tier');
    const db = await newGroup(ec2, 'db-backend', undefined, 'Database tier');
    await ec2.send(new CreateTagsCommand({ Resources: [web], Tags: [{ Key: 'tier', Value: 'web' }] })).catch(() => region.createTags([web], [{ key: 'tier', value: 'web' }]));
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: web,
        IpPermissions: [tcp(443, '0.0.0.0/0'), { IpProtocol: 'udp', FromPort: 1000, ToPort: 2000, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: db,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web }], PrefixListIds: [{ PrefixListId: pl.id }] }],
      }),
    );
    await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: '50', IpRanges: [{ CidrIp: '10.99.0.0/16' }] }] }));
    return { ...acct, web, db, pl: pl.id };
  }

  const names = (out: { SecurityGroups?: { GroupName?: string }[] }) => out.SecurityGroups!.map((g) => g.GroupName).sort();

  it('filters by every documented group and ip-permission filter, with * and ? wildcards', async () => {
    const { ec2, region, web, db, pl, accountId } = await setup();
    const q = async (Name: string, Values: string[]) => names(await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name, Values }] })));
    expect(await q('group-name', ['*-backend'])).toEqual(['db-backend']);
    expect(await q('group-name', ['web-front???'])).toEqual(['web-frontend']);
    expect(await q('description', ['* tier'])).toEqual(['db-backend', 'web-frontend']);
    expect(await q('group-id', [db])).toEqual(['db-backend']);
    expect(await q('vpc-id', [region.defaultVpc()!.id])).toEqual(['db-backend', 'default', 'web-frontend']);
    expect(await q('owner-id', [accountId])).toHaveLength(3);
    expect(await q('tag:tier', ['web'])).toEqual(['web-frontend']);
    expect(await q('tag-key', ['tier'])).toEqual(['web-frontend']);
    expect(await q('ip-permission.cidr', ['0.0.0.0/0'])).toEqual(['web-frontend']);
    expect(await q('ip-permission.ipv6-cidr', ['::/0'])).toEqual(['web-frontend']);
    expect(await q('ip-permission.from-port', ['1000'])).toEqual(['web-frontend']);
    expect(await q('ip-permission.to-port', ['5432'])).toEqual(['db-backend']);
    expect(await q('ip-permission.protocol', ['udp'])).toEqual(['web-frontend']);
    expect(await q('ip-permission.protocol', ['6'])).toEqual(['db-backend', 'web-frontend']);
    expect(await q('ip-permission.protocol', ['-1'])).toEqual(['default']);
    expect(await q('ip-permission.group-id', [web])).toEqual(['db-backend']);
    expect(await q('ip-permission.group-name', ['web-*'])).toEqual(['db-backend']);
    expect(await q('ip-permission.user-id', [accountId])).toEqual(['db-backend', 'default']);
    expect(await q('ip-permission.prefix-list-id', [pl])).toEqual(['db-backend']);
    expect(await q('egress.ip-permission.cidr', ['10.99.0.0/16'])).toEqual(['db-backend']);
    expect(await q('egress.ip-permission.protocol', ['50'])).toEqual(['db-backend']);
    expect(await q('egress.ip-permission.cidr', ['0.0.0.0/0'])).toEqual(['db-backend', 'default', 'web-frontend']);
    for (const f of ['egress.ip-permission.from-port', 'egress.ip-permission.to-port', 'egress.ip-permission.group-id', 'egress.ip-permission.group-name', 'egress.ip-permission.ipv6-cidr', 'egress.ip-permission.prefix-list-id', 'egress.ip-permission.user-id']) {
      expect(await q(f, ['*'])).toEqual([]);
    }
    // filters are ANDed, values ORed
    const both = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['web-frontend', 'db-backend'] }, { Name: 'ip-permission.from-port', Values: ['443'] }] }));
    expect(names(both)).toEqual(['web-frontend']);
    const bad = await fail(ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] })));
    expect(bad.name).toBe('InvalidParameterValue');
  });

  it('paginates with MaxResults and NextToken (5-1000)', async () => {
    const { ec2 } = account();
    for (let i = 0; i < 6; i++) await newGroup(ec2, `p${i}`);
    const p1 = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));
    expect(p1.SecurityGroups).toHaveLength(5);
    const p2 = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 5, NextToken: p1.NextToken }));
    expect(p2.SecurityGroups).toHaveLength(2);
    expect(p2.NextToken).toBeUndefined();
    expect(new Set([...p1.SecurityGroups!, ...p2.SecurityGroups!].map((g) => g.GroupId)).size).toBe(7);
    expect((await fail(ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 1001 })))).name).toBe('InvalidParameterValue');
  });
});

describe('DeleteSecurityGroup', () => {
  it('deletes by id and, in the default VPC, by name, answering Return and GroupId', async () => {
    const { ec2 } = account();
    const a = await newGroup(ec2, 'del-a');
    const b = await newGroup(ec2, 'del-b');
    expect(await ec2.send(new DeleteSecurityGroupCommand({ GroupId: a }))).toMatchObject({ Return: true, GroupId: a });
    expect(await ec2.send(new DeleteSecurityGroupCommand({ GroupName: 'del-b' }))).toMatchObject({ Return: true, GroupId: b });
    expect((await fail(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [a] })))).name).toBe('InvalidGroup.NotFound');
    expect((await fail(ec2.send(new DeleteSecurityGroupCommand({ GroupId: a })))).name).toBe('InvalidGroup.NotFound');
  });

  it('a group referenced by another group of its VPC, or attached to an ENI, is DependencyViolation; the default group is CannotDelete', async () => {
    const { ec2, region } = account();
    const target = await newGroup(ec2, 'target');
    const user = await newGroup(ec2, 'user');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: user, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, UserIdGroupPairs: [{ GroupId: target }] }] }));
    const e = await fail(ec2.send(new DeleteSecurityGroupCommand({ GroupId: target })));
    expect(e.name).toBe('DependencyViolation');
    expect(e.message).toBe(`resource ${target} has a dependent object`);

    const attached = await newGroup(ec2, 'attached');
    const subnet = [...region.subnets.values()][0]!;
    region.createNetworkInterface({ subnetId: subnet.id, groups: [attached] });
    expect((await fail(ec2.send(new DeleteSecurityGroupCommand({ GroupId: attached })))).name).toBe('DependencyViolation');

    expect((await fail(ec2.send(new DeleteSecurityGroupCommand({ GroupName: 'default' })))).name).toBe('CannotDelete');
  });
});

describe('ModifySecurityGroupRules and UpdateSecurityGroupRuleDescriptions*', () => {
  it('ModifySecurityGroupRules replaces a rule in place, keeping its id; clashing with another rule is InvalidPermission.Duplicate', async () => {
    const { ec2 } = account();
    const id = await newGroup(ec2, 'mod');
    const a = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(80, '0.0.0.0/0'), tcp(81, '0.0.0.0/0')] }));
    const [r80, r81] = a.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!);
    const out = await ec2.send(
      new ModifySecurityGroupRulesCommand({ GroupId: id, SecurityGroupRules: [{ SecurityGroupRuleId: r80, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8081, CidrIpv4: '10.0.0.0/8', Description: 'alt' } }] }),
    );
    expect(out.Return).toBe(true);
    const d = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [r80!] }));
    expect(d.SecurityGroupRules![0]).toMatchObject({ SecurityGroupRuleId: r80, FromPort: 8080, ToPort: 8081, CidrIpv4: '10.0.0.0/8', Description: 'alt' });
    const e = await fail(ec2.send(new ModifySecurityGroupRulesCommand({ GroupId: id, SecurityGroupRules: [{ SecurityGroupRuleId: r81, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8081, CidrIpv4: '10.0.0.0/8' } }] })));
    expect(e.name).toBe('InvalidPermission.Duplicate');
  });

  it('updates descriptions by IpPermissions (ingress) and by rule id (egress)', async () => {
    const { ec2, region } = account();
    const id = await newGroup(ec2, 'desc');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(22, '10.0.0.0/8', 'old')] }));
    expect((await ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: id, IpPermissions: [tcp(22, '10.0.0.0/8', 'new')] }))).Return).toBe(true);
    expect((await describeGroup(ec2, id)).IpPermissions![0]!.IpRanges).toEqual([{ CidrIp: '10.0.0.0/8', Description: 'new' }]);
    const egressRule = region.groupRules(id, true)[0]!.id;
    await ec2.send(new UpdateSecurityGroupRuleDescriptionsEgressCommand({ GroupId: id, SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: egressRule, Description: 'all out' }] }));
    expect((await describeGroup(ec2, id)).IpPermissionsEgress![0]!.IpRanges).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'all out' }]);
    const nf = await fail(ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: id, IpPermissions: [tcp(23, '10.0.0.0/8', 'x')] })));
    expect(nf.name).toBe('InvalidPermission.NotFound');
  });
});

describe('References across VPC peering, stale groups, GetSecurityGroupsForVpc', () => {
  it('DescribeSecurityGroupReferences names the peered VPC whose groups reference a group; once the peering is deleted the rule is stale', async () => {
    const { ec2, region, accountId } = account();
    const vpcA = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const vpcB = region.createVpc({ cidrBlock: '10.1.0.0/16' });
    const pcx = region.createVpcPeeringConnection({ vpcId: vpcA.id, peerVpcId: vpcB.id });
    region.acceptVpcPeeringConnection(pcx.id);
    const sgA = await newGroup(ec2, 'a', vpcA.id);
    const sgB = await newGroup(ec2, 'b', vpcB.id);
    const auth = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: sgA, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: sgB, VpcId: vpcB.id, VpcPeeringConnectionId: pcx.id }] }] }),
    );
    expect(auth.SecurityGroupRules![0]!.ReferencedGroupInfo).toEqual({ GroupId: sgB, UserId: accountId, VpcId: vpcB.id, VpcPeeringConnectionId: pcx.id, PeeringStatus: 'active' });
    const refs = await ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: [sgB] }));
    expect(refs.SecurityGroupReferenceSet).toEqual([{ GroupId: sgB, ReferencingVpcId: vpcA.id, VpcPeeringConnectionId: pcx.id }]);
    expect((await ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: vpcA.id }))).StaleSecurityGroupSet).toEqual([]);

    region.deleteVpcPeeringConnection(pcx.id);
    expect((await ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: [sgB] }))).SecurityGroupReferenceSet).toEqual([]);
    const stale = await ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: vpcA.id, MaxResults: 5 }));
    expect(stale.StaleSecurityGroupSet).toEqual([
      {
        Description: 'group a',
        GroupId: sgA,
        GroupName: 'a',
        VpcId: vpcA.id,
        StaleIpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: sgB, UserId: accountId, VpcId: vpcB.id, VpcPeeringConnectionId: pcx.id, PeeringStatus: 'deleted' }] }],
        StaleIpPermissionsEgress: [],
      },
    ]);
    expect((await fail(ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: vpcA.id, MaxResults: 256 })))).name).toBe('InvalidParameterValue');
    expect((await fail(ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: 'vpc-00000000000000000' })))).name).toBe('InvalidVpcID.NotFound');
    expect((await fail(ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: ['sg-00000000000000000'] })))).name).toBe('InvalidGroup.NotFound');
  });

  it('GetSecurityGroupsForVpc lists the groups of a VPC with group-id, group-name, description, owner-id, primary-vpc-id and tag filters', async () => {
    const { ec2, region, accountId } = account();
    const vpc = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const x = await newGroup(ec2, 'x', vpc.id, 'X group');
    await newGroup(ec2, 'y', vpc.id, 'Y group');
    await newGroup(ec2, 'elsewhere');
    region.createTags([x], [{ key: 'k', value: 'v' }]);
    const q = async (Filters?: { Name: string; Values: string[] }[], MaxResults?: number, NextToken?: string) =>
      ec2.send(new GetSecurityGroupsForVpcCommand({ VpcId: vpc.id, Filters, MaxResults, NextToken }));
    const all = await q();
    expect(all.SecurityGroupForVpcs!.map((g) => g.GroupName)).toEqual(['default', 'x', 'y']);
    expect(all.SecurityGroupForVpcs![1]).toEqual({ Description: 'X group', GroupName: 'x', OwnerId: accountId, GroupId: x, Tags: [{ Key: 'k', Value: 'v' }], PrimaryVpcId: vpc.id });
    expect((await q([{ Name: 'group-id', Values: [x] }])).SecurityGroupForVpcs).toHaveLength(1);
    expect((await q([{ Name: 'group-name', Values: ['?'] }])).SecurityGroupForVpcs).toHaveLength(2);
    expect((await q([{ Name: 'description', Values: ['Y*'] }])).SecurityGroupForVpcs).toHaveLength(1);
    expect((await q([{ Name: 'owner-id', Values: [accountId] }])).SecurityGroupForVpcs).toHaveLength(3);
    expect((await q([{ Name: 'primary-vpc-id', Values: [vpc.id] }])).SecurityGroupForVpcs).toHaveLength(3);
    expect((await q([{ Name: 'tag:k', Values: ['v'] }])).SecurityGroupForVpcs!.map((g) => g.GroupId)).toEqual([x]);
    expect((await q(undefined, 5)).NextToken).toBeUndefined();
    expect((await fail(ec2.send(new GetSecurityGroupsForVpcCommand({ VpcId: 'vpc-00000000000000000' })))).name).toBe('InvalidVpcID.NotFound');
  });
});

describe('Terraform call sequences', () => {
  /** Calls an action another family may not serve yet; InvalidAction is tolerated for that one call only. */
  async function maybeUnserved<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (e) {
      if ((e as Error).name === 'InvalidAction') return undefined;
      throw e;
    }
  }

  async function awsSecurityGroup(ec2: EC2Client, vpcId: string | undefined, expectV6: 'NotFound' | 'Unknown') {
    // create
    const created = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'tf-sg', Description: 'Managed by Terraform', VpcId: vpcId, TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'Name', Value: 'tf-sg' }] }] }),
    );
    const id = created.GroupId!;
    const found = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }));
    expect(found.SecurityGroups).toHaveLength(1);
    const r4 = await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    expect(r4.RevokedSecurityGroupRules).toHaveLength(1);
    const v6 = ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }));
    if (expectV6 === 'NotFound') expect((await fail(v6)).name).toBe('InvalidPermission.NotFound');
    else expect((await v6).UnknownIpPermissions).toHaveLength(1);
    // the diff: ingress 443 from anywhere, egress all to 0.0.0.0/0
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(443, '0.0.0.0/0')] }));
    await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const read = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0]!;
    expect(read.IpPermissions).toEqual([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);
    expect(read.IpPermissionsEgress).toEqual([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);
    // update: change 443 to 8443
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(443, '0.0.0.0/0')] }));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [tcp(8443, '0.0.0.0/0')] }));
    // delete
    await maybeUnserved(ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] })));
    expect((await ec2.send(new DeleteSecurityGroupCommand({ GroupId: id }))).Return).toBe(true);
    expect((await fail(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] })))).name).toBe('InvalidGroup.NotFound');
  }

  it('aws_security_group in a VPC: create, strip the default egress (::/0 fails only with InvalidPermission.NotFound), apply the diff, delete', async () => {
    const { ec2, region } = account();
    const vpc = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    await awsSecurityGroup(ec2, vpc.id, 'NotFound');
  });

  it('aws_security_group in the default VPC: revoking the absent ::/0 egress succeeds with UnknownIpPermissions', async () => {
    const { ec2 } = account();
    await awsSecurityGroup(ec2, undefined, 'Unknown');
  });

  it('aws_vpc_security_group_ingress_rule: authorize one, read by id, modify, tag the sgr- id, revoke by id, and a second revoke is InvalidSecurityGroupRuleId.NotFound', async () => {
    const { ec2, region } = account();
    const vpc = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    const id = await newGroup(ec2, 'tf-rules', vpc.id);
    const auth = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'http' }] }],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'Name', Value: 'http' }] }],
      }),
    );
    const ruleId = auth.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    const read = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }));
    expect(read.SecurityGroupRules![0]).toMatchObject({ SecurityGroupRuleId: ruleId, GroupId: id, IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '10.0.0.0/8', Description: 'http', Tags: [{ Key: 'Name', Value: 'http' }] });
    await ec2.send(new ModifySecurityGroupRulesCommand({ GroupId: id, SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, CidrIpv4: '10.0.0.0/8', Description: 'http-alt' } }] }));
    const tagged = await maybeUnserved(ec2.send(new CreateTagsCommand({ Resources: [ruleId], Tags: [{ Key: 'Owner', Value: 'me' }] })));
    const after = (await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }))).SecurityGroupRules![0]!;
    expect(after).toMatchObject({ FromPort: 8080, ToPort: 8080, Description: 'http-alt' });
    if (tagged) expect(after.Tags).toContainEqual({ Key: 'Owner', Value: 'me' });
    const rev = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, SecurityGroupRuleIds: [ruleId] }));
    expect(rev.RevokedSecurityGroupRules![0]!.SecurityGroupRuleId).toBe(ruleId);
    const again = await fail(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, SecurityGroupRuleIds: [ruleId] })));
    expect(again.name).toBe('InvalidSecurityGroupRuleId.NotFound');
  });
});
