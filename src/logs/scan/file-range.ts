// Plain files are read with positioned reads straight into the scanner's window (no per-chunk
// allocation, no copy), range by range; ranges start at record starts so threads can share a file.
import { closeSync, openSync, readSync } from 'node:fs';
import { inputError } from '../../model/errors.js';
import { isContinuationLine } from '../formats/index.js';
import { stripPrefixes } from '../prefixes.js';
import type { LastLine, Scanner } from './scanner.js';

export interface RangeResult {
  lines: number;
  skippedLines: number;
  lastLine: LastLine | undefined;
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

/** Enough of a line to see its collector prefixes and what follows them. */
const HEAD_BYTES = 160;

/**
 * Cut [0, size) into ranges of about `rangeBytes` whose starts are record starts: lines that,
 * once collector prefixes are stripped, are no format's continuation line and do not
 * follow a CRI partial, so no multi-line record is split. Returns the boundaries, from 0 to size.
 */
export function rangeBounds(path: string, size: number, rangeBytes: number): number[] {
  const bounds = [0];
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(256 << 10);
    for (let target = rangeBytes; target < size; target += rangeBytes) {
      const at = recordStartAfter(fd, buf, Math.max(target, (bounds.at(-1) as number) + 1), size);
      if (at >= size) break;
      if (at > (bounds.at(-1) as number)) bounds.push(at);
    }
  } finally {
    closeSync(fd);
  }
  bounds.push(size);
  return bounds;
}

/** The first record start after `from` whose previous line is known, or size. */
function recordStartAfter(fd: number, buf: Buffer, from: number, size: number): number {
  let pos = from;
  while (pos < size) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    // The line before the first newline began before `pos`, so checks start at the second line.
    let prevEnd = buf.indexOf(10);
    if (prevEnd === -1 || prevEnd >= n) {
      pos += n;
      continue;
    }
    let nl = buf.indexOf(10, prevEnd + 1);
    while (nl !== -1 && nl < n - 1) {
      const prev = stripPrefixes(buf.toString('latin1', prevEnd + 1, Math.min(nl, prevEnd + 1 + HEAD_BYTES)));
      const line = stripPrefixes(buf.toString('latin1', nl + 1, Math.min(n, nl + 1 + HEAD_BYTES)));
      if (!prev.partial && !isContinuationLine(line.content)) return pos + nl + 1;
      prevEnd = nl;
      nl = buf.indexOf(10, nl + 1);
    }
    // Read on from the last newline seen (it starts the next read), or past a line longer than the buffer.
    pos += prevEnd > 0 ? prevEnd : n;
  }
  return size;
}
