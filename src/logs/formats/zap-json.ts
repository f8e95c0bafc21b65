// The Bobrapet controller: controller-runtime's zap production JSON, `{"level":"info","ts":…,"logger":…,"msg":…,…}`.
// JSON.parse keeps the last of repeated keys, which is what zap's repeated `namespace`/`name` need.
import type { JsonFormat } from './types.js';
import { jsonRecord } from './json-record.js';

export const zapJson: JsonFormat = {
  name: 'zap',
  family: 'bobrapet',
  syntax: 'json',
  dates: 'full',
  claims: (rec) => typeof rec.msg === 'string' && 'ts' in rec,
  fromJson(rec) {
    const { level, ts, msg, ...fields } = rec;
    return jsonRecord(level, msg as string, ts, fields);
  },
};
