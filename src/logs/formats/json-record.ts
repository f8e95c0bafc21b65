// Shared by the JSON formats: the record's level, message, time and leftover keys, and a pid that
// may be written as a number or as digits.
import { normalizeLevel, normalizeTime } from '../../model/log-event.js';
import type { ParsedRecord } from './types.js';

export function jsonRecord(
  level: unknown,
  message: string,
  time: unknown,
  fields: Record<string, unknown>,
): ParsedRecord {
  const rec: ParsedRecord = { level: normalizeLevel(level), message, fields };
  const t = normalizeTime(time);
  if (t !== undefined) rec.time = t;
  return rec;
}

export function setPid(rec: ParsedRecord, pid: unknown): void {
  const n =
    typeof pid === 'number' ? pid : typeof pid === 'string' && /^\d+$/.test(pid) ? Number(pid) : undefined;
  if (n !== undefined) rec.pid = n;
}
