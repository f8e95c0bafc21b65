// The rule contract (STYLE.md: theme-check shape): metadata plus a pure check. Cluster rules look
// at the whole model at once; log rules consume parsed events as a stream. Everything the rest of
// storyctl needs to know about a rule (what it means for a repair, where it looks) is in its
// metadata, so no other module keeps lists of rule IDs.
import type { LogEvent } from '../model/log-event.js';
import type { Evidence, Location, Severity, Subject } from '../model/report.js';
import type { ObjectKind, World } from '../model/world.js';

/** What a rule looks at: cluster objects, or one program's logs. */
export type RuleFamily = 'storyrun' | 'livekit' | 'bobrapet' | 'ductor';

/** What a finding of the rule means for `storyctl finish` (CONTROLLER.md §9). */
export interface RepairMeta {
  /** The run's state is wrong now: a finished repair's read-back must not see it. */
  blocksRepair?: boolean;
  /** `finish --all-stalled` repairs the runs it names. */
  selectsForFinish?: boolean;
  /** Left on purpose by `finish --keep-steps` (live StepRuns stay), so it does not fail that repair. */
  keptByKeepSteps?: boolean;
}

export interface RuleMeta {
  id: string;
  name: string;
  severity: Severity;
  summary: string;
  rationale: string;
  /** How to fix it, in words; findings carry the concrete command line. */
  fix: string;
  /** Where the facts behind the rule are written (CONTROLLER.md / LOG-FORMATS.md section). */
  docs: string;
  family: RuleFamily;
  /** Its evidence depends on the resolved cancel window, so on the run's Story and Transports. */
  needsWindow?: boolean;
  repair?: RepairMeta;
  /**
   * A Story's `ignore-check.storyctl.bubustack.io/<id>` annotation also covers the runs it owns:
   * the finding is about a choice the Story makes for them (its cancel window), not about one run.
   */
  suppressibleOnStory?: boolean;
  deprecated?: boolean;
}

/** SARIF tags and the like: where a family of rules looks. */
export const FAMILY_TAGS: Readonly<Record<RuleFamily, readonly string[]>> = {
  storyrun: ['cluster', 'storyrun'],
  livekit: ['logs', 'livekit'],
  bobrapet: ['logs', 'bobrapet'],
  ductor: ['logs', 'ductor'],
};

/** A finding before the engine stamps rule id, default severity and fingerprint on it. */
export interface FindingDraft {
  message: string;
  subject?: Subject;
  location?: Location;
  evidence: Evidence;
  fix?: string;
  severity?: Severity;
  /**
   * The first evidence time (or another stable anchor): tells this occurrence from the rule's other
   * findings on the same subject within one run. Never part of the fingerprint (baselines and
   * code scanning must match a later capture of the same incident, with new timestamps).
   */
  anchor?: string;
}

export interface NotEvaluatedDraft {
  subject?: Subject;
  reason: string;
}

export interface RuleOutput {
  findings: FindingDraft[];
  notEvaluated: NotEvaluatedDraft[];
}

export interface ClusterRuleContext {
  /** Evaluation time, epoch ms (`--now`, or the clock). */
  now: number;
  stopBudgetSeconds: number;
  /** `--assume-cancel-at`: when a cancel without the observed-at annotation is assumed to have started. */
  assumeCancelAt?: number;
  /** SR303: how long a deletion may hang on finalizers (config `thresholds.stuckFinalizerAge`; default 5 min). */
  stuckFinalizerSeconds?: number;
}

export interface ClusterRule {
  kind: 'cluster';
  meta: RuleMeta;
  /** Object kinds the rule needs; if one could not be read the rule is not evaluated. */
  requires: ObjectKind[];
  check(world: World, ctx: ClusterRuleContext): RuleOutput;
}

export interface LogRuleContext {
  /** Evaluation time, epoch ms (`--now`, or the clock). Windows use the capture's own end, not this. */
  now: number;
  stopBudgetSeconds: number;
  /** LK101: how long a forced close may take (config `thresholds.forcedCloseWindow`; default 60 s). */
  forcedCloseWindowSeconds?: number;
  /** BR102: how long a StepRun may wait for its cleanup (config `thresholds.stuckCleanupAge`; default 5 min). */
  stuckCleanupSeconds?: number;
}

export interface CaptureEnd {
  /** The latest time seen anywhere in the capture (any line, any format), epoch ms. */
  lastTime: number | undefined;
  /** The latest time per input file: a window opened in one file is judged by that file's end. */
  lastTimeByFile: ReadonlyMap<string, number>;
}

/** The capture's end as seen from the file an opening line came from. */
export function endFor(end: CaptureEnd, file: string): number | undefined {
  return end.lastTimeByFile.get(file) ?? end.lastTime;
}

export interface LogRuleRun {
  onEvent(ev: LogEvent): void;
  finish(end: CaptureEnd): RuleOutput;
}

/**
 * A log rule: the engine feeds every parsed event in input order, then calls finish once with the
 * capture's end.
 */
export interface LogRule {
  kind: 'log';
  meta: RuleMeta;
  /**
   * Substrings one of which every line the rule needs contains. The reader only decodes and parses
   * lines holding a needle of a selected rule, so a rule that needs a marker line (process start,
   * completion) must list it here too.
   */
  needles: readonly string[];
  create(ctx: LogRuleContext): LogRuleRun;
}

export type Rule = ClusterRule | LogRule;

export function isClusterRule(rule: Rule): rule is ClusterRule {
  return rule.kind === 'cluster';
}

export function isLogRule(rule: Rule): rule is LogRule {
  return rule.kind === 'log';
}

export function output(findings: FindingDraft[] = [], notEvaluated: NotEvaluatedDraft[] = []): RuleOutput {
  return { findings, notEvaluated };
}
