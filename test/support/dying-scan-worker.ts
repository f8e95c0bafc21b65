// A scan worker that dies after its first range, as a worker killed by the runtime would: the
// reader must scan the rest itself and give the same answer.
import { workerData } from 'node:worker_threads';

const data = workerData as { ranges: unknown[] };
data.ranges = data.ranges.slice(0, 1);
await import('../../src/logs/scan/worker.js');
process.exit(3);
