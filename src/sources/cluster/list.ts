// One paged list (`limit` + `continue`), as kubectl does it. A 410 Gone means the continue token
// expired (the server compacted past its resourceVersion): the only consistent answer is to start
// that list again, a bounded number of times.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { HttpStatusError, type ApiCaller } from './caller.js';
import type { ApiResource } from './resources.js';

export const PAGE_SIZE = 500;
const MAX_RESTARTS = 3;

export interface ListScope {
  /** Undefined: all namespaces (or the cluster, for cluster-scoped kinds). */
  namespace: string | undefined;
  labelSelector?: string;
}

interface ListPage {
  items?: unknown[];
  metadata?: { continue?: string };
}

export interface ListOptions {
  pageSize?: number;
  /** Called after every page with the running count of this list. */
  onPage?: (listed: number) => void;
}

export async function listAll<T>(
  caller: ApiCaller,
  api: CustomObjectsApi,
  resource: ApiResource,
  scope: ListScope,
  options: ListOptions = {},
): Promise<T[]> {
  const limit = options.pageSize ?? PAGE_SIZE;
  for (let restart = 0; ; restart++) {
    const items: T[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await caller.call(`list ${resource.plural}`, (opts) =>
          fetchPage(api, resource, scope, limit, token, opts),
        );
        for (const item of page.items ?? []) {
          // An item without a name cannot be joined or reported; the server never sends one.
          if (hasName(item)) items.push(item as T);
        }
        token = page.metadata?.continue || undefined;
        options.onPage?.(items.length);
      } while (token);
      return items;
    } catch (error) {
      if (error instanceof HttpStatusError && error.code === 410 && restart < MAX_RESTARTS) continue;
      throw error;
    }
  }
}

function fetchPage(
  api: CustomObjectsApi,
  r: ApiResource,
  scope: ListScope,
  limit: number,
  token: string | undefined,
  opts: Parameters<CustomObjectsApi['listClusterCustomObject']>[1],
): Promise<ListPage> {
  const common = { group: r.group, version: r.version, plural: r.plural, limit };
  const extra: { _continue?: string; labelSelector?: string } = {};
  if (token) extra._continue = token;
  if (scope.labelSelector) extra.labelSelector = scope.labelSelector;
  if (!r.namespaced) return api.listClusterCustomObject({ ...common, ...extra }, opts) as Promise<ListPage>;
  if (scope.namespace === undefined)
    return api.listCustomObjectForAllNamespaces({ ...common, ...extra }, opts) as Promise<ListPage>;
  return api.listNamespacedCustomObject(
    { ...common, ...extra, namespace: scope.namespace },
    opts,
  ) as Promise<ListPage>;
}

function hasName(item: unknown): boolean {
  if (item === null || typeof item !== 'object') return false;
  const meta = (item as { metadata?: { name?: unknown } }).metadata;
  return typeof meta?.name === 'string' && meta.name !== '';
}
