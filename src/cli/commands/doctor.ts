// `storyctl doctor`: read runs from a live cluster or snapshots (plus optional logs), run the
// cluster rules, report. The exit code is chosen by src/cli/exit.ts from the report.
import { Option, type Command } from 'commander';
import { StoryctlError } from '../../model/errors.js';
import type { ObjectSet } from '../../model/kube.js';
import {
  assembleReport,
  type Finding,
  type Location,
  type NotEvaluated,
  type SourceInfo,
  type Subject,
} from '../../model/report.js';
import { annotationIndex } from '../../model/suppress.js';
import { buildWorld, type ObjectKind } from '../../model/world.js';
import { runClusterRules } from '../../rules/engine.js';
import { withOwningRuns } from '../../rules/evaluate.js';
import { clusterRules, logRules } from '../../rules/index.js';
import type { Rule } from '../../rules/types.js';
import {
  addClusterFlags,
  loadClusterOptions,
  releaseFromFlag,
  startRequestLog,
  type ClusterFlags,
} from '../cluster-flags.js';
import type { CommandResult } from '../command-result.js';
import { withExamples } from '../examples.js';
import { addReportOptions, selectRules } from '../common.js';
import { showProgress, type CliIO } from '../io.js';
import { logTimezoneOption } from '../log-timezone.js';
import { collect, durationOption, parseNowOption, type CommonFlags } from '../options.js';
import type { LogZone } from '../../logs/timezone.js';
import { createProgress } from '../progress.js';
import { publishReport } from '../policy.js';
import {
  logThresholds,
  logZoneSetting,
  optionSource,
  resolveSettings,
  type OptionSource,
} from '../settings.js';
import { collectGarbage, LARGE_INPUT_OBJECTS } from '../release-memory.js';
import { printInputWarnings } from '../warnings.js';

export interface DoctorFlags extends CommonFlags, ClusterFlags {
  snapshot?: string[];
  logs?: string[];
  assumeCancelAt?: number;
  operatorGracefulTimeout?: number;
  logTimezone?: LogZone;
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
    .addOption(logTimezoneOption())
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
  withExamples(cmd, [
    ['every StoryRun of one namespace, worst first', 'storyctl doctor -n voice-prod'],
    ['every namespace, as JSON for a script', 'storyctl doctor -A -o json'],
    [
      'captured objects and logs instead of a live cluster',
      'storyctl doctor --snapshot incident.yaml --logs logs/ --now 2026-04-22T18:16:00Z',
    ],
    [
      'the same check as another user (impersonation), with request logging',
      'storyctl doctor -n voice-prod --as oncall@example.com -v 6',
    ],
  ]);
  addReportOptions(cmd).action(async (flags: DoctorFlags, command: Command) => {
    result.code = await runDoctor(flags, io, result.argv, optionSource(command));
  });
}

