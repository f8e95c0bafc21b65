// What happened to each run of a repair: plain data for the reporters and the JSON output, kept
// apart from the applier so reporters never import the code that writes.
import type { PlanFinding, RunPlan } from './run-plan.js';

export type Outcome = 'applied' | 'no-op' | 'refused' | 'conflict' | 'failed' | 'dry-run' | 'skipped';

export interface WriteRecord {
  /** `spec+annotations` is one merge patch carrying the intent and the audit together. */
  write: 'spec' | 'annotations' | 'spec+annotations' | 'status' | 'delete-steprun';
  name: string;
}

export interface RunResult {
  namespace: string;
  name: string;
  outcome: Outcome;
  message: string;
  /** Write attempts (1 unless a conflict forced a re-plan). */
  attempts: number;
  writes: WriteRecord[];
  /** Findings the read-back still sees (consistency rules only). */
  remaining?: PlanFinding[];
  /** The plan that was finally executed, when a conflict replaced the first one. */
  replanned?: RunPlan;
}

/** A run the batch did not write: refused before any write, declined, or needing nothing. */
export function unwrittenResult(plan: RunPlan, outcome: Outcome, message: string): RunResult {
  return { namespace: plan.namespace, name: plan.name, outcome, message, attempts: 0, writes: [] };
}

/** A run left unwritten because the batch stopped before it (no confirmation): refused, unless it needed nothing. */
export function unwrittenOutcome(plan: RunPlan): Outcome {
  return plan.action === 'no-op' ? 'no-op' : 'refused';
}
