// Ductor's file handler (`agent.log`, `ductor_bot/logging_config.py` FILE_FMT):
// `%Y-%m-%d %H:%M:%S [LEVEL] <logger>:<file>:<line>: <ctx><message>`, the writer's local time
// without a zone or milliseconds (read in `--log-timezone`); never coloured. Tracebacks follow.
import { normalizeLevel } from '../../model/log-event.js';
import { ductorContext } from './ductor-context.js';
import { ductorLinesAfter } from './python-text.js';
import type { ParsedRecord, TextFormat } from './types.js';

const LINE =
  /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:[,.](\d{1,6}))? \[([A-Z]+)\] ([^\s:]+):([^\s:]+):(\d+): (.*)$/;
const OPENS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:[,.]\d+)? \[[A-Z]+\] /;

export const ductorFile: TextFormat = {
  name: 'ductor-file',
  family: 'ductor',
  syntax: 'text',
  dates: 'zone-less',
  continuation: ductorLinesAfter((head) => OPENS.test(head)),
  startsWith: (c) => c >= 48 && c <= 57,
  parse(lines, ctx) {
    const m = LINE.exec(lines[0] ?? '');
    if (!m) return undefined;
    const rec = ductorRecord(m[4] as string, m[8] as string, { logger: m[5], source: `${m[6]}:${m[7]}` });
    const frac = (m[3] ?? '0').slice(0, 3).padEnd(3, '0');
    const t = ctx.wallClock(`${m[1]}T${m[2]}.${frac}`);
    if (t !== undefined) rec.time = t;
    return rec;
  },
};

export function ductorRecord(level: string, text: string, fields: Record<string, unknown>): ParsedRecord {
  const rec: ParsedRecord = { level: normalizeLevel(level), message: text, fields };
  const c = ductorContext(text);
  if (c) {
    rec.ductor = c.context;
    rec.message = c.message;
  }
  return rec;
}
