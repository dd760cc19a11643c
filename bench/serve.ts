// `rampart serve` against moto's server (`python3 -m moto.server`), the same mixed workload through the same
// AWS SDK client, in the same run: create groups, authorize rules, describe with filters, create ENIs.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Several load-generating processes at once, so that the server — not one client's own SDK overhead — is what
 * limits throughput. Latencies are as the clients saw them.
 */
async function load(url: string, workers: number, iterations: number, tag: string): Promise<{ seconds: number; calls: number; latencies: number[]; retries: number }> {
  const here = dirname(fileURLToPath(import.meta.url));
  const results = await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      new Promise<{ calls: number; seconds: number; latencies: number[]; retries: number }>((res, rej) => {
        const child = fork(join(here, 'serve-worker.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        child.once('message', (m: { ok: boolean; error?: string; calls: number; seconds: number; latencies: number[]; retries: number }) => (m.ok ? res(m) : rej(new Error(m.error))));
        child.once('error', rej);
        child.send({ url, iterations, tag: `${tag}${w}` });
      }),
    ),
  );
  // the clients' own timed spans (process start-up excluded): the longest is the wall time of the load
  const seconds = Math.max(...results.map((r) => r.seconds));
  return { seconds, calls: results.reduce((n, r) => n + r.calls, 0), latencies: results.flatMap((r) => r.latencies), retries: results.reduce((n, r) => n + r.retries, 0) };
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux); undefined elsewhere.
 * The server's CPU per call is what it costs, whatever else the machine is doing: wall-clock throughput on a
 * shared machine moves with the load of other processes, CPU per call much less.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // clock ticks: USER_HZ is 100 on Linux
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

async function startRampart(dir: string): Promise<{ url: string; pid: number | undefined; stop: () => void }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const srv = fork(join(dirname(fileURLToPath(import.meta.url)), '../src/cli/bin.js'), ['serve', '--port', String(port), '--data-dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/_rampart/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, pid: srv.pid, stop: () => srv.kill() };
}

/**
 * Throughput with 4 client processes (the server saturated), and latency with one client (no queueing behind
 * other clients), each against rampart (its own process, SQLite journal) and moto's server.
 */
export async function runServeBench(out: (s: string) => void, iterations: number): Promise<void> {
  const workers = 4;
  out(`== serve: mixed workload (create group, authorize 2 rules, describe with a filter, create ENI), plain EC2 Query over keep-alive HTTP`);
  const runs: Record<string, { throughput: number; p50: number; p99: number; cpuPerCall?: number }> = {};
  const measure = async (name: string, url: string, tag: string, pid: number | undefined) => {
    const cpu0 = cpuSeconds(pid);
    const t = await load(url, workers, iterations, `${tag}t`);
    const cpu1 = cpuSeconds(pid);
    const l = await load(url, 1, iterations, `${tag}l`);
    const cpuPerCall = cpu0 !== undefined && cpu1 !== undefined ? ((cpu1 - cpu0) / t.calls) * 1e6 : undefined;
    runs[name] = { throughput: t.calls / t.seconds, p50: pct(l.latencies, 50), p99: pct(l.latencies, 99), cpuPerCall };
    out(
      `   ${name.padEnd(8)} ${runs[name].throughput.toFixed(0)} calls/s with ${workers} clients × ${iterations} iterations` +
        `${cpuPerCall !== undefined ? ` (server CPU ${cpuPerCall.toFixed(0)} µs/call)` : ''}; one client: p50 ${runs[name].p50.toFixed(2)} ms, p99 ${runs[name].p99.toFixed(2)} ms` +
        `${t.retries + l.retries ? `; ${t.retries + l.retries} calls failed with 5xx and were sent again` : ''}`,
    );
  };
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-'));
  const rampart = await startRampart(dir);
  try {
    await measure('rampart', rampart.url, 'r', rampart.pid);
  } finally {
    rampart.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  let moto: ChildProcess | undefined;
  try {
    const port = 20000 + Math.floor(Math.random() * 20000);
    moto = await startMoto(port);
    await measure('moto', `http://127.0.0.1:${port}`, 'm', moto.pid);
    out(`   throughput ratio rampart/moto: ${(runs.rampart.throughput / runs.moto.throughput).toFixed(1)}× (target ≥ 10×); rampart p99 ${runs.rampart.p99.toFixed(2)} ms (target < 10 ms)`);
    if (runs.rampart.cpuPerCall && runs.moto.cpuPerCall) {
      out(`   server CPU per call moto/rampart: ${(runs.moto.cpuPerCall / runs.rampart.cpuPerCall).toFixed(1)}× (the ratio the load of other processes moves least)`);
    }
  } catch (e) {
    out(`   moto server unavailable (${e instanceof Error ? e.message : String(e)}): no ratio`);
  } finally {
    moto?.kill();
  }
}
