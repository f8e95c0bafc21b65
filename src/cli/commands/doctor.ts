// `storyctl doctor`: read runs from a live cluster or snapshots (plus optional logs), run the
// cluster rules, report. The exit code is chosen by src/cli/exit.ts from the report.
import { Option, type Command } from 'commander';
import { StoryctlError } from '../../model/errors.js';
import type { ObjectSet } from '../../model/kube.js';
import { buildReport, type Finding, type NotEvaluated, type SourceInfo } from '../../model/report.js';
import { buildWorld, type ObjectKind } from '../../model/world.js';
import { runClusterRules } from '../../rules/engine.js';
import { clusterRules, logRules } from '../../rules/index.js';
import type { Rule } from '../../rules/types.js';
import { addClusterFlags, loadClusterOptions, type ClusterFlags } from '../cluster-flags.js';
import type { CommandResult } from '../command-result.js';
import { addReportOptions, emitReport, selectRules } from '../common.js';
import { exitCodeForReport } from '../exit.js';
import { showProgress, type CliIO } from '../io.js';
import { collect, durationOption, parseNowOption, type CommonFlags } from '../options.js';
import { createProgress } from '../progress.js';
import { printInputWarnings } from '../warnings.js';

export interface DoctorFlags extends CommonFlags, ClusterFlags {
  snapshot?: string[];
  logs?: string[];
  assumeCancelAt?: number;
  operatorGracefulTimeout?: number;
}

export function registerDoctor(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('doctor')
    .description('find stuck or self-contradicting StoryRuns and StepRuns (live cluster, or --snapshot)');
  addClusterFlags(cmd)
    .option(
      '--snapshot <path>',
      'read `kubectl get ... -o yaml|json` output: file, directory or - (repeatable)',
      collect,
    )
    .option('--logs <path>', 'join captured logs: file, directory, glob or - (repeatable)', collect)
    .addOption(
      new Option(
        '--assume-cancel-at <time>',
        'for cancels without the observed-at annotation, assume this start',
      ).argParser(parseNowOption),
    )
    .addOption(
      durationOption(
        '--operator-graceful-timeout <duration>',
        "the operator's engram.default-graceful-shutdown-timeout-seconds",
      ),
    );
  addReportOptions(cmd).action(async (flags: DoctorFlags) => {
    result.code = await runDoctor(flags, io, result.argv);
  });
}

export async function runDoctor(flags: DoctorFlags, io: CliIO, args: readonly string[]): Promise<number> {
  const now = flags.now ?? io.now();
  const withLogs = (flags.logs?.length ?? 0) > 0;
  const rules: Rule[] = selectRules<Rule>(
    flags,
    [...clusterRules, ...(withLogs ? logRules : [])],
    (r) => `${r.meta.id} is a log rule: give doctor the logs with --logs FILE|DIR (or use storyctl lint)`,
  );
  const ruleSet = new Set(rules);
  const progress = createProgress(io, showProgress(io, flags.quiet));
  if (flags.snapshot && (flags.namespace || flags.allNamespaces || flags.context || flags.kubeconfig)) {
    // A selector still applies to snapshots; cluster connection flags do not.
    throw new StoryctlError(
      'usage',
      '--snapshot reads captured objects: --namespace, -A, --context and --kubeconfig apply to a live cluster only',
    );
  }

  let objects: ObjectSet;
  let unavailable: Partial<Record<ObjectKind, string>> = {};
  const sources: SourceInfo[] = [];
  try {
    if (flags.snapshot && flags.snapshot.length > 0) {
      const { readSnapshots } = await import('../../sources/snapshot/index.js');
      const snap = await readSnapshots(flags.snapshot, { stdin: io.stdin });
      objects = snap.objects;
      sources.push(...snap.sources);
      printInputWarnings(io, snap.warnings, { showPii: flags.showPii === true });
    } else {
      const { loadCluster } = await import('../../sources/cluster/index.js');
      const live = await loadCluster({
        ...loadClusterOptions(flags, io.env),
        onProgress: (p) => progress.objects(p.kind, p.listed),
        // The --request-timeout budget covers the whole command, Node start-up included.
        deadlineFrom: performance.timeOrigin,
      });
      objects = live.objects;
      unavailable = live.unavailable;
      sources.push(live.source);
    }
  } finally {
    progress.done();
  }

  const worldOptions: Parameters<typeof buildWorld>[1] = { unavailable };
  if (flags.operatorGracefulTimeout !== undefined)
    worldOptions.operatorDefaultSeconds = flags.operatorGracefulTimeout;
  const world = buildWorld(objects, worldOptions);
  const ctx: Parameters<typeof runClusterRules>[2] = { now, stopBudgetSeconds: flags.stopBudget };
  if (flags.assumeCancelAt !== undefined) ctx.assumeCancelAt = flags.assumeCancelAt;
  const engine = runClusterRules(
    clusterRules.filter((r) => ruleSet.has(r)),
    world,
    ctx,
  );
  const findings: Finding[] = engine.findings;
  const notEvaluated: NotEvaluated[] = engine.notEvaluated;

  if (flags.logs && withLogs) {
    const { lintLogs } = await import('../../logs/index.js');
    const logs = await lintLogs(flags.logs, {
      stdin: io.stdin,
      now,
      stopBudgetSeconds: flags.stopBudget,
      rules: logRules.filter((r) => ruleSet.has(r)),
    });
    findings.push(...logs.findings);
    notEvaluated.push(...logs.notEvaluated);
    sources.push(...logs.sources);
    printInputWarnings(io, logs.warnings, { showPii: flags.showPii === true });
  }

  const report = buildReport({ now, sources, findings, notEvaluated, showPii: flags.showPii === true });
  await emitReport(
    report,
    flags,
    io,
    args,
    rules.map((r) => r.meta),
  );
  return exitCodeForReport(report, flags.failOn);
}
