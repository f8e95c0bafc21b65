import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

describe('expandInputs: directories of links (issue 16 item 7)', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const scratch = async (): Promise<string> => {
    const d = await mkdtemp(join(tmpdir(), 'storyctl-logdir-'));
    made.push(d);
    return d;
  };
  const names = async (inputs: string[]): Promise<string[]> =>
    (await expandInputs(inputs)).map((i) => i.name);

  it('reads each real file once and does not loop on a link back up the tree', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'pods/voice'), { recursive: true });
    await writeFile(join(dir, 'pods/voice/0.log'), 'x\n');
    await symlink('../..', join(dir, 'pods/voice/loop'));
    await symlink('pods/voice/0.log', join(dir, 'voice.log'));
    // Sorted, the real path comes first; the link to it is the same file.
    expect(await names([dir])).toEqual([join(dir, 'pods/voice/0.log')]);
    // The same file named again, through a link, is not read twice either.
    expect(await names([join(dir, 'pods/voice/0.log'), join(dir, 'voice.log')])).toEqual([
      join(dir, 'pods/voice/0.log'),
    ]);
  });

  it("skips a mounted ConfigMap's ..data and ..<timestamp> entries, as the snapshot reader does", async () => {
    const dir = await scratch();
    await mkdir(join(dir, '..2026_04_22_18_13_19.1'));
    await writeFile(join(dir, '..2026_04_22_18_13_19.1/agent.log'), 'x\n');
    await symlink('..2026_04_22_18_13_19.1', join(dir, '..data'));
    await symlink('..data/agent.log', join(dir, 'agent.log'));
    expect(await names([dir])).toEqual([join(dir, 'agent.log')]);
  });
});
