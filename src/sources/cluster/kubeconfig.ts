// Which cluster and user to talk to, resolved the way kubectl does: --kubeconfig, else KUBECONFIG
// (several files joined by ':'; the first file to define a name or a current-context wins), else
// ~/.kube/config, else the in-cluster service account. Built once and handed to the IO code, so
// nothing below it reads ~/.kube itself (STYLE.md: no config built inside business logic).
import { existsSync } from 'node:fs';
import type { Agent as HttpAgent } from 'node:http';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { StoryctlError } from '../../model/errors.js';
import { checkCredentialFiles } from './credential-files.js';
import { boundExecPlugins } from './exec-credential.js';
import { sharedAgent } from './shared-agent.js';

/** Undefined fields take kubectl's fallbacks, so CLI flags can be passed on as they were parsed. */
export interface KubeConfigOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  /** Defaults to process.env; a parameter so tests do not depend on the caller's environment. */
  env?: NodeJS.ProcessEnv | undefined;
  /** kubectl's `--cluster`: a cluster of the kubeconfig instead of the context's. */
  cluster?: string | undefined;
  /** kubectl's `--user`: a user of the kubeconfig instead of the context's. */
  user?: string | undefined;
  /** kubectl's `--server`: the API server's address (works without a kubeconfig too). */
  server?: string | undefined;
  /** kubectl's `--token`: a bearer token instead of the user's credentials. */
  token?: string | undefined;
  insecureSkipTlsVerify?: boolean | undefined;
  /** kubectl's `--as`: the user to impersonate. */
  as?: string | undefined;
  /** kubectl's `--as-group`: groups to impersonate (each its own Impersonate-Group header). */
  asGroups?: readonly string[] | undefined;
}

export interface ResolvedKubeConfig {
  kc: KubeConfig;
  context: string;
  /** The context's namespace, if it names one. */
  namespace: string | undefined;
  /** Who the server judges: the impersonated user with --as, else the kubeconfig user. */
  user: string | undefined;
  server: string;
  /** Files read, for messages. */
  files: string[];
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
/** The name of a cluster, user or context made from flags alone (`--server`, `--token`). */
const FROM_FLAGS = 'storyctl-flags';

/**
 * A KubeConfig whose requests share keep-alive connections (shared-agent.ts) and that also sends
 * Impersonate-Group. client-node sends Impersonate-User itself (the
 * user's `as`) but has no groups. The API server reads one group per header line, and client-node's
 * request context keeps one value per header name, so each group goes under its own spelling of the
 * name (HTTP header names are case-insensitive): node-fetch joins them into repeated header lines.
 */
class StoryctlKubeConfig extends KubeConfig {
  constructor(private readonly groups: readonly string[]) {
    super();
  }

  override async applySecurityAuthentication(
    context: Parameters<KubeConfig['applySecurityAuthentication']>[0],
  ) {
    await super.applySecurityAuthentication(context);
    const agent = context.getAgent();
    if (agent) context.setAgent(sharedAgent(agent));
    this.groups.forEach((group, i) => context.setHeaderParam(headerSpelling('Impersonate-Group', i), group));
  }

