// LK102: the STT socket of a session whose close never finished stays open; the inference
// server closes it for inactivity (code 2007) about every 30 minutes (LOG-FORMATS.md section 4).
import type { LogEvent } from '../../model/log-event.js';
import type { LogRule, FindingDraft } from '../types.js';
import {
  agentProcess,
  CLOSE_DONE_JS,
  CLOSE_DONE_PY,
  FORCED_CLOSE,
  INACTIVITY,
  is2007,
  isCloseDone,
  isForcedClose,
  iso,
  isSttRetry,
  locationOf,
  PROCESS_EXITING,
  retryAttempt,
  STT_ERROR_JS,
  STT_ERROR_PY,
  STT_RETRY,
  type ProcessRef,
} from './common.js';

/** 2007 errors closer than this belong to one closure (the error line and its retries). */
const CLOSURE_GAP_MS = 60_000;

interface Closure {
  first: number;
  last: number;
  maxAttempt: number;
}

interface Orphan {
  start: LogEvent;
  proc: ProcessRef;
  closures: Closure[];
  firstEvent?: LogEvent;
}

export const lk102: LogRule = {
  kind: 'log',
  meta: {
    id: 'LK102',
    name: 'orphaned-stt-socket',
    severity: 'error',
    summary:
      'After a close that never finished, the process keeps an STT socket the server closes for inactivity (2007).',
    rationale:
      'A session stuck in its close keeps its inference STT stream; every ~30 minutes the server closes it with 2007 "session closed due to agent inactivity" and the plugin reconnects, billing and holding a worker slot for a call that ended.',
    fix: 'Restart the worker process named in the finding; upgrade the agents SDK to a release with the 60 s close bound, and fix what blocks the drain (see LK101).',
    docs: 'docs/rules/LK102.md',
    evidence:
      'the forced close that never finished, the 2007 closures (`session closed due to agent inactivity`) after it, their cadence, and how long the socket has stayed open.',
    upstream: [
      {
        repo: 'livekit/agents-js',
        file: 'agents/src/inference/stt.ts',
        version: '1.4.0–1.7.0',
        behaviour: "`Received error from LiveKit STT` carries the server's error frame (code and message)",
      },
      {
        repo: 'livekit/agents',
        file: 'livekit-agents/livekit/agents/inference/stt.py',
        version: '1.3.1–1.6.10',
        behaviour: 'the inference STT error frame, retried through the STT retry loop',
      },
    ],
    family: 'livekit',
  },
  needles: [
    FORCED_CLOSE,
    CLOSE_DONE_JS,
    CLOSE_DONE_PY,
    PROCESS_EXITING,
    STT_ERROR_JS,
    STT_ERROR_PY,
    STT_RETRY,
    // No bare `2007`: a 2007 only counts inside an STT error line, whose own needles find it, and
    // a 4-byte needle would make the byte search check every position instead of every fourth.
    INACTIVITY,
  ],
  create() {
    const current = new Map<string, Orphan>();
    const done: Orphan[] = [];
    return {
      onEvent(ev) {
        const proc = agentProcess(ev);
        if (!proc) return;
        if (isForcedClose(ev)) {
          if (!current.has(proc.key)) current.set(proc.key, { start: ev, proc, closures: [] });
          return;
        }
        const o = current.get(proc.key);
        if (!o) return;
        if (isCloseDone(ev)) {
          if (o.closures.length > 0) done.push(o);
          current.delete(proc.key);
          return;
        }
        const t = ev.time ?? 0;
        if (is2007(ev)) {
          const last = o.closures[o.closures.length - 1];
          const attempt = isSttRetry(ev) ? (retryAttempt(ev) ?? 0) : 0;
          if (last && t - last.last <= CLOSURE_GAP_MS) {
            last.last = t;
            last.maxAttempt = Math.max(last.maxAttempt, attempt);
          } else {
            o.closures.push({ first: t, last: t, maxAttempt: attempt });
          }
          o.firstEvent ??= ev;
        } else if (isSttRetry(ev)) {
          const last = o.closures[o.closures.length - 1];
          if (last && t - last.last <= CLOSURE_GAP_MS)
            last.maxAttempt = Math.max(last.maxAttempt, retryAttempt(ev) ?? 0);
        }
      },
      finish() {
        const findings: FindingDraft[] = [];
        for (const o of [...done, ...current.values()]) {
          if (o.closures.length === 0) continue;
          const firsts = o.closures.map((c) => c.first);
          const first = firsts[0] as number;
          const last = o.closures[o.closures.length - 1]?.last as number;
          const gaps = firsts.slice(1).map((t, i) => (t - (firsts[i] as number)) / 60_000);
          const cadence =
            gaps.length > 0
              ? Math.round((gaps.reduce((a, b) => a + b, 0) / gaps.length) * 10) / 10
              : undefined;
          const evidence: Record<string, unknown> = {
            forcedCloseAt: iso(o.start.time),
            closures2007: o.closures.length,
            firstAt: iso(first),
            lastAt: iso(last),
            retryAttempts: o.closures.map((c) => c.maxAttempt),
            stillOpenHours: Math.round(((last - (o.start.time ?? first)) / 3_600_000) * 100) / 100,
          };
          if (cadence !== undefined) evidence.cadenceMinutes = cadence;
          if (o.firstEvent) evidence.firstErrorLine = o.firstEvent.line;
          findings.push({
            message: `${o.proc.subject.name}: STT socket orphaned after an unfinished close; ${o.closures.length} × 2007 (session closed due to agent inactivity) from ${iso(first)} to ${iso(last)}${cadence !== undefined ? `, every ~${cadence} min` : ''}`,
            subject: o.proc.subject,
            location: locationOf(o.start),
            evidence,
            anchor: iso(o.start.time ?? first) as string,
          });
        }
        return { findings, notEvaluated: [] };
      },
    };
  },
};
