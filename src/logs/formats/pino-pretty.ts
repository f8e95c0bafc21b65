// LiveKit Agents for Node, `dev`: pino-pretty, `[17:20:01.123] INFO (4242): message`, then indented
// `key: value` lines; an object value spans several deeper-indented lines. No date: the collector
// prefix or the input's running date supplies it.
import { normalizeLevel } from '../../model/log-event.js';
import type { ParsedRecord, TextFormat } from './types.js';

const HEADER = /^\[(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?\] ([A-Z]+) \(([^)]*)\): ?(.*)$/;
const FIELD = /^ {4}([^\s:][^:]*): ?(.*)$/;
const OPENS = /^\[\d{2}:\d{2}:\d{2}/;

export const pinoPretty: TextFormat = {
  name: 'pino-pretty',
  family: 'livekit-js',
  syntax: 'text',
  dates: 'time-of-day',
  continuation: {
    opens: (head) => OPENS.test(head),
    continues: (line) => {
      const c = line.charCodeAt(0);
      return c === 32 || c === 9;
    },
  },
  startsWith: (c) => c === 91 /* [ */,
  parse(lines, ctx) {
    const m = HEADER.exec(lines[0] ?? '');
    if (!m) return undefined;
    const msOfDay =
      ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number((m[4] ?? '0').padEnd(3, '0'));
    const fields = fieldLines(lines.slice(1));
    const rec: ParsedRecord = { level: normalizeLevel(m[5]), message: m[7] as string, fields };
    // `(4242)`, `(name/4242)` or `(4242 on host)`.
    const who = /^(?:[^/]*\/)?(\d+)(?: on (.+))?$/.exec(m[6] as string);
    if (who) {
      rec.pid = Number(who[1]);
      if (who[2] !== undefined) rec.hostname = who[2];
    }
    const host = fields.hostname;
    if (rec.hostname === undefined && typeof host === 'string') rec.hostname = host;
    const job = fields.jobID ?? fields.jobId;
    if (typeof job === 'string') rec.jobId = job;
    const t = ctx.timeOfDay(msOfDay);
    if (t !== undefined) rec.time = t;
    return rec;
  },
};

/** The indented `key: value` lines; a value that spans lines is read as JSON when it parses. */
function fieldLines(lines: readonly string[]): Record<string, unknown> {
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
  for (const raw of lines) {
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
  return fields;
}
