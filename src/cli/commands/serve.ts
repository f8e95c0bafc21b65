// `storyctl serve`: the doctor in the cluster (src/serve/). This file parses and checks the flags,
// resolves the kubeconfig (in a pod: the service account), starts serve and stops it on SIGTERM or
// SIGINT; everything it does between is src/serve's.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatGoDuration } from '../../contract/duration.js';
import { StoryctlError } from '../../model/errors.js';
import { clusterRules, findRuleMeta } from '../../rules/index.js';
import type { ClusterRule } from '../../rules/types.js';
import { addClusterFlags, kubeConfigOptions, releaseFromFlag, type ClusterFlags } from '../cluster-flags.js';
import type { CommandResult } from '../command-result.js';
import { EXIT } from '../exit.js';
import { withExamples } from '../examples.js';
import type { CliIO } from '../io.js';
import { selectRules } from '../common.js';
import { DEFAULT_FLAGS, durationOption, stopBudgetOption } from '../options.js';
import { resolveSettings } from '../settings.js';
import type { Settings } from '../../config/settings.js';
import type { FindingsFilter } from '../../config/findings-filter.js';
import type { ServeOptions } from '../../serve/serve.js';
import { VERSION } from '../version.js';

export interface ServeFlags extends ClusterFlags {
  metricsAddr: string;
  stopBudget: number;
  operatorGracefulTimeout?: number;
  /** `--config FILE`, or false for `--no-config`; undefined: discover `.storyctl.yaml`. */
  config?: string | false;
  /** false with `--no-suppressions` (audit mode). */
  suppressions?: boolean;
  autoFinish?: string[];
  grace: number;
  maxRepairsPerHour: number;
  dryRun?: boolean;
  leaseName?: string;
  leaseNamespace?: string;
  leaseDuration: number;
  evaluationInterval: number;
  events: boolean;
  eventSeriesInterval: number;
  debounce: number;
}

export const DEFAULT_METRICS_ADDR = ':9464';

/** `--auto-finish SR101,SR201,SR301`: only rules whose findings `finish --all-stalled` repairs. */
export function parseAutoFinish(value: string, previous: string[] | undefined): string[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError('name at least one rule, e.g. SR101,SR201,SR301');
  const out = [...(previous ?? [])];
  for (const id of ids) {
    const meta = findRuleMeta(id);
    if (!meta) throw new InvalidArgumentError(`unknown rule "${id}"`);
    if (meta.repair?.selectsForFinish !== true)
      throw new InvalidArgumentError(
        `${meta.id} is not a rule auto-repair acts on (those are the runs \`finish --all-stalled\` repairs: SR101, SR201, SR301)`,
      );
    if (!out.includes(meta.id)) out.push(meta.id);
  }
  return out;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}"`);
  return n;
}

