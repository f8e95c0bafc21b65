// `storyctl prune --canceled`, loaded only when the command runs: scan the scope, plan each canceled
// run older than --older-than (repair/plan-prune.ts) on a fresh read, check RBAC, show the plan,
// ask, delete through the repair applier (which re-plans on conflicts), report. Exit codes from
// cli/exit.ts, as finish's.
import { StoryctlError } from '../../model/errors.js';
import { buildWorld } from '../../model/world.js';
import { applyBatch, missingPermissions, type BatchResult } from '../../repair/apply.js';
import { makeRepairClient } from '../../repair/client.js';
import { describePermission, neededPermissions } from '../../repair/plan.js';
import { isCanceledTerminal, planPrune } from '../../repair/plan-prune.js';
import { unwrittenOutcome, unwrittenResult, type RunResult } from '../../repair/result.js';
import type { RunPlan } from '../../repair/run-plan.js';
import { DEFAULT_STOP_BUDGET_SECONDS } from '../../contract/budget.js';
import { formatGoDuration } from '../../contract/duration.js';
import { parseTime } from '../../contract/time.js';
import { renderPlanDiff, renderResultsTable } from '../../report/plan-diff.js';
import { loadCluster } from '../../sources/cluster/index.js';
import { makeKubeConfig } from '../../sources/cluster/kubeconfig.js';
import { readRun } from '../../sources/cluster/run-reads.js';
import { connectionOptions, loadClusterOptions, type ClusterFlags } from '../cluster-flags.js';
import { EXIT, exitCodeForPlan, exitCodeForRepair } from '../exit.js';
import { untilInterrupted } from '../finish/interruptible.js';
import { confirm } from '../finish/confirm.js';
import type { DryRun } from '../finish/flags.js';
import { canAsk, useColor, type CliIO } from '../io.js';

export interface PruneFlags extends ClusterFlags {
  canceled?: boolean;
  olderThan: number;
  dryRun?: DryRun;
  yes?: boolean;
  maxChanges: number;
  output: 'table' | 'json';
  color?: boolean;
}

