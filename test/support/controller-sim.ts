// A small, faithful model of the Bobrapet controller's cancel path (CONTROLLER.md sections 6-8),
// driving the real test apiserver. Only the cancel path is modelled: a run without
// cancelRequested is left alone (the DAG is not part of these scenarios).
// The clock is a parameter, so a 120 s window passes instantly.
import { resolveCancelWindow, type CancelWindow } from '../../src/contract/cancel-window.js';
import { storyRunLabelValue } from '../../src/contract/label.js';
import { isTerminal } from '../../src/contract/phases.js';
import { CANCELED_MESSAGE, expectedDuration } from '../../src/contract/terminal-state.js';
import { formatKubeTime, formatPreciseTime, parseTime } from '../../src/contract/time.js';

/** Go's time.RFC3339Nano in UTC: the fraction without trailing zeros, none at all on a whole second. */
export function rfc3339Nano(epochMs: number): string {
  return formatPreciseTime(epochMs)
    .replace(/(\.\d*?)0+Z$/, '$1Z')
    .replace(/\.Z$/, 'Z');
}
import {
  ANNOTATIONS,
  FINALIZERS,
  LABELS,
  type Condition,
  type StepRun,
  type Story,
  type StoryRun,
  type Transport,
} from '../../src/model/kube.js';
import { isStatus, mergePatch, RUNS, STORIES, TRANSPORTS, type KubeClients } from './kube-clients.js';

/** `engram.default-graceful-shutdown-timeout-seconds` as the operator ships it (section 7). */
export const OPERATOR_DEFAULT_SECONDS = 20;

export interface ReconcileResult {
  action: 'ignored' | 'waiting' | 'deleting' | 'finished';
  observedAt?: number;
  window?: CancelWindow;
  annotated: string[];
  deleted: string[];
}

export class ControllerSim {
  constructor(
    private readonly k: KubeClients,
    private readonly operatorDefaultSeconds = OPERATOR_DEFAULT_SECONDS,
  ) {}

  /** One reconcile of a StoryRun at time `now` (epoch ms). */
  async reconcile(namespace: string, name: string, now: number): Promise<ReconcileResult> {
    const result: ReconcileResult = { action: 'ignored', annotated: [], deleted: [] };
    let run = await this.getRun(namespace, name);
    // cancelRequested is checked before anything else, terminal phase included (section 6): that is
    // why storyctl never sets it on a terminal run (section 9.1): a Succeeded run would become Finished.
    if (!run || run.spec?.cancelRequested !== true) return result;

    // 6.1: the start of the cancel window, written once.
    let observedAt = parseTime(run.metadata.annotations?.[ANNOTATIONS.cancelObservedAt]);
    if (observedAt === undefined) {
      observedAt = now;
      run = (await this.k.custom.patchNamespacedCustomObject(
        {
          ...RUNS,
          plural: 'storyruns',
          namespace,
          name,
          body: { metadata: { annotations: { [ANNOTATIONS.cancelObservedAt]: rfc3339Nano(now) } } },
        },
        mergePatch(),
      )) as StoryRun;
    }
    result.observedAt = observedAt;

    // 6.2: the window (section 7).
    const window = await this.resolveWindow(run);
    result.window = window;
    const expired = now >= observedAt + window.seconds * 1000;

    // 6.3: the run's StepRuns by label; annotate the live ones, delete them once the window is over.
    const steps = await this.listSteps(namespace, name);
    let allTerminal = true;
    for (const step of steps) {
      if (isTerminal(step.status?.phase)) continue;
      allTerminal = false;
      if (step.metadata.annotations?.[ANNOTATIONS.stepCancelRequested] !== 'true') {
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
      }
      if (expired && !step.metadata.deletionTimestamp) {
        try {
          await this.k.custom.deleteNamespacedCustomObject({
            ...RUNS,
            plural: 'stepruns',
            namespace,
            name: step.metadata.name,
            propagationPolicy: 'Background',
          });
          result.deleted.push(step.metadata.name);
        } catch (error) {
          if (!isStatus(error, 404)) throw error;
        }
      }
    }

    if (!allTerminal) {
      // 6.5: requeue; the caller decides when the next pass happens.
      result.action = result.deleted.length > 0 ? 'deleting' : 'waiting';
      return result;
    }
    // 6.4 / section 8: finish the run, leaving stepStates and counters as they are.
    await this.finish(run, now);
    result.action = 'finished';
    return result;
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

  /** Reconcile, let the StepRun controller release deletions, and repeat until the run settles. */
  async settle(namespace: string, name: string, now: number, maxPasses = 5): Promise<ReconcileResult> {
    let last: ReconcileResult = { action: 'ignored', annotated: [], deleted: [] };
    for (let pass = 0; pass < maxPasses; pass++) {
      last = await this.reconcile(namespace, name, now);
      if (last.action === 'finished' || last.action === 'ignored' || last.action === 'waiting') return last;
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

  async listSteps(namespace: string, runName: string): Promise<StepRun[]> {
    const list = (await this.k.custom.listNamespacedCustomObject({
      ...RUNS,
      plural: 'stepruns',
      namespace,
      labelSelector: `${LABELS.storyRun}=${storyRunLabelValue(runName)}`,
    })) as { items: StepRun[] };
    return list.items;
  }

  private async resolveWindow(run: StoryRun): Promise<CancelWindow> {
    const ref = run.spec?.storyRef;
    let story: Story | undefined;
    if (ref?.name) {
      try {
        story = (await this.k.custom.getNamespacedCustomObject({
          ...STORIES,
          namespace: ref.namespace ?? run.metadata.namespace ?? 'default',
          name: ref.name,
        })) as Story;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    const transports = new Map<string, Transport>();
    for (const entry of story?.spec?.transports ?? []) {
      try {
        transports.set(
          entry.transportRef,
          (await this.k.custom.getClusterCustomObject({
            ...TRANSPORTS,
            name: entry.transportRef,
          })) as Transport,
        );
      } catch (error) {
        // A missing Transport counts as no base (section 7.4).
        if (!isStatus(error, 404)) throw error;
      }
    }
    return resolveCancelWindow(story, transports, { operatorDefaultSeconds: this.operatorDefaultSeconds });
  }

  private async finish(run: StoryRun, now: number): Promise<void> {
    const status = run.status ?? {};
    const generation = run.metadata.generation ?? 0;
    const finishedAt = status.finishedAt ?? formatKubeTime(now);
    const patch: Record<string, unknown> = {
      phase: 'Finished',
      message: CANCELED_MESSAGE,
      finishedAt,
      observedGeneration: generation,
      conditions: finishConditions(status.conditions ?? [], generation, formatKubeTime(now)),
    };
    const duration = expectedDuration(status.startedAt, finishedAt);
    if (duration !== undefined) patch['duration'] = duration;
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

/** Ready / Progressing / Degraded set False with reason Canceled; lastTransitionTime kept when the status did not change. */
function finishConditions(existing: Condition[], generation: number, now: string): Condition[] {
  const out = existing.filter((c) => !['Ready', 'Progressing', 'Degraded'].includes(c.type));
  for (const type of ['Ready', 'Progressing', 'Degraded']) {
    const prev = existing.find((c) => c.type === type);
    out.push({
      type,
      status: 'False',
      reason: 'Canceled',
      message: CANCELED_MESSAGE,
      observedGeneration: generation,
      lastTransitionTime: prev?.status === 'False' && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    });
  }
  return out;
}
