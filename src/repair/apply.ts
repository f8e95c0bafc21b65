// The only code that writes to the cluster (ARCHITECTURE.md). It executes plans and decides
// nothing: what to write comes from the planner, and after a conflict the planner is asked again
// (`replan`) with the fresh object. CONTROLLER.md §9.9: every write carries the resourceVersion it
// was planned from; order is spec intent and audit annotations (one write) → status → StepRun
// deletions, then a read-back with the doctor's rules. Whatever goes wrong with one run is that
// run's result: a batch always reaches its end.
import { PatchStrategy, setHeaderOptions, type ConfigurationOptions } from '@kubernetes/client-node';
import type { StepRun, StoryRun } from '../model/kube.js';
import { StoryctlError } from '../model/errors.js';
import { HttpStatusError } from '../sources/cluster/index.js';
import { readRun, type RunAndSteps } from '../sources/cluster/run-reads.js';
import { FIELD_MANAGER, RUNS_API, type RepairClient } from './client.js';
import { describePermission, type Permission, type Resume, type RunPlan } from './plan.js';
import type { Outcome, RunResult, WriteRecord } from './result.js';
import { blockingFindings, findingsForRun } from './verify.js';

export type { Outcome, RunResult, WriteRecord } from './result.js';

export type ApplyEvent =
  | { type: 'attempt'; plan: RunPlan; attempt: number }
  | { type: 'write'; namespace: string; run: string; record: WriteRecord }
  | { type: 'conflict'; namespace: string; run: string; attempt: number }
  | { type: 'done'; result: RunResult };

export type Replan = (run: StoryRun, steps: StepRun[], resume: Resume | undefined) => RunPlan;

export interface ApplyOptions {
  /** Send every write with `dryRun=All`: the server validates it, nothing is persisted. */
  serverDryRun?: boolean;
  /** Total attempts per run, the first included (§9.9: bounded). */
  maxAttempts?: number;
  replan: Replan;
  keepSteps?: boolean;
  now: () => number;
  stopBudgetSeconds: number;
  /** Awaited: progress output, and tests that act between two steps of a repair. */
  onEvent?: (event: ApplyEvent) => void | Promise<void>;
}

export const DEFAULT_MAX_ATTEMPTS = 6;

// client-node's rough edge (STYLE.md): without an explicit content type a PATCH is not a merge patch.
const mergePatch = (options: ConfigurationOptions): ConfigurationOptions =>
  setHeaderOptions('Content-Type', PatchStrategy.MergePatch, options);

/** The permissions the user lacks, checked with SelfSubjectAccessReview before any write. */
export async function missingPermissions(
  client: RepairClient,
  permissions: readonly Permission[],
): Promise<Permission[]> {
  const missing: Permission[] = [];
  for (const p of permissions) {
    const review = await client.caller.call(`check ${describePermission(p)}`, (options) =>
      client.authz.createSelfSubjectAccessReview(
        {
          fieldManager: FIELD_MANAGER,
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                namespace: p.namespace,
                verb: p.verb,
                group: p.group,
                resource: p.resource,
                ...(p.subresource ? { subresource: p.subresource } : {}),
              },
            },
          },
        },
        options,
      ),
    );
    if (review.status?.allowed !== true) missing.push(p);
  }
  return missing;
}

class Conflict extends Error {}

/**
 * Execute one plan, re-planning on 409 up to the bound, then read the run back. Never throws:
 * whatever fails (a write, the re-read after a conflict, the read-back, a callback) is this run's
 * `failed` result with the writes already made, so a batch goes on to its next run (issue 16 item 2).
 */
export async function applyRun(
  client: RepairClient,
  first: RunPlan,
  options: ApplyOptions,
): Promise<RunResult> {
  const writes: WriteRecord[] = [];
  let attempts = 0;
  const counting: ApplyOptions = {
    ...options,
    onEvent: async (e) => {
      if (e.type === 'attempt') attempts = e.attempt;
      await options.onEvent?.(e);
    },
  };
  try {
    return await attemptRun(client, first, counting, writes);
  } catch (error) {
    const made =
      writes.length === 0 ? 'nothing was written' : `${writes.length} write(s) made before it stand`;
    return {
      namespace: first.namespace,
      name: first.name,
      outcome: 'failed',
      message: `${errorText(error)}; ${made}; run finish again`,
      attempts,
      writes,
    };
  }
}

