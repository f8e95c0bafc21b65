// One evaluation of the held objects: the doctor's cluster rules over the world built from them,
// then the findings filter. The filter is the seam for the config file's suppressions (the CI
// issue): serve passes what it is given and reports only the findings the filter keeps, so a
// suppressed finding is neither a metric, nor an Event, nor a repair. Pure: no IO, no clock.
import type { ObjectSet } from '../model/kube.js';
import type { Finding, NotEvaluated } from '../model/report.js';
import { stepRunsOfSelectedRuns } from '../model/selection.js';
import { buildWorld, type ObjectKind, type World } from '../model/world.js';
import { runClusterRules } from '../rules/engine.js';
import type { ClusterRule } from '../rules/types.js';

/** Splits findings into those to report and those suppressed (with the world, to look up subjects). */
export type FindingsFilter = (
  findings: readonly Finding[],
  world: World,
) => { kept: Finding[]; suppressed: Finding[] };

/** No config file: every finding is kept. */
export const keepAll: FindingsFilter = (findings) => ({ kept: [...findings], suppressed: [] });

export interface EvaluateOptions {
  rules: readonly ClusterRule[];
  filter: FindingsFilter;
  now: number;
  stopBudgetSeconds: number;
  /** Kinds that cannot be read (forbidden): the rules that need them are not evaluated. */
  unavailable?: Partial<Record<ObjectKind, string>>;
  /** With `-l`: StepRuns of runs outside the selection are left out (no false orphans). */
  selected?: boolean;
}

export interface Evaluation {
  world: World;
  findings: Finding[];
  suppressed: Finding[];
  notEvaluated: NotEvaluated[];
}

export function evaluate(objects: ObjectSet, options: EvaluateOptions): Evaluation {
  const set = options.selected
    ? { ...objects, stepRuns: stepRunsOfSelectedRuns(objects.storyRuns, objects.stepRuns) }
    : objects;
  const world = buildWorld(set, options.unavailable ? { unavailable: options.unavailable } : {});
  const result = runClusterRules(options.rules, world, {
    now: options.now,
    stopBudgetSeconds: options.stopBudgetSeconds,
  });
  const { kept, suppressed } = options.filter(result.findings, world);
  return { world, findings: kept, suppressed, notEvaluated: result.notEvaluated };
}
