// `rampart serve` against moto's server (`python3 -m moto.server`), the same mixed workload through the same
// AWS SDK client, in the same run: create groups, authorize rules, describe with filters, create ENIs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { startServer } from '../src/server/serve.js';

function client(url: string): EC2Client {
  return new EC2Client({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
}

async function workload(ec2: EC2Client, iterations: number, tag: string): Promise<{ seconds: number; calls: number; latencies: number[] }> {
  const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
  const subnetId = subnets.Subnets![0].SubnetId!;
  const latencies: number[] = [];
  const timed = async <T>(p: () => Promise<T>): Promise<T> => {
    const t = process.hrtime.bigint();
    const r = await p();
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    return r;
  };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const g = await timed(() => ec2.send(new CreateSecurityGroupCommand({ GroupName: `${tag}-${i}`, Description: 'bench' })));
    await timed(() =>
      ec2.send(new AuthorizeSecurityGroupIngressCommand({
        GroupId: g.GroupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: g.GroupId }] },
        ],
      })),
    );
    await timed(() => ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`${tag}-${i}`] }] })));
    await timed(() => ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [g.GroupId!] })));
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, calls: latencies.length, latencies };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function startMoto(port: number): Promise<ChildProcess> {
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/moto-api/`);
      if (r.status < 500) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('moto server did not start');
}

export async function runServeBench(out: (s: string) => void, iterations: number): Promise<void> {
  out(`== serve: mixed workload (create group, authorize 2 rules, describe with a filter, create ENI) × ${iterations}, AWS SDK v3`);
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-'));
  const rampart = await startServer({ port: 0, dataDir: dir });
  const r = await workload(client(rampart.url), iterations, 'r');
  await rampart.close();
  rmSync(dir, { recursive: true, force: true });
  out(`   rampart (SQLite, synced): ${(r.calls / r.seconds).toFixed(0)} calls/s, p50 ${pct(r.latencies, 50).toFixed(2)} ms, p99 ${pct(r.latencies, 99).toFixed(2)} ms (target p99 < 10 ms)`);
  let moto: ChildProcess | undefined;
  try {
    const port = 20000 + Math.floor(Math.random() * 20000);
    moto = await startMoto(port);
    const m = await workload(client(`http://127.0.0.1:${port}`), iterations, 'm');
    out(`   moto server:              ${(m.calls / m.seconds).toFixed(0)} calls/s, p50 ${pct(m.latencies, 50).toFixed(2)} ms, p99 ${pct(m.latencies, 99).toFixed(2)} ms`);
    out(`   throughput ratio rampart/moto: ${((r.calls / r.seconds) / (m.calls / m.seconds)).toFixed(1)}× (target ≥ 10×)`);
  } catch (e) {
    out(`   moto server unavailable (${e instanceof Error ? e.message : String(e)}): no ratio`);
  } finally {
    moto?.kill();
  }
}
