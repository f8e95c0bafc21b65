import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planOutputs, writeFileAtomic } from '../../src/cli/outputs.js';
import { StoryctlError } from '../../src/model/errors.js';

describe('planOutputs', () => {
  it('defaults to a table on stdout', () => {
    expect(planOutputs([], undefined, undefined)).toEqual([{ format: 'table' }]);
  });

  it('pairs --output-file with the -o just before it', () => {
    const args = ['--snapshot', 'x.yaml', '-o', 'table', '-o', 'sarif', '--output-file', 'storyctl.sarif'];
    expect(planOutputs(args, ['table', 'sarif'], ['storyctl.sarif'])).toEqual([
      { format: 'table' },
      { format: 'sarif', file: 'storyctl.sarif' },
    ]);
  });

  it('understands --output=, -oFORMAT and --output-file= spellings', () => {
    const args = [
      '--output=json',
      '--output-file=r.json',
      '-ojunit',
      '--output-file',
      'r.xml',
      '-o',
      'table',
    ];
    expect(planOutputs(args, ['json', 'junit', 'table'], ['r.json', 'r.xml'])).toEqual([
      { format: 'json', file: 'r.json' },
      { format: 'junit', file: 'r.xml' },
      { format: 'table' },
    ]);
  });

  it('refuses two outputs on stdout', () => {
    expect(() => planOutputs(['-o', 'table', '-o', 'json'], ['table', 'json'], undefined)).toThrow(
      StoryctlError,
    );
  });

  it('refuses an --output-file that follows no -o', () => {
    expect(() => planOutputs(['--output-file', 'a', '-o', 'json'], ['json'], ['a'])).toThrow(/must follow/);
  });

  it('refuses a lone --output-file: it needs its own -o (issue 13)', () => {
    expect(() => planOutputs(['--output-file', 'out.txt'], undefined, ['out.txt'])).toThrow(
      /--output-file out\.txt needs the -o FORMAT it is for just before it/,
    );
  });
});

describe('writeFileAtomic', () => {
  it('writes the whole file and leaves no temporary behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storyctl-out-'));
    const file = join(dir, 'report.json');
    await writeFileAtomic(file, '{"a":1}\n');
    expect(await readFile(file, 'utf8')).toBe('{"a":1}\n');
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('names the file it could not write', async () => {
    await expect(writeFileAtomic('/nonexistent-dir/x/report.json', 'x')).rejects.toMatchObject({
      kind: 'input',
      file: '/nonexistent-dir/x/report.json',
    });
  });
});
