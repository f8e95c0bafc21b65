// A small model of the Bobrapet StoryRun controller driving the real test apiserver, written from
// the operator's source (research/bobrapet.md B3–B5, v0.1.5–v0.1.12), not from CONTROLLER.md:
//   Reconcile: Get → deletion (reconcileDelete) → ensureFinalizer → cancel branch
//   (handleGracefulCancel) → terminal branch (handleTerminalStoryRun) → DAG (not modelled).
// Versions: v0.1.12 has the cancel window, the observed-at annotation and the forced delete;
// v0.1.11 and older annotate, finish when every StepRun is terminal, else requeue 5 s, for ever.
// Requeue delays come from the operator config (shipped ConfigMap 2–3 s, none 5–7.5 s). The clock
// is a parameter, so a 120 s window passes instantly. The window's flow (sources, order, the max
// over transports, NotFound) is written here again on its own; only the typed decode of one
// merged settings blob is shared with storyctl (src/contract/transport-settings.ts).
import { storyRunLabelValue } from '../../src/contract/label.js';
import { parseGoDuration } from '../../src/contract/duration.js';
import { parseReleaseVersion } from '../../src/contract/operator-release.js';
import { isTerminal } from '../../src/contract/phases.js';
import { CANCELED_MESSAGE } from '../../src/contract/terminal-state.js';
import { formatKubeTime, formatPreciseTime, parseTime } from '../../src/contract/time.js';
import {
  decodeStreamingSettings,
  deepMerge,
  isJsonObject,
  settingsWithStreaming,
} from '../../src/contract/transport-settings.js';
import {
  ANNOTATIONS,
  FINALIZERS,
  LABELS,
  type Condition,
  type StepRun,
  type Story,
  type StoryRun,
  type StoryTransportEntry,
  type Transport,
} from '../../src/model/kube.js';
import { isStatus, mergePatch, RUNS, STORIES, TRANSPORTS, type KubeClients } from './kube-clients.js';

/** Go's time.RFC3339Nano in UTC: the fraction without trailing zeros, none at all on a whole second. */
export function rfc3339Nano(epochMs: number): string {
  return formatPreciseTime(epochMs)
    .replace(/(\.\d*?)0+Z$/, '$1Z')
    .replace(/\.Z$/, 'Z');
}

/** The operator config the reconciler reads (internal/config), in seconds. */
export interface OperatorConfig {
  /** controller.requeue-base-delay; 0 or unset falls back to 5 s. */
  requeueBaseSeconds: number;
  /** controller.requeue-max-delay; 0 or unset falls back to 30 s. */
  requeueMaxSeconds: number;
  /** engram.default-graceful-shutdown-timeout-seconds (code default 20). */
  gracefulShutdownSeconds: number;
  /** job.ttl-seconds-after-finished / streaming.ttl-seconds-after-finished. */
  jobTtlSeconds: number;
  streamingTtlSeconds: number;
  /** storyrun.retention-seconds. */
  retentionSeconds: number;
}

/** config/manager/operator-config.yaml as shipped: requeue 2s / 1m, so [2 s, 3 s). */
export const SHIPPED_CONFIG: OperatorConfig = {
  requeueBaseSeconds: 2,
  requeueMaxSeconds: 60,
  gracefulShutdownSeconds: 20,
  jobTtlSeconds: 3600,
  streamingTtlSeconds: 0,
  retentionSeconds: 86400,
};

/** No ConfigMap (the operator's own envtest): code defaults, requeue base 0 → [5 s, 7.5 s). */
export const CODE_DEFAULTS: OperatorConfig = {
  ...SHIPPED_CONFIG,
  requeueBaseSeconds: 0,
  requeueMaxSeconds: 0,
};

/** `engram.default-graceful-shutdown-timeout-seconds` as the operator ships it (and its code default). */
export const OPERATOR_DEFAULT_SECONDS = SHIPPED_CONFIG.gracefulShutdownSeconds;

export interface SimOptions {
  /** The release modelled (default v0.1.12). */
  release?: string;
  /** The operator config; null is a reconciler without a config resolver (grace 30 s). */
  config?: OperatorConfig | null;
  /** For the jitter, [0, 1); default Math.random. */
  random?: () => number;
}

