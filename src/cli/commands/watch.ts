// `storyctl watch`: the live dashboard. This file is the IO edge: it resolves the kubeconfig,
// starts the watches, plans and applies finishes, and hands all of that to the ink app as props.
// Without a terminal there is nothing to watch: it refuses and points at `storyctl doctor`.
import { Option, type Command } from 'commander';
import type { StepRun, StoryRun } from '../../model/kube.js';
import type { Resume, RunPlan } from '../../repair/plan.js';
import type { ResolvedKubeConfig } from '../../sources/cluster/kubeconfig.js';
import { clusterRules } from '../../rules/index.js';
import type { RunRow } from '../../report/ui/dashboard-state.js';
import type { PlannedFinish } from '../../report/ui/WatchApp.js';
import { EXIT } from '../exit.js';
import { useColor, type CliIO } from '../io.js';
import { parseBudgetOption, DEFAULT_FLAGS } from '../options.js';
import type { CommandResult } from '../program.js';

export interface WatchFlags {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  context?: string;
  kubeconfig?: string;
  stopBudget: number;
  requestTimeout: number;
  color?: boolean;
}

export function registerWatch(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('watch')
    .description(
      'live dashboard of StoryRuns: stalled cancels, contradictions, finish in place (needs a terminal)',
    )
    .option('-n, --namespace <ns>', "namespace (default: the context's namespace)")
    .option('-A, --all-namespaces', 'every namespace')
    .option('-l, --selector <selector>', 'label selector for StoryRuns')
    .option('--context <name>', 'kubeconfig context')
    .option('--kubeconfig <file>', 'kubeconfig file (KUBECONFIG is honoured)')
    .addOption(
      new Option('--stop-budget <duration>', 'how long a stop may take before it is stalled')
        .default(DEFAULT_FLAGS.stopBudget, '30s')
        .argParser(parseBudgetOption),
    )
    .addOption(
      new Option(
        '--request-timeout <seconds>',
        'give up on a silent API server after this long (then reconnect)',
      )
        .default(15)
        .argParser(Number),
    )
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .action(async (flags: WatchFlags) => {
      result.code = await runWatch(flags, io);
    });
}

export function refusesWithoutTerminal(io: CliIO): boolean {
  return io.stdout.isTTY !== true || io.stdin.isTTY !== true;
}

export async function runWatch(flags: WatchFlags, io: CliIO): Promise<number> {
  if (refusesWithoutTerminal(io)) {
    io.stderr.write(
      'storyctl: watch is an interactive dashboard and needs a terminal on stdin and stdout.\n' +
        'storyctl: for pipes, scripts and CI use `storyctl doctor` (e.g. `storyctl doctor -o json`).\n',
    );
    return EXIT.usage;
  }
  const [{ makeKubeConfig }, { watchCluster }, { render }, { createElement }, { WatchApp }] =
    await Promise.all([
      import('../../sources/cluster/kubeconfig.js'),
      import('../../sources/cluster/watch.js'),
      import('ink'),
      import('react'),
      import('../../report/ui/WatchApp.js'),
    ]);
  const kcOptions: Parameters<typeof makeKubeConfig>[0] = { env: io.env };
  if (flags.kubeconfig !== undefined) kcOptions.kubeconfig = flags.kubeconfig;
  if (flags.context !== undefined) kcOptions.context = flags.context;
  const cfg = makeKubeConfig(kcOptions);
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? cfg.namespace ?? 'default');
  const scope = `${namespace === undefined ? 'all namespaces' : `namespace ${namespace}`}${flags.selector ? ` · -l ${flags.selector}` : ''}`;

  const watchOptions: Parameters<typeof watchCluster>[0] = {
    kc: cfg.kc,
    server: cfg.server,
    namespace,
    timeoutSeconds: flags.requestTimeout,
  };
  if (flags.selector) watchOptions.selector = flags.selector;
  const finisher = await loadFinisher(cfg, flags, io);

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
      rules: clusterRules,
      stopBudgetSeconds: flags.stopBudget,
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
 * Plan from a fresh read (the plan must carry the run's current resourceVersion), check RBAC before
 * asking (a refusal is shown in the dialog instead of a question), and apply with the repair's
 * applier, which re-plans on conflicts and reads the run back.
 */
async function loadFinisher(cfg: ResolvedKubeConfig, flags: WatchFlags, io: CliIO): Promise<Finisher> {
  const [
    { makeRepairClient, readRun },
    { planRun, describePermission },
    { applyRun, missingPermissions },
    { planDiffLines },
    { findingsForRun },
  ] = await Promise.all([
    import('../../repair/client.js'),
    import('../../repair/plan.js'),
    import('../../repair/apply.js'),
    import('../../report/plan-diff.js'),
    import('../../repair/verify.js'),
  ]);
  const closed = (message: string, ok: boolean) => () => Promise.resolve({ ok, message });
  return async (row) => {
    // One client per dialog: --request-timeout budgets one finish, not the whole watch session.
    const client = makeRepairClient(cfg, flags.requestTimeout);
    const plan = (run: StoryRun, steps: readonly StepRun[], resume?: Resume): RunPlan => {
      const now = io.now();
      const findings = findingsForRun({
        run,
        steps,
        story: row.view.story,
        now,
        stopBudgetSeconds: flags.stopBudget,
      });
      const input: Parameters<typeof planRun>[0] = {
        run,
        steps,
        findings,
        now,
        mode: 'force-terminal',
        user: client.user,
      };
      if (resume) input.resume = resume;
      return planRun(input);
    };
    const fresh = await readRun(client, row.namespace, row.name);
    if (!fresh)
      return {
        diff: [],
        summary: '',
        refusal: `StoryRun ${row.key} no longer exists`,
        apply: closed('gone', false),
      };
    const first = plan(fresh.run, fresh.steps);
    const diff = planDiffLines(first);
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
    const missing = await missingPermissions(client, first.permissions);
    if (missing.length > 0) {
      const who = client.user ? `user "${client.user}"` : 'this user';
      return {
        diff,
        summary,
        refusal: `refused by RBAC: ${who} may not ${missing.map(describePermission).join('; ')}. Nothing was written.`,
        apply: closed('refused', false),
      };
    }
    return {
      diff,
      summary,
      apply: async () => {
        const r = await applyRun(client, first, {
          replan: plan,
          now: io.now,
          stopBudgetSeconds: flags.stopBudget,
        });
        return {
          ok: r.outcome === 'applied' || r.outcome === 'no-op',
          message: `${r.outcome}: ${r.message}`,
        };
      },
    };
  };
}
