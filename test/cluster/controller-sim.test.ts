// The controller simulator against the operator's own cancel tests and its source, on the real
// apiserver. The first four are internal/controller/runs/storyrun_controller_test.go (v0.1.12)
// scenario for scenario (research/bobrapet.md B6): the same objects, the same reconciler settings
// (no ConfigMap: grace 20 s, requeue [5 s, 7.5 s)), the same assertions. The rest pin what the
// source does where the old picture of the controller was wrong: the order of the checks, the
// terminal branch, the release differences, the typed decode of the window.
import { afterAll, describe, expect, it } from 'vitest';
import { resolveCancelWindow } from '../../src/contract/cancel-window.js';
import { formatKubeTime } from '../../src/contract/time.js';
import {
  ANNOTATIONS,
  FINALIZERS,
  LABELS,
  type StepRun,
  type Story,
  type Transport,
} from '../../src/model/kube.js';
import { CODE_DEFAULTS, ControllerSim, rfc3339Nano, SHIPPED_CONFIG } from '../support/controller-sim.js';
import {
  isStatus,
  mergePatch,
  RUNS,
  STORIES,
  TRANSPORTS,
  type KubeClients,
} from '../support/kube-clients.js';
import { forCreate, makeRun, makeStory, makeTransport } from '../support/objects.js';
import { createRun, createStory, ensureTransport, requestCancel } from '../support/scenario.js';
import { clients, useCluster, useNamespace } from './use-cluster.js';

/** The envtest's StepRun: selector label, storyRunRef and stepId; no owner, no finalizer. */
async function envtestStep(
  k: KubeClients,
  namespace: string,
  name: string,
  run: string,
  phase: string,
  finalizers: string[] = [],
): Promise<void> {
  await k.custom.createNamespacedCustomObject({
    ...RUNS,
    plural: 'stepruns',
    namespace,
    body: {
      apiVersion: 'runs.bubustack.io/v1alpha1',
      kind: 'StepRun',
      metadata: { name, labels: { [LABELS.storyRun]: run }, finalizers },
      spec: { storyRunRef: { name: run }, stepId: 'step1' },
    },
  });
  await k.custom.patchNamespacedCustomObjectStatus(
    { ...RUNS, plural: 'stepruns', namespace, name, body: { status: { phase, retries: 0 } } },
    mergePatch(),
  );
}

async function stepExists(k: KubeClients, namespace: string, name: string): Promise<boolean> {
  try {
    await k.custom.getNamespacedCustomObject({ ...RUNS, plural: 'stepruns', namespace, name });
    return true;
  } catch (error) {
    if (isStatus(error, 404)) return false;
    throw error;
  }
}

/** BeforeEach of the operator's test: Story test-story (one step) and StoryRun test-resource. */
async function envtestFixture(k: KubeClients, namespace: string, run: string, phase?: string): Promise<void> {
  try {
    await createStory(
      k,
      makeStory({ namespace, name: 'test-story', pattern: 'batch', steps: ['step1'], transports: [] }),
    );
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }
  await createRun(
    k,
    makeRun({ namespace, name: run, story: 'test-story', finalizers: [] }),
    phase ? { phase } : undefined,
  );
}

const NOW = Date.parse('2026-04-22T18:00:00Z');

