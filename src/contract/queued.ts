// CONTROLLER.md §11 / research/bobrapet.md B7: a step the DAG holds back is written into the run's
// stepStates as `Pending` with a `startedAt` and a "Queued due to …" message before it has any
// StepRun. Such a state is waiting, not lost. Pure.
import type { StepState } from '../model/kube.js';

export type QueueKind = 'story' | 'queue' | 'global' | 'priority' | 'scheduling';

/** dag.go's message prefixes, in the order isConcurrencyQueued tests them, plus the fallback reason. */
const PREFIXES: readonly [QueueKind, string][] = [
  ['story', 'Queued due to story concurrency limit'],
  ['queue', 'Queued due to queue concurrency limit'],
  ['global', 'Queued due to global concurrency limit'],
  ['priority', 'Queued due to higher-priority work'],
  // markQueuedSteps' reason when no limit names itself; the controller's isConcurrencyQueued does
  // not count it (it is not re-launched as queued), but the step has no StepRun yet all the same.
  ['scheduling', 'Queued due to scheduling limits'],
];

/** Why the DAG holds this step back, when its state says it does. */
export function queuedKind(state: StepState): QueueKind | undefined {
  if (state.phase !== 'Pending' || typeof state.message !== 'string') return undefined;
  return PREFIXES.find(([, prefix]) => state.message?.startsWith(prefix))?.[0];
}

/** The controller's own isConcurrencyQueued (dag.go): Pending with one of the four limit prefixes. */
export function isConcurrencyQueued(state: StepState): boolean {
  const kind = queuedKind(state);
  return kind !== undefined && kind !== 'scheduling';
}
