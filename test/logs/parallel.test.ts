import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanInput } from '../../src/logs/index.js';
import type { LogEvent } from '../../src/model/log-event.js';
import { logRules } from '../../src/rules/logs/index.js';
import { FIXTURES } from './helpers.js';

const needles = [...new Set(logRules.flatMap((r) => r.needles))];

async function scan(path: string, parallelMinBytes: number) {
  const events: Pick<LogEvent, 'line' | 'message' | 'time'>[] = [];
  const size = readFileSync(path).length;
  const stats = await scanInput(
    { name: path, path, size },
    undefined,
    () => undefined,
    needles,
    (ev) => events.push({ line: ev.line, message: ev.message, time: ev.time }),
    parallelMinBytes,
  );
  return { events, stats };
}

describe('scanInput on two threads', () => {
  it('gives the same events, in order, with the same line numbers as one thread', async () => {
    // Pino-pretty blocks and CRI partials around the middle must not be split between the threads.
    const mixed = readFileSync(join(FIXTURES, 'mixed-prefixed/capture.txt'));
    const file = join(mkdtempSync(join(tmpdir(), 'storyctl-par-')), 'capture.txt');
    writeFileSync(
      file,
      Buffer.concat(Array.from({ length: 7 }, () => Buffer.concat([mixed, Buffer.from('\n')]))),
    );
    const one = await scan(file, Number.MAX_SAFE_INTEGER);
    const two = await scan(file, 1);
    expect(one.events.length).toBeGreaterThan(50);
    expect(two.events).toEqual(one.events);
    expect(two.stats).toEqual(one.stats);
    expect(one.stats.lines).toBe(7 * 79);
  });
});
