// `storyctl serve`: the doctor as a long-running process in the cluster. The watches (list, then
// watch with resume, relist on 410, reconnect with backoff) fill an in-memory store; every change
// (debounced) and a timer (SR101 and SR303 depend on the clock, not on changes) re-run the cluster
// rules; the result goes to the metrics, and on the leader to Events and auto-repair. This module
// wires those parts and owns the timers and the shutdown; each part is its own file.
import type { OperatorRelease } from '../contract/operator-release.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { GROUPS, VERSION } from '../model/kube.js';
import type { Finding, Subject, SuppressedFinding } from '../model/report.js';
import { buildWorld, objectKey, type ObjectKind, type World } from '../model/world.js';
import { makeRepairClient } from '../repair/client.js';
import type { ClusterRule } from '../rules/types.js';
import { ApiCaller, defaultPolicy } from '../sources/cluster/caller.js';
import type { ResolvedKubeConfig } from '../sources/cluster/kubeconfig.js';
import { RESOURCES } from '../sources/cluster/resources.js';
import { watchCluster, type WatchEvent, type WatchHandle } from '../sources/cluster/watch.js';
import { AutoRepairer, recentRepairTimes } from './auto-repair.js';
import type { FindingsFilter } from '../config/findings-filter.js';
import { judge, worldOf } from './evaluate.js';
import { apiEventWriter, EventRecorder, type EventSpec, type Regarding } from './events.js';
import { startHttp, type HttpEndpoint, type ListenAddress } from './http.js';
import { leaseElection, soleLeader, type Leadership } from './lease.js';
import type { Logger } from './log.js';
import { maskedText } from './masked.js';
import { ServeMetrics } from './metrics.js';
import { candidatesOf, RepairSchedule } from './repair-schedule.js';
import { KINDS, ObjectStore, withoutManagedFields } from './store.js';

export interface AutoFinishSettings {
  rules: ReadonlySet<string>;
  graceMs: number;
  maxPerHour: number;
  dryRun: boolean;
}

export interface ServeOptions {
  cfg: ResolvedKubeConfig;
  /** Undefined: every namespace (-A). */
  namespace: string | undefined;
  selector: string | undefined;
  requestTimeoutSeconds: number;
  metricsAddr: ListenAddress;
  stopBudgetSeconds: number;
  /** The config's `thresholds.stuckFinalizerAge` (SR303). */
  stuckFinalizerSeconds?: number;
  /** The config's `thresholds.operatorGracefulTimeout` (or the flag), when set. */
  operatorDefaultSeconds?: number;
  /** The clock-driven re-evaluation (SR101, SR303), ms. */
  evaluationIntervalMs: number;
  /** Changes are gathered this long before an evaluation, ms. */
  debounceMs: number;
  version: string;
  /** The pod name (reportingInstance); default the host name, which is the pod name in a pod. */
  instance?: string;
  lease: { name: string; namespace: string; durationSeconds: number } | undefined;
  autoFinish: AutoFinishSettings | undefined;
  events: boolean;
  eventSeriesIntervalMs: number;
  rules: readonly ClusterRule[];
  /** `--operator-version`: the release the rules and repairs assume; else the objects are asked. */
  operator?: OperatorRelease | undefined;
  /** The config file's severities, excludes and suppressions (see evaluate.ts); keepAll without. */
  filter: FindingsFilter;
  log: Logger;
  clock?: () => number;
  /** Watch reconnect backoff (tests shorten it). */
  backoff?: { minMs: number; maxMs: number };
}

export interface ServeHandle {
  /** `host:port` of /metrics. */
  address: string;
  identity: string;
  /** Stop within the shutdown budget: watches, repairs, the Lease (released), the HTTP server. */
  stop(reason: string): Promise<void>;
}

/** SIGTERM to exit: the Deployment gives 15 s, the issue asks for 5. */
export const SHUTDOWN_BUDGET_MS = 4500;

const API_VERSION: Record<Subject['kind'], string | undefined> = {
  StoryRun: `${GROUPS.runs}/${VERSION}`,
  StepRun: `${GROUPS.runs}/${VERSION}`,
  Story: `${GROUPS.stories}/${VERSION}`,
  Transport: `${GROUPS.transports}/${VERSION}`,
  AgentProcess: undefined,
  DuctorChat: undefined,
};
const KIND_OF: Partial<Record<Subject['kind'], ObjectKind>> = {
  StoryRun: 'storyRuns',
  StepRun: 'stepRuns',
  Story: 'stories',
  Transport: 'transports',
};

