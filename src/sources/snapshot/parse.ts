// Text of one snapshot file → the documents in it, each with the line it starts on. Pure: the
// caller reads the file. kubectl prints either YAML (possibly several `---` documents) or one JSON
// value; JSON takes a JSON.parse fast path because large `-o json` captures are the common case,
// and its positions come from a scan of the text (json-positions.ts), not from a second parse.
import { LineCounter, parseAllDocuments, isNode, type Document } from 'yaml';
import { inputError } from '../../model/errors.js';
import { jsonErrorOffset, lineColumnAt } from './json-error.js';
import { jsonPositions } from './json-positions.js';

export type NodePath = readonly (string | number)[];

export interface ParsedDocument {
  value: unknown;
  /** 1-based line where the document's content starts. */
  line: number;
  /** 1-based line of the node at `path` inside this document (for List items); the document line if unknown. */
  lineOf(path: NodePath): number;
  /** What was read but may not be what the file meant (a JSON object repeating a key). */
  warnings(): ParseWarning[];
}

export interface ParseWarning {
  /** 1-based line in the file. */
  line: number;
  message: string;
}

export type SnapshotFormat = 'json' | 'yaml' | 'auto';

/** Guess the format from the file name: `.json` is JSON only, anything else may be either. */
export function formatForName(name: string): SnapshotFormat {
  return /\.json$/i.test(name) ? 'json' : 'auto';
}

/**
 * Parse `text` (from `file`, used in messages only). Throws an input StoryctlError naming
 * `file:line:column` for malformed content. Empty input yields no documents.
 */
export function parseSnapshotText(
  text: string,
  file: string,
  format: SnapshotFormat = formatForName(file),
): ParsedDocument[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const start = firstNonSpace(source);
  if (start < 0) return [];
  const looksJson = source[start] === '{' || source[start] === '[';
  if (format === 'json' || (format === 'auto' && looksJson)) {
    const parsed = tryJson(source, start);
    if (parsed.ok) return [parsed.doc];
    // Only a `.json` file must be JSON; elsewhere a leading brace may open a YAML flow mapping.
    if (format === 'json') throw malformed('JSON', file, source, parsed.offset, parsed.reason);
  }
  return parseYaml(source, file);
}

/**
 * Offset of the first non-whitespace character, or -1. Not `text.search(/\S/)`: V8 keeps the
 * subject of the last successful match alive, which would hold a 200 MB capture past its parse.
 */
function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) if (!/\s/.test(text.charAt(i))) return i;
  return -1;
}

type JsonResult = { ok: true; doc: ParsedDocument } | { ok: false; offset: number; reason: string };

function tryJson(source: string, start: number): JsonResult {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    return { ok: false, offset: jsonErrorOffset(source, error), reason: shortJsonReason(error) };
  }
  const line = lineColumnAt(source, start).line;
  // JSON.parse keeps no positions: they come from the text, each when first asked for.
  const positions = jsonPositions(source, value);
  return {
    ok: true,
    doc: {
      value,
      line,
      lineOf: (path) => (path.length === 0 ? line : (positions.lineOf(path) ?? line)),
      warnings: () =>
        positions.duplicateKeys().map((d) => ({
          line: d.line,
          message: `duplicate key ${JSON.stringify(d.key)} (first at line ${d.firstLine}): only the last value is read, the first is hidden`,
        })),
    },
  };
}

function parseYaml(source: string, file: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, { lineCounter, prettyErrors: false });
  if ('empty' in docs) {
    const first = docs.errors[0];
    if (first) throw malformed('YAML', file, source, first.pos[0], first.message);
    return [];
  }
  const out: ParsedDocument[] = [];
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first) throw malformed('YAML', file, source, first.pos[0], first.message);
    const contents = doc.contents;
    // `---` with nothing after it (or a trailing separator) is an empty document, not an object.
    if (contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // Alias bombs and unresolvable aliases surface here rather than as parse errors.
      throw malformed(
        'YAML',
        file,
        source,
        contents.range[0],
        error instanceof Error ? error.message : String(error),
      );
    }
    if (value === null || value === undefined) continue;
    const line = lineCounter.linePos(contents.range[0]).line;
    // The YAML parser rejects duplicate keys itself (an error above), so nothing is left to warn of.
    out.push({ value, line, lineOf: (path) => nodeLine(doc, lineCounter, path) ?? line, warnings: () => [] });
  }
  return out;
}

function nodeLine(doc: Document.Parsed, lineCounter: LineCounter, path: NodePath): number | undefined {
  const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isNode(node) || !node.range) return undefined;
  return lineCounter.linePos(node.range[0]).line;
}

function malformed(kind: 'JSON' | 'YAML', file: string, source: string, offset: number, reason: string) {
  const { line, column } = lineColumnAt(source, offset);
  return inputError(`${file}:${line}:${column}: malformed ${kind}: ${firstLine(reason)}`, file, line);
}

function shortJsonReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // V8 quotes the whole input in "Unexpected token" messages; the location already says where.
  return message
    .replace(/^(Unexpected token .+?), (?:\.\.\.)?"[\s\S]*$/, '$1')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ at position \d+.*$/s, '');
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? text;
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}
