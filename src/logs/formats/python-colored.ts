// LiveKit Agents for Python 1.6 `dev` / `start --log-format colored` (`cli/log.py` ColoredFormatter):
// `%(asctime)s - %(levelname)-4s %(name)s - %(message)s %(extra)s`, SGR codes around the level and
// the extras (gone by now: the reader strips them). `asctime` has no zone: the writer's local time,
// read in `--log-timezone`. A traceback follows on raw lines.
import { normalizeLevel } from '../../model/log-event.js';
import { pythonExtras, tracebackAfter } from './python-text.js';
import type { ParsedRecord, TextFormat } from './types.js';

const LINE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3}) - ([A-Z]+) +(\S+) - (.*)$/;
const OPENS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - /;

export const pythonColored: TextFormat = {
  name: 'python-colored',
  family: 'livekit-python',
  syntax: 'text',
  dates: 'zone-less',
  continuation: tracebackAfter((head) => OPENS.test(head)),
  startsWith: (c) => c >= 48 && c <= 57,
  parse(lines, ctx) {
    const m = LINE.exec(lines[0] ?? '');
    if (!m) return undefined;
    const rec = pythonRecord(m[4] as string, m[5] as string, m[6] as string, lines.slice(1));
    const t = ctx.wallClock(`${m[1]}T${m[2]}.${m[3]}`);
    if (t !== undefined) rec.time = t;
    return rec;
  },
};

/** Level, logger, message and extras (with the forwarded `pid` / `job_id`) of a Python text record. */
export function pythonRecord(level: string, logger: string, text: string, more: string[]): ParsedRecord {
  const { message, extras } = pythonExtras(text, more);
  const fields: Record<string, unknown> = { ...extras, logger };
  const rec: ParsedRecord = { level: normalizeLevel(level), message, fields };
  if (more.length > 0) fields.traceback = more.join('\n');
  const pid = extras.pid;
  if (typeof pid === 'number') rec.pid = pid;
  const job = extras.job_id;
  if (typeof job === 'string') rec.jobId = job;
  return rec;
}
