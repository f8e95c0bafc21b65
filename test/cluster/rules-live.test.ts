// Every SR rule through the live path (loadCluster -> buildWorld -> cluster rules) on states
// written to the real apiserver, RBAC-limited users, and live == snapshot for the same state.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWorld } from '../../src/model/world.js';
import { runClusterRules } from '../../src/rules/engine.js';
import { clusterRules } from '../../src/rules/index.js';
import { readSnapshots } from '../../src/sources/snapshot/index.js';
import { loadCluster } from '../../src/sources/cluster/index.js';
import { RUNS } from '../support/kube-clients.js';
import { ControllerSim } from '../support/controller-sim.js';
import {
  createRun,
  createSeedScenario,
  createStep,
  createStory,
  requestCancel,
} from '../support/scenario.js';
import { makeRun, makeStep, makeStory } from '../support/objects.js';
import { rawRequest } from './raw.js';
import { clients, cluster, findingsOf, liveDoctor, useCluster, useNamespace } from './use-cluster.js';

const T = '2026-04-22T18:00:00Z';
const T_END = '2026-04-22T18:05:00Z';

describe.skipIf(!useCluster())('cluster rules on a live cluster', () => {
  const ns = useNamespace('rules');
  // SR303 needs a deletion older than 5 minutes; the server stamps deletions with its own clock.
  const now = (): number => Date.now() + 10 * 60_000;
  // The seed run's cancel is simulated in 2026: SR101/SR103 are checked at those times.
  const seedCancel = Date.parse('2026-04-22T18:05:00Z');

  beforeAll(async () => {
    const k = clients('admin');
    const sim = new ControllerSim(k);
    await createStory(
      k,
      makeStory({ namespace: ns, name: 'batch', pattern: 'batch', steps: ['a', 'b'], transports: [] }),
    );

    // SR101 (still in its window) and SR102 (the Story): the seed, canceled and observed.
    await createSeedScenario(k, ns, 'stalled', Date.parse(T));
    await requestCancel(k, ns, 'stalled');
    await sim.reconcile(ns, 'stalled', seedCancel);
    // SR201 + SR103: a second seed run the simulated controller finished after the 120 s window.
    await createSeedScenario(k, ns, 'ended', Date.parse(T));
    await requestCancel(k, ns, 'ended');
    await sim.reconcile(ns, 'ended', seedCancel);
    expect((await sim.settle(ns, 'ended', seedCancel + 121_000)).action).toBe('finished');

    // A consistent, finished run: no rule may report it.
    await createRun(k, makeRun({ namespace: ns, name: 'healthy', story: 'batch' }), {
      phase: 'Succeeded',
      startedAt: T,
      finishedAt: T_END,
      duration: '5m0s',
      stepStates: { a: { phase: 'Succeeded' }, b: { phase: 'Succeeded' } },
      stepsComplete: 2,
      stepsFailed: 0,
      stepsSkipped: 0,
    });
    // SR202: canceled run whose mirror stopped while the StepRun went on to Succeeded.
    const drift = await createRun(
      k,
      makeRun({ namespace: ns, name: 'drift', story: 'batch', cancelRequested: true }),
      {
        phase: 'Running',
        startedAt: T,
        stepStates: { a: { phase: 'Running', startedAt: T } },
      },
    );
    await createStep(k, makeStep(drift, 'a', { finalizers: [] }), {
      phase: 'Succeeded',
      startedAt: T,
      finishedAt: T_END,
    });
    // SR203: canceled run, step b's StepRun is gone.
    const vanished = await createRun(
      k,
      makeRun({ namespace: ns, name: 'vanished', story: 'batch', cancelRequested: true }),
      {
        phase: 'Running',
        startedAt: T,
        stepStates: { a: { phase: 'Running', startedAt: T }, b: { phase: 'Running', startedAt: T } },
      },
    );
    await createStep(k, makeStep(vanished, 'a', { finalizers: [] }), { phase: 'Running', startedAt: T });
    // SR204: counters that disagree with the step states.
    await createRun(k, makeRun({ namespace: ns, name: 'counted', story: 'batch' }), {
      phase: 'Succeeded',
      startedAt: T,
      finishedAt: T_END,
      duration: '5m0s',
      stepStates: { a: { phase: 'Succeeded' }, b: { phase: 'Succeeded' } },
      stepsComplete: 0,
      stepsFailed: 0,
      stepsSkipped: 0,
    });
    // SR205: terminal without finishedAt.
    await createRun(k, makeRun({ namespace: ns, name: 'untimed', story: 'batch' }), {
      phase: 'Failed',
      startedAt: T,
      stepStates: { a: { phase: 'Failed' } },
      stepsComplete: 0,
      stepsFailed: 1,
      stepsSkipped: 0,
    });
    // SR301: a Running StepRun under a Succeeded run.
    const done = await createRun(k, makeRun({ namespace: ns, name: 'done', story: 'batch' }), {
      phase: 'Succeeded',
      startedAt: T,
      finishedAt: T_END,
      duration: '5m0s',
      stepStates: { a: { phase: 'Succeeded' } },
      stepsComplete: 1,
      stepsFailed: 0,
      stepsSkipped: 0,
    });
    await createStep(k, makeStep(done, 'a', { finalizers: [] }), { phase: 'Running', startedAt: T });
    // SR302: a StepRun whose run does not exist.
    await createStep(k, makeStep('ghost', 'a', { namespace: ns, links: ['label', 'ref'], finalizers: [] }), {
      phase: 'Running',
      startedAt: T,
    });
    // SR303: a StepRun deleted but held by its finalizer (nothing releases it here).
    const doomed = await createRun(k, makeRun({ namespace: ns, name: 'doomed', story: 'batch' }), {
      phase: 'Running',
      startedAt: T,
      stepStates: { a: { phase: 'Running', startedAt: T } },
    });
    await createStep(k, makeStep(doomed, 'a'), { phase: 'Running', startedAt: T });
    await k.custom.deleteNamespacedCustomObject({
      ...RUNS,
      plural: 'stepruns',
      namespace: ns,
      name: 'doomed-a',
    });
  });

  it('SR101 and SR102: a canceled realtime run stalled in the 120 s transport drain window', async () => {
    const r = await liveDoctor({ namespace: ns, now: seedCancel + 60_000 });
    expect(findingsOf(r, 'SR101', 'stalled')).toHaveLength(1);
    expect(findingsOf(r, 'SR101', 'ended')).toEqual([]);
    const sr102 = findingsOf(r, 'SR102', 'voice-agent');
    expect(sr102).toHaveLength(1);
    expect(sr102[0]?.subject).toEqual({ kind: 'Story', namespace: ns, name: 'voice-agent' });
  });

  it('SR201 and SR103: the run the controller finished with Running step states after waiting the window', async () => {
    const r = await liveDoctor({ namespace: ns, now: seedCancel + 200_000 });
    expect(findingsOf(r, 'SR201', 'ended')).toHaveLength(1);
    expect(findingsOf(r, 'SR103', 'ended')).toHaveLength(1);
  });

  it.each([
    ['SR202', 'drift'],
    ['SR203', 'vanished'],
    ['SR204', 'counted'],
    ['SR205', 'untimed'],
    ['SR301', 'done-a'],
    ['SR302', 'ghost-a'],
    ['SR303', 'doomed-a'],
  ])('%s reports %s', async (ruleId, subject) => {
    const r = await liveDoctor({ namespace: ns, now: now() });
    expect(findingsOf(r, ruleId, subject)).toHaveLength(1);
    // Each rule fires on its own case only, not on the healthy run.
    expect(r.findings.filter((f) => f.subject?.name === 'healthy')).toEqual([]);
  });

  it('gives the read-only user the same findings as the admin', async () => {
    const admin = await liveDoctor({ namespace: ns, now: now() });
    const readonly = await liveDoctor({ namespace: ns, now: now(), user: 'readonly' });
    expect(readonly.unavailable).toEqual({});
    expect(readonly.findings.map((f) => f.fingerprint).sort()).toEqual(
      admin.findings.map((f) => f.fingerprint).sort(),
    );
    expect(admin.findings.length).toBeGreaterThanOrEqual(9);
  });

  it('reports the transport rules as not evaluated, with the missing permission, for a user who may not list transports', async () => {
    const admin = await liveDoctor({ namespace: ns, now: seedCancel + 60_000 });
    const restricted = await liveDoctor({ namespace: ns, now: seedCancel + 60_000, user: 'restricted' });
    expect(restricted.notEvaluated).toContainEqual({
      ruleId: 'SR102',
      reason: 'cannot list transports.transport.bubustack.io at cluster scope',
    });
    expect(findingsOf(restricted, 'SR102')).toEqual([]);
    // Rules that do not need transports still run.
    expect(findingsOf(restricted, 'SR101', 'stalled')).toHaveLength(1);
    expect(findingsOf(restricted, 'SR201').length).toBe(findingsOf(admin, 'SR201').length);
  });

  it('evaluates nothing for a user who may list nothing', async () => {
    const r = await liveDoctor({ namespace: ns, now: now(), user: 'nobody' });
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated.map((n) => n.ruleId).sort()).toEqual(clusterRules.map((c) => c.meta.id).sort());
    expect(r.notEvaluated.find((n) => n.ruleId === 'SR201')?.reason).toBe(
      `cannot list storyruns.runs.bubustack.io in namespace ${ns}`,
    );
  });

  it('finds the same problems live as in a snapshot of the same objects', async () => {
    const at = now();
    const live = await loadCluster({ kubeconfig: cluster().kubeconfigs.admin, namespace: ns });
    const liveResult = runClusterRules(clusterRules, buildWorld(live.objects), {
      now: at,
      stopBudgetSeconds: 30,
    });

    // The snapshot is the apiserver's own JSON lists, as `kubectl get ... -o json` prints them.
    const paths = [
      `/apis/runs.bubustack.io/v1alpha1/namespaces/${ns}/storyruns`,
      `/apis/runs.bubustack.io/v1alpha1/namespaces/${ns}/stepruns`,
      `/apis/bubustack.io/v1alpha1/namespaces/${ns}/stories`,
      '/apis/transport.bubustack.io/v1alpha1/transports',
    ];
    const items: unknown[] = [];
    for (const p of paths) {
      const res = await rawRequest(cluster(), 'admin', 'GET', p);
      expect(res.status).toBe(200);
      items.push(...(res.body as { items: unknown[] }).items);
    }
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-snap-'));
    try {
      const file = join(dir, 'snapshot.json');
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
      const snap = await readSnapshots([file]);
      const snapResult = runClusterRules(clusterRules, buildWorld(snap.objects), {
        now: at,
        stopBudgetSeconds: 30,
      });
      expect(snapResult.findings.map((f) => f.fingerprint).sort()).toEqual(
        liveResult.findings.map((f) => f.fingerprint).sort(),
      );
      expect(liveResult.findings.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
