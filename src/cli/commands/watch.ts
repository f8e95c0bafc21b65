// `storyctl watch`: the live dashboard. This file is the IO edge: it resolves the kubeconfig,
// starts the watches, plans and applies finishes, and hands all of that to the ink app as props.
// Without a terminal there is nothing to watch: it refuses and points at `storyctl doctor`.
import type { Command } from 'commander';
import type { RunPlan } from '../../repair/plan.js';
import type { ResolvedKubeConfig } from '../../sources/cluster/kubeconfig.js';
import { settingsFilter } from '../../config/findings-filter.js';
import { clusterRules } from '../../rules/index.js';
import { withoutManagedFields } from '../../serve/store.js';
import type { RunRow } from '../../report/ui/dashboard-state.js';
import type { PlannedFinish } from '../../report/ui/WatchApp.js';
import type { OperatorRelease } from '../../contract/operator-release.js';
import {
  addClusterFlags,
  connectionOptions,
  releaseFromFlag,
  startRequestLog,
  type ClusterFlags,
} from '../cluster-flags.js';
import type { CommandResult } from '../command-result.js';
import { withExamples } from '../examples.js';
import { EXIT } from '../exit.js';
import { useColor, type CliIO } from '../io.js';
import { selectRules } from '../common.js';
import { DEFAULT_FLAGS, durationOption, stopBudgetOption } from '../options.js';
import { optionSource, resolveSettings, type OptionSource } from '../settings.js';

export interface WatchFlags extends ClusterFlags {
  stopBudget: number;
  operatorGracefulTimeout?: number;
  /** `--config FILE`, or false for `--no-config`; undefined: discover `.storyctl.yaml`. */
  config?: string | false;
  /** false with `--no-suppressions` (audit mode). */
  suppressions?: boolean;
  color?: boolean;
}

export function registerWatch(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('watch')
    .description(
      'live dashboard of StoryRuns: stalled cancels, contradictions, finish in place (needs a terminal)',
    );
  addClusterFlags(cmd, {
    requestTimeout:
      'give up on a silent API server after this long, then reconnect; e.g. 5s or 1m (0: no timeout)',
  })
    .addOption(stopBudgetOption())
    .addOption(
      durationOption(
        '--operator-graceful-timeout <duration>',
        "the operator's engram.default-graceful-shutdown-timeout-seconds",
      ),
    )
    .option(
      '--config <file>',
      'read thresholds, rules, severities, excludes and suppressions from FILE (default: .storyctl.yaml here or up to the git root)',
    )
    .option('--no-config', 'ignore any .storyctl.yaml')
    .option('--no-suppressions', 'audit mode: show suppressed findings too (annotations and the config)')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)');
  withExamples(cmd, [
    ['the runs of one namespace, live', 'storyctl watch -n voice-prod'],
    ['every namespace, only the voice agent runs', 'storyctl watch -A -l app=voice-agent'],
  ]);
  cmd.action(async (flags: WatchFlags, command: Command) => {
    const stopLog = await startRequestLog(flags, io);
    try {
      result.code = await runWatch(flags, io, optionSource(command));
    } finally {
      stopLog();
    }
  });
}

export function refusesWithoutTerminal(io: CliIO): boolean {
  return io.stdout.isTTY !== true || io.stdin.isTTY !== true;
}

