// LK201: a warm transfer hung up on the caller room but never deleted it (LOG-FORMATS.md section 4,
// RULES.md). What counts as evidence depends on the version, because a successful delete is logged
// only by agents-js 1.5+ (`job.ts` deleteRoom: info `room deleted`); agents-js 1.4.x (a direct
// RoomServiceClient call) and livekit-agents (`job.py` delete_room) say nothing when it works. So:
// a cleanup failure or a missing job context after the hang-up is a finding in every version; a
// missing `room deleted` is one only where the version logs it. The version comes from the worker's
// `version` binding (`worker.ts`: every worker line carries the package version) or, failing that,
// from shapes only 1.5+ writes (`lk.pii.*` keys, `no job context captured`, a `room deleted` seen).
import type { LogEvent } from '../../model/log-event.js';
import { endFor, type LogRule, type FindingDraft, type NotEvaluatedDraft } from '../types.js';
import { agentProcess, iso, locationOf, windowReason, type ProcessRef } from './common.js';

const WINDOW_S = 30;
const HANGUP = 'participant disconnected from caller room';
const DELETED = 'room deleted';
const NO_CONTEXT_CAPTURED = 'no job context captured, cannot delete caller room';
const CLEANUP_FAILURES = [
  // agents-js 1.4.5+ (beta workflow; unreachable from 1.5 on)
  'failed to delete caller room',
  // agents-js 1.5+ `job.ts` deleteRoom (warn) and livekit-agents `job.py` delete_room (`: <e>`)
  'error while deleting room',
  // livekit-agents `job.py`
  'server disconnected while deleting room',
  'unknown error while deleting room',
  // livekit-agents `room_io.py` delete_room_on_close (1.4.0+)
  'automatic room deletion timed out',
  NO_CONTEXT_CAPTURED,
];
const NO_JOB_CONTEXT = 'no job context found';
/** agents-js worker lines that carry the worker's `version` binding. */
const WORKER_LINES = ['starting worker', 'registered worker', 'received job request'];

interface Hangup {
  ev: LogEvent;
  proc: ProcessRef;
  deletedAt?: number;
  deletedUndated?: boolean;
  failures: string[];
}

function mentionsNoJobContext(ev: LogEvent): boolean {
  if (ev.message.includes(NO_JOB_CONTEXT)) return true;
  const err = ev.fields.error ?? ev.fields.err;
  return err !== undefined && JSON.stringify(err).includes(NO_JOB_CONTEXT);
}

