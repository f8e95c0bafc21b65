// One evaluation of the held objects: the doctor's cluster rules over the world built from them,
// then the findings filter. The filter is the config file's settings (severity overrides, excludes,
// suppressions of the CI issue), applied by the same code doctor applies to its report
// (config/apply.ts): serve reports only the findings the filter keeps, so a suppressed finding is
// neither a metric, nor an Event, nor a repair. Pure: no IO; the time is a parameter.
import { applyFindingSettings, ruleCoversOwnedRuns } from '../config/apply.js';
import type { Settings } from '../config/settings.js';
import type { OperatorRelease } from '../contract/operator-release.js';
import type { ObjectSet } from '../model/kube.js';
import type { Finding, IneffectiveSuppression, NotEvaluated, SuppressedFinding } from '../model/report.js';
import { stepRunsOfSelectedRuns } from '../model/selection.js';
import { annotationIndex, type AnnotationIndex } from '../model/suppress.js';
import { buildWorld, type ObjectKind, type World } from '../model/world.js';
import { runClusterRules } from '../rules/engine.js';
import type { ClusterRule } from '../rules/types.js';

export interface Filtered {
  kept: Finding[];
  suppressed: SuppressedFinding[];
  /** Suppressions that did not apply (expired, no reason). */
  ineffective: IneffectiveSuppression[];
}

/** Splits findings into those to report and those suppressed, as of `now` (expiries). */
export type FindingsFilter = (findings: readonly Finding[], world: World, now: number) => Filtered;

/** No settings: every finding is kept. */
export const keepAll: FindingsFilter = (findings) => ({
  kept: [...findings],
  suppressed: [],
  ineffective: [],
});

/**
 * The settings as doctor applies them: the config's severities and excludes, then (unless
 * `--no-suppressions`) the config's suppressions and the `ignore-check.storyctl.bubustack.io/`
 * annotations of the objects held.
 */
export function settingsFilter(
  settings: Pick<Settings, 'rules' | 'exclude' | 'suppressions' | 'useSuppressions'>,
): FindingsFilter {
  return (findings, world, now) => {
    const out = applyFindingSettings({ findings, notEvaluated: [] }, settings, {
      annotations: lazyIndex(world),
      coversOwnedRuns: ruleCoversOwnedRuns,
      today: now,
    });
    return { kept: out.findings, suppressed: out.suppressed, ineffective: out.ineffective };
  };
}

/** The index is built only when a finding asks: most evaluations of a big store find nothing. */
function lazyIndex(world: World): AnnotationIndex {
  let index: AnnotationIndex | undefined;
  const get = (): AnnotationIndex => (index ??= annotationIndex(world));
  return { objectOf: (s) => get().objectOf(s), storyOf: (s) => get().storyOf(s) };
}

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