export function registerServe(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('serve')
    .description(
      'run in the cluster: Prometheus metrics, Kubernetes Events and opt-in auto-repair of stalled runs',
    );
  withExamples(cmd, [
    ['watch every namespace and serve metrics on :9464', 'storyctl serve -A'],
    [
      'repair stalled cancels after 2 minutes, at most 20 an hour, under a Lease',
      'storyctl serve -A --auto-finish SR101,SR201,SR301 --grace 2m --max-repairs-per-hour 20 --lease-name storyctl-serve --lease-namespace storyctl-system',
    ],
  ]);
  addClusterFlags(cmd, {
    requestTimeout:
      'give up on a silent API server after this long, then retry; e.g. 5s or 1m (0: no timeout)',
  })
    .addOption(
      new Option('--metrics-addr <host:port>', 'where to serve /metrics, /healthz and /readyz').default(
        DEFAULT_METRICS_ADDR,
      ),
    )
    .addOption(stopBudgetOption())
    .addOption(
      durationOption(
        '--operator-graceful-timeout <duration>',
        "the operator's engram.default-graceful-shutdown-timeout-seconds",
      ),
    )
    .option(
      '--config <file>',
      'read settings from FILE, read once at start (default: .storyctl.yaml here or up to the git root)',
    )
    .option('--no-config', 'ignore any .storyctl.yaml')
    .option('--no-suppressions', 'audit mode: ignore suppressions in annotations and in the config')
    .addOption(
      new Option(
        '--auto-finish <rules>',
        'finish runs these rules name, as `finish --force-terminal` does (any of SR101,SR201,SR301)',
      ).argParser(parseAutoFinish),
    )
    .addOption(
      durationOption(
        '--grace <duration>',
        'with --auto-finish: how long a finding must last before the repair',
      ).default(120, '2m'),
    )
    .addOption(
      new Option('--max-repairs-per-hour <n>', 'with --auto-finish: at most this many repairs in any hour')
        .argParser(positiveInt)
        .default(20),
    )
    .addOption(
      new Option('--dry-run', 'with --auto-finish: send the repairs with dryRun=All (nothing is persisted)'),
    )
    .addOption(
      new Option(
        '--lease-name <name>',
        'repair and write Events only while holding this coordination.k8s.io Lease',
      ),
    )
    .addOption(
      new Option(
        '--lease-namespace <ns>',
        "the Lease's namespace (default: POD_NAMESPACE, else the context's)",
      ),
    )
    .addOption(
      durationOption(
        '--lease-duration <duration>',
        'how long an unrenewed Lease stays with its holder',
      ).default(15, '15s'),
    )
    .addOption(
      durationOption(
        '--evaluation-interval <duration>',
        're-run the rules this often even without a change (SR101 and SR303 move with the clock)',
      ).default(60, '1m'),
    )
    .addOption(new Option('--no-events', 'write no Kubernetes Events'))
    .addOption(
      durationOption('--event-series-interval <duration>', 'update a persisting finding’s Event this often')
        .default(1800, '30m')
        .hideHelp(),
    )
    .addOption(
      durationOption('--debounce <duration>', 'gather changes this long before evaluating')
        .default(0.25)
        .hideHelp(),
    )
    .action(async (flags: ServeFlags, command: Command) => {
      result.code = await runServe(flags, io, (name) => command.getOptionValueSource(name));
    });
}

/** Where a flag's value came from (`cli` when the user gave it). */
export type FlagSource = (name: string) => string | undefined;

function validate(flags: ServeFlags, source: FlagSource): void {
  const usage = (m: string): never => {
    throw new StoryctlError('usage', m);
  };
  if (flags.allNamespaces && flags.namespace) usage('-A and -n exclude each other');
  if (!flags.autoFinish) {
    for (const [name, flag] of [
      ['grace', '--grace'],
      ['maxRepairsPerHour', '--max-repairs-per-hour'],
      ['dryRun', '--dry-run'],
    ] as const)
      if (source(name) === 'cli') usage(`${flag} only applies with --auto-finish`);
  }
  if (flags.leaseNamespace !== undefined && flags.leaseName === undefined)
    usage('--lease-namespace needs --lease-name');
  if (flags.leaseDuration < 2) usage('--lease-duration must be at least 2s');
}

/** What serve takes from the settings: read once at start, exactly as doctor reads them. */
export interface ServeSettings {
  settings: Settings;
  rules: ClusterRule[];
  filter: FindingsFilter;
  thresholds: Pick<ServeOptions, 'stopBudgetSeconds' | 'stuckFinalizerSeconds' | 'operatorDefaultSeconds'>;
}

