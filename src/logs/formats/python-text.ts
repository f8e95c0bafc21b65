// LiveKit Agents for Python, `dev`: `2026-08-21 17:50:04,511 - WARNING livekit.agents - message {"extra": ...}`.
// `asctime` has no zone: the writer's local time.
import { normalizeLevel } from '../../model/log-event.js';
import type { ParsedRecord, TextFormat } from './types.js';

const LINE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3}) - ([A-Z]+) (\S+) - (.*)$/;

export const pythonText: TextFormat = {
  name: 'python-text',
  family: 'livekit-python',
  syntax: 'text',
  dates: 'zone-less',
  startsWith: (c) => c >= 48 && c <= 57,
  parse(lines, ctx) {
    const m = LINE.exec(lines[0] ?? '');
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
    const rec: ParsedRecord = { level: normalizeLevel(m[4]), message, fields };
    const t = ctx.wallClock(`${m[1]}T${m[2]}.${m[3]}`);
    if (t !== undefined) rec.time = t;
    const pid = fields.pid;
    if (typeof pid === 'number') rec.pid = pid;
    const job = fields.job_id;
    if (typeof job === 'string') rec.jobId = job;
    return rec;
  },
};
