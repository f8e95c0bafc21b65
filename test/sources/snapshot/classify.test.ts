import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { StoryctlError } from '../../../src/model/errors.js';
import { classifyDocuments, knownKind } from '../../../src/sources/snapshot/classify.js';
import { parseSnapshotText } from '../../../src/sources/snapshot/parse.js';
import { configMap, list, run, step, story, transport } from './helpers.js';

function classifyYaml(text: string, file = 'snap.yaml') {
  return classifyDocuments(parseSnapshotText(text, file), file);
}

function failure(fn: () => unknown): StoryctlError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StoryctlError);
    return error as StoryctlError;
  }
  throw new Error('expected an input error');
}

describe('knownKind', () => {
  it.each([
    ['runs.bubustack.io/v1alpha1', 'StoryRun', 'StoryRun'],
    ['runs.bubustack.io/v1beta1', 'StepRun', 'StepRun'],
    ['bubustack.io/v1alpha1', 'Story', 'Story'],
    ['transport.bubustack.io/v1', 'Transport', 'Transport'],
    // Same kind, wrong group: another operator's object.
    ['bubustack.io/v1alpha1', 'StoryRun', undefined],
    ['example.com/v1', 'Story', undefined],
    ['v1', 'Transport', undefined],
    ['runs.bubustack.io/v1alpha1', 'storyrun', undefined],
    ['runs.bubustack.io/v1alpha1', 'toString', undefined],
  ])('%s %s → %s', (apiVersion, kind, expected) => {
    expect(knownKind(apiVersion, kind)).toBe(expected);
  });
});

describe('classifyDocuments', () => {
  it('flattens a kubectl List and keeps each object with its line', () => {
    const text = stringify(list([run('r1'), step('r1', 'agent'), story('s'), transport('livekit-webrtc')]));
    const { objects, ignored } = classifyYaml(text);
    expect(ignored).toBe(0);
    expect(objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`)).toEqual([
      'StoryRun/r1',
      'StepRun/r1-agent',
      'Story/s',
      'Transport/livekit-webrtc',
    ]);
    const lines = text.split('\n');
    for (const o of objects) {
      // Each item's line is the `- apiVersion:` line that opens it.
      expect(lines[o.line - 1]).toMatch(/^\s*- apiVersion: /);
    }
  });

  it('keeps the version the snapshot was written with', () => {
    const newer = { ...run('r2'), apiVersion: 'runs.bubustack.io/v1beta1' };
    const { objects } = classifyYaml(stringify(newer));
    expect(objects[0]?.object.apiVersion).toBe('runs.bubustack.io/v1beta1');
  });

  it('counts and ignores kinds storyctl does not read, including inside Lists', () => {
    const text = [
      stringify(list([configMap('a'), run('r1'), { apiVersion: 'v1', kind: 'Pod', metadata: {} }])),
      stringify(configMap('b')),
    ].join('---\n');
    const { objects, ignored } = classifyYaml(text);
    expect(objects).toHaveLength(1);
    expect(ignored).toBe(3);
  });

  it('gives items of a typed list the kind and apiVersion the list implies', () => {
    const typed = {
      apiVersion: 'runs.bubustack.io/v1alpha1',
      kind: 'StepRunList',
      metadata: { continue: '' },
      items: [{ metadata: { name: 'r1-agent', namespace: 'ns' }, spec: { stepId: 'agent' } }],
    };
    const { objects } = classifyYaml(JSON.stringify(typed), 'typed.json');
    expect(objects[0]?.object).toMatchObject({
      apiVersion: 'runs.bubustack.io/v1alpha1',
      kind: 'StepRun',
      metadata: { name: 'r1-agent' },
    });
  });

  it('reads an empty List as no objects', () => {
    expect(classifyYaml('apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n')).toEqual(
      { objects: [], ignored: 0 },
    );
  });

  it('reads a top-level sequence of objects', () => {
    expect(classifyYaml(stringify([run('a'), run('b')])).objects).toHaveLength(2);
  });

  it('rejects a known object without metadata.name, naming the file and the line of that object', () => {
    const nameless = run('x');
    nameless['metadata'] = { namespace: 'livekit-voice' };
    const text = stringify(list([run('ok'), nameless]));
    const err = failure(() => classifyYaml(text, 'caps/cluster.yaml'));
    // The nameless run is the last item: its line is the last `- apiVersion:` line.
    const line = text.split('\n').findLastIndex((l) => /^\s*- apiVersion: /.test(l)) + 1;
    expect(line).toBeGreaterThan(1);
    expect(err.kind).toBe('input');
    expect(err.line).toBe(line);
    expect(err.message).toBe(`caps/cluster.yaml:${line}: StoryRun without metadata.name`);
  });

  it('rejects a nameless object in JSON with its line too', () => {
    const text = JSON.stringify(
      list([story('s'), { apiVersion: 'bubustack.io/v1alpha1', kind: 'Story', metadata: {} }]),
      null,
      2,
    );
    const err = failure(() => classifyYaml(text, 'snap.json'));
    const line = text.split('\n').findLastIndex((l) => l.trim() === '{') + 1;
    expect(err.line).toBe(line);
    expect(err.message).toMatch(/^snap\.json:\d+: Story without metadata\.name$/);
  });

  it('ignores a nameless object of an unknown kind', () => {
    expect(classifyYaml(stringify({ apiVersion: 'v1', kind: 'Event' })).ignored).toBe(1);
  });

  it.each([
    [
      'an unquoted annotation value',
      { annotations: { 'bubustack.io/cancel-requested': true } },
      /metadata\.annotations\["bubustack\.io\/cancel-requested"\] must be a string/,
    ],
    ['labels that are not a mapping', { labels: ['a'] }, /metadata\.labels must be a mapping/],
    [
      'finalizers that are not strings',
      { finalizers: [1] },
      /metadata\.finalizers must be a list of strings/,
    ],
    ['a numeric namespace', { namespace: 7 }, /metadata\.namespace must be a string/],
  ])('rejects %s', (_what, metadata, message) => {
    const obj = step('r1', 'agent');
    obj['metadata'] = { ...(obj['metadata'] as object), ...metadata };
    const err = failure(() => classifyYaml(stringify(obj), 'm.yaml'));
    expect(err.message).toMatch(/^m\.yaml:1: StepRun r1-agent: /);
    expect(err.message).toMatch(message);
  });

  it('rejects documents that are not objects', () => {
    expect(failure(() => classifyYaml('just some text\n', 'notes.yaml')).message).toBe(
      'notes.yaml:1: expected a Kubernetes object (a mapping with apiVersion and kind), found the text "just some text"',
    );
    expect(failure(() => classifyYaml('a: 1\n---\nmetadata:\n  name: x\n', 'k.yaml')).message).toBe(
      'k.yaml:1: not a Kubernetes object: apiVersion and kind are required',
    );
    expect(failure(() => classifyYaml('kind: List\napiVersion: v1\nitems: 3\n', 'l.yaml')).message).toBe(
      'l.yaml:1: List.items must be a list',
    );
  });
});
