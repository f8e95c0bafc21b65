// The rule contract (STYLE.md: theme-check shape): metadata plus a pure check over the model.
import type { Evidence, Location, Severity, Subject } from '../model/report.js';
import type { ObjectKind, World } from '../model/world.js';

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
  deprecated?: boolean;
}

/** A finding before the engine stamps rule id, default severity and fingerprint on it. */
export interface FindingDraft {
  message: string;
  subject?: Subject;
  location?: Location;
  evidence: Evidence;
  fix?: string;
  severity?: Severity;
  /** The first evidence time (or another stable anchor) for the fingerprint. */
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
}

export interface ClusterRule {
  kind: 'cluster';
  meta: RuleMeta;
  /** Object kinds the rule needs; if one could not be read the rule is not evaluated. */
  requires: ObjectKind[];
  check(world: World, ctx: ClusterRuleContext): RuleOutput;
}

export function output(findings: FindingDraft[] = [], notEvaluated: NotEvaluatedDraft[] = []): RuleOutput {
  return { findings, notEvaluated };
}