export async function runPrune(flags: PruneFlags, io: CliIO): Promise<number> {
  if (!flags.canceled)
    throw new StoryctlError(
      'usage',
      'prune needs --canceled: canceled runs are the only ones the operator never cleans up (and the only ones storyctl prunes)',
    );
  if (flags.allNamespaces && flags.namespace)
    throw new StoryctlError('usage', '-A and -n exclude each other');
  const cfg = makeKubeConfig(connectionOptions(flags, io.env));
  const client = makeRepairClient(cfg, flags.requestTimeout);
  const dryRun: DryRun = flags.dryRun ?? 'none';
  const json = flags.output === 'json';
  const color = useColor(io, flags.color);
  const now = io.now();

  // The scan: canceled, terminal runs in scope, oldest first; each is planned on its own fresh read.
  const live = await loadCluster(loadClusterOptions(flags, io.env));
  const world = buildWorld(live.objects, { unavailable: live.unavailable });
  const canceled = world.runs
    .filter((v) => isCanceledTerminal(v.run))
    .map((v) => ({ v, at: parseTime(v.run.status?.finishedAt) }))
    .sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || a.v.key.localeCompare(b.v.key));
  const plans: RunPlan[] = [];
  let skipped = 0;
  let repairs = 0;
  for (const { v, at } of canceled) {
    // Young runs are not even read again: they are not this pass's business.
    if (at !== undefined && (now - at) / 1000 <= flags.olderThan) continue;
    if (at !== undefined && repairs >= flags.maxChanges) {
      skipped += 1;
      continue;
    }
    const fresh = await readRun(client, v.namespace, v.name);
    if (!fresh) continue;
    const plan = planPrune({ ...fresh, now, olderThanSeconds: flags.olderThan });
    if (plan.action === 'repair') repairs += 1;
    plans.push(plan);
  }
  const notes: string[] = [];
  if (skipped > 0)
    notes.push(
      `${skipped} more canceled run(s) left for the next pass: --max-changes ${flags.maxChanges} reached`,
    );
  const toWrite = plans.filter((p) => p.action === 'repair');
  const missing = dryRun === 'client' ? [] : await missingPermissions(client, neededPermissions(toWrite));

  const emit = (results: RunResult[] | undefined, extra: Record<string, unknown> = {}): void => {
    if (json) {
      const doc = {
        apiVersion: 'storyctl/v1',
        kind: 'PrunePlan',
        olderThan: formatGoDuration(flags.olderThan),
        dryRun,
        runs: plans,
        ...(results ? { results } : {}),
        ...(notes.length > 0 ? { notes } : {}),
        ...extra,
      };
      io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return;
    }
    if (results) {
      const width = io.stdout.columns;
      io.stdout.write(renderResultsTable(results, width ? { color, width } : { color }));
    }
    for (const n of notes) io.stdout.write(`${n}\n`);
  };
  const summary = (): string => {
    const steps = toWrite.reduce((n, p) => n + p.stepRunDeletions.length, 0);
    const refused = plans.filter((p) => p.action === 'refused').length;
    return `${toWrite.length} canceled run(s) to delete, ${steps} StepRun(s) with them${refused > 0 ? `; ${refused} refused` : ''}`;
  };
  const showPlan = (): void => {
    if (!json) io.stdout.write(`${renderPlanDiff(plans, { color })}${summary()}\n`);
  };

  if (plans.length === 0) {
    emit([]);
    if (!json)
      io.stdout.write(
        `nothing to prune: no canceled run finished more than ${formatGoDuration(flags.olderThan)} ago in the scope\n`,
      );
    return EXIT.ok;
  }
  if (dryRun === 'client') {
    showPlan();
    emit(undefined);
    return exitCodeForPlan(plans);
  }

  const interactive = canAsk(io) && !json;
  const mustAsk = dryRun === 'none' && toWrite.length > 0 && flags.yes !== true;
  if (!(mustAsk && interactive)) showPlan();

  // Nothing is deleted unless every delete of every plan is allowed.
  if (missing.length > 0) {
    const what = missing.map(describePermission).join('; ');
    emit(plans.map((p) => unwrittenResult(p, 'refused', `not deleted: the user may not ${what}`)));
    throw new StoryctlError(
      'refused',
      `refused before any delete: ${client.user ?? 'this user'} (context ${client.context}) may not ${what}\nstoryctl: ` +
        // storyctl-repairer grants no delete on StoryRuns: prune needs the operator's editor roles.
        "the operator's StoryRun and StepRun editor roles (runs-storyrun-editor-role, runs-steprun-editor-role) grant both deletes; storyctl's repair role does not delete runs",
    );
  }
  if (mustAsk) {
    if (!interactive) {
      emit(plans.map((p) => unwrittenResult(p, unwrittenOutcome(p), p.reason ?? 'not confirmed')));
      throw new StoryctlError(
        'refused',
        'not deleting without confirmation: there is no terminal to ask on; re-run with --yes after reading the plan (or --dry-run)',
      );
    }
    if (!(await confirm(io, plans, color))) {
      emit(plans.map((p) => unwrittenResult(p, unwrittenOutcome(p), 'declined: nothing deleted')));
      throw new StoryctlError('refused', 'declined: nothing was deleted');
    }
  }

  const batch: BatchResult = await untilInterrupted(io, (signal) =>
    applyBatch(client, plans, {
      serverDryRun: dryRun === 'server',
      now: () => io.now(),
      // Only finish's read-back uses it; prune reads back whether the run is gone.
      stopBudgetSeconds: DEFAULT_STOP_BUDGET_SECONDS,
      signal,
      // After a 409 the fresh run is planned again: it may have been redriven, or already be going.
      replan: (run, steps) => planPrune({ run, steps, now: io.now(), olderThanSeconds: flags.olderThan }),
    }),
  );
  emit(batch.results, { interrupted: batch.interrupted });
  return exitCodeForRepair(batch, false);
}
