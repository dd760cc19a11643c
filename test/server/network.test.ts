// The network family (VPCs, subnets, NACLs, route tables, IGWs, peering, zones, Regions, account attributes)
// through @aws-sdk/client-ec2 against a real rampart server. Each test uses its own account (a 12-digit access
// key id is the account), so tests never see each other's state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptVpcPeeringConnectionCommand,
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  AttachInternetGatewayCommand,
  CreateDefaultVpcCommand,
  CreateInternetGatewayCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteInternetGatewayCommand,
  DeleteNetworkAclCommand,
  DeleteNetworkAclEntryCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeAccountAttributesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRegionsCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  type EC2Client,
  ModifySubnetAttributeCommand,
  RejectVpcPeeringConnectionCommand,
  ReplaceNetworkAclAssociationCommand,
  ReplaceNetworkAclEntryCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
} from '@aws-sdk/client-ec2';
import type { RunningServer } from '../../src/server/serve.js';
import { withServer } from './helpers.js';

let s: Awaited<ReturnType<typeof withServer>>;
let server: RunningServer;
let accountSeq = 0;

/** A client of a fresh account (and so a fresh Region state with its default VPC). */
function fresh(region = 'us-east-1'): { ec2: EC2Client; account: string } {
  const account = `2100000000${String(++accountSeq).padStart(2, '0')}`;
  return { ec2: s.ec2({ accessKeyId: account, region }), account };
}

/** The error the SDK raised: its code (name) and HTTP status. */
async function failure(p: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return { code: err.name, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

async function newVpc(ec2: EC2Client, cidr = '10.0.0.0/16', tags: { Key: string; Value: string }[] = []): Promise<string> {
  const r = await ec2.send(new CreateVpcCommand({ CidrBlock: cidr, ...(tags.length ? { TagSpecifications: [{ ResourceType: 'vpc', Tags: tags }] } : {}) }));
  return r.Vpc!.VpcId!;
}

beforeAll(async () => {
  s = await withServer();
  server = s.server;
});
afterAll(async () => server.close());

describe('default resources', () => {
  it('an account has a default VPC 172.31.0.0/16 with a /20 default subnet per AZ, an IGW route, default SG and NACL on first use', async () => {
    const { ec2, account } = fresh();
    const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
    expect(vpcs).toHaveLength(1);
    const vpc = vpcs[0];
    expect(vpc).toMatchObject({ CidrBlock: '172.31.0.0/16', IsDefault: true, State: 'available', OwnerId: account, InstanceTenancy: 'default' });
    expect(vpc.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);

    const azs = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).Subnets!;
    expect(subnets).toHaveLength(azs.length);
    expect(new Set(subnets.map((x) => x.AvailabilityZone))).toEqual(new Set(azs.map((z) => z.ZoneName)));
    for (const sn of subnets) {
      expect(sn.CidrBlock).toMatch(/^172\.31\.\d+\.0\/20$/);
      expect(sn).toMatchObject({ DefaultForAz: true, MapPublicIpOnLaunch: true, State: 'available', AvailableIpAddressCount: 4096 - 5 });
      expect(sn.SubnetArn).toBe(`arn:aws:ec2:us-east-1:${account}:subnet/${sn.SubnetId}`);
    }

    const rtbs = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'association.main', Values: ['true'] }] }))).RouteTables!;
    expect(rtbs).toHaveLength(1);
    const igwRoute = rtbs[0].Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')!;
    expect(igwRoute).toMatchObject({ State: 'active', Origin: 'CreateRoute' });
    expect(igwRoute.GatewayId).toMatch(/^igw-/);
    expect(rtbs[0].Routes!.find((r) => r.DestinationCidrBlock === '172.31.0.0/16')).toMatchObject({ GatewayId: 'local', Origin: 'CreateRouteTable' });

    const igws = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpc.VpcId!] }] }))).InternetGateways!;
    expect(igws.map((g) => g.InternetGatewayId)).toEqual([igwRoute.GatewayId]);

    const acls = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }, { Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).NetworkAcls!;
    expect(acls).toHaveLength(1);
    expect(acls[0].Associations).toHaveLength(subnets.length);
    expect(acls[0].Entries!.map((e) => [e.RuleNumber, e.Egress, e.Protocol, e.RuleAction, e.CidrBlock])).toEqual([
      [100, false, '-1', 'allow', '0.0.0.0/0'],
      [32767, false, '-1', 'deny', '0.0.0.0/0'],
      [100, true, '-1', 'allow', '0.0.0.0/0'],
      [32767, true, '-1', 'deny', '0.0.0.0/0'],
    ]);

    // the default security group lives in the state (its API belongs to the security-group handlers)
    const state = server.accounts.get(account, 'us-east-1').region;
    expect([...state.securityGroups.values()].filter((g) => g.vpcId === vpc.VpcId && g.name === 'default')).toHaveLength(1);

    const attrs = (await ec2.send(new DescribeAccountAttributesCommand({}))).AccountAttributes!;
    const attr = (n: string) => attrs.find((a) => a.AttributeName === n)?.AttributeValues?.map((v) => v.AttributeValue);
    expect(attr('default-vpc')).toEqual([vpc.VpcId]);
    expect(attr('supported-platforms')).toEqual(['VPC']);
    expect(attr('vpc-max-security-groups-per-interface')).toEqual(['5']);
    expect(attr('max-instances')).toBeDefined();
    expect(attr('max-elastic-ips')).toBeDefined();
    expect(attr('vpc-max-elastic-ips')).toBeDefined();
  });

  it('CreateDefaultVpc recreates a deleted default VPC, and DescribeAccountAttributes(default-vpc) follows', async () => {
    const { ec2 } = fresh();
    const vpcId = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0].VpcId!;
    for (const sn of (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets!) {
      await ec2.send(new DeleteSubnetCommand({ SubnetId: sn.SubnetId }));
    }
    const igw = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }))).InternetGateways![0];
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpcId }));
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    const none = (await ec2.send(new DescribeAccountAttributesCommand({ AttributeNames: ['default-vpc'] }))).AccountAttributes!;
    expect(none).toEqual([{ AttributeName: 'default-vpc', AttributeValues: [{ AttributeValue: 'none' }] }]);

    const created = (await ec2.send(new CreateDefaultVpcCommand({}))).Vpc!;
    expect(created).toMatchObject({ CidrBlock: '172.31.0.0/16', IsDefault: true });
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets!;
    expect(subnets.length).toBeGreaterThan(0);
    expect(subnets.every((x) => x.VpcId === created.VpcId)).toBe(true);
  });

  it('DescribeAvailabilityZones and DescribeRegions answer with zone ids, names and filters', async () => {
    const { ec2 } = fresh('eu-west-1');
    const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
    expect(zones[0]).toMatchObject({ ZoneName: 'eu-west-1a', ZoneId: 'euw1-az1', RegionName: 'eu-west-1', State: 'available', ZoneType: 'availability-zone' });
    const b = (await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-name', Values: ['*b'] }] }))).AvailabilityZones!;
    expect(b.map((z) => z.ZoneName)).toEqual(['eu-west-1b']);
    const byId = (await ec2.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ['euw1-az3'] }))).AvailabilityZones!;
    expect(byId.map((z) => z.ZoneName)).toEqual(['eu-west-1c']);
    expect((await failure(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['eu-west-1z'] })))).code).toBe('InvalidParameterValue');

    // subnets of another Region carry that Region's zone ids
    const sn = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone-id', Values: ['euw1-az2'] }] }))).Subnets!;
    expect(sn.map((x) => x.AvailabilityZone)).toEqual(['eu-west-1b']);

    const regions = (await ec2.send(new DescribeRegionsCommand({}))).Regions!;
    expect(regions.map((r) => r.RegionName)).toContain('us-east-1');
    expect(regions.find((r) => r.RegionName === 'eu-west-1')).toMatchObject({ Endpoint: 'ec2.eu-west-1.amazonaws.com', OptInStatus: 'opt-in-not-required' });
    const us = (await ec2.send(new DescribeRegionsCommand({ Filters: [{ Name: 'region-name', Values: ['us-*'] }] }))).Regions!;
    expect(us.map((r) => r.RegionName)).toEqual(['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2']);
    const all = (await ec2.send(new DescribeRegionsCommand({ AllRegions: true }))).Regions!;
    expect(all.length).toBeGreaterThan(regions.length);
  });
});

