// CONTROLLER.md sections 8 and 9 as facts: what a terminal run's status must say (its step states,
// counters, finish time and duration). Written once: the doctor's consistency rules (SR201–SR205)
// compare a run with what these functions say it should be, and the repair planner
// (src/repair/plan-force-terminal.ts) writes exactly what they return.
import type { StepRun, StepState, StoryRun } from '../model/kube.js';
import { formatGoDuration, parseGoDuration, roundedSecondsBetween } from './duration.js';
import { classifyPhase, isTerminal } from './phases.js';

export const CANCELED_MESSAGE = 'StoryRun gracefully canceled';
export const TOPOLOGY_MESSAGE = 'realtime topology terminated';
export const TOPOLOGY_REASON = 'TopologyTerminated';

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

/** A duration within 1 s of the exact one is right: the controller rounds to the second. */
export function durationAgrees(found: string | undefined, expected: string): boolean {
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
