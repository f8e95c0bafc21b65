// `npm run bench [-- lint|scan|serve|snapshot|table|watch]`: reproducible benchmarks that print
// ratios against baselines measured in the same run (grep for logs, kubectl for cluster listing,
// JSON.parse for snapshots, -o json for the table) and figures against their targets.
import { runLintBench } from './lint/index.js';
import { runScanBench } from './scan/index.js';
import { runServeBench } from './serve/index.js';
import { runSnapshotBench } from './snapshot/index.js';
import { runTableBench } from './table/index.js';
import { runWatchBench } from './watch/index.js';

const which = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const all = which.length === 0;
let failed = false;

if (all || which.includes('lint')) {
  console.log('== bench lint');
  failed = !(await runLintBench()) || failed;
}
if (all || which.includes('scan')) {
  console.log('== bench scan');
  failed = !(await runScanBench()) || failed;
}
if (all || which.includes('serve')) {
  console.log('== bench serve');
  failed = !(await runServeBench()) || failed;
}
if (all || which.includes('snapshot')) {
  console.log('== bench snapshot');
  failed = !(await runSnapshotBench()) || failed;
}
if (all || which.includes('table')) {
  console.log('== bench table');
  failed = !(await runTableBench()) || failed;
}
if (all || which.includes('watch')) {
  console.log('== bench watch');
  failed = !(await runWatchBench()) || failed;
}
process.exitCode = failed ? 1 : 0;
