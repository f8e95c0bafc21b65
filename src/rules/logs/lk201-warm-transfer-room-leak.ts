// LK201: a warm transfer hung up on the caller room but never deleted it (LOG-FORMATS.md section 4).
import type { LogEvent } from '../../model/log-event.js';
import { endFor, type LogRule, type FindingDraft, type NotEvaluatedDraft } from '../types.js';
import { agentProcess, iso, locationOf, windowReason, type ProcessRef } from './common.js';

const WINDOW_S = 30;
const HANGUP = 'participant disconnected from caller room';
const DELETED = 'room deleted';
const CLEANUP_WARNINGS = [
  'failed to delete caller room',
  'automatic room deletion timed out',
  'no job context captured, cannot delete caller room',
];
const NO_JOB_CONTEXT = 'no job context found';

interface Hangup {
  ev: LogEvent;
  proc: ProcessRef;
  deletedAt?: number;
  warnings: string[];
}

function mentionsNoJobContext(ev: LogEvent): boolean {
  if (ev.message.includes(NO_JOB_CONTEXT)) return true;
  const err = ev.fields.error ?? ev.fields.err;
  return JSON.stringify(err ?? '').includes(NO_JOB_CONTEXT);
}

export const lk201: LogRule = {
  kind: 'log',
  meta: {
    id: 'LK201',
    name: 'warm-transfer-room-leak',
    severity: 'error',
    summary: 'A warm transfer hung up on the caller room and did not delete it within 30 s.',
    rationale:
      'After the caller leaves, the transfer agent must delete the caller room; when it cannot (no job context, API failure) the room and its participants linger and keep billing, and the next transfer may join a dead room.',
    fix: 'Run the warm-transfer cleanup inside the job entrypoint (job context available) or delete the room with the server API; check the warnings in the evidence.',
    docs: 'docs/rules/LK201.md',
    evidence:
      'when the caller hung up, the warnings about the room deletion (no job context, server gone, Twirp errors), and whether the room was deleted within 30 s.',
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
  needles: [HANGUP, DELETED, ...CLEANUP_WARNINGS, 'no job context'],
  create() {
    const pending = new Map<string, Hangup[]>();
    const all: Hangup[] = [];
    const noJobContext = new Set<string>();
    return {
      onEvent(ev) {
        const proc = agentProcess(ev);
        if (!proc) return;
        if (mentionsNoJobContext(ev)) noJobContext.add(proc.key);
        if (ev.message.startsWith(HANGUP)) {
          const h: Hangup = { ev, proc, warnings: [] };
          all.push(h);
          pending.set(proc.key, [...(pending.get(proc.key) ?? []), h]);
          return;
        }
        const list = pending.get(proc.key);
        if (!list) return;
        if (ev.message.startsWith(DELETED)) {
          for (const h of list) h.deletedAt = ev.time ?? 0;
          pending.delete(proc.key);
        } else {
          const w = CLEANUP_WARNINGS.find((c) => ev.message.startsWith(c));
          if (w) for (const h of list) h.warnings.push(w);
        }
      },
      finish(end) {
        const findings: FindingDraft[] = [];
        const notEvaluated: NotEvaluatedDraft[] = [];
        for (const h of all) {
          const t = h.ev.time;
          if (t === undefined) continue;
          const deadline = t + WINDOW_S * 1000;
          if (h.deletedAt !== undefined && h.deletedAt <= deadline) continue;
          const fileEnd = endFor(end, h.ev.file);
          if (h.deletedAt === undefined && (fileEnd === undefined || fileEnd < deadline)) {
            notEvaluated.push({
              subject: h.proc.subject,
              reason: windowReason('warm-transfer hang-up', WINDOW_S, t, endFor(end, h.ev.file)),
            });
            continue;
          }
          const noCtx = noJobContext.has(h.proc.key);
          const evidence: Record<string, unknown> = {
            hangupAt: iso(t),
            roomDeletedAt: h.deletedAt !== undefined ? iso(h.deletedAt) : 'never',
            windowSeconds: WINDOW_S,
          };
          const identity = /caller room: (.+), closing/.exec(h.ev.message)?.[1];
          // Kept under a PII key so redaction masks it unless --show-pii.
          if (identity !== undefined) evidence.participant = identity;
          if (h.warnings.length > 0) evidence.cleanupWarnings = [...new Set(h.warnings)];
          if (noCtx) evidence.noJobContext = true;
          findings.push({
            message: `${h.proc.subject.name}: caller room not deleted ${h.deletedAt !== undefined ? `until ${iso(h.deletedAt)}` : 'after the warm-transfer hang-up'} at ${iso(t)}${noCtx ? ' (no job context found: the cleanup ran outside the job entrypoint)' : ''}`,
            subject: h.proc.subject,
            location: locationOf(h.ev),
            evidence,
            anchor: iso(t) as string,
          });
        }
        return { findings, notEvaluated };
      },
    };
  },
};
