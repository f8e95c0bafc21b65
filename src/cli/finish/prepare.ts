// Everything a finish does before it asks or writes, done one way for `finish NAME`,
// `finish --all-stalled` and watch's `f` key: a fresh read of each run, its Story and the Transports
// that Story binds (the cancel window, so SR101–SR103, depends on them), the doctor's cluster rules
// on that read, the plan, and the RBAC preflight. Reads only: the writes are src/repair/apply.ts.
import { isTerminal } from '../../contract/phases.js';
import { StoryctlError } from '../../model/errors.js';
import type { StepRun, Story, StoryRun, Transport } from '../../model/kube.js';
import type { Finding } from '../../model/report.js';
import { buildWorld, objectKey } from '../../model/world.js';
import { missingPermissions, type Replan } from '../../repair/apply.js';
import type { RepairClient } from '../../repair/client.js';
import { neededPermissions, planRun, type PlanInput } from '../../repair/plan.js';
import type { Permission, RepairMode, Resume, RunPlan } from '../../repair/run-plan.js';
import { findingsForRun, selectsForFinish } from '../../repair/verify.js';
import { runClusterRules } from '../../rules/engine.js';
import { findingsByRun } from '../../rules/evaluate.js';
import { clusterRules, findRuleMeta } from '../../rules/index.js';
import { loadCluster, type LoadClusterOptions } from '../../sources/cluster/index.js';
import {
  readRun,
  readRunContext,
  type RunAndSteps,
  type RunContext,
} from '../../sources/cluster/run-reads.js';

/** Which runs to finish. */
export type FinishScope =
  | {
      kind: 'named';
      namespace: string;
      names: readonly string[];
      /** A run that does not exist: a usage error (finish NAME), or reported in `gone` (watch). */
      ifGone: 'fail' | 'skip';
    }
  | {
      /** `finish -l SELECTOR`: every run the selector picks (in the namespace, or -A). */
      kind: 'selected';
      load: LoadClusterOptions;
      maxChanges: number;
    }
  | {
      kind: 'all-stalled';
      /** The scan that finds the stalled runs: what doctor would read. */
      load: LoadClusterOptions;
      /** At most this many runs per pass; the rest are counted in `skipped`. */
      maxChanges: number;
    };

export interface FinishSettings {
  mode: RepairMode;
  /** The clock: read once for the plans, again for each re-plan. */
  clock: () => number;
  stopBudgetSeconds: number;
  /** The kubeconfig user, for `finished-by`. */
  user: string | undefined;
  reason?: string | undefined;
  keepSteps?: boolean;
  /** Ask the server which writes the user lacks (off for a client-side dry run, which never writes). */
  checkPermissions: boolean;
}

export interface FinishTarget extends RunAndSteps {
  story: Story | undefined;
  transports: Transport[];
  /** False when the Story or a Transport may not be read: the window is unknown, its rules left out. */
  windowKnown: boolean;
  findings: Finding[];
}

export interface PreparedFinish {
  targets: FinishTarget[];
  /** One per target, in the same order. */
  plans: RunPlan[];
  /** What the repair plans need and the user may not do; empty when nothing was checked. */
  missing: Permission[];
  /** Stalled runs beyond --max-changes, left for the next pass. */
  skipped: number;
  /** `namespace/name` of runs that no longer exist (named runs with ifGone 'skip', stalled runs gone since the scan). */
  gone: string[];
  /** Selected runs left out of a cancel request because they are already terminal. */
  alreadyTerminal: string[];
  /** After a 409: plan the fresh run again, with the Story and Transports read the first time. */
  replan: Replan;
}

export async function prepareFinish(
  client: RepairClient,
  scope: FinishScope,
  settings: FinishSettings,
): Promise<PreparedFinish> {
  const now = settings.clock();
  const wanted =
    scope.kind === 'named'
      ? namedRuns(scope)
      : scope.kind === 'selected'
        ? await selectedRuns(scope)
        : await stalledRuns(scope, settings, now);
  const targets: FinishTarget[] = [];
  const gone: string[] = [];
  const alreadyTerminal: string[] = [];
  for (const { namespace, name } of wanted.runs) {
    const target = await readTarget(client, namespace, name, settings, now);
    // A selector picks finished runs too: asking the controller to cancel them would be refused.
    if (
      target &&
      scope.kind === 'selected' &&
      settings.mode === 'request-cancel' &&
      isTerminal(target.run.status?.phase)
    )
      alreadyTerminal.push(objectKey(namespace, name));
    else if (target) targets.push(target);
    else if (scope.kind === 'named' && scope.ifGone === 'fail')
      throw new StoryctlError('usage', `StoryRun ${namespace}/${name} not found (nothing was written)`);
    else gone.push(objectKey(namespace, name));
  }
  const plans = targets.map((t) => planTarget(t, settings, now, undefined));
  // RBAC first: nothing is written unless every write of every plan is allowed (§9.9, issue 5).
  const missing = settings.checkPermissions
    ? await missingPermissions(client, neededPermissions(plans.filter((p) => p.action === 'repair')))
    : [];

  const byKey = new Map(targets.map((t) => [keyOf(t.run), t]));
  const replan: Replan = (run, steps, resume) => {
    const first = byKey.get(keyOf(run));
    const at = settings.clock();
    const context = first?.windowKnown ? { story: first.story, transports: first.transports } : undefined;
    const findings = runFindings({ run, steps }, context, settings.stopBudgetSeconds, at);
    return planTarget({ run, steps, story: first?.story, findings }, settings, at, resume);
  };
  return { targets, plans, missing, skipped: wanted.skipped, gone, alreadyTerminal, replan };
}

