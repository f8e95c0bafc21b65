// What a log format is to the reader (LOG-FORMATS.md): one entry of the registry in ./index.ts.
// Each format file exports one of these; the registry orders them and detect.ts dispatches.
import type { LogEvent, LogFamily } from '../../model/log-event.js';

/** What a parser fills in; detection adds the format's name and family, the file and the line. */
export type ParsedRecord = Omit<LogEvent, 'format' | 'family' | 'file' | 'line'>;

/**
 * How a format writes time. `full`: a date with a zone, or an epoch. `time-of-day`: no date
 * (pino-pretty), so the collector prefix or the input's running date supplies it. `zone-less`: a
 * date and time without a zone (Python dev text, Ductor), read as wall-clock time.
 */
export type DateHandling = 'full' | 'time-of-day' | 'zone-less';

/** What a parser is given to place times it cannot place alone. */
export interface ParseContext {
  /** A time of day (ms since midnight) as a full time, or undefined when no date is known. */
  timeOfDay(msOfDay: number): number | undefined;
  /** `YYYY-MM-DDTHH:MM:SS[.sss]` without a zone, as epoch ms. */
  wallClock(text: string): number | undefined;
}

/** Lines after a record's first line that belong to it (pino-pretty's indented `key: value` lines). */
export interface Continuation {
  /** Whether a first line (prefixes stripped) opens a record that the lines after it may continue. */
  opens(head: string): boolean;
  /** Whether a line (prefixes stripped) continues the record before it. */
  continues(line: string): boolean;
}

interface FormatInfo {
  /** Reported per input (`LogEvent.format`). */
  readonly name: string;
  /** The program that writes it: what the rules ask (`LogEvent.family`). */
  readonly family: LogFamily;
  readonly dates: DateHandling;
  /** Present when the format's records can span several lines. */
  readonly continuation?: Continuation;
}

/** A format of one JSON object per line: the line is parsed once, then the formats are asked in turn. */
export interface JsonFormat extends FormatInfo {
  readonly syntax: 'json';
  /** Whether the object is this format's record, by its keys. */
  claims(rec: Record<string, unknown>): boolean;
  /** A weaker claim, asked only when no JSON format claims the object. */
  claimsLoosely?(rec: Record<string, unknown>): boolean;
  fromJson(rec: Record<string, unknown>, ctx: ParseContext): ParsedRecord;
}

/** A text format: a cheap test on the first character, then the parser decides. */
export interface TextFormat extends FormatInfo {
  readonly syntax: 'text';
  /** Whether a line starting with this character code can be this format's. */
  startsWith(charCode: number): boolean;
  /** The record (its first line, then any continuation lines), or undefined when it is not this format. */
  parse(lines: readonly string[], ctx: ParseContext): ParsedRecord | undefined;
}

export type LogFormatSpec = JsonFormat | TextFormat;
