// describe-* fixtures (as the AWS CLI prints them) import without loss: exported back from the Region, every
// member rampart models comes back the same, real ids included.
import { describe, expect, it } from 'vitest';
import { importSources } from '../../src/importer/index.js';
import { exportRegion } from '../../src/importer/export.js';
import { ACCOUNT_DIR, FIXTURES, differences, fixtureItems } from './helpers.js';
import { join } from 'node:path';

type J = Record<string, unknown>;

const imported = importSources([ACCOUNT_DIR]);
const region = imported.regions[0].state;
const exported = (key: string): J[] => exportRegion(region).flatMap((d) => (Array.isArray(d.data[key]) ? (d.data[key] as J[]) : []));

describe('import of describe-* output', () => {
  it('reads one account and Region, told by the folder layout, with nothing skipped', () => {
    expect(imported.regions).toHaveLength(1);
    expect(region.accountId).toBe('111122223333');
    expect(region.name).toBe('us-east-1');
    expect(imported.warnings.filter((w) => w.kind === 'skipped')).toEqual([]);
  });

  it('keeps VPCs with their CIDR association ids, IPv6 blocks, owners and tags', () => {
    expect(differences(fixtureItems(ACCOUNT_DIR, 'Vpcs'), exported('Vpcs'), 'VpcId', ['DhcpOptionsId'])).toEqual([]);
  });

  it('keeps subnets with their zones, zone ids, public-IP mapping and IPv6 association ids', () => {
    expect(differences(fixtureItems(ACCOUNT_DIR, 'Subnets'), exported('Subnets'), 'SubnetId', ['AvailableIpAddressCount', 'EnableDns64', 'Ipv6Native', 'PrivateDnsNameOptionsOnLaunch'])).toEqual([]);
  });

  it('keeps every security group with its rules, descriptions, tags (aws: tags too) and the default groups ids', () => {
    const diff = differences(fixtureItems(ACCOUNT_DIR, 'SecurityGroups'), exported('SecurityGroups'), 'GroupId');
    expect(diff).toEqual([]);
    expect(region.defaultSecurityGroup('vpc-0a1b2c3d4e5f60718').id).toBe('sg-0d1e2f3a4b5c6d7e8');
    expect(region.securityGroups.get('sg-0f1f2f3f4f5f6f7f8')!.tags).toContainEqual({ key: 'aws:cloudformation:stack-name', value: 'shared-services' });
  });

  it('keeps every rule id, rule tags, and the stale reference across a deleted peering', () => {
    const fx = fixtureItems(ACCOUNT_DIR, 'SecurityGroupRules');
    expect(differences(fx, exported('SecurityGroupRules'), 'SecurityGroupRuleId', ['SecurityGroupRuleArn'])).toEqual([]);
    expect(region.securityGroupRules.size).toBe(fx.length);
    const stale = region.staleRules().map((r) => r.id);
    expect(stale).toEqual(['sgr-0000000abc0000013']);
    // the placeholder the stale reference was made through leaves nothing behind
    expect([...region.vpcs.keys()].sort()).toEqual(['vpc-0a1b2c3d4e5f60718', 'vpc-0badc0ffee0ddf00d']);
    expect([...region.vpcPeeringConnections.keys()]).toEqual(['pcx-0f1e2d3c4b5a69788']);
    expect(imported.warnings.some((w) => w.kind === 'note' && w.path === '$.SecurityGroupRules[18]' && /stale reference/.test(w.message))).toBe(true);
  });

  it('keeps network ACLs: ids, every entry, association ids and subnets, the default ACL replaced', () => {
    expect(differences(fixtureItems(ACCOUNT_DIR, 'NetworkAcls'), exported('NetworkAcls'), 'NetworkAclId')).toEqual([]);
  });

  it('keeps route tables: main and subnet association ids, routes to gateways, peerings and opaque targets', () => {
    expect(differences(fixtureItems(ACCOUNT_DIR, 'RouteTables'), exported('RouteTables'), 'RouteTableId')).toEqual([]);
  });

  it('keeps gateways, peerings, prefix lists and their entries, Elastic IPs', () => {
    expect(differences(fixtureItems(ACCOUNT_DIR, 'InternetGateways'), exported('InternetGateways'), 'InternetGatewayId')).toEqual([]);
    expect(differences(fixtureItems(ACCOUNT_DIR, 'VpcPeeringConnections'), exported('VpcPeeringConnections'), 'VpcPeeringConnectionId', ['PeeringOptions', 'Message'])).toEqual([]);
    expect(differences(fixtureItems(ACCOUNT_DIR, 'ManagedPrefixLists'), exported('ManagedPrefixLists'), 'PrefixListId')).toEqual([]);
    expect(differences(fixtureItems(ACCOUNT_DIR, 'PrefixLists'), exported('PrefixLists'), 'PrefixListId')).toEqual([]);
    expect(region.prefixLists.get('pl-0123456789abcdef0')!.entries).toEqual([{ cidr: '198.51.100.0/24', description: 'Paris office' }, { cidr: '203.0.113.0/24', description: 'London office' }]);
    expect(differences(fixtureItems(ACCOUNT_DIR, 'Addresses'), exported('Addresses'), 'AllocationId')).toEqual([]);
  });

  it('keeps every network interface: addresses, IPv6, groups, MAC, requester, attachments, public IPs', () => {
    const ignore = ['PrivateDnsName', 'PublicDnsName', 'AttachTime', 'IsPrimaryIpv6'];
    expect(differences(fixtureItems(ACCOUNT_DIR, 'NetworkInterfaces'), exported('NetworkInterfaces'), 'NetworkInterfaceId', ignore)).toEqual([]);
  });

  it('keeps instances (state, type, every interface by device index); a terminated one is noted, not imported', () => {
    const fx = fixtureItems(ACCOUNT_DIR, 'Reservations').flatMap((r) => r.Instances as J[]).filter((i) => (i.State as J).Name !== 'terminated');
    const ex = exported('Reservations').flatMap((r) => r.Instances as J[]);
    const keep = ['InstanceId', 'ImageId', 'InstanceType', 'LaunchTime', 'PrivateIpAddress', 'PublicIpAddress', 'State', 'SubnetId', 'VpcId', 'SecurityGroups', 'Tags'];
    const pick = (i: J) => Object.fromEntries(keep.filter((k) => i[k] !== undefined).map((k) => [k, i[k]]));
    expect(differences(fx.map(pick), ex.map(pick), 'InstanceId')).toEqual([]);
    expect(region.instances.get('i-0a1b2c3d4e5f60001')!.networkInterfaceIds).toEqual(['eni-0a0a0a0a0a0a00001', 'eni-0a0a0a0a0a0a00002']);
    expect(region.instances.has('i-0a1b2c3d4e5f60004')).toBe(false);
    expect(imported.warnings.find((w) => /terminated/.test(w.message))?.path).toBe('$.Reservations[1].Instances[1]');
  });

  it('makes the RDS instance and the ALB service resources over their real interfaces', () => {
    const kinds = [...region.services.values()].map((s) => [s.kind, s.name, s.networkInterfaceIds, s.internetFacing]);
    expect(kinds).toEqual(expect.arrayContaining([
      ['alb', 'web-alb', ['eni-0a0a0a0a0a0a00006', 'eni-0a0a0a0a0a0a00007'], true],
      ['rds', 'orders-db', ['eni-0a0a0a0a0a0a00005'], false],
    ]));
    const lb = exported('LoadBalancers')[0];
    expect(lb.LoadBalancerArn).toBe('arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web-alb/50dc6c495c0c9188');
    // the Lambda interface has no describe command here: it stays a requester-managed interface
    const lambda = region.networkInterfaces.get('eni-0a0a0a0a0a0a00008')!;
    expect([lambda.interfaceType, lambda.requesterManaged, lambda.requesterId]).toEqual(['lambda', true, 'AROAEXAMPLE:thumbnailer']);
  });

  it('an export imports back to the same describe output (a second round trip changes nothing)', () => {
    const again = importSources([ACCOUNT_DIR]).regions[0].state;
    expect(JSON.stringify(exportRegion(again))).toBe(JSON.stringify(exportRegion(region)));
  });
});

