// Per-line format detection (no flag), through the registry (./formats/index.ts): a `{` line is
// parsed once and offered to the JSON formats in order; any other line goes to the text formats
// whose first-character test it passes, and the first parser to accept it wins.
import type { LogEvent } from '../model/log-event.js';
import { JSON_FORMATS, TEXT_FORMATS } from './formats/index.js';
import type { LogFormatSpec, ParseContext, ParsedRecord } from './formats/types.js';
import { wallClockTime } from './input-clock.js';

export interface Where {
  file: string;
  line: number;
}

/**
 * `lines` is a record as the scanner gathered it (its first line, then continuation lines);
 * `dayOf` turns a time of day into a full time for formats that print no date.
 */
export function parseRecord(
  lines: readonly string[],
  where: Where,
  dayOf: (msOfDay: number) => number | undefined,
): LogEvent | undefined {
  const first = lines[0];
  if (first === undefined) return undefined;
  const ctx: ParseContext = { timeOfDay: dayOf, wallClock: wallClockTime };
  const c = first.charCodeAt(0);
  if (c === 123 /* { */) return parseJson(first, where, ctx);
  for (const f of TEXT_FORMATS) {
    if (!f.startsWith(c)) continue;
    const rec = f.parse(lines, ctx);
    if (rec) return event(f, where, rec);
  }
  return undefined;
}

function parseJson(text: string, where: Where, ctx: ParseContext): LogEvent | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const obj = o as Record<string, unknown>;
  const f =
    JSON_FORMATS.find((j) => j.claims(obj)) ?? JSON_FORMATS.find((j) => j.claimsLoosely?.(obj) === true);
  return f ? event(f, where, f.fromJson(obj, ctx)) : undefined;
}

function event(f: LogFormatSpec, where: Where, rec: ParsedRecord): LogEvent {
  return { format: f.name, family: f.family, file: where.file, line: where.line, ...rec };
}