export async function runWatch(
  given: WatchFlags,
  io: CliIO,
  source: OptionSource = () => undefined,
): Promise<number> {
  if (refusesWithoutTerminal(io)) {
    io.stderr.write(
      'storyctl: watch is an interactive dashboard and needs a terminal on stdin and stdout.\n' +
        'storyctl: for pipes, scripts and CI use `storyctl doctor` (e.g. `storyctl doctor -o json`).\n',
    );
    return EXIT.usage;
  }
  // The config file as doctor reads it: its thresholds under the flags, the rules it turns off, and
  // its severities, excludes and suppressions over what the table shows.
  const settings = await resolveSettings({ ...given, failOn: DEFAULT_FLAGS.failOn }, io, [], source);
  const flags: WatchFlags = { ...given, stopBudget: settings.thresholds.stopBudget.value };
  const graceful = settings.thresholds.operatorGracefulTimeout;
  const rules = selectRules({}, clusterRules, () => '', settings);
  const [{ makeKubeConfig }, { watchCluster }, { render }, { createElement }, { WatchApp }] =
    await Promise.all([
      import('../../sources/cluster/kubeconfig.js'),
      import('../../sources/cluster/watch.js'),
      import('ink'),
      import('react'),
      import('../../report/ui/WatchApp.js'),
    ]);
  const cfg = makeKubeConfig(connectionOptions(flags, io.env));
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? cfg.namespace ?? 'default');
  const scope = `${namespace === undefined ? 'all namespaces' : `namespace ${namespace}`}${flags.selector ? ` · -l ${flags.selector}` : ''}`;

  const watchOptions: Parameters<typeof watchCluster>[0] = {
    kc: cfg.kc,
    server: cfg.server,
    namespace,
    selector: flags.selector,
    timeoutSeconds: flags.requestTimeout,
    // Thousands of runs: drop what no rule reads (often the larger half of each object).
    transform: slimObject,
  };
  const operator = await watchRelease(cfg, flags);
  const finisher = await loadFinisher(cfg, flags, io, operator);

  let code: number = EXIT.ok;
  const app = render(
    createElement(WatchApp, {
      context: cfg.context,
      server: cfg.server,
      scope,
      subscribe: (emit) => {
        const handle = watchCluster(watchOptions, emit);
        return () => handle.stop();
      },
      rules,
      filter: settingsFilter(settings),
      operator,
      stopBudgetSeconds: flags.stopBudget,
      ...(graceful.from.kind !== 'default' ? { operatorDefaultSeconds: graceful.value } : {}),
      selected: Boolean(flags.selector),
      clock: io.now,
      planFinish: finisher,
      onQuit: (c: number) => {
        code = c;
      },
      color: useColor(io, flags.color),
    }),
    {
      stdout: io.stdout as NodeJS.WriteStream,
      stdin: io.stdin as NodeJS.ReadStream,
      stderr: io.stderr as NodeJS.WriteStream,
      // Ctrl-C is a key like q here: the app stops its watches and unmounts cleanly.
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await app.waitUntilExit();
  return code;
}

type Finisher = (row: RunRow) => Promise<PlannedFinish>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The object as the dashboard keeps it (in place): without metadata.managedFields, as serve keeps
 * it, and without kubectl's copy of the whole applied object in an annotation. No rule reads
 * either; a finish reads the run afresh.
 */
export function slimObject<T extends { metadata: { name: string } }>(o: T): T {
  const annotations = (withoutManagedFields(o).metadata as { annotations?: Record<string, string> })
    .annotations;
  if (annotations?.[LAST_APPLIED] !== undefined) delete annotations[LAST_APPLIED];
  return o;
}

/** --operator-version, else the controller Deployment's image, read once; unknown leaves it to the objects. */
async function watchRelease(
  cfg: ResolvedKubeConfig,
  flags: WatchFlags,
): Promise<OperatorRelease | undefined> {
  const given = releaseFromFlag(flags);
  if (given) return given;
  const [{ ApiCaller, defaultPolicy }, { detectOperatorRelease }] = await Promise.all([
    import('../../sources/cluster/caller.js'),
    import('../../sources/cluster/operator-release.js'),
  ]);
  const caller = new ApiCaller(cfg.server, defaultPolicy(flags.requestTimeout), `context ${cfg.context}`);
  return (await detectOperatorRelease(cfg.kc, caller).catch(() => ({ release: undefined }))).release;
}

/** One line under the diff: what the writes are, so "y" is an informed answer. */
export function planSummary(plan: RunPlan): string {
  const parts: string[] = [];
  if (plan.specPatch) parts.push('set spec.cancelRequested');
  if (plan.statusPatch) parts.push('patch status');
  if (plan.annotations) parts.push('add audit annotations');
  if (plan.stepRunDeletions.length > 0) parts.push(`delete ${plan.stepRunDeletions.length} StepRun(s)`);
  return `${parts.join(', ') || 'no writes'}; every write carries resourceVersion ${plan.resourceVersion ?? '(none)'}`;
}

/**
 * The finish behind `f`: the same preparation as `finish NAME --force-terminal` (a fresh read with
 * the Story and Transports, the cluster rules, the plan, the RBAC check before asking, so a refusal
 * is shown in the dialog instead of a question), then the repair's applier, which re-plans on
 * conflicts and reads the run back.
 */
export async function loadFinisher(
  cfg: ResolvedKubeConfig,
  flags: WatchFlags,
  io: CliIO,
  operator?: OperatorRelease,
): Promise<Finisher> {
  const [
    { makeRepairClient },
    { prepareFinish, isUncanceledLive },
    { uncanceledQuestion },
    { describePermission },
    { applyRun },
    { planDiffLines },
    { repairerHint },
  ] = await Promise.all([
    import('../../repair/client.js'),
    import('../finish/prepare.js'),
    import('../finish/confirm.js'),
    import('../../repair/plan.js'),
    import('../../repair/apply.js'),
    import('../../report/plan-diff.js'),
    import('../finish/rbac-hint.js'),
  ]);
  const closed = (message: string, ok: boolean) => () => Promise.resolve({ ok, message });
  return async (row) => {
    // One client per dialog: --request-timeout budgets one finish, not the whole watch session.
    const client = makeRepairClient(cfg, flags.requestTimeout);
    const prepared = await prepareFinish(
      client,
      { kind: 'named', namespace: row.namespace, names: [row.name], ifGone: 'skip' },
      {
        mode: 'force-terminal',
        clock: io.now,
        stopBudgetSeconds: flags.stopBudget,
        user: client.user,
        checkPermissions: true,
        operator,
      },
    );
    const first = prepared.plans[0];
    if (!first)
      return {
        diff: [],
        summary: '',
        refusal: `StoryRun ${row.key} no longer exists`,
        apply: closed('gone', false),
      };
    const target = prepared.targets[0];
    const diff = planDiffLines(first);
    // A run nobody canceled is a second decision, asked after the plan's yes, as finish asks it.
    const second = target && isUncanceledLive(target) ? uncanceledQuestion([row.key]) : undefined;
    const summary = planSummary(first);
    if (first.action === 'refused')
      return { diff, summary, refusal: `refused: ${first.reason ?? ''}`, apply: closed('refused', false) };
    if (first.action === 'no-op')
      return {
        diff,
        summary,
        refusal: `nothing to do: ${first.reason ?? 'the run is consistent'}`,
        apply: closed('no-op', true),
      };
    if (prepared.missing.length > 0) {
      const who = client.user ? `user "${client.user}"` : 'this user';
      return {
        diff,
        summary,
        refusal: [
          `refused by RBAC: ${who} may not ${prepared.missing.map(describePermission).join('; ')}. Nothing was written.`,
          ...repairerHint(prepared.missing, client.user),
        ].join('\n'),
        apply: closed('refused', false),
      };
    }
    return {
      diff,
      summary,
      ...(second ? { second } : {}),
      apply: async () => {
        const r = await applyRun(client, first, {
          replan: prepared.replan,
          now: io.now,
          stopBudgetSeconds: flags.stopBudget,
          operator,
        });
        return {
          ok: r.outcome === 'applied' || r.outcome === 'no-op',
          message: `${r.outcome}: ${r.message}`,
        };
      },
    };
  };
}
