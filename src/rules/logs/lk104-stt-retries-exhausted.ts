// LK104: one STT stream failed more often than its retries allow (maxRetry 3; LOG-FORMATS.md section 4).
import type { LogEvent } from '../../model/log-event.js';
import type { LogRule, FindingDraft } from '../types.js';
import {
  agentProcess,
  iso,
  isSttError,
  isSttRetry,
  locationOf,
  retryAttempt,
  STT_ERROR_JS,
  STT_MAX_RETRY,
  STT_RETRY,
  type ProcessRef,
} from './common.js';

/** Retries come 0.1 s then 2 s apart; errors further apart than this are a new stream. */
const STREAM_GAP_MS = 30_000;

interface Stream {
  first: LogEvent;
  proc: ProcessRef;
  errors: number;
  maxAttempt: number;
  last: number;
  reported: boolean;
}

export const lk104: LogRule = {
  kind: 'log',
  meta: {
    id: 'LK104',
    name: 'stt-retries-exhausted',
    severity: 'warning',
    summary:
      'An STT stream failed more times than its retries allow; speech recognition stopped for that session.',
    rationale:
      'The STT plugin retries a failed stream maxRetry times (3 by default); after that the session has no transcription and the caller talks to an agent that cannot hear.',
    fix: 'Check the inference STT errors in the evidence (quota, auth, region); raise connect options maxRetry only if the failures are transient.',
    docs: 'docs/rules/LK104.md',
    evidence: 'the retry warnings (`failed to recognize speech`) with their attempts, and the last error.',
    upstream: [
      {
        repo: 'livekit/agents-js',
        file: 'agents/src/stt/stt.ts',
        version: '1.4.0–1.7.0',
        behaviour: '`SpeechStream.mainTask` retries `maxRetry` (3) times and then gives up without a warning',
      },
      {
        repo: 'livekit/agents-js',
        file: 'agents/src/types.ts',
        version: '1.4.0–1.7.0',
        behaviour: '`DEFAULT_API_CONNECT_OPTIONS`: `maxRetry: 3`, `retryIntervalMs: 2000`',
      },
      {
        repo: 'livekit/agents',
        file: 'livekit-agents/livekit/agents/stt/stt.py',
        version: '1.3.1–1.6.10',
        behaviour: 'the Python retry loop and its warning',
      },
    ],
    family: 'livekit',
  },
  needles: [STT_ERROR_JS, STT_RETRY],
  create() {
    const streams = new Map<string, Stream>();
    const findings: FindingDraft[] = [];
    const report = (s: Stream, why: string): void => {
      if (s.reported) return;
      s.reported = true;
      findings.push({
        message: `${s.proc.subject.name}: STT retries exhausted (${why}) from ${iso(s.first.time) ?? `line ${s.first.line}`}`,
        subject: s.proc.subject,
        location: locationOf(s.first),
        evidence: {
          firstErrorAt: iso(s.first.time),
          errors: s.errors,
          maxAttempt: s.maxAttempt,
          maxRetry: STT_MAX_RETRY,
          lastAt: iso(s.last),
        },
        anchor: iso(s.first.time) ?? `${s.first.file}:${s.first.line}`,
      });
    };
    return {
      onEvent(ev) {
        const err = isSttError(ev);
        const retry = isSttRetry(ev);
        if (!err && !retry) return;
        const proc = agentProcess(ev);
        if (!proc) return;
        const t = ev.time ?? 0;
        let s = streams.get(proc.key);
        if (!s || t - s.last > STREAM_GAP_MS) {
          s = { first: ev, proc, errors: 0, maxAttempt: 0, last: t, reported: false };
          streams.set(proc.key, s);
        }
        s.last = t;
        if (err) s.errors++;
        if (retry) s.maxAttempt = Math.max(s.maxAttempt, retryAttempt(ev) ?? 0);
        // JS logs the error and then the retry warning, so errors > maxRetry + 1... the 4th error
        // without a retry after it; Python logs one warning per failed attempt.
        if (ev.family === 'livekit-js' && s.errors > STT_MAX_RETRY)
          report(s, `${s.errors} errors in one stream`);
        else if (s.maxAttempt >= STT_MAX_RETRY)
          report(s, `retry attempt ${s.maxAttempt} of ${STT_MAX_RETRY}`);
      },
      finish() {
        return { findings, notEvaluated: [] };
      },
    };
  },
};
