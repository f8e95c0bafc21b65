// The work behind `storyctl finish`, loaded only when the command runs: it pulls in ink and the
// Kubernetes client, which `lint` and `doctor --snapshot` never need (start-up time and memory).
import { createElement } from 'react';
import { render } from 'ink';
import { StoryctlError } from '../../model/errors.js';
import type { StepRun, Story, StoryRun } from '../../model/kube.js';
import type { Finding } from '../../model/report.js';
import { buildWorld, objectKey } from '../../model/world.js';
import { applyBatch, missingPermissions, type BatchResult } from '../../repair/apply.js';
import { makeRepairClient, type RepairClient } from '../../repair/client.js';
import {
  describePermission,
  neededPermissions,
  planDocument,
  planRun,
  type RepairMode,
  type RunPlan,
} from '../../repair/plan.js';
import type { RunResult } from '../../repair/result.js';
import { blockingFindings, findingsForRun, selectsForFinish } from '../../repair/verify.js';
import { planDiffLines, planSummary, renderPlanDiff, renderResultsTable } from '../../report/plan-diff.js';
import { ConfirmPlan } from '../../report/ui/ConfirmPlan.js';
import { runClusterRules } from '../../rules/engine.js';
import { clusterRules, findRuleMeta } from '../../rules/index.js';
import { readRun, readRunContext } from '../../sources/cluster/run-reads.js';
import { waitForTerminal } from '../../sources/cluster/run-wait.js';
import { EXIT } from '../exit.js';
import { showProgress, useColor, type CliIO } from '../io.js';

import type { DryRun, FinishFlags } from './finish.js';

