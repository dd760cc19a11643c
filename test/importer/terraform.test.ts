// terraform show -json, state and plan, imported into a Region.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSources } from '../../src/importer/index.js';
import { isIdOf } from '../../src/model/ids.js';
import { FIXTURES } from './helpers.js';

describe('terraform state (values.root_module + child_modules)', () => {
  const r = importSources([join(FIXTURES, 'terraform/state.json')]);
  const region = r.regions[0].state;

  it('takes account and Region from the ARNs and keeps every id, child module resources included', () => {
    expect([region.accountId, region.name]).toEqual(['210987654321', 'eu-central-1']);
    expect(r.skipped).toBe(0);
    expect([...region.vpcs.keys()]).toEqual(['vpc-0c0ffee0c0ffee000']);
    expect([...region.subnets.keys()].sort()).toEqual(['subnet-0c0ffee0000000001', 'subnet-0c0ffee0000000002', 'subnet-0c0ffee0000000003']);
    expect(region.defaultSecurityGroup('vpc-0c0ffee0c0ffee000').id).toBe('sg-0c0ffee0000000001');
    expect(region.defaultNetworkAcl('vpc-0c0ffee0c0ffee000').id).toBe('acl-0c0ffee0000000001');
    expect(region.mainRouteTable('vpc-0c0ffee0c0ffee000').id).toBe('rtb-0c0ffee0000000001');
    expect(region.vpcs.get('vpc-0c0ffee0c0ffee000')!.tags).toEqual([{ key: 'Name', value: 'tf-main' }]);
  });

  it('inline rules, aws_security_group_rule and aws_vpc_security_group_*_rule: one rule each, with the rule ids', () => {
    const web = region.groupRules('sg-0c0ffee0000000002', false).map((x) => [x.id.startsWith('sgr-0c0ffee') ? x.id : 'generated', x.protocol, x.fromPort, x.peer, x.description]);
    expect(web).toEqual([
      ['generated', 6, 443, { kind: 'cidr4', cidr: '0.0.0.0/0' }, 'HTTPS'],
      ['sgr-0c0ffee0000000011', 6, 22, { kind: 'cidr4', cidr: '10.0.0.0/8' }, 'SSH from the VPN'],
      ['generated', -1, -1, { kind: 'group', groupId: 'sg-0c0ffee0000000002', userId: '210987654321' }, 'cluster peers'],
    ]);
    const db = [...region.groupRules('sg-0c0ffee0000000003', false), ...region.groupRules('sg-0c0ffee0000000003', true)];
    expect(db.map((x) => [x.id, x.isEgress, x.tags])).toEqual([
      ['sgr-0c0ffee0000000021', false, [{ key: 'Purpose', value: 'pg' }]],
      ['sgr-0c0ffee0000000022', true, []],
    ]);
  });

  it('network ACL entries (inline and aws_network_acl_rule) and the association id of aws_network_acl_association', () => {
    const acl = region.networkAcls.get('acl-0c0ffee0000000002')!;
    expect(acl.entries.filter((e) => e.ruleNumber < 32767).map((e) => `${e.egress ? 'out' : 'in'} ${e.ruleNumber} ${e.ruleAction} ${e.protocol}`)).toEqual(['in 100 allow 6', 'in 110 allow 1', 'in 200 deny -1', 'out 100 allow 6']);
    expect(acl.associations).toEqual([{ networkAclAssociationId: 'aclassoc-0c0ffee0000000001', subnetId: 'subnet-0c0ffee0000000003' }]);
  });

  it('route table with its inline route and the aws_route_table_association ids', () => {
    const t = region.routeTables.get('rtb-0c0ffee0000000002')!;
    expect(t.associations.map((a) => a.routeTableAssociationId)).toEqual(['rtbassoc-0c0ffee0000000001', 'rtbassoc-0c0ffee0000000002']);
    expect(t.routes.find((x) => x.destinationCidrBlock === '0.0.0.0/0')!.target).toEqual({ kind: 'igw', gatewayId: 'igw-0c0ffee0000000001' });
  });

  it('the instance, its primary interface, public IP and secondary address; the extra interface attached at device 1', () => {
    const i = region.instances.get('i-0c0ffee0000000001')!;
    expect(i.networkInterfaceIds).toEqual(['eni-0c0ffee0000000001', 'eni-0c0ffee0000000002']);
    const e = region.networkInterfaces.get('eni-0c0ffee0000000001')!;
    expect(e.privateIpAddresses.map((p) => [p.privateIpAddress, p.association?.publicIp])).toEqual([['10.20.1.10', '18.192.10.20'], ['10.20.1.11', undefined]]);
    const x = region.networkInterfaces.get('eni-0c0ffee0000000002')!;
    expect([x.attachment?.attachmentId, x.attachment?.deviceIndex, x.sourceDestCheck, x.description]).toEqual(['eni-attach-0c0ffee0000000002', 1, false, 'metrics interface']);
  });

  it('aws_db_instance (subnets from its aws_db_subnet_group) and aws_lb become service resources', () => {
    const s = [...region.services.values()].map((x) => [x.kind, x.name, x.subnetIds, x.groups, x.internetFacing]);
    expect(s).toEqual([
      ['alb', 'tf-front', ['subnet-0c0ffee0000000001', 'subnet-0c0ffee0000000002'], ['sg-0c0ffee0000000002'], true],
      ['rds', 'tf-orders', ['subnet-0c0ffee0000000003'], ['sg-0c0ffee0000000003'], false],
    ]);
    expect(r.warnings.filter((w) => /not in the import/.test(w.message))).toHaveLength(2);
  });
});

describe('terraform plan (planned_values, unknown ids resolved through the configuration)', () => {
  const r = importSources([join(FIXTURES, 'terraform/plan.json')], { account: '210987654321' });
  const region = r.regions[0].state;

  it('places the plan in the provider Region and gives generated, well-formed ids to what does not exist yet', () => {
    expect([region.accountId, region.name]).toEqual(['210987654321', 'us-west-2']);
    expect(r.skipped).toBe(0);
    const [vpc] = region.vpcs.values();
    expect(isIdOf('vpc', vpc.id)).toBe(true);
    expect(vpc.cidrBlocks[0].cidrBlock).toBe('10.30.0.0/16');
    const [subnet] = region.subnets.values();
    expect([subnet.vpcId, subnet.cidrBlock]).toEqual([vpc.id, '10.30.1.0/24']);
  });

  it('references in the configuration connect the resources: rule → groups, instance → subnet and group, ACL → subnet', () => {
    const byName = new Map([...region.securityGroups.values()].map((g) => [g.name, g]));
    const app = byName.get('plan-app')!;
    const lb = byName.get('plan-lb')!;
    expect(app.vpcId).toBe([...region.vpcs.keys()][0]);
    const fromLb = region.groupRules(app.id, false).find((x) => x.fromPort === 8080)!;
    expect(fromLb.peer).toEqual({ kind: 'group', groupId: lb.id, userId: '210987654321' });
    const [inst] = region.instances.values();
    const eni = region.networkInterfaces.get(inst.networkInterfaceIds[0])!;
    expect([eni.subnetId, eni.groups, eni.privateIpAddresses[0].privateIpAddress]).toEqual([[...region.subnets.keys()][0], [app.id], '10.30.1.10']);
    const acl = [...region.networkAcls.values()].find((a) => !a.isDefault)!;
    expect(acl.associations.map((a) => a.subnetId)).toEqual([[...region.subnets.keys()][0]]);
  });
});
