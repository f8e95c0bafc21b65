// The read-back: the doctor's own cluster rules, run on one re-read run and its StepRuns. A repair
// is only done when the rules that describe an inconsistent run no longer fire for it.
import type { ObjectSet, StepRun, Story, StoryRun, Transport } from '../model/kube.js';
import type { Finding } from '../model/report.js';
import { buildWorld } from '../model/world.js';
import { clusterRules } from '../rules/cluster/index.js';
import { runClusterRules } from '../rules/engine.js';

/** Rules that say the run's state is wrong now (RULES.md), as opposed to history (SR103) or config (SR102). */
export const CONSISTENCY_RULES: ReadonlySet<string> = new Set([
  'SR101',
  'SR201',
  'SR202',
  'SR203',
  'SR204',
  'SR205',
  'SR301',
]);

/** The rules `finish --all-stalled` selects runs by (ARCHITECTURE.md). */
export const STALLED_RULES: ReadonlySet<string> = new Set(['SR101', 'SR201', 'SR301']);

export interface RunFindingsInput {
  run: StoryRun;
  steps: readonly StepRun[];
  story?: Story | undefined;
  transports?: readonly Transport[];
  now: number;
  stopBudgetSeconds: number;
}

/** Every cluster finding about this run or one of its StepRuns. */
export function findingsForRun(input: RunFindingsInput): Finding[] {
  const objects: ObjectSet = {
    storyRuns: [input.run],
    stepRuns: [...input.steps],
    stories: input.story ? [input.story] : [],
    transports: [...(input.transports ?? [])],
  };
  const world = buildWorld(objects);
  const result = runClusterRules(clusterRules, world, {
    now: input.now,
    stopBudgetSeconds: input.stopBudgetSeconds,
  });
  const ns = input.run.metadata.namespace ?? 'default';
  const steps = new Set(input.steps.map((s) => s.metadata.name));
  return result.findings.filter(
    (f) =>
      f.subject?.namespace === ns &&
      ((f.subject.kind === 'StoryRun' && f.subject.name === input.run.metadata.name) ||
        (f.subject.kind === 'StepRun' && steps.has(f.subject.name))),
  );
}

/** Findings a finished repair must not leave; live StepRuns are expected with --keep-steps. */
export function blockingFindings(
  findings: readonly Finding[],
  options: { keepSteps?: boolean } = {},
): Finding[] {
  return findings.filter(
    (f) => CONSISTENCY_RULES.has(f.ruleId) && !(options.keepSteps && f.ruleId === 'SR301'),
  );
}