export type SimAction =
  // DAG branch (not modelled) or not found.
  | 'ignored'
  // Cancel branch.
  | 'waiting'
  | 'deleting'
  | 'finished'
  // Deletion branch.
  | 'deleting-dependents'
  | 'removed-finalizer'
  // Terminal branch.
  | 'waiting-finish-time'
  | 'keeping-children'
  | 'cleaning-children'
  | 'retained'
  | 'deleted-run';

export interface ReconcileResult {
  branch: 'not-found' | 'deletion' | 'cancel' | 'terminal' | 'dag';
  action: SimAction;
  /** ctrl.Result.RequeueAfter in ms; 0 is no requeue. */
  requeueAfterMs: number;
  observedAt?: number;
  /** The cancel window in seconds (v0.1.12 cancel branch only). */
  windowSeconds?: number;
  annotated: string[];
  deleted: string[];
}

export class ControllerSim {
  readonly release: string;
  private readonly config: OperatorConfig | null;
  private readonly random: () => number;

  constructor(
    private readonly k: KubeClients,
    options: SimOptions = {},
  ) {
    this.release = options.release ?? 'v0.1.12';
    this.config = options.config === undefined ? SHIPPED_CONFIG : options.config;
    this.random = options.random ?? Math.random;
  }

  /** v0.1.12+: the window, the annotation, the forced delete. */
  get hasCancelWindow(): boolean {
    const v = parseReleaseVersion(this.release);
    return !v || v.major > 0 || v.minor > 1 || v.patch >= 12;
  }

  /** nextRequeueDelay: JitteredRequeueDelay(base, max, 5s, 30s) = min(Jitter(base, 0.5), max). */
  nextRequeueDelayMs(): number {
    const base = this.config && this.config.requeueBaseSeconds > 0 ? this.config.requeueBaseSeconds : 5;
    const max = this.config && this.config.requeueMaxSeconds > 0 ? this.config.requeueMaxSeconds : 30;
    return Math.min(base * 1000 * (1 + 0.5 * this.random()), max * 1000);
  }

  /** One reconcile of a StoryRun at time `now` (epoch ms), in the order of the source. */
  async reconcile(namespace: string, name: string, now: number): Promise<ReconcileResult> {
    const result: ReconcileResult = {
      branch: 'not-found',
      action: 'ignored',
      requeueAfterMs: 0,
      annotated: [],
      deleted: [],
    };
    let run = await this.getRun(namespace, name);
    if (!run) return result;
    // 3. Deletion first, before anything else (and so before the cancel branch).
    if (run.metadata.deletionTimestamp) return this.reconcileDelete(run, result);
    // 5. ensureFinalizer.
    const finalizers = run.metadata.finalizers ?? [];
    if (!finalizers.includes(FINALIZERS.storyRun))
      run = await this.patchRun(namespace, name, {
        metadata: { finalizers: [...finalizers, FINALIZERS.storyRun] },
      });
    // 10. The cancel branch comes before the terminal branch, at every release.
    if (run.spec?.cancelRequested === true) {
      result.branch = 'cancel';
      return this.hasCancelWindow
        ? this.gracefulCancel(run, now, result)
        : this.gracefulCancelBefore0112(run, now, result);
    }
    // 11. The terminal branch: canceled runs never get here.
    if (isTerminal(run.status?.phase)) {
      result.branch = 'terminal';
      return this.terminal(run, now, result);
    }
    result.branch = 'dag';
    return result;
  }