describe('VPCs and subnets', () => {
  it('CreateVpc, AssociateVpcCidrBlock (IPv4 and Amazon IPv6) and DeleteVpc round-trip through DescribeVpcs', async () => {
    const { ec2 } = fresh();
    const created = (
      await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16', InstanceTenancy: 'default', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'main' }] }] }))
    ).Vpc!;
    expect(created).toMatchObject({ CidrBlock: '10.1.0.0/16', IsDefault: false, State: 'available', Tags: [{ Key: 'Name', Value: 'main' }] });
    expect(created.CidrBlockAssociationSet![0]).toMatchObject({ CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'associated' } });

    const v4 = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: created.VpcId, CidrBlock: '10.2.0.0/16' }));
    expect(v4).toMatchObject({ VpcId: created.VpcId, CidrBlockAssociation: { CidrBlock: '10.2.0.0/16', CidrBlockState: { State: 'associated' } } });
    const v6 = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: created.VpcId, AmazonProvidedIpv6CidrBlock: true }));
    expect(v6.Ipv6CidrBlockAssociation!.Ipv6CidrBlock).toMatch(/\/56$/);

    const got = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [created.VpcId!] }))).Vpcs![0];
    expect(got.CidrBlockAssociationSet!.map((b) => b.CidrBlock)).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
    expect(got.Ipv6CidrBlockAssociationSet!.map((b) => b.Ipv6CidrBlock)).toEqual([v6.Ipv6CidrBlockAssociation!.Ipv6CidrBlock]);
    // the new IPv6 block gives the VPC's ACL its IPv6 `*` rule
    const acl = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [created.VpcId!] }] }))).NetworkAcls![0];
    expect(acl.Entries!.some((e) => e.RuleNumber === 32768 && e.Ipv6CidrBlock === '::/0')).toBe(true);

    await ec2.send(new DeleteVpcCommand({ VpcId: created.VpcId }));
    expect(await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: [created.VpcId!] })))).toEqual({ code: 'InvalidVpcID.NotFound', status: 400 });
  });

  it('DescribeVpcs filters by cidr, association blocks, tags (with wildcards) and tag-key, and paginates', async () => {
    const { ec2 } = fresh();
    const a = await newVpc(ec2, '10.10.0.0/16', [{ Key: 'env', Value: 'prod-east' }]);
    const b = await newVpc(ec2, '10.20.0.0/16', [{ Key: 'env', Value: 'dev' }]);
    const c = await newVpc(ec2, '10.30.0.0/16', [{ Key: 'team', Value: 'x' }]);
    await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: c, CidrBlock: '10.31.0.0/16' }));
    const ids = async (Filters: { Name: string; Values: string[] }[]) => (await ec2.send(new DescribeVpcsCommand({ Filters }))).Vpcs!.map((v) => v.VpcId).sort();

    expect(await ids([{ Name: 'cidr', Values: ['10.10.0.0/16'] }])).toEqual([a]);
    expect(await ids([{ Name: 'cidr-block-association.cidr-block', Values: ['10.31.0.0/16'] }])).toEqual([c]);
    expect(await ids([{ Name: 'tag:env', Values: ['prod-*'] }])).toEqual([a]);
    expect(await ids([{ Name: 'tag:env', Values: ['prod-*', 'd?v'] }])).toEqual([a, b].sort());
    expect(await ids([{ Name: 'tag-key', Values: ['team'] }])).toEqual([c]);
    expect(await ids([{ Name: 'is-default', Values: ['false'] }, { Name: 'state', Values: ['available'] }])).toEqual([a, b, c].sort());
    expect(await ids([{ Name: 'vpc-id', Values: [b] }, { Name: 'tag:env', Values: ['prod-east'] }])).toEqual([]);
    expect((await failure(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })))).code).toBe('InvalidParameterValue');

    // 4 VPCs (default + 3), 5 at most per page: pages of 5 need one call; make more to page
    await newVpc(ec2, '10.40.0.0/16');
    await newVpc(ec2, '10.50.0.0/16');
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ec2.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: token }));
      seen.push(...page.Vpcs!.map((v) => v.VpcId!));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(6);
    expect((await failure(ec2.send(new DescribeVpcsCommand({ MaxResults: 4 })))).code).toBe('InvalidParameterValue');
  });

  it('CreateSubnet, ModifySubnetAttribute and DescribeSubnets with every documented kind of filter', async () => {
    const { ec2, account } = fresh();
    const vpc = await newVpc(ec2, '10.0.0.0/16');
    await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpc, AmazonProvidedIpv6CidrBlock: true }));
    const v6 = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc] }))).Vpcs![0].Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock!;
    const v6Subnet = v6.replace('/56', '/64');
    const a = (
      await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a', Ipv6CidrBlock: v6Subnet, TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'tier', Value: 'public' }] }] }))
    ).Subnet!;
    expect(a).toMatchObject({ CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az1', AvailableIpAddressCount: 251, DefaultForAz: false, MapPublicIpOnLaunch: false, OwnerId: account });
    expect(a.Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock).toBe(v6Subnet);
    const b = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.2.0/28', AvailabilityZoneId: 'use1-az2' }))).Subnet!;
    expect(b).toMatchObject({ AvailabilityZone: 'us-east-1b', AvailableIpAddressCount: 11 });

    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: a.SubnetId, MapPublicIpOnLaunch: { Value: true } }));
    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: a.SubnetId, AssignIpv6AddressOnCreation: { Value: true } }));
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, ...Filters] }))).Subnets!.map((x) => x.SubnetId).sort();
    const both = [a.SubnetId, b.SubnetId].sort();
    expect(await ids([])).toEqual(both);
    expect(await ids([{ Name: 'availability-zone', Values: ['us-east-1a'] }])).toEqual([a.SubnetId]);
    expect(await ids([{ Name: 'availability-zone-id', Values: ['use1-az2'] }])).toEqual([b.SubnetId]);
    expect(await ids([{ Name: 'available-ip-address-count', Values: ['11'] }])).toEqual([b.SubnetId]);
    expect(await ids([{ Name: 'cidr-block', Values: ['10.0.1.0/24'] }])).toEqual([a.SubnetId]);
    expect(await ids([{ Name: 'cidr', Values: ['10.0.2.0/28'] }])).toEqual([b.SubnetId]);
    expect(await ids([{ Name: 'cidrBlock', Values: ['10.0.*'] }])).toEqual(both);
    expect(await ids([{ Name: 'default-for-az', Values: ['false'] }])).toEqual(both);
    expect(await ids([{ Name: 'ipv6-cidr-block-association.ipv6-cidr-block', Values: [v6Subnet] }])).toEqual([a.SubnetId]);
    expect(await ids([{ Name: 'ipv6-cidr-block-association.association-id', Values: [a.Ipv6CidrBlockAssociationSet![0].AssociationId!] }])).toEqual([a.SubnetId]);
    expect(await ids([{ Name: 'ipv6-cidr-block-association.state', Values: ['associated'] }])).toEqual([a.SubnetId]);
    expect(await ids([{ Name: 'map-public-ip-on-launch', Values: ['true'] }])).toEqual([a.SubnetId]);
    expect(await ids([{ Name: 'owner-id', Values: [account] }])).toEqual(both);
    expect(await ids([{ Name: 'state', Values: ['available'] }])).toEqual(both);
    expect(await ids([{ Name: 'subnet-arn', Values: [`arn:aws:ec2:us-east-1:${account}:subnet/${b.SubnetId}`] }])).toEqual([b.SubnetId]);
    expect(await ids([{ Name: 'subnet-id', Values: [a.SubnetId!] }])).toEqual([a.SubnetId]);
    expect(await ids([{ Name: 'tag:tier', Values: ['pub*'] }])).toEqual([a.SubnetId]);
    expect(await ids([{ Name: 'tag-value', Values: ['public'] }])).toEqual([a.SubnetId]);
    const got = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [a.SubnetId!] }))).Subnets![0];
    expect(got).toMatchObject({ MapPublicIpOnLaunch: true, AssignIpv6AddressOnCreation: true });

    // the default VPC's 6 subnets + 2: MaxResults pages
    const page1 = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 5 }));
    const page2 = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: page1.NextToken }));
    expect(page1.Subnets).toHaveLength(5);
    expect(page2.Subnets).toHaveLength(3);
    expect(page2.NextToken).toBeUndefined();

    await ec2.send(new DeleteSubnetCommand({ SubnetId: b.SubnetId }));
    expect(await failure(ec2.send(new DescribeSubnetsCommand({ SubnetIds: [b.SubnetId!] })))).toEqual({ code: 'InvalidSubnetID.NotFound', status: 400 });
  });

  it('CIDR and dependency errors reach the SDK with their codes and HTTP 400', async () => {
    const { ec2 } = fresh();
    expect(await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })))).toEqual({ code: 'InvalidVpc.Range', status: 400 });
    const vpc = await newVpc(ec2, '10.0.0.0/16');
    await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.0.0/24' }));
    expect(await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.0.128/25' })))).toEqual({ code: 'InvalidSubnet.Conflict', status: 400 });
    expect(await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '192.168.0.0/24' })))).toEqual({ code: 'InvalidSubnet.Range', status: 400 });
    expect(await failure(ec2.send(new CreateSubnetCommand({ VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.0.9.0/24' })))).toEqual({ code: 'InvalidVpcID.NotFound', status: 400 });
    expect(await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpc })))).toEqual({ code: 'DependencyViolation', status: 400 });
  });

  it('DryRun answers 412 DryRunOperation and changes nothing', async () => {
    const { ec2 } = fresh();
    expect(await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16', DryRun: true })))).toEqual({ code: 'DryRunOperation', status: 412 });
    const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'cidr', Values: ['10.9.0.0/16'] }] }))).Vpcs!;
    expect(vpcs).toEqual([]);
    expect((await failure(ec2.send(new DescribeSubnetsCommand({ DryRun: true })))).status).toBe(412);
  });
});

