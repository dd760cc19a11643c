// Every action rampart serves, driven through the AWS CLI (`aws ec2 …` with
// --endpoint-url), one CLI process per call, checking the fields the CLI prints. Skipped when no `aws` is on the
// machine. The calls build one estate step by step and take it apart again, so each call's input comes from
// the answers before it, as a person at a terminal would do it.
import { execFile, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve.js';

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 && spawnSync(r.stdout.trim(), ['--version']).status === 0 ? r.stdout.trim() : undefined;
}
const AWS = which('aws');

// a fresh account and Region: nothing here is shared with other tests
const ACCOUNT = '410987654321';
const REGION = 'eu-central-1';

let server: RunningServer;
/** every action the CLI was asked to perform, as the API names it */
const driven = new Set<string>();

interface CliFailure {
  code: number;
  stderr: string;
}

/** Runs `aws <service> <command> …`; resolves with the parsed JSON output, or the failure (exit code, stderr). */
function cli(service: 'ec2' | 'sts', command: string, ...args: string[]): Promise<{ ok: true; out: any } | ({ ok: false } & CliFailure)> {
  driven.add(command.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(''));
  const env = { ...process.env, AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: REGION, AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  return new Promise((res) => {
    // asynchronous: the server runs in this process and must be free to answer
    execFile(AWS!, ['--endpoint-url', server.url, '--output', 'json', service, command, ...args], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) res({ ok: false, code: typeof err.code === 'number' ? err.code : -1, stderr });
      else res({ ok: true, out: stdout.trim() ? JSON.parse(stdout) : {} });
    });
  });
}

