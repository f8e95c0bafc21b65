// LiveKit Agents Python `dev`: `2026-08-21 17:50:04,511 - WARNING livekit.agents - message {"extra": ...}`.
import { normalizeLevel, type LogEvent } from '../../model/log-event.js';
import type { Where } from './json.js';

const LINE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3}) - ([A-Z]+) (\S+) - (.*)$/;

export function parsePythonText(text: string, where: Where): LogEvent | undefined {
  const m = LINE.exec(text);
  if (!m) return undefined;
  let message = m[6] as string;
  let fields: Record<string, unknown> = {};
  // Extras are appended as one JSON object; find the last ` {` that parses to the end of the line.
  if (message.endsWith('}')) {
    for (let i = message.lastIndexOf(' {'); i >= 0; i = message.lastIndexOf(' {', i - 1)) {
      try {
        const extra: unknown = JSON.parse(message.slice(i + 1));
        if (typeof extra === 'object' && extra !== null && !Array.isArray(extra)) {
          fields = extra as Record<string, unknown>;
          message = message.slice(0, i);
          break;
        }
      } catch {
        // not this brace; try an earlier one
      }
      if (i === 0) break;
    }
  }
  fields.logger = m[5];
  // Python's default formatter prints local time without a zone; captured pods run in UTC.
  const ev: LogEvent = {
    format: 'python-text',
    file: where.file,
    line: where.line,
    level: normalizeLevel(m[4]),
    message,
    fields,
  };
  const t = Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`);
  if (!Number.isNaN(t)) ev.time = t;
  const pid = fields.pid;
  if (typeof pid === 'number') ev.pid = pid;
  const job = fields.job_id;
  if (typeof job === 'string') ev.jobId = job;
  return ev;
}