describe('network ACLs', () => {
  it('CreateNetworkAclEntry, ReplaceNetworkAclEntry and DeleteNetworkAclEntry show in DescribeNetworkAcls with protocol numbers and the * rules', async () => {
    const { ec2 } = fresh();
    const vpc = await newVpc(ec2);
    const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpc, TagSpecifications: [{ ResourceType: 'network-acl', Tags: [{ Key: 'Name', Value: 'web' }] }] }))).NetworkAcl!;
    expect(acl).toMatchObject({ IsDefault: false, VpcId: vpc, Associations: [], Tags: [{ Key: 'Name', Value: 'web' }] });
    expect(acl.Entries!.map((e) => [e.RuleNumber, e.Egress, e.RuleAction])).toEqual([
      [32767, false, 'deny'],
      [32767, true, 'deny'],
    ]);
    const id = acl.NetworkAclId!;
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 443, To: 443 } }));
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Protocol: '1', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/8', IcmpTypeCode: { Type: 3, Code: 4 } }));
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: { From: 0, To: 0 } }));
    expect(await failure(ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '17', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 53, To: 53 } })))).toEqual({
      code: 'NetworkAclEntryAlreadyExists',
      status: 400,
    });

    const read = async () => (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] }))).NetworkAcls![0].Entries!;
    let entries = await read();
    expect(entries.find((e) => e.RuleNumber === 100 && !e.Egress)).toEqual({ RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: { From: 443, To: 443 } });
    expect(entries.find((e) => e.RuleNumber === 110)).toMatchObject({ Protocol: '1', IcmpTypeCode: { Type: 3, Code: 4 } });
    const allOut = entries.find((e) => e.RuleNumber === 100 && e.Egress)!;
    expect(allOut).toMatchObject({ Protocol: '-1', RuleAction: 'allow' });
    expect(allOut.PortRange).toBeUndefined();
    expect(entries.filter((e) => e.RuleNumber === 32767)).toHaveLength(2);

    await ec2.send(new ReplaceNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '17', RuleAction: 'deny', Egress: false, CidrBlock: '10.1.0.0/16', PortRange: { From: 53, To: 53 } }));
    entries = await read();
    expect(entries.find((e) => e.RuleNumber === 100 && !e.Egress)).toMatchObject({ Protocol: '17', RuleAction: 'deny', CidrBlock: '10.1.0.0/16', PortRange: { From: 53, To: 53 } });

    await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Egress: false }));
    entries = await read();
    expect(entries.some((e) => e.RuleNumber === 110)).toBe(false);
    expect((await failure(ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Egress: false })))).code).toBe('InvalidNetworkAclEntry.NotFound');

    await ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: id }));
    expect(await failure(ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] })))).toEqual({ code: 'InvalidNetworkAclID.NotFound', status: 400 });
    expect(await failure(ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: id })))).toEqual({ code: 'InvalidNetworkAclID.NotFound', status: 400 });
  });

  it('DescribeNetworkAcls supports the entry.*, association.*, default, network-acl-id, owner-id, tag and vpc-id filters', async () => {
    const { ec2, account } = fresh();
    const vpc = await newVpc(ec2);
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;
    const custom = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpc, TagSpecifications: [{ ResourceType: 'network-acl', Tags: [{ Key: 'role', Value: 'db' }] }] }))).NetworkAcl!.NetworkAclId!;
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: custom, RuleNumber: 200, Protocol: '6', RuleAction: 'allow', Egress: true, CidrBlock: '10.0.0.0/16', PortRange: { From: 5432, To: 5433 } }));
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: custom, RuleNumber: 210, Protocol: '58', RuleAction: 'deny', Egress: false, Ipv6CidrBlock: '::/0', IcmpTypeCode: { Type: 2, Code: 0 } }));
    const dflt = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'default', Values: ['true'] }] }))).NetworkAcls![0];
    const assoc = dflt.Associations!.find((x) => x.SubnetId === subnet)!;
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, ...Filters] }))).NetworkAcls!.map((a) => a.NetworkAclId).sort();
    const both = [custom, dflt.NetworkAclId].sort();
    expect(await ids([{ Name: 'association.subnet-id', Values: [subnet] }])).toEqual([dflt.NetworkAclId]);
    expect(await ids([{ Name: 'association.association-id', Values: [assoc.NetworkAclAssociationId!] }])).toEqual([dflt.NetworkAclId]);
    expect(await ids([{ Name: 'association.network-acl-id', Values: [dflt.NetworkAclId!] }])).toEqual([dflt.NetworkAclId]);
    expect(await ids([{ Name: 'default', Values: ['false'] }])).toEqual([custom]);
    expect(await ids([{ Name: 'entry.cidr', Values: ['10.0.0.0/16'] }])).toEqual([custom]);
    expect(await ids([{ Name: 'entry.ipv6-cidr', Values: ['::/0'] }])).toEqual([custom]);
    expect(await ids([{ Name: 'entry.icmp.type', Values: ['2'] }])).toEqual([custom]);
    expect(await ids([{ Name: 'entry.icmp.code', Values: ['0'] }])).toEqual([custom]);
    expect(await ids([{ Name: 'entry.port-range.from', Values: ['5432'] }])).toEqual([custom]);
    expect(await ids([{ Name: 'entry.port-range.to', Values: ['5433'] }])).toEqual([custom]);
    expect(await ids([{ Name: 'entry.protocol', Values: ['-1'] }])).toEqual(both);
    expect(await ids([{ Name: 'entry.protocol', Values: ['58'] }])).toEqual([custom]);
    expect(await ids([{ Name: 'entry.rule-action', Values: ['allow'] }])).toEqual(both);
    expect(await ids([{ Name: 'entry.rule-number', Values: ['210'] }])).toEqual([custom]);
    expect(await ids([{ Name: 'entry.egress', Values: ['true'] }])).toEqual(both);
    expect(await ids([{ Name: 'network-acl-id', Values: [custom] }])).toEqual([custom]);
    expect(await ids([{ Name: 'owner-id', Values: [account] }])).toEqual(both);
    expect(await ids([{ Name: 'tag:role', Values: ['d*'] }])).toEqual([custom]);
  });

  it('the Terraform aws_network_acl sequence: create, entries per rule, associate subnets, read by association id, and delete', async () => {
    const { ec2 } = fresh();
    const vpc = await newVpc(ec2);
    const s1 = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;
    const s2 = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.2.0/24' }))).Subnet!.SubnetId!;

    // create
    const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpc, TagSpecifications: [{ ResourceType: 'network-acl', Tags: [{ Key: 'Name', Value: 'tf' }] }] }))).NetworkAcl!;
    const aclId = acl.NetworkAclId!;
    const rules = [
      { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow' as const, CidrBlock: '0.0.0.0/0', PortRange: { From: 80, To: 80 } },
      { RuleNumber: 110, Egress: false, Protocol: '6', RuleAction: 'allow' as const, CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } },
      { RuleNumber: 100, Egress: true, Protocol: '-1', RuleAction: 'allow' as const, CidrBlock: '0.0.0.0/0', PortRange: { From: 0, To: 0 } },
    ];
    // Terraform skips the * rules (32767/32768) it reads back from AWS
    for (const r of acl.Entries!.filter((e) => e.RuleNumber !== 32767 && e.RuleNumber !== 32768)) throw new Error(`unexpected entry ${r.RuleNumber}`);
    for (const r of rules) await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: aclId, ...r }));

    // subnet_ids: find each subnet's current association, then replace it
    const associationIds: string[] = [];
    for (const subnet of [s1, s2]) {
      const current = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnet] }] }))).NetworkAcls!;
      expect(current).toHaveLength(1);
      const assoc = current[0].Associations!.find((a) => a.SubnetId === subnet)!;
      const { NewAssociationId } = await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc.NetworkAclAssociationId, NetworkAclId: aclId }));
      expect(NewAssociationId).toMatch(/^aclassoc-[0-9a-f]{17}$/);
      expect(NewAssociationId).not.toBe(assoc.NetworkAclAssociationId);
      associationIds.push(NewAssociationId!);
    }

    // refresh: the ACL with its entries and associations
    const read = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }))).NetworkAcls![0];
    expect(read.Associations!.map((a) => a.SubnetId).sort()).toEqual([s1, s2].sort());
    const userEntries = read.Entries!.filter((e) => e.RuleNumber !== 32767 && e.RuleNumber !== 32768);
    expect(userEntries).toHaveLength(3);
    expect(read.Entries!.filter((e) => e.RuleNumber === 32767)).toHaveLength(2);

    // aws_network_acl_association reads with association.association-id
    const byAssoc = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.association-id', Values: [associationIds[0]] }] }))).NetworkAcls!;
    expect(byAssoc.map((a) => a.NetworkAclId)).toEqual([aclId]);
    expect(byAssoc[0].Associations!.find((a) => a.NetworkAclAssociationId === associationIds[0])!.SubnetId).toBe(s1);

    // while subnets use it, the ACL cannot go
    expect(await failure(ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: aclId })))).toEqual({ code: 'DependencyViolation', status: 400 });

    // delete: the default ACL of the VPC, subnets moved back, then DeleteNetworkAcl
    const dflt = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }, { Name: 'vpc-id', Values: [vpc] }] }))).NetworkAcls!;
    expect(dflt).toHaveLength(1);
    for (const a of read.Associations!) {
      await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: a.NetworkAclAssociationId, NetworkAclId: dflt[0].NetworkAclId }));
    }
    await ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: aclId }));
    const after = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }))).NetworkAcls!;
    expect(after.map((a) => a.NetworkAclId)).toEqual([dflt[0].NetworkAclId]);
    expect(after[0].Associations!.map((a) => a.SubnetId).sort()).toEqual([s1, s2].sort());
  });
});

