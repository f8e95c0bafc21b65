// Item lines and duplicate keys of JSON snapshots, found in the text JSON.parse accepted (issue 16
// item 7). Before, lines came from re-parsing the whole text as YAML, and a repeated key was read
// silently as its last value.
import { describe, expect, it } from 'vitest';
import { jsonPositions } from '../../../src/sources/snapshot/json-positions.js';
import { parseSnapshotText } from '../../../src/sources/snapshot/parse.js';

const positions = (text: string) => jsonPositions(text, JSON.parse(text));
const lineOfText = (text: string, needle: string): number =>
  text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('jsonPositions: lines', () => {
  it('gives each List item its opening line, strings holding brackets and escaped quotes notwithstanding', () => {
    const items = [
      { kind: 'A', note: 'has [brackets] and {braces}, "quotes" and a \\ backslash' },
      { kind: 'B', nested: { items: [1, 2, 3] }, list: [[{ x: '}' }]] },
      { kind: 'C' },
    ];
    const text = JSON.stringify({ apiVersion: 'v1', items, kind: 'List' }, null, 4);
    const p = positions(text);
    for (const [i, kind] of ['A', 'B', 'C'].entries())
      expect(p.lineOf(['items', i])).toBe(lineOfText(text, `"kind": "${kind}"`) - 1);
    expect(p.lineOf(['items', 3])).toBeUndefined();
    // `items` elsewhere than a walked object is not a List.
    expect(p.lineOf(['items', 1, 'nested', 'items', 0])).toBeUndefined();
  });

  it('locates elements of a top-level array, of nested Lists, and of compact one-line JSON', () => {
    const text = '[\n{"kind": "A"},\n{"kind": "List", "items": [\n{"kind": "B"}\n]}\n]';
    const p = positions(text);
    expect(p.lineOf([0])).toBe(2);
    expect(p.lineOf([1])).toBe(3);
    expect(p.lineOf([1, 'items', 0])).toBe(4);
    const compact = JSON.stringify({ kind: 'List', items: [{ a: 1 }, { b: 2 }] });
    expect(positions(compact).lineOf(['items', 1])).toBe(1);
  });
});

describe('jsonPositions: metadata.name lines (where a snapshot finding points)', () => {
  it('gives the line of each walked object metadata.name, the last one when repeated', () => {
    const items = [
      { kind: 'A', spec: { metadata: { name: 'not-this' } }, metadata: { namespace: 'x', name: 'a' } },
      { kind: 'B', metadata: { labels: { name: 'label' }, name: 'b' } },
      { kind: 'C' },
    ];
    const text = JSON.stringify(
      { apiVersion: 'v1', items, kind: 'List', metadata: { name: 'list' } },
      null,
      2,
    );
    const p = positions(text);
    expect(p.lineOf(['items', 0, 'metadata', 'name'])).toBe(lineOfText(text, '"name": "a"'));
    expect(p.lineOf(['items', 1, 'metadata', 'name'])).toBe(lineOfText(text, '"name": "b"'));
    expect(p.lineOf(['items', 2, 'metadata', 'name'])).toBeUndefined();
    expect(p.lineOf(['metadata', 'name'])).toBe(lineOfText(text, '"name": "list"'));
    // Only a walked object's own metadata: not a nested one, not a label called name.
    expect(p.lineOf(['items', 0, 'spec', 'metadata', 'name'])).toBeUndefined();
    const repeated = '{"kind": "StoryRun",\n"metadata": {"name": "first",\n"name": "second"}}';
    expect(positions(repeated).lineOf(['metadata', 'name'])).toBe(3);
  });

  it('answers after the text is let go, once lines and duplicate keys are known', () => {
    const text = JSON.stringify({ kind: 'List', items: [{ metadata: { name: 'a' } }] }, null, 2);
    const p = positions(text);
    expect(p.duplicateKeys()).toEqual([]);
    const first = p.lineOf(['items', 0]);
    expect(p.lineOf(['items', 0, 'metadata', 'name'])).toBe(lineOfText(text, '"name": "a"'));
    expect(p.lineOf(['items', 0])).toBe(first);
  });
});

describe('jsonPositions: duplicate keys', () => {
  it('finds none in what kubectl prints', () => {
    const text = JSON.stringify({ kind: 'List', items: [{ status: { phase: 'Running' } }] }, null, 4);
    expect(positions(text).duplicateKeys()).toEqual([]);
  });

  it('names each repeated key with its line and the line of the value it hides', () => {
    const text = [
      '{',
      '  "kind": "List",',
      '  "items": [',
      '    {"kind": "StoryRun", "status": {',
      '      "phase": "Running",',
      '      "phase": "Succeeded"',
      '    }},',
      '    {"a": {"x": 1}, "b": 2, "a": 3}',
      '  ]',
      '}',
    ].join('\n');
    expect(positions(text).duplicateKeys()).toEqual([
      { key: 'phase', line: 6, firstLine: 5 },
      { key: 'a', line: 8, firstLine: 8 },
    ]);
  });

  it('sees a key written with escapes as the same key, and a key spaced from its colon', () => {
    const escaped = '{"phase": "Running", "ph\\u0061se": "Failed"}';
    expect(positions(escaped).duplicateKeys()).toEqual([{ key: 'phase', line: 1, firstLine: 1 }]);
    // One member spaced from its colon and one repeated: a count of `":` alone would balance out.
    const spaced = '{"a" : 1, "b": 2, "b": 3, "c": {}}';
    expect(positions(spaced).duplicateKeys()).toEqual([{ key: 'b', line: 1, firstLine: 1 }]);
    // `":` inside a string value is not a key.
    const quoted = '{"message": "say \\"x\\": y", "m": 1}';
    expect(positions(quoted).duplicateKeys()).toEqual([]);
  });
});

describe('parseSnapshotText: JSON warnings', () => {
  it('warns of a duplicate key with its line; YAML documents have none (duplicates are errors there)', () => {
    const text = '{\n  "kind": "StoryRun",\n  "status": {"phase": "Running",\n  "phase": "Succeeded"}\n}\n';
    const [doc] = parseSnapshotText(text, 'dup.json');
    expect(doc?.warnings()).toEqual([
      {
        line: 4,
        message: 'duplicate key "phase" (first at line 3): only the last value is read, the first is hidden',
      },
    ]);
    expect(parseSnapshotText('kind: A\n', 'a.yaml')[0]?.warnings()).toEqual([]);
  });
});
