// LK104: one STT stream failed more often than its retries allow (maxRetry 3; LOG-FORMATS.md
// section 4). The tell is the retry attempt reaching maxRetry: agents-js 1.4–1.7 counts attempts in
// a loop variable that never resets for the stream's life (so exhaustion may spread over hours),
// livekit-agents resets it on every final transcript. The exhaustion itself is never logged as
// `after N attempts` at info: agents-js shows it as `AgentSession is closing due to an unrecoverable
// error` with `type: "stt_error"` (and, 1.4.0–1.6.2 at debug, an `Unhandled promise rejection`
// holding it), Python as the `failed to recognize speech after N attempts` exception in a traceback
// or `STT stream ended on an unrecoverable error, recreating` (1.6.6+).
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

/** Retries come 0.1 s then 2 s apart: JS errors closer than this are one burst of failures. */
const BURST_GAP_MS = 30_000;
const JS_UNRECOVERABLE = 'AgentSession is closing due to an unrecoverable error';
const PY_EXHAUSTED = 'failed to recognize speech after';
const PY_RECREATING = 'STT stream ended on an unrecoverable error';

interface Stream {
  first: LogEvent;
  proc: ProcessRef;
  errors: number;
  maxAttempt: number;
  /** JS errors in the current burst, and the time of the burst's last one. */
  burst: number;
  last: number | undefined;
  reported: boolean;
}

/** Whether an event says the STT stream gave up, in the words each SDK uses. */
function exhaustion(ev: LogEvent): string | undefined {
  if (ev.family === 'livekit-js') {
    if (ev.message.startsWith(JS_UNRECOVERABLE) && ev.fields.type === 'stt_error')
      return 'the session closed on an unrecoverable STT error';
    // 1.4.0–1.6.2 leave the exhaustion error unhandled: a debug line on the job logger.
    const err = ev.fields.error ?? ev.fields.err;
    if (ev.message.startsWith('Unhandled promise rejection') && err !== undefined) {
      const m = /failed to recognize speech after (\d+) attempts/.exec(JSON.stringify(err));
      if (m) return `failed to recognize speech after ${m[1]} attempts`;
    }
    return undefined;
  }
  if (ev.message.startsWith(PY_RECREATING)) return 'the STT stream ended on an unrecoverable error';
  // The exception's text: in the message (1.3.1–1.3.5 forward tracebacks inside it), `exc_info`, or
  // the traceback lines after a text record.
  const tb = ev.fields.traceback ?? ev.fields.exc_info;
  for (const text of [ev.message, typeof tb === 'string' ? tb : '']) {
    if (!text.includes(PY_EXHAUSTED)) continue;
    const m = /failed to recognize speech after (\d+) attempts/.exec(text);
    if (m) return `failed to recognize speech after ${m[1]} attempts`;
  }
  return undefined;
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
  needles: [STT_ERROR_JS, STT_RETRY, JS_UNRECOVERABLE, PY_EXHAUSTED, PY_RECREATING],
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
          lastAt: iso(s.last) ?? null,
        },
        anchor: iso(s.first.time) ?? `${s.first.file}:${s.first.line}`,
      });
    };
    return {
      onEvent(ev) {
        if (ev.family !== 'livekit-js' && ev.family !== 'livekit-python') return;
        const err = isSttError(ev);
        const retry = isSttRetry(ev) && !ev.message.startsWith(PY_EXHAUSTED);
        // Retries and error frames (most of what arrives) are not the exhaustion: skip its search.
        const gaveUp = retry || (err && !ev.message.startsWith(PY_EXHAUSTED)) ? undefined : exhaustion(ev);
        if (!err && !retry && gaveUp === undefined) return;
        const proc = agentProcess(ev);
        if (!proc) return;
        const t = ev.time;
        let s = streams.get(proc.key);
        if (!s) {
          s = { first: ev, proc, errors: 0, maxAttempt: 0, burst: 0, last: t, reported: false };
          streams.set(proc.key, s);
        }
        if (gaveUp !== undefined) return report(s, gaveUp);
        if (err) {
          s.errors++;
          const apart = t === undefined || s.last === undefined || t - s.last > BURST_GAP_MS;
          s.burst = apart && s.burst > 0 ? 1 : s.burst + 1;
        }
        if (t !== undefined) s.last = t;
        if (retry) s.maxAttempt = Math.max(s.maxAttempt, retryAttempt(ev) ?? 0);
        // JS logs each failure as an error and then the retry warning; a burst of more errors than
        // retries has run out even where a warning is missing.
        if (ev.family === 'livekit-js' && s.burst > STT_MAX_RETRY)
          report(s, `${s.burst} errors in one stream`);
        else if (s.maxAttempt >= STT_MAX_RETRY)
          report(s, `retry attempt ${s.maxAttempt} of ${STT_MAX_RETRY}`);
      },
      finish() {
        return { findings, notEvaluated: [] };
      },
    };
  },
};
