// A large `kubectl get -o json` List must be read within a few times its size (issue 16 item 7).
// Before, its line numbers came from re-parsing the whole text as YAML: about 40 times the input
// (4.3 GB, then a crash, for 200 MB). Here a 40 MB List is read in a child whose heap is capped at
// 200 MB; the YAML path needed over a gigabyte for it.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { list, run, scratchDir, step } from './helpers.js';

const CHILD = fileURLToPath(new URL('../../support/read-snapshot-child.ts', import.meta.url));

describe('a large JSON snapshot', () => {
  it('is read with a heap of five times its size, every object counted', { timeout: 120_000 }, async () => {
    const items: unknown[] = [];
    for (let i = 0; items.length < 36_000; i++) {
      items.push(
        run(`voice-call-${i}`),
        step(`voice-call-${i}`, 'voice-agent'),
        step(`voice-call-${i}`, 'egress'),
      );
    }
    const text = JSON.stringify(list(items), null, 4);
    expect(text.length).toBeGreaterThan(38e6);
    const dir = await scratchDir();
    const file = join(dir, 'cluster.json');
    await writeFile(file, text);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--max-old-space-size=200', '--import', 'tsx', CHILD, file],
      { maxBuffer: 16 << 20 },
    );
    const result = JSON.parse(stdout) as { storyRuns: number; stepRuns: number; warnings: unknown[] };
    expect(result).toMatchObject({ storyRuns: 12_000, stepRuns: 24_000, warnings: [] });
  });
});
