// Spec §2 and §9: network interfaces, instances, and the ENIs of managed services.
import { describe, expect, it } from 'vitest';
import { SERVICE_PROFILES } from '../../src/model/services.js';
import type { ServiceKind } from '../../src/model/types.js';
import { Region } from '../../src/state/region.js';
import { customVpc, expectAwsError, newGroup } from './helpers.js';

describe('instances', () => {
  it('runInstances without groups uses the VPC default security group', () => {
    const { region, vpc, subnet } = customVpc();
    const [inst] = region.runInstances({ subnetId: subnet.id });
    const eni = region.getNetworkInterface(inst.networkInterfaceIds[0]);
    const dflt = region.defaultSecurityGroup(vpc.id);
    expect(eni.groups).toEqual([dflt.id]);
    expect([...region.groupMembers(dflt.id)]).toEqual([eni.id]);
  });

  it('runInstances without a subnet lands in a default subnet of the default VPC, with its default group', () => {
    const region = new Region();
    const [inst] = region.runInstances({});
    const vpc = region.defaultVpc()!;
    expect(inst.vpcId).toBe(vpc.id);
    expect(region.getSubnet(inst.subnetId).defaultForAz).toBe(true);
    expect(region.getNetworkInterface(inst.networkInterfaceIds[0]).groups).toEqual([region.defaultSecurityGroup(vpc.id).id]);
  });

  it('an instance gets a public IP when its subnet maps public IPs on launch', () => {
    const region = new Region();
    const [inst] = region.runInstances({});
    const primary = region.getNetworkInterface(inst.networkInterfaceIds[0]).privateIpAddresses[0];
    expect(primary.primary).toBe(true);
    expect(primary.association?.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(primary.association?.ipOwnerId).toBe('amazon');
    expect(region.networkInterfaceByPublicIp(primary.association!.publicIp)?.id).toBe(inst.networkInterfaceIds[0]);
  });

  it('an instance gets no public IP in a subnet that does not map them, unless asked', () => {
    const { region, subnet } = customVpc();
    const [plain] = region.runInstances({ subnetId: subnet.id });
    expect(region.getNetworkInterface(plain.networkInterfaceIds[0]).privateIpAddresses[0].association).toBeUndefined();
    const [asked] = region.runInstances({ subnetId: subnet.id, associatePublicIpAddress: true });
    expect(region.getNetworkInterface(asked.networkInterfaceIds[0]).privateIpAddresses[0].association?.publicIp).toBeDefined();
    region.modifySubnetAttribute(subnet.id, { mapPublicIpOnLaunch: true });
    const [mapped] = region.runInstances({ subnetId: subnet.id });
    expect(region.getNetworkInterface(mapped.networkInterfaceIds[0]).privateIpAddresses[0].association?.publicIp).toBeDefined();
  });

  it('public IPs handed out are distinct', () => {
    const region = new Region();
    const insts = region.runInstances({ count: 5 });
    const ips = insts.map((i) => region.getNetworkInterface(i.networkInterfaceIds[0]).privateIpAddresses[0].association!.publicIp);
    expect(new Set(ips).size).toBe(5);
  });

  it('the primary ENI is attached at device index 0 and in use', () => {
    const { region, subnet } = customVpc();
    const [inst] = region.runInstances({ subnetId: subnet.id });
    const eni = region.getNetworkInterface(inst.networkInterfaceIds[0]);
    expect(eni.status).toBe('in-use');
    expect(eni.attachment).toMatchObject({ instanceId: inst.id, deviceIndex: 0, deleteOnTermination: true });
    expectAwsError(() => region.deleteNetworkInterface(eni.id), 'InvalidNetworkInterface.InUse');
    expectAwsError(() => region.detachNetworkInterface(eni.attachment!.attachmentId), 'OperationNotPermitted');
  });

  it('terminating an instance removes its primary ENI, its address and its group membership', () => {
    const { region, vpc, subnet } = customVpc();
    const sg = newGroup(region, vpc.id);
    const [inst] = region.runInstances({ subnetId: subnet.id, groups: [sg.id], privateIpAddress: '10.0.1.10' });
    const eniId = inst.networkInterfaceIds[0];
    expect([...region.groupMembers(sg.id)]).toEqual([eniId]);
    region.terminateInstances([inst.id]);
    expect(region.instances.get(inst.id)?.state).toBe('terminated');
    expect(region.networkInterfaces.has(eniId)).toBe(false);
    expect([...region.groupMembers(sg.id)]).toEqual([]);
    expect(region.networkInterfaceByPrivateIp(vpc.id, '10.0.1.10')).toBeUndefined();
    // the group is free to delete, the address free to reuse
    region.deleteSecurityGroup({ groupId: sg.id });
    region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.10' });
  });

  it('terminating an instance keeps a secondary ENI attached with DeleteOnTermination false, now available', () => {
    const { region, subnet } = customVpc();
    const [inst] = region.runInstances({ subnetId: subnet.id });
    const extra = region.createNetworkInterface({ subnetId: subnet.id });
    region.attachNetworkInterface(extra.id, inst.id, 1);
    expect(region.getNetworkInterface(extra.id).status).toBe('in-use');
    region.terminateInstances([inst.id]);
    expect(region.getNetworkInterface(extra.id).status).toBe('available');
    expect(region.getNetworkInterface(extra.id).attachment).toBeUndefined();
  });

  it('a group of another VPC cannot be given to an instance', () => {
    const { region, subnet } = customVpc();
    const other = region.createVpc({ cidrBlock: '10.1.0.0/16' });
    const foreign = newGroup(region, other.id, 'foreign');
    expectAwsError(() => region.runInstances({ subnetId: subnet.id, groups: [foreign.id] }), 'InvalidParameter');
  });

  it('modifyInstanceGroups replaces the groups of the primary ENI and the membership follows', () => {
    const { region, vpc, subnet } = customVpc();
    const a = newGroup(region, vpc.id, 'a');
    const b = newGroup(region, vpc.id, 'b');
    const [inst] = region.runInstances({ subnetId: subnet.id, groups: [a.id] });
    region.modifyInstanceGroups(inst.id, [b.id]);
    const eniId = inst.networkInterfaceIds[0];
    expect(region.getNetworkInterface(eniId).groups).toEqual([b.id]);
    expect([...region.groupMembers(a.id)]).toEqual([]);
    expect([...region.groupMembers(b.id)]).toEqual([eniId]);
    expectAwsError(() => region.modifyInstanceGroups(inst.id, []), 'MissingParameter');
  });
});

describe('network interfaces', () => {
  it('an ENI created without groups gets the VPC default group', () => {
    const { region, vpc, subnet } = customVpc();
    expect(region.createNetworkInterface({ subnetId: subnet.id }).groups).toEqual([region.defaultSecurityGroup(vpc.id).id]);
  });

  it('private addresses of an ENI are indexed for group-reference matching', () => {
    const { region, vpc, subnet } = customVpc();
    const eni = region.createNetworkInterface({ subnetId: subnet.id, privateIpAddress: '10.0.1.30', secondaryPrivateIpAddressCount: 2 });
    expect(eni.privateIpAddresses.map((p) => p.privateIpAddress)).toEqual(['10.0.1.30', '10.0.1.4', '10.0.1.5']);
    expect(eni.privateIpAddresses.map((p) => p.primary)).toEqual([true, false, false]);
    for (const p of eni.privateIpAddresses) expect(region.networkInterfaceByPrivateIp(vpc.id, p.privateIpAddress)?.id).toBe(eni.id);
  });

  it('the connection-tracking timeouts default to 432000/180/30 and are range-checked', () => {
    const { region, subnet } = customVpc();
    const eni = region.createNetworkInterface({ subnetId: subnet.id });
    expect(eni.connectionTracking).toEqual({ tcpEstablishedTimeout: 432000, udpStreamTimeout: 180, udpTimeout: 30 });
    expectAwsError(() => region.createNetworkInterface({ subnetId: subnet.id, connectionTracking: { tcpEstablishedTimeout: 59 } }), 'InvalidParameterValue');
    expectAwsError(() => region.createNetworkInterface({ subnetId: subnet.id, connectionTracking: { udpStreamTimeout: 181 } }), 'InvalidParameterValue');
    expectAwsError(() => region.createNetworkInterface({ subnetId: subnet.id, connectionTracking: { udpTimeout: 61 } }), 'InvalidParameterValue');
    expect(region.createNetworkInterface({ subnetId: subnet.id, connectionTracking: { tcpEstablishedTimeout: 60, udpStreamTimeout: 60, udpTimeout: 60 } }).connectionTracking)
      .toEqual({ tcpEstablishedTimeout: 60, udpStreamTimeout: 60, udpTimeout: 60 });
  });
});

describe('managed services', () => {
  const cases: [ServiceKind, string, boolean, RegExp][] = [
    ['nlb', 'network_load_balancer', true, /^ELB net\/front\/[0-9a-f]+$/],
    ['rds', 'interface', true, /^RDSNetworkInterface$/],
    ['lambda', 'lambda', true, /^AWS Lambda VPC ENI-front-[0-9a-f]+$/],
    ['vpc-endpoint', 'vpc_endpoint', true, /^VPC Endpoint Interface vpce-[0-9a-f]{17}$/],
    ['nat-gateway', 'nat_gateway', true, /^Interface for NAT Gateway nat-[0-9a-f]{17}$/],
    ['alb', 'interface', true, /^ELB app\/front\/[0-9a-f]+$/],
    ['eks-pod', 'branch', false, /^aws-k8s-branch-eni$/],
  ];

  it.each(cases)('a %s ENI has interfaceType %s, requesterManaged %s and the AWS description', (kind, interfaceType, requesterManaged, description) => {
    const { region, subnet } = customVpc();
    const res = region.createServiceResource({ kind, name: 'front', subnetIds: [subnet.id] });
    expect(res.networkInterfaceIds).toHaveLength(1);
    const eni = region.getNetworkInterface(res.networkInterfaceIds[0]);
    expect(eni.interfaceType).toBe(interfaceType);
    expect(eni.requesterManaged).toBe(requesterManaged);
    expect(eni.description).toMatch(description);
    expect(eni.resourceId).toBe(res.id);
    if (SERVICE_PROFILES[kind].requesterId) expect(eni.requesterId).toBe(SERVICE_PROFILES[kind].requesterId);
  });

  it('a service resource has one ENI per subnet, sharing the description', () => {
    const { region, vpc, subnet } = customVpc();
    const s2 = region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.2.0/24', availabilityZone: region.availabilityZones()[1] });
    const res = region.createServiceResource({ kind: 'nlb', name: 'front', subnetIds: [subnet.id, s2.id] });
    const enis = res.networkInterfaceIds.map((id) => region.getNetworkInterface(id));
    expect(enis.map((e) => e.subnetId)).toEqual([subnet.id, s2.id]);
    expect(enis[0].description).toBe(enis[1].description);
  });

  it('a service with security groups uses the given groups, else the VPC default', () => {
    const { region, vpc, subnet } = customVpc();
    const sg = newGroup(region, vpc.id, 'db');
    const withSg = region.createServiceResource({ kind: 'rds', name: 'db', subnetIds: [subnet.id], groups: [sg.id] });
    expect(region.getNetworkInterface(withSg.networkInterfaceIds[0]).groups).toEqual([sg.id]);
    const plain = region.createServiceResource({ kind: 'lambda', name: 'fn', subnetIds: [subnet.id] });
    expect(region.getNetworkInterface(plain.networkInterfaceIds[0]).groups).toEqual([region.defaultSecurityGroup(vpc.id).id]);
  });

  it('a NAT gateway ENI has no security groups (not even the default group)', () => {
    const { region, vpc, subnet } = customVpc();
    const nat = region.createServiceResource({ kind: 'nat-gateway', name: 'nat', subnetIds: [subnet.id] });
    const eni = region.getNetworkInterface(nat.networkInterfaceIds[0]);
    expect(eni.groups).toEqual([]);
    expect(nat.groups).toEqual([]);
    expect(eni.sourceDestCheck).toBe(false);
    expect(region.groupMembers(region.defaultSecurityGroup(vpc.id).id).has(eni.id)).toBe(false);
    expectAwsError(() => region.createServiceResource({ kind: 'nat-gateway', name: 'nat2', subnetIds: [subnet.id], groups: [region.defaultSecurityGroup(vpc.id).id] }), 'InvalidParameterValue');
  });

  it('a requester-managed ENI of a resource cannot be deleted: OperationNotPermitted', () => {
    const { region, subnet } = customVpc();
    for (const kind of ['rds', 'nlb', 'lambda', 'vpc-endpoint', 'nat-gateway'] as const) {
      const res = region.createServiceResource({ kind, name: `x-${kind}`, subnetIds: [subnet.id] });
      const eniId = res.networkInterfaceIds[0];
      expectAwsError(() => region.deleteNetworkInterface(eniId), 'OperationNotPermitted');
      expect(region.networkInterfaces.has(eniId)).toBe(true);
    }
  });

  it('service ENIs are in use and count as group members', () => {
    const { region, vpc, subnet } = customVpc();
    const sg = newGroup(region, vpc.id, 'lb');
    const res = region.createServiceResource({ kind: 'alb', name: 'web', subnetIds: [subnet.id], groups: [sg.id] });
    expect(region.getNetworkInterface(res.networkInterfaceIds[0]).status).toBe('in-use');
    expectAwsError(() => region.deleteSecurityGroup({ groupId: sg.id }), 'DependencyViolation');
  });

  it('service groups are held to the per-interface quota', () => {
    const { region, vpc, subnet } = customVpc();
    const ids = Array.from({ length: 6 }, (_, i) => newGroup(region, vpc.id, `g${i}`).id);
    expectAwsError(() => region.createServiceResource({ kind: 'rds', name: 'db', subnetIds: [subnet.id], groups: ids }), 'SecurityGroupsPerInterfaceLimitExceeded');
  });

  it('all subnets of a resource must be in one VPC', () => {
    const { region, subnet } = customVpc();
    const other = region.createVpc({ cidrBlock: '10.1.0.0/16' });
    const s2 = region.createSubnet({ vpcId: other.id, cidrBlock: '10.1.0.0/24' });
    expectAwsError(() => region.createServiceResource({ kind: 'nlb', name: 'x', subnetIds: [subnet.id, s2.id] }), 'InvalidParameterValue');
  });
});