  /** handleGracefulCancel, v0.1.12. */
  private async gracefulCancel(
    run: StoryRun,
    now: number,
    result: ReconcileResult,
  ): Promise<ReconcileResult> {
    const namespace = run.metadata.namespace ?? 'default';
    const story = await this.getStory(run);
    // ensureGracefulCancelObservedAt: a missing, unparsable or zero value is (over)written.
    let observedAt = parseTime(run.metadata.annotations?.[ANNOTATIONS.cancelObservedAt]?.trim());
    if (observedAt === undefined || observedAt <= 0) {
      observedAt = now;
      run = await this.patchRun(namespace, run.metadata.name, {
        metadata: { annotations: { [ANNOTATIONS.cancelObservedAt]: rfc3339Nano(now) } },
      });
    }
    result.observedAt = observedAt;
    const timeoutMs = (await this.resolveGracefulCancelTimeout(story)) * 1000;
    result.windowSeconds = timeoutMs / 1000;
    const forceDelete = timeoutMs <= 0 || now >= observedAt + timeoutMs;

    const allTerminal = await this.processStepRuns(run, forceDelete, result);
    if (allTerminal) {
      await this.finish(run, now);
      result.action = 'finished';
      return result;
    }
    if (forceDelete) {
      result.action = result.deleted.length > 0 ? 'deleting' : 'waiting';
      result.requeueAfterMs = this.nextRequeueDelayMs();
    } else {
      result.action = 'waiting';
      result.requeueAfterMs = Math.min(this.nextRequeueDelayMs(), observedAt + timeoutMs - now);
    }
    return result;
  }

  /** handleGracefulCancel, v0.1.5–v0.1.11: no window, no annotation, never deletes, fixed 5 s. */
  private async gracefulCancelBefore0112(
    run: StoryRun,
    now: number,
    result: ReconcileResult,
  ): Promise<ReconcileResult> {
    const allTerminal = await this.processStepRuns(run, false, result);
    if (allTerminal) {
      await this.finish(run, now);
      result.action = 'finished';
      return result;
    }
    result.action = 'waiting';
    result.requeueAfterMs = 5000;
    return result;
  }

  /** processGracefulCancelStepRun over the labelled StepRuns; true when every one is terminal (or none). */
  private async processStepRuns(
    run: StoryRun,
    forceDelete: boolean,
    result: ReconcileResult,
  ): Promise<boolean> {
    const namespace = run.metadata.namespace ?? 'default';
    let allTerminal = true;
    for (const step of await this.listSteps(namespace, run.metadata.name)) {
      if (isTerminal(step.status?.phase)) continue;
      // Being deleted but not terminal: still non-terminal for the finish guard.
      allTerminal = false;
      if (step.metadata.annotations?.[ANNOTATIONS.stepCancelRequested] !== 'true') {
        try {
          await this.k.custom.patchNamespacedCustomObject(
            {
              ...RUNS,
              plural: 'stepruns',
              namespace,
              name: step.metadata.name,
              body: { metadata: { annotations: { [ANNOTATIONS.stepCancelRequested]: 'true' } } },
            },
            mergePatch(),
          );
          result.annotated.push(step.metadata.name);
        } catch (error) {
          // "Failed to annotate StepRun with cancel": logged, the pass goes on.
          if (!isStatus(error, 404)) throw error;
        }
      }
      if (forceDelete && !step.metadata.deletionTimestamp && (await this.deleteStep(namespace, step)))
        result.deleted.push(step.metadata.name);
    }
    return allTerminal;
  }

  /** reconcileDelete: delete the labelled StepRuns and child runs, requeue while any remain, then let go. */
  private async reconcileDelete(run: StoryRun, result: ReconcileResult): Promise<ReconcileResult> {
    result.branch = 'deletion';
    const namespace = run.metadata.namespace ?? 'default';
    const steps = await this.listSteps(namespace, run.metadata.name);
    const children = await this.listChildRuns(namespace, run.metadata.name);
    if (steps.length > 0 || children.length > 0) {
      for (const s of steps)
        if (!s.metadata.deletionTimestamp && (await this.deleteStep(namespace, s)))
          result.deleted.push(s.metadata.name);
      for (const c of children)
        if (!c.metadata.deletionTimestamp) await this.deleteRun(namespace, c.metadata.name);
      result.action = 'deleting-dependents';
      result.requeueAfterMs = this.nextRequeueDelayMs();
      return result;
    }
    const finalizers = run.metadata.finalizers ?? [];
    if (finalizers.includes(FINALIZERS.storyRun))
      await this.patchRun(namespace, run.metadata.name, {
        metadata: {
          finalizers: finalizers.filter((f) => f !== FINALIZERS.storyRun),
          resourceVersion: run.metadata.resourceVersion,
        },
      });
    result.action = 'removed-finalizer';
    return result;
  }

