// One paged list (`limit` + `continue`), as kubectl does it. A 410 Gone means the continue token
// expired (the server compacted past its resourceVersion): the only consistent answer is to start
// that list again, a bounded number of times. A continue token that comes back, or a page of
// objects already listed, means paging would never end (a broken proxy or server): that is an
// error naming the resource and the server, not a loop until the budget is gone.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { StoryctlError } from '../../model/errors.js';
import { HttpStatusError, type ApiCaller } from './caller.js';
import { resourceName, type ApiResource } from './resources.js';

export const PAGE_SIZE = 500;
const MAX_RESTARTS = 3;

export interface ListScope {
  /** Undefined: all namespaces (or the cluster, for cluster-scoped kinds). */
  namespace: string | undefined;
  labelSelector?: string;
}

interface ListPage {
  items?: unknown[];
  metadata?: { continue?: string; resourceVersion?: string };
}

export interface ListOptions {
  pageSize?: number;
  /** Called after every page with the running count of this list. */
  onPage?: (listed: number) => void;
}

export interface Listed<T> {
  items: T[];
  /** The list's resourceVersion (every page of one list is served from the first page's snapshot). */
  resourceVersion: string;
}

export async function listAll<T>(
  caller: ApiCaller,
  api: CustomObjectsApi,
  resource: ApiResource,
  scope: ListScope,
  options: ListOptions = {},
): Promise<T[]> {
  return (await listWithVersion<T>(caller, api, resource, scope, options)).items;
}

export async function listWithVersion<T>(
  caller: ApiCaller,
  api: CustomObjectsApi,
  resource: ApiResource,
  scope: ListScope,
  options: ListOptions = {},
): Promise<Listed<T>> {
  const limit = options.pageSize ?? PAGE_SIZE;
  for (let restart = 0; ; restart++) {
    const items: T[] = [];
    const keys = new Set<string>();
    const tokens = new Set<string>();
    let token: string | undefined;
    let resourceVersion = '';
    let pages = 0;
    try {
      do {
        const page = await caller.call(`list ${resource.plural}`, (opts) =>
          fetchPage(api, resource, scope, limit, token, opts),
        );
        pages += 1;
        if (pages === 1) resourceVersion = page.metadata?.resourceVersion ?? '';
        let repeated = 0;
        let named = 0;
        for (const item of page.items ?? []) {
          // An item without a name cannot be joined or reported; the server never sends one.
          if (!hasName(item)) continue;
          named += 1;
          const key = objectKey(item);
          if (keys.has(key)) {
            repeated += 1;
            continue;
          }
          keys.add(key);
          items.push(item as T);
        }
        const next = page.metadata?.continue || undefined;
        if (next !== undefined && tokens.has(next))
          throw endless(caller, resource, pages, 'gave a continue token it had already given');
        if (named > 0 && repeated === named)
          throw endless(caller, resource, pages, 'answered a continue token with objects already listed');
        if (next !== undefined) tokens.add(next);
        token = next;
        options.onPage?.(items.length);
      } while (token);
      return { items, resourceVersion };
    } catch (error) {
      if (error instanceof HttpStatusError && error.code === 410 && restart < MAX_RESTARTS) continue;
      throw error;
    }
  }
}

function endless(caller: ApiCaller, r: ApiResource, page: number, what: string): StoryctlError {
  return new StoryctlError(
    'unreachable',
    `the API server ${caller.server} ${what} (page ${page} of ${resourceName(r)}): paging would never end, so the list was abandoned`,
  );
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

function objectKey(item: unknown): string {
  const meta = (item as { metadata: { name: string; namespace?: string } }).metadata;
  return `${meta.namespace ?? ''}/${meta.name}`;
}

function hasName(item: unknown): boolean {
  if (item === null || typeof item !== 'object') return false;
  const meta = (item as { metadata?: { name?: unknown } }).metadata;
  return typeof meta?.name === 'string' && meta.name !== '';
}