describe.skipIf(!useCluster())("the operator's cancel tests (storyrun_controller_test.go, v0.1.12)", () => {
  const ns = useNamespace('envtest');
  // config.NewOperatorConfigManager(k8sClient, "default", "bobrapet-operator-config") with no such ConfigMap.
  const sim = () => new ControllerSim(clients('admin'), { config: CODE_DEFAULTS });

  it('should annotate running StepRuns when cancelRequested is true', async () => {
    const k = clients('admin');
    await envtestFixture(k, ns, 'test-resource-1', 'Running');
    await envtestStep(k, ns, 'cancel-step-running', 'test-resource-1', 'Running');
    await requestCancel(k, ns, 'test-resource-1');
    const result = await sim().reconcile(ns, 'test-resource-1', NOW);
    expect(result.requeueAfterMs).toBeGreaterThan(0);
    const step = (await k.custom.getNamespacedCustomObject({
      ...RUNS,
      plural: 'stepruns',
      namespace: ns,
      name: 'cancel-step-running',
    })) as StepRun;
    expect(step.metadata.annotations?.[ANNOTATIONS.stepCancelRequested]).toBe('true');
    const run = await sim().getRun(ns, 'test-resource-1');
    expect(run?.metadata.annotations).toHaveProperty([ANNOTATIONS.cancelObservedAt]);
  });

  it('should finish StoryRun when all steps are terminal and cancelRequested', async () => {
    const k = clients('admin');
    await envtestFixture(k, ns, 'test-resource-2', 'Running');
    await envtestStep(k, ns, 'cancel-step-done', 'test-resource-2', 'Succeeded');
    await requestCancel(k, ns, 'test-resource-2');
    const result = await sim().reconcile(ns, 'test-resource-2', NOW);
    expect(result.requeueAfterMs).toBe(0);
    expect((await sim().getRun(ns, 'test-resource-2'))?.status?.phase).toBe('Finished');
  });

  it('should finish StoryRun when cancelRequested and no StepRuns exist', async () => {
    const k = clients('admin');
    await envtestFixture(k, ns, 'test-resource-3');
    await requestCancel(k, ns, 'test-resource-3');
    const result = await sim().reconcile(ns, 'test-resource-3', NOW);
    expect(result.requeueAfterMs).toBe(0);
    expect((await sim().getRun(ns, 'test-resource-3'))?.status?.phase).toBe('Finished');
  });

  it('should force-delete running StepRuns after the graceful cancel timeout expires', async () => {
    const k = clients('admin');
    const local = await useLocalNamespace(k, 'envtest-force');
    await envtestFixture(k, local, 'test-resource', 'Running');
    // The Story patched to realtime with a 1 s drain; Transport voice-transport does not exist.
    await k.custom.patchNamespacedCustomObject(
      {
        ...STORIES,
        namespace: local,
        name: 'test-story',
        body: {
          spec: {
            pattern: 'realtime',
            transports: [
              {
                name: 'voice',
                transportRef: 'voice-transport',
                settings: { lifecycle: { drainTimeoutSeconds: 1 } },
              },
            ],
          },
        },
      },
      mergePatch(),
    );
    await envtestStep(k, local, 'cancel-step-timeout', 'test-resource', 'Running');
    // In one patch: cancelRequested and an observed-at 2 s in the past.
    await k.custom.patchNamespacedCustomObject(
      {
        ...RUNS,
        plural: 'storyruns',
        namespace: local,
        name: 'test-resource',
        body: {
          metadata: { annotations: { [ANNOTATIONS.cancelObservedAt]: rfc3339Nano(NOW - 2000) } },
          spec: { cancelRequested: true },
        },
      },
      mergePatch(),
    );
    const first = await sim().reconcile(local, 'test-resource', NOW);
    expect(first.requeueAfterMs).toBeGreaterThan(0);
    expect(first.windowSeconds).toBe(1);
    expect(await stepExists(k, local, 'cancel-step-timeout')).toBe(false);
    const second = await sim().reconcile(local, 'test-resource', NOW + 100);
    expect(second.requeueAfterMs).toBe(0);
    expect((await sim().getRun(local, 'test-resource'))?.status?.phase).toBe('Finished');
  });
});

