// VPC Flow Logs in `rampart serve` through @aws-sdk/client-ec2: CreateFlowLogs / DescribeFlowLogs /
// DeleteFlowLogs with AWS's errors and filters, and delivery of a workload's records to files in the data
// directory, in the S3 layout.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFlowLogsCommand,
  CreateTagsCommand,
  DeleteFlowLogsCommand,
  DescribeFlowLogsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { runTrafficOnDataDir } from '../../src/cli/traffic.js';
import { consoleTraffic, deliverWorkload } from '../../src/flowlogs/deliver.js';
import { parseFlowLogText } from '../../src/flowlogs/format.js';
import { parseWorkload } from '../../src/flowlogs/traffic.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';

const AMI = 'ami-0123456789abcdef0';
const S3 = { LogDestinationType: 's3' as const, LogDestination: 'arn:aws:s3:::flow-bucket/prod' };

describe('flow logs in rampart serve', () => {
  let server: RunningServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'rampart-fl-serve-'));
  let account = 230000000000;
  const client = (): EC2Client =>
    new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: String(account++), secretAccessKey: 's' }, maxAttempts: 1 });
  const launch = async (ec2: EC2Client, subnetId?: string) =>
    (await ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...(subnetId ? { SubnetId: subnetId } : {}) }))).Instances![0]!;
  const fail = (p: Promise<unknown>) => p.then(() => ({ name: 'no error', message: '' }), (e: Error) => ({ name: e.name, message: e.message }));

  beforeAll(async () => {
    server = await startServer({ port: 0, dataDir });
  });
  afterAll(async () => server.close());

  it('creates flow logs per resource: missing resources and duplicates are Unsuccessful items, the rest are created', async () => {
    const ec2 = client();
    const i = await launch(ec2);
    const eni = i.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const c = await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'VPC', ResourceIds: [i.VpcId!, 'vpc-0123456789abcdef0'], TrafficType: 'ALL', ...S3 }));
    expect(c.FlowLogIds).toHaveLength(1);
    expect(c.Unsuccessful).toEqual([{ ResourceId: 'vpc-0123456789abcdef0', Error: { Code: 'InvalidVpcID.NotFound', Message: "The vpc ID 'vpc-0123456789abcdef0' does not exist" } }]);
    const again = await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'VPC', ResourceIds: [i.VpcId!], TrafficType: 'REJECT', ...S3 }));
    expect(again.FlowLogIds).toEqual([]);
    expect(again.Unsuccessful![0]!.Error!.Code).toBe('FlowLogAlreadyExists');
    // another format to the same destination is another flow log
    const v5 = await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'NetworkInterface', ResourceIds: [eni, 'eni-0123456789abcdef0'], TrafficType: 'ACCEPT', ...S3, LogFormat: '${version}  ${interface-id} ${flow-direction}' }));
    expect(v5.FlowLogIds).toHaveLength(1);
    expect(v5.Unsuccessful![0]!.Error!.Code).toBe('InvalidNetworkInterfaceID.NotFound');
    const d = await ec2.send(new DescribeFlowLogsCommand({ FlowLogIds: v5.FlowLogIds }));
    expect(d.FlowLogs![0]).toMatchObject({ ResourceId: eni, TrafficType: 'ACCEPT', LogFormat: '${version} ${interface-id} ${flow-direction}', MaxAggregationInterval: 600, DeliverLogsStatus: 'SUCCESS', FlowLogStatus: 'ACTIVE', DestinationOptions: { FileFormat: 'plain-text', HiveCompatiblePartitions: false, PerHourPartition: false } });
  });

  it('refuses bad LogFormat and MaxAggregationInterval with InvalidParameter, and destinations AWS would refuse', async () => {
    const ec2 = client();
    const i = await launch(ec2);
    const base = { ResourceType: 'VPC' as const, ResourceIds: [i.VpcId!], TrafficType: 'ALL' as const, ...S3 };
    expect(await fail(ec2.send(new CreateFlowLogsCommand({ ...base, LogFormat: '${version} ${colour}' })))).toEqual({ name: 'InvalidParameter', message: 'Unknown fields provided in LogFormat: ${colour}' });
    expect((await fail(ec2.send(new CreateFlowLogsCommand({ ...base, LogFormat: 'version srcaddr' })))).name).toBe('InvalidParameter');
    expect(await fail(ec2.send(new CreateFlowLogsCommand({ ...base, MaxAggregationInterval: 120 })))).toEqual({ name: 'InvalidParameter', message: 'Invalid MaxAggregationInterval: 120. Valid values are 60 and 600 seconds.' });
    expect((await fail(ec2.send(new CreateFlowLogsCommand({ ...base, LogDestination: 'my-bucket' })))).name).toBe('InvalidParameter');
    expect((await fail(ec2.send(new CreateFlowLogsCommand({ ResourceType: 'VPC', ResourceIds: [i.VpcId!], TrafficType: 'ALL', LogGroupName: 'g' })))).name).toBe('InvalidParameter');
    expect((await fail(ec2.send(new CreateFlowLogsCommand({ ResourceType: 'VPC', ResourceIds: [i.VpcId!], TrafficType: 'ALL', LogGroupName: 'g', LogDestination: 'arn:aws:logs:us-east-1:1:log-group:g', DeliverLogsPermissionArn: 'arn:aws:iam::1:role/r' })))).name).toBe('InvalidParameterCombination');
    // nothing was created by the failed calls
    expect((await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs).toEqual([]);
  });

  it('DescribeFlowLogs filters as AWS documents them; DeleteFlowLogs reports unknown ids', async () => {
    const ec2 = client();
    const i = await launch(ec2);
    const cw = await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'Subnet', ResourceIds: [i.SubnetId!], TrafficType: 'REJECT', LogGroupName: 'rejects', DeliverLogsPermissionArn: 'arn:aws:iam::123456789012:role/flow', MaxAggregationInterval: 60 }));
    const s3 = await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'VPC', ResourceIds: [i.VpcId!], TrafficType: 'ALL', ...S3, TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'team', Value: 'net' }] }] }));
    const [cwId, s3Id] = [cw.FlowLogIds![0]!, s3.FlowLogIds![0]!];
    await ec2.send(new CreateTagsCommand({ Resources: [cwId], Tags: [{ Key: 'env', Value: 'prod' }] }));
    const ids = async (name: string, values: string[]) => (await ec2.send(new DescribeFlowLogsCommand({ Filter: [{ Name: name, Values: values }] }))).FlowLogs!.map((f) => f.FlowLogId).sort();
    expect(await ids('resource-id', [i.SubnetId!])).toEqual([cwId]);
    expect(await ids('traffic-type', ['ALL'])).toEqual([s3Id]);
    expect(await ids('log-destination-type', ['cloud-watch-logs'])).toEqual([cwId]);
    expect(await ids('log-group-name', ['rejects'])).toEqual([cwId]);
    expect(await ids('flow-log-id', [s3Id])).toEqual([s3Id]);
    expect(await ids('deliver-log-status', ['SUCCESS'])).toEqual([cwId, s3Id].sort());
    expect(await ids('deliver-log-status', ['FAILED'])).toEqual([]);
    expect(await ids('tag:team', ['net'])).toEqual([s3Id]);
    expect(await ids('tag-key', ['env'])).toEqual([cwId]);
    expect((await fail(ec2.send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'colour', Values: ['x'] }] })))).name).toBe('InvalidParameterValue');
    const cwLog = (await ec2.send(new DescribeFlowLogsCommand({ FlowLogIds: [cwId] }))).FlowLogs![0]!;
    expect(cwLog).toMatchObject({ LogGroupName: 'rejects', LogDestinationType: 'cloud-watch-logs', LogDestination: expect.stringMatching(/:log-group:rejects$/), DeliverLogsPermissionArn: 'arn:aws:iam::123456789012:role/flow', MaxAggregationInterval: 60 });
    expect((await fail(ec2.send(new DescribeFlowLogsCommand({ FlowLogIds: ['fl-0123456789abcdef0'] })))).name).toBe('InvalidFlowLogId.NotFound');
    const del = await ec2.send(new DeleteFlowLogsCommand({ FlowLogIds: [cwId, 'fl-0123456789abcdef0'] }));
    expect(del.Unsuccessful).toEqual([{ ResourceId: 'fl-0123456789abcdef0', Error: { Code: 'InvalidFlowLogId.NotFound', Message: 'Flow log fl-0123456789abcdef0 does not exist' } }]);
    expect((await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs!.map((f) => f.FlowLogId)).toEqual([s3Id]);
  });

  it('delivers each flow log\'s records to its own files in the data directory, in the S3 layout', async () => {
    const acct = String(account);
    const ec2 = client();
    const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!.sort((a, b) => a.CidrBlock!.localeCompare(b.CidrBlock!));
    const a = await launch(ec2, subnets[0]!.SubnetId);
    const b = await launch(ec2, subnets[0]!.SubnetId);
    const c = await launch(ec2, subnets[1]!.SubnetId);
    const [ea, eb, ec] = [a, b, c].map((x) => x.NetworkInterfaces![0]!.NetworkInterfaceId!);
    const vpcLog = (await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'VPC', ResourceIds: [a.VpcId!], TrafficType: 'ALL', ...S3, MaxAggregationInterval: 60 }))).FlowLogIds![0]!;
    const subnetLog = (await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'Subnet', ResourceIds: [subnets[1]!.SubnetId!], TrafficType: 'ALL', LogGroupName: 'c-only', DeliverLogsPermissionArn: 'arn:aws:iam::1:role/r', LogFormat: '${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${action} ${flow-direction}' }))).FlowLogIds![0]!;
    const tenant = server.accounts.get(acct, 'us-east-1');
    // the default group lets its members talk to each other: a → b and a → c accepted
    const workload = parseWorkload({ flows: [{ from: ea, to: `${eb}:5432/tcp`, connections: 3 }, { from: ea, to: `${ec}:443/tcp` }] });
    const start = Date.UTC(2026, 2, 1, 12, 0, 0) / 1000;
    const r = deliverWorkload(tenant.region, tenant.engine, dataDir, workload, { start, duration: 120 });
    expect(r.stats.connections).toBe(4);
    const vpcFiles = r.flowLogs[vpcLog]!.files;
    expect(vpcFiles).toHaveLength(1);
    expect(vpcFiles[0]!.slice(dataDir.length)).toBe(`/flow-logs/s3/flow-bucket/prod/AWSLogs/${acct}/vpcflowlogs/us-east-1/2026/03/01/${acct}_vpcflowlogs_us-east-1_${vpcLog}_20260301T1200Z_${vpcFiles[0]!.slice(-12, -4)}.log`);
    const vpcText = readFileSync(vpcFiles[0]!, 'utf8');
    expect(vpcText.split('\n')[0]).toBe('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status');
    const recs = parseFlowLogText(vpcText);
    // a → b connects at 0, 40 and 80 s (spread over the run), a → c at 0 s: in minute 1 only c is quiet
    expect(new Set(recs.filter((x) => x.logStatus === 'OK' && x.start! < start + 60).map((x) => x.interfaceId))).toEqual(new Set([ea, eb, ec]));
    expect(new Set(recs.filter((x) => x.logStatus === 'OK' && x.start! >= start + 60).map((x) => x.interfaceId))).toEqual(new Set([ea, eb]));
    expect(recs.filter((x) => x.logStatus === 'NODATA').map((x) => [x.interfaceId, x.start, x.end])).toEqual([[ec, start + 60, start + 120]]);
    expect(recs.every((x) => x.accountId === acct && x.start! >= start && x.end! <= start + 120)).toBe(true);
    expect(recs.filter((x) => x.logStatus === 'OK').every((x) => x.action === 'ACCEPT')).toBe(true);
    // the subnet's flow log sees only c, with its own format, under its log group
    const subText = readFileSync(r.flowLogs[subnetLog]!.files[0]!, 'utf8');
    expect(r.flowLogs[subnetLog]!.files[0]).toContain('/flow-logs/cloudwatch/c-only/AWSLogs/');
    const ipA = a.PrivateIpAddress!;
    const ipC = c.PrivateIpAddress!;
    expect(subText.trimEnd().split('\n')).toEqual([
      'interface-id srcaddr dstaddr dstport action flow-direction',
      // a's first connection (to b) took port 32768; its connection to c the next one
      `${ec} ${ipC} ${ipA} 32769 ACCEPT egress`,
      `${ec} ${ipA} ${ipC} 443 ACCEPT ingress`,
    ]);
  });

  it('rampart traffic --data-dir plays a workload against the served state and delivers to its flow logs\' files', async () => {
    const acct = String(account);
    const ec2 = client();
    const a = await launch(ec2);
    const b = await launch(ec2);
    const eb = b.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const fl = (await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'NetworkInterface', ResourceIds: [eb], TrafficType: 'ALL', ...S3, LogFormat: '${version} ${srcaddr} ${dstaddr} ${dstport} ${packets} ${action} ${tcp-flags}' }))).FlowLogIds![0]!;
    const wl = join(dataDir, 'wl.yaml');
    writeFileSync(wl, `flows:\n  - { from: ${a.InstanceId}, to: "${eb}:8080/tcp", connections: 1, requests: 2 }\n`);
    let out = '';
    expect(runTrafficOnDataDir({ dataDir, workload: wl, account: acct, start: '2026-03-02T00:00:00Z', duration: '60' }, (t) => (out += t))).toBe(0);
    const file = out.split('\n').find((l) => l.includes(fl) && l.trim().startsWith('/'))!.trim();
    expect(file).toContain(`/flow-logs/s3/flow-bucket/prod/AWSLogs/${acct}/vpcflowlogs/us-east-1/2026/03/02/${acct}_vpcflowlogs_us-east-1_${fl}_20260302T0000Z_`);
    // SYN, ACK, 2 requests, FIN, ACK in; SYN-ACK, 2 responses, FIN out (the default group allows its members)
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toEqual([
      'version srcaddr dstaddr dstport packets action tcp-flags',
      `3 ${b.PrivateIpAddress} ${a.PrivateIpAddress} 32768 4 ACCEPT 19`,
      `3 ${a.PrivateIpAddress} ${b.PrivateIpAddress} 8080 6 ACCEPT 3`,
    ]);
    expect(() => runTrafficOnDataDir({ dataDir, workload: wl, account: '239999999999' }, () => {})).toThrow(/has no flow logs in us-east-1/);
    expect(() => runTrafficOnDataDir({ dataDir, workload: wl, account: acct, format: '${srcaddr}' }, () => {})).toThrow(/--format does not apply with --data-dir/);
  });

  it('the console traffic call: one connection from query parameters, delivered; bad input is a 400 with the reason', async () => {
    const acct = String(account);
    const ec2 = client();
    const a = await launch(ec2);
    const b = await launch(ec2);
    const eb = b.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const fl = (await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'NetworkInterface', ResourceIds: [eb], TrafficType: 'REJECT', ...S3 }))).FlowLogIds![0]!;
    const t = server.accounts.get(acct, 'us-east-1');
    // the default group allows its members: every packet is accepted and b was busy, so the REJECT flow log writes nothing
    const ok = consoleTraffic(t.region, t.engine, dataDir, new URLSearchParams({ from: a.InstanceId!, to: `${eb}:443/tcp`, connections: '2', requests: '2' }));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ connections: 2, completed: 2, rejected: 0, flowLogs: { [fl]: { records: 0, files: [] } } });
    const internet = consoleTraffic(t.region, t.engine, dataDir, new URLSearchParams({ from: '203.0.113.9', to: `${b.PrivateIpAddress}:22/tcp` }));
    // the internet cannot reach a private address: no packet reaches b, whose minute is one NODATA record
    expect(internet.status).toBe(200);
    expect((internet.body as { flowLogs: Record<string, { records: number }> }).flowLogs[fl]!.records).toBe(1);
    expect(consoleTraffic(t.region, t.engine, dataDir, new URLSearchParams({ from: a.InstanceId!, to: 'eni-0123456789abcdef0:80' }))).toEqual({ status: 400, body: { error: expect.stringMatching(/^flows\[0\] \(i-[0-9a-f]+ → eni-0123456789abcdef0:80\): /) } });
    expect(consoleTraffic(t.region, t.engine, dataDir, new URLSearchParams({ from: 'x', to: 'y', rate: 'fast' })).status).toBe(400);
    expect(consoleTraffic(t.region, t.engine, dataDir, new URLSearchParams({ workload: '{' }))).toEqual({ status: 400, body: { error: 'workload: not JSON' } });
  });

  it('POST /_rampart/traffic on the running server plays traffic from now and writes the flow log\'s file under the data directory', async () => {
    const acct = String(account);
    const ec2 = client();
    const a = await launch(ec2);
    const b = await launch(ec2);
    const eb = b.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const fl = (await ec2.send(new CreateFlowLogsCommand({ ResourceType: 'NetworkInterface', ResourceIds: [eb], TrafficType: 'ALL', ...S3, LogFormat: '${srcaddr} ${dstaddr} ${dstport} ${action}' }))).FlowLogIds![0]!;
    const post = (q: Record<string, string>) => fetch(`${server.url}/_rampart/traffic?${new URLSearchParams({ account: acct, ...q })}`, { method: 'POST' });
    const res = await post({ from: a.InstanceId!, to: `${eb}:8443/tcp`, requests: '1' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { connections: number; completed: number; flowLogs: Record<string, { records: number; files: string[] }> };
    expect(body).toMatchObject({ connections: 1, completed: 1 });
    const files = body.flowLogs[fl]!.files;
    expect(files).toHaveLength(1);
    expect(files[0]).toContain(join(dataDir, 'flow-logs', 's3', 'flow-bucket', 'prod', 'AWSLogs', acct, 'vpcflowlogs', 'us-east-1'));
    expect(readFileSync(files[0]!, 'utf8').trimEnd().split('\n')).toEqual([
      'srcaddr dstaddr dstport action',
      `${b.PrivateIpAddress} ${a.PrivateIpAddress} 32768 ACCEPT`,
      `${a.PrivateIpAddress} ${b.PrivateIpAddress} 8443 ACCEPT`,
    ]);
    // bad input: 400 with the reason; a GET is not a way to play traffic
    const bad = await post({ from: a.InstanceId!, to: `${eb}:8443/tcp`, rate: 'fast' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/rate/);
    expect((await fetch(`${server.url}/_rampart/traffic?account=${acct}`)).status).toBe(404);
    // state is untouched: no call was journaled for the traffic
    expect((await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs!.map((f) => f.FlowLogId)).toEqual([fl]);
  });

  it('flow logs survive a restart of the server (the journal replays CreateFlowLogs with the same ids)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-fl-restart-'));
    let srv = await startServer({ port: 0, dataDir: dir });
    const mk = () => new EC2Client({ endpoint: srv.url, region: 'us-east-1', credentials: { accessKeyId: '240000000000', secretAccessKey: 's' }, maxAttempts: 1 });
    const i = await launch(mk());
    const id = (await mk().send(new CreateFlowLogsCommand({ ResourceType: 'Subnet', ResourceIds: [i.SubnetId!], TrafficType: 'ACCEPT', ...S3, MaxAggregationInterval: 60 }))).FlowLogIds![0]!;
    const before = (await mk().send(new DescribeFlowLogsCommand({}))).FlowLogs;
    await srv.close();
    srv = await startServer({ port: 0, dataDir: dir });
    try {
      expect((await mk().send(new DescribeFlowLogsCommand({}))).FlowLogs).toEqual(before);
      expect(before!.map((f) => f.FlowLogId)).toEqual([id]);
    } finally {
      await srv.close();
    }
  });
});