export async function startServe(o: ServeOptions): Promise<ServeHandle> {
  const clock = o.clock ?? Date.now;
  const log = o.log;
  const instance = o.instance ?? hostname();
  // Two replicas on one node, or a restarted pod with the same name, must not share an identity.
  const identity = `${instance}_${randomBytes(4).toString('hex')}`;
  const metrics = new ServeMetrics(o.version);
  const store = new ObjectStore();
  const unavailable: Partial<Record<ObjectKind, string>> = {};
  let stopped = false;
  let ready = false;

  const http: HttpEndpoint = await startHttp(o.metricsAddr, metrics, {
    ready: () =>
      ready
        ? { ok: true, detail: 'ready' }
        : {
            ok: false,
            detail: `not ready: first list of ${store.pending.map((k) => RESOURCES[k].kind).join(', ')} not complete${
              Object.keys(unavailable).length > 0 ? ` (${Object.values(unavailable).join('; ')})` : ''
            }`,
          },
  });

  const regardingOf = (s: Subject): Regarding | undefined => {
    const kind = KIND_OF[s.kind];
    const apiVersion = API_VERSION[s.kind];
    if (!kind || !apiVersion) return undefined;
    const key = kind === 'transports' ? s.name : objectKey(s.namespace, s.name);
    const held = store.get(kind, key);
    return {
      apiVersion,
      kind: s.kind,
      namespace: kind === 'transports' ? undefined : (s.namespace ?? 'default'),
      name: s.name,
      uid: held?.metadata.uid,
      resourceVersion: held?.metadata.resourceVersion,
    };
  };

  const recorder = new EventRecorder({
    writer: apiEventWriter(o.cfg.kc, o.cfg.server, instance, o.requestTimeoutSeconds),
    log,
    count: (r) => metrics.event(r),
    clock,
    regardingOf,
    seriesIntervalMs: o.eventSeriesIntervalMs,
    burst: 25,
    perMinute: 30,
  });
  if (!o.events) recorder.disable('--no-events');

  const schedule = o.autoFinish
    ? new RepairSchedule({
        rules: o.autoFinish.rules,
        graceMs: o.autoFinish.graceMs,
        maxPerHour: o.autoFinish.maxPerHour,
      })
    : undefined;

  const onLeadership = (held: boolean): void => {
    metrics.lease(held);
    if (held) {
      schedule?.seed(recentRepairTimes(store.storyRuns(), clock()));
      request();
    } else recorder.reset();
  };
  const leadership: Leadership = o.lease
    ? leaseElection({
        kc: o.cfg.kc,
        server: o.cfg.server,
        name: o.lease.name,
        namespace: o.lease.namespace,
        identity,
        leaseDurationSeconds: o.lease.durationSeconds,
        log,
        onChange: onLeadership,
        clock,
      })
    : soleLeader(onLeadership);

  const repairer =
    schedule && o.autoFinish
      ? new AutoRepairer({
          schedule,
          leadership,
          client: () => makeRepairClient(o.cfg, o.requestTimeoutSeconds),
          log,
          clock,
          stopBudgetSeconds: o.stopBudgetSeconds,
          operator: o.operator,
          graceMs: o.autoFinish.graceMs,
          maxPerHour: o.autoFinish.maxPerHour,
          dryRun: o.autoFinish.dryRun,
          metrics,
          // The fresh read goes through the same filter: an annotation added since the watch's
          // copy still stops the repair.
          keep: (t) =>
            o.filter(
              t.findings,
              buildWorld({
                storyRuns: [t.run],
                stepRuns: [...t.steps],
                stories: t.story ? [t.story] : [],
                transports: t.transports,
              }),
              clock(),
            ).kept,
          event: (spec: EventSpec) => recorder.emit(spec),
          regardingOf: (namespace, name) =>
            regardingOf({ kind: 'StoryRun', namespace, name }) ?? {
              apiVersion: `${GROUPS.runs}/${VERSION}`,
              kind: 'StoryRun',
              namespace,
              name,
            },
        })
      : undefined;

  // --- evaluation: debounced on changes, and on a timer for the rules that depend on the clock.
  let pending: ReturnType<typeof setTimeout> | undefined;
  let wake: ReturnType<typeof setTimeout> | undefined;
  let lastDurationMs = 0;
  let lastEnd = 0;
  let current = new Map<string, Finding>();
  let currentSuppressed = new Map<string, SuppressedFinding>();
  let currentIneffective = new Set<string>();
  let firstEvaluation = true;
  let held: { version: number; unavailable: string; world: World } | undefined;

  function request(delayMs?: number): void {
    if (stopped || pending) return;
    // Changes are gathered for debounceMs; and one evaluation's end is kept at least its own duration
    // from the next start, so a stream of changes on a big store costs at most half a core.
    const delay = delayMs ?? Math.max(o.debounceMs, lastEnd + lastDurationMs - performance.now());
    pending = setTimeout(() => {
      pending = undefined;
      evaluateNow();
    }, delay);
  }

  function evaluateNow(): void {
    if (stopped) return;
    // Until every kind is listed (or known forbidden) a partial world gives false findings (orphans).
    if (store.pending.some((k) => unavailable[k] === undefined)) return;
    const started = clock();
    const t0 = performance.now();
    // Nothing changed since the last evaluation (the timer's): the same world, the rules re-run.
    const readable = JSON.stringify(unavailable);
    if (held?.version !== store.version || held.unavailable !== readable) {
      held = undefined; // the old world is garbage before the new one is built
      const world = worldOf(store.snapshot(), {
        unavailable,
        selected: o.selector !== undefined,
        operator: o.operator,
        operatorDefaultSeconds: o.operatorDefaultSeconds,
      });
      held = { version: store.version, unavailable: readable, world };
    }
    const ev = judge(held.world, {
      rules: o.rules,
      filter: o.filter,
      now: started,
      stopBudgetSeconds: o.stopBudgetSeconds,
      ...(o.stuckFinalizerSeconds !== undefined ? { stuckFinalizerSeconds: o.stuckFinalizerSeconds } : {}),
    });
    lastEnd = performance.now();
    lastDurationMs = lastEnd - t0;
    metrics.evaluated(ev.world, ev.findings, started, lastDurationMs, ev.suppressed);
    for (const k of KINDS) metrics.held(k, store.count(k));

    const next = new Map(ev.findings.map((f) => [f.fingerprint, f]));
    for (const [fp, f] of next)
      if (!current.has(fp)) log.info('finding', { ...findingFields(f), state: 'appeared' });
    for (const [fp, f] of current)
      if (!next.has(fp)) log.info('finding', { ...findingFields(f), state: 'resolved' });
    current = next;
    const nextSuppressed = new Map(ev.suppressed.map((f) => [f.fingerprint, f]));
    for (const [fp, f] of nextSuppressed)
      if (!currentSuppressed.has(fp))
        log.info('finding', {
          ...findingFields(f),
          state: 'suppressed',
          suppression: f.suppression.kind,
          source: f.suppression.source,
          reason: f.suppression.reason,
        });
    currentSuppressed = nextSuppressed;
    // An expired suppression (or one without a reason) is said once, when it stops applying.
    const ineffective = new Set<string>();
    for (const i of ev.ineffective) {
      const k = `${i.kind}\u0000${i.source}\u0000${i.ruleId}`;
      ineffective.add(k);
      if (!currentIneffective.has(k))
        log.warn(`suppression ${i.problem === 'expired' ? 'expired' : 'has no reason'}: it does not apply`, {
          rule: i.ruleId,
          source: i.source,
          ...(i.expires !== undefined ? { expires: i.expires } : {}),
        });
    }
    currentIneffective = ineffective;
    if (firstEvaluation) {
      firstEvaluation = false;
      log.info('first evaluation', {
        findings: ev.findings.length,
        suppressed: ev.suppressed.length,
        notEvaluated: ev.notEvaluated.length,
        runs: ev.world.runs.length,
        ms: Math.round(lastDurationMs),
      });
    }

    if (schedule) schedule.observe(candidatesOf(ev.world, ev.findings, schedule.rules), started);
    if (!leadership.isLeader()) return;
    void recorder.sync(ev.findings);
    if (repairer && schedule) {
      void repairer.run().then(() => {
        if (stopped) return;
        // The next grace end or retry: look again then, even if nothing changes.
        const wakeAt = schedule.nextWake(clock());
        if (wake) clearTimeout(wake);
        wake =
          wakeAt === undefined ? undefined : setTimeout(() => request(0), Math.max(0, wakeAt - clock()) + 50);
      });
    }
  }

  const tick = setInterval(() => request(0), o.evaluationIntervalMs);

  // --- the watches
  /** Kinds whose watch is down: one line when it drops, one when it is back. */
  const down = new Set<ObjectKind>();
  const onWatch = (e: WatchEvent): void => {
    if (stopped) return;
    switch (e.type) {
      case 'reset':
      case 'upsert':
      case 'delete': {
        const wasListed = !store.pending.includes(e.kind);
        for (const stop of store.apply(e, clock())) {
          metrics.cancelStopped(stop.seconds);
          log.info('canceled run stopped', {
            run: stop.key,
            stopSeconds: Math.round(stop.seconds * 10) / 10,
          });
        }
        if (e.type === 'reset') {
          delete unavailable[e.kind];
          if (!wasListed) log.info('listed', { kind: RESOURCES[e.kind].kind, objects: e.items.length });
          else log.info('relisted', { kind: RESOURCES[e.kind].kind, objects: e.items.length });
          if (!ready && store.complete) {
            ready = true;
            log.info(
              'ready: every kind listed',
              Object.fromEntries(KINDS.map((k) => [RESOURCES[k].kind, store.count(k)])),
            );
          }
        }
        request();
        return;
      }
      case 'connected':
        if (down.delete(e.kind)) log.info('watch reconnected', { kind: RESOURCES[e.kind].kind });
        return;
      case 'disconnected':
        metrics.reconnected(e.kind);
        if (!down.has(e.kind))
          log.warn('watch disconnected', {
            kind: RESOURCES[e.kind].kind,
            reason: e.reason,
            retryInMs: e.retryInMs,
          });
        down.add(e.kind);
        return;
      case 'forbidden':
        if (unavailable[e.kind] !== e.reason)
          log.error('forbidden: rules that need this kind are not evaluated', {
            kind: RESOURCES[e.kind].kind,
            reason: e.reason,
          });
        unavailable[e.kind] = e.reason;
        request();
        return;
    }
  };
  const watch: WatchHandle = watchCluster(
    {
      kc: o.cfg.kc,
      server: o.cfg.server,
      namespace: o.namespace,
      selector: o.selector,
      timeoutSeconds: o.requestTimeoutSeconds,
      // Dropped as each page arrives, not after a list of 20 000 has been gathered (peak memory).
      transform: withoutManagedFields,
      ...(o.backoff ? { minBackoffMs: o.backoff.minMs, maxBackoffMs: o.backoff.maxMs } : {}),
    },
    onWatch,
  );

  log.info('serve started', {
    version: o.version,
    metrics: `http://${http.address}/metrics`,
    scope: o.namespace === undefined ? 'all namespaces' : `namespace ${o.namespace}`,
    selector: o.selector,
    server: o.cfg.server,
    context: o.cfg.context,
    identity,
    lease: o.lease ? `${o.lease.namespace}/${o.lease.name}` : undefined,
    autoFinish: o.autoFinish
      ? {
          rules: [...o.autoFinish.rules],
          graceSeconds: o.autoFinish.graceMs / 1000,
          maxRepairsPerHour: o.autoFinish.maxPerHour,
          dryRun: o.autoFinish.dryRun,
        }
      : undefined,
  });
  if (o.events) void checkEventPermission(o, recorder, log);
  leadership.start();

  return {
    address: http.address,
    identity,
    async stop(reason) {
      if (stopped) return;
      stopped = true;
      log.info('stopping', { reason });
      const t0 = clock();
      clearInterval(tick);
      if (pending) clearTimeout(pending);
      if (wake) clearTimeout(wake);
      watch.stop();
      const within = (p: Promise<unknown>, ms: number): Promise<unknown> =>
        Promise.race([p, new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref())]);
      // A repair in flight finishes its current run (each run is atomic, every write resumable).
      await within(repairer?.stop() ?? Promise.resolve(), SHUTDOWN_BUDGET_MS / 2);
      await within(recorder.stop(), 500);
      await within(leadership.stop(), SHUTDOWN_BUDGET_MS - (clock() - t0) - 300);
      await within(http.close(), 200);
      log.info('stopped', { ms: clock() - t0 });
    },
  };
}

function findingFields(f: Finding): Record<string, unknown> {
  return {
    rule: f.ruleId,
    severity: f.severity,
    subject: f.subject
      ? maskedText(
          f,
          `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`,
        )
      : undefined,
    message: maskedText(f, f.message),
  };
}

/** Events need create on events.k8s.io; the read-only base has none: then say so once and write none. */
async function checkEventPermission(o: ServeOptions, recorder: EventRecorder, log: Logger): Promise<void> {
  try {
    const authz = o.cfg.kc.makeApiClient(AuthorizationV1Api);
    const caller = new ApiCaller(o.cfg.server, defaultPolicy(o.requestTimeoutSeconds), 'events check');
    const review = await caller.call('check create events', (opts) =>
      authz.createSelfSubjectAccessReview(
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                verb: 'create',
                group: 'events.k8s.io',
                resource: 'events',
                ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
              },
            },
          },
        },
        opts,
      ),
    );
    if (review.status?.allowed !== true)
      recorder.disable(
        `may not create events.k8s.io Events${o.namespace ? ` in namespace ${o.namespace}` : ''}: findings go to metrics only (deploy/rbac/storyctl-repairer.yaml grants Events)`,
      );
  } catch (error) {
    log.warn('events: permission check failed; trying anyway', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
