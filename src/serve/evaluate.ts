// One evaluation of the held objects: the doctor's cluster rules over the world built from them,
// then the findings filter (config/findings-filter.ts): serve reports only the findings the filter
// keeps, so a suppressed finding is neither a metric, nor an Event, nor a repair. Pure: no IO; the
// time is a parameter.
import type { FindingsFilter } from '../config/findings-filter.js';
import type { OperatorRelease } from '../contract/operator-release.js';
import type { ObjectSet } from '../model/kube.js';
import type { Finding, IneffectiveSuppression, NotEvaluated, SuppressedFinding } from '../model/report.js';
import { stepRunsOfSelectedRuns } from '../model/selection.js';
import { buildWorld, type ObjectKind, type World } from '../model/world.js';
import { runClusterRules } from '../rules/engine.js';
import type { ClusterRule } from '../rules/types.js';

export interface EvaluateOptions {
  rules: readonly ClusterRule[];
  filter: FindingsFilter;
  now: number;
  stopBudgetSeconds: number;
  /** The config's `stuckFinalizerAge` (SR303); the rule's default when absent. */
  stuckFinalizerSeconds?: number;
  /** The operator's default graceful-shutdown timeout, when the config sets it. */
  operatorDefaultSeconds?: number;
  /** Kinds that cannot be read (forbidden): the rules that need them are not evaluated. */
  unavailable?: Partial<Record<ObjectKind, string>>;
  /** With `-l`: StepRuns of runs outside the selection are left out (no false orphans). */
  selected?: boolean;
  /** The operator release the rules assume (--operator-version); else the objects are asked. */
  operator?: OperatorRelease | undefined;
}

export type WorldOfOptions = Pick<EvaluateOptions, 'selected' | 'unavailable' | 'operator'> & {
  operatorDefaultSeconds?: number | undefined;
};

export interface Evaluation {
  world: World;
  findings: Finding[];
  suppressed: SuppressedFinding[];
  ineffective: IneffectiveSuppression[];
  notEvaluated: NotEvaluated[];
}

export function evaluate(objects: ObjectSet, options: EvaluateOptions): Evaluation {
  return judge(worldOf(objects, options), options);
}

/**
 * The world the rules see. It depends on the objects and the readable kinds only, not on the time,
 * so serve keeps it while neither changes and the timer's evaluations just re-run the rules.
 */
export function worldOf(objects: ObjectSet, options: WorldOfOptions): World {
  const set = options.selected
    ? { ...objects, stepRuns: stepRunsOfSelectedRuns(objects.storyRuns, objects.stepRuns) }
    : objects;
  const worldOptions: Parameters<typeof buildWorld>[1] = { operator: options.operator };
  if (options.unavailable) worldOptions.unavailable = options.unavailable;
  if (options.operatorDefaultSeconds !== undefined)
    worldOptions.operatorDefaultSeconds = options.operatorDefaultSeconds;
  return buildWorld(set, worldOptions);
}

/** The cluster rules over `world` as of `options.now`, then the findings filter. */
export function judge(world: World, options: EvaluateOptions): Evaluation {
  const ctx: Parameters<typeof runClusterRules>[2] = {
    now: options.now,
    stopBudgetSeconds: options.stopBudgetSeconds,
  };
  if (options.stuckFinalizerSeconds !== undefined) ctx.stuckFinalizerSeconds = options.stuckFinalizerSeconds;
  const result = runClusterRules(options.rules, world, ctx);
  const { kept, suppressed, ineffective } = options.filter(result.findings, world, options.now);
  return { world, findings: kept, suppressed, ineffective, notEvaluated: result.notEvaluated };
}