/** `1.4.9` → [1, 4]. */
function minorOf(version: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\./.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether an agents-js version logs `room deleted` when the warm transfer's delete succeeds. */
function logsRoomDeleted(version: string): boolean | undefined {
  const v = minorOf(version);
  if (!v) return undefined;
  return v[0] > 1 || (v[0] === 1 && v[1] >= 5);
}

export const lk201: LogRule = {
  kind: 'log',
  meta: {
    id: 'LK201',
    name: 'warm-transfer-room-leak',
    severity: 'error',
    summary: 'A warm transfer hung up on the caller room and did not delete it.',
    rationale:
      'After the caller leaves, the transfer agent must delete the caller room; when it cannot (no job context, API failure) the room and its participants linger and keep billing, and the next transfer may join a dead room. A cleanup failure is a finding in every version; a missing `room deleted` only in agents-js 1.5+, the only release that logs a successful delete.',
    fix: 'Run the warm-transfer cleanup inside the job entrypoint (job context available) or delete the room with the server API; check the warnings in the evidence.',
    docs: 'docs/rules/LK201.md',
    evidence:
      'when the caller hung up, the warnings about the room deletion (no job context, server gone, Twirp errors), and, in agents-js 1.5+, whether `room deleted` followed.',
    upstream: [
      {
        repo: 'livekit/agents-js',
        file: 'agents/src/workflows/warm_transfer.ts',
        version: '1.5.0–1.7.0',
        behaviour:
          '`participant disconnected from caller room, closing`, then `jobCtx.deleteRoom`; `no job context captured, cannot delete caller room`',
      },
      {
        repo: 'livekit/agents',
        file: 'livekit-agents/livekit/agents/beta/workflows/warm_transfer.py',
        version: '1.3.6–1.6.10',
        behaviour: 'the caller hang-up, then `job_ctx.delete_room`; `job.py` logs the deletion errors',
      },
    ],
    family: 'livekit',
  },
  needles: [HANGUP, DELETED, ...CLEANUP_FAILURES, 'no job context', ...WORKER_LINES],
  create() {
    const pending = new Map<string, Hangup[]>();
    const all: Hangup[] = [];
    const noJobContext = new Set<string>();
    /** Per input and host: the agents-js version, as its worker lines say it. */
    const versions = new Map<string, string>();
    /** Per input and host: shapes only agents-js 1.5+ writes. */
    const logsDeletes = new Set<string>();
    const host = (ev: LogEvent): string => `${ev.file}\u0000${ev.hostname ?? ''}`;
    return {
      onEvent(ev) {
        if (ev.family === 'livekit-js') {
          const v = ev.fields.version;
          if (typeof v === 'string' && WORKER_LINES.some((w) => ev.message.startsWith(w)))
            versions.set(host(ev), v);
          if (
            ev.message.startsWith(DELETED) ||
            ev.message.startsWith(NO_CONTEXT_CAPTURED) ||
            (ev.message.startsWith(HANGUP) && 'lk.pii.participant_identity' in ev.fields)
          )
            logsDeletes.add(host(ev));
        }
        const proc = agentProcess(ev);
        if (!proc) return;
        if (mentionsNoJobContext(ev)) noJobContext.add(proc.key);
        if (ev.message.startsWith(HANGUP)) {
          const h: Hangup = { ev, proc, failures: [] };
          all.push(h);
          pending.set(proc.key, [...(pending.get(proc.key) ?? []), h]);
          return;
        }
        const list = pending.get(proc.key);
        if (!list) return;
        if (ev.message.startsWith(DELETED)) {
          for (const h of list) {
            if (ev.time !== undefined) h.deletedAt = ev.time;
            else h.deletedUndated = true;
          }
          pending.delete(proc.key);
        } else {
          const w = CLEANUP_FAILURES.find((c) => ev.message.startsWith(c));
          if (w) for (const h of list) h.failures.push(w);
        }
      },
      finish(end) {
        const findings: FindingDraft[] = [];
        const notEvaluated: NotEvaluatedDraft[] = [];
        for (const h of all) {
          const t = h.ev.time;
          const noCtx = noJobContext.has(h.proc.key);
          const failed = h.failures.length > 0 || noCtx;
          const deletedInTime =
            h.deletedUndated === true ||
            (h.deletedAt !== undefined && t !== undefined && h.deletedAt <= t + WINDOW_S * 1000);
          if (!failed && deletedInTime) continue;
          if (!failed) {
            // Nothing but silence (or a late delete): evidence only where the version logs a delete.
            const js = h.ev.family === 'livekit-js';
            const version = versions.get(host(h.ev));
            const logs = js
              ? ((version !== undefined ? logsRoomDeleted(version) : undefined) ??
                (logsDeletes.has(host(h.ev)) ? true : undefined))
              : false;
            if (logs === false) continue;
            if (logs === undefined) {
              notEvaluated.push({
                subject: h.proc.subject,
                reason: `warm-transfer hang-up at ${iso(t) ?? `line ${h.ev.line}`}: no cleanup failure was logged, and the agents-js version is unknown (no worker line with \`version\`); only 1.5+ logs \`room deleted\`, so its absence proves nothing otherwise`,
              });
              continue;
            }
            if (t === undefined) {
              notEvaluated.push({
                subject: h.proc.subject,
                reason: `warm-transfer hang-up at ${h.ev.file}:${h.ev.line} has no date (a time of day with no dated line before it): the ${WINDOW_S} s window for \`room deleted\` cannot be placed`,
              });
              continue;
            }
            const fileEnd = endFor(end, h.ev.file);
            if (h.deletedAt === undefined && (fileEnd === undefined || fileEnd < t + WINDOW_S * 1000)) {
              notEvaluated.push({
                subject: h.proc.subject,
                reason: windowReason('warm-transfer hang-up', WINDOW_S, t, fileEnd),
              });
              continue;
            }
          }
          const evidence: Record<string, unknown> = {
            hangupAt: iso(t) ?? `${h.ev.file}:${h.ev.line}`,
            roomDeletedAt: h.deletedAt !== undefined ? iso(h.deletedAt) : 'never',
            windowSeconds: WINDOW_S,
          };
          const identity =
            /caller room: (.+), closing/.exec(h.ev.message)?.[1] ??
            h.ev.fields['lk.pii.participant_identity'] ??
            h.ev.fields.participantIdentity;
          // Kept under a PII key so redaction masks it unless --show-pii.
          if (typeof identity === 'string') evidence.participant = identity;
          if (h.failures.length > 0) evidence.cleanupWarnings = [...new Set(h.failures)];
          if (noCtx) evidence.noJobContext = true;
          const version = versions.get(host(h.ev));
          if (version !== undefined) evidence.agentsVersion = version;
          const what = failed
            ? `the cleanup failed after the warm-transfer hang-up (${[...new Set(h.failures)].join('; ') || 'no job context'})`
            : h.deletedAt !== undefined
              ? `caller room not deleted until ${iso(h.deletedAt)} after the warm-transfer hang-up`
              : 'caller room not deleted after the warm-transfer hang-up';
          findings.push({
            message: `${h.proc.subject.name}: ${what} at ${iso(t) ?? `line ${h.ev.line}`}${noCtx ? ' (no job context found: the cleanup ran outside the job entrypoint)' : ''}`,
            subject: h.proc.subject,
            location: locationOf(h.ev),
            evidence,
            anchor: iso(t) ?? `${h.ev.file}:${h.ev.line}`,
          });
        }
        return { findings, notEvaluated };
      },
    };
  },
};
