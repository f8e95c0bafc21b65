// Ductor: `<date time> [LEVEL] <logger>:<file>:<line>: [agent:op:chat:sid8] message`.
import { normalizeLevel, type DuctorContext, type LogEvent } from '../../model/log-event.js';
import type { Where } from './json.js';

const LINE =
  /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:[,.](\d{1,6}))? \[([A-Z]+)\] ([^\s:]+):([^\s:]+):(\d+): (.*)$/;
const CTX = /^\[([^\]\s:]+)(?::([^\]\s:]*))?(?::([^\]\s:]*))?(?::([^\]\s:]*))?\] /;

export function parseDuctor(text: string, where: Where): LogEvent | undefined {
  const m = LINE.exec(text);
  if (!m) return undefined;
  let message = m[8] as string;
  const fields: Record<string, unknown> = { logger: m[5], source: `${m[6]}:${m[7]}` };
  const ev: LogEvent = {
    format: 'ductor',
    file: where.file,
    line: where.line,
    level: normalizeLevel(m[4]),
    message,
    fields,
  };
  const c = CTX.exec(message);
  if (c) {
    const ctx: DuctorContext = { agent: c[1] as string };
    if (c[2]) ctx.op = c[2];
    if (c[3]) ctx.chat = c[3];
    if (c[4]) ctx.session = c[4];
    ev.ductor = ctx;
    message = message.slice(c[0].length);
    ev.message = message;
  }
  const frac = (m[3] ?? '0').slice(0, 3).padEnd(3, '0');
  const t = Date.parse(`${m[1]}T${m[2]}.${frac}Z`);
  if (!Number.isNaN(t)) ev.time = t;
  return ev;
}
