import { chmod, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { StoryctlError } from '../../../src/model/errors.js';
import { readSnapshots } from '../../../src/sources/snapshot/index.js';
import { configMap, list, run, scratchDir, step, story, transport } from './helpers.js';

async function failure(p: Promise<unknown>): Promise<StoryctlError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(StoryctlError);
    return error as StoryctlError;
  }
  throw new Error('expected an error');
}

const names = (xs: readonly { metadata: { name: string } }[]): string[] => xs.map((x) => x.metadata.name);

describe('readSnapshots', () => {
  it('reads a kubectl List in YAML into the object set, with a source entry', async () => {
    const dir = await scratchDir({
      'cluster.yaml': stringify(
        list([
          run('r1'),
          step('r1', 'agent'),
          step('r1', 'egress'),
          story('s'),
          transport('livekit-webrtc'),
          configMap('c'),
        ]),
      ),
    });
    const file = join(dir, 'cluster.yaml');
    const { objects, sources } = await readSnapshots([file]);
    expect(names(objects.storyRuns)).toEqual(['r1']);
    expect(names(objects.stepRuns)).toEqual(['r1-agent', 'r1-egress']);
    expect(names(objects.stories)).toEqual(['s']);
    expect(names(objects.transports)).toEqual(['livekit-webrtc']);
    expect(sources).toEqual([
      {
        type: 'snapshot',
        name: file,
        objects: 5,
        ignoredObjects: 1,
        // What the file holds (issue 13: the report says what was looked at).
        scope: {
          namespaces: [expect.any(String)],
          counts: { storyRuns: 1, stepRuns: 2, stories: 1, transports: 1 },
        },
      },
    ]);
  });

  it('reads multi-document YAML and single objects', async () => {
    const dir = await scratchDir({
      'multi.yaml': [run('r1'), step('r1', 'agent'), configMap('c')].map((o) => stringify(o)).join('---\n'),
      'single.yml': stringify(story('voice')),
    });
    const { objects, sources } = await readSnapshots([join(dir, 'multi.yaml'), join(dir, 'single.yml')]);
    expect(names(objects.storyRuns)).toEqual(['r1']);
    expect(names(objects.stepRuns)).toEqual(['r1-agent']);
    expect(names(objects.stories)).toEqual(['voice']);
    expect(sources.map((s) => [s.objects, s.ignoredObjects])).toEqual([
      [2, 1],
      [1, 0],
    ]);
  });

  it('reads a JSON List and a single JSON object', async () => {
    const dir = await scratchDir({
      'list.json': JSON.stringify(list([run('r1'), run('r2', 'support-voice', 'Succeeded')]), null, 2),
      'one.json': JSON.stringify(transport('livekit-webrtc')),
    });
    const { objects } = await readSnapshots([join(dir, 'list.json'), join(dir, 'one.json')]);
    expect(
      objects.storyRuns.map((r) => `${r.metadata.namespace}/${r.metadata.name}:${r.status?.phase}`),
    ).toEqual(['livekit-voice/r1:Running', 'support-voice/r2:Succeeded']);
    expect(names(objects.transports)).toEqual(['livekit-webrtc']);
  });

  it('warns of a key given twice in JSON, with file and line, and counts it in the source', async () => {
    // Two `phase` keys: JSON.parse keeps the last, so a run captured as Running reads as Succeeded
    // and the stalled cancel it carries is hidden. The reader says so instead of staying silent.
    const text = JSON.stringify(list([run('r1')]), null, 4).replace(
      '"phase": "Running"',
      '"phase": "Running",\n                "phase": "Succeeded"',
    );
    const dir = await scratchDir({ 'cluster.json': text });
    const file = join(dir, 'cluster.json');
    const { objects, sources, warnings } = await readSnapshots([file]);
    expect(objects.storyRuns[0]?.status?.phase).toBe('Succeeded');
    const line = text.split('\n').findIndex((l) => l.includes('"phase": "Succeeded"')) + 1;
    expect(warnings).toEqual([
      {
        file,
        line,
        message: `duplicate key "phase" (first at line ${line - 1}): only the last value is read, the first is hidden`,
      },
    ]);
    expect(sources).toEqual([
      {
        type: 'snapshot',
        name: file,
        objects: 1,
        ignoredObjects: 0,
        // main's scope of what the file holds (issue 13), beside the warning count.
        scope: {
          namespaces: ['livekit-voice'],
          counts: { storyRuns: 1, stepRuns: 0, stories: 0, transports: 0 },
        },
        warnings: 1,
      },
    ]);
  });

  it('reads a directory recursively in sorted order, only .yaml .yml .json, skipping hidden entries', async () => {
    const dir = await scratchDir({
      'b/runs.yaml': stringify(run('from-b')),
      'a.json': JSON.stringify(run('from-a')),
      'c/d/deep.YML': stringify(run('from-deep')),
      'notes.txt': 'not a snapshot',
      'README.md': '# capture',
      '.hidden.yaml': stringify(run('hidden')),
      '..data/mounted.yaml': stringify(run('mounted-twice')),
    });
    const { objects, sources } = await readSnapshots([dir]);
    expect(names(objects.storyRuns)).toEqual(['from-a', 'from-b', 'from-deep']);
    expect(sources.map((s) => s.name)).toEqual([
      join(dir, 'a.json'),
      join(dir, 'b/runs.yaml'),
      join(dir, 'c/d/deep.YML'),
    ]);
  });

  it('reads standard input for `-`, in YAML or JSON', async () => {
    const yaml = await readSnapshots(['-'], { stdin: Readable.from([stringify(list([run('piped')]))]) });
    expect(names(yaml.objects.storyRuns)).toEqual(['piped']);
    expect(yaml.sources).toEqual([
      {
        type: 'snapshot',
        name: '<stdin>',
        objects: 1,
        ignoredObjects: 0,
        scope: {
          namespaces: [expect.any(String)],
          counts: { storyRuns: 1, stepRuns: 0, stories: 0, transports: 0 },
        },
      },
    ]);
    const json = JSON.stringify(list([story('s')]));
    // Chunks split mid-character and mid-token must be joined before parsing.
    const bytes = Buffer.from(json);
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7)];
    const fromJson = await readSnapshots(['-'], { stdin: Readable.from(chunks) });
    expect(names(fromJson.objects.stories)).toEqual(['s']);
  });

  it('refuses to read standard input twice', async () => {
    const err = await failure(readSnapshots(['-', '-'], { stdin: Readable.from([stringify(run('x'))]) }));
    expect(err.kind).toBe('usage');
  });

  it('names the stdin source in parse errors', async () => {
    const err = await failure(readSnapshots(['-'], { stdin: Readable.from(['kind: List\n  bad: [\n']) }));
    expect(err.kind).toBe('input');
    expect(err.message).toMatch(/^<stdin>:\d+:\d+: malformed YAML: /);
  });

  it('counts unknown kinds per file', async () => {
    const dir = await scratchDir({
      'mixed.yaml': stringify(list([configMap('a'), configMap('b'), run('r')])),
    });
    const { sources } = await readSnapshots([dir]);
    expect(sources[0]).toMatchObject({ objects: 1, ignoredObjects: 2 });
  });

  it('names file and line of malformed YAML', async () => {
    const dir = await scratchDir({
      'bad.yaml': 'apiVersion: v1\nkind: List\nitems:\n- kind: StoryRun\n  metadata: name: x\n',
    });
    const file = join(dir, 'bad.yaml');
    const err = await failure(readSnapshots([file]));
    expect(err.kind).toBe('input');
    expect(err.file).toBe(file);
    expect(err.line).toBe(5);
    expect(err.message.startsWith(`${file}:5:`)).toBe(true);
  });

  it('names file and line of malformed JSON', async () => {
    // A trailing comma after the last status field: JSON.parse stops at the closing brace below it.
    const text = JSON.stringify(list([run('r1')]), null, 2).replace(
      '"2026-04-22T18:13:19Z"',
      '"2026-04-22T18:13:19Z",',
    );
    const dir = await scratchDir({ 'bad.json': text });
    const file = join(dir, 'bad.json');
    const err = await failure(readSnapshots([file]));
    const line = text.split('\n').findIndex((l) => l.includes('18:13:19Z",')) + 2;
    expect(err.line).toBe(line);
    expect(err.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${line}:\\d+: malformed JSON: `),
    );
  });

  it('names a missing path', async () => {
    const dir = await scratchDir();
    const missing = join(dir, 'nope.yaml');
    const err = await failure(readSnapshots([missing]));
    expect(err.kind).toBe('input');
    expect(err.message).toBe(`${missing}: no such file or directory`);
    expect(err.file).toBe(missing);
  });

  it.skipIf(process.getuid?.() === 0)('names an unreadable file', async () => {
    const dir = await scratchDir({ 'locked.yaml': stringify(run('r')) });
    const file = join(dir, 'locked.yaml');
    await chmod(file, 0o000);
    expect((await failure(readSnapshots([file]))).message).toBe(`${file}: permission denied`);
  });

  it('rejects an empty file: a failed capture must not read as a healthy cluster', async () => {
    const dir = await scratchDir({
      'empty.yaml': '',
      'blank.json': '\n\n',
      'comments.yaml': '# kubectl failed\n---\n',
    });
    for (const f of ['empty.yaml', 'blank.json', 'comments.yaml']) {
      const err = await failure(readSnapshots([join(dir, f)]));
      expect(err.kind).toBe('input');
      expect(err.message).toBe(`${join(dir, f)}: empty snapshot (no YAML or JSON document in it)`);
    }
  });

  it('accepts an empty List (kubectl found no resources)', async () => {
    const dir = await scratchDir({
      'none.yaml': 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    });
    const { objects, sources } = await readSnapshots([join(dir, 'none.yaml')]);
    expect(objects).toEqual({ storyRuns: [], stepRuns: [], stories: [], transports: [] });
    expect(sources[0]).toMatchObject({ objects: 0, ignoredObjects: 0 });
  });

  it('rejects a directory without snapshot files', async () => {
    const dir = await scratchDir({ 'notes.txt': 'x' });
    expect((await failure(readSnapshots([dir]))).message).toBe(
      `${dir}: no .yaml, .yml or .json files in this directory`,
    );
  });

  it('rejects binary files', async () => {
    const dir = await scratchDir({ 'snap.yaml': 'kind: A\u0000\u0001' });
    expect((await failure(readSnapshots([join(dir, 'snap.yaml')]))).message).toMatch(/not a text file/);
  });

  it('lets a later snapshot of the same object win, keeping its first position', async () => {
    const dir = await scratchDir({
      '1-before.yaml': stringify(list([run('a'), run('b', 'livekit-voice', 'Running')])),
      '2-after.yaml': stringify(
        list([run('b', 'livekit-voice', 'Finished'), run('b', 'other-ns', 'Running')]),
      ),
    });
    const { objects, sources } = await readSnapshots([dir]);
    expect(
      objects.storyRuns.map((r) => `${r.metadata.namespace}/${r.metadata.name}:${r.status?.phase}`),
    ).toEqual(['livekit-voice/a:Running', 'livekit-voice/b:Finished', 'other-ns/b:Running']);
    expect(sources.map((s) => s.objects)).toEqual([2, 2]);
  });

  it('reads a file named both directly and through its directory once', async () => {
    const dir = await scratchDir({ 'a.yaml': stringify(run('a')) });
    const { sources } = await readSnapshots([dir, join(dir, 'a.yaml')]);
    expect(sources).toHaveLength(1);
  });
});

describe('readSnapshots: directories of links (issue 16 item 7)', () => {
  it('reads each real file once, without looping on a link back up the tree', async () => {
    const dir = await scratchDir({ 'captures/cluster.yaml': stringify(list([run('r1')])) });
    await symlink('..', join(dir, 'captures/up'));
    await symlink('captures/cluster.yaml', join(dir, 'latest.yaml'));
    const { sources } = await readSnapshots([dir]);
    expect(sources.map((s) => s.name)).toEqual([join(dir, 'captures/cluster.yaml')]);
  });
});
