// The registry of the log formats storyctl reads (LOG-FORMATS.md). A new format is one file that
// exports its LogFormatSpec (./types.ts) and one entry here; detection (../detect.ts), the
// scanner's multi-line records and the rules' families all follow from the entry.
import { ductorConsole } from './ductor-console.js';
import { ductorFile } from './ductor-file.js';
import { pinoJson } from './pino-json.js';
import { pinoPretty } from './pino-pretty.js';
import { pythonColored } from './python-colored.js';
import { pythonCompact } from './python-compact.js';
import { pythonJson } from './python-json.js';
import type { Continuation, JsonFormat, LogFormatSpec, TextFormat } from './types.js';
import { zapConsole } from './zap-console.js';
import { zapJson } from './zap-json.js';

/**
 * In the order detection asks them: the first JSON format to claim an object wins (pino's numeric
 * level before zap's `ts`, both before Python's `message`), and the first text parser to accept a
 * line. Names are the format ids of docs/log-sources.md (scripts/log-sources-data.ts).
 */
export const FORMATS: readonly LogFormatSpec[] = [
  pinoJson,
  zapJson,
  pythonJson,
  pinoPretty,
  zapConsole,
  ductorFile,
  pythonColored,
  ductorConsole,
  pythonCompact,
];

export const JSON_FORMATS: readonly JsonFormat[] = FORMATS.filter((f) => f.syntax === 'json');
export const TEXT_FORMATS: readonly TextFormat[] = FORMATS.filter((f) => f.syntax === 'text');

const BY_NAME = new Map(FORMATS.map((f) => [f.name, f]));

export function formatNamed(name: string): LogFormatSpec | undefined {
  return BY_NAME.get(name);
}

const CONTINUATIONS: readonly Continuation[] = FORMATS.flatMap((f) =>
  f.continuation ? [f.continuation] : [],
);

/** Each shape test once (several formats share the traceback's), never the loose ones. */
const SHAPED: readonly ((line: string) => boolean)[] = [
  ...new Set(CONTINUATIONS.filter((c) => c.loose !== true).map((c) => c.continues)),
];

/**
 * Whether a line (prefixes stripped) has the shape of a continuation line, in any format. Runs on
 * every record the scanner looks at: the tests are gated on the first character.
 */
export function isContinuationLine(line: string): boolean {
  for (const continues of SHAPED) if (continues(line)) return true;
  return false;
}

/** The continuation of the record this first line opens, when its format's records can span lines. */
export function continuationOf(head: string): Continuation | undefined {
  // A JSON record is one line: the common case costs one comparison.
  if (head.charCodeAt(0) === 123 /* { */) return undefined;
  for (const c of CONTINUATIONS) if (c.opens(head)) return c;
  return undefined;
}
