// `storyctl prune --canceled`: the plan that deletes a canceled run the operator will never clean up
// (CONTROLLER.md §6: the cancel branch comes before the terminal branch, so no child cleanup and no
// retention delete) together with its terminal StepRuns. Pure, and as careful as finish: only runs
// that are canceled, terminal and older than the cut-off; never one with live work; every delete
// carries the resourceVersion it was planned from.
import { formatGoDuration } from '../contract/duration.js';
import { storyRunLabelValue } from '../contract/label.js';
import { classifyPhase } from '../contract/phases.js';
import { parseTime } from '../contract/time.js';
import { LABELS, type StepRun, type StoryRun } from '../model/kube.js';
import { permissionsFor } from './plan.js';
import type { RunPlan, StepRunAction } from './run-plan.js';

export interface PruneInput {
  run: StoryRun;
  /** The run's StepRuns, joined by label, storyRunRef or owner (unlabelled ones included). */
  steps: readonly StepRun[];
  /** Epoch ms. */
  now: number;
  /** Only runs that finished longer ago than this. */
  olderThanSeconds: number;
}

/** A canceled run the operator keeps for ever: cancelRequested, terminal, not being deleted. */
export function isCanceledTerminal(run: StoryRun): boolean {
  return (
    run.spec?.cancelRequested === true &&
    classifyPhase(run.status?.phase) === 'terminal' &&
    run.metadata.deletionTimestamp === undefined
  );
}

export function planPrune(input: PruneInput): RunPlan {
  const { run, steps, now, olderThanSeconds } = input;
  const namespace = run.metadata.namespace ?? 'default';
  const phase = run.status?.phase ?? '';
  const plan: RunPlan = {
    namespace,
    name: run.metadata.name,
    resourceVersion: run.metadata.resourceVersion,
    mode: 'prune',
    action: 'repair',
    previousPhase: phase,
    finalPhase: phase,
    findings: [],
    changes: [],
    stepRunDeletions: [],
    stuckDeleting: [],
    unknownPhaseStepRuns: [],
    permissions: [],
  };
  const refuse = (reason: string): RunPlan => ({ ...plan, action: 'refused', reason });
  if (run.metadata.deletionTimestamp)
    return { ...plan, action: 'no-op', reason: 'the run is already being deleted' };
  if (run.spec?.cancelRequested !== true)
    return refuse('the run was not canceled: the operator cleans it up itself');
  const cls = classifyPhase(phase);
  if (cls === 'unknown') return refuse(`phase "${phase}" is not one storyctl knows (a newer operator?)`);
  if (cls !== 'terminal')
    return refuse(
      `the run is still ${phase || 'without a phase'}: prune removes finished runs; finish it first`,
    );
  const finishedAt = parseTime(run.status?.finishedAt);
  if (finishedAt === undefined)
    return refuse(
      'the run has no finishedAt, so its age is unknown (SR205): run finish --force-terminal first',
    );
  const age = (now - finishedAt) / 1000;
  if (age <= olderThanSeconds)
    return {
      ...plan,
      action: 'no-op',
      reason: `finished ${formatGoDuration(Math.round(age))} ago, not older than ${formatGoDuration(olderThanSeconds)}`,
    };

  const label = storyRunLabelValue(run.metadata.name);
  for (const s of steps) {
    const action: StepRunAction = {
      name: s.metadata.name,
      namespace: s.metadata.namespace ?? namespace,
      phase: s.status?.phase,
    };
    if (s.metadata.resourceVersion) action.resourceVersion = s.metadata.resourceVersion;
    if (s.metadata.labels?.[LABELS.storyRun] !== label) action.unlabelled = true;
    const c = classifyPhase(s.status?.phase);
    if (s.metadata.deletionTimestamp) plan.stuckDeleting.push(action);
    else if (c === 'unknown') plan.unknownPhaseStepRuns.push(action);
    else if (c === 'non-terminal')
      return refuse(
        `StepRun ${s.metadata.name} is still ${s.status?.phase || 'without a phase'}: prune never deletes live work; ` +
          `finish the run with --force-terminal first`,
      );
    else plan.stepRunDeletions.push(action);
  }
  if (plan.unknownPhaseStepRuns.length > 0)
    return refuse(
      `StepRun ${plan.unknownPhaseStepRuns[0]?.name ?? ''} has a phase storyctl does not know: left alone`,
    );
  plan.runDeletion = { propagationPolicy: 'Background' };
  plan.notes = [
    `canceled and ${phase} ${formatGoDuration(Math.round(age))} ago (finishedAt ${run.status?.finishedAt ?? ''}), older than ` +
      `${formatGoDuration(olderThanSeconds)}: the operator never deletes canceled runs (its cancel branch comes before the ` +
      'terminal branch, CONTROLLER.md §6), so storyctl deletes it and its terminal StepRuns',
  ];
  plan.permissions = permissionsFor(plan);
  return plan;
}
