// CONTROLLER.md §9 as writes: the merge patches and StepRun deletions that make a run terminal and
// consistent. Pure. What the run must look like comes from src/contract/terminal-state.ts (the same
// facts the doctor's consistency rules compare against); this module only turns the difference into
// the plan's own fields, which src/repair/plan.ts spreads into the RunPlan as they are.
import { storyRunLabelValue } from '../contract/label.js';
import { classifyPhase } from '../contract/phases.js';
import {
  CANCELED_MESSAGE,
  durationAgrees,
  expectedCounters,
  expectedDuration,
  openStepStates,
} from '../contract/terminal-state.js';
import { formatKubeTime, parseTime } from '../contract/time.js';
import { LABELS, type Condition, type StepRun, type StepState, type StoryRun } from '../model/kube.js';
import type { FieldChange, RunPlan, StepRunAction } from './run-plan.js';

const FINISH_CONDITIONS = ['Ready', 'Progressing', 'Degraded'] as const;

/** The RunPlan fields §9 decides; the planner adds mode, action, findings, audit and permissions. */
export type ForceTerminalFields = Pick<
  RunPlan,
  | 'namespace'
  | 'name'
  | 'resourceVersion'
  | 'previousPhase'
  | 'finalPhase'
  | 'changes'
  | 'specPatch'
  | 'statusPatch'
  | 'stepRunDeletions'
  | 'stuckDeleting'
  | 'unknownPhaseStepRuns'
  | 'notes'
>;

export interface FinishPlan extends ForceTerminalFields {
  /** Nothing to write: the run is already consistent and terminal. */
  noop: boolean;
  /** Set when storyctl will not plan this run (for example an unknown phase). */
  refusal?: string;
  /** The status as it will read after the patch, for validation and read-back. */
  nextStatus: NonNullable<StoryRun['status']>;
}

export interface FinishOptions {
  /** Leave non-terminal StepRuns in place (`--keep-steps`). */
  keepSteps?: boolean;
}

function conditionsFor(
  run: StoryRun,
  becomesFinished: boolean,
  nowIso: string,
  generation: number | undefined,
): Condition[] | undefined {
  const existing = run.status?.conditions;
  if (!becomesFinished) {
    if (!existing || existing.length === 0) return existing;
    // Keep what the controller wrote; only make the list valid (Ready present, times set).
    const fixed = existing.map((c) => (c.lastTransitionTime ? c : { ...c, lastTransitionTime: nowIso }));
    if (!fixed.some((c) => c.type === 'Ready')) {
      const phase = run.status?.phase ?? '';
      const ok = phase === 'Succeeded';
      fixed.push(
        withGeneration(
          {
            type: 'Ready',
            status: ok ? 'True' : 'False',
            reason: phase || 'Unknown',
            message: run.status?.message ?? `StoryRun ${phase}`,
            lastTransitionTime: nowIso,
          },
          generation,
        ),
      );
    }
    return fixed;
  }
  const next: Condition[] = [];
  for (const type of FINISH_CONDITIONS) {
    const prev = existing?.find((c) => c.type === type);
    const keepTime = prev && prev.status === 'False' && prev.lastTransitionTime;
    next.push(
      withGeneration(
        {
          type,
          status: 'False',
          reason: 'Canceled',
          message: CANCELED_MESSAGE,
          lastTransitionTime: keepTime ? (prev.lastTransitionTime as string) : nowIso,
        },
        generation,
      ),
    );
  }
  for (const c of existing ?? []) {
    if (!(FINISH_CONDITIONS as readonly string[]).includes(c.type))
      next.push(c.lastTransitionTime ? c : { ...c, lastTransitionTime: nowIso });
  }
  return next;
}

function withGeneration(c: Condition, generation: number | undefined): Condition {
  return generation === undefined ? c : { ...c, observedGeneration: generation };
}

/**
 * Section 9 as data: what `finish --force-terminal` must write for `run`, given the StepRuns that
 * belong to it (already joined by label / storyRunRef) and the current time.
 */
