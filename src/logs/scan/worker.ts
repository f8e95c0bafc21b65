// Worker thread body: scan the worker's ranges of a file (./two-threads.ts) and post each range's
// records, never more than one range ahead of the thread that consumes them.
import { parentPort, workerData } from 'node:worker_threads';
import { scanFileRange } from './file-range.js';
import { newMatcher, Scanner, type ScanRecord } from './scanner.js';
import type { WorkerMessage, WorkerRange } from './two-threads.js';

const data = workerData as {
  path: string;
  ranges: WorkerRange[];
  needles: string[];
  consumed: SharedArrayBuffer;
};
const consumed = new Int32Array(data.consumed);
const matcher = newMatcher(data.needles);
const post = (m: WorkerMessage): void => parentPort?.postMessage(m);
let raw = 0;
for (const range of data.ranges) {
  // Range k may start once range k - 2 is consumed: the reader is then busy with k - 1.
  for (let c = Atomics.load(consumed, 0); c < range.index - 2; c = Atomics.load(consumed, 0)) {
    Atomics.wait(consumed, 0, c);
  }
  const records: ScanRecord[] = [];
  const result = scanFileRange(
    data.path,
    range.start,
    range.end,
    new Scanner(matcher, (r) => records.push(r)),
    (n) => {
      raw += n;
      if (raw >= 16 << 20) {
        post({ raw });
        raw = 0;
      }
    },
  );
  post({ index: range.index, records, ...result });
}
if (raw > 0) post({ raw });