interface RunRef {
  namespace: string;
  name: string;
}

function namedRuns(scope: Extract<FinishScope, { kind: 'named' }>): { runs: RunRef[]; skipped: number } {
  return {
    runs: [...new Set(scope.names)].map((name) => ({ namespace: scope.namespace, name })),
    skipped: 0,
  };
}

/** Every run the selector picks, by key, at most maxChanges. */
async function selectedRuns(
  scope: Extract<FinishScope, { kind: 'selected' }>,
): Promise<{ runs: RunRef[]; skipped: number }> {
  const live = await loadCluster(scope.load);
  if (live.unavailable.storyRuns !== undefined)
    throw new StoryctlError('refused', `cannot select runs: ${live.unavailable.storyRuns}`);
  const runs = live.objects.storyRuns
    .map((r) => ({ namespace: r.metadata.namespace ?? 'default', name: r.metadata.name }))
    .sort((a, b) => objectKey(a.namespace, a.name).localeCompare(objectKey(b.namespace, b.name)));
  return { runs: runs.slice(0, scope.maxChanges), skipped: Math.max(0, runs.length - scope.maxChanges) };
}

/**
 * A run nobody asked to stop and doctor does not find stalled: the controller may still be working
 * on it, so forcing it terminal is a decision of its own (finish asks a second time).
 */
export function isUncanceledLive(target: Pick<FinishTarget, 'run' | 'findings'>): boolean {
  return (
    target.run.spec?.cancelRequested !== true &&
    !isTerminal(target.run.status?.phase) &&
    !target.findings.some(selectsForFinish)
  );
}

/** The runs doctor would name under a rule that selects for finish (SR101, SR201, SR301), by key. */
async function stalledRuns(
  scope: Extract<FinishScope, { kind: 'all-stalled' }>,
  settings: FinishSettings,
  now: number,
): Promise<{ runs: RunRef[]; skipped: number }> {
  const live = await loadCluster(scope.load);
  const world = buildWorld(live.objects, { unavailable: live.unavailable });
  const { findings } = runClusterRules(clusterRules, world, {
    now,
    stopBudgetSeconds: settings.stopBudgetSeconds,
  });
  const byRun = findingsByRun(world, findings);
  const selected = world.runs
    // Never a run nobody canceled that is still live: the controller may be working on it.
    .filter((v) => v.cancelRequested || v.phaseClass === 'terminal')
    .filter((v) => (byRun.get(v.key) ?? []).some(selectsForFinish))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    runs: selected.slice(0, scope.maxChanges).map((v) => ({ namespace: v.namespace, name: v.name })),
    skipped: Math.max(0, selected.length - scope.maxChanges),
  };
}

async function readTarget(
  client: RepairClient,
  namespace: string,
  name: string,
  settings: FinishSettings,
  now: number,
): Promise<FinishTarget | undefined> {
  const found = await readRun(client, namespace, name);
  if (!found) return undefined;
  const context = await readRunContext(client, found.run);
  return {
    ...found,
    story: context?.story,
    transports: context?.transports ?? [],
    windowKnown: context !== undefined,
    findings: runFindings(found, context, settings.stopBudgetSeconds, now),
  };
}

/**
 * The cluster rules on one fresh read. Without the Story or its Transports the cancel window is
 * unknown, and the rules that depend on it are left out rather than guessed.
 */
function runFindings(
  fresh: RunAndSteps,
  context: RunContext | undefined,
  stopBudgetSeconds: number,
  now: number,
): Finding[] {
  return findingsForRun({ ...fresh, ...(context ?? {}), now, stopBudgetSeconds }).filter(
    (f) => context !== undefined || findRuleMeta(f.ruleId)?.needsWindow !== true,
  );
}

function planTarget(
  target: {
    run: StoryRun;
    steps: readonly StepRun[];
    story: Story | undefined;
    findings: readonly Finding[];
  },
  settings: FinishSettings,
  now: number,
  resume: Resume | undefined,
): RunPlan {
  const input: PlanInput = {
    run: target.run,
    steps: target.steps,
    story: target.story,
    findings: target.findings,
    now,
    mode: settings.mode,
    user: settings.user,
    reason: settings.reason,
    keepSteps: settings.keepSteps === true,
  };
  if (resume) input.resume = resume;
  return planRun(input);
}

function keyOf(run: StoryRun): string {
  return objectKey(run.metadata.namespace, run.metadata.name);
}
