// The Bobrapet controller: controller-runtime's zap production JSON (`cmd/main.go` `zap.Options{}`),
// `{"level":"info","ts":…,"logger":…,"msg":…,…}`. Keys repeat (`namespace`, `name`, `steprun`):
// JSON.parse keeps the last, so the rules name objects from the reconcile context's `StoryRun` /
// `StepRun` object or the call's own keys, never from a bare `name`.
import type { JsonFormat } from './types.js';
import { jsonRecord } from './json-record.js';

export const zapJson: JsonFormat = {
  name: 'zap-json',
  family: 'bobrapet',
  syntax: 'json',
  dates: 'full',
  claims: (rec) => typeof rec.msg === 'string' && 'ts' in rec,
  fromJson(rec) {
    const { level, ts, msg, ...fields } = rec;
    return jsonRecord(level, msg as string, ts, fields);
  },
};
