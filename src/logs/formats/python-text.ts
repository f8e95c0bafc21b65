// Shared by the Python text formats (livekit-agents' ColoredFormatter, Ductor's handlers): the
// traceback lines that follow a record, and the extras JSON ColoredFormatter appends.
import type { Continuation } from './types.js';

/** `Type: message` or a bare exception type (`asyncio.exceptions.CancelledError`). */
const EXCEPTION_LINE = /^[A-Za-z_]\w*(?:\.\w+)*(?::(?: |$)|$)/;

/** Whether a line belongs to the traceback (or chained tracebacks) printed after a record. */
export function isTracebackLine(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  if (c === 32 || c === 9) return true; // `  File "…", line N, in f` and the code under it
  // Cheap gate first: this runs on lines of every format (a JSON line, a dated line never qualifies).
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return false;
  return (
    line.startsWith('Traceback (most recent call last)') ||
    line.startsWith('During handling of the above exception') ||
    line.startsWith('The above exception was the direct cause') ||
    EXCEPTION_LINE.test(line)
  );
}

/**
 * Whether a line may start a record of some format: a JSON object, a bracketed time (pino-pretty),
 * or a date or time of day at the start (every text format storyctl reads begins with one).
 */
function mayStartRecord(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 123 /* { */) return true;
  if (c === 91 /* [ */) return /^\[\d{2}:\d{2}:\d{2}/.test(line);
  return c >= 48 && c <= 57 && /^(?:\d{4}-\d{2}-\d{2}[ T]|\d{2}:\d{2}:\d{2} )/.test(line);
}

/**
 * Ductor's records: a traceback, or the lines of a `CLI stream cmd:` whose prompt excerpt keeps its
 * newlines (`ductor_bot/cli/claude_provider.py` `_log_cmd`), i.e. anything up to the next record.
 */
export function ductorLinesAfter(opens: (head: string) => boolean): Continuation {
  return { opens, continues: (line) => isTracebackLine(line) || !mayStartRecord(line), loose: true };
}

/** The traceback continuation of the records whose first line `opens` matches. */
export function tracebackAfter(opens: (head: string) => boolean): Continuation {
  return { opens, continues: isTracebackLine };
}

/**
 * ColoredFormatter's `%(message)s \e[90m%(extra)s\e[0m`, escapes already gone: the extras are one
 * JSON object at the end of the record's first line, or, for a record forwarded from a job process
 * with a traceback, at the end of the traceback's first copy (the traceback is part of the message
 * there). Returns the first line's message and the extras.
 */
export function pythonExtras(
  message: string,
  more: readonly string[],
): { message: string; extras: Record<string, unknown> } {
  const own = trailingObject(message);
  if (own) return { message: own.before, extras: own.extras };
  for (const line of more) {
    const found = trailingObject(line);
    if (found) return { message: message.replace(/ $/, ''), extras: found.extras };
  }
  // No extras: the formatter still wrote ` \e[90m\e[0m`, which leaves a trailing space.
  return { message: message.replace(/ $/, ''), extras: {} };
}

function trailingObject(text: string): { before: string; extras: Record<string, unknown> } | undefined {
  if (!text.endsWith('}')) return undefined;
  for (let i = text.lastIndexOf(' {'); i >= 0; i = text.lastIndexOf(' {', i - 1)) {
    try {
      const o: unknown = JSON.parse(text.slice(i + 1));
      if (typeof o === 'object' && o !== null && !Array.isArray(o))
        return { before: text.slice(0, i), extras: o as Record<string, unknown> };
    } catch {
      // not this brace; try an earlier one
    }
    if (i === 0) break;
  }
  return undefined;
}