  /** handleTerminalStoryRun: child TTL, child cleanup, childrenCleanedAt, retention. */
  private async terminal(run: StoryRun, now: number, result: ReconcileResult): Promise<ReconcileResult> {
    const namespace = run.metadata.namespace ?? 'default';
    const story = await this.getStory(run);
    const finishedAt = parseTime(run.status?.finishedAt);
    // The guard the cleanup never passes without finishedAt: requeued for ever.
    if (finishedAt === undefined) {
      result.action = 'waiting-finish-time';
      result.requeueAfterMs = this.nextRequeueDelayMs();
      return result;
    }
    const { childTtlSeconds, retentionSeconds } = this.retentionSettings(story);
    if (childTtlSeconds > 0 && now < finishedAt + childTtlSeconds * 1000) {
      result.action = 'keeping-children';
      result.requeueAfterMs = finishedAt + childTtlSeconds * 1000 - now;
      return result;
    }
    const steps = await this.listSteps(namespace, run.metadata.name);
    const children = await this.listChildRuns(namespace, run.metadata.name);
    if (steps.length > 0 || children.length > 0) {
      for (const s of steps)
        if (!s.metadata.deletionTimestamp && (await this.deleteStep(namespace, s)))
          result.deleted.push(s.metadata.name);
      for (const c of children)
        if (!c.metadata.deletionTimestamp) await this.deleteRun(namespace, c.metadata.name);
      result.action = 'cleaning-children';
      result.requeueAfterMs = this.nextRequeueDelayMs();
      return result;
    }
    if (!run.status?.['childrenCleanedAt']) {
      // markChildrenCleaned: RetryableStatusUpdate, a full update carrying the resourceVersion.
      await this.k.custom.replaceNamespacedCustomObjectStatus({
        ...RUNS,
        plural: 'storyruns',
        namespace,
        name: run.metadata.name,
        body: { ...run, status: { ...run.status, childrenCleanedAt: formatKubeTime(now) } },
      });
    }
    if (retentionSeconds < 0 || now >= finishedAt + retentionSeconds * 1000) {
      await this.deleteRun(namespace, run.metadata.name);
      result.action = 'deleted-run';
      return result;
    }
    result.action = 'retained';
    result.requeueAfterMs = finishedAt + retentionSeconds * 1000 - now;
    return result;
  }

  /** resolveRetentionSettings: the Story's values, else the operator config's; 0 means "default". */
  private retentionSettings(story: Story | undefined): { childTtlSeconds: number; retentionSeconds: number } {
    const realtime = story?.spec?.pattern === 'realtime';
    const execution = (story?.spec?.['policy'] as { execution?: Record<string, Record<string, unknown>> })
      ?.execution;
    const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
    let childTtl = 0;
    if (realtime && typeof execution?.['realtime']?.['ttlSecondsAfterFinished'] === 'number')
      childTtl = num(execution['realtime']['ttlSecondsAfterFinished']);
    else if (typeof execution?.['job']?.['ttlSecondsAfterFinished'] === 'number')
      childTtl = num(execution['job']['ttlSecondsAfterFinished']);
    const cfg = this.config ?? SHIPPED_CONFIG;
    if (childTtl === 0) childTtl = realtime ? cfg.streamingTtlSeconds : cfg.jobTtlSeconds;
    let retention = num(execution?.['job']?.['storyRunRetentionSeconds']);
    if (retention === 0) retention = cfg.retentionSeconds;
    return { childTtlSeconds: childTtl, retentionSeconds: retention };
  }

