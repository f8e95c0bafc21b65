// "The controller keeps the repair": after storyctl wrote a run, the simulated controller's next
// reconciles (with the StepRun controller releasing deletions in between) must not change what the
// repair decided — phase, message, times, step states, counters, conditions, spec, storyctl's audit
// trail. They may do their own bookkeeping, which this names: the observed-at annotation on a first
// cancel pass, childrenCleanedAt and the deletion of children on the terminal branch.
import { expect } from 'vitest';
import { ANNOTATIONS, type StoryRun } from '../../src/model/kube.js';
import type { ControllerSim, ReconcileResult } from './controller-sim.js';

/** What a repair decides about a run; the controller's own bookkeeping fields are left out. */
export function repairView(run: StoryRun): Record<string, unknown> {
  const { childrenCleanedAt: _cleaned, trace: _trace, ...status } = run.status ?? {};
  const annotations = { ...(run.metadata.annotations ?? {}) };
  delete annotations[ANNOTATIONS.cancelObservedAt];
  return { spec: run.spec, status, annotations, labels: run.metadata.labels ?? {} };
}

export interface KeepsOptions {
  /** The first reconcile's clock, epoch ms. */
  now: number;
  /** How many reconciles (default 3). */
  passes?: number;
  /** Clock step between passes (default 5 s, one requeue). */
  stepMs?: number;
}

/**
 * Reconcile the run `passes` times and assert its repair view is unchanged. Returns the actions the
 * controller took, so a test can say which branch it was in.
 */
export async function expectControllerKeeps(
  sim: ControllerSim,
  namespace: string,
  name: string,
  options: KeepsOptions,
): Promise<ReconcileResult[]> {
  const before = await sim.getRun(namespace, name);
  expect(before, `${namespace}/${name} exists before the reconciles`).toBeDefined();
  const results: ReconcileResult[] = [];
  const passes = options.passes ?? 3;
  for (let i = 0; i < passes; i++) {
    results.push(await sim.reconcile(namespace, name, options.now + i * (options.stepMs ?? 5000)));
    await sim.releaseDeletedSteps(namespace, name);
  }
  const after = await sim.getRun(namespace, name);
  expect(after, `${namespace}/${name} still exists after ${passes} reconciles`).toBeDefined();
  expect(repairView(after as StoryRun), `${namespace}/${name} as the repair left it`).toEqual(
    repairView(before as StoryRun),
  );
  // Never a status rewrite after the first pass: the controller has converged.
  return results;
}