  override async applyToFetchOptions(opts: Parameters<KubeConfig['applyToFetchOptions']>[0]) {
    const init = await super.applyToFetchOptions(opts);
    init.agent = sharedAgent(init.agent as HttpAgent | undefined);
    const headers = init.headers as { append(name: string, value: string): void } | undefined;
    for (const group of this.groups) headers?.append('Impersonate-Group', group);
    return init;
  }
}

/** The i-th distinct upper/lower-case spelling of `name` (0 is `name` itself). */
export function headerSpelling(name: string, i: number): string {
  const letters = [...name].map((c, at) => ({ c, at })).filter(({ c }) => /[a-z]/i.test(c));
  const chars = [...name];
  letters.forEach(({ c, at }, bit) => {
    // Bit set: flip the letter's case.
    if (Math.floor(i / 2 ** bit) % 2 === 1)
      chars[at] = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
  });
  return chars.join('');
}

export function makeKubeConfig(opts: KubeConfigOptions = {}): ResolvedKubeConfig {
  const env = opts.env ?? process.env;
  let kc: KubeConfig;
  let files: string[];
  if (opts.kubeconfig !== undefined) {
    if (!existsSync(opts.kubeconfig))
      throw new StoryctlError('config', `kubeconfig ${opts.kubeconfig} does not exist`);
    files = [opts.kubeconfig];
    kc = loadFiles(files);
  } else if (env['KUBECONFIG']) {
    const listed = env['KUBECONFIG'].split(delimiter).filter((f) => f !== '');
    // kubectl skips missing files in KUBECONFIG; only an empty result is an error.
    files = listed.filter((f) => existsSync(f));
    if (files.length === 0)
      throw new StoryctlError('config', `none of the KUBECONFIG files exist: ${listed.join(delimiter)}`);
    kc = loadFiles(files);
  } else {
    const home = env['HOME'] ?? homedir();
    const fallback = join(home, '.kube', 'config');
    if (existsSync(fallback)) {
      files = [fallback];
      kc = loadFiles(files);
    } else if (env['KUBERNETES_SERVICE_HOST'] && existsSync(SERVICE_ACCOUNT_TOKEN)) {
      files = [];
      kc = new KubeConfig();
      kc.loadFromCluster();
    } else if (opts.server !== undefined) {
      // kubectl --server URL --token T works without any kubeconfig.
      files = [];
      kc = new KubeConfig();
    } else {
      throw new StoryctlError(
        'config',
        'no kubeconfig: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or give --server (and --token)',
      );
    }
  }

  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new StoryctlError(
        'config',
        `context "${opts.context}" is not in the kubeconfig (known: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const contextName = kc.getCurrentContext();
  const context = contextName ? kc.getContextObject(contextName) : null;
  if (!context && opts.server === undefined)
    throw new StoryctlError(
      'config',
      `the kubeconfig (${files.join(delimiter) || 'in-cluster'}) has no current context: pass --context`,
    );
  const cluster = pickCluster(kc, opts, context, contextName);
  const user = pickUser(kc, opts, context);
  const name = context?.name ?? FROM_FLAGS;
  const resolved = new StoryctlKubeConfig(opts.asGroups ?? []);
  // The entry replaces its namesake in place (kubeconfig order is what `__complete contexts` lists).
  const others = <T extends { name: string }>(list: T[], keep: T | undefined): T[] =>
    !keep
      ? list
      : list.some((x) => x.name === keep.name)
        ? list.map((x) => (x.name === keep.name ? keep : x))
        : [...list, keep];
  resolved.loadFromOptions({
    clusters: others(kc.getClusters(), cluster),
    users: others(kc.getUsers(), user),
    contexts: others(kc.getContexts(), {
      name,
      cluster: cluster.name,
      user: user?.name ?? '',
      ...(context?.namespace ? { namespace: context.namespace } : {}),
    }),
    currentContext: name,
  });
  checkCredentialFiles(name, cluster, user ?? null);
  boundExecPlugins(resolved);
  return {
    kc: resolved,
    context: name,
    namespace: context?.namespace || undefined,
    user: opts.as ?? (user?.name || undefined),
    server: cluster.server,
    files,
  };
}

/** The context's cluster, or --cluster's, with --server and --insecure-skip-tls-verify applied. */
function pickCluster(
  kc: KubeConfig,
  opts: KubeConfigOptions,
  context: Context | null,
  contextName: string,
): Cluster {
  let cluster: Cluster | null;
  if (opts.cluster !== undefined) {
    cluster = kc.getCluster(opts.cluster);
    if (!cluster) {
      const known = kc.getClusters().map((c) => c.name);
      throw new StoryctlError(
        'config',
        `cluster "${opts.cluster}" is not in the kubeconfig (known: ${known.join(', ') || 'none'})`,
      );
    }
  } else cluster = context ? kc.getCluster(context.cluster) : null;
  if (!cluster && opts.server === undefined)
    throw new StoryctlError(
      'config',
      `context "${contextName}" names cluster "${context?.cluster ?? ''}", which the kubeconfig does not define`,
    );
  let out: Cluster = cluster ?? { name: FROM_FLAGS, server: '', skipTLSVerify: false };
  if (opts.server !== undefined) {
    if (!/^https?:\/\/[^/]/.test(opts.server) || !URL.canParse(opts.server))
      throw new StoryctlError(
        'usage',
        `--server takes a URL such as https://10.0.0.1:6443, got "${opts.server}"`,
      );
    out = { ...out, server: opts.server.replace(/\/+$/, '') };
  }
  if (opts.insecureSkipTlsVerify) {
    // As kubectl: the flag replaces the certificate authority rather than adding to it.
    const { caData: _caData, caFile: _caFile, ...rest } = out;
    out = { ...rest, skipTLSVerify: true };
  }
  return out;
}

/** The context's user, or --user's, with --token and --as applied. */
function pickUser(kc: KubeConfig, opts: KubeConfigOptions, context: Context | null): User | undefined {
  let user: User | null = null;
  if (opts.user !== undefined) {
    user = kc.getUser(opts.user);
    if (!user) {
      const known = kc.getUsers().map((u) => u.name);
      throw new StoryctlError(
        'config',
        `user "${opts.user}" is not in the kubeconfig (known: ${known.join(', ') || 'none'})`,
      );
    }
  } else if (context?.user) user = kc.getUser(context.user);
  if (opts.token === undefined && opts.as === undefined) return user ?? undefined;
  let out: User = user ?? { name: FROM_FLAGS };
  if (opts.token !== undefined) {
    // The token is the credential now: a plugin or password would otherwise be tried first.
    const { exec: _exec, authProvider: _provider, username: _username, password: _password, ...rest } = out;
    out = { ...rest, token: opts.token };
  }
  if (opts.as !== undefined) out = { ...out, impersonateUser: opts.as };
  return out;
}

function loadFiles(files: string[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const one = new KubeConfig();
    try {
      // loadFromFile also makes certificate paths absolute relative to that file.
      one.loadFromFile(file);
    } catch (error) {
      throw new StoryctlError(
        'config',
        `cannot read kubeconfig ${file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    for (const c of one.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && one.getCurrentContext()) currentContext = one.getCurrentContext();
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return kc;
}
