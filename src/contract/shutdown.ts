// CONTROLLER.md sections 8 and 9: the controller's finish rules plus the fix the operator's tracker
// asks for. Written once: the doctor's consistency rules (SR201–SR205) compare a run with what these
// functions say it should be, and the repair planner writes exactly what they return.
import type { Condition, StepRun, StepState, StoryRun } from '../model/kube.js';
import { formatGoDuration, parseGoDuration, roundedSecondsBetween } from './duration.js';
import { classifyPhase, isTerminal } from './phases.js';
import { formatKubeTime, parseTime } from './time.js';

export const CANCELED_MESSAGE = 'StoryRun gracefully canceled';
export const TOPOLOGY_MESSAGE = 'realtime topology terminated';
export const TOPOLOGY_REASON = 'TopologyTerminated';
const FINISH_CONDITIONS = ['Ready', 'Progressing', 'Degraded'] as const;

export type EndKind = 'canceled' | 'topology' | 'other';

/** How a (now or soon) terminal run ended, which decides what its open steps become (section 9.5). */
export function runEndKind(run: StoryRun): EndKind {
  const phase = run.status?.phase ?? '';
  if (run.spec?.cancelRequested === true || phase === 'Finished' || phase === 'Canceled') return 'canceled';
  const degraded = run.status?.conditions?.find((c) => c.type === 'Degraded');
  if (degraded?.reason === TOPOLOGY_REASON) return 'topology';
  if (!isTerminal(phase)) return 'canceled'; // a non-terminal run is finished *by* canceling it
  return 'other';
}

export function stepRunPhaseByStep(steps: readonly StepRun[]): Map<string, StepRun> {
  const byStep = new Map<string, StepRun>();
  for (const s of steps) {
    const id = s.spec?.stepId;
    if (id) byStep.set(id, s);
  }
  return byStep;
}

/** What a non-terminal step state becomes once its run is terminal in `finalPhase`. */
export function terminalStepState(
  state: StepState,
  end: EndKind,
  finalPhase: string,
  runFinishedAt: string | undefined,
  stepRun: StepRun | undefined,
): StepState {
  const next: StepState = { ...state };
  const srPhase = stepRun?.status?.phase;
  if (stepRun && isTerminal(srPhase)) {
    // The StepRun is the source of truth; the state is only a stale mirror of it.
    next.phase = srPhase as string;
    const msg = stepRun.status?.lastFailureMsg;
    if (msg) next.message = msg;
    const fin = stepRun.status?.finishedAt ?? runFinishedAt;
    if (!next.finishedAt && fin) next.finishedAt = fin;
    return next;
  }
  if (end === 'canceled') {
    next.phase = 'Canceled';
    next.message = CANCELED_MESSAGE;
  } else if (end === 'topology') {
    next.phase = 'Failed';
    next.message = TOPOLOGY_MESSAGE;
  } else {
    next.phase = 'Aborted';
    next.message = `StoryRun ended in phase ${finalPhase} before the step finished`;
  }
  if (!next.finishedAt && runFinishedAt) next.finishedAt = runFinishedAt;
  return next;
}

export interface Counters {
  stepsComplete: number;
  stepsFailed: number;
  stepsSkipped: number;
}

export function expectedCounters(stepStates: Record<string, StepState> | undefined): Counters {
  const c: Counters = { stepsComplete: 0, stepsFailed: 0, stepsSkipped: 0 };
  for (const s of Object.values(stepStates ?? {})) {
    if (s.phase === 'Succeeded') c.stepsComplete += 1;
    else if (s.phase === 'Failed') c.stepsFailed += 1;
    else if (s.phase === 'Skipped') c.stepsSkipped += 1;
  }
  return c;
}

export function countersOf(run: StoryRun): Counters {
  return {
    stepsComplete: run.status?.stepsComplete ?? 0,
    stepsFailed: run.status?.stepsFailed ?? 0,
    stepsSkipped: run.status?.stepsSkipped ?? 0,
  };
}

export function countersDiffer(a: Counters, b: Counters): boolean {
  return (
    a.stepsComplete !== b.stepsComplete ||
    a.stepsFailed !== b.stepsFailed ||
    a.stepsSkipped !== b.stepsSkipped
  );
}