/** A call that must succeed: its output. */
async function aws(command: string, ...args: string[]): Promise<any> {
  const r = await cli('ec2', command, ...args);
  if (!r.ok) throw new Error(`aws ec2 ${command} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.out;
}

/** A call that must fail with an AWS error code. */
async function awsFails(code: string, command: string, ...args: string[]): Promise<void> {
  const r = await cli('ec2', command, ...args);
  expect(r.ok, `aws ec2 ${command} should fail with ${code}`).toBe(false);
  if (!r.ok) expect(r.stderr).toContain(`(${code})`);
}

beforeAll(async () => {
  if (AWS) server = await startServer({ port: 0 });
});
afterAll(async () => server?.close());

const ids: Record<string, string> = {};
const T = 600_000;

describe.skipIf(!AWS)('every action through the AWS CLI', () => {
  it('identity, Regions, zones, account attributes and the default VPC', async () => {
    const who = await cli('sts', 'get-caller-identity');
    expect(who.ok && who.out).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
    const regions = await aws('describe-regions');
    expect(regions.Regions.map((r: { RegionName: string }) => r.RegionName)).toContain(REGION);
    const zones = await aws('describe-availability-zones');
    ids.az = zones.AvailabilityZones[0].ZoneName;
    expect(ids.az.startsWith(REGION)).toBe(true);
    expect(zones.AvailabilityZones[0].State).toBe('available');
    const attrs = await aws('describe-account-attributes', '--attribute-names', 'default-vpc');
    const defaultVpc = attrs.AccountAttributes[0].AttributeValues[0].AttributeValue;
    expect(defaultVpc).toMatch(/^vpc-[0-9a-f]{17}$/);
    const vpcs = await aws('describe-vpcs', '--filters', 'Name=is-default,Values=true');
    expect(vpcs.Vpcs).toEqual([expect.objectContaining({ VpcId: defaultVpc, CidrBlock: '172.31.0.0/16', IsDefault: true })]);
    await awsFails('DefaultVpcAlreadyExists', 'create-default-vpc');
  }, T);

  it('VPCs, subnets, gateways, route tables and network ACLs', async () => {
    const vpc = (await aws('create-vpc', '--cidr-block', '10.20.0.0/16')).Vpc;
    expect(vpc).toMatchObject({ CidrBlock: '10.20.0.0/16', IsDefault: false });
    ids.vpc = vpc.VpcId;
    const assoc = await aws('associate-vpc-cidr-block', '--vpc-id', ids.vpc, '--cidr-block', '10.21.0.0/16');
    expect(assoc).toMatchObject({ VpcId: ids.vpc, CidrBlockAssociation: { CidrBlock: '10.21.0.0/16' } });

    const subnet = (await aws('create-subnet', '--vpc-id', ids.vpc, '--cidr-block', '10.20.1.0/24', '--availability-zone', ids.az)).Subnet;
    expect(subnet).toMatchObject({ VpcId: ids.vpc, CidrBlock: '10.20.1.0/24', AvailabilityZone: ids.az, AvailableIpAddressCount: 251, MapPublicIpOnLaunch: false });
    ids.subnet = subnet.SubnetId;
    await aws('modify-subnet-attribute', '--subnet-id', ids.subnet, '--map-public-ip-on-launch');
    const subnets = await aws('describe-subnets', '--subnet-ids', ids.subnet);
    expect(subnets.Subnets[0].MapPublicIpOnLaunch).toBe(true);

    ids.igw = (await aws('create-internet-gateway')).InternetGateway.InternetGatewayId;
    expect(ids.igw).toMatch(/^igw-[0-9a-f]{17}$/);
    await aws('attach-internet-gateway', '--internet-gateway-id', ids.igw, '--vpc-id', ids.vpc);
    const igws = await aws('describe-internet-gateways', '--internet-gateway-ids', ids.igw);
    expect(igws.InternetGateways[0].Attachments).toEqual([{ VpcId: ids.vpc, State: 'available' }]);

    ids.rtb = (await aws('create-route-table', '--vpc-id', ids.vpc)).RouteTable.RouteTableId;
    expect((await aws('create-route', '--route-table-id', ids.rtb, '--destination-cidr-block', '0.0.0.0/0', '--gateway-id', ids.igw)).Return).toBe(true);
    await aws('replace-route', '--route-table-id', ids.rtb, '--destination-cidr-block', '0.0.0.0/0', '--gateway-id', ids.igw);
    const rtAssoc = (await aws('associate-route-table', '--route-table-id', ids.rtb, '--subnet-id', ids.subnet)).AssociationId;
    expect(rtAssoc).toMatch(/^rtbassoc-[0-9a-f]{17}$/);
    const rts = await aws('describe-route-tables', '--route-table-ids', ids.rtb);
    expect(rts.RouteTables[0].Routes).toContainEqual(expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: ids.igw, State: 'active' }));
    expect(rts.RouteTables[0].Associations).toContainEqual(expect.objectContaining({ RouteTableAssociationId: rtAssoc, SubnetId: ids.subnet }));
    const rtb2 = (await aws('create-route-table', '--vpc-id', ids.vpc)).RouteTable.RouteTableId;
    const moved = (await aws('replace-route-table-association', '--association-id', rtAssoc, '--route-table-id', rtb2)).NewAssociationId;
    expect(moved).toMatch(/^rtbassoc-[0-9a-f]{17}$/);
    await aws('disassociate-route-table', '--association-id', moved);
    await aws('delete-route-table', '--route-table-id', rtb2);
    await aws('delete-route', '--route-table-id', ids.rtb, '--destination-cidr-block', '0.0.0.0/0');

    ids.acl = (await aws('create-network-acl', '--vpc-id', ids.vpc)).NetworkAcl.NetworkAclId;
    await aws('create-network-acl-entry', '--network-acl-id', ids.acl, '--ingress', '--rule-number', '100', '--protocol', 'tcp', '--port-range', 'From=443,To=443', '--cidr-block', '0.0.0.0/0', '--rule-action', 'allow');
    await aws('replace-network-acl-entry', '--network-acl-id', ids.acl, '--ingress', '--rule-number', '100', '--protocol', 'tcp', '--port-range', 'From=443,To=443', '--cidr-block', '0.0.0.0/0', '--rule-action', 'deny');
    const current = await aws('describe-network-acls', '--filters', `Name=association.subnet-id,Values=${ids.subnet}`);
    expect(current.NetworkAcls[0].IsDefault).toBe(true);
    const aclAssoc = current.NetworkAcls[0].Associations.find((a: { SubnetId: string }) => a.SubnetId === ids.subnet).NetworkAclAssociationId;
    const newAclAssoc = (await aws('replace-network-acl-association', '--association-id', aclAssoc, '--network-acl-id', ids.acl)).NewAssociationId;
    expect(newAclAssoc).toMatch(/^aclassoc-[0-9a-f]{17}$/);
    const acl = (await aws('describe-network-acls', '--network-acl-ids', ids.acl)).NetworkAcls[0];
    expect(acl.Entries).toContainEqual(expect.objectContaining({ RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'deny', CidrBlock: '0.0.0.0/0', PortRange: { From: 443, To: 443 } }));
    expect(acl.Associations).toContainEqual(expect.objectContaining({ NetworkAclAssociationId: newAclAssoc, SubnetId: ids.subnet }));
    await aws('delete-network-acl-entry', '--network-acl-id', ids.acl, '--ingress', '--rule-number', '100');
  }, T);

  it('security groups and their rules, prefix lists', async () => {
    ids.sg = (await aws('create-security-group', '--group-name', 'cli-web', '--description', 'web tier', '--vpc-id', ids.vpc)).GroupId;
    expect(ids.sg).toMatch(/^sg-[0-9a-f]{17}$/);
    const ingress = await aws('authorize-security-group-ingress', '--group-id', ids.sg, '--ip-permissions', 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=203.0.113.0/24,Description=ssh}]');
    expect(ingress.Return).toBe(true);
    expect(ingress.SecurityGroupRules).toEqual([expect.objectContaining({ GroupId: ids.sg, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '203.0.113.0/24', Description: 'ssh' })]);
    const ruleId = ingress.SecurityGroupRules[0].SecurityGroupRuleId;
    const egress = await aws('authorize-security-group-egress', '--group-id', ids.sg, '--ip-permissions', 'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=10.0.0.0/8}]');
    expect(egress.SecurityGroupRules[0]).toMatchObject({ IsEgress: true, FromPort: 5432, CidrIpv4: '10.0.0.0/8' });
    await aws('update-security-group-rule-descriptions-ingress', '--group-id', ids.sg, '--ip-permissions', 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=203.0.113.0/24,Description=admin}]');
    await aws('update-security-group-rule-descriptions-egress', '--group-id', ids.sg, '--ip-permissions', 'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=10.0.0.0/8,Description=db}]');
    const rules = (await aws('describe-security-group-rules', '--filters', `Name=group-id,Values=${ids.sg}`)).SecurityGroupRules;
    expect(rules.find((r: { SecurityGroupRuleId: string }) => r.SecurityGroupRuleId === ruleId).Description).toBe('admin');
    expect(rules.find((r: { IsEgress: boolean; FromPort: number }) => r.IsEgress && r.FromPort === 5432).Description).toBe('db');
    await aws('modify-security-group-rules', '--group-id', ids.sg, '--security-group-rules', `SecurityGroupRuleId=${ruleId},SecurityGroupRule={IpProtocol=tcp,FromPort=2222,ToPort=2222,CidrIpv4=203.0.113.0/24,Description=moved}`);
    const group = (await aws('describe-security-groups', '--group-ids', ids.sg)).SecurityGroups[0];
    expect(group).toMatchObject({ GroupName: 'cli-web', Description: 'web tier', VpcId: ids.vpc, OwnerId: ACCOUNT });
    expect(group.IpPermissions).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'moved' }] })]);
    expect((await aws('describe-security-group-references', '--group-id', ids.sg)).SecurityGroupReferenceSet).toEqual([]);
    expect((await aws('describe-stale-security-groups', '--vpc-id', ids.vpc)).StaleSecurityGroupSet).toEqual([]);
    const forVpc = (await aws('get-security-groups-for-vpc', '--vpc-id', ids.vpc)).SecurityGroupForVpcs;
    expect(forVpc.map((g: { GroupId: string }) => g.GroupId)).toContain(ids.sg);
    await aws('revoke-security-group-ingress', '--group-id', ids.sg, '--ip-permissions', 'IpProtocol=tcp,FromPort=2222,ToPort=2222,IpRanges=[{CidrIp=203.0.113.0/24}]');
    await aws('revoke-security-group-egress', '--group-id', ids.sg, '--security-group-rule-ids', egress.SecurityGroupRules[0].SecurityGroupRuleId);
    const emptied = (await aws('describe-security-group-rules', '--filters', `Name=group-id,Values=${ids.sg}`)).SecurityGroupRules;
    // what is left: the default egress rule every new group gets
    expect(emptied).toEqual([expect.objectContaining({ IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' })]);

    const pl = (await aws('create-managed-prefix-list', '--prefix-list-name', 'cli-office', '--max-entries', '5', '--address-family', 'IPv4', '--entries', 'Cidr=198.51.100.0/24,Description=office')).PrefixList;
    expect(pl).toMatchObject({ PrefixListName: 'cli-office', MaxEntries: 5, AddressFamily: 'IPv4', Version: 1, OwnerId: ACCOUNT });
    ids.pl = pl.PrefixListId;
    const modified = (await aws('modify-managed-prefix-list', '--prefix-list-id', ids.pl, '--current-version', '1', '--add-entries', 'Cidr=192.0.2.0/24')).PrefixList;
    expect(modified.PrefixListId).toBe(ids.pl);
    const entries = (await aws('get-managed-prefix-list-entries', '--prefix-list-id', ids.pl)).Entries;
    expect(entries.map((e: { Cidr: string }) => e.Cidr).sort()).toEqual(['192.0.2.0/24', '198.51.100.0/24']);
    const lists = (await aws('describe-managed-prefix-lists', '--prefix-list-ids', ids.pl)).PrefixLists;
    expect(lists).toEqual([expect.objectContaining({ PrefixListId: ids.pl, Version: 2 })]);
  }, T);

  it('network interfaces, instances, Elastic IPs and tags', async () => {
    const eni = (await aws('create-network-interface', '--subnet-id', ids.subnet, '--groups', ids.sg, '--description', 'cli eni')).NetworkInterface;
    expect(eni).toMatchObject({ SubnetId: ids.subnet, VpcId: ids.vpc, Status: 'available', Groups: [{ GroupId: ids.sg, GroupName: 'cli-web' }] });
    expect(eni.PrivateIpAddress).toMatch(/^10\.20\.1\.\d+$/);
    ids.eni = eni.NetworkInterfaceId;
    const assigned = await aws('assign-private-ip-addresses', '--network-interface-id', ids.eni, '--secondary-private-ip-address-count', '1');
    expect(assigned.AssignedPrivateIpAddresses).toEqual([{ PrivateIpAddress: expect.stringMatching(/^10\.20\.1\.\d+$/) }]);
    await aws('modify-network-interface-attribute', '--network-interface-id', ids.eni, '--description', 'Value=changed');
    const enis = (await aws('describe-network-interfaces', '--network-interface-ids', ids.eni)).NetworkInterfaces;
    expect(enis[0].Description).toBe('changed');
    expect(enis[0].PrivateIpAddresses).toHaveLength(2);

    const run = await aws('run-instances', '--image-id', 'ami-0123456789abcdef0', '--instance-type', 't3.micro', '--subnet-id', ids.subnet, '--security-group-ids', ids.sg, '--count', '1');
    const inst = run.Instances[0];
    expect(inst).toMatchObject({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro', SubnetId: ids.subnet, VpcId: ids.vpc, State: { Code: 16, Name: 'running' } });
    ids.instance = inst.InstanceId;
    const described = (await aws('describe-instances', '--instance-ids', ids.instance)).Reservations[0].Instances[0];
    expect(described.NetworkInterfaces[0].Groups).toEqual([{ GroupId: ids.sg, GroupName: 'cli-web' }]);
    // the subnet maps public addresses on launch (set above), so the instance has one
    expect(described.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await aws('modify-instance-attribute', '--instance-id', ids.instance, '--source-dest-check', 'Value=false');
    expect((await aws('describe-instance-attribute', '--instance-id', ids.instance, '--attribute', 'sourceDestCheck')).SourceDestCheck).toEqual({ Value: false });

    const attachment = (await aws('attach-network-interface', '--network-interface-id', ids.eni, '--instance-id', ids.instance, '--device-index', '1')).AttachmentId;
    expect(attachment).toMatch(/^eni-attach-[0-9a-f]{17}$/);
    await aws('detach-network-interface', '--attachment-id', attachment);

    const eip = await aws('allocate-address', '--domain', 'vpc');
    expect(eip).toMatchObject({ Domain: 'vpc', AllocationId: expect.stringMatching(/^eipalloc-[0-9a-f]{17}$/), PublicIp: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/) });
    const eipAssoc = (await aws('associate-address', '--allocation-id', eip.AllocationId, '--instance-id', ids.instance)).AssociationId;
    expect(eipAssoc).toMatch(/^eipassoc-[0-9a-f]{17}$/);

    await aws('create-tags', '--resources', ids.vpc, ids.sg, '--tags', 'Key=Name,Value=cli', 'Key=team,Value=net');
    const tags = (await aws('describe-tags', '--filters', `Name=resource-id,Values=${ids.vpc}`)).Tags;
    expect(tags).toEqual(expect.arrayContaining([{ ResourceId: ids.vpc, ResourceType: 'vpc', Key: 'Name', Value: 'cli' }, { ResourceId: ids.vpc, ResourceType: 'vpc', Key: 'team', Value: 'net' }]));
    await aws('delete-tags', '--resources', ids.vpc, '--tags', 'Key=team');
    expect((await aws('describe-vpcs', '--vpc-ids', ids.vpc)).Vpcs[0].Tags).toEqual([{ Key: 'Name', Value: 'cli' }]);
  }, T);

  it('peering connections', async () => {
    const peer = (await aws('create-vpc', '--cidr-block', '10.30.0.0/16')).Vpc.VpcId;
    const pcx = (await aws('create-vpc-peering-connection', '--vpc-id', ids.vpc, '--peer-vpc-id', peer)).VpcPeeringConnection;
    expect(pcx.Status.Code).toBe('pending-acceptance');
    const accepted = (await aws('accept-vpc-peering-connection', '--vpc-peering-connection-id', pcx.VpcPeeringConnectionId)).VpcPeeringConnection;
    expect(accepted.Status.Code).toBe('active');
    expect(accepted.AccepterVpcInfo).toMatchObject({ VpcId: peer, CidrBlock: '10.30.0.0/16' });
    const listed = (await aws('describe-vpc-peering-connections', '--vpc-peering-connection-ids', pcx.VpcPeeringConnectionId)).VpcPeeringConnections;
    expect(listed[0].RequesterVpcInfo).toMatchObject({ VpcId: ids.vpc, OwnerId: ACCOUNT });
    const other = (await aws('create-vpc-peering-connection', '--vpc-id', ids.vpc, '--peer-vpc-id', peer)).VpcPeeringConnection.VpcPeeringConnectionId;
    expect((await aws('reject-vpc-peering-connection', '--vpc-peering-connection-id', other)).Return).toBe(true);
    expect((await aws('delete-vpc-peering-connection', '--vpc-peering-connection-id', pcx.VpcPeeringConnectionId)).Return).toBe(true);
  }, T);

  it('the Reachability Analyzer', async () => {
    const path = (await aws('create-network-insights-path', '--source', ids.igw, '--destination', ids.instance, '--protocol', 'tcp', '--destination-port', '22')).NetworkInsightsPath;
    expect(path).toMatchObject({ Source: ids.igw, Destination: ids.instance, Protocol: 'tcp', DestinationPort: 22 });
    const started = (await aws('start-network-insights-analysis', '--network-insights-path-id', path.NetworkInsightsPathId)).NetworkInsightsAnalysis;
    const analysis = (await aws('describe-network-insights-analyses', '--network-insights-analysis-ids', started.NetworkInsightsAnalysisId)).NetworkInsightsAnalyses[0];
    // nothing lets SSH in any more (the rule was revoked, the route deleted): blocked, with AWS's explanation codes
    expect(analysis).toMatchObject({ Status: 'succeeded', NetworkPathFound: false });
    expect(analysis.Explanations.length).toBeGreaterThan(0);
    expect(analysis.Explanations[0].ExplanationCode).toMatch(/^[A-Z_]+$/);
    const paths = (await aws('describe-network-insights-paths', '--network-insights-path-ids', path.NetworkInsightsPathId)).NetworkInsightsPaths;
    expect(paths).toHaveLength(1);
    await aws('delete-network-insights-analysis', '--network-insights-analysis-id', started.NetworkInsightsAnalysisId);
    expect((await aws('delete-network-insights-path', '--network-insights-path-id', path.NetworkInsightsPathId)).NetworkInsightsPathId).toBe(path.NetworkInsightsPathId);
  }, T);

  it('flow logs', async () => {
    const created = await aws('create-flow-logs', '--resource-type', 'VPC', '--resource-ids', ids.vpc, '--traffic-type', 'REJECT', '--log-destination-type', 's3', '--log-destination', 'arn:aws:s3:::flow-bucket', '--max-aggregation-interval', '60');
    expect(created.FlowLogIds).toHaveLength(1);
    expect(created.Unsuccessful ?? []).toEqual([]);
    const fl = (await aws('describe-flow-logs', '--filter', `Name=resource-id,Values=${ids.vpc}`)).FlowLogs;
    expect(fl).toHaveLength(1);
    expect(fl[0]).toMatchObject({ FlowLogId: created.FlowLogIds[0], ResourceId: ids.vpc, TrafficType: 'REJECT', LogDestinationType: 's3', MaxAggregationInterval: 60 });
    await awsFails('InvalidParameter', 'create-flow-logs', '--resource-type', 'VPC', '--resource-ids', ids.vpc, '--traffic-type', 'ALL', '--log-destination-type', 's3', '--log-destination', 'arn:aws:s3:::b', '--max-aggregation-interval', '30');
    expect((await aws('delete-flow-logs', '--flow-log-ids', created.FlowLogIds[0])).Unsuccessful ?? []).toEqual([]);
    expect((await aws('describe-flow-logs', '--filter', `Name=resource-id,Values=${ids.vpc}`)).FlowLogs).toEqual([]);
  }, T);

  it('taking it all apart again', async () => {
    const gone = (await aws('terminate-instances', '--instance-ids', ids.instance)).TerminatingInstances[0];
    expect(gone).toMatchObject({ InstanceId: ids.instance, CurrentState: { Name: expect.stringMatching(/^(shutting-down|terminated)$/) } });
    await aws('delete-network-interface', '--network-interface-id', ids.eni);
    await aws('delete-managed-prefix-list', '--prefix-list-id', ids.pl);
    await aws('delete-security-group', '--group-id', ids.sg);
    await aws('delete-subnet', '--subnet-id', ids.subnet);
    await aws('delete-network-acl', '--network-acl-id', ids.acl);
    await aws('delete-route-table', '--route-table-id', ids.rtb);
    await aws('detach-internet-gateway', '--internet-gateway-id', ids.igw, '--vpc-id', ids.vpc);
    await aws('delete-internet-gateway', '--internet-gateway-id', ids.igw);
    await aws('delete-vpc', '--vpc-id', ids.vpc);
    await awsFails('InvalidVpcID.NotFound', 'describe-vpcs', '--vpc-ids', ids.vpc);
  }, T);

  it('drove every action the server serves', async () => {
    const { handlers } = await import('../../src/ec2/handlers/index.js');
    const served = Object.keys(handlers);
    expect(served.filter((a) => !driven.has(a))).toEqual([]);
  });
});
