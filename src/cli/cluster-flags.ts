// The cluster connection flags, declared once for every command that talks to a cluster (doctor,
// finish, watch, and the hidden `__complete` that shell completion calls), and turned into the
// options of the cluster source as they are: a flag the user did not give stays undefined and the
// source applies its own default (the context's namespace, KUBECONFIG, 15 s).
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { KubeConfigOptions, LoadClusterOptions } from '../sources/cluster/index.js';
import type { CliIO } from './io.js';
import { collect, durationOption } from './options.js';

export interface ClusterFlags {
  namespace?: string | undefined;
  allNamespaces?: boolean | undefined;
  selector?: string | undefined;
  context?: string | undefined;
  kubeconfig?: string | undefined;
  cluster?: string | undefined;
  user?: string | undefined;
  server?: string | undefined;
  token?: string | undefined;
  insecureSkipTlsVerify?: boolean | undefined;
  as?: string | undefined;
  asGroup?: string[] | undefined;
  /** kubectl's -v: 6 logs every API request to stderr, 7 its headers too. */
  v?: number | undefined;
  /** Seconds; 0 means no timeout (see REQUEST_TIMEOUT_ZERO). */
  requestTimeout: number;
}

export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 15;

/**
 * kubectl's `--request-timeout 0`: wait as long as the server takes. In storyctl that lifts both the
 * per-request timeout and the budget for the server's first answer, so a silent server is waited on
 * until Ctrl-C; failed requests (429, 5xx, network errors) are still retried a bounded number of times.
 */
export const REQUEST_TIMEOUT_ZERO = 'no timeout';

/** Per command: what the scope flags mean there (finish uses -A and -l only with --all-stalled). */
export interface ClusterFlagNotes {
  allNamespaces?: string;
  selector?: string;
  requestTimeout?: string;
}

export const namespaceOption = (): Option =>
  new Option('-n, --namespace <ns>', "namespace (default: the context's namespace)");
export const contextOption = (): Option => new Option('--context <name>', 'kubeconfig context');
export const kubeconfigOption = (): Option =>
  new Option('--kubeconfig <file>', 'kubeconfig file (KUBECONFIG is honoured)');

/** kubectl's `-v=6` spelling too: commander hands a short option's `=6` over as the value. */
export function parseVerbosity(value: string): number {
  const text = value.replace(/^=/, '').trim();
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`expected a log level such as 6, got "${value}"`);
  return Number(text);
}

/** Where to look (-n, -A, -l) and how to connect. */
export function addClusterFlags(cmd: Command, notes: ClusterFlagNotes = {}): Command {
  cmd
    .addOption(namespaceOption())
    .addOption(new Option('-A, --all-namespaces', notes.allNamespaces ?? 'every namespace'))
    .addOption(new Option('-l, --selector <selector>', notes.selector ?? 'label selector for StoryRuns'));
  return addConnectionFlags(cmd, notes);
}

/** kubectl's connection flags: which kubeconfig, context, cluster, user, credentials, timeout, -v. */
export function addConnectionFlags(cmd: Command, notes: ClusterFlagNotes = {}): Command {
  return cmd
    .addOption(contextOption())
    .addOption(kubeconfigOption())
    .addOption(new Option('--cluster <name>', "the kubeconfig cluster to use (default: the context's)"))
    .addOption(new Option('--user <name>', "the kubeconfig user to use (default: the context's)"))
    .addOption(new Option('-s, --server <url>', 'the address of the API server'))
    .addOption(new Option('--token <token>', 'bearer token for the API server'))
    .addOption(new Option('--insecure-skip-tls-verify', "do not check the server's certificate (insecure)"))
    .addOption(new Option('--as <user>', 'act as this user (impersonation)'))
    .addOption(
      new Option('--as-group <group>', 'act with this group (impersonation; repeatable)').argParser(collect),
    )
    .addOption(
      new Option(
        '-v, --v <level>',
        'log API requests to stderr: 6 method, URL, status and time; 7 headers too',
      ).argParser(parseVerbosity),
    )
    .addOption(
      durationOption(
        '--request-timeout <duration>',
        notes.requestTimeout ??
          'give up on a silent API server after this long, e.g. 5s or 1m (0: no timeout)',
        REQUEST_TIMEOUT_ZERO,
      ).default(DEFAULT_REQUEST_TIMEOUT_SECONDS, `${DEFAULT_REQUEST_TIMEOUT_SECONDS}s`),
    );
}

/** Which kubeconfig and context the flags name; undefined ones fall back the way kubectl's do. */
export function kubeConfigOptions(
  flags: Pick<ClusterFlags, 'kubeconfig' | 'context'>,
  env: NodeJS.ProcessEnv,
): KubeConfigOptions {
  return { kubeconfig: flags.kubeconfig, context: flags.context, env };
}

/** The kubeconfig choice plus kubectl's connection overrides (--server, --token, --as, …). */
export function connectionOptions(flags: ClusterFlags, env: NodeJS.ProcessEnv): KubeConfigOptions {
  return {
    ...kubeConfigOptions(flags, env),
    cluster: flags.cluster,
    user: flags.user,
    server: flags.server,
    token: flags.token,
    insecureSkipTlsVerify: flags.insecureSkipTlsVerify,
    as: flags.as,
    asGroups: flags.asGroup,
  };
}

/** -v: request lines on stderr for the command's life; call the result when it ends. */
export async function startRequestLog(flags: Pick<ClusterFlags, 'v'>, io: CliIO): Promise<() => void> {
  if (flags.v === undefined || flags.v < 6) return () => undefined;
  const { logRequests } = await import('../sources/cluster/request-log.js');
  return logRequests(flags.v, (line) => io.stderr.write(`${line}\n`));
}

/** What `loadCluster` reads for these flags; the caller adds progress and deadline hooks. */
export function loadClusterOptions(flags: ClusterFlags, env: NodeJS.ProcessEnv): LoadClusterOptions {
  return {
    ...connectionOptions(flags, env),
    namespace: flags.namespace,
    allNamespaces: flags.allNamespaces,
    selector: flags.selector,
    timeoutSeconds: flags.requestTimeout,
  };
}
