// Traffic benchmark: a workload of many client/server pairs over a generated estate of 1,000 ENIs, played
// through the engine over 10 simulated minutes. Reference: the same workload with the engine alone (no
// flow-log records); measured: the same with every packet made into VPC Flow Logs records (60 s interval,
// every interface) and every record written as a line. Reports packets per second and the cost of recording.
import { Engine } from '../src/engine/engine.js';
import { formatRecord, parseLogFormat } from '../src/flowlogs/format.js';
import { FlowLogRecorder } from '../src/flowlogs/records.js';
import { parseWorkload, playWorkload, type Workload } from '../src/flowlogs/traffic.js';
import { generateEstate } from '../src/scenario/generate.js';
import { loadScenario, type LoadedScenario } from '../src/scenario/load.js';
import { rng } from './engine.js';

const PORTS = ['443/tcp', '80/tcp', '5432/tcp', '6379/tcp', '22/tcp', '53/udp', '8080/tcp'];

function workloadFor(s: LoadedScenario, pairs: number, seed: number): Workload {
  const r = rng(seed);
  const enis = [...s.region.networkInterfaces.values()].filter((e) => e.attachment?.instanceId).map((e) => e.id);
  const flows = [];
  for (let i = 0; i < pairs; i++) {
    const from = enis[Math.floor(r() * enis.length)]!;
    const to = enis[Math.floor(r() * enis.length)]!;
    flows.push({ from, to: `${to}:${PORTS[Math.floor(r() * PORTS.length)]}`, rate: '1/s', requests: 1 + Math.floor(r() * 5), responseBytes: 2000 });
  }
  return parseWorkload({ duration: '10m', flows });
}

export function runTrafficBench(out: (s: string) => void, quick = false): { packetsPerSec: number; recordsPerSec: number; overhead: number } {
  const s = loadScenario(generateEstate({ enis: 1000, seed: 1 }), 'estate.yaml');
  const workload = workloadFor(s, quick ? 20 : 100, 7);
  const format = parseLogFormat(undefined);
  out(`\ntraffic: ${workload.flows.length} flows of 1 connection/s over 10 simulated minutes, ${s.region.networkInterfaces.size} ENIs`);
  const best = (f: () => { seconds: number; packets: number; records: number }) => {
    let b = { seconds: Infinity, packets: 0, records: 0 };
    for (let i = 0; i < 3; i++) {
      const x = f();
      if (x.seconds < b.seconds) b = x;
    }
    return b;
  };
  const engineOnly = best(() => {
    const engine = new Engine(s.region);
    const t0 = performance.now();
    const st = playWorkload(engine, s.names, workload, {});
    return { seconds: (performance.now() - t0) / 1000, packets: st.decisions, records: 0 };
  });
  const recorded = best(() => {
    const engine = new Engine(s.region);
    const rec = new FlowLogRecorder(s.region, engine, { interval: 60 });
    let bytes = 0;
    const t0 = performance.now();
    const st = playWorkload(engine, s.names, workload, {
      onPacket: (ev, t, n, b) => rec.add(ev, t, n, b),
      onProgress: (t) => {
        for (const r of rec.flush(t)) bytes += formatRecord(r, format).length + 1;
      },
    });
    const last = rec.finish(st.duration);
    for (const r of last) bytes += formatRecord(r, format).length + 1;
    void bytes;
    return { seconds: (performance.now() - t0) / 1000, packets: st.decisions, records: rec.recordsReturned };
  });
  const rate = (n: number, sec: number) => `${Math.round(n / sec).toLocaleString('en-US')}/s`;
  const overhead = recorded.seconds / engineOnly.seconds;
  out(`   engine alone:       ${engineOnly.packets.toLocaleString('en-US')} packet decisions in ${engineOnly.seconds.toFixed(2)}s  ${rate(engineOnly.packets, engineOnly.seconds)}`);
  out(`   with flow logs:     ${recorded.packets.toLocaleString('en-US')} packet decisions, ${recorded.records.toLocaleString('en-US')} records in ${recorded.seconds.toFixed(2)}s  ${rate(recorded.packets, recorded.seconds)} packets, ${rate(recorded.records, recorded.seconds)} records   (${overhead.toFixed(2)}× the engine alone; best of 3)`);
  return { packetsPerSec: recorded.packets / recorded.seconds, recordsPerSec: recorded.records / recorded.seconds, overhead };
}
