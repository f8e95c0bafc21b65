// The live-cluster source: StoryRuns, StepRuns, Stories and Transports read concurrently in pages,
// turned into the same ObjectSet a snapshot gives. A kind the user may not list is reported as
// unavailable (its rules become "not evaluated"); a missing CRD or an unreachable server stops the scan.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { StoryctlError } from '../../model/errors.js';
import type { ObjectSet, StepRun, Story, StoryRun, Transport } from '../../model/kube.js';
import type { SourceInfo, SourceScope } from '../../model/report.js';
import type { ObjectKind } from '../../model/world.js';
import { ApiCaller, defaultPolicy, HttpStatusError, type RetryEvent } from './caller.js';
import { listableNamespaces, namespaceAdvice } from './access.js';
import { fetchForeignStories } from './foreign-stories.js';
import { makeKubeConfig, type KubeConfigOptions } from './kubeconfig.js';
import { listAll, type ListScope } from './list.js';
import { RESOURCES, resourceName, type ApiResource } from './resources.js';
import { belongsTo, stepRunQueries } from './step-batches.js';

export { makeKubeConfig, type KubeConfigOptions, type ResolvedKubeConfig } from './kubeconfig.js';
export { ApiCaller, defaultPolicy, HttpStatusError, type CallPolicy, type RetryEvent } from './caller.js';
export { RESOURCES, resourceName, type ApiResource } from './resources.js';

/** The connection fields accept undefined (= their default), so CLI flags pass on as parsed. */
export interface LoadClusterOptions extends KubeConfigOptions {
  /** Default: the context's namespace, else `default`. */
  namespace?: string | undefined;
  allNamespaces?: boolean | undefined;
  selector?: string | undefined;
  /** Request timeout, and the budget for the server's first answer (default 15; 0: no timeout). */
  timeoutSeconds?: number | undefined;
  onProgress?: (p: { kind: string; listed: number }) => void;
  /** Epoch ms the first-answer budget counts from (the CLI: performance.timeOrigin); default now. */
  deadlineFrom?: number;
  /** Told before each retry of a failed request (429, 5xx, network). */
  onRetry?: (event: RetryEvent) => void;
  /** Page size (default 500); tests use small pages to exercise continue tokens. */
  pageSize?: number;
}

export type Unavailable = Partial<Record<ObjectKind, string>>;

export interface ClusterLoad {
  objects: ObjectSet;
  unavailable: Unavailable;
  source: SourceInfo;
  context: string;
  namespace: string | undefined;
  user: string | undefined;
}

/** Concurrent StepRun label queries with a selector; more would only queue on the server. */
const STEP_QUERY_CONCURRENCY = 4;

