// One load-generating process of the serve benchmark: runs the workload and reports its latencies.
import { workload } from './serve-workload.js';

process.on('message', (msg: { url: string; iterations: number; tag: string }) => {
  workload(msg.url, msg.iterations, msg.tag)
    .then((r) => process.send!({ ok: true, ...r }, () => process.exit(0)))
    .catch((e: unknown) => process.send!({ ok: false, error: e instanceof Error ? e.message : String(e) }, () => process.exit(1)));
});
