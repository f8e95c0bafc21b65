// Per-line format detection (no flag): the first character picks the candidates, the parser of
// each candidate decides. Order matters only between the two date-led text formats.
import type { LogEvent } from '../model/log-event.js';
import { parseDuctor } from './formats/ductor.js';
import { parseJsonRecord, type Where } from './formats/json.js';
import { parsePrettyRecord } from './formats/pino-pretty.js';
import { parsePythonText } from './formats/python-text.js';

export function parseRecord(
  lines: readonly string[],
  where: Where,
  dayOf: (msOfDay: number) => number | undefined,
): LogEvent | undefined {
  const first = lines[0];
  if (first === undefined) return undefined;
  const c = first.charCodeAt(0);
  if (c === 123 /* { */) return parseJsonRecord(first, where);
  if (c === 91 /* [ */) return parsePrettyRecord(lines, where, dayOf);
  if (c >= 48 && c <= 57) return parseDuctor(first, where) ?? parsePythonText(first, where);
  return undefined;
}
