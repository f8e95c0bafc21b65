// LiveKit Agents for Python, production (`cli/log.py` JsonFormatter):
// `{"message": …, "level": "INFO", "name": "livekit.agents", …extras, "timestamp": …}`.
import type { JsonFormat } from './types.js';
import { jsonRecord, setPid } from './json-record.js';

export const pythonJson: JsonFormat = {
  name: 'python-json',
  family: 'livekit-python',
  syntax: 'json',
  dates: 'full',
  claims: (rec) => typeof rec.message === 'string' && ('timestamp' in rec || 'name' in rec || 'level' in rec),
  fromJson(rec) {
    const { level, timestamp, message, pid, ...fields } = rec;
    const out = jsonRecord(level, message as string, timestamp ?? fields.time ?? fields.asctime, fields);
    setPid(out, pid);
    const job = fields.job_id ?? fields.jobId;
    if (typeof job === 'string') out.jobId = job;
    return out;
  },
};
