// LiveKit Agents for Python, production (`start`): `cli/log.py` JsonFormatter (1.3.7+),
// `{"message": …, "level": "INFO", "name": "livekit.agents", [exc_info,] …extras, "timestamp": …}`, and
// `cli/cli.py`'s own JsonFormatter (1.3.1–1.3.6), `{"level": …, "name": …, "message": …, …}`. Records
// forwarded from a job process carry `pid`, `job_id` and `room_id` (up to 1.5) or `room` (1.6).
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
