// The three JSON formats (zap, pino, Python) are told apart by their keys after one JSON.parse.
// JSON.parse keeps the last of repeated keys, which is what zap's repeated `namespace`/`name` need.
import { normalizeLevel, normalizeTime, type LogEvent } from '../../model/log-event.js';

export interface Where {
  file: string;
  line: number;
}

export function parseJsonRecord(text: string, where: Where): LogEvent | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const rec = o as Record<string, unknown>;
  if (typeof rec.msg === 'string' && typeof rec.level === 'number') return pino(rec, where);
  if (typeof rec.msg === 'string' && 'ts' in rec) return zap(rec, where);
  if (typeof rec.message === 'string' && ('timestamp' in rec || 'name' in rec || 'level' in rec))
    return python(rec, where);
  // pino with a string level (custom formatters) still has `time` and `pid`.
  if (typeof rec.msg === 'string' && ('time' in rec || 'pid' in rec)) return pino(rec, where);
  return undefined;
}

function base(
  format: LogEvent['format'],
  where: Where,
  level: unknown,
  message: string,
  time: unknown,
  fields: Record<string, unknown>,
): LogEvent {
  const ev: LogEvent = {
    format,
    file: where.file,
    line: where.line,
    level: normalizeLevel(level),
    message,
    fields,
  };
  const t = normalizeTime(time);
  if (t !== undefined) ev.time = t;
  return ev;
}

function setPid(ev: LogEvent, pid: unknown): void {
  const n =
    typeof pid === 'number' ? pid : typeof pid === 'string' && /^\d+$/.test(pid) ? Number(pid) : undefined;
  if (n !== undefined) ev.pid = n;
}

function pino(rec: Record<string, unknown>, where: Where): LogEvent {
  const { level, time, msg, pid, hostname, ...fields } = rec;
  const ev = base('pino', where, level, msg as string, time, fields);
  setPid(ev, pid);
  if (typeof hostname === 'string') ev.hostname = hostname;
  const job = fields.jobID ?? fields.jobId ?? fields.job_id;
  if (typeof job === 'string') ev.jobId = job;
  return ev;
}

function zap(rec: Record<string, unknown>, where: Where): LogEvent {
  const { level, ts, msg, ...fields } = rec;
  return base('zap', where, level, msg as string, ts, fields);
}

function python(rec: Record<string, unknown>, where: Where): LogEvent {
  const { level, timestamp, message, pid, ...fields } = rec;
  const ev = base(
    'python-json',
    where,
    level,
    message as string,
    timestamp ?? fields.time ?? fields.asctime,
    fields,
  );
  setPid(ev, pid);
  const job = fields.job_id ?? fields.jobId;
  if (typeof job === 'string') ev.jobId = job;
  return ev;
}
