// The repair planner (STYLE.md: changesets' assemble-release-plan): data in, plan out, no IO. It
// wraps the section 9 writes (src/repair/plan-force-terminal.ts) and adds what a write needs: the
// audit annotations, the permissions to check first, and the decision to refuse. The plan is what
// `finish --dry-run -o json` prints; src/repair/apply.ts executes it and decides nothing.
import { classifyPhase } from '../contract/phases.js';
import { validateRunStatus } from '../contract/status-validation.js';
import { GROUPS, type StepRun, type Story, type StoryRun } from '../model/kube.js';
import type { Finding } from '../model/report.js';
import { objectKey } from '../model/world.js';
import { findingsOfRun } from '../rules/evaluate.js';
import { auditForRepair, lateAudit } from './audit.js';
import { planFinish } from './plan-force-terminal.js';
import type { PlanAction, Permission, PlanFinding, RepairMode, Resume, RunPlan } from './run-plan.js';

export type {
  FieldChange,
  PlanAction,
  Permission,
  PlanFinding,
  RepairMode,
  Resume,
  RunPlan,
  StepRunAction,
} from './run-plan.js';

export { AUDIT_ANNOTATIONS } from './audit.js';

export const DEFAULT_REASON = 'storyctl finish --force-terminal';
/** Annotation values are free text, but a novel in an annotation helps nobody. */
export const MAX_REASON_LENGTH = 1024;

export interface PlanInput {
  run: StoryRun;
  /** The run's StepRuns, already joined (label, storyRunRef, owner). */
  steps: readonly StepRun[];
  /** The run's Story when it was read: its findings are the run's too while the run is live. */
  story?: Story | undefined;
  /** Findings of a scan; the plan keeps those that belong to this run (rules/evaluate.ts). */
  findings?: readonly Finding[];
  /** Epoch ms. */
  now: number;
  mode: RepairMode;
  /** The kubeconfig user, for `finished-by`. */
  user?: string | undefined;
  reason?: string | undefined;
  keepSteps?: boolean;
  resume?: Resume;
}

export function planRun(input: PlanInput): RunPlan {
  return input.mode === 'request-cancel' ? planCancelRequest(input) : planForceTerminal(input);
}

function basePlan(input: PlanInput, action: PlanAction): RunPlan {
  const { run } = input;
  const phase = run.status?.phase ?? '';
  return {
    namespace: run.metadata.namespace ?? 'default',
    name: run.metadata.name,
    resourceVersion: run.metadata.resourceVersion,
    mode: input.mode,
    action,
    previousPhase: phase,
    finalPhase: phase,
    findings: relevantFindings(input),
    changes: [],
    stepRunDeletions: [],
    stuckDeleting: [],
    unknownPhaseStepRuns: [],
    permissions: [],
  };
}

function planCancelRequest(input: PlanInput): RunPlan {
  const { run } = input;
  const phase = run.status?.phase ?? '';
  const cls = classifyPhase(phase);
  if (cls === 'unknown')
    return refuse(
      basePlan(input, 'refused'),
      `phase "${phase}" is not one storyctl knows (a newer operator?)`,
    );
  if (cls === 'terminal') {
    // §9.1: the controller would rewrite a Succeeded or Failed run to Finished.
    return refuse(
      basePlan(input, 'refused'),
      `the run is already ${phase}: setting spec.cancelRequested on a terminal run makes the controller ` +
        `rewrite it to Finished; use --force-terminal to make its status consistent instead`,
    );
  }
  if (run.spec?.cancelRequested === true) {
    const plan = basePlan(input, 'no-op');
    plan.reason = 'spec.cancelRequested is already true: the controller owns the stop now';
    return plan;
  }
  const plan = basePlan(input, 'repair');
  plan.specPatch = { spec: { cancelRequested: true } };
  plan.changes = [{ path: 'spec.cancelRequested', before: run.spec?.cancelRequested, after: true }];
  plan.permissions = [permission('patch', 'storyruns', plan.namespace)];
  return plan;
}