function validate(names: string[], flags: FinishFlags): void {
  const usage = (m: string): never => {
    throw new StoryctlError('usage', m);
  };
  if (flags.allStalled && names.length > 0) usage('give run names or --all-stalled, not both');
  if (!flags.allStalled && names.length === 0) usage('name at least one StoryRun, or use --all-stalled');
  if (!flags.allStalled && (flags.allNamespaces || flags.selector))
    usage('-A and -l select runs for --all-stalled; with run names use -n');
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

interface Target {
  run: StoryRun;
  steps: StepRun[];
  story?: Story | undefined;
  findings: Finding[];
}

export async function runFinish(names: string[], flags: FinishFlags, io: CliIO): Promise<number> {
  validate(names, flags);
  const { makeKubeConfig } = await import('../../sources/cluster/index.js');
  const kcOptions: Parameters<typeof makeKubeConfig>[0] = { env: io.env };
  if (flags.kubeconfig) kcOptions.kubeconfig = flags.kubeconfig;
  if (flags.context) kcOptions.context = flags.context;
  const cfg = makeKubeConfig(kcOptions);
  const client = makeRepairClient(cfg, flags.requestTimeout);
  const namespace = flags.namespace ?? cfg.namespace ?? 'default';
  const mode: RepairMode = flags.forceTerminal ? 'force-terminal' : 'request-cancel';
  const dryRun: DryRun = flags.dryRun ?? 'none';
  const now = io.now();
  const color = useColor(io, flags.color);
  const json = flags.output === 'json';
  const progress = showProgress(io, false);

  const { targets, skipped } = flags.allStalled
    ? await stalledTargets(flags, io, now)
    : { targets: await namedTargets(client, namespace, names, flags, now), skipped: 0 };

  const planOf = (t: Target): RunPlan =>
    planRun({
      run: t.run,
      steps: t.steps,
      story: t.story,
      findings: t.findings,
      now,
      mode,
      user: client.user,
      reason: flags.reason,
      keepSteps: flags.keepSteps === true,
    });
  const plans = targets.map(planOf);
  const toWrite = plans.filter((p) => p.action === 'repair');
  const notes: string[] = [];
  if (skipped > 0)
    notes.push(
      `${skipped} more stalled run(s) left for the next pass: --max-changes ${flags.maxChanges} reached`,
    );

  const emit = (results: RunResult[] | undefined, extra: Record<string, unknown> = {}): void => {
    if (json) {
      const doc = { ...planDocument(plans, mode, dryRun), ...(results ? { results } : {}), ...extra };
      if (notes.length > 0) Object.assign(doc, { notes });
      io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return;
    }
    if (results) {
      const width = io.stdout.columns;
      io.stdout.write(renderResultsTable(results, width ? { color, width } : { color }));
    }
    for (const n of notes) io.stdout.write(`${n}\n`);
  };
  const showPlan = (): void => {
    if (!json) io.stdout.write(`${renderPlanDiff(plans, { color })}${planSummary(plans)}\n`);
  };

  if (plans.length === 0) {
    emit([]);
    if (!json) io.stdout.write('nothing to finish: doctor reports no stalled run in the scope\n');
    return EXIT.ok;
  }

  if (dryRun === 'client') {
    showPlan();
    emit(undefined);
    return plans.some((p) => p.action === 'refused') ? EXIT.refused : EXIT.ok;
  }

  // ink reads keys in raw mode: a stdin that cannot do that cannot answer the question either.
  const rawMode = typeof (io.stdin as { setRawMode?: unknown }).setRawMode === 'function';
  const interactive = io.stdin.isTTY === true && io.stdout.isTTY === true && rawMode && !json;
  const mustAsk = mode === 'force-terminal' && dryRun === 'none' && toWrite.length > 0 && flags.yes !== true;
  if (!(mustAsk && interactive)) showPlan();

  // RBAC first: nothing is written unless every write of every plan is allowed (§9.9, issue 5).
  const missing = await missingPermissions(client, neededPermissions(toWrite));
  if (missing.length > 0) {
    const what = missing.map(describePermission).join('; ');
    emit(plans.map((p) => resultOf(p, 'refused', `not written: the user may not ${what}`)));
    throw new StoryctlError(
      'refused',
      `refused before any write: ${client.user ?? 'this user'} (context ${client.context}) may not ${what}`,
    );
  }

  if (mustAsk) {
    if (!interactive) {
      emit(
        plans.map((p) =>
          resultOf(p, p.action === 'repair' ? 'refused' : outcomeOf(p), p.reason ?? 'not confirmed'),
        ),
      );
      throw new StoryctlError(
        'refused',
        'not writing without confirmation: there is no terminal to ask on; re-run with --yes after reading the plan (or --dry-run)',
      );
    }
    const yes = await confirm(io, plans, color);
    if (!yes) {
      emit(
        plans.map((p) =>
          resultOf(p, p.action === 'repair' ? 'refused' : outcomeOf(p), 'declined: nothing written'),
        ),
      );
      throw new StoryctlError('refused', 'declined: nothing was written');
    }
  }

  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C means now. Every write is idempotent, so the next run resumes.
      io.stderr.write('storyctl: stopped; run the same command again to resume\n');
      process.exit(EXIT.interrupted);
    }
    io.stderr.write('storyctl: stopping after the run in hand (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let batch: BatchResult;
  try {
    const byKey = new Map(targets.map((t) => [objectKey(t.run.metadata.namespace, t.run.metadata.name), t]));
    batch = await applyBatch(client, plans, {
      serverDryRun: dryRun === 'server',
      keepSteps: flags.keepSteps === true,
      now: () => io.now(),
      stopBudgetSeconds: flags.stopBudget,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'done' && progress)
          io.stderr.write(`${e.result.namespace}/${e.result.name}: ${e.result.outcome}\n`);
      },
      replan: (run, steps, resume) => {
        const t = byKey.get(objectKey(run.metadata.namespace, run.metadata.name));
        return planRun({
          run,
          steps,
          story: t?.story,
          findings: t?.findings ?? [],
          now: io.now(),
          mode,
          user: client.user,
          reason: flags.reason,
          keepSteps: flags.keepSteps === true,
          ...(resume ? { resume } : {}),
        });
      },
    });
    if (flags.wait !== undefined && mode === 'request-cancel' && !batch.interrupted)
      await waitAll(client, batch.results, flags, io, controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }

  emit(batch.results, { interrupted: batch.interrupted });
  return exitFor(batch, flags.wait !== undefined);
}

