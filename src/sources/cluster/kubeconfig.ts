// Which cluster and user to talk to, resolved the way kubectl does: --kubeconfig, else KUBECONFIG
// (several files joined by ':'; the first file to define a name or a current-context wins), else
// ~/.kube/config, else the in-cluster service account. Built once and handed to the IO code, so
// nothing below it reads ~/.kube itself (STYLE.md: no config built inside business logic).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { StoryctlError } from '../../model/errors.js';
import { checkCredentialFiles } from './credential-files.js';
import { boundExecPlugins } from './exec-credential.js';

/** Undefined fields take kubectl's fallbacks, so CLI flags can be passed on as they were parsed. */
export interface KubeConfigOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  /** Defaults to process.env; a parameter so tests do not depend on the caller's environment. */
  env?: NodeJS.ProcessEnv | undefined;
}

export interface ResolvedKubeConfig {
  kc: KubeConfig;
  context: string;
  /** The context's namespace, if it names one. */
  namespace: string | undefined;
  user: string | undefined;
  server: string;
  /** Files read, for messages. */
  files: string[];
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

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
    } else {
      throw new StoryctlError(
        'config',
        'no kubeconfig: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config',
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
  if (!context)
    throw new StoryctlError(
      'config',
      `the kubeconfig (${files.join(delimiter) || 'in-cluster'}) has no current context: pass --context`,
    );
  const cluster = kc.getCluster(context.cluster);
  if (!cluster)
    throw new StoryctlError(
      'config',
      `context "${contextName}" names cluster "${context.cluster}", which the kubeconfig does not define`,
    );
  checkCredentialFiles(contextName, cluster, kc.getUser(context.user));
  boundExecPlugins(kc);
  return {
    kc,
    context: contextName,
    namespace: context.namespace || undefined,
    user: context.user || undefined,
    server: cluster.server,
    files,
  };
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
