// Ductor's console handler (stderr: what `docker logs` and `kubectl logs` capture;
// `ductor_bot/logging_config.py` CONSOLE_FMT): `%H:%M:%S <LEVEL padded to 8> <logger>: <ctx><message>`,
// no date, no file:line; SGR around the padded level when stderr is a TTY (the reader strips it).
import { ductorRecord } from './ductor-file.js';
import { ductorLinesAfter } from './python-text.js';
import type { TextFormat } from './types.js';

const LINE = /^(\d{2}):(\d{2}):(\d{2}) (DEBUG|INFO|WARNING|ERROR|CRITICAL|NOTSET|[A-Z]+) +([^\s:]+): (.*)$/;

export const ductorConsole: TextFormat = {
  name: 'ductor-console',
  family: 'ductor',
  syntax: 'text',
  dates: 'time-of-day',
  continuation: ductorLinesAfter((head) => LINE.test(head)),
  startsWith: (c) => c >= 48 && c <= 57,
  parse(lines, ctx) {
    const m = LINE.exec(lines[0] ?? '');
    if (!m) return undefined;
    const rec = ductorRecord(m[4] as string, m[6] as string, { logger: m[5] });
    const t = ctx.timeOfDay(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000);
    if (t !== undefined) rec.time = t;
    return rec;
  },
};
