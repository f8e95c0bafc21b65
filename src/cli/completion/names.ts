// Cluster names for completion (`storyctl __complete`, `kubectl storyctl <Tab>`): one attempt within
// a short budget, since a shell waiting on Tab must not wait on retries and backoff.
import type { ClusterFlags } from '../cluster-flags.js';
import { kubeConfigOptions } from '../cluster-flags.js';
import type { Dynamic } from './spec.js';

/** How long a Tab may wait on the cluster before it offers nothing. */
export const NAMES_TIMEOUT_MS = 2000;

/** The cluster flags typed so far that the names depend on. */
export type NameFlags = Pick<ClusterFlags, 'namespace' | 'context' | 'kubeconfig'>;

/** Names for completion from the cluster, within `timeoutMs` and a single attempt. */
export async function completeNames(
  what: Dynamic | string,
  flags: NameFlags,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string[]> {
  const [{ makeKubeConfig }, { ApiCaller }, { CoreV1Api, CustomObjectsApi }, { RESOURCES }] =
    await Promise.all([
      import('../../sources/cluster/kubeconfig.js'),
      import('../../sources/cluster/caller.js'),
      import('@kubernetes/client-node'),
      import('../../sources/cluster/resources.js'),
    ]);
  // Contexts are those of the kubeconfig, whichever context was typed.
  if (what === 'contexts')
    return makeKubeConfig(kubeConfigOptions({ kubeconfig: flags.kubeconfig }, env))
      .kc.getContexts()
      .map((c) => c.name);
  const cfg = makeKubeConfig(kubeConfigOptions(flags, env));
  const caller = new ApiCaller(cfg.server, {
    attemptTimeoutMs: timeoutMs,
    budgetMs: timeoutMs,
    maxAttempts: 1,
    baseDelayMs: 0,
    maxDelayMs: 0,
    maxRetryAfterMs: 0,
  });
  type Named = { items?: { metadata?: { name?: string } }[] };
  let list: Named;
  if (what === 'namespaces') {
    const core = cfg.kc.makeApiClient(CoreV1Api);
    list = (await caller.call('list namespaces', (o) => core.listNamespace({ limit: 500 }, o))) as Named;
  } else if (what === 'runs') {
    const api = cfg.kc.makeApiClient(CustomObjectsApi);
    const r = RESOURCES.storyRuns;
    const namespace = flags.namespace ?? cfg.namespace ?? 'default';
    list = (await caller.call('list storyruns', (o) =>
      api.listNamespacedCustomObject(
        { group: r.group, version: r.version, plural: r.plural, namespace, limit: 500 },
        o,
      ),
    )) as Named;
  } else return [];
  return (list.items ?? [])
    .map((i) => i.metadata?.name ?? '')
    .filter((n) => n !== '')
    .sort();
}