describe('route tables and internet gateways', () => {
  it('route tables: create, associate, replace association, routes to an IGW and a peering, blackhole when the target goes, delete', async () => {
    const { ec2 } = fresh();
    const vpc = await newVpc(ec2, '10.0.0.0/16');
    const peer = await newVpc(ec2, '10.1.0.0/16');
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc, TagSpecifications: [{ ResourceType: 'route-table', Tags: [{ Key: 'Name', Value: 'public' }] }] }))).RouteTable!;
    expect(rtb.Routes).toEqual([{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }]);
    const rtbId = rtb.RouteTableId!;

    const igw = (await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'Name', Value: 'gw' }] }] }))).InternetGateway!;
    expect(igw.Attachments).toEqual([]);
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpc }));
    expect((await ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.InternetGatewayId }))).Return).toBe(true);
    const pcx = (await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpc, PeerVpcId: peer }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: pcx }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '192.168.0.0/16', GatewayId: igw.InternetGatewayId }));
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '192.168.0.0/16', VpcPeeringConnectionId: pcx }));
    await ec2.send(new DeleteRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '192.168.0.0/16' }));
    expect((await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.InternetGatewayId })))).code).toBe('RouteAlreadyExists');

    const assoc = (await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtbId, SubnetId: subnet }))).AssociationId!;
    expect(assoc).toMatch(/^rtbassoc-/);
    const filterIds = async (Filters: { Name: string; Values: string[] }[]) => (await ec2.send(new DescribeRouteTablesCommand({ Filters }))).RouteTables!.map((r) => r.RouteTableId);
    expect(await filterIds([{ Name: 'association.subnet-id', Values: [subnet] }])).toEqual([rtbId]);
    expect(await filterIds([{ Name: 'association.route-table-association-id', Values: [assoc] }])).toEqual([rtbId]);
    expect(await filterIds([{ Name: 'route.gateway-id', Values: [igw.InternetGatewayId!] }, { Name: 'vpc-id', Values: [vpc] }])).toEqual([rtbId]);
    expect(await filterIds([{ Name: 'route.vpc-peering-connection-id', Values: [pcx] }])).toEqual([rtbId]);
    expect(await filterIds([{ Name: 'route.destination-cidr-block', Values: ['10.1.*'] }, { Name: 'vpc-id', Values: [vpc] }])).toEqual([rtbId]);
    expect(await filterIds([{ Name: 'route.origin', Values: ['CreateRoute'] }, { Name: 'vpc-id', Values: [vpc] }])).toEqual([rtbId]);
    expect(await filterIds([{ Name: 'association.main', Values: ['false'] }, { Name: 'vpc-id', Values: [vpc] }])).toEqual([rtbId]);
    expect(await filterIds([{ Name: 'tag:Name', Values: ['pub*'] }])).toEqual([rtbId]);
    expect(await filterIds([{ Name: 'route.state', Values: ['blackhole'] }])).toEqual([]);

    // the peering goes: its route is a blackhole
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    const routes = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtbId] }))).RouteTables![0].Routes!;
    expect(routes.find((r) => r.DestinationCidrBlock === '10.1.0.0/16')).toMatchObject({ VpcPeeringConnectionId: pcx, State: 'blackhole' });
    expect(routes.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')).toMatchObject({ GatewayId: igw.InternetGatewayId, State: 'active' });
    expect(await filterIds([{ Name: 'route.state', Values: ['blackhole'] }])).toEqual([rtbId]);

    // associations: replace to the main table's, then back, then disassociate
    const main = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'association.main', Values: ['true'] }] }))).RouteTables![0];
    const moved = await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: assoc, RouteTableId: main.RouteTableId }));
    expect(moved.NewAssociationId).toMatch(/^rtbassoc-/);
    expect(moved.AssociationState).toEqual({ State: 'associated' });
    const back = await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: moved.NewAssociationId, RouteTableId: rtbId }));
    expect(await failure(ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtbId })))).toEqual({ code: 'DependencyViolation', status: 400 });
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: back.NewAssociationId }));
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtbId }));
    expect((await failure(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtbId] })))).code).toBe('InvalidRouteTableID.NotFound');

    // an IGW: detach (its routes become blackholes in AWS) and delete
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpc }));
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId }));
    expect((await failure(ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igw.InternetGatewayId!] })))).code).toBe('InvalidInternetGatewayID.NotFound');
  });

  it('routes to an ENI, an instance and a NAT gateway show their targets; addresses in use lower AvailableIpAddressCount', async () => {
    const { ec2, account } = fresh();
    const vpc = await newVpc(ec2, '10.0.0.0/16');
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;
    // ENIs, instances and NAT gateways come from other handler families; make them in the state directly
    const state = server.accounts.get(account, 'us-east-1').region;
    const eni = state.createNetworkInterface({ subnetId: subnet, secondaryPrivateIpAddressCount: 1 });
    const [instance] = state.runInstances({ subnetId: subnet });
    const nat = state.createServiceResource({ kind: 'nat-gateway', name: 'nat', subnetIds: [subnet] });
    // 251 usable; the ENI holds 2 addresses, the instance 1, the NAT gateway 1
    expect((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet] }))).Subnets![0].AvailableIpAddressCount).toBe(251 - 4);

    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.50.0.0/16', NetworkInterfaceId: eni.id }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.60.0.0/16', InstanceId: instance.id }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat.id }));
    expect((await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.70.0.0/16' })))).code).toBe('MissingParameter');
    expect((await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.70.0.0/16', InstanceId: instance.id, NatGatewayId: nat.id })))).code).toBe('InvalidParameterCombination');
    const routes = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0].Routes!;
    expect(routes.find((r) => r.DestinationCidrBlock === '10.50.0.0/16')).toMatchObject({ NetworkInterfaceId: eni.id, State: 'active', Origin: 'CreateRoute' });
    expect(routes.find((r) => r.DestinationCidrBlock === '10.60.0.0/16')).toMatchObject({ InstanceId: instance.id, InstanceOwnerId: account, NetworkInterfaceId: instance.networkInterfaceIds[0], State: 'active' });
    expect(routes.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')).toMatchObject({ NatGatewayId: nat.id, State: 'active' });
    const ids = async (Name: string, v: string) => (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name, Values: [v] }] }))).RouteTables!.map((r) => r.RouteTableId);
    expect(await ids('route.instance-id', instance.id)).toEqual([rtb]);
    expect(await ids('route.nat-gateway-id', nat.id)).toEqual([rtb]);

    state.deleteNetworkInterface(eni.id);
    state.terminateInstances([instance.id]);
    const after = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0].Routes!;
    expect(after.find((r) => r.DestinationCidrBlock === '10.50.0.0/16')!.State).toBe('blackhole');
    expect(after.find((r) => r.DestinationCidrBlock === '10.60.0.0/16')!.State).toBe('blackhole');
  });

  it('DescribeInternetGateways filters attachment.state, attachment.vpc-id, internet-gateway-id, owner-id and tags', async () => {
    const { ec2, account } = fresh();
    const vpc = await newVpc(ec2);
    const a = (await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'k', Value: 'v1' }] }] }))).InternetGateway!.InternetGatewayId!;
    const b = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: a, VpcId: vpc }));
    const ids = async (Filters: { Name: string; Values: string[] }[]) => (await ec2.send(new DescribeInternetGatewaysCommand({ Filters }))).InternetGateways!.map((g) => g.InternetGatewayId).sort();
    expect(await ids([{ Name: 'attachment.vpc-id', Values: [vpc] }])).toEqual([a]);
    expect((await ids([{ Name: 'attachment.state', Values: ['available'] }])).includes(a)).toBe(true);
    expect((await ids([{ Name: 'attachment.state', Values: ['available'] }])).includes(b)).toBe(false);
    expect(await ids([{ Name: 'internet-gateway-id', Values: [b] }])).toEqual([b]);
    expect((await ids([{ Name: 'owner-id', Values: [account] }])).length).toBe(3);
    expect(await ids([{ Name: 'tag:k', Values: ['v*'] }])).toEqual([a]);
    const got = (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [a] }))).InternetGateways![0];
    expect(got).toMatchObject({ OwnerId: account, Attachments: [{ State: 'available', VpcId: vpc }], Tags: [{ Key: 'k', Value: 'v1' }] });
    expect(await failure(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: a })))).toEqual({ code: 'DependencyViolation', status: 400 });
  });
});