/** The config file (`--config`, discovery, `--no-config`) under the flags; a bad file throws (exit 2, file:line). */
export async function resolveServeSettings(
  flags: ServeFlags,
  io: CliIO,
  source: FlagSource = () => undefined,
): Promise<ServeSettings> {
  const { settingsFilter } = await import('../../config/findings-filter.js');
  const settings = await resolveSettings({ ...flags, failOn: DEFAULT_FLAGS.failOn }, io, [], source);
  const t = settings.thresholds;
  return {
    settings,
    // A rule the config turns off is not run at all, as in doctor.
    rules: selectRules<ClusterRule>({}, clusterRules, () => '', settings),
    filter: settingsFilter(settings),
    thresholds: {
      stopBudgetSeconds: t.stopBudget.value,
      stuckFinalizerSeconds: t.stuckFinalizerAge.value,
      ...(t.operatorGracefulTimeout.from.kind !== 'default'
        ? { operatorDefaultSeconds: t.operatorGracefulTimeout.value }
        : {}),
    },
  };
}

export async function runServe(
  flags: ServeFlags,
  io: CliIO,
  source: FlagSource = () => undefined,
  signals: NodeJS.Process = process,
): Promise<number> {
  const [{ makeKubeConfig }, { startServe }, { jsonLogger }, { parseListenAddress }] = await Promise.all([
    import('../../sources/cluster/kubeconfig.js'),
    import('../../serve/serve.js'),
    import('../../serve/log.js'),
    import('../../serve/http.js'),
  ]);
  validate(flags, source);
  // Once, as doctor does: a bad file stops serve here (exit 2, file:line), before any watch.
  const { settings, rules, filter, thresholds } = await resolveServeSettings(flags, io, source);
  const metricsAddr = parseListenAddress(flags.metricsAddr);
  const cfg = makeKubeConfig(kubeConfigOptions(flags, io.env));
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? cfg.namespace ?? 'default');
  const log = jsonLogger(io.stderr, io.now);
  const leaseNamespace = flags.leaseNamespace ?? io.env['POD_NAMESPACE'] ?? cfg.namespace ?? 'default';

  log.info('settings', {
    config: settings.configFile ?? (flags.config === false ? 'none (--no-config)' : 'none found'),
    suppressions: settings.useSuppressions.value
      ? `${settings.suppressions.length} in the config, and annotations`
      : 'ignored (--no-suppressions)',
    rulesOff: clusterRules.filter((r) => !rules.includes(r)).map((r) => r.meta.id),
    stopBudget: formatGoDuration(thresholds.stopBudgetSeconds),
  });

  const handle = await startServe({
    cfg,
    namespace,
    selector: flags.selector,
    requestTimeoutSeconds: flags.requestTimeout,
    metricsAddr,
    ...thresholds,
    evaluationIntervalMs: flags.evaluationInterval * 1000,
    debounceMs: flags.debounce * 1000,
    version: VERSION,
    ...(io.env['POD_NAME'] ? { instance: io.env['POD_NAME'] } : {}),
    lease: flags.leaseName
      ? { name: flags.leaseName, namespace: leaseNamespace, durationSeconds: flags.leaseDuration }
      : undefined,
    autoFinish: flags.autoFinish
      ? {
          rules: new Set(flags.autoFinish),
          graceMs: flags.grace * 1000,
          maxPerHour: flags.maxRepairsPerHour,
          dryRun: flags.dryRun === true,
        }
      : undefined,
    events: flags.events,
    eventSeriesIntervalMs: flags.eventSeriesInterval * 1000,
    rules,
    operator: releaseFromFlag(flags),
    filter,
    log,
  });
  for (const id of flags.autoFinish ?? [])
    if (!rules.some((r) => r.meta.id === id))
      log.warn('auto-repair: the config turns this rule off, so it repairs nothing', { rule: id });
  if (flags.autoFinish && !flags.leaseName)
    log.warn('auto-repair without --lease-name: this replica repairs alone; run one replica only', {
      grace: formatGoDuration(flags.grace),
    });

  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      signals.off('SIGTERM', onSignal);
      signals.off('SIGINT', onSignal);
      void handle.stop(signal).then(resolve);
    };
    signals.on('SIGTERM', onSignal);
    signals.on('SIGINT', onSignal);
  });
  return EXIT.ok;
}