function resultOf(plan: RunPlan, outcome: RunResult['outcome'], message: string): RunResult {
  return { namespace: plan.namespace, name: plan.name, outcome, message, attempts: 0, writes: [] };
}

function outcomeOf(plan: RunPlan): RunResult['outcome'] {
  return plan.action === 'no-op' ? 'no-op' : plan.action === 'refused' ? 'refused' : 'skipped';
}

async function namedTargets(
  client: RepairClient,
  namespace: string,
  names: string[],
  flags: FinishFlags,
  now: number,
): Promise<Target[]> {
  const targets: Target[] = [];
  for (const name of [...new Set(names)]) {
    const found = await readRun(client, namespace, name);
    if (!found)
      throw new StoryctlError('usage', `StoryRun ${namespace}/${name} not found (nothing was written)`);
    // The cancel window needs the Story and its Transports; when they may not be read, the window
    // is unknown and the window rules are left out rather than guessed.
    const context = await readRunContext(client, found.run);
    const findings = findingsForRun({
      ...found,
      ...(context ?? {}),
      now,
      stopBudgetSeconds: flags.stopBudget,
    }).filter((f) => context !== undefined || findRuleMeta(f.ruleId)?.needsWindow !== true);
    targets.push({ ...found, story: context?.story, findings });
  }
  return targets;
}

async function stalledTargets(
  flags: FinishFlags,
  io: CliIO,
  now: number,
): Promise<{ targets: Target[]; skipped: number }> {
  const { loadCluster } = await import('../../sources/cluster/index.js');
  const opts: Parameters<typeof loadCluster>[0] = { env: io.env, timeoutSeconds: flags.requestTimeout };
  if (flags.kubeconfig) opts.kubeconfig = flags.kubeconfig;
  if (flags.context) opts.context = flags.context;
  if (flags.namespace) opts.namespace = flags.namespace;
  if (flags.allNamespaces) opts.allNamespaces = true;
  if (flags.selector) opts.selector = flags.selector;
  const live = await loadCluster(opts);
  const world = buildWorld(live.objects, { unavailable: live.unavailable });
  const { findings } = runClusterRules(clusterRules, world, { now, stopBudgetSeconds: flags.stopBudget });
  const stepOwner = new Map<string, string>();
  for (const v of world.runs)
    for (const s of v.steps) stepOwner.set(objectKey(s.metadata.namespace, s.metadata.name), v.key);
  const selected = new Set<string>();
  for (const f of findings) {
    if (!selectsForFinish(f) || !f.subject) continue;
    const key = objectKey(f.subject.namespace, f.subject.name);
    const runKey = f.subject.kind === 'StoryRun' ? key : stepOwner.get(key);
    if (runKey) selected.add(runKey);
  }
  const keys = [...selected].sort();
  const targets = keys.slice(0, flags.maxChanges).flatMap((k) => {
    const v = world.runsByKey.get(k);
    if (!v) return [];
    const stepKeys = new Set(v.steps.map((s) => objectKey(s.metadata.namespace, s.metadata.name)));
    const mine = findings.filter(
      (f) =>
        f.subject !== undefined &&
        ((f.subject.kind === 'StoryRun' && objectKey(f.subject.namespace, f.subject.name) === k) ||
          (f.subject.kind === 'StepRun' && stepKeys.has(objectKey(f.subject.namespace, f.subject.name)))),
    );
    return [{ run: v.run, steps: v.steps, story: v.story, findings: mine }];
  });
  return { targets, skipped: Math.max(0, keys.length - flags.maxChanges) };
}