export async function runDoctor(
  flags: DoctorFlags,
  io: CliIO,
  args: readonly string[],
  source: OptionSource = () => undefined,
): Promise<number> {
  const now = flags.now ?? io.now();
  const settings = await resolveSettings(flags, io, args, source);
  const thresholds = settings.thresholds;
  const withLogs = (flags.logs?.length ?? 0) > 0;
  const rules: Rule[] = selectRules<Rule>(
    flags,
    [...clusterRules, ...(withLogs ? logRules : [])],
    (r) => `${r.meta.id} is a log rule: give doctor the logs with --logs FILE|DIR (or use storyctl lint)`,
    settings,
  );
  const ruleSet = new Set(rules);
  const progress = createProgress(io, showProgress(io, flags.quiet));
  const connection = [
    flags.namespace && '--namespace',
    flags.allNamespaces && '-A',
    flags.context && '--context',
    flags.kubeconfig && '--kubeconfig',
    flags.cluster && '--cluster',
    flags.user && '--user',
    flags.server && '--server',
    flags.token && '--token',
    flags.insecureSkipTlsVerify && '--insecure-skip-tls-verify',
    flags.as && '--as',
    flags.asGroup && '--as-group',
  ].filter((x): x is string => typeof x === 'string');
  if (flags.snapshot && flags.selector)
    // The selector is the API server's to apply; silently ignoring it would misstate the scope.
    throw new StoryctlError(
      'usage',
      '-l selects StoryRuns on the API server, and --snapshot reads what was captured: capture with `kubectl get storyruns,stepruns,stories,transports -l SELECTOR -o yaml` instead',
    );
  if (flags.snapshot && connection.length > 0) {
    throw new StoryctlError(
      'usage',
      `--snapshot reads captured objects: ${connection.join(', ')} apply to a live cluster only`,
    );
  }

  let objects: ObjectSet;
  let locate: ((subject: Subject) => Location | undefined) | undefined;
  let unavailable: Partial<Record<ObjectKind, string>> = {};
  const sources: SourceInfo[] = [];
  // The release the rules assume: --operator-version, else the controller Deployment (live) or one
  // captured with the snapshot, else what the objects show (rules' evidence names which).
  let operator = releaseFromFlag(flags);
  let operatorNote: string | undefined;
  try {
    if (flags.snapshot && flags.snapshot.length > 0) {
      const { readSnapshots } = await import('../../sources/snapshot/index.js');
      const snap = await readSnapshots(flags.snapshot, { stdin: io.stdin });
      objects = snap.objects;
      locate = snap.locate;
      sources.push(...snap.sources);
      operator ??= snap.operator;
      operatorNote = snap.operatorUnreadable ?? 'a snapshot holds no controller Deployment';
      printInputWarnings(io, snap.warnings, { showPii: flags.showPii === true });
      // The files' text is dead now: let it go before the model and the report grow on top of it.
      if (snap.sources.reduce((n, s) => n + (s.objects ?? 0), 0) >= LARGE_INPUT_OBJECTS) collectGarbage();
    } else {
      const { loadCluster } = await import('../../sources/cluster/index.js');
      const stopLog = await startRequestLog(flags, io);
      const live = await loadCluster({
        ...loadClusterOptions(flags, io.env),
        onProgress: (p) => progress.objects(p.kind, p.listed),
        // The --request-timeout budget covers the whole command, Node start-up included.
        deadlineFrom: performance.timeOrigin,
        detectOperator: operator === undefined,
      }).finally(stopLog);
      objects = live.objects;
      operator ??= live.operator;
      operatorNote = live.operatorNote;
      unavailable = live.unavailable;
      sources.push(live.source);
    }
  } finally {
    progress.done();
  }

  const worldOptions: Parameters<typeof buildWorld>[1] = { unavailable, operator, operatorNote };
  if (thresholds.operatorGracefulTimeout.from.kind !== 'default')
    worldOptions.operatorDefaultSeconds = thresholds.operatorGracefulTimeout.value;
  const world = buildWorld(objects, worldOptions);
  const ctx: Parameters<typeof runClusterRules>[2] = {
    now,
    stopBudgetSeconds: thresholds.stopBudget.value,
    stuckFinalizerSeconds: thresholds.stuckFinalizerAge.value,
  };
  if (flags.assumeCancelAt !== undefined) ctx.assumeCancelAt = flags.assumeCancelAt;
  const engine = runClusterRules(
    clusterRules.filter((r) => ruleSet.has(r)),
    world,
    ctx,
  );
  // Snapshot findings point at the object in its file (SARIF and annotations need a file and line).
  const owned = withOwningRuns(world, engine.findings);
  const findings: Finding[] = locate ? owned.map((f) => withObjectLocation(f, locate)) : owned;
  const notEvaluated: NotEvaluated[] = engine.notEvaluated;

  if (flags.logs && withLogs) {
    const { lintLogs } = await import('../../logs/index.js');
    const logs = await lintLogs(flags.logs, {
      stdin: io.stdin,
      now,
      stopBudgetSeconds: thresholds.stopBudget.value,
      thresholds: logThresholds(settings),
      rules: logRules.filter((r) => ruleSet.has(r)),
      logZone: logZoneSetting(settings),
    });
    findings.push(...logs.findings);
    notEvaluated.push(...logs.notEvaluated);
    sources.push(...logs.sources);
    printInputWarnings(io, logs.warnings, { showPii: flags.showPii === true });
  }

  const built = assembleReport({ now, sources, findings, notEvaluated, showPii: flags.showPii === true });
  return publishReport(built, settings, flags, io, rules, annotationIndex(world));
}

function withObjectLocation(f: Finding, locate: (subject: Subject) => Location | undefined): Finding {
  const location = f.location ?? (f.subject ? locate(f.subject) : undefined);
  return location && !f.location ? { ...f, location } : f;
}
