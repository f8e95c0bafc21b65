// client-node clients for one test user, and the small verbs the tests and the simulator share.
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { GROUPS, VERSION } from '../../src/model/kube.js';

export interface KubeClients {
  kc: KubeConfig;
  custom: CustomObjectsApi;
  core: CoreV1Api;
}

export function clientsFor(kubeconfigFile: string): KubeClients {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigFile);
  return { kc, custom: kc.makeApiClient(CustomObjectsApi), core: kc.makeApiClient(CoreV1Api) };
}

/** client-node needs the PATCH content type spelled out (STYLE.md: its known rough edge). */
export const mergePatch = (): ReturnType<typeof setHeaderOptions> =>
  setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const jsonPatch = (): ReturnType<typeof setHeaderOptions> =>
  setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

export const RUNS = { group: GROUPS.runs, version: VERSION } as const;
export const STORIES = { group: GROUPS.stories, version: VERSION, plural: 'stories' } as const;
export const TRANSPORTS = { group: GROUPS.transports, version: VERSION, plural: 'transports' } as const;

/** Whether an error is the API's HTTP `code` (client-node's ApiException). */
export function isStatus(error: unknown, code: number): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Run `fn` over `items` with at most `limit` in flight: fast bulk creation without flooding 2 cores. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