async function confirm(io: CliIO, plans: readonly RunPlan[], color: boolean): Promise<boolean> {
  const lines = plans.flatMap((p) => [...planDiffLines(p), '']);
  const summary = planSummary(plans);
  return new Promise<boolean>((resolve) => {
    const props = { lines, summary, color };
    const onAnswer = (yes: boolean): void => {
      instance.rerender(createElement(ConfirmPlan, { ...props, answer: yes, onAnswer }));
      instance.unmount();
      resolve(yes);
    };
    const instance = render(createElement(ConfirmPlan, { ...props, onAnswer }), {
      stdout: io.stdout as NodeJS.WriteStream,
      stderr: io.stderr as NodeJS.WriteStream,
      stdin: io.stdin as NodeJS.ReadStream,
      // Ctrl-C is an answer here (no), not a reason to leave the terminal in raw mode.
      exitOnCtrlC: false,
      patchConsole: false,
    });
  });
}

async function waitAll(
  client: RepairClient,
  results: RunResult[],
  flags: FinishFlags,
  io: CliIO,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + (flags.wait ?? 0) * 1000;
  for (const r of results) {
    if (r.outcome !== 'applied' && r.outcome !== 'no-op') continue;
    const waited = await waitForTerminal(client, r.namespace, r.name, {
      timeoutMs: Math.max(0, deadline - Date.now()),
      signal,
    });
    if (waited.state === 'gone') {
      r.message = 'the StoryRun was deleted while waiting';
      continue;
    }
    if (waited.state !== 'terminal') {
      r.outcome = 'failed';
      r.message = `${waited.state === 'timeout' ? 'timed out' : 'interrupted'}: still ${waited.current?.run.status?.phase ?? 'unknown'} after waiting; the controller has not finished it (storyctl doctor shows why; --force-terminal writes the terminal state)`;
      continue;
    }
    const left = blockingFindings(
      findingsForRun({ ...waited.current, now: io.now(), stopBudgetSeconds: flags.stopBudget }),
    );
    const phase = waited.current.run.status?.phase ?? '';
    if (left.length === 0) {
      r.message = `the controller finished it: ${phase}, consistent`;
    } else {
      // The request itself worked; what is left is a finding (exit 1), like doctor would report it.
      r.remaining = left.map((f) => ({ ruleId: f.ruleId, message: f.message }));
      r.message = `the controller finished it (${phase}) but doctor still reports ${[...new Set(left.map((f) => f.ruleId))].join(', ')}: run storyctl finish ${r.name} -n ${r.namespace} --force-terminal`;
    }
  }
}

/**
 * ARCHITECTURE.md exit codes: 5 when the batch is partly applied (Ctrl-C included), 4 when nothing
 * was written because a run was refused or kept conflicting, 1 when --wait saw the controller
 * finish but doctor still reports the run.
 */
function exitFor(batch: BatchResult, waited: boolean): number {
  const rs = batch.results;
  const count = (o: RunResult['outcome']): number => rs.filter((r) => r.outcome === o).length;
  if (batch.interrupted) {
    throw new StoryctlError(
      'partial',
      `interrupted: ${count('applied')} run(s) finished, ${count('skipped')} not started; run the same command again to continue`,
    );
  }
  const bad = rs.filter((r) => r.outcome === 'refused' || r.outcome === 'conflict' || r.outcome === 'failed');
  if (bad.length === 0) return waited && rs.some((r) => r.remaining) ? EXIT.findings : EXIT.ok;
  const list = bad.map((r) => `${r.namespace}/${r.name} ${r.outcome}`).join(', ');
  if (rs.some((r) => r.writes.length > 0)) throw new StoryctlError('partial', `partly applied: ${list}`);
  const kind = bad.some((r) => r.outcome === 'conflict') ? 'conflict' : 'refused';
  throw new StoryctlError(kind, `nothing was written: ${list}`);
}
