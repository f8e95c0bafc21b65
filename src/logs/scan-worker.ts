// Worker thread body: scan one byte range of a file and post the candidate records back in batches.
import { parentPort, workerData } from 'node:worker_threads';
import { scanFileRange } from './range.js';
import { newMatcher, Scanner, type ScanRecord } from './scan.js';

const data = workerData as {
  path: string;
  start: number;
  end: number;
  needles: string[];
};
let batch: ScanRecord[] = [];
let raw = 0;
const scanner = new Scanner(newMatcher(data.needles), (r) => {
  batch.push(r);
  if (batch.length >= 2048) {
    parentPort?.postMessage({ records: batch });
    batch = [];
  }
});
const result = scanFileRange(data.path, data.start, data.end, scanner, (n) => {
  raw += n;
  if (raw >= 64 << 20) {
    parentPort?.postMessage({ raw });
    raw = 0;
  }
});
parentPort?.postMessage({ records: batch, raw, result });
