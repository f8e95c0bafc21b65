// Live updates for `storyctl watch`: per kind, list (paged) then watch from the list's
// resourceVersion, resuming each new watch from the last version seen (bookmarks included).
// `410 Gone` (the server compacted past that version) means events were lost: list again and
// replace the kind's objects. A dropped connection is retried with capped exponential backoff,
// and the caller hears about it so it can say so on screen. Nothing here interprets objects.
import { CustomObjectsApi, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { ObjectKind } from '../../model/world.js';
import { ApiCaller, defaultPolicy, HttpStatusError } from './caller.js';
import { forbiddenReason } from './index.js';
import { listWithVersion, type ListScope } from './list.js';
import { RESOURCES, type ApiResource } from './resources.js';

export interface KubeObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
}

export type ObjectEvent =
  /** The complete current set of a kind (after a list or relist): replace what was held. */
  | { type: 'reset'; kind: ObjectKind; items: KubeObject[] }
  | { type: 'upsert'; kind: ObjectKind; object: KubeObject }
  | { type: 'delete'; kind: ObjectKind; object: KubeObject };

export type ConnectionEvent =
  | { type: 'connected'; kind: ObjectKind }
  | { type: 'disconnected'; kind: ObjectKind; reason: string; retryInMs: number }
  /** The user may not list or watch this kind: its rules cannot be evaluated. */
  | { type: 'forbidden'; kind: ObjectKind; reason: string };

export type WatchEvent = ObjectEvent | ConnectionEvent;

