// `npm run bench`: every benchmark, each printing ratios against a reference measured in the same run.
// Not part of the test suite: targets are reported, not asserted.
import { runEngineBench, runMemoryBench } from './engine.js';
import { runReachBench } from './reach.js';

const quick = process.argv.includes('--quick');
const out = (s: string) => process.stdout.write(s + '\n');
out(`rampart benchmarks — node ${process.version}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}`);
runEngineBench(out, quick);
runMemoryBench(out, quick ? 10_000 : 100_000, quick ? 1_000 : 10_000);
runReachBench(out, quick ? [1_000] : [1_000, 10_000]);
