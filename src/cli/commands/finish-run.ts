// `storyctl finish`, loaded only when the command runs: it pulls in ink and the Kubernetes client,
// which `lint` and `doctor --snapshot` never need (start-up time and memory). This file is the
// command's flow: check the flags, prepare (cli/finish/prepare.ts: read, plan, RBAC), show, ask,
// apply (repair/apply.ts), wait, report; the exit code comes from cli/exit.ts.
import { StoryctlError } from '../../model/errors.js';
import { applyBatch, type BatchResult } from '../../repair/apply.js';
import { makeRepairClient } from '../../repair/client.js';
import { describePermission, planDocument, type RepairMode, type RunPlan } from '../../repair/plan.js';
import { unwrittenOutcome, unwrittenResult, type RunResult } from '../../repair/result.js';
import { inertLine, inertText } from '../../report/escape.js';
import { renderFinishDocument } from '../../report/finish-document.js';
import { planSummary, renderPlanDiff, renderResultsTable } from '../../report/plan-diff.js';
import { makeKubeConfig } from '../../sources/cluster/kubeconfig.js';
import type { OperatorRelease } from '../../contract/operator-release.js';
import { detectOperatorRelease } from '../../sources/cluster/operator-release.js';
import { connectionOptions, loadClusterOptions, releaseFromFlag } from '../cluster-flags.js';
import { EXIT, exitCodeForPlan, exitCodeForRepair } from '../exit.js';
import { untilInterrupted } from '../finish/interruptible.js';
import { confirm, confirmUncanceled } from '../finish/confirm.js';
import { isUncanceledLive, prepareFinish, type FinishScope } from '../finish/prepare.js';
import { repairerHint } from '../finish/rbac-hint.js';
import { waitAll } from '../finish/wait-all.js';
import { canAsk, showProgress, useColor, type CliIO } from '../io.js';

import type { DryRun, FinishFlags } from '../finish/flags.js';

function validate(names: string[], flags: FinishFlags): void {
  const usage = (m: string): never => {
    throw new StoryctlError('usage', m);
  };
  const selected = !flags.allStalled && flags.selector !== undefined;
  if (flags.allStalled && names.length > 0) usage('give run names or --all-stalled, not both');
  if (selected && names.length > 0) usage('give run names or -l SELECTOR, not both');
  if (!flags.allStalled && !selected && names.length === 0)
    usage('name at least one StoryRun, or select them with -l SELECTOR or --all-stalled');
  if (!flags.allStalled && !selected && flags.allNamespaces)
    usage('-A selects runs with -l or --all-stalled; with run names use -n');
  if (flags.allNamespaces && flags.namespace) usage('-A and -n exclude each other');
  if (flags.allStalled && !flags.forceTerminal)
    usage(
      '--all-stalled repairs runs the controller did not stop (their cancel is already requested, or they are terminal): add --force-terminal',
    );
  if (flags.keepSteps && !flags.forceTerminal) usage('--keep-steps only applies with --force-terminal');
  if (flags.wait !== undefined && flags.forceTerminal)
    usage('--wait waits for the controller; --force-terminal does not need it (drop one)');
  if (flags.wait !== undefined && flags.dryRun !== undefined && flags.dryRun !== 'none')
    usage('--wait cannot wait for a dry run');
}

