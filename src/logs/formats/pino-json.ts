// LiveKit Agents for Node, production: pino JSON, `{"level":30,"time":<epoch ms>,"pid":…,"hostname":…,…,"msg":…}`.
import type { JsonFormat } from './types.js';
import { jsonRecord, setPid } from './json-record.js';

export const pinoJson: JsonFormat = {
  name: 'pino',
  family: 'livekit-js',
  syntax: 'json',
  dates: 'full',
  claims: (rec) => typeof rec.msg === 'string' && typeof rec.level === 'number',
  // pino with a string level (custom formatters) still has `time` and `pid`.
  claimsLoosely: (rec) => typeof rec.msg === 'string' && ('time' in rec || 'pid' in rec),
  fromJson(rec) {
    const { level, time, msg, pid, hostname, ...fields } = rec;
    const out = jsonRecord(level, msg as string, time, fields);
    setPid(out, pid);
    if (typeof hostname === 'string') out.hostname = hostname;
    const job = fields.jobID ?? fields.jobId ?? fields.job_id;
    if (typeof job === 'string') out.jobId = job;
    return out;
  },
};