/** A namespace made inside a test (the operator's force-delete test patches the shared Story). */
async function useLocalNamespace(k: KubeClients, prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(16).slice(2, 8)}`;
  await k.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

describe.skipIf(!useCluster())('the controller as its source has it (research/bobrapet.md B3–B5)', () => {
  const ns = useNamespace('source');
  // Transports are cluster-scoped and the apiserver is shared: leave none behind for the next files.
  afterAll(async () => {
    if (!useCluster()) return;
    await clients('admin')
      .custom.deleteClusterCustomObject({ ...TRANSPORTS, name: 'sim-decode-transport' })
      .catch(() => undefined);
  });

  it('requeues with the operator config: [2 s, 3 s) shipped, [5 s, 7.5 s) without a ConfigMap, fixed 5 s before v0.1.12', async () => {
    const k = clients('admin');
    for (const random of [0, 0.999]) {
      expect(new ControllerSim(k, { random: () => random }).nextRequeueDelayMs()).toBe(
        random === 0 ? 2000 : 2999,
      );
      const none = new ControllerSim(k, { random: () => random, config: CODE_DEFAULTS }).nextRequeueDelayMs();
      expect(none).toBe(random === 0 ? 5000 : 7497.5);
    }
    expect(SHIPPED_CONFIG.requeueMaxSeconds).toBe(60);
    await envtestFixture(k, ns, 'old-release', 'Running');
    await envtestStep(k, ns, 'old-release-step', 'old-release', 'Running');
    await requestCancel(k, ns, 'old-release');
    const old = new ControllerSim(k, { release: 'v0.1.11' });
    const r = await old.reconcile(ns, 'old-release', NOW);
    expect([r.branch, r.action, r.requeueAfterMs, r.annotated]).toEqual([
      'cancel',
      'waiting',
      5000,
      ['old-release-step'],
    ]);
  });

  it('≤ v0.1.11: no observed-at annotation, no window, never deletes: a realtime cancel waits for ever', async () => {
    const k = clients('admin');
    await envtestFixture(k, ns, 'forever', 'Running');
    await envtestStep(k, ns, 'forever-step', 'forever', 'Running');
    await requestCancel(k, ns, 'forever');
    const old = new ControllerSim(k, { release: 'v0.1.11' });
    for (const at of [NOW, NOW + 3_600_000, NOW + 86_400_000]) {
      const r = await old.reconcile(ns, 'forever', at);
      expect([r.action, r.deleted, r.windowSeconds]).toEqual(['waiting', [], undefined]);
    }
    const run = await old.getRun(ns, 'forever');
    expect(run?.metadata.annotations?.[ANNOTATIONS.cancelObservedAt]).toBeUndefined();
    expect(run?.status?.phase).toBe('Running');
    expect(await stepExists(k, ns, 'forever-step')).toBe(true);
    // It finishes only when the StepRun ends by itself.
    await k.custom.patchNamespacedCustomObjectStatus(
      {
        ...RUNS,
        plural: 'stepruns',
        namespace: ns,
        name: 'forever-step',
        body: { status: { phase: 'Succeeded' } },
      },
      mergePatch(),
    );
    expect((await old.reconcile(ns, 'forever', NOW + 90_000_000)).action).toBe('finished');
  });

  it('checks deletion before the cancel branch: a canceled run being deleted loses its StepRuns, then its finalizer', async () => {
    const k = clients('admin');
    await createRun(
      k,
      makeRun({ namespace: ns, name: 'doomed', story: 'test-story', cancelRequested: true }),
      {
        phase: 'Running',
      },
    );
    await envtestStep(k, ns, 'doomed-step', 'doomed', 'Running');
    await k.custom.deleteNamespacedCustomObject({
      ...RUNS,
      plural: 'storyruns',
      namespace: ns,
      name: 'doomed',
    });
    const sim = new ControllerSim(k);
    const first = await sim.reconcile(ns, 'doomed', NOW);
    expect([first.branch, first.action, first.deleted]).toEqual([
      'deletion',
      'deleting-dependents',
      ['doomed-step'],
    ]);
    // Not the cancel path: no observed-at annotation, no finish.
    expect(
      (await sim.getRun(ns, 'doomed'))?.metadata.annotations?.[ANNOTATIONS.cancelObservedAt],
    ).toBeUndefined();
    expect((await sim.reconcile(ns, 'doomed', NOW + 5000)).action).toBe('removed-finalizer');
    expect(await sim.getRun(ns, 'doomed')).toBeUndefined();
  });

  it('counts a StepRun that is being deleted as non-terminal (the finish guard), and finishes once it is gone', async () => {
    const k = clients('admin');
    await envtestFixture(k, ns, 'guard', 'Running');
    await envtestStep(k, ns, 'guard-step', 'guard', 'Running', [FINALIZERS.stepRun]);
    await requestCancel(k, ns, 'guard');
    await k.custom.deleteNamespacedCustomObject({
      ...RUNS,
      plural: 'stepruns',
      namespace: ns,
      name: 'guard-step',
    });
    const sim = new ControllerSim(k);
    const r = await sim.reconcile(ns, 'guard', NOW);
    expect([r.action, r.deleted]).toEqual(['waiting', []]);
    expect((await sim.getRun(ns, 'guard'))?.status?.phase).toBe('Running');
    await sim.releaseDeletedSteps(ns, 'guard');
    expect((await sim.reconcile(ns, 'guard', NOW + 3000)).action).toBe('finished');
  });

  it('skips the terminal branch for canceled runs: their StepRuns stay and retention never deletes them', async () => {
    const k = clients('admin');
    const terminal = {
      phase: 'Finished',
      startedAt: '2026-04-20T10:00:00Z',
      finishedAt: '2026-04-20T10:05:00Z',
    };
    await createRun(
      k,
      makeRun({ namespace: ns, name: 'kept', story: 'test-story', cancelRequested: true }),
      terminal,
    );
    await envtestStep(k, ns, 'kept-step', 'kept', 'Canceled');
    await createRun(k, makeRun({ namespace: ns, name: 'cleaned', story: 'test-story' }), terminal);
    await envtestStep(k, ns, 'cleaned-step', 'cleaned', 'Succeeded');
    const sim = new ControllerSim(k);
    const later = Date.parse('2026-04-22T12:00:00Z'); // past the 3600 s child TTL and the 86400 s retention
    const kept = await sim.reconcile(ns, 'kept', later);
    expect([kept.branch, kept.action, kept.requeueAfterMs]).toEqual(['cancel', 'finished', 0]);
    expect(await stepExists(k, ns, 'kept-step')).toBe(true);
    // The same run without a cancel request: children cleaned, childrenCleanedAt stamped, then deleted.
    expect((await sim.reconcile(ns, 'cleaned', later)).action).toBe('cleaning-children');
    expect(await stepExists(k, ns, 'cleaned-step')).toBe(false);
    expect((await sim.reconcile(ns, 'cleaned', later + 3000)).action).toBe('deleted-run');
    expect((await sim.getRun(ns, 'cleaned'))?.status?.['childrenCleanedAt']).toBe(
      formatKubeTime(later + 3000),
    );
  });

  it('waits for ever on a terminal run without finishedAt (the cleanup guard)', async () => {
    const k = clients('admin');
    await createRun(k, makeRun({ namespace: ns, name: 'no-finish', story: 'test-story' }), {
      phase: 'Failed',
    });
    const sim = new ControllerSim(k);
    const before = await sim.getRun(ns, 'no-finish');
    for (const at of [NOW, NOW + 86_400_000, NOW + 30 * 86_400_000]) {
      const r = await sim.reconcile(ns, 'no-finish', at);
      expect([r.branch, r.action]).toEqual(['terminal', 'waiting-finish-time']);
      expect(r.requeueAfterMs).toBeGreaterThan(0);
    }
    expect((await sim.getRun(ns, 'no-finish'))?.metadata.resourceVersion).toBe(
      before?.metadata.resourceVersion,
    );
  });

  it.each([
    ['120', 120, 120],
    ['"90" (a string)', '90', 20],
    ['1.5 (a fraction)', 1.5, 20],
    ['90.0 (an integral float)', 90.0, 90],
    ['0 overriding the Transport', 0, 20],
    ['-5 overriding the Transport', -5, 20],
  ])(
    'decodes a Story drain of %s as the controller does, and storyctl resolves the same window',
    async (_what, value, seconds) => {
      const k = clients('admin');
      const transport = makeTransport('sim-decode-transport', {
        streaming: { lifecycle: { drainTimeoutSeconds: 45 } },
      });
      await ensureTransport(k, transport);
      const story = makeStory({
        namespace: ns,
        name: `decode-${String(value).replace(/[^0-9a-z]/gi, 'x')}-${typeof value}`,
        pattern: 'realtime',
        steps: ['a'],
        transports: [
          {
            name: 'voice',
            transportRef: 'sim-decode-transport',
            settings: { lifecycle: { drainTimeoutSeconds: value } },
          },
        ],
      });
      const created = (await k.custom.createNamespacedCustomObject({
        ...STORIES,
        namespace: ns,
        body: forCreate(story),
      })) as Story;
      const sim = new ControllerSim(k);
      expect(await sim.resolveGracefulCancelTimeout(created)).toBe(seconds);
      const read = (await k.custom.getClusterCustomObject({
        group: 'transport.bubustack.io',
        version: 'v1alpha1',
        plural: 'transports',
        name: 'sim-decode-transport',
      })) as Transport;
      expect(resolveCancelWindow(created, new Map([[read.metadata.name, read]])).seconds).toBe(seconds);
    },
  );
});
