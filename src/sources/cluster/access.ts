// When `-A` is forbidden: which namespaces the user may list a kind in, so the refusal can say
// `-n` and where. Asked the way kubectl's `auth can-i` asks (SelfSubjectAccessReview), for the
// namespaces the user may list; a user who may not list namespaces gets the advice without names.
import { AuthorizationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ApiCaller } from './caller.js';
import type { ApiResource } from './resources.js';

/** More would cost a request each; the hint names a few anyway. */
const MAX_NAMESPACES_CHECKED = 200;
const CONCURRENCY = 8;

/** The namespaces `resource` may be listed in, or undefined when the namespaces cannot be listed. */
export async function listableNamespaces(
  kc: KubeConfig,
  caller: ApiCaller,
  resource: ApiResource,
): Promise<string[] | undefined> {
  let names: string[];
  try {
    const core = kc.makeApiClient(CoreV1Api);
    const list = await caller.call('list namespaces', (o) => core.listNamespace({ limit: 500 }, o));
    names = list.items.map((n) => n.metadata?.name ?? '').filter((n) => n !== '');
  } catch {
    return undefined;
  }
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const allowed: string[] = [];
  const queue = names.sort().slice(0, MAX_NAMESPACES_CHECKED);
  const worker = async (): Promise<void> => {
    for (let ns = queue.shift(); ns !== undefined; ns = queue.shift()) {
      const namespace = ns;
      const review = await caller
        .call(`check list ${resource.plural} in ${namespace}`, (o) =>
          authz.createSelfSubjectAccessReview(
            {
              body: {
                apiVersion: 'authorization.k8s.io/v1',
                kind: 'SelfSubjectAccessReview',
                spec: {
                  resourceAttributes: {
                    namespace,
                    verb: 'list',
                    group: resource.group,
                    resource: resource.plural,
                  },
                },
              },
            },
            o,
          ),
        )
        .catch(() => undefined);
      if (review?.status?.allowed === true) allowed.push(namespace);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return allowed.sort();
}

/** `; you may list storyruns in namespaces a, b: use -n a` (or the context's namespace, or just -n). */
export function namespaceAdvice(
  resource: ApiResource,
  listable: readonly string[] | undefined,
  contextNamespace: string | undefined,
): string {
  if (listable && listable.length > 0) {
    const shown =
      listable.length > 5
        ? `${listable.slice(0, 5).join(', ')} and ${listable.length - 5} more`
        : listable.join(', ');
    return `; you may list ${resource.plural} in ${listable.length === 1 ? 'namespace' : 'namespaces'} ${shown}: use -n ${listable[0] ?? ''}`;
  }
  if (listable) return `; you may not list ${resource.plural} in any namespace either`;
  return contextNamespace
    ? `; use -n NAMESPACE (your context's namespace is ${contextNamespace})`
    : '; use -n NAMESPACE for a namespace you may read';
}
