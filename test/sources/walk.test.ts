// The directory walk both readers share (issue 16 item 7): each real file once, hidden mount
// entries skipped, and no loop on links. Before, the log reader's recursive readdir followed a link
// back up the tree until the path was too long, and both readers read a linked file twice.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { filesUnder, isHiddenEntry } from '../../src/sources/walk.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tree(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'storyctl-walk-'));
  dirs.push(dir);
  return dir;
}

const rel = async (dir: string): Promise<string[]> => (await filesUnder(dir)).map((f) => f.relative);

describe('filesUnder', () => {
  it('does not loop on a link back up the tree, and gives each real file once', async () => {
    const dir = await tree();
    await mkdir(join(dir, 'pods/agent'), { recursive: true });
    await writeFile(join(dir, 'pods/agent/0.log'), 'a\n');
    await symlink('../..', join(dir, 'pods/agent/up'));
    await symlink('pods/agent/0.log', join(dir, 'agent.log'));
    await symlink('pods', join(dir, 'pods-again'));
    expect(await rel(dir)).toEqual(['agent.log']);
  });

  it('skips the hidden entries of a mounted ConfigMap, reading each key once by its own name', async () => {
    // What the kubelet writes for a ConfigMap volume: a timestamped directory, `..data` linking to
    // it, and one link per key through `..data`.
    const dir = await tree();
    const stamp = '..2026_04_22_18_13_19.123456789';
    await mkdir(join(dir, stamp));
    await writeFile(join(dir, stamp, 'agent.log'), 'a\n');
    await writeFile(join(dir, stamp, 'bridge.log'), 'b\n');
    await symlink(stamp, join(dir, '..data'));
    await symlink('..data/agent.log', join(dir, 'agent.log'));
    await symlink('..data/bridge.log', join(dir, 'bridge.log'));
    await writeFile(join(dir, '.hidden.log'), 'h\n');
    expect(await rel(dir)).toEqual(['agent.log', 'bridge.log']);
  });

  it('sorts by relative path in code-unit order and leaves out dangling links', async () => {
    const dir = await tree();
    await mkdir(join(dir, 'a'));
    await writeFile(join(dir, 'a/z.log'), '');
    await writeFile(join(dir, 'a-b.log'), '');
    await writeFile(join(dir, 'B.log'), '');
    await symlink('nowhere.log', join(dir, 'dangling.log'));
    expect(await rel(dir)).toEqual(['B.log', 'a-b.log', 'a/z.log']);
    const [first] = await filesUnder(dir);
    expect(first).toEqual({ path: join(dir, 'B.log'), relative: 'B.log', size: 0 });
  });

  it('names hidden entries by any dot-led part of the path', () => {
    expect(isHiddenEntry('..data/agent.log')).toBe(true);
    expect(isHiddenEntry('logs/.cache/x.log')).toBe(true);
    expect(isHiddenEntry('logs/agent.v2.log')).toBe(false);
  });
});
