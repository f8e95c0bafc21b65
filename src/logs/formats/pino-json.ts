// LiveKit Agents for Node, production (`start`): pino 8 JSON as `agents/src/log.ts` configures it,
// `{"level":30,"time":<epoch ms>,"pid":…,"hostname":…,<bindings>,<fields>,"msg":…}`. Keys repeat as
// written (the job logger binds `pid` again; `Configuring session recording` logs a second
// `hostname`, the cloud host); `jobID` comes from the job logger, `jobId` from JobContext; errors
// sit under `error` or `err` (pino-std-serializers' shape).
import type { JsonFormat } from './types.js';
import { jsonRecord, setPid } from './json-record.js';

const HOSTNAME_KEY = '"hostname":"';
const STRING_BODY = /^((?:[^"\\]|\\.)*)"/;

/**
 * The first `hostname` value as written (the base binding, right after `pid`): JSON.parse keeps the
 * last. The text is only decoded when it differs from the parsed value (a repeated key).
 */
function firstHostname(text: string, parsed: string): string {
  const at = text.indexOf(HOSTNAME_KEY);
  if (at === -1) return parsed;
  const from = at + HOSTNAME_KEY.length;
  if (text.startsWith(parsed, from) && text.charCodeAt(from + parsed.length) === 34 /* " */) return parsed;
  const m = STRING_BODY.exec(text.slice(from));
  if (!m) return parsed;
  try {
    return JSON.parse(`"${m[1] as string}"`) as string;
  } catch {
    return parsed;
  }
}

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
    if (typeof hostname === 'string') out.hostname = firstHostname(text, hostname);
    const job = fields.jobID ?? fields.jobId ?? fields.job_id;
    if (typeof job === 'string') out.jobId = job;
    return out;
  },
};
