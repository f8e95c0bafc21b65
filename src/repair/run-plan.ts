// What a repair plan holds: plain data, shared by the planner (plan.ts, plan-force-terminal.ts),
// the applier and the reporters. `finish --dry-run -o json` prints these objects as they are.

/** `force-terminal` writes the §9 terminal state; `request-cancel` only sets the controller's knob. */
export type RepairMode = 'force-terminal' | 'request-cancel';
export type PlanAction = 'repair' | 'no-op' | 'refused';

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface StepRunAction {
  name: string;
  namespace: string;
  phase: string | undefined;
  resourceVersion?: string;
}

export interface Permission {
  verb: 'patch' | 'delete';
  group: string;
  resource: 'storyruns' | 'stepruns';
  subresource?: 'status';
  namespace: string;
}

export interface PlanFinding {
  ruleId: string;
  message: string;
}

export interface RunPlan {
  namespace: string;
  name: string;
  /** The resourceVersion the plan was made from; every write carries it (§9.9). */
  resourceVersion: string | undefined;
  mode: RepairMode;
  action: PlanAction;
  /** Why the run is refused or needs nothing. */
  reason?: string;
  previousPhase: string;
  finalPhase: string;
  /** What doctor reported about this run when the plan was made (rules/evaluate.ts: its own, its StepRuns', its Story's). */
  findings: PlanFinding[];
  changes: FieldChange[];
  /** Merge patch for the StoryRun itself (§9.1): only for non-terminal runs. */
  specPatch?: { spec: { cancelRequested: true } };
  /** Merge patch for the `/status` subresource (§9.2–9.6). */
  statusPatch?: { status: Record<string, unknown> };
  /**
   * §9.8, only the keys not already on the run; written with the spec intent, before the status,
   * so no crash leaves the run changed but unaudited.
   */
  annotations?: Record<string, string>;
  stepRunDeletions: StepRunAction[];
  /** StepRuns stuck in deletion: reported, never stripped of finalizers. */
  stuckDeleting: StepRunAction[];
  /** StepRuns with a phase storyctl does not know: left alone and reported. */
  unknownPhaseStepRuns: StepRunAction[];
  /** Exactly what the writes need, for the RBAC preflight. */
  permissions: Permission[];
}

/** A plan that resumes one already partly applied by this same invocation (after a conflict). */
export interface Resume {
  /** The phase before storyctl's first write: the audit trail keeps the original. */
  previousPhase: string;
  /** The audit annotations are already written. */
  auditWritten: boolean;
}
