// LiveKit Agents for Python 1.6 `--simulation` and the TCP `console` (`cli/log.py` setup_logging,
// compact): `%(asctime)s %(levelname)-4s %(name)s %(message)s %(extra)s` with datefmt `%H:%M:%S`
// (the console variant starts with `\r`, which the reader drops). No date: the collector prefix or
// the input's running date supplies it.
import { pythonRecord } from './python-colored.js';
import { tracebackAfter } from './python-text.js';
import type { TextFormat } from './types.js';

// The logger has no colon: that tells it from Ductor's console (`name: message`).
const LINE = /^(\d{2}):(\d{2}):(\d{2}) (DEBUG|INFO|WARNING|ERROR|CRITICAL|DEV|TRACE) +([^\s:]+) (.*)$/;

export const pythonCompact: TextFormat = {
  name: 'python-compact',
  family: 'livekit-python',
  syntax: 'text',
  dates: 'time-of-day',
  continuation: tracebackAfter((head) => LINE.test(head)),
  startsWith: (c) => c >= 48 && c <= 57,
  parse(lines, ctx) {
    const m = LINE.exec(lines[0] ?? '');
    if (!m) return undefined;
    const rec = pythonRecord(m[4] as string, m[5] as string, m[6] as string, lines.slice(1));
    const t = ctx.timeOfDay(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000);
    if (t !== undefined) rec.time = t;
    return rec;
  },
};
