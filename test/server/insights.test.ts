// VPC Reachability Analyzer through @aws-sdk/client-ec2 against a real `rampart serve`: a two-tier network
// built through the API, then paths and analyses answered by the packet engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkAclEntryCommand,
  CreateNetworkInsightsPathCommand,
  CreateSecurityGroupCommand,
  DeleteNetworkInsightsAnalysisCommand,
  DeleteNetworkInsightsPathCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInsightsAnalysesCommand,
  DescribeNetworkInsightsPathsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  StartNetworkInsightsAnalysisCommand,
  type Instance,
  type NetworkInsightsAnalysis,
} from '@aws-sdk/client-ec2';
import type { RunningServer } from '../../src/server/serve.js';
import { withServer } from './helpers.js';

const AMI = 'ami-0123456789abcdef0';

describe('Reachability Analyzer through the SDK', () => {
  let s: Awaited<ReturnType<typeof withServer>>;
  let server: RunningServer;
  let ec2: EC2Client;
  let web: Instance;
  let db: Instance;
  let webSg: string;
  let dbSg: string;
  let igwId: string;

  const analyse = async (input: { Source: string; Destination: string; Protocol?: 'tcp' | 'udp'; DestinationPort?: number }): Promise<NetworkInsightsAnalysis> => {
    const path = await ec2.send(new CreateNetworkInsightsPathCommand({ Protocol: 'tcp', ...input }));
    const r = await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPath!.NetworkInsightsPathId }));
    return r.NetworkInsightsAnalysis!;
  };

  beforeAll(async () => {
    s = await withServer();
    server = s.server;
    ec2 = s.ec2({ accessKeyId: '310000000000', region: 'eu-west-1' });
    // two tiers in two default subnets (so network ACLs apply between them): web is public, db is not
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets!;
    const [a, b] = subnets.map((x) => x.SubnetId!).sort();
    webSg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web tier' }))).GroupId!;
    dbSg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'db tier' }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: webSg, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: dbSg, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: webSg }] }] }));
    web = (await ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: a, SecurityGroupIds: [webSg] }))).Instances![0];
    db = (await ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: b, Groups: [dbSg], AssociatePublicIpAddress: false }] }))).Instances![0];
    igwId = (await ec2.send(new DescribeInternetGatewaysCommand({}))).InternetGateways![0].InternetGatewayId!;
  });
  afterAll(async () => server.close());

  it('CreateNetworkInsightsPath stores the path with a nip- id and ARNs, and DescribeNetworkInsightsPaths finds it by id and filter', async () => {
    const r = await ec2.send(new CreateNetworkInsightsPathCommand({
      Source: web.InstanceId, Destination: db.InstanceId, Protocol: 'tcp', DestinationPort: 5432,
      TagSpecifications: [{ ResourceType: 'network-insights-path', Tags: [{ Key: 'Name', Value: 'web-db' }] }],
    }));
    const p = r.NetworkInsightsPath!;
    expect(p.NetworkInsightsPathId).toMatch(/^nip-[0-9a-f]{17}$/);
    expect(p.NetworkInsightsPathArn).toBe(`arn:aws:ec2:eu-west-1:310000000000:network-insights-path/${p.NetworkInsightsPathId}`);
    expect(p.SourceArn).toBe(`arn:aws:ec2:eu-west-1:310000000000:instance/${web.InstanceId}`);
    expect(p).toMatchObject({ Source: web.InstanceId, Destination: db.InstanceId, Protocol: 'tcp', DestinationPort: 5432, Tags: [{ Key: 'Name', Value: 'web-db' }] });
    expect(p.CreatedDate).toBeInstanceOf(Date);
    const byId = await ec2.send(new DescribeNetworkInsightsPathsCommand({ NetworkInsightsPathIds: [p.NetworkInsightsPathId!] }));
    expect(byId.NetworkInsightsPaths!.map((x) => x.NetworkInsightsPathId)).toEqual([p.NetworkInsightsPathId]);
    const byFilter = await ec2.send(new DescribeNetworkInsightsPathsCommand({ Filters: [{ Name: 'destination', Values: [db.InstanceId!] }, { Name: 'tag:Name', Values: ['web-db'] }] }));
    expect(byFilter.NetworkInsightsPaths!.map((x) => x.NetworkInsightsPathId)).toEqual([p.NetworkInsightsPathId]);
  });

  it('web → db on 5432 is reachable, and the path names the security group and network ACL rules it uses', async () => {
    const a = await analyse({ Source: web.InstanceId!, Destination: db.InstanceId!, DestinationPort: 5432 });
    expect(a.NetworkInsightsAnalysisId).toMatch(/^nia-[0-9a-f]{17}$/);
    expect(a.Status).toBe('succeeded');
    expect(a.NetworkPathFound).toBe(true);
    expect(a.Explanations ?? []).toEqual([]);
    const fwd = a.ForwardPathComponents!;
    expect(fwd.map((c) => c.SequenceNumber)).toEqual(fwd.map((_, i) => i + 1));
    expect(fwd[0].Component?.Id).toBe(web.InstanceId);
    expect(fwd[fwd.length - 2].Component?.Id).toBe(db.NetworkInterfaces![0].NetworkInterfaceId);
    expect(fwd[fwd.length - 1].Component?.Id).toBe(db.InstanceId);
    expect(a.ReturnPathComponents![0].Component?.Id).toBe(db.InstanceId);
    expect(a.ReturnPathComponents![a.ReturnPathComponents!.length - 1].Component?.Id).toBe(web.InstanceId);
    const ingress = fwd.find((c) => c.SecurityGroupRule?.Direction === 'ingress');
    expect(ingress?.Component?.Id).toBe(dbSg);
    expect(ingress?.SecurityGroupRule).toMatchObject({ Protocol: 'tcp', PortRange: { From: 5432, To: 5432 }, SecurityGroupId: webSg });
    const egress = fwd.find((c) => c.SecurityGroupRule?.Direction === 'egress');
    expect(egress?.Component?.Id).toBe(webSg);
    expect(egress?.SecurityGroupRule).toMatchObject({ Protocol: 'all', Cidr: '0.0.0.0/0' });
    const acls = fwd.filter((c) => c.AclRule);
    expect(acls.map((c) => c.AclRule!.Egress)).toEqual([true, false]);
    expect(acls[0].AclRule).toMatchObject({ RuleNumber: 100, RuleAction: 'allow', Cidr: '0.0.0.0/0', Protocol: 'all' });
    expect(acls[0].Component?.Id).toMatch(/^acl-/);
    const route = fwd.find((c) => c.RouteTableRoute);
    expect(route?.RouteTableRoute).toMatchObject({ DestinationCidr: '172.31.0.0/16', GatewayId: 'local', State: 'active' });
    // the response returns through both network ACLs again (security groups are stateful)
    const ret = a.ReturnPathComponents!;
    expect(ret.filter((c) => c.AclRule).length).toBe(2);
    expect(ret.some((c) => c.SecurityGroupRule)).toBe(false);
  });

  it('web → db on 22 is not reachable: ENI_SG_RULES_MISMATCH names the db group', async () => {
    const a = await analyse({ Source: web.InstanceId!, Destination: db.InstanceId!, DestinationPort: 22 });
    expect(a.Status).toBe('succeeded');
    expect(a.NetworkPathFound).toBe(false);
    const e = a.Explanations!.find((x) => x.ExplanationCode === 'ENI_SG_RULES_MISMATCH');
    expect(e).toBeDefined();
    expect(e!.Direction).toBe('ingress');
    expect(e!.SecurityGroups!.map((g) => g.Id)).toEqual([dbSg]);
    expect(e!.SecurityGroup?.Id).toBe(dbSg);
    expect(e!.NetworkInterface?.Id).toBe(db.NetworkInterfaces![0].NetworkInterfaceId);
    expect(e!.AttachedTo?.Id).toBe(db.InstanceId);
  });

  it('a path without a port considers every port (the exact analysis finds 5432); a port range, the ports in it', async () => {
    const ingressPort = (a: NetworkInsightsAnalysis) => a.ForwardPathComponents!.find((c) => c.SecurityGroupRule?.Direction === 'ingress')?.SecurityGroupRule?.PortRange;
    // no port at all: AWS considers all ports, and db lets the web tier in on 5432
    const any = await analyse({ Source: web.InstanceId!, Destination: db.InstanceId! });
    expect(any.NetworkPathFound).toBe(true);
    expect(ingressPort(any)).toEqual({ From: 5432, To: 5432 });
    const range = async (FromPort: number, ToPort: number) => {
      const path = await ec2.send(new CreateNetworkInsightsPathCommand({ Source: web.InstanceId!, Destination: db.InstanceId!, Protocol: 'tcp', FilterAtSource: { DestinationPortRange: { FromPort, ToPort } } }));
      return (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPath!.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
    };
    const inRange = await range(5000, 6000);
    expect(inRange.NetworkPathFound).toBe(true);
    expect(ingressPort(inRange)).toEqual({ From: 5432, To: 5432 });
    // no port of 1–1024 gets in: not found, and the first port's probe says why
    const outside = await range(1, 1024);
    expect(outside.NetworkPathFound).toBe(false);
    expect(outside.Explanations!.map((e) => e.ExplanationCode)).toContain('ENI_SG_RULES_MISMATCH');
    // UDP: nothing of db's is open to it
    expect((await analyse({ Source: web.InstanceId!, Destination: db.InstanceId!, Protocol: 'udp' })).NetworkPathFound).toBe(false);
  });

  it('internet gateway → an instance without a public IP fails with IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS', async () => {
    const a = await analyse({ Source: igwId, Destination: db.InstanceId!, DestinationPort: 5432 });
    expect(a.NetworkPathFound).toBe(false);
    const e = a.Explanations!.find((x) => x.ExplanationCode === 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS');
    expect(e?.InternetGateway?.Id).toBe(igwId);
    expect(e?.Component?.Id).toBe(igwId);
  });

  it('internet gateway → the public web instance on 443 is reachable through the gateway; on 80 the web group blocks it', async () => {
    const ok = await analyse({ Source: igwId, Destination: web.InstanceId!, DestinationPort: 443 });
    expect(ok.NetworkPathFound).toBe(true);
    expect(ok.ForwardPathComponents![0].Component?.Id).toBe(igwId);
    expect(ok.ForwardPathComponents!.some((c) => c.SecurityGroupRule?.Cidr === '0.0.0.0/0' && c.Component?.Id === webSg)).toBe(true);
    const route = ok.ReturnPathComponents!.find((c) => c.RouteTableRoute);
    expect(route?.RouteTableRoute).toMatchObject({ DestinationCidr: '0.0.0.0/0', GatewayId: igwId });
    const blocked = await analyse({ Source: igwId, Destination: web.InstanceId!, DestinationPort: 80 });
    expect(blocked.NetworkPathFound).toBe(false);
    expect(blocked.Explanations!.map((e) => e.ExplanationCode)).toContain('ENI_SG_RULES_MISMATCH');
    // and web → internet (destination an internet gateway) goes out by the default route
    const out = await analyse({ Source: web.InstanceId!, Destination: igwId, DestinationPort: 443 });
    expect(out.NetworkPathFound).toBe(true);
    expect(out.ForwardPathComponents![out.ForwardPathComponents!.length - 1].Component?.Id).toBe(igwId);
  });

  it('a network ACL deny on the destination subnet gives SUBNET_ACL_RESTRICTION with the ACL and the rule that denies', async () => {
    const other = s.ec2({ accessKeyId: '310000000001', region: 'eu-west-1' });
    const subnets = (await other.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets!.map((x) => x.SubnetId!).sort();
    // the default group lets members reach each other on every port
    const run = async (SubnetId: string) => (await other.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId }))).Instances![0];
    const a = await run(subnets[0]);
    const b = await run(subnets[1]);
    const acl = (await other.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }] }))).NetworkAcls![0];
    await other.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl.NetworkAclId, RuleNumber: 50, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 5432, To: 5432 } }));
    const path = await other.send(new CreateNetworkInsightsPathCommand({ Source: a.InstanceId, Destination: b.InstanceId, Protocol: 'tcp', DestinationPort: 5432 }));
    const r = (await other.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPath!.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
    expect(r.NetworkPathFound).toBe(false);
    const e = r.Explanations!.find((x) => x.ExplanationCode === 'SUBNET_ACL_RESTRICTION');
    expect(e).toMatchObject({ Direction: 'ingress', Acl: { Id: acl.NetworkAclId }, Subnet: { Id: subnets[1] } });
    expect(e!.AclRule).toMatchObject({ RuleNumber: 50, RuleAction: 'deny', Egress: false, Protocol: 'tcp', PortRange: { From: 5432, To: 5432 } });
    // another port still passes
    const ok = await other.send(new CreateNetworkInsightsPathCommand({ Source: a.InstanceId, Destination: b.InstanceId, Protocol: 'tcp', DestinationPort: 5433 }));
    const okr = (await other.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: ok.NetworkInsightsPath!.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
    expect(okr.NetworkPathFound).toBe(true);
  });

  it('DescribeNetworkInsightsAnalyses by id, by path and by path-found; deletes; NotFound errors reach the SDK', async () => {
    const path = (await ec2.send(new CreateNetworkInsightsPathCommand({ Source: web.InstanceId, Destination: db.InstanceId, Protocol: 'tcp', DestinationPort: 5432 }))).NetworkInsightsPath!;
    const a1 = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
    const a2 = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
    const byPath = await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }));
    expect(byPath.NetworkInsightsAnalyses!.map((a) => a.NetworkInsightsAnalysisId)).toEqual([a1.NetworkInsightsAnalysisId, a2.NetworkInsightsAnalysisId]);
    const byId = await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [a2.NetworkInsightsAnalysisId!] }));
    expect(byId.NetworkInsightsAnalyses![0]).toMatchObject({ NetworkInsightsPathId: path.NetworkInsightsPathId, Status: 'succeeded', NetworkPathFound: true });
    const notFound = await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ Filters: [{ Name: 'path-found', Values: ['false'] }] }));
    expect(notFound.NetworkInsightsAnalyses!.every((a) => a.NetworkPathFound === false)).toBe(true);
    expect(notFound.NetworkInsightsAnalyses!.length).toBeGreaterThan(0);
    const page = await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ MaxResults: 1, NetworkInsightsPathId: path.NetworkInsightsPathId }));
    expect(page.NetworkInsightsAnalyses).toHaveLength(1);
    expect(page.NextToken).toBeDefined();
    const del = await ec2.send(new DeleteNetworkInsightsAnalysisCommand({ NetworkInsightsAnalysisId: a1.NetworkInsightsAnalysisId }));
    expect(del.NetworkInsightsAnalysisId).toBe(a1.NetworkInsightsAnalysisId);
    const gone = await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [a1.NetworkInsightsAnalysisId!] })).catch((e) => e);
    expect(gone.name).toBe('InvalidNetworkInsightsAnalysisId.NotFound');
    await ec2.send(new DeleteNetworkInsightsPathCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }));
    const pathGone = await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId })).catch((e) => e);
    expect(pathGone.name).toBe('InvalidNetworkInsightsPathId.NotFound');
    const badSource = await ec2.send(new CreateNetworkInsightsPathCommand({ Source: 'i-0123456789abcdef0', Destination: db.InstanceId, Protocol: 'tcp' })).catch((e) => e);
    expect(badSource.name).toBe('InvalidInstanceID.NotFound');
    const dry = await ec2.send(new CreateNetworkInsightsPathCommand({ Source: web.InstanceId, Destination: db.InstanceId, Protocol: 'tcp', DryRun: true })).catch((e) => e);
    expect(dry.$metadata.httpStatusCode).toBe(412);
  });
});
