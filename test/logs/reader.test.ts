import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/logs/reader.js';
import { FIXTURES } from './helpers.js';

describe('expandInputs', () => {
  it('sniffs each file for gzip once, by content, and carries the answer', async () => {
    const plain = join(FIXTURES, 'mixed-prefixed/capture.txt');
    const gz = join(FIXTURES, 'mixed-prefixed/capture-copy.bin');
    expect(await expandInputs([plain, gz, '-'])).toEqual([
      { kind: 'file', name: plain, path: plain, size: expect.any(Number), gzip: false },
      { kind: 'file', name: gz, path: gz, size: expect.any(Number), gzip: true },
      { kind: 'stdin', name: '-' },
    ]);
  });

  it("skips a directory's README, STATUS and expected.json, but reads them when named", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-reader-'));
    mkdirSync(join(dir, 'scenario'));
    for (const f of [
      'README.md',
      'STATUS.md',
      'scenario/expected.json',
      'scenario/README.md',
      'scenario/agent.jsonl',
    ])
      writeFileSync(join(dir, f), '{}\n');
    expect((await expandInputs([dir])).map((i) => i.name)).toEqual([join(dir, 'scenario/agent.jsonl')]);
    const named = join(dir, 'scenario/expected.json');
    expect((await expandInputs([named])).map((i) => i.name)).toEqual([named]);
  });
});