export async function loadCluster(options: LoadClusterOptions = {}): Promise<ClusterLoad> {
  const cfg = makeKubeConfig(options);
  const namespace = options.allNamespaces ? undefined : (options.namespace ?? cfg.namespace ?? 'default');
  const who = cfg.user ? `context ${cfg.context}, user ${cfg.user}` : `context ${cfg.context}`;
  const caller = new ApiCaller(
    cfg.server,
    defaultPolicy(options.timeoutSeconds),
    who,
    options.onRetry,
    options.deadlineFrom,
  );
  const api = cfg.kc.makeApiClient(CustomObjectsApi);

  const unavailable: Unavailable = {};
  const missingCrds = new Set<ObjectKind>();
  const listOptions = (kind: ObjectKind): Parameters<typeof listAll>[4] => {
    const o: Parameters<typeof listAll>[4] = {
      onPage: (listed) => options.onProgress?.({ kind: RESOURCES[kind].plural, listed }),
    };
    if (options.pageSize !== undefined) o.pageSize = options.pageSize;
    return o;
  };

  // Lists one kind; a 403 or 404 is recorded instead of thrown so the other kinds still load.
  async function guarded<T>(kind: ObjectKind, scope: ListScope, run: () => Promise<T[]>): Promise<T[]> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof HttpStatusError)) throw error;
      const r = RESOURCES[kind];
      if (error.code === 403) {
        unavailable[kind] = forbiddenReason(r, scope.namespace);
        return [];
      }
      if (error.code === 404) {
        missingCrds.add(kind);
        return [];
      }
      if (error.code === 400 && scope.labelSelector !== undefined && kind === 'storyRuns') {
        throw new StoryctlError('usage', `invalid label selector "${scope.labelSelector}": ${error.message}`);
      }
      throw new StoryctlError(
        'config',
        `cannot list ${resourceName(r)} on ${cfg.server}: ${error.message} (HTTP ${error.code})`,
      );
    }
  }

  const list = <T>(kind: ObjectKind, scope: ListScope): Promise<T[]> =>
    guarded(kind, scope, () => listAll<T>(caller, api, RESOURCES[kind], scope, listOptions(kind)));

  const runScope: ListScope = { namespace };
  if (options.selector !== undefined && options.selector !== '') runScope.labelSelector = options.selector;

  const runsAndSteps = (async (): Promise<[StoryRun[], StepRun[]]> => {
    if (runScope.labelSelector === undefined) {
      // No selector: both kinds are read in full, in parallel.
      return Promise.all([list<StoryRun>('storyRuns', runScope), list<StepRun>('stepRuns', { namespace })]);
    }
    const runs = await list<StoryRun>('storyRuns', runScope);
    if (unavailable.storyRuns !== undefined) {
      // The selected runs are unknown, so their steps cannot be chosen either.
      unavailable.stepRuns = unavailable.storyRuns;
      return [runs, []];
    }
    return [runs, await stepsOf(runs)];
  })();

  async function stepsOf(runs: StoryRun[]): Promise<StepRun[]> {
    const queries = stepRunQueries(runs, namespace);
    const seen = new Set<string>();
    const steps: StepRun[] = [];
    const keep = belongsTo(runs);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < queries.length && unavailable.stepRuns === undefined) {
        const q = queries[next++];
        if (!q) break;
        const scope: ListScope = { namespace: q.namespace, labelSelector: q.labelSelector };
        for (const s of await guarded('stepRuns', scope, () =>
          listAll<StepRun>(caller, api, RESOURCES.stepRuns, scope),
        )) {
          const key = `${s.metadata.namespace ?? ''}/${s.metadata.name}`;
          if (keep(s) && !seen.has(key)) {
            seen.add(key);
            steps.push(s);
          }
        }
        options.onProgress?.({ kind: RESOURCES.stepRuns.plural, listed: steps.length });
      }
    };
    await Promise.all(Array.from({ length: Math.min(STEP_QUERY_CONCURRENCY, queries.length) }, worker));
    return steps;
  }

  const settled = await Promise.allSettled([
    runsAndSteps,
    list<Story>('stories', { namespace }),
    list<Transport>('transports', { namespace: undefined }),
  ]);
  const failures = settled
    .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
    .map((s) => s.reason as unknown);
  if (failures.length > 0) throw pickFailure(failures);
  if (missingCrds.size > 0) {
    // In catalog order, whichever list failed first.
    const kinds = (Object.keys(RESOURCES) as ObjectKind[]).filter((k) => missingCrds.has(k));
    throw crdError(
      kinds.map((k) => RESOURCES[k]),
      cfg.server,
    );
  }

  if (namespace === undefined && unavailable.storyRuns !== undefined) {
    // A forbidden -A: say where the user may look instead.
    const listable = await listableNamespaces(cfg.kc, caller, RESOURCES.storyRuns);
    const advice = namespaceAdvice(RESOURCES.storyRuns, listable, cfg.namespace);
    unavailable.storyRuns += advice;
    if (unavailable.stepRuns !== undefined) unavailable.stepRuns += advice;
  }

  const [pair, stories, transports] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [
    [StoryRun[], StepRun[]],
    Story[],
    Transport[],
  ];
  if (namespace !== undefined && unavailable.stories === undefined)
    stories.push(...(await fetchForeignStories(caller, api, pair[0], stories)));
  const objects: ObjectSet = { storyRuns: pair[0], stepRuns: pair[1], stories, transports };
  const count = objects.storyRuns.length + objects.stepRuns.length + stories.length + transports.length;
  const scope: SourceScope = {
    context: cfg.context,
    namespaces: namespace === undefined ? 'all' : [namespace],
    counts: {
      storyRuns: objects.storyRuns.length,
      stepRuns: objects.stepRuns.length,
      stories: stories.length,
      transports: transports.length,
    },
  };
  if (runScope.labelSelector !== undefined) scope.selector = runScope.labelSelector;
  const unreadable = (Object.keys(RESOURCES) as ObjectKind[]).filter((k) => unavailable[k] !== undefined);
  if (unreadable.length > 0) scope.unreadable = unreadable;
  return {
    objects,
    unavailable,
    source: { type: 'cluster', name: `${cfg.context} (${cfg.server})`, objects: count, scope },
    context: cfg.context,
    namespace,
    user: cfg.user,
  };
}

/** The verb and resource spelled out, as the rules' "not evaluated" reason. */
export function forbiddenReason(r: ApiResource, namespace: string | undefined): string {
  const what = `cannot list ${resourceName(r)}`;
  if (!r.namespaced) return `${what} at cluster scope`;
  return namespace === undefined ? `${what} in all namespaces` : `${what} in namespace ${namespace}`;
}

function crdError(missing: ApiResource[], server: string): StoryctlError {
  const names = missing.map((r) => `${r.kind} CRD (${resourceName(r)})`);
  const verb = names.length === 1 ? 'is' : 'are';
  return new StoryctlError(
    'config',
    `${names.join(', ')} ${verb} not installed on ${server}: is Bobrapet installed?`,
  );
}

/** An unreachable server explains every other failure of the same scan, so it is reported first. */
function pickFailure(failures: unknown[]): unknown {
  const unreachable = failures.find((f) => f instanceof StoryctlError && f.kind === 'unreachable');
  return unreachable ?? failures.find((f) => f instanceof StoryctlError) ?? failures[0];
}
