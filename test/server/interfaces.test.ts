// Network interfaces, instances, Elastic IPs, prefix lists, tags and flow logs through @aws-sdk/client-ec2
// against a real `rampart serve`. Each test acts as its own account (a 12-digit access key), so tests share
// nothing but the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateFlowLogsCommand,
  CreateManagedPrefixListCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteFlowLogsCommand,
  DeleteManagedPrefixListCommand,
  DeleteNetworkInterfaceCommand,
  DeleteTagsCommand,
  DescribeFlowLogsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTagsCommand,
  DetachNetworkInterfaceCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  ModifyInstanceAttributeCommand,
  ModifyManagedPrefixListCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { RunningServer } from '../../src/server/serve.js';
import { withServer } from './helpers.js';

const AMI = 'ami-0123456789abcdef0';

describe('network interfaces, instances, addresses, prefix lists, tags and flow logs through the SDK', () => {
  let s: Awaited<ReturnType<typeof withServer>>;
  let server: RunningServer;
  let nextAccount = 210000000000;
  /** a client for a fresh account: its own default VPC and nothing else */
  const fresh = (): { ec2: EC2Client; account: string } => {
    const account = String(nextAccount++);
    return { ec2: s.ec2({ accessKeyId: account }), account };
  };
  /** launches one instance in the default VPC; its subnet and VPC come back with it */
  const launch = async (ec2: EC2Client, extra: Record<string, unknown> = {}) => {
    const r = await ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...extra }));
    return { reservation: r, instance: r.Instances![0] };
  };

  beforeAll(async () => {
    s = await withServer();
    server = s.server;
  });
  afterAll(async () => server.close());

  it('RunInstances puts the instance in running with an address of its subnet and the default group when none is given', async () => {
    const { ec2, account } = fresh();
    const { reservation, instance } = await launch(ec2, { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }] });
    expect(reservation.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(reservation.OwnerId).toBe(account);
    expect(instance.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(instance.State).toEqual({ Code: 16, Name: 'running' });
    expect(instance.PrivateIpAddress).toMatch(/^172\.31\./);
    expect(instance.SubnetId).toMatch(/^subnet-/);
    expect(instance.VpcId).toMatch(/^vpc-/);
    expect(instance.SecurityGroups).toHaveLength(1);
    expect(instance.SecurityGroups![0].GroupName).toBe('default');
    // default subnets map a public IPv4 on launch
    expect(instance.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const eni = instance.NetworkInterfaces![0];
    expect(eni.Attachment?.DeviceIndex).toBe(0);
    expect(eni.Attachment?.Status).toBe('attached');
    expect(eni.Association?.PublicIp).toBe(instance.PublicIpAddress);
    expect(eni.Groups![0].GroupId).toBe(instance.SecurityGroups![0].GroupId);
    expect(eni.PrivateIpAddresses![0]).toMatchObject({ Primary: true, PrivateIpAddress: instance.PrivateIpAddress });
    expect(instance.Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
  });

  it('RunInstances takes security groups by name in the default VPC and a primary interface spec with no public IP', async () => {
    const { ec2 } = fresh();
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app tier' }));
    const byName = (await launch(ec2, { SecurityGroups: ['app'] })).instance;
    expect(byName.SecurityGroups!.map((g) => g.GroupId)).toEqual([sg.GroupId]);
    const spec = (await launch(ec2, { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: byName.SubnetId, Groups: [sg.GroupId!], AssociatePublicIpAddress: false, Description: 'primary' }] })).instance;
    expect(spec.PublicIpAddress).toBeUndefined();
    expect(spec.NetworkInterfaces![0].Description).toBe('primary');
    expect(spec.SecurityGroups![0].GroupName).toBe('app');
  });

  it('DescribeInstances filters by state, group, interface, address and tag, and pages with MaxResults', async () => {
    const { ec2 } = fresh();
    const launched = [];
    for (let i = 0; i < 6; i++) launched.push((await launch(ec2, { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'n', Value: String(i) }] }] })).instance);
    const one = launched[2];
    const ids = (r: { Reservations?: { Instances?: { InstanceId?: string }[] }[] }) => r.Reservations!.flatMap((x) => x.Instances!.map((i) => i.InstanceId));
    expect(ids(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] })))).toHaveLength(6);
    expect(ids(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-code', Values: ['16'] }] })))).toHaveLength(6);
    expect(ids(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance.group-name', Values: ['default'] }] })))).toHaveLength(6);
    expect(ids(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'private-ip-address', Values: [one.PrivateIpAddress!] }] })))).toEqual([one.InstanceId]);
    expect(ids(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'ip-address', Values: [one.PublicIpAddress!] }] })))).toEqual([one.InstanceId]);
    expect(ids(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'network-interface.network-interface-id', Values: [one.NetworkInterfaces![0].NetworkInterfaceId!] }] })))).toEqual([one.InstanceId]);
    expect(ids(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:n', Values: ['2'] }] })))).toEqual([one.InstanceId]);
    expect(ids(await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'subnet-id', Values: [one.SubnetId!] }, { Name: 'vpc-id', Values: [one.VpcId!] }] })))).toHaveLength(6);
    const page1 = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(ids(page1)).toHaveLength(5);
    expect(page1.NextToken).toBeDefined();
    const page2 = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: page1.NextToken }));
    expect(ids(page2)).toHaveLength(1);
    expect(page2.NextToken).toBeUndefined();
    const bad = await ec2.send(new DescribeInstancesCommand({ MaxResults: 4 })).catch((e) => e);
    expect(bad.name).toBe('InvalidParameterValue');
  });

  it('TerminateInstances reports the previous and current state, and the instance then shows terminated', async () => {
    const { ec2 } = fresh();
    const { instance } = await launch(ec2);
    const t = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
    expect(t.TerminatingInstances).toEqual([{ InstanceId: instance.InstanceId, PreviousState: { Code: 16, Name: 'running' }, CurrentState: { Code: 32, Name: 'shutting-down' } }]);
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
    expect(d.Reservations![0].Instances![0].State).toEqual({ Code: 48, Name: 'terminated' });
    // its primary interface was deleted with it
    const err = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [instance.NetworkInterfaces![0].NetworkInterfaceId!] })).catch((e) => e);
    expect(err.name).toBe('InvalidNetworkInterfaceID.NotFound');
  });

  it('ModifyInstanceAttribute sets groups (GroupId.N) and source/dest check, and DescribeInstanceAttribute reads them back', async () => {
    const { ec2 } = fresh();
    const { instance } = await launch(ec2);
    const a = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'a', Description: 'a' }));
    const b = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'b', Description: 'b' }));
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instance.InstanceId, Groups: [a.GroupId!, b.GroupId!] }));
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instance.InstanceId, SourceDestCheck: { Value: false } }));
    const groups = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute: 'groupSet' }));
    expect(groups.Groups!.map((g) => g.GroupId).sort()).toEqual([a.GroupId, b.GroupId].sort());
    const sdc = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute: 'sourceDestCheck' }));
    expect(sdc.SourceDestCheck).toEqual({ Value: false });
    const it2 = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute: 'instanceType' }));
    expect(it2.InstanceType).toEqual({ Value: 't3.micro' });
    const d = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance.group-id', Values: [b.GroupId!] }] }));
    expect(d.Reservations![0].Instances![0].SourceDestCheck).toBe(false);
  });

  it('CreateNetworkInterface takes groups (SecurityGroupId.N), addresses, description, connection tracking and tags', async () => {
    const { ec2, account } = fresh();
    const { instance } = await launch(ec2);
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'eni', Description: 'eni' }));
    const base = instance.PrivateIpAddress!.split('.').slice(0, 3).join('.');
    const ip = `${base}.200`;
    const r = await ec2.send(new CreateNetworkInterfaceCommand({
      SubnetId: instance.SubnetId, Groups: [sg.GroupId!], PrivateIpAddress: ip, SecondaryPrivateIpAddressCount: 2, Description: 'extra',
      ConnectionTrackingSpecification: { TcpEstablishedTimeout: 3600, UdpTimeout: 45 },
      TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'role', Value: 'spare' }] }],
    }));
    const eni = r.NetworkInterface!;
    expect(eni.NetworkInterfaceId).toMatch(/^eni-[0-9a-f]{17}$/);
    expect(eni.Status).toBe('available');
    expect(eni.OwnerId).toBe(account);
    expect(eni.PrivateIpAddress).toBe(ip);
    expect(eni.PrivateIpAddresses).toHaveLength(3);
    expect(eni.Groups).toEqual([{ GroupId: sg.GroupId, GroupName: 'eni' }]);
    expect(eni.Description).toBe('extra');
    expect(eni.ConnectionTrackingConfiguration).toEqual({ TcpEstablishedTimeout: 3600, UdpStreamTimeout: 180, UdpTimeout: 45 });
    expect(eni.TagSet).toEqual([{ Key: 'role', Value: 'spare' }]);
    expect(eni.MacAddress).toMatch(/^0e(:[0-9a-f]{2}){5}$/);
    expect(eni.PrivateDnsName).toBe(`ip-${ip.replace(/\./g, '-')}.ec2.internal`);
  });

  it('DescribeNetworkInterfaces supports the documented filters and MaxResults/NextToken', async () => {
    const { ec2 } = fresh();
    const { instance } = await launch(ec2);
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'flt', Description: 'flt' }));
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push((await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: instance.SubnetId, Groups: [sg.GroupId!], Description: `n${i}`, TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'i', Value: String(i) }] }] }))).NetworkInterface!);
    }
    const q = async (Name: string, Values: string[]) => (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name, Values }] }))).NetworkInterfaces!.map((e) => e.NetworkInterfaceId).sort();
    const primary = instance.NetworkInterfaces![0];
    expect(await q('group-id', [sg.GroupId!])).toEqual(made.map((e) => e.NetworkInterfaceId).sort());
    expect(await q('group-name', ['flt'])).toHaveLength(5);
    expect(await q('status', ['in-use'])).toEqual([primary.NetworkInterfaceId]);
    expect(await q('status', ['available'])).toHaveLength(5);
    expect(await q('attachment.instance-id', [instance.InstanceId!])).toEqual([primary.NetworkInterfaceId]);
    expect(await q('attachment.device-index', ['0'])).toEqual([primary.NetworkInterfaceId]);
    expect(await q('attachment.status', ['attached'])).toEqual([primary.NetworkInterfaceId]);
    expect(await q('attachment.delete-on-termination', ['true'])).toEqual([primary.NetworkInterfaceId]);
    expect(await q('addresses.private-ip-address', [made[3].PrivateIpAddress!])).toEqual([made[3].NetworkInterfaceId]);
    expect(await q('private-ip-address', [made[3].PrivateIpAddress!])).toEqual([made[3].NetworkInterfaceId]);
    expect(await q('addresses.primary', ['true'])).toHaveLength(6);
    expect(await q('association.public-ip', [instance.PublicIpAddress!])).toEqual([primary.NetworkInterfaceId]);
    expect(await q('addresses.association.public-ip', [instance.PublicIpAddress!])).toEqual([primary.NetworkInterfaceId]);
    expect(await q('association.ip-owner-id', ['amazon'])).toEqual([primary.NetworkInterfaceId]);
    expect(await q('description', ['n*'])).toHaveLength(5);
    expect(await q('tag:i', ['4'])).toEqual([made[4].NetworkInterfaceId]);
    expect(await q('tag-key', ['i'])).toHaveLength(5);
    expect(await q('subnet-id', [instance.SubnetId!])).toHaveLength(6);
    expect(await q('vpc-id', [instance.VpcId!])).toHaveLength(6);
    expect(await q('availability-zone', [made[0].AvailabilityZone!])).toHaveLength(6);
    expect(await q('interface-type', ['interface'])).toHaveLength(6);
    expect(await q('mac-address', [made[1].MacAddress!])).toEqual([made[1].NetworkInterfaceId]);
    expect(await q('network-interface-id', [made[1].NetworkInterfaceId!])).toEqual([made[1].NetworkInterfaceId]);
    expect(await q('private-dns-name', [made[1].PrivateDnsName!])).toEqual([made[1].NetworkInterfaceId]);
    expect(await q('requester-managed', ['false'])).toHaveLength(6);
    expect(await q('source-dest-check', ['true'])).toHaveLength(6);
    expect(await q('owner-id', [made[0].OwnerId!])).toHaveLength(6);
    const bad = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })).catch((e) => e);
    expect(bad.name).toBe('InvalidParameterValue');
    const p1 = await ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 5 }));
    expect(p1.NetworkInterfaces).toHaveLength(5);
    const p2 = await ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 5, NextToken: p1.NextToken }));
    expect(p2.NetworkInterfaces).toHaveLength(1);
    expect(p2.NextToken).toBeUndefined();
  });

  it('attach, modify, assign addresses, detach and delete a network interface', async () => {
    const { ec2 } = fresh();
    const { instance } = await launch(ec2);
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: instance.SubnetId }))).NetworkInterface!;
    expect(eni.Groups![0].GroupName).toBe('default');
    const { AttachmentId } = await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: instance.InstanceId, DeviceIndex: 1 }));
    expect(AttachmentId).toMatch(/^eni-attach-[0-9a-f]{17}$/);
    const inUse = await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId })).catch((e) => e);
    expect(inUse.name).toBe('InvalidNetworkInterface.InUse');
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'm', Description: 'm' }));
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Groups: [sg.GroupId!] }));
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, SourceDestCheck: { Value: false } }));
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Description: { Value: 'router' } }));
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, ConnectionTrackingSpecification: { UdpStreamTimeout: 60 } }));
    const assigned = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 2 }));
    expect(assigned.AssignedPrivateIpAddresses).toHaveLength(2);
    const d = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] }))).NetworkInterfaces![0];
    expect(d.Groups).toEqual([{ GroupId: sg.GroupId, GroupName: 'm' }]);
    expect(d.SourceDestCheck).toBe(false);
    expect(d.Description).toBe('router');
    expect(d.ConnectionTrackingConfiguration?.UdpStreamTimeout).toBe(60);
    expect(d.PrivateIpAddresses).toHaveLength(3);
    expect(d.Status).toBe('in-use');
    expect(d.Attachment).toMatchObject({ AttachmentId, InstanceId: instance.InstanceId, DeviceIndex: 1, Status: 'attached', DeleteOnTermination: false });
    expect(d.Attachment?.AttachTime).toBeInstanceOf(Date);
    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId }));
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId }));
    const gone = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] })).catch((e) => e);
    expect(gone.name).toBe('InvalidNetworkInterfaceID.NotFound');
  });

  it('error codes reach the SDK: NotFound, SecurityGroupsPerInterfaceLimitExceeded, InvalidIPAddress.InUse, MissingParameter', async () => {
    const { ec2 } = fresh();
    const { instance } = await launch(ec2);
    const e1 = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0123456789abcdef0'] })).catch((e) => e);
    expect(e1.name).toBe('InvalidNetworkInterfaceID.NotFound');
    expect(e1.$metadata.httpStatusCode).toBe(400);
    const e2 = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })).catch((e) => e);
    expect(e2.name).toBe('InvalidInstanceID.NotFound');
    const e2b = await ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })).catch((e) => e);
    expect(e2b.name).toBe('InvalidInstanceID.NotFound');
    const groups = [];
    for (let i = 0; i < 6; i++) groups.push((await ec2.send(new CreateSecurityGroupCommand({ GroupName: `g${i}`, Description: 'g' }))).GroupId!);
    const e3 = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: instance.SubnetId, Groups: groups })).catch((e) => e);
    expect(e3.name).toBe('SecurityGroupsPerInterfaceLimitExceeded');
    const e3b = await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instance.InstanceId, Groups: groups })).catch((e) => e);
    expect(e3b.name).toBe('SecurityGroupsPerInterfaceLimitExceeded');
    const e4 = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: instance.SubnetId, PrivateIpAddress: instance.PrivateIpAddress })).catch((e) => e);
    expect(e4.name).toBe('InvalidIPAddress.InUse');
    const e5 = await ec2.send(new CreateNetworkInterfaceCommand({} as never)).catch((e) => e);
    expect(e5.name).toBe('MissingParameter');
    const e6 = await ec2.send(new RunInstancesCommand({ ImageId: AMI } as never)).catch((e) => e);
    expect(e6.name).toBe('MissingParameter');
    const e7 = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: 'i-0123456789abcdef0', Attribute: 'groupSet' })).catch((e) => e);
    expect(e7.name).toBe('InvalidInstanceID.NotFound');
  });

  it('DryRun answers DryRunOperation with status 412 and changes nothing', async () => {
    const { ec2 } = fresh();
    const { instance } = await launch(ec2);
    const e = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: instance.SubnetId, DryRun: true })).catch((x) => x);
    expect(e.name).toBe('DryRunOperation');
    expect(e.$metadata.httpStatusCode).toBe(412);
    const r = await ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, DryRun: true })).catch((x) => x);
    expect(r.$metadata.httpStatusCode).toBe(412);
    const all = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    expect(all.NetworkInterfaces).toHaveLength(1);
  });

  it('an Elastic IP allocated and associated with an instance becomes its public address', async () => {
    const { ec2, account } = fresh();
    const { instance } = await launch(ec2, { NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false, SubnetId: (await launch(ec2)).instance.SubnetId }] });
    expect(instance.PublicIpAddress).toBeUndefined();
    const a = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'k', Value: 'v' }] }] }));
    expect(a.AllocationId).toMatch(/^eipalloc-/);
    expect(a.Domain).toBe('vpc');
    const assoc = await ec2.send(new AssociateAddressCommand({ AllocationId: a.AllocationId, InstanceId: instance.InstanceId }));
    expect(assoc.AssociationId).toMatch(/^eipassoc-/);
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
    expect(d.Reservations![0].Instances![0].PublicIpAddress).toBe(a.PublicIp);
    const e = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'association.allocation-id', Values: [a.AllocationId!] }] }));
    expect(e.NetworkInterfaces![0].Association).toMatchObject({ PublicIp: a.PublicIp, AllocationId: a.AllocationId, AssociationId: assoc.AssociationId, IpOwnerId: account });
    const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['elastic-ip'] }] }));
    expect(tags.Tags).toEqual([{ Key: 'k', Value: 'v', ResourceId: a.AllocationId, ResourceType: 'elastic-ip' }]);
  });

  it('managed prefix lists: create, describe, modify with versions, read entries of a version, delete', async () => {
    const { ec2 } = fresh();
    const c = await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: 'office', AddressFamily: 'IPv4', MaxEntries: 5, Entries: [{ Cidr: '203.0.113.0/24', Description: 'hq' }], TagSpecifications: [{ ResourceType: 'prefix-list', Tags: [{ Key: 'k', Value: 'v' }] }] }));
    const pl = c.PrefixList!;
    expect(pl).toMatchObject({ PrefixListName: 'office', AddressFamily: 'IPv4', MaxEntries: 5, Version: 1, State: 'create-complete' });
    expect(pl.PrefixListId).toMatch(/^pl-[0-9a-f]{17}$/);
    expect(pl.PrefixListArn).toContain(`:prefix-list/${pl.PrefixListId}`);
    const d = await ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['office'] }] }));
    expect(d.PrefixLists!.map((p) => p.PrefixListId)).toEqual([pl.PrefixListId]);
    const m = await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: pl.PrefixListId, CurrentVersion: 1, AddEntries: [{ Cidr: '198.51.100.0/24' }] }));
    expect(m.PrefixList).toMatchObject({ Version: 2, State: 'modify-complete' });
    const stale = await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: pl.PrefixListId, CurrentVersion: 1, AddEntries: [{ Cidr: '192.0.2.0/24' }] })).catch((e) => e);
    expect(stale.name).toBe('IncorrectState');
    const now = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: pl.PrefixListId }));
    expect(now.Entries!.map((e) => e.Cidr).sort()).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
    const v1 = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: pl.PrefixListId, TargetVersion: 1 }));
    expect(v1.Entries).toEqual([{ Cidr: '203.0.113.0/24', Description: 'hq' }]);
    const del = await ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: pl.PrefixListId }));
    expect(del.PrefixList?.State).toBe('delete-complete');
    const gone = await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [pl.PrefixListId!] })).catch((e) => e);
    expect(gone.name).toBe('InvalidPrefixListID.NotFound');
  });

  it('CreateTags, DescribeTags (key, value, resource-id, resource-type with AWS type names) and DeleteTags', async () => {
    const { ec2 } = fresh();
    const { instance } = await launch(ec2);
    const eniId = instance.NetworkInterfaces![0].NetworkInterfaceId!;
    await ec2.send(new CreateTagsCommand({ Resources: [instance.InstanceId!, eniId, instance.VpcId!, instance.SubnetId!], Tags: [{ Key: 'env', Value: 'prod' }] }));
    const all = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['env'] }] }));
    expect(all.Tags!.map((t) => t.ResourceType).sort()).toEqual(['instance', 'network-interface', 'subnet', 'vpc']);
    const byType = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['network-interface'] }] }));
    expect(byType.Tags).toEqual([{ Key: 'env', Value: 'prod', ResourceId: eniId, ResourceType: 'network-interface' }]);
    const byId = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [instance.InstanceId!] }, { Name: 'value', Values: ['pr*'] }] }));
    expect(byId.Tags!.map((t) => t.ResourceId)).toEqual([instance.InstanceId]);
    const p1 = await ec2.send(new DescribeTagsCommand({ MaxResults: 5 }));
    expect(p1.Tags!.length).toBe(4);
    await ec2.send(new DeleteTagsCommand({ Resources: [eniId], Tags: [{ Key: 'env', Value: 'other' }] }));
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [eniId] }] }))).Tags).toHaveLength(1);
    await ec2.send(new DeleteTagsCommand({ Resources: [eniId], Tags: [{ Key: 'env' }] }));
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [eniId] }] }))).Tags).toHaveLength(0);
    const missing = await ec2.send(new CreateTagsCommand({ Resources: ['vpc-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] })).catch((e) => e);
    expect(missing.name).toBe('InvalidVpcID.NotFound');
    const missingEni = await ec2.send(new DeleteTagsCommand({ Resources: ['eni-0123456789abcdef0'] })).catch((e) => e);
    expect(missingEni.name).toBe('InvalidNetworkInterfaceID.NotFound');
  });

  it('flow logs: create for VPC, subnet and interface with AWS defaults, describe with filters, tag, delete', async () => {
    const { ec2 } = fresh();
    const { instance } = await launch(ec2);
    const c = await ec2.send(new CreateFlowLogsCommand({
      ResourceType: 'VPC', ResourceIds: [instance.VpcId!, 'vpc-0123456789abcdef0'], TrafficType: 'ALL', LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::flow-bucket',
      TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'k', Value: 'v' }] }],
    }));
    expect(c.FlowLogIds).toHaveLength(1);
    expect(c.FlowLogIds![0]).toMatch(/^fl-[0-9a-f]{17}$/);
    expect(c.Unsuccessful).toEqual([expect.objectContaining({ ResourceId: 'vpc-0123456789abcdef0', Error: expect.objectContaining({ Code: 'InvalidVpcID.NotFound' }) })]);
    const eniLog = await ec2.send(new CreateFlowLogsCommand({
      ResourceType: 'NetworkInterface', ResourceIds: [instance.NetworkInterfaces![0].NetworkInterfaceId!], TrafficType: 'REJECT', LogGroupName: 'rejects',
      DeliverLogsPermissionArn: 'arn:aws:iam::123456789012:role/flow', MaxAggregationInterval: 60,
    }));
    const d = await ec2.send(new DescribeFlowLogsCommand({ FlowLogIds: [c.FlowLogIds![0]] }));
    const fl = d.FlowLogs![0];
    expect(fl).toMatchObject({ ResourceId: instance.VpcId, TrafficType: 'ALL', LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::flow-bucket', MaxAggregationInterval: 600, FlowLogStatus: 'ACTIVE' });
    expect(fl.LogFormat).toBe('${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}');
    expect(fl.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    const f = await ec2.send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'traffic-type', Values: ['REJECT'] }] }));
    expect(f.FlowLogs!.map((x) => x.FlowLogId)).toEqual(eniLog.FlowLogIds);
    expect(f.FlowLogs![0]).toMatchObject({ LogGroupName: 'rejects', LogDestinationType: 'cloud-watch-logs', MaxAggregationInterval: 60 });
    const dup = await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'VPC', ResourceIds: [instance.VpcId!], TrafficType: 'ALL', LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::flow-bucket' }));
    expect(dup.Unsuccessful![0].Error?.Code).toBe('FlowLogAlreadyExists');
    const badInterval = await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'Subnet', ResourceIds: [instance.SubnetId!], TrafficType: 'ALL', LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::b', MaxAggregationInterval: 30 })).catch((e) => e);
    expect(badInterval.name).toBe('InvalidParameter');
    await ec2.send(new CreateTagsCommand({ Resources: [c.FlowLogIds![0]], Tags: [{ Key: 'extra', Value: '1' }] }));
    const t = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['vpc-flow-log'] }] }));
    expect(t.Tags!.map((x) => x.Key).sort()).toEqual(['extra', 'k']);
    const del = await ec2.send(new DeleteFlowLogsCommand({ FlowLogIds: [c.FlowLogIds![0], 'fl-0123456789abcdef0'] }));
    expect(del.Unsuccessful!.map((u) => u.ResourceId)).toEqual(['fl-0123456789abcdef0']);
    expect((await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs).toHaveLength(1);
  });
});
