// Ductor's file handler: `<date time> [LEVEL] <logger>:<file>:<line>: [agent:op:chat:sid8] message`,
// in the writer's local time without a zone.
import { normalizeLevel, type DuctorContext } from '../../model/log-event.js';
import type { ParsedRecord, TextFormat } from './types.js';

const LINE =
  /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:[,.](\d{1,6}))? \[([A-Z]+)\] ([^\s:]+):([^\s:]+):(\d+): (.*)$/;
const CTX = /^\[([^\]\s:]+)(?::([^\]\s:]*))?(?::([^\]\s:]*))?(?::([^\]\s:]*))?\] /;

export const ductor: TextFormat = {
  name: 'ductor',
  family: 'ductor',
  syntax: 'text',
  dates: 'zone-less',
  startsWith: (c) => c >= 48 && c <= 57,
  parse(lines, ctx) {
    const m = LINE.exec(lines[0] ?? '');
    if (!m) return undefined;
    let message = m[8] as string;
    const fields: Record<string, unknown> = { logger: m[5], source: `${m[6]}:${m[7]}` };
    const rec: ParsedRecord = { level: normalizeLevel(m[4]), message, fields };
    const c = CTX.exec(message);
    if (c) {
      const context: DuctorContext = { agent: c[1] as string };
      if (c[2]) context.op = c[2];
      if (c[3]) context.chat = c[3];
      if (c[4]) context.session = c[4];
      rec.ductor = context;
      message = message.slice(c[0].length);
      rec.message = message;
    }
    const frac = (m[3] ?? '0').slice(0, 3).padEnd(3, '0');
    const t = ctx.wallClock(`${m[1]}T${m[2]}.${frac}`);
    if (t !== undefined) rec.time = t;
    return rec;
  },
};
