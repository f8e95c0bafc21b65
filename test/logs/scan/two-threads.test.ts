import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanInput } from '../../../src/logs/index.js';
import { stripPrefixes } from '../../../src/logs/prefixes.js';
import { rangeBounds } from '../../../src/logs/scan/file-range.js';
import { newMatcher } from '../../../src/logs/scan/scanner.js';
import type { RangeOptions } from '../../../src/logs/scan/two-threads.js';
import type { LogEvent } from '../../../src/model/log-event.js';
import { logRules } from '../../../src/rules/index.js';
import { FIXTURES } from '../helpers.js';

const matcher = newMatcher(logRules.flatMap((r) => r.needles));

async function scan(path: string, ranges: RangeOptions) {
  const events: LogEvent[] = [];
  let raw = 0;
  const stats = await scanInput(
    { kind: 'file', name: path, path, size: readFileSync(path).length, gzip: false },
    undefined,
    (n) => (raw += n),
    matcher,
    (ev) => events.push(ev),
    ranges,
  );
  return { events, stats, raw };
}

function tempFile(name: string, data: Buffer | string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'storyctl-par-')), name);
  writeFileSync(file, data);
  return file;
}

// Pino-pretty blocks and CRI partials recur all through it, so many range starts fall near them.
const mixed = readFileSync(join(FIXTURES, 'mixed-prefixed/capture.txt'));
const COPIES = 40;
const file = tempFile(
  'capture.txt',
  Buffer.concat(Array.from({ length: COPIES }, () => Buffer.concat([mixed, Buffer.from('\n')]))),
);

describe('scanning a file in ranges on two threads', () => {
  it('gives the same events, in order, with the same line numbers, counts and progress as one thread', async () => {
    const one = await scan(file, { parallelMinBytes: Number.MAX_SAFE_INTEGER });
    expect(one.events.length).toBeGreaterThan(COPIES * 10);
    expect(one.stats.lines).toBe(COPIES * 79);
    for (const rangeBytes of [1000, 4096, 65_536]) {
      const two = await scan(file, { parallelMinBytes: 1, rangeBytes });
      expect(two.events, `ranges of ${rangeBytes}`).toEqual(one.events);
      expect(two.stats).toEqual(one.stats);
      expect(two.raw).toBe(readFileSync(file).length);
    }
  });

  it('gives the same answer when the worker dies part-way (this thread scans the rest)', async () => {
    const one = await scan(file, { parallelMinBytes: Number.MAX_SAFE_INTEGER });
    const workerUrl = new URL('../../support/dying-scan-worker.ts', import.meta.url);
    const two = await scan(file, { parallelMinBytes: 1, rangeBytes: 4096, workerUrl });
    expect(two.events).toEqual(one.events);
    expect(two.stats).toEqual(one.stats);
  });

  it('starts ranges only at record starts: never inside a pino-pretty block or after a CRI partial', () => {
    const data = readFileSync(file);
    const bounds = rangeBounds(file, data.length, 500);
    expect(bounds.length).toBeGreaterThan(COPIES * 10);
    expect(bounds[0]).toBe(0);
    expect(bounds.at(-1)).toBe(data.length);
    for (const b of bounds.slice(1, -1)) {
      expect(data[b - 1]).toBe(10);
      const line = stripPrefixes(data.toString('utf8', b, data.indexOf(10, b)));
      expect(line.content, 'a continuation line').not.toMatch(/^[ \t]/);
      const prevStart = data.lastIndexOf(10, b - 2) + 1;
      expect(stripPrefixes(data.toString('utf8', prevStart, b - 1)).partial, 'after a CRI partial').not.toBe(
        true,
      );
    }
    expect([...bounds].sort((a, b) => a - b)).toEqual(bounds);
  });

  it('gets past a line longer than its read buffer when looking for a range start', () => {
    const long = `${'x'.repeat(600_000)}\n`;
    const data = `a\nb\n${long}c\nd\ne\n`;
    const path = tempFile('long.txt', data);
    const bounds = rangeBounds(path, data.length, 3);
    expect(bounds[0]).toBe(0);
    expect(bounds.at(-1)).toBe(data.length);
    for (const b of bounds.slice(1, -1)) expect(data[b - 1]).toBe('\n');
  });
});
