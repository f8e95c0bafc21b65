import { describe, expect, it } from 'vitest';
import { StoryctlError } from '../../../src/model/errors.js';
import { jsonErrorOffset, lineColumnAt } from '../../../src/sources/snapshot/json-error.js';
import { parseSnapshotText } from '../../../src/sources/snapshot/parse.js';

function inputFailure(fn: () => unknown): StoryctlError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StoryctlError);
    return error as StoryctlError;
  }
  throw new Error('expected an input error');
}

describe('parseSnapshotText: YAML', () => {
  it('returns each document of a multi-document stream with the line its content starts on', () => {
    const text = [
      '# captured',
      '---',
      'kind: A',
      'n: 1',
      '---',
      '',
      'kind: B',
      '...',
      '---',
      'kind: C',
      '',
    ].join('\n');
    const docs = parseSnapshotText(text, 'snap.yaml');
    expect(docs.map((d) => d.value)).toEqual([{ kind: 'A', n: 1 }, { kind: 'B' }, { kind: 'C' }]);
    expect(docs.map((d) => d.line)).toEqual([3, 7, 10]);
  });

  it('skips empty documents left by leading and trailing separators', () => {
    const docs = parseSnapshotText('---\n---\nkind: A\n---\n', 'snap.yaml');
    expect(docs.map((d) => d.value)).toEqual([{ kind: 'A' }]);
  });

  it('locates List items by path', () => {
    const text = ['apiVersion: v1', 'kind: List', 'items:', '- kind: A', '  x: 1', '- kind: B', ''].join(
      '\n',
    );
    const [doc] = parseSnapshotText(text, 'list.yaml');
    expect(doc?.lineOf(['items', 0])).toBe(4);
    expect(doc?.lineOf(['items', 1])).toBe(6);
    // An unknown path falls back to the document's own line rather than inventing one.
    expect(doc?.lineOf(['items', 7])).toBe(1);
  });

  it('keeps RFC3339 times and quoted booleans as strings (YAML 1.2 core schema)', () => {
    const [doc] = parseSnapshotText('a: 2026-04-22T18:13:19Z\nb: "true"\nc: true\n', 'x.yaml');
    expect(doc?.value).toEqual({ a: '2026-04-22T18:13:19Z', b: 'true', c: true });
  });

  it('strips a byte-order mark', () => {
    expect(parseSnapshotText('\ufeffkind: A\n', 'bom.yaml')[0]?.value).toEqual({ kind: 'A' });
  });

  it('returns nothing for empty or comment-only text', () => {
    expect(parseSnapshotText('', 'e.yaml')).toEqual([]);
    expect(parseSnapshotText('  \n\n', 'e.yaml')).toEqual([]);
    expect(parseSnapshotText('# nothing here\n', 'e.yaml')).toEqual([]);
  });

  it('names file, line and column of a syntax error, without a stack trace in the message', () => {
    const text = ['kind: List', 'items:', '- kind: A', '  metadata: name: a', '- kind: B', ''].join('\n');
    const err = inputFailure(() => parseSnapshotText(text, 'fixtures/bad.yaml'));
    expect(err.kind).toBe('input');
    expect(err.file).toBe('fixtures/bad.yaml');
    expect(err.line).toBe(4);
    expect(err.message).toBe(
      'fixtures/bad.yaml:4:13: malformed YAML: Nested mappings are not allowed in compact mappings',
    );
    expect(err.message).not.toMatch(/\n|\bat \w+ \(/);
  });

  it('reports tab indentation on its line', () => {
    const err = inputFailure(() => parseSnapshotText('kind: A\nitems:\n\t- x\n', 'tab.yaml'));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^tab\.yaml:3:1: malformed YAML: Tabs/);
  });

  it('rejects duplicate keys, which kubectl never prints', () => {
    const err = inputFailure(() =>
      parseSnapshotText('kind: A\nmetadata:\n  name: a\n  name: b\n', 'dup.yaml'),
    );
    expect(err.line).toBe(4);
  });
});

describe('parseSnapshotText: JSON', () => {
  const listJson = JSON.stringify(
    { apiVersion: 'v1', kind: 'List', items: [{ kind: 'A' }, { kind: 'B' }] },
    null,
    2,
  );

  it('parses a .json file as one document and locates items lazily', () => {
    const [doc, ...rest] = parseSnapshotText(`\n${listJson}\n`, 'snap.json');
    expect(rest).toEqual([]);
    expect(doc?.line).toBe(2);
    expect((doc?.value as { items: unknown[] }).items).toHaveLength(2);
    const expectedLine = `\n${listJson}`.split('\n').findIndex((l) => l.includes('"kind": "B"')) + 1;
    // The item's node starts on its opening brace, the line above its first key.
    expect(doc?.lineOf(['items', 1])).toBe(expectedLine - 1);
  });

  it('takes JSON from a file of any name when it starts with a brace', () => {
    expect(parseSnapshotText(listJson, '<stdin>')[0]?.value).toMatchObject({ kind: 'List' });
  });

  it('falls back to YAML for brace-led text that is not JSON (flow mapping with more documents)', () => {
    const docs = parseSnapshotText('{kind: A}\n---\nkind: B\n', 'flow.yaml');
    expect(docs.map((d) => d.value)).toEqual([{ kind: 'A' }, { kind: 'B' }]);
  });

  it.each([
    ['{\n  "kind": "List",\n  "items": [\n    {"a": tru}\n  ]\n}\n', 4, 14, /Unexpected token/],
    ['{\n  "kind": "List",\n  "items": [\n    {"a": 1,}\n  ]\n}\n', 4, 13, /property name/],
    ['{\n  "kind": "List"\n  "items": []\n}\n', 3, 3, /after property value/],
    ['{\n  "kind": "List",\n  "items": [\n', 4, 1, /end of JSON input/],
  ])('names file:line:column of a JSON error (%#)', (text, line, column, reason) => {
    const err = inputFailure(() => parseSnapshotText(text, 'cap/snap.json'));
    expect(err.kind).toBe('input');
    expect(err.line).toBe(line);
    expect(err.message.startsWith(`cap/snap.json:${line}:${column}: malformed JSON: `)).toBe(true);
    expect(err.message).toMatch(reason);
    // V8 quotes the input in some messages; the report must not repeat the file.
    expect(err.message).not.toContain('"items"');
  });
});

describe('jsonErrorOffset', () => {
  it('finds the rejected character when V8 gives no position', () => {
    const text = '{"a": [1, 2, }';
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      error = e;
    }
    expect(text[jsonErrorOffset(text, error)]).toBe('}');
  });

  it('converts offsets to 1-based lines and columns', () => {
    expect(lineColumnAt('ab\ncd\n', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt('ab\ncd\n', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt('ab\ncd\n', 99)).toEqual({ line: 3, column: 1 });
  });
});