export interface WatchOptions {
  kc: KubeConfig;
  server: string;
  /** Undefined: all namespaces. */
  namespace: string | undefined;
  /** Label selector for StoryRuns; StepRuns are all watched in scope and joined by the model. */
  selector?: string | undefined;
  kinds?: readonly ObjectKind[];
  /** Per-request timeout for lists, seconds (default 15; 0: no timeout). */
  timeoutSeconds?: number | undefined;
  /** How long the server keeps one watch open before we resume it (default 240 s). */
  watchSeconds?: number;
  /**
   * Resume each kind from a resourceVersion seen earlier instead of listing first (a restarted
   * dashboard, or a test of the 410 path). A version the server no longer has leads to a relist.
   */
  resumeFrom?: Partial<Record<ObjectKind, string>>;
  /**
   * Applied to every object as it arrives, listed or watched, before it is kept or emitted: a
   * long-running caller drops what it never reads (metadata.managedFields) before a list of
   * thousands accumulates.
   */
  transform?: (object: KubeObject) => KubeObject;
  /** Backoff bounds for reconnects (ms); tests shorten them. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface WatchHandle {
  stop(): void;
}

const ALL_KINDS: readonly ObjectKind[] = ['storyRuns', 'stepRuns', 'stories', 'transports'];

/** The next reconnect delay: doubling from `min`, capped at `max`, with jitter so watches spread out. */
export function backoffMs(
  attempt: number,
  min: number,
  max: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(max, min * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** The URL path a watch uses for `r` in `namespace` (undefined: all namespaces / cluster-scoped). */
export function watchPath(r: ApiResource, namespace: string | undefined): string {
  const base = `/apis/${r.group}/${r.version}`;
  if (!r.namespaced || namespace === undefined) return `${base}/${r.plural}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`;
}

class Gone extends Error {}

export function watchCluster(options: WatchOptions, emit: (event: WatchEvent) => void): WatchHandle {
  let stopped = false;
  const aborts = new Set<AbortController>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  const min = options.minBackoffMs ?? 500;
  const max = options.maxBackoffMs ?? 30_000;
  const api = options.kc.makeApiClient(CustomObjectsApi);

  async function list(kind: ObjectKind): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    // A fresh caller per list: its budget applies to this list, not to the whole session.
    const caller = new ApiCaller(options.server, defaultPolicy(options.timeoutSeconds));
    const scope: ListScope = { namespace: options.namespace };
    if (kind === 'storyRuns' && options.selector) scope.labelSelector = options.selector;
    // The same paging (and its checks of what the server answered) as the scan.
    const listed = await listWithVersion<KubeObject>(caller, api, RESOURCES[kind], scope);
    return options.transform ? { ...listed, items: listed.items.map(options.transform) } : listed;
  }

  /** One watch connection; resolves with the last resourceVersion when the server ends it. */
  function watchOnce(kind: ObjectKind, from: string, onOpen: () => void): Promise<string> {
    const r = RESOURCES[kind];
    return new Promise<string>((resolve, reject) => {
      let rv = from;
      let gone = false;
      let ended = false;
      const query: Record<string, string | number | boolean | undefined> = {
        resourceVersion: from,
        allowWatchBookmarks: true,
        timeoutSeconds: options.watchSeconds ?? 240,
      };
      if (kind === 'storyRuns' && options.selector) query['labelSelector'] = options.selector;
      let controller: AbortController | undefined;
      // A half-open connection sends nothing: give up on it a little after the server's own timeout.
      const silence = setTimeout(() => controller?.abort(), ((options.watchSeconds ?? 240) + 30) * 1000);
      new Watch(options.kc)
        .watch(
          watchPath(r, options.namespace),
          query,
          (type: string, object: unknown) => {
            if (stopped) return;
            const raw = object as KubeObject & { code?: number; message?: string };
            if (type === 'ERROR') {
              if (raw.code === 410) gone = true;
              return;
            }
            const obj = options.transform && raw?.metadata ? options.transform(raw) : raw;
            if (obj?.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
            if (type === 'ADDED' || type === 'MODIFIED') emit({ type: 'upsert', kind, object: obj });
            else if (type === 'DELETED') emit({ type: 'delete', kind, object: obj });
            // BOOKMARK only moves the resume point.
          },
          (err: unknown) => {
            ended = true;
            clearTimeout(silence);
            if (controller) aborts.delete(controller);
            const status = (err as { statusCode?: number } | null)?.statusCode;
            if (gone || status === 410) reject(new Gone());
            else if (status === 403) reject(new HttpStatusError(403, 'forbidden'));
            else if (err && !stopped) reject(err instanceof Error ? err : new Error(String(err)));
            else resolve(rv);
          },
        )
        .then((c) => {
          controller = c;
          if (stopped) c.abort();
          else if (!ended) {
            // The server accepted the watch (a refusal would already have ended it).
            aborts.add(c);
            onOpen();
          }
        })
        .catch((error: unknown) => {
          clearTimeout(silence);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  }

  async function loop(kind: ObjectKind): Promise<void> {
    let rv: string | undefined = options.resumeFrom?.[kind];
    let failures = 0;
    while (!stopped) {
      try {
        if (rv === undefined) {
          const listed = await list(kind);
          if (stopped) return;
          rv = listed.resourceVersion;
          emit({ type: 'reset', kind, items: listed.items });
          emit({ type: 'connected', kind });
          failures = 0;
        }
        const started = Date.now();
        rv = await watchOnce(kind, rv, () => {
          if (failures > 0) emit({ type: 'connected', kind });
          failures = 0;
        });
        // A server that accepts and at once closes must not make us spin.
        if (Date.now() - started < 1000) await sleep(min);
      } catch (error) {
        if (stopped) return;
        if (error instanceof Gone) {
          rv = undefined;
          continue;
        }
        failures += 1;
        const delay = backoffMs(failures, min, max);
        if (error instanceof HttpStatusError && error.code === 403) {
          emit({ type: 'forbidden', kind, reason: forbiddenReason(RESOURCES[kind], options.namespace) });
          // Permissions rarely change mid-session; check again slowly.
          await sleep(Math.max(delay, max));
          rv = undefined;
          continue;
        }
        emit({ type: 'disconnected', kind, reason: describe(error), retryInMs: delay });
        await sleep(delay);
        // After an outage the version may be compacted; the watch says 410 and we relist then.
      }
    }
  }

  for (const kind of options.kinds ?? ALL_KINDS) void loop(kind);
  return {
    stop() {
      stopped = true;
      for (const c of aborts) c.abort();
      aborts.clear();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const m = /reason: (.*)$/.exec(error.message);
    return m?.[1] ?? error.message;
  }
  return String(error);
}