export async function runFinish(names: string[], flags: FinishFlags, io: CliIO): Promise<number> {
  validate(names, flags);
  const cfg = makeKubeConfig(connectionOptions(flags, io.env));
  const client = makeRepairClient(cfg, flags.requestTimeout);
  const namespace = flags.namespace ?? cfg.namespace ?? 'default';
  const mode: RepairMode = flags.forceTerminal ? 'force-terminal' : 'request-cancel';
  const dryRun: DryRun = flags.dryRun ?? 'none';
  const color = useColor(io, flags.color);
  // -o json and -o yaml print the FinishPlan document; neither writes the table or notes beside it.
  const json = flags.output === 'json' || flags.output === 'yaml';
  const redact = { showPii: flags.showPii === true };
  const progress = showProgress(io, false);
  // The release decides what a refused cancel request means: --operator-version, else the controller
  // Deployment, read only when a refusal needs explaining (no extra request on the happy path).
  const operator = releaseFromFlag(flags);
  const detectOperator = async (): Promise<OperatorRelease | undefined> =>
    (await detectOperatorRelease(cfg.kc, client.caller).catch(() => ({ release: undefined }))).release;

  const scope: FinishScope = flags.allStalled
    ? { kind: 'all-stalled', load: loadClusterOptions(flags, io.env), maxChanges: flags.maxChanges }
    : flags.selector !== undefined
      ? { kind: 'selected', load: loadClusterOptions(flags, io.env), maxChanges: flags.maxChanges }
      : { kind: 'named', namespace, names, ifGone: 'fail' };
  const { plans, targets, missing, skipped, gone, alreadyTerminal, replan } = await prepareFinish(
    client,
    scope,
    {
      mode,
      clock: () => io.now(),
      stopBudgetSeconds: flags.stopBudget,
      user: client.user,
      reason: flags.reason,
      keepSteps: flags.keepSteps === true,
      checkPermissions: dryRun !== 'client',
      operator,
    },
  );
  const toWrite = plans.filter((p) => p.action === 'repair');
  const notes: string[] = [];
  if (skipped > 0)
    notes.push(
      `${skipped} more stalled run(s) left for the next pass: --max-changes ${flags.maxChanges} reached`,
    );
  for (const key of gone) notes.push(`${key} is gone since the scan: nothing to finish`);
  for (const key of alreadyTerminal)
    notes.push(
      `${key} is already terminal: the controller needs no cancel request (--force-terminal repairs it)`,
    );

  const emit = (results: RunResult[] | undefined, extra: Record<string, unknown> = {}): void => {
    if (json) {
      const doc = { ...planDocument(plans, mode, dryRun), ...(results ? { results } : {}), ...extra };
      if (notes.length > 0) Object.assign(doc, { notes });
      io.stdout.write(renderFinishDocument(doc, flags.output === 'yaml' ? 'yaml' : 'json', redact));
      return;
    }
    if (results) {
      const width = io.stdout.columns;
      io.stdout.write(renderResultsTable(results, width ? { color, width } : { color }));
    }
    for (const n of notes) io.stdout.write(`${inertText(n)}\n`);
  };
  const showPlan = (): void => {
    if (!json) io.stdout.write(`${renderPlanDiff(plans, { color, ...redact })}${planSummary(plans)}\n`);
  };

  if (plans.length === 0) {
    emit([]);
    if (!json) io.stdout.write('nothing to finish: doctor reports no stalled run in the scope\n');
    return EXIT.ok;
  }

  if (dryRun === 'client') {
    showPlan();
    emit(undefined);
    return exitCodeForPlan(plans);
  }

  const interactive = canAsk(io) && !json;
  const mustAsk = mode === 'force-terminal' && dryRun === 'none' && toWrite.length > 0 && flags.yes !== true;
  if (!(mustAsk && interactive)) showPlan();

  // Nothing is written unless every write of every plan is allowed (§9.9, issue 5).
  if (missing.length > 0) {
    const what = missing.map(describePermission).join('; ');
    emit(plans.map((p) => unwrittenResult(p, 'refused', `not written: the user may not ${what}`)));
    throw new StoryctlError(
      'refused',
      // One line for the refusal, then what to apply: each line starts with `storyctl: ` like the first.
      [
        `refused before any write: ${client.user ?? 'this user'} (context ${client.context}) may not ${what}`,
        ...repairerHint(missing, client.user),
      ].join('\nstoryctl: '),
    );
  }

  if (mustAsk) {
    const unconfirmed = (message: (p: RunPlan) => string): RunResult[] =>
      plans.map((p) => unwrittenResult(p, unwrittenOutcome(p), message(p)));
    if (!interactive) {
      emit(unconfirmed((p) => p.reason ?? 'not confirmed'));
      throw new StoryctlError(
        'refused',
        'not writing without confirmation: there is no terminal to ask on; re-run with --yes after reading the plan (or --dry-run)',
      );
    }
    const yes = await confirm(io, plans, color);
    // Forcing a run nobody canceled is a second decision, asked on its own (--yes skips both).
    const uncanceled = targets.filter((t, i) => plans[i]?.action === 'repair' && isUncanceledLive(t));
    const sure = yes && (uncanceled.length === 0 || (await confirmUncanceled(io, uncanceled, color)));
    if (!sure) {
      emit(unconfirmed(() => 'declined: nothing written'));
      throw new StoryctlError('refused', 'declined: nothing was written');
    }
  }

  const batch: BatchResult = await untilInterrupted(io, async (signal) => {
    const done = await applyBatch(client, plans, {
      serverDryRun: dryRun === 'server',
      keepSteps: flags.keepSteps === true,
      now: () => io.now(),
      stopBudgetSeconds: flags.stopBudget,
      operator,
      detectOperator,
      signal,
      onEvent: (e) => {
        if (e.type === 'done' && progress)
          io.stderr.write(`${inertLine(`${e.result.namespace}/${e.result.name}`)}: ${e.result.outcome}\n`);
      },
      replan,
    });
    if (flags.wait !== undefined && mode === 'request-cancel' && !done.interrupted)
      await waitAll(client, done.results, {
        waitSeconds: flags.wait,
        stopBudgetSeconds: flags.stopBudget,
        clock: () => io.now(),
        signal,
      });
    return done;
  });

  emit(batch.results, { interrupted: batch.interrupted });
  return exitCodeForRepair(batch, flags.wait !== undefined);
}