export function planFinish(
  run: StoryRun,
  steps: readonly StepRun[],
  now: Date | number | string,
  options: FinishOptions = {},
): FinishPlan {
  const nowMs =
    typeof now === 'number'
      ? now
      : typeof now === 'string'
        ? (parseTime(now) ?? Date.parse(now))
        : now.getTime();
  const nowIso = formatKubeTime(nowMs);
  const status = run.status ?? {};
  const previousPhase = status.phase ?? '';
  const cls = classifyPhase(previousPhase);
  const base = {
    namespace: run.metadata.namespace ?? 'default',
    name: run.metadata.name,
    resourceVersion: run.metadata.resourceVersion,
    previousPhase,
  };
  if (cls === 'unknown') {
    return {
      ...base,
      finalPhase: previousPhase,
      noop: true,
      refusal: `phase "${previousPhase}" is not one storyctl knows (a newer operator?); not planning a repair`,
      nextStatus: status,
      changes: [],
      stepRunDeletions: [],
      stuckDeleting: [],
      unknownPhaseStepRuns: [],
    };
  }

  // §9.2 as the source has it (research/bobrapet.md B3): the cancel branch comes before the
  // terminal branch, and its only guard is `phase != Finished`. A Succeeded, Failed, Timeout, ...
  // run that already has cancelRequested is rewritten to Finished by the next reconcile (the
  // StepRun deletions below trigger exactly that one), so the repair writes that state itself.
  const rewrittenByController =
    cls === 'terminal' && run.spec?.cancelRequested === true && previousPhase !== 'Finished';
  const becomesFinished = cls === 'non-terminal' || rewrittenByController;
  const notes: string[] = [];
  if (rewrittenByController)
    notes.push(
      `spec.cancelRequested is already true on this ${previousPhase} run: the controller checks it before the terminal ` +
        `branch and rewrites the run to Finished / "${CANCELED_MESSAGE}" on its next reconcile (finishedAt and ` +
        `duration kept), so the repair writes that state itself; the old phase is kept in the previous-phase audit annotation`,
    );
  // Setting spec.cancelRequested (9.1) is a spec change, so the server bumps metadata.generation by
  // one before the status is written: observedGeneration must name that generation, as the
  // controller's next pass would (section 8), not the one that was read.
  const setsIntent = becomesFinished && run.spec?.cancelRequested !== true;
  const generation =
    run.metadata.generation === undefined ? undefined : run.metadata.generation + (setsIntent ? 1 : 0);
  const next: NonNullable<StoryRun['status']> = { ...status };
  const patch: Record<string, unknown> = {};
  const changes: FieldChange[] = [];
  const set = (key: string, value: unknown, path = `status.${key}`): void => {
    const before = (status as Record<string, unknown>)[key];
    if (JSON.stringify(before) === JSON.stringify(value)) return;
    (next as Record<string, unknown>)[key] = value;
    patch[key] = value;
    changes.push({ path, before, after: value });
  };

  // 9.2 phase and message.
  if (becomesFinished) {
    set('phase', 'Finished');
    set('message', CANCELED_MESSAGE);
  }
  const finalPhase = next.phase ?? previousPhase;

  // 9.3 timestamps.
  const finishedAt = status.finishedAt ?? nowIso;
  set('finishedAt', finishedAt);
  const expected = expectedDuration(status.startedAt, finishedAt);
  if (expected !== undefined && !durationAgrees(status.duration, expected)) set('duration', expected);

  // 9.5 step states (only the entries that change go into the merge patch).
  const stepPatch: Record<string, StepState> = {};
  const runForEnd: StoryRun = becomesFinished ? { ...run, status: { ...status, phase: 'Finished' } } : run;
  const label = storyRunLabelValue(run.metadata.name);
  const nextStates: Record<string, StepState> = { ...(status.stepStates ?? {}) };
  for (const check of openStepStates(runForEnd, steps, finalPhase, finishedAt)) {
    if (!check.expected) continue;
    stepPatch[check.step] = check.expected;
    nextStates[check.step] = check.expected;
    changes.push({
      path: `status.stepStates.${check.step}.phase`,
      before: check.state.phase,
      after: check.expected.phase,
    });
  }
  if (Object.keys(stepPatch).length > 0) {
    next.stepStates = nextStates;
    patch['stepStates'] = stepPatch;
  }

  // 9.6 counters from the states as they will be.
  const counters = expectedCounters(next.stepStates);
  for (const key of ['stepsComplete', 'stepsFailed', 'stepsSkipped'] as const) {
    if ((status[key] ?? 0) !== counters[key]) set(key, counters[key]);
  }

  // 9.4 conditions.
  const conditions = conditionsFor(run, becomesFinished, nowIso, generation);
  if (conditions !== undefined) set('conditions', conditions);

  // 9.7 leftover StepRuns.
  const stepRunDeletions: StepRunAction[] = [];
  const stuckDeleting: StepRunAction[] = [];
  const unknownPhaseStepRuns: StepRunAction[] = [];
  for (const s of steps) {
    const action: StepRunAction = {
      name: s.metadata.name,
      namespace: s.metadata.namespace ?? base.namespace,
      phase: s.status?.phase,
    };
    if (s.metadata.resourceVersion) action.resourceVersion = s.metadata.resourceVersion;
    const c = classifyPhase(s.status?.phase);
    if (c === 'terminal') continue;
    const unlabelled = s.metadata.labels?.[LABELS.storyRun] !== label;
    if (unlabelled) action.unlabelled = true;
    if (c === 'unknown') unknownPhaseStepRuns.push(action);
    else if (s.metadata.deletionTimestamp) stuckDeleting.push(action);
    else if (!options.keepSteps) {
      stepRunDeletions.push(action);
      if (unlabelled)
        notes.push(
          `StepRun ${s.metadata.name} belongs to the run by storyRunRef or owner but lacks the label ${LABELS.storyRun}=${label}: ` +
            'the controller lists StepRuns by that label only and would never delete it, so storyctl deletes it too',
        );
    }
  }

  const specPatch = setsIntent ? { spec: { cancelRequested: true as const } } : undefined;
  if (specPatch)
    changes.unshift({ path: 'spec.cancelRequested', before: run.spec?.cancelRequested, after: true });

  const statusChanged = Object.keys(patch).length > 0;
  // observedGeneration rides along with a real status write; alone it is not worth a repair.
  if (statusChanged && generation !== undefined && status.observedGeneration !== generation) {
    patch['observedGeneration'] = generation;
    next.observedGeneration = generation;
    changes.push({ path: 'status.observedGeneration', before: status.observedGeneration, after: generation });
  }

  const plan: FinishPlan = {
    ...base,
    finalPhase,
    noop: !specPatch && !statusChanged && stepRunDeletions.length === 0,
    nextStatus: next,
    changes,
    stepRunDeletions,
    stuckDeleting,
    unknownPhaseStepRuns,
  };
  if (notes.length > 0) plan.notes = notes;
  if (specPatch) plan.specPatch = specPatch;
  if (statusChanged) plan.statusPatch = { status: patch };
  return plan;
}