async function attemptRun(
  client: RepairClient,
  first: RunPlan,
  options: ApplyOptions,
  writes: WriteRecord[],
): Promise<RunResult> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const result = (outcome: Outcome, message: string, attempts: number, plan: RunPlan): RunResult => {
    const r: RunResult = { namespace: first.namespace, name: first.name, outcome, message, attempts, writes };
    if (plan !== first) r.replanned = plan;
    return r;
  };
  let plan = first;
  let attempts = 0;
  for (;;) {
    if (plan.action === 'refused') return result('refused', plan.reason ?? 'refused', attempts, plan);
    if (plan.action === 'no-op') {
      if (writes.length > 0) break; // a resumed plan with nothing left: the earlier writes completed it
      const why = plan.reason ?? 'nothing to write';
      return result(
        'no-op',
        attempts > 0 ? `re-read after a conflict: it no longer needs repair (${why})` : why,
        attempts,
        plan,
      );
    }
    attempts += 1;
    await options.onEvent?.({ type: 'attempt', plan, attempt: attempts });
    try {
      await execute(client, plan, options, async (record) => {
        writes.push(record);
        await options.onEvent?.({ type: 'write', namespace: plan.namespace, run: plan.name, record });
      });
      break;
    } catch (error) {
      if (!(error instanceof Conflict)) return result('failed', failureMessage(error), attempts, plan);
      await options.onEvent?.({
        type: 'conflict',
        namespace: plan.namespace,
        run: plan.name,
        attempt: attempts,
      });
      if (attempts >= maxAttempts)
        return result(
          'conflict',
          `the run kept changing under the repair (${attempts} attempts, each a 409 Conflict); nothing was overwritten; run finish again`,
          attempts,
          plan,
        );
      let fresh: RunAndSteps | undefined;
      try {
        fresh = await readRun(client, plan.namespace, plan.name);
      } catch (error) {
        const made =
          writes.length === 0 ? 'nothing was written' : `${writes.length} write(s) made before it stand`;
        return result(
          'failed',
          `the re-read after a 409 Conflict failed: ${errorText(error)}; ${made}; run finish again`,
          attempts,
          plan,
        );
      }
      if (!fresh) return result('failed', 'the StoryRun was deleted during the repair', attempts, plan);
      const resume: Resume | undefined =
        writes.length > 0
          ? {
              previousPhase: first.previousPhase,
              auditWritten: writes.some((w) => w.write === 'annotations' || w.write === 'spec+annotations'),
            }
          : undefined;
      plan = options.replan(fresh.run, fresh.steps, resume);
    }
  }

  if (options.serverDryRun)
    return result(
      'dry-run',
      'the server accepted every write (dryRun=All); nothing was persisted',
      attempts,
      plan,
    );
  if (plan.mode === 'request-cancel')
    return result('applied', 'spec.cancelRequested set: the controller stops the run now', attempts, plan);

  let after: RunAndSteps | undefined;
  try {
    after = await readRun(client, plan.namespace, plan.name);
  } catch (error) {
    return result(
      'failed',
      `written, but the read-back failed: ${errorText(error)}; run finish again to check the run`,
      attempts,
      plan,
    );
  }
  if (!after) return result('failed', 'the StoryRun disappeared before the read-back', attempts, plan);
  const remaining = blockingFindings(
    findingsForRun({ ...after, now: options.now(), stopBudgetSeconds: options.stopBudgetSeconds }),
    options.keepSteps ? { keepSteps: true } : {},
  );
  const r = result(
    remaining.length > 0 ? 'failed' : 'applied',
    remaining.length > 0
      ? `written, but the read-back still reports ${remaining.map((f) => f.ruleId).join(', ')}`
      : readBackSummary(plan),
    attempts,
    plan,
  );
  if (remaining.length > 0) r.remaining = remaining.map((f) => ({ ruleId: f.ruleId, message: f.message }));
  return r;
}

function readBackSummary(plan: RunPlan): string {
  const parts = [`run ${plan.finalPhase} and consistent`];
  if (plan.stepRunDeletions.length > 0) parts.push(`${plan.stepRunDeletions.length} StepRun(s) deleted`);
  if (plan.stuckDeleting.length > 0)
    parts.push(`${plan.stuckDeleting.length} StepRun(s) stuck in deletion (finalizers left alone)`);
  return parts.join('; ');
}