function planForceTerminal(input: PlanInput): RunPlan {
  const { noop, refusal, nextStatus, ...fields } = planFinish(
    input.run,
    input.steps,
    input.now,
    input.keepSteps ? { keepSteps: true } : {},
  );
  const plan: RunPlan = { ...basePlan(input, 'repair'), ...fields };
  if (input.resume) plan.previousPhase = input.resume.previousPhase;
  if (refusal !== undefined) return refuse(plan, refusal);

  // Kubernetes 1.20 accepts what the CRD's CEL rules reject: check them here, before any write.
  const problems = validateRunStatus(nextStatus);
  if (problems.length > 0)
    return refuse(plan, `the planned status would break the StoryRun CRD rules: ${problems.join('; ')}`);
  const reason = input.reason ?? DEFAULT_REASON;
  if (reason.length > MAX_REASON_LENGTH)
    return refuse(plan, `--reason is longer than ${MAX_REASON_LENGTH} characters`);

  // The audit on the run is evidence (src/repair/audit.ts): only missing keys are written. A run
  // whose status storyctl wrote without its audit owes it, even when nothing else is left to write,
  // and its phase now is not the one it had before storyctl (lateAudit says what is unknown).
  const ctx = { now: input.now, user: input.user, reason };
  const repairAudit = (): Record<string, string> | undefined =>
    auditForRepair(input.run, { ...ctx, previousPhase: plan.previousPhase });
  const annotations = input.resume?.auditWritten
    ? undefined
    : input.resume
      ? repairAudit()
      : (lateAudit(input.run, ctx) ?? (noop ? undefined : repairAudit()));
  if (noop && !annotations) {
    plan.action = 'no-op';
    plan.reason = 'the run is terminal and consistent: nothing to write';
    return plan;
  }
  if (annotations) plan.annotations = annotations;
  plan.permissions = permissionsFor(plan);
  return plan;
}

function refuse(plan: RunPlan, reason: string): RunPlan {
  const out: RunPlan = { ...plan, action: 'refused', reason, permissions: [] };
  delete out.specPatch;
  delete out.statusPatch;
  delete out.annotations;
  return out;
}

function permission(
  verb: Permission['verb'],
  resource: Permission['resource'],
  namespace: string,
): Permission {
  return { verb, group: GROUPS.runs, resource, namespace };
}

export function permissionsFor(plan: RunPlan): Permission[] {
  const out: Permission[] = [];
  if (plan.specPatch || plan.annotations) out.push(permission('patch', 'storyruns', plan.namespace));
  if (plan.statusPatch)
    out.push({ ...permission('patch', 'storyruns', plan.namespace), subresource: 'status' });
  if (plan.stepRunDeletions.length > 0) out.push(permission('delete', 'stepruns', plan.namespace));
  return out;
}

/** `patch storyruns/status in namespace ns`, the way kubectl auth can-i spells it. */
export function describePermission(p: Permission): string {
  const resource = `${p.resource}${p.subresource ? `/${p.subresource}` : ''}.${p.group}`;
  return `${p.verb} ${resource} in namespace ${p.namespace}`;
}

/** The union of the plans' permissions, each once. */
export function neededPermissions(plans: readonly RunPlan[]): Permission[] {
  const seen = new Map<string, Permission>();
  for (const p of plans.flatMap((x) => x.permissions)) seen.set(describePermission(p), p);
  return [...seen.values()];
}

function relevantFindings(input: PlanInput): PlanFinding[] {
  const { run } = input;
  const joined = {
    key: objectKey(run.metadata.namespace, run.metadata.name),
    steps: input.steps,
    story: input.story,
    phaseClass: classifyPhase(run.status?.phase),
  };
  return findingsOfRun(joined, input.findings ?? []).map((f) => ({ ruleId: f.ruleId, message: f.message }));
}

export interface FinishPlanDocument {
  apiVersion: 'storyctl/v1';
  kind: 'FinishPlan';
  mode: RepairMode;
  dryRun: 'none' | 'client' | 'server';
  runs: RunPlan[];
}

export function planDocument(
  plans: RunPlan[],
  mode: RepairMode,
  dryRun: FinishPlanDocument['dryRun'],
): FinishPlanDocument {
  return { apiVersion: 'storyctl/v1', kind: 'FinishPlan', mode, dryRun, runs: plans };
}
