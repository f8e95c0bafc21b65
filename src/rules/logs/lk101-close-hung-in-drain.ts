// LK101: a forced session close that never finished (RULES.md; LOG-FORMATS.md section 4).
import type { LogEvent } from '../../model/log-event.js';
import { endFor, type LogRule, type FindingDraft, type NotEvaluatedDraft } from '../types.js';
import {
  agentProcess,
  CLOSE_DONE_JS,
  CLOSE_DONE_PY,
  CLOSE_TIMEOUT_JS,
  CLOSE_TIMEOUT_PY,
  FORCED_CLOSE,
  isCloseDone,
  isCloseTimeout,
  isForcedClose,
  iso,
  isSttError,
  isSttRetry,
  locationOf,
  PROCESS_EXITING,
  STT_ERROR_JS,
  STT_RETRY,
  windowReason,
  type ProcessRef,
} from './common.js';

/** The SDKs' own close bound (agents-js 1.4.6+, livekit-agents 1.5.15+); the config can change it. */
export const DEFAULT_FORCED_CLOSE_WINDOW_SECONDS = 60;

interface Open {
  ev: LogEvent;
  proc: ProcessRef;
  closedAt?: number;
  sttAfter: number;
  closeTimeoutAt?: number;
}

export const lk101: LogRule = {
  kind: 'log',
  meta: {
    id: 'LK101',
    name: 'close-hung-in-drain',
    severity: 'error',
    summary: 'A forced AgentSession close started and did not finish within 60 s.',
    rationale:
      'When the participant leaves, the agent closes its session; the close drains the activity first. A close that never logs `AgentSession closed` leaves the job, its STT socket and its room alive, and the process never takes new work.',
    fix: 'Upgrade @livekit/agents (1.4.6+) or livekit-agents (1.5.15+) for the 60 s close bound, and make tools and speech tasks cancellable so the drain can finish.',
    docs: 'docs/rules/LK101.md',
    evidence:
      'when the forced close was logged and when (or whether) the close finished; how long the capture ran after it; STT events after the close; the job id.',
    upstream: [
      {
        repo: 'livekit/agents-js',
        file: 'agents/src/voice/room_io/room_io.ts',
        version: '1.4.0–1.7.0',
        behaviour: '`closing agent session due to participant disconnect` starts the forced close',
      },
      {
        repo: 'livekit/agents-js',
        file: 'agents/src/voice/agent_session.ts',
        version: '1.4.0–1.7.0',
        behaviour: '`AgentSession closed` ends it',
      },
      {
        repo: 'livekit/agents',
        file: 'livekit-agents/livekit/agents/voice/agent_session.py',
        version: '1.3.1–1.6.10',
        behaviour:
          'Python logs `session closed` at debug only; `process exiting` (ipc/supervised_proc.py) ends the job',
      },
    ],
    family: 'livekit',
  },
  needles: [
    FORCED_CLOSE,
    CLOSE_DONE_JS,
    CLOSE_DONE_PY,
    PROCESS_EXITING,
    CLOSE_TIMEOUT_JS,
    CLOSE_TIMEOUT_PY,
    STT_ERROR_JS,
    STT_RETRY,
  ],
  create(ctx) {
    const windowSeconds = ctx.forcedCloseWindowSeconds ?? DEFAULT_FORCED_CLOSE_WINDOW_SECONDS;
    const open = new Map<string, Open[]>();
    const all: Open[] = [];
    return {
      onEvent(ev) {
        const proc = agentProcess(ev);
        if (!proc) return;
        if (isForcedClose(ev)) {
          const o: Open = { ev, proc, sttAfter: 0 };
          all.push(o);
          const list = open.get(proc.key) ?? [];
          list.push(o);
          open.set(proc.key, list);
          return;
        }
        const list = open.get(proc.key);
        if (!list || list.length === 0) return;
        if (isCloseDone(ev)) {
          for (const o of list) o.closedAt = ev.time ?? o.ev.time ?? 0;
          open.delete(proc.key);
        } else if (isCloseTimeout(ev)) {
          for (const o of list) o.closeTimeoutAt ??= ev.time ?? 0;
        } else if (isSttError(ev) || isSttRetry(ev)) {
          for (const o of list) o.sttAfter++;
        }
      },
      finish(end) {
        const findings: FindingDraft[] = [];
        const notEvaluated: NotEvaluatedDraft[] = [];
        for (const o of all) {
          const t = o.ev.time;
          if (t === undefined) continue;
          const js = o.ev.family === 'livekit-js';
          const late = o.closedAt !== undefined && o.closedAt - t > windowSeconds * 1000;
          if (o.closedAt !== undefined && !late) continue;
          const fileEnd = endFor(end, o.ev.file);
          const captured = fileEnd !== undefined && fileEnd >= t + windowSeconds * 1000;
          const evidenceAfter = o.closeTimeoutAt !== undefined || o.sttAfter > 0;
          if (!js && !late && !evidenceAfter) {
            // Python's `session closed` is debug-only: silence alone proves nothing.
            if (!captured)
              notEvaluated.push({
                subject: o.proc.subject,
                reason: windowReason('forced close', windowSeconds, t, endFor(end, o.ev.file)),
              });
            continue;
          }
          if (js && !late && !captured) {
            notEvaluated.push({
              subject: o.proc.subject,
              reason: windowReason('forced close', windowSeconds, t, endFor(end, o.ev.file)),
            });
            continue;
          }
          const evidence: Record<string, unknown> = {
            forcedCloseAt: iso(t),
            closedAt: o.closedAt !== undefined ? iso(o.closedAt) : 'never',
            waitedSeconds: Math.round(((o.closedAt ?? endFor(end, o.ev.file) ?? t) - t) / 1000),
            windowSeconds,
            sttEventsAfterClose: o.sttAfter,
          };
          if (o.closeTimeoutAt !== undefined) evidence.closeTimeoutAt = iso(o.closeTimeoutAt);
          if (o.ev.jobId !== undefined) evidence.jobId = o.ev.jobId;
          const what = late
            ? `took ${evidence.waitedSeconds} s to log AgentSession closed`
            : `never logged ${js ? '`AgentSession closed`' : '`session closed` / `process exiting`'} (${evidence.waitedSeconds} s of capture after it${o.sttAfter > 0 ? `, ${o.sttAfter} STT events after it` : ''})`;
          findings.push({
            message: `${o.proc.subject.name}: forced close at ${iso(t)} ${what}`,
            subject: o.proc.subject,
            location: locationOf(o.ev),
            evidence,
            anchor: iso(t) as string,
          });
        }
        return { findings, notEvaluated };
      },
    };
  },
};
