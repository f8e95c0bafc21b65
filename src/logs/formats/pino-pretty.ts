// pino-pretty (LiveKit Agents JS `dev`): `[17:20:01.123] INFO (4242): message`, then indented
// `key: value` lines; an object value spans several deeper-indented lines.
import { normalizeLevel, type LogEvent } from '../../model/log-event.js';
import type { Where } from './json.js';

const HEADER = /^\[(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?\] ([A-Z]+) \(([^)]*)\): ?(.*)$/;
const FIELD = /^ {4}([^\s:][^:]*): ?(.*)$/;

/**
 * `dayOf` turns a time of day into a full time: pino-pretty prints no date, so the caller supplies
 * the collector's prefix time or the running date of the file.
 */
export function parsePrettyRecord(
  lines: readonly string[],
  where: Where,
  dayOf: (msOfDay: number) => number | undefined,
): LogEvent | undefined {
  const m = HEADER.exec(lines[0] ?? '');
  if (!m) return undefined;
  const msOfDay =
    ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number((m[4] ?? '0').padEnd(3, '0'));
  const fields: Record<string, unknown> = {};
  let key: string | undefined;
  let value: string[] = [];
  const flush = (): void => {
    if (key === undefined) return;
    const text = value.join('\n').trim();
    try {
      fields[key] = JSON.parse(text);
    } catch {
      fields[key] = text;
    }
  };
  for (const raw of lines.slice(1)) {
    const f = FIELD.exec(raw);
    if (f) {
      flush();
      key = f[1] as string;
      value = [f[2] as string];
    } else if (key !== undefined) {
      value.push(raw);
    }
  }
  flush();
  const ev: LogEvent = {
    format: 'pino-pretty',
    file: where.file,
    line: where.line,
    level: normalizeLevel(m[5]),
    message: m[7] as string,
    fields,
  };
  // `(4242)`, `(name/4242)` or `(4242 on host)`.
  const who = /^(?:[^/]*\/)?(\d+)(?: on (.+))?$/.exec(m[6] as string);
  if (who) {
    ev.pid = Number(who[1]);
    if (who[2] !== undefined) ev.hostname = who[2];
  }
  const host = fields.hostname;
  if (ev.hostname === undefined && typeof host === 'string') ev.hostname = host;
  const job = fields.jobID ?? fields.jobId;
  if (typeof job === 'string') ev.jobId = job;
  const t = dayOf(msOfDay);
  if (t !== undefined) ev.time = t;
  return ev;
}