describe('aws_configs layouts', () => {
  const all = importSources([join(FIXTURES, 'aws_configs')]);

  it('one Region per account and Region of accounts/<account>/<region>/ and <region>/ folders', () => {
    expect(all.regions.map((r) => `${r.account}/${r.region}`).sort()).toEqual(['111122223333/us-east-1', '444455556666/us-east-1', '777788889999/us-west-2']);
    expect(all.skipped).toBe(0);
  });

  it('reads files named anything: a.json, b.json… by their top-level keys', () => {
    const partner = all.regions.find((r) => r.account === '444455556666')!.state;
    expect([...partner.vpcs.keys()]).toEqual(['vpc-0123abcd4567ef890']);
    expect([...partner.subnets.keys()]).toEqual(['subnet-0123abcd4567ef890']);
    expect(partner.networkInterfaces.get('eni-0123abcd4567ef890')!.groups).toEqual(['sg-0ffffeeeeddddcccc']);
    expect(partner.subnets.get('subnet-0123abcd4567ef890')!.availabilityZoneId).toBe('use1-az1');
  });

  it('a default group with no outbound rule keeps none (the generated allow-all is replaced)', () => {
    const west = all.regions.find((r) => r.region === 'us-west-2')!.state;
    const g = west.securityGroups.get('sg-0777788889999aaaa')!;
    expect(g.egress).toEqual([]);
    expect(g.ingress.map((id) => west.securityGroupRules.get(id)!.peer)).toEqual([{ kind: 'group', groupId: 'sg-0777788889999aaaa', userId: '777788889999' }]);
  });
});