export interface FinishTimeProblem {
  field: 'finishedAt' | 'duration';
  found: string | undefined;
  expected: string | undefined;
}

/** SR205 and rule 9.3: a terminal run needs finishedAt, and a duration within 1 s of finishedAt − startedAt. */
export function finishTimeProblems(run: StoryRun): FinishTimeProblem[] {
  const st = run.status ?? {};
  const problems: FinishTimeProblem[] = [];
  if (!st.finishedAt) {
    problems.push({ field: 'finishedAt', found: undefined, expected: 'set' });
    return problems;
  }
  const expected = expectedDuration(st.startedAt, st.finishedAt);
  if (expected === undefined) return problems;
  if (!durationAgrees(st.duration, expected)) {
    problems.push({ field: 'duration', found: st.duration, expected });
  }
  return problems;
}

export function expectedDuration(
  startedAt: string | undefined,
  finishedAt: string | undefined,
): string | undefined {
  if (!startedAt || !finishedAt) return undefined;
  const secs = roundedSecondsBetween(startedAt, finishedAt);
  return secs === undefined ? undefined : formatGoDuration(secs);
}

function durationAgrees(found: string | undefined, expected: string): boolean {
  if (found === undefined) return false;
  const f = parseGoDuration(found);
  const e = parseGoDuration(expected);
  return f !== undefined && e !== undefined && Math.abs(f - e) <= 1;
}

export interface StepStateCheck {
  step: string;
  state: StepState;
  stepRun: StepRun | undefined;
  /** What section 9.5 would make of this entry once the run is terminal; undefined when it is already terminal or unknown. */
  expected: StepState | undefined;
}

/** The non-terminal entries of a run's stepStates and what a terminal run should hold instead. */
export function openStepStates(
  run: StoryRun,
  steps: readonly StepRun[],
  finalPhase: string,
  finishedAt: string | undefined,
): StepStateCheck[] {
  const byStep = stepRunPhaseByStep(steps);
  const end = runEndKind(run);
  const out: StepStateCheck[] = [];
  for (const [step, state] of Object.entries(run.status?.stepStates ?? {})) {
    if (classifyPhase(state.phase) !== 'non-terminal') continue;
    const stepRun = byStep.get(step);
    out.push({
      step,
      state,
      stepRun,
      expected: terminalStepState(state, end, finalPhase, finishedAt, stepRun),
    });
  }
  return out;
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface StepRunAction {
  name: string;
  namespace: string;
  phase: string | undefined;
  resourceVersion?: string;
}

export interface FinishPlan {
  namespace: string;
  name: string;
  resourceVersion: string | undefined;
  previousPhase: string;
  finalPhase: string;
  /** Nothing to write: the run is already consistent and terminal. */
  noop: boolean;
  /** Set when storyctl will not plan this run (for example an unknown phase). */
  refusal?: string;
  /** Merge patch for the main resource (`spec.cancelRequested`), only for non-terminal runs. */
  specPatch?: { spec: { cancelRequested: true } };
  /** Merge patch for the `/status` subresource. */
  statusPatch?: { status: Record<string, unknown> };
  /** The status as it will read after the patch, for validation and read-back. */
  nextStatus: NonNullable<StoryRun['status']>;
  changes: FieldChange[];
  stepRunDeletions: StepRunAction[];
  /** StepRuns stuck in deletion: reported, never stripped of finalizers. */
  stuckDeleting: StepRunAction[];
  /** StepRuns with a phase storyctl does not know: left alone and reported. */
  unknownPhaseStepRuns: StepRunAction[];
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

  const becomesFinished = cls === 'non-terminal';
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
    if (c === 'unknown') unknownPhaseStepRuns.push(action);
    else if (s.metadata.deletionTimestamp) stuckDeleting.push(action);
    else if (!options.keepSteps) stepRunDeletions.push(action);
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
  if (specPatch) plan.specPatch = specPatch;
  if (statusChanged) plan.statusPatch = { status: patch };
  return plan;
}
