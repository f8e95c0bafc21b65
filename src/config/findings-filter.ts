// The config file's say over a set of findings (severity overrides, excludes, suppressions of the
// CI issue), as a function of the findings, the world they came from and the time: what serve and
// watch apply to every evaluation, with the same code doctor applies to its report
// (applyFindingSettings). Pure: the time is a parameter.
import { applyFindingSettings, ruleCoversOwnedRuns } from './apply.js';
import type { Settings } from './settings.js';
import type { Finding, IneffectiveSuppression, SuppressedFinding } from '../model/report.js';
import { annotationIndex, type AnnotationIndex } from '../model/suppress.js';
import type { World } from '../model/world.js';

export interface Filtered {
  kept: Finding[];
  suppressed: SuppressedFinding[];
  /** Suppressions that did not apply (expired, no reason). */
  ineffective: IneffectiveSuppression[];
}

/** Splits findings into those to report and those suppressed, as of `now` (expiries). */
export interface FindingsFilter {
  (findings: readonly Finding[], world: World, now: number): Filtered;
  /**
   * When (epoch ms) the answer for the same findings and world changes: the suppressions'
   * expiries. Between two of them a caller may keep the last answer.
   */
  readonly changesAt: readonly number[];
}

/** No settings: every finding is kept. */
export const keepAll: FindingsFilter = Object.assign(
  (findings: readonly Finding[]): Filtered => ({ kept: [...findings], suppressed: [], ineffective: [] }),
  { changesAt: [] },
);

/**
 * The settings as doctor applies them: the config's severities and excludes, then (unless
 * `--no-suppressions`) the config's suppressions and the `ignore-check.storyctl.bubustack.io/`
 * annotations of the objects held.
 */
export function settingsFilter(
  settings: Pick<Settings, 'rules' | 'exclude' | 'suppressions' | 'useSuppressions'>,
): FindingsFilter {
  const filter = (findings: readonly Finding[], world: World, now: number): Filtered => {
    const out = applyFindingSettings({ findings, notEvaluated: [] }, settings, {
      annotations: lazyIndex(world),
      coversOwnedRuns: ruleCoversOwnedRuns,
      today: now,
    });
    return { kept: out.findings, suppressed: out.suppressed, ineffective: out.ineffective };
  };
  const changesAt = settings.useSuppressions.value
    ? settings.suppressions.flatMap((s) => (s.expiresAt === undefined ? [] : [s.expiresAt]))
    : [];
  return Object.assign(filter, { changesAt });
}

/** Does the filter's answer change between `from` (exclusive) and `to` (inclusive)? */
export function changesBetween(filter: FindingsFilter, from: number, to: number): boolean {
  return filter.changesAt.some((t) => t > from && t <= to);
}

/**
 * The index is built only when a finding asks (most evaluations of a big store find nothing), and
 * once per world: watch filters again on every tick that moves a finding, serve on every timer.
 */
function lazyIndex(world: World): AnnotationIndex {
  const get = (): AnnotationIndex => {
    let index = indexes.get(world);
    if (!index) indexes.set(world, (index = annotationIndex(world)));
    return index;
  };
  return { objectOf: (s) => get().objectOf(s), storyOf: (s) => get().storyOf(s) };
}

const indexes = new WeakMap<World, AnnotationIndex>();