async function execute(
  client: RepairClient,
  plan: RunPlan,
  options: ApplyOptions,
  record: (r: WriteRecord) => Promise<void>,
): Promise<void> {
  const { namespace, name } = plan;
  const dryRun = options.serverDryRun ? { dryRun: 'All' } : {};
  let resourceVersion = plan.resourceVersion;
  // In a dry run nothing changes, so the next write still carries the version that was read.
  const advance = (obj: unknown): void => {
    const rv = (obj as StoryRun | undefined)?.metadata?.resourceVersion;
    if (!options.serverDryRun && rv) resourceVersion = rv;
  };
  const withVersion = (body: Record<string, unknown>): Record<string, unknown> => {
    const meta = (body['metadata'] as Record<string, unknown> | undefined) ?? {};
    return resourceVersion === undefined ? body : { ...body, metadata: { ...meta, resourceVersion } };
  };

  // The intent and the audit go first and together: both are merge patches on the StoryRun itself,
  // so one write carries them, and no crash point leaves a run changed (its intent set, its status
  // terminal) without the record of who did it and what phase it had (issue 16 item 1).
  const runWrite = runPatch(plan);
  if (runWrite) {
    const body = withVersion(runWrite.body);
    advance(
      await guard(() =>
        client.caller.call(`${runWrite.verb} storyrun ${namespace}/${name}`, (o) =>
          client.custom.patchNamespacedCustomObject(
            {
              ...RUNS_API,
              plural: 'storyruns',
              namespace,
              name,
              body,
              fieldManager: FIELD_MANAGER,
              ...dryRun,
            },
            mergePatch(o),
          ),
        ),
      ),
    );
    await record({ write: runWrite.write, name });
  }
  if (plan.statusPatch) {
    const body = withVersion({ ...plan.statusPatch });
    advance(
      await guard(() =>
        client.caller.call(`patch storyrun ${namespace}/${name} status`, (o) =>
          client.custom.patchNamespacedCustomObjectStatus(
            {
              ...RUNS_API,
              plural: 'storyruns',
              namespace,
              name,
              body,
              fieldManager: FIELD_MANAGER,
              ...dryRun,
            },
            mergePatch(o),
          ),
        ),
      ),
    );
    await record({ write: 'status', name });
  }
  for (const step of plan.stepRunDeletions) {
    try {
      await guard(() =>
        client.caller.call(`delete steprun ${step.namespace}/${step.name}`, (o) =>
          client.custom.deleteNamespacedCustomObject(
            {
              ...RUNS_API,
              plural: 'stepruns',
              namespace: step.namespace,
              name: step.name,
              // With a body the apiserver reads DeleteOptions from it and ignores the query string,
              // so propagation and dry run go in the body (a dry run sent as a query parameter
              // next to a body deletes for real).
              body: {
                propagationPolicy: 'Background',
                ...(options.serverDryRun ? { dryRun: ['All'] } : {}),
                // Deleting a StepRun that changed since the plan (say it just succeeded) is a conflict too.
                ...(step.resourceVersion ? { preconditions: { resourceVersion: step.resourceVersion } } : {}),
              },
            },
            o,
          ),
        ),
      );
    } catch (error) {
      // Already gone: the controller (or a previous run of finish) got there first.
      if (!(error instanceof HttpStatusError && error.code === 404)) throw error;
    }
    await record({ write: 'delete-steprun', name: step.name });
  }
}

/** The one merge patch on the StoryRun itself: the spec intent, the audit annotations, or both. */
function runPatch(
  plan: RunPlan,
): { body: Record<string, unknown>; write: WriteRecord['write']; verb: string } | undefined {
  const { specPatch, annotations } = plan;
  if (specPatch && annotations)
    return {
      body: { ...specPatch, metadata: { annotations } },
      write: 'spec+annotations',
      verb: 'patch and annotate',
    };
  if (specPatch) return { body: { ...specPatch }, write: 'spec', verb: 'patch' };
  if (annotations) return { body: { metadata: { annotations } }, write: 'annotations', verb: 'annotate' };
  return undefined;
}

/** Every write goes through here: a 409 becomes a Conflict (a re-plan), and the test hook counts it. */
async function guard<T>(call: () => Promise<T>): Promise<T> {
  let answer: T;
  try {
    answer = await call();
  } catch (error) {
    if (error instanceof HttpStatusError && error.code === 409) throw new Conflict(error.message);
    throw error;
  }
  stopAfterWriteHook();
  return answer;
}

let writesAccepted = 0;

/**
 * Test hook, read here and nowhere else: with STORYCTL_TEST_STOP_AFTER_WRITE=N the process kills
 * itself (SIGKILL, as kill -9 or a crashed node would) right after the server accepted its N-th
 * write, counted over the whole command. The cluster tests use it to stop `finish` at every crash
 * point and check that a rerun completes the run and its audit trail. Unset, it does nothing.
 */
function stopAfterWriteHook(): void {
  writesAccepted += 1;
  const stopAfter = Number(process.env['STORYCTL_TEST_STOP_AFTER_WRITE'] ?? '');
  if (Number.isInteger(stopAfter) && stopAfter > 0 && writesAccepted >= stopAfter)
    process.kill(process.pid, 'SIGKILL');
}

/** An error that is not a refused write, for a run's message. */
function errorText(error: unknown): string {
  if (error instanceof HttpStatusError) return `${error.message} (HTTP ${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

function failureMessage(error: unknown): string {
  if (error instanceof HttpStatusError) {
    const hint = error.code === 403 ? ' (permission denied by the server)' : '';
    return `the API server refused a write: ${error.message} (HTTP ${error.code})${hint}`;
  }
  if (error instanceof StoryctlError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export interface BatchResult {
  results: RunResult[];
  /** The signal fired: the run in hand was finished, the rest were not started. */
  interrupted: boolean;
}

/** Runs in order; between two runs the signal (Ctrl-C) is honoured, never in the middle of one. */
export async function applyBatch(
  client: RepairClient,
  plans: readonly RunPlan[],
  options: ApplyOptions & { signal?: AbortSignal },
): Promise<BatchResult> {
  const results: RunResult[] = [];
  let interrupted = false;
  for (const plan of plans) {
    if (options.signal?.aborted) {
      interrupted = true;
      results.push({
        namespace: plan.namespace,
        name: plan.name,
        outcome: 'skipped',
        message: 'not started: interrupted',
        attempts: 0,
        writes: [],
      });
      continue;
    }
    const r = await applyRun(client, plan, options);
    results.push(r);
    await options.onEvent?.({ type: 'done', result: r });
  }
  return { results, interrupted };
}
