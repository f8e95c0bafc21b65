// Large plain files are scanned on two threads. The file is cut into ranges at record starts; this
// thread scans the first few alone (while the worker starts), then the two alternate, and this
// thread takes the worker's records in file order between its own ranges, so rules see one
// ordered stream. The worker waits (on a
// shared counter) rather than run more than one range ahead: memory stays bounded whatever the
// size of the file.
import { Worker } from 'node:worker_threads';
import type { Matcher } from '../matcher/types.js';
import { rangeBounds, scanFileRange, type RangeResult } from './file-range.js';
import { Scanner, type ScanRecord } from './scanner.js';

/** Below this a second thread costs more to start than it saves. */
export const PARALLEL_MIN_BYTES = 48 << 20;
/** Ranges of this size bound what waits in memory between the threads. */
export const RANGE_BYTES = 16 << 20;
/** This thread takes the first ranges alone while the worker starts (~30 ms), then they alternate. */
const WORKER_FIRST_RANGE = 3;

function forWorker(index: number): boolean {
  return index >= WORKER_FIRST_RANGE && (index - WORKER_FIRST_RANGE) % 2 === 0;
}

/** Tests shrink the sizes to run small files through the two-thread path, and swap the worker. */
export interface RangeOptions {
  parallelMinBytes?: number;
  rangeBytes?: number;
  workerUrl?: URL;
}

export interface WorkerRange {
  index: number;
  start: number;
  end: number;
}

/** What the worker posts: progress, or one range's records (line numbers relative to the range). */
export type WorkerMessage = { raw: number } | ({ index: number; records: ScanRecord[] } & RangeResult);

interface RangeWorker {
  /** The records of range `index`, once the worker has them. */
  take(index: number): Promise<{ records: ScanRecord[] } & RangeResult>;
  /** Range `index` has been handed on: the worker may go on. */
  consumed(index: number): void;
  stop(): void;
}

const fromSource = import.meta.url.endsWith('.ts');
// From source (tests, tsx) the worker needs the TypeScript loader; from dist it is plain JS.
const WORKER_URL = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);

function startRangeWorker(
  url: URL,
  path: string,
  ranges: WorkerRange[],
  needles: readonly string[],
  onRaw: (n: number) => void,
): RangeWorker {
  const consumed = new Int32Array(new SharedArrayBuffer(4));
  consumed[0] = -1;
  const worker = new Worker(url, {
    workerData: { path, ranges, needles, consumed: consumed.buffer },
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  });
  type Done = { records: ScanRecord[] } & RangeResult;
  const arrived = new Map<number, Done>();
  const waiting = new Map<number, { resolve: (d: Done) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  worker.on('message', (m: WorkerMessage) => {
    if ('raw' in m) return onRaw(m.raw);
    const w = waiting.get(m.index);
    if (w) {
      waiting.delete(m.index);
      w.resolve(m);
    } else {
      arrived.set(m.index, m);
    }
  });
  worker.on('error', fail);
  // Every range's message comes before 'exit', so an exit only fails ranges still missing.
  worker.on('exit', (code) => fail(new Error(`scan worker exited with code ${code}`)));
  return {
    take(index) {
      const ready = arrived.get(index);
      if (ready) {
        arrived.delete(index);
        return Promise.resolve(ready);
      }
      if (failure) return Promise.reject(failure);
      return new Promise<Done>((resolve, reject) => waiting.set(index, { resolve, reject }));
    },
    consumed(index) {
      Atomics.store(consumed, 0, index);
      Atomics.notify(consumed, 0);
    },
    stop() {
      void worker.terminate();
    },
  };
}

/**
 * Scan a plain file on two threads (one when it is small), handing records to `onRecord` in file
 * order with file line numbers.
 */
export async function scanFileInRanges(
  path: string,
  size: number,
  matcher: Matcher,
  onRecord: (r: ScanRecord) => void,
  onRaw: (n: number) => void,
  options: RangeOptions = {},
): Promise<RangeResult> {
  const { parallelMinBytes = PARALLEL_MIN_BYTES, rangeBytes = RANGE_BYTES } = options;
  const bounds = size >= parallelMinBytes ? rangeBounds(path, size, rangeBytes) : [0, size];
  const ranges = bounds
    .slice(0, -1)
    .map((start, index) => ({ index, start, end: bounds[index + 1] as number }));
  if (!ranges.some((r) => forWorker(r.index)))
    return scanFileRange(path, 0, size, new Scanner(matcher, onRecord), onRaw);
  let worker: RangeWorker | undefined = startRangeWorker(
    options.workerUrl ?? WORKER_URL,
    path,
    ranges.filter((r) => forWorker(r.index)),
    matcher.needles,
    onRaw,
  );
  const total: RangeResult = { lines: 0, skippedLines: 0, lastLine: undefined };
  const add = (r: RangeResult): void => {
    total.lines += r.lines;
    total.skippedLines += r.skippedLines;
    if (r.lastLine !== undefined) total.lastLine = r.lastLine;
  };
  // The worker's records for a range, or undefined: then this thread scans it (as it does every
  // range once the worker is gone: a restricted runtime, or it died).
  const fromWorker = async (
    index: number,
  ): Promise<({ records: ScanRecord[] } & RangeResult) | undefined> => {
    if (!worker || !forWorker(index)) return undefined;
    try {
      return await worker.take(index);
    } catch {
      worker.stop();
      worker = undefined;
      return undefined;
    }
  };
  try {
    for (const range of ranges) {
      const base = total.lines;
      const shifted = (r: ScanRecord): void => onRecord({ ...r, line: r.line + base });
      const taken = await fromWorker(range.index);
      if (taken) for (const r of taken.records) shifted(r);
      add(taken ?? scanFileRange(path, range.start, range.end, new Scanner(matcher, shifted), onRaw));
      worker?.consumed(range.index);
    }
  } finally {
    worker?.stop();
  }
  return total;
}
