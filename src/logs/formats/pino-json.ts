// LiveKit Agents for Node, production (`start`): pino 8 JSON as `agents/src/log.ts` configures it,
// `{"level":30,"time":<epoch ms>,"pid":…,"hostname":…,<bindings>,<fields>,"msg":…}`. Keys repeat as
// written (the job logger binds `pid` again; `Configuring session recording` logs a second
// `hostname`, the cloud host); `jobID` comes from the job logger, `jobId` from JobContext; errors
// sit under `error` or `err` (pino-std-serializers' shape).
import type { JsonFormat } from './types.js';
import { jsonRecord, setPid } from './json-record.js';

const FIRST_HOSTNAME = /"hostname":"((?:[^"\\]|\\.)*)"/;

export const pinoJson: JsonFormat = {
  name: 'pino-json',
  family: 'livekit-js',
  syntax: 'json',
  dates: 'full',
  claims: (rec) => typeof rec.msg === 'string' && typeof rec.level === 'number',
  // pino with a string level (custom formatters) still has `time` and `pid`.
  claimsLoosely: (rec) => typeof rec.msg === 'string' && ('time' in rec || 'pid' in rec),
  fromJson(rec, _ctx, text) {
    const { level, time, msg, pid, hostname, ...fields } = rec;
    const out = jsonRecord(level, msg as string, time, fields);
    setPid(out, pid);
    if (typeof hostname === 'string') {
      // The base binding comes first; JSON.parse keeps the last one.
      const first =
        text.indexOf('"hostname":"') === text.lastIndexOf('"hostname":"')
          ? undefined
          : FIRST_HOSTNAME.exec(text);
      out.hostname = first ? (JSON.parse(`"${first[1] as string}"`) as string) : hostname;
    }
    const job = fields.jobID ?? fields.jobId ?? fields.job_id;
    if (typeof job === 'string') out.jobId = job;
    return out;
  },
};