describe('VPC peering', () => {
  it('peering: create (pending-acceptance with expiry), accept (active), reject, delete, and the documented filters', async () => {
    const { ec2, account } = fresh();
    const a = await newVpc(ec2, '10.0.0.0/16');
    const b = await newVpc(ec2, '10.1.0.0/16');
    const c = await newVpc(ec2, '10.2.0.0/16');
    const p1 = (await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b, PeerOwnerId: account, TagSpecifications: [{ ResourceType: 'vpc-peering-connection', Tags: [{ Key: 'Name', Value: 'ab' }] }] }))).VpcPeeringConnection!;
    expect(p1.VpcPeeringConnectionId).toMatch(/^pcx-[0-9a-f]{17}$/);
    expect(p1.Status).toEqual({ Code: 'pending-acceptance', Message: `Pending Acceptance by ${account}` });
    expect(p1.ExpirationTime).toBeInstanceOf(Date);
    expect(p1.RequesterVpcInfo).toMatchObject({ VpcId: a, OwnerId: account, CidrBlock: '10.0.0.0/16', Region: 'us-east-1' });
    expect(p1.AccepterVpcInfo).toMatchObject({ VpcId: b, OwnerId: account });

    const accepted = (await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: p1.VpcPeeringConnectionId }))).VpcPeeringConnection!;
    expect(accepted.Status!.Code).toBe('active');
    expect(accepted.AccepterVpcInfo).toMatchObject({ VpcId: b, CidrBlock: '10.1.0.0/16' });
    expect(accepted.ExpirationTime).toBeUndefined();

    const p2 = (await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: c }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    expect((await ec2.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: p2 }))).Return).toBe(true);

    const ids = async (Filters: { Name: string; Values: string[] }[]) => (await ec2.send(new DescribeVpcPeeringConnectionsCommand({ Filters }))).VpcPeeringConnections!.map((p) => p.VpcPeeringConnectionId).sort();
    expect(await ids([{ Name: 'status-code', Values: ['active'] }])).toEqual([p1.VpcPeeringConnectionId]);
    expect(await ids([{ Name: 'status-code', Values: ['rejected'] }])).toEqual([p2]);
    expect(await ids([{ Name: 'status-message', Values: ['Rejected*'] }])).toEqual([p2]);
    expect(await ids([{ Name: 'accepter-vpc-info.vpc-id', Values: [c] }])).toEqual([p2]);
    expect(await ids([{ Name: 'accepter-vpc-info.cidr-block', Values: ['10.1.0.0/16'] }])).toEqual([p1.VpcPeeringConnectionId]);
    expect(await ids([{ Name: 'accepter-vpc-info.owner-id', Values: [account] }])).toHaveLength(2);
    expect(await ids([{ Name: 'requester-vpc-info.vpc-id', Values: [a] }])).toHaveLength(2);
    expect(await ids([{ Name: 'requester-vpc-info.cidr-block', Values: ['10.0.*'] }])).toHaveLength(2);
    expect(await ids([{ Name: 'requester-vpc-info.owner-id', Values: [account] }])).toHaveLength(2);
    expect(await ids([{ Name: 'vpc-peering-connection-id', Values: [p2] }])).toEqual([p2]);
    expect(await ids([{ Name: 'tag:Name', Values: ['ab'] }])).toEqual([p1.VpcPeeringConnectionId]);
    expect(await ids([{ Name: 'expiration-time', Values: ['*'] }])).toEqual([]);
    const p3 = (await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: b, PeerVpcId: c }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    expect(await ids([{ Name: 'expiration-time', Values: ['*'] }])).toEqual([p3]);

    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: p1.VpcPeeringConnectionId }));
    const deleted = (await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [p1.VpcPeeringConnectionId!] }))).VpcPeeringConnections![0];
    expect(deleted.Status!.Code).toBe('deleted');
  });

  it('an unknown peering id is InvalidVpcPeeringConnectionID.NotFound (400)', async () => {
    const { ec2 } = fresh();
    const bogus = 'pcx-0123456789abcdef0';
    expect(await failure(ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: bogus })))).toEqual({ code: 'InvalidVpcPeeringConnectionID.NotFound', status: 400 });
    expect(await failure(ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [bogus] })))).toEqual({ code: 'InvalidVpcPeeringConnectionID.NotFound', status: 400 });
    expect(await failure(ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: bogus })))).toEqual({ code: 'InvalidVpcPeeringConnectionID.NotFound', status: 400 });
  });
});
