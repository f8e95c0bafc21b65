// CONTROLLER.md §9.8, and issue 16 item 1: the audit trail is the record of what storyctl did, so
// what is already on the run is evidence. Keys an earlier repair wrote are never overwritten (a
// rerun after a crash, or a second operator racing the first, would otherwise record the phase
// storyctl itself wrote as the "previous" one); only missing keys are added. Pure.
import { formatKubeTime } from '../contract/time.js';
import { ANNOTATIONS, type ManagedFieldsEntry, type StoryRun } from '../model/kube.js';

/** storyctl's own keys; the operator's keys are never written. */
export const AUDIT_ANNOTATIONS = {
  finishedAt: `${ANNOTATIONS.auditPrefix}finished-at`,
  finishedBy: `${ANNOTATIONS.auditPrefix}finished-by`,
  reason: `${ANNOTATIONS.auditPrefix}reason`,
  previousPhase: `${ANNOTATIONS.auditPrefix}previous-phase`,
} as const;

/** The field manager storyctl's writes are recorded under in managedFields. */
export const STORYCTL_FIELD_MANAGER = 'storyctl';

export interface AuditContext {
  now: number;
  user: string | undefined;
  reason: string;
}

type AuditKey = keyof typeof AUDIT_ANNOTATIONS;

/** The audit keys already on the run. */
export function existingAudit(run: StoryRun): Partial<Record<AuditKey, string>> {
  const annotations = run.metadata.annotations ?? {};
  const out: Partial<Record<AuditKey, string>> = {};
  for (const [key, name] of Object.entries(AUDIT_ANNOTATIONS) as [AuditKey, string][]) {
    const value = annotations[name];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function onlyMissing(run: StoryRun, wanted: Record<AuditKey, string>): Record<string, string> | undefined {
  const present = existingAudit(run);
  const out: Record<string, string> = {};
  for (const key of Object.keys(AUDIT_ANNOTATIONS) as AuditKey[])
    if (present[key] === undefined) out[AUDIT_ANNOTATIONS[key]] = wanted[key];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** What a repair about to change the run writes: the keys an earlier repair did not. */
export function auditForRepair(
  run: StoryRun,
  ctx: AuditContext & { previousPhase: string },
): Record<string, string> | undefined {
  return onlyMissing(run, {
    finishedAt: formatKubeTime(ctx.now),
    finishedBy: ctx.user ?? 'unknown',
    reason: ctx.reason,
    previousPhase: ctx.previousPhase,
  });
}

/**
 * storyctl's last write to the run's status, from managedFields: an entry of its field manager
 * that owns status fields. The message alone cannot tell (the controller writes the same
 * "StoryRun gracefully canceled", and a repaired Failed run keeps its own), the field manager can.
 */
export function storyctlStatusWrite(run: StoryRun): ManagedFieldsEntry | undefined {
  return (run.metadata.managedFields ?? []).find(
    (e) =>
      e.manager === STORYCTL_FIELD_MANAGER &&
      (e.subresource === 'status' || typeof e.fieldsV1?.['f:status'] === 'object'),
  );
}

/**
 * A run whose status storyctl wrote without the audit (an older storyctl, which wrote the status
 * first, killed before its annotations): it owes the keys it lacks, whether or not anything else is
 * left to write (its StepRuns, say). What
 * cannot be known any more is said so: `finished-by` unknown, `previous-phase` unknown when storyctl
 * wrote the phase (else the phase it kept); `finished-at` is the time managedFields recorded.
 */
export function lateAudit(run: StoryRun, ctx: AuditContext): Record<string, string> | undefined {
  const entry = storyctlStatusWrite(run);
  if (!entry) return undefined;
  const status = entry.fieldsV1?.['f:status'];
  const wrotePhase =
    typeof status === 'object' && status !== null && 'f:phase' in (status as Record<string, unknown>);
  return onlyMissing(run, {
    finishedAt: entry.time ?? formatKubeTime(ctx.now),
    finishedBy: 'unknown',
    reason: `${ctx.reason} (audit written afterwards by ${ctx.user ?? 'unknown'}: storyctl had written the status without it)`,
    previousPhase: wrotePhase ? 'unknown' : (run.status?.phase ?? 'unknown'),
  });
}
