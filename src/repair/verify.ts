// The read-back: the doctor's own cluster rules, run on one re-read run and its StepRuns. A repair
// is only done when the rules that describe an inconsistent run no longer fire for it.
import type { OperatorRelease } from '../contract/operator-release.js';
import type { ObjectSet, StepRun, Story, StoryRun, Transport } from '../model/kube.js';
import type { Finding } from '../model/report.js';
import { buildWorld } from '../model/world.js';
import { clusterRules, findRuleMeta } from '../rules/index.js';
import { runClusterRules } from '../rules/engine.js';
import { findingsOfRun } from '../rules/evaluate.js';

export interface RunFindingsInput {
  run: StoryRun;
  steps: readonly StepRun[];
  story?: Story | undefined;
  transports?: readonly Transport[];
  now: number;
  stopBudgetSeconds: number;
  /** The operator release the rules assume (detected or --operator-version). */
  operator?: OperatorRelease | undefined;
}

/** Every cluster finding that belongs to this run (rules/evaluate.ts: its own, its StepRuns', its Story's). */
export function findingsForRun(input: RunFindingsInput): Finding[] {
  const objects: ObjectSet = {
    storyRuns: [input.run],
    stepRuns: [...input.steps],
    stories: input.story ? [input.story] : [],
    transports: [...(input.transports ?? [])],
  };
  const world = buildWorld(objects, { operator: input.operator });
  const result = runClusterRules(clusterRules, world, {
    now: input.now,
    stopBudgetSeconds: input.stopBudgetSeconds,
  });
  const view = world.runs[0];
  return view ? findingsOfRun({ ...view, steps: input.steps }, result.findings) : [];
}

/**
 * Findings a finished repair must not leave (rules whose metadata says the run's state is wrong
 * now); what --keep-steps leaves on purpose does not count then.
 */
export function blockingFindings(
  findings: readonly Finding[],
  options: { keepSteps?: boolean } = {},
): Finding[] {
  return findings.filter((f) => {
    const repair = findRuleMeta(f.ruleId)?.repair;
    return repair?.blocksRepair === true && !(options.keepSteps && repair.keptByKeepSteps === true);
  });
}

/** Findings that make `finish --all-stalled` repair the run they name. */
export function selectsForFinish(f: Finding): boolean {
  return findRuleMeta(f.ruleId)?.repair?.selectsForFinish === true;
}
