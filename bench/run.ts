// `npm run bench`: every benchmark, each printing ratios against a reference measured in the same run.
// Not part of the test suite: targets are reported, not asserted. `--quick` runs smaller sizes;
// `--only engine|memory|reach|audit|import|serve|traffic|replay` runs one.
import { runEngineBench, runMemoryBench } from './engine.js';
import { runReachBench } from './reach.js';
import { runAuditBench } from './audit.js';
import { runImportBench } from './import.js';
import { runServeBench } from './serve.js';
import { runTrafficBench } from './traffic.js';
import { runReplayBench } from './replay.js';

const quick = process.argv.includes('--quick');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const want = (name: string) => only === undefined || only === name;
const out = (s: string) => process.stdout.write(s + '\n');

out(`rampart benchmarks — node ${process.version}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}`);
if (want('engine')) runEngineBench(out, quick);
if (want('memory')) runMemoryBench(out, quick ? 10_000 : 100_000, quick ? 1_000 : 10_000);
if (want('reach')) runReachBench(out, quick ? [1_000] : [1_000, 10_000]);
if (want('audit')) runAuditBench(out, quick ? [1_000] : [1_000, 10_000]);
if (want('import')) runImportBench(out, quick ? [1_000] : [1_000, 10_000], quick ? 1 : 3);
if (want('serve')) await runServeBench(out, quick ? 50 : 300);
if (want('traffic')) runTrafficBench(out, quick);
if (want('replay')) await runReplayBench(out, quick);