  /** resolveGracefulCancelTimeout (v0.1.12), in seconds. */
  async resolveGracefulCancelTimeout(story: Story | undefined): Promise<number> {
    let timeout = 30; // defaultGracefulCancelTimeout
    if (this.config && this.config.gracefulShutdownSeconds > 0) timeout = this.config.gracefulShutdownSeconds;
    if (!story) return timeout;
    const policy = story.spec?.policy?.timeouts?.gracefulShutdownTimeout;
    const configured = typeof policy === 'string' ? parseGoDuration(policy) : undefined;
    if (configured !== undefined && configured > 0) timeout = configured;
    if (story.spec?.pattern !== 'realtime') return timeout;
    let maxDrain = 0;
    for (const decl of story.spec?.transports ?? []) {
      const drain = await this.transportDrain(decl);
      if (drain !== undefined && drain > maxDrain) maxDrain = drain;
    }
    return maxDrain > 0 ? maxDrain : timeout;
  }

  /** resolveTransportDrainTimeout: Story side, Transport base (Get; NotFound is no base), merge, decode. */
  private async transportDrain(decl: StoryTransportEntry): Promise<number | undefined> {
    const storySide = settingsWithStreaming(decl.settings, decl.streaming);
    if (!storySide.ok) return undefined; // "Failed to encode story transport settings…"
    let base: Record<string, unknown> | undefined;
    const ref = typeof decl.transportRef === 'string' ? decl.transportRef.trim() : '';
    if (ref) {
      try {
        const t = (await this.k.custom.getClusterCustomObject({ ...TRANSPORTS, name: ref })) as Transport;
        const b = settingsWithStreaming(t.spec?.defaultSettings, t.spec?.streaming);
        if (b.ok) base = b.value; // else "Failed to encode transport defaults…": no base
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    const merged = deepMerge(base, storySide.value);
    if (!merged || Object.keys(merged).length === 0) return undefined;
    const decoded = decodeStreamingSettings(merged);
    if (!decoded.ok) return undefined; // "Failed to decode transport settings…"
    const lifecycle = decoded.value['lifecycle'];
    const drain = isJsonObject(lifecycle) ? lifecycle['drainTimeoutSeconds'] : undefined;
    return typeof drain === 'number' ? drain : undefined;
  }

  /**
   * The StepRun controller's part of a deletion (6.6): it removes the finalizer once the realtime
   * resources are gone. Returns the StepRuns it released.
   */
  async releaseDeletedSteps(namespace: string, runName: string): Promise<string[]> {
    const released: string[] = [];
    for (const step of await this.listSteps(namespace, runName)) {
      const finalizers = step.metadata.finalizers ?? [];
      if (!step.metadata.deletionTimestamp || !finalizers.includes(FINALIZERS.stepRun)) continue;
      await this.k.custom.patchNamespacedCustomObject(
        {
          ...RUNS,
          plural: 'stepruns',
          namespace,
          name: step.metadata.name,
          body: {
            metadata: {
              finalizers: finalizers.filter((f) => f !== FINALIZERS.stepRun),
              resourceVersion: step.metadata.resourceVersion,
            },
          },
        },
        mergePatch(),
      );
      released.push(step.metadata.name);
    }
    return released;
  }

  /** Reconcile, let the StepRun controller release deletions, and repeat while StepRuns are being deleted. */
  async settle(namespace: string, name: string, now: number, maxPasses = 5): Promise<ReconcileResult> {
    let last: ReconcileResult = {
      branch: 'not-found',
      action: 'ignored',
      requeueAfterMs: 0,
      annotated: [],
      deleted: [],
    };
    for (let pass = 0; pass < maxPasses; pass++) {
      last = await this.reconcile(namespace, name, now);
      if (last.action !== 'deleting' && last.action !== 'deleting-dependents') return last;
      await this.releaseDeletedSteps(namespace, name);
    }
    return last;
  }

  async getRun(namespace: string, name: string): Promise<StoryRun | undefined> {
    try {
      return (await this.k.custom.getNamespacedCustomObject({
        ...RUNS,
        plural: 'storyruns',
        namespace,
        name,
      })) as StoryRun;
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** runslist.StepRunsByStoryRun: by the label only. */
  async listSteps(namespace: string, runName: string): Promise<StepRun[]> {
    const list = (await this.k.custom.listNamespacedCustomObject({
      ...RUNS,
      plural: 'stepruns',
      namespace,
      labelSelector: `${LABELS.storyRun}=${storyRunLabelValue(runName)}`,
    })) as { items: StepRun[] };
    return list.items;
  }

  private async listChildRuns(namespace: string, runName: string): Promise<StoryRun[]> {
    const list = (await this.k.custom.listNamespacedCustomObject({
      ...RUNS,
      plural: 'storyruns',
      namespace,
      labelSelector: `${LABELS.parentStoryRun}=${storyRunLabelValue(runName)}`,
    })) as { items: StoryRun[] };
    return list.items;
  }

  /** getStoryOptional: NotFound is nil. */
  private async getStory(run: StoryRun): Promise<Story | undefined> {
    const ref = run.spec?.storyRef;
    if (!ref?.name) return undefined;
    try {
      return (await this.k.custom.getNamespacedCustomObject({
        ...STORIES,
        namespace: ref.namespace ?? run.metadata.namespace ?? 'default',
        name: ref.name,
      })) as Story;
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  private async patchRun(namespace: string, name: string, body: Record<string, unknown>): Promise<StoryRun> {
    return (await this.k.custom.patchNamespacedCustomObject(
      { ...RUNS, plural: 'storyruns', namespace, name, body },
      mergePatch(),
    )) as StoryRun;
  }

  /** Delete with background propagation; false when it was already gone. */
  private async deleteStep(namespace: string, step: StepRun): Promise<boolean> {
    try {
      await this.k.custom.deleteNamespacedCustomObject({
        ...RUNS,
        plural: 'stepruns',
        namespace,
        name: step.metadata.name,
        propagationPolicy: 'Background',
      });
      return true;
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
      return false;
    }
  }

  private async deleteRun(namespace: string, name: string): Promise<void> {
    try {
      await this.k.custom.deleteNamespacedCustomObject({
        ...RUNS,
        plural: 'storyruns',
        namespace,
        name,
        propagationPolicy: 'Background',
      });
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }

  /**
   * PatchStoryRunPhase(Finished) behind the guard `phase != Finished`: a status merge patch without
   * resourceVersion. finishedAt and duration only when finishedAt was unset; conditions through the
   * ConditionManager (existing ones updated in place, missing ones appended).
   */
  private async finish(run: StoryRun, now: number): Promise<void> {
    const status = run.status ?? {};
    if (status.phase === 'Finished') return;
    const generation = run.metadata.generation ?? 0;
    const patch: Record<string, unknown> = {
      phase: 'Finished',
      message: CANCELED_MESSAGE,
      observedGeneration: generation,
      conditions: finishConditions(status.conditions ?? [], generation, formatKubeTime(now)),
    };
    if (!status.finishedAt) {
      patch['finishedAt'] = formatKubeTime(now);
      const started = parseTime(status.startedAt);
      if (started !== undefined)
        patch['duration'] = goRoundedDuration(Math.floor(now / 1000) * 1000 - started);
    }
    await this.k.custom.patchNamespacedCustomObjectStatus(
      {
        ...RUNS,
        plural: 'storyruns',
        namespace: run.metadata.namespace ?? 'default',
        name: run.metadata.name,
        body: { status: patch },
      },
      mergePatch(),
    );
  }
}

/** time.Duration.Round(time.Second).String() for whole seconds. */
function goRoundedDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

const FINISH_TYPES = ['Ready', 'Progressing', 'Degraded'] as const;

/** Ready, Progressing, Degraded False / Canceled; lastTransitionTime kept when the status did not change. */
function finishConditions(existing: Condition[], generation: number, now: string): Condition[] {
  const next = (type: string, prev: Condition | undefined): Condition => ({
    type,
    status: 'False',
    reason: 'Canceled',
    message: CANCELED_MESSAGE,
    observedGeneration: generation,
    lastTransitionTime: prev?.status === 'False' && prev.lastTransitionTime ? prev.lastTransitionTime : now,
  });
  const out = existing.map((c) =>
    (FINISH_TYPES as readonly string[]).includes(c.type) ? next(c.type, c) : c,
  );
  for (const type of FINISH_TYPES) if (!out.some((c) => c.type === type)) out.push(next(type, undefined));
  return out;
}
