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
});
