// Plain files are read with positioned reads straight into the scanner's window (no per-chunk
// allocation, no copy), and large ones are split in two byte ranges: this thread scans the first,
// a worker the second.
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { inputError } from '../model/errors.js';
import type { Scanner } from './scan.js';
import { type ScanRecord } from './scan.js';

/** Below this a second thread costs more to start than it saves. */
export const PARALLEL_MIN_BYTES = 48 << 20;

export interface RangeResult {
  lines: number;
  skippedLines: number;
  lastLine: string | undefined;
}

/** Scan bytes [start, end) of a file, synchronously. `start` must be a line start. */
export function scanFileRange(
  path: string,
  start: number,
  end: number,
  scanner: Scanner,
  onRaw: (n: number) => void,
): RangeResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw inputError(`cannot read ${path}: ${(error as Error).message}`, path);
  }
  try {
    let pos = start;
    while (pos < end) {
      const n = scanner.fill((buf, at, max) => readSync(fd, buf, at, Math.min(max, end - pos), pos));
      if (n === 0) break;
      pos += n;
      onRaw(n);
    }
    scanner.end();
  } finally {
    closeSync(fd);
  }
  return { lines: scanner.lines, skippedLines: scanner.skippedLines, lastLine: scanner.lastLine };
}

/**
 * Where the second range starts: the first line start after the middle that is not a pino-pretty
 * continuation (indented) line, so no multi-line record is split.
 */
export function splitPoint(path: string, size: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = Math.floor(size / 2);
    while (pos < size) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      let i = buf.indexOf(10);
      while (i !== -1 && i < n - 1) {
        const next = buf[i + 1];
        if (next !== 32 && next !== 9) return pos + i + 1;
        i = buf.indexOf(10, i + 1);
      }
      pos += Math.max(1, n - 1);
    }
    return size;
  } finally {
    closeSync(fd);
  }
}

export interface WorkerScan {
  done: Promise<RangeResult>;
  /** Records in order, line numbers relative to the range start. */
  records: ScanRecord[];
}

/** Scan [start, end) in a worker thread; its records are buffered until the caller wants them. */
export function scanRangeInWorker(
  path: string,
  start: number,
  end: number,
  needles: readonly string[],
  onRaw: (n: number) => void,
): WorkerScan {
  const records: ScanRecord[] = [];
  const fromSource = import.meta.url.endsWith('.ts');
  // From source (tests, tsx) the worker needs the TypeScript loader; from dist it is plain JS.
  const url = new URL(fromSource ? './scan-worker.ts' : './scan-worker.js', import.meta.url);
  const worker = new Worker(url, {
    workerData: { path, start, end, needles },
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  });
  const done = new Promise<RangeResult>((resolve, reject) => {
    worker.on('message', (m: { records?: ScanRecord[]; raw?: number; result?: RangeResult }) => {
      if (m.records) for (const r of m.records) records.push(r);
      if (m.raw) onRaw(m.raw);
      if (m.result) resolve(m.result);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`scan worker exited with code ${code}`));
    });
  });
  return { done, records };
}
