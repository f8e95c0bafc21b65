// The seed scenario, arising as in production: a realtime call ends, the controller's
// cancel path (simulated, real apiserver) waits out the 120 s transport drain window, deletes the
// StepRuns and marks the run Finished while its stepStates still say Running.
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../src/model/kube.js';
import { ControllerSim } from '../support/controller-sim.js';
import {
  createRun,
  createSeedScenario,
  createStory,
  requestCancel,
  SEED_DRAIN_SECONDS,
  SEED_STEPS,
} from '../support/scenario.js';
import { makeRun, makeStory } from '../support/objects.js';
import { clients, findingsOf, liveDoctor, useCluster, useNamespace } from './use-cluster.js';

describe.skipIf(!useCluster())('seed scenario through the live path', () => {
  const ns = useNamespace('seed');

  it('reports SR101 while the window runs, then SR201 and SR103 once the controller finished the run', async () => {
    const k = clients('admin');
    const sim = new ControllerSim(k);
    const t0 = Date.parse('2026-04-22T18:00:00Z');
    await createSeedScenario(k, ns, 'call-4711', t0);

    // A running call: nothing to report about the run yet.
    const before = await liveDoctor({ namespace: ns, now: t0 + 60_000 });
    expect(findingsOf(before, 'SR101', 'call-4711')).toEqual([]);
    expect(findingsOf(before, 'SR201', 'call-4711')).toEqual([]);

    // Room end at t0 + 5 min; the controller observes it on its next pass.
    const cancelAt = t0 + 300_000;
    await requestCancel(k, ns, 'call-4711');
    const first = await sim.reconcile(ns, 'call-4711', cancelAt);
    expect(first.action).toBe('waiting');
    expect(first.windowSeconds).toBe(SEED_DRAIN_SECONDS);
    // Before the window ends the requeue is the jittered delay of the shipped config, [2 s, 3 s).
    expect(first.requeueAfterMs).toBeGreaterThanOrEqual(2000);
    expect(first.requeueAfterMs).toBeLessThan(3000);
    expect(first.annotated).toHaveLength(SEED_STEPS.length);
    const run = await sim.getRun(ns, 'call-4711');
    expect(run?.metadata.annotations?.[ANNOTATIONS.cancelObservedAt]).toBe('2026-04-22T18:05:00Z');

    // 60 s into the 120 s window: past the 30 s stop budget (+7.5 s slack).
    const stalled = await liveDoctor({ namespace: ns, now: cancelAt + 60_000 });
    const sr101 = findingsOf(stalled, 'SR101', 'call-4711');
    expect(sr101).toHaveLength(1);
    expect(sr101[0]?.evidence['windowSeconds']).toBe(120);
    expect(sr101[0]?.evidence['stepRunsAlive']).toHaveLength(3);
    expect(findingsOf(stalled, 'SR102', 'voice-agent')).toHaveLength(1);

    // Still inside the window: the controller keeps waiting, nothing is deleted.
    expect((await sim.reconcile(ns, 'call-4711', cancelAt + 119_000)).deleted).toEqual([]);
    // Window over: StepRuns deleted, their finalizers released by the StepRun controller, run Finished.
    const end = cancelAt + 121_000;
    const settled = await sim.settle(ns, 'call-4711', end);
    expect(settled.action).toBe('finished');
    expect(await sim.listSteps(ns, 'call-4711')).toEqual([]);
    const finished = await sim.getRun(ns, 'call-4711');
    expect(finished?.status?.phase).toBe('Finished');
    expect(finished?.status?.message).toBe('StoryRun gracefully canceled');
    expect(Object.values(finished?.status?.stepStates ?? {}).map((s) => s.phase)).toEqual([
      'Running',
      'Running',
      'Running',
    ]);

    const after = await liveDoctor({ namespace: ns, now: end + 10_000 });
    expect(findingsOf(after, 'SR101', 'call-4711')).toEqual([]);
    const sr201 = findingsOf(after, 'SR201', 'call-4711');
    expect(sr201).toHaveLength(1);
    expect(findingsOf(after, 'SR103', 'call-4711')).toHaveLength(1);
  });

  it('dates a cancel the controller has not observed yet from the managedFields entry that set it', async () => {
    const k = clients('admin');
    await createSeedScenario(k, ns, 'call-4712', Date.parse('2026-04-22T18:00:00Z'));
    await requestCancel(k, ns, 'call-4712');
    const run = await new ControllerSim(k).getRun(ns, 'call-4712');
    const entry = run?.metadata.managedFields?.find((m) =>
      JSON.stringify(m.fieldsV1 ?? {}).includes('f:cancelRequested'),
    );
    expect(entry?.time).toBeDefined();
    // The apiserver stamps managedFields with its own clock: evaluate an hour after that.
    const r = await liveDoctor({ namespace: ns, now: Date.parse(entry!.time!) + 3_600_000 });
    const f = findingsOf(r, 'SR101', 'call-4712');
    expect(f).toHaveLength(1);
    expect(f[0]?.evidence).toMatchObject({
      cancelObservedAt: entry?.time,
      cancelObservedAtSource: 'managedFields',
      cancelRequestedBy: entry?.manager,
      elapsedSeconds: 3600,
      operatorRelease: 'v0.1.12',
    });
    expect(String(f[0]?.evidence['cancelTimeNote'])).toMatch(/graceful-cancel-observed-at is not set/);
    expect(r.notEvaluated.some((n) => n.ruleId === 'SR101' && n.subject?.name === 'call-4712')).toBe(false);
  });
});

describe.skipIf(!useCluster())('controller simulator', () => {
  const ns = useNamespace('sim');

  it('rewrites a Succeeded run to Finished once cancelRequested is set on it (why storyctl never does that)', async () => {
    const k = clients('admin');
    const sim = new ControllerSim(k);
    await createStory(
      k,
      makeStory({ namespace: ns, name: 'batch', pattern: 'batch', steps: ['a'], transports: [] }),
    );
    await createRun(k, makeRun({ namespace: ns, name: 'succeeded', story: 'batch' }), {
      phase: 'Succeeded',
      startedAt: '2026-04-22T18:00:00Z',
      finishedAt: '2026-04-22T18:01:00Z',
      duration: '1m0s',
      stepStates: { a: { phase: 'Succeeded' } },
      stepsComplete: 1,
      stepsFailed: 0,
      stepsSkipped: 0,
    });
    // Not canceled: the terminal branch, which keeps the children for the batch child TTL (3600 s).
    expect((await sim.reconcile(ns, 'succeeded', Date.parse('2026-04-22T18:02:00Z'))).action).toBe(
      'keeping-children',
    );
    await requestCancel(k, ns, 'succeeded');
    expect((await sim.reconcile(ns, 'succeeded', Date.parse('2026-04-22T18:03:00Z'))).action).toBe(
      'finished',
    );
    const run = await sim.getRun(ns, 'succeeded');
    expect(run?.status?.phase).toBe('Finished');
    // finishedAt is kept when set; conditions carry the canceled reason.
    expect(run?.status?.finishedAt).toBe('2026-04-22T18:01:00Z');
    expect(run?.status?.duration).toBe('1m0s');
    expect(run?.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'Canceled'],
      ['Progressing', 'False', 'Canceled'],
      ['Degraded', 'False', 'Canceled'],
    ]);
  });
});
