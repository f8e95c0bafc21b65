// The registry of the log formats storyctl reads (LOG-FORMATS.md). A new format is one file that
// exports its LogFormatSpec (./types.ts) and one entry here; detection (../detect.ts), the
// scanner's multi-line records and the rules' families all follow from the entry.
import { ductor } from './ductor.js';
import { pinoJson } from './pino-json.js';
import { pinoPretty } from './pino-pretty.js';
import { pythonJson } from './python-json.js';
import { pythonText } from './python-text.js';
import type { Continuation, JsonFormat, LogFormatSpec, TextFormat } from './types.js';
import { zapJson } from './zap-json.js';

/**
 * In the order detection asks them: the first JSON format to claim an object wins (pino's numeric
 * level before zap's `ts`, both before Python's `message`), and the first text parser to accept a line.
 */
export const FORMATS: readonly LogFormatSpec[] = [
  pinoJson,
  zapJson,
  pythonJson,
  pinoPretty,
  ductor,
  pythonText,
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

/** Whether a line (prefixes stripped) continues the record before it, in any format. */
export function isContinuationLine(line: string): boolean {
  for (const c of CONTINUATIONS) if (c.continues(line)) return true;
  return false;
}

/** The continuation of the record this first line opens, when its format's records can span lines. */
export function continuationOf(head: string): Continuation | undefined {
  for (const c of CONTINUATIONS) if (c.opens(head)) return c;
  return undefined;
}
