// `storyctl prune --canceled --older-than 24h` on the real apiserver: the canceled runs the operator
// never cleans up (SR304) go, with their terminal StepRuns, under finish's safety rules (plan, dry
// run, confirmation, RBAC first, --max-changes, resourceVersion), and nothing else is touched.
import { describe, expect, it } from 'vitest';
import { CANCELED_MESSAGE } from '../../src/contract/terminal-state.js';
import type { StepRun } from '../../src/model/kube.js';
import type { RunPlan } from '../../src/repair/run-plan.js';
import { runCli } from '../support/cli.js';
import { ControllerSim } from '../support/controller-sim.js';
import { RUNS, type KubeClients } from '../support/kube-clients.js';
import { makeRun, makeStep, makeStory } from '../support/objects.js';
import { createRun, createStep, createStory } from '../support/scenario.js';
import { cluster, clients, findingsOf, liveDoctor, useCluster, useNamespace } from './use-cluster.js';
import type { TestUser } from './harness.js';

const NOW = Date.parse('2026-04-22T18:00:00Z');

async function canceledRun(
  k: KubeClients,
  namespace: string,
  name: string,
  finishedAt: string,
  stepPhase = 'Succeeded',
  links?: ('label' | 'ref' | 'owner')[],
): Promise<void> {
  const run = await createRun(k, makeRun({ namespace, name, story: 'voice', cancelRequested: true }), {
    phase: 'Finished',
    message: CANCELED_MESSAGE,
    startedAt: '2026-04-19T10:00:00Z',
    finishedAt,
    stepStates: { agent: { phase: stepPhase === 'Running' ? 'Running' : 'Canceled' } },
    stepsComplete: 0,
    stepsFailed: 0,
    stepsSkipped: 0,
  });
  await createStep(
    k,
    makeStep(run, 'agent', { story: 'voice', finalizers: [], ...(links ? { links } : {}) }),
    {
      phase: stepPhase,
    },
  );
}

async function names(k: KubeClients, namespace: string, plural: 'storyruns' | 'stepruns'): Promise<string[]> {
  const list = (await k.custom.listNamespacedCustomObject({ ...RUNS, plural, namespace })) as {
    items: StepRun[];
  };
  return list.items
    .filter((o) => !o.metadata.deletionTimestamp)
    .map((o) => o.metadata.name)
    .sort();
}

function prune(namespace: string, args: string[], user: TestUser = 'admin') {
  return runCli(
    ['prune', '--canceled', '-n', namespace, ...args, '--kubeconfig', cluster().kubeconfigs[user]],
    {
      now: NOW,
    },
  );
}

interface Doc {
  kind: string;
  runs: RunPlan[];
  results?: { name: string; outcome: string; writes: { write: string }[] }[];
  notes?: string[];
}

describe.skipIf(!useCluster())('prune --canceled (real apiserver)', () => {
  const ns = useNamespace('prune');

  it('plans, refuses without --yes or RBAC, then deletes the old canceled runs and their StepRuns, --max-changes at a time', async () => {
    const k = clients('admin');
    await createStory(
      k,
      makeStory({ namespace: ns, name: 'voice', pattern: 'realtime', steps: ['agent'], transports: [] }),
    );
    await canceledRun(k, ns, 'old-1', '2026-04-20T10:00:00Z');
    await canceledRun(k, ns, 'old-2', '2026-04-21T09:00:00Z', 'Canceled', ['ref', 'owner']);
    await canceledRun(k, ns, 'young', '2026-04-22T12:00:00Z');
    await createRun(k, makeRun({ namespace: ns, name: 'kept-by-operator', story: 'voice' }), {
      phase: 'Succeeded',
      startedAt: '2026-04-19T10:00:00Z',
      finishedAt: '2026-04-19T10:05:00Z',
      duration: '5m0s',
      stepStates: {},
    });
    const doctor = await liveDoctor({ namespace: ns, now: NOW });
    expect(findingsOf(doctor, 'SR304', 'voice')[0]?.evidence).toMatchObject({
      canceledRuns: 3,
      olderThanRetention: 2,
    });
    const before = await names(k, ns, 'storyruns');

    const dry = await prune(ns, ['--dry-run', '-o', 'json']);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as Doc;
    expect(plan.kind).toBe('PrunePlan');
    expect(
      plan.runs.map((r) => [
        r.name,
        r.action,
        r.stepRunDeletions.map((s) => [s.name, s.unlabelled ?? false]),
      ]),
    ).toEqual([
      ['old-1', 'repair', [['old-1-agent', false]]],
      ['old-2', 'repair', [['old-2-agent', true]]],
    ]);
    expect(plan.runs[0]?.permissions.map((p) => `${p.verb} ${p.resource}`)).toEqual([
      'delete stepruns',
      'delete storyruns',
    ]);
    expect(plan.runs[0]?.notes?.[0]).toMatch(/the operator never deletes canceled runs/);

    const noYes = await prune(ns, []);
    expect(noYes.code).toBe(4);
    expect(noYes.stderr).toMatch(/not deleting without confirmation/);
    expect(noYes.stdout).toContain('x StoryRun old-1 (Finished): delete, propagation Background');
    const readonly = await prune(ns, ['--yes'], 'readonly');
    expect(readonly.code).toBe(4);
    expect(readonly.stderr).toMatch(
      /refused before any delete: readonly .* may not delete stepruns\.runs\.bubustack\.io/,
    );
    expect(await names(k, ns, 'storyruns')).toEqual(before);

    const first = await prune(ns, ['--yes', '--max-changes', '1', '-o', 'json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout) as Doc;
    expect(doc.results?.map((r) => [r.name, r.outcome, r.writes.map((w) => w.write)])).toEqual([
      ['old-1', 'applied', ['delete-steprun', 'delete-storyrun']],
    ]);
    expect(doc.notes?.[0]).toMatch(/1 more canceled run\(s\) left for the next pass/);
    // The run waits for the controller's deletion pass (its finalizer); the StepRun is gone.
    expect(await names(k, ns, 'stepruns')).toEqual(['old-2-agent', 'young-agent']);
    const sim = new ControllerSim(k);
    expect((await sim.reconcile(ns, 'old-1', NOW)).action).toBe('removed-finalizer');
    expect(await sim.getRun(ns, 'old-1')).toBeUndefined();

    const second = await prune(ns, ['--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/old-2\s*│\s*applied/);
    await sim.reconcile(ns, 'old-2', NOW);
    expect(await names(k, ns, 'storyruns')).toEqual(['kept-by-operator', 'young']);
    expect(await names(k, ns, 'stepruns')).toEqual(['young-agent']);
    expect(findingsOf(await liveDoctor({ namespace: ns, now: NOW }), 'SR304')).toEqual([]);

    const nothing = await prune(ns, ['--yes']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to prune: no canceled run finished more than 24h0m0s ago');
  });

  it('never deletes a canceled run whose StepRun is still live, and needs --canceled', async () => {
    const k = clients('admin');
    const other = `${ns}-live`;
    await k.core.createNamespace({ body: { metadata: { name: other } } });
    await createStory(
      k,
      makeStory({ namespace: other, name: 'voice', pattern: 'realtime', steps: ['agent'], transports: [] }),
    );
    await canceledRun(k, other, 'stuck', '2026-04-20T10:00:00Z', 'Running');
    const out = await prune(other, ['--yes', '-o', 'json']);
    expect(out.code).toBe(4);
    const doc = JSON.parse(out.stdout) as Doc;
    expect(doc.runs[0]).toMatchObject({ name: 'stuck', action: 'refused' });
    expect(doc.runs[0]?.reason).toMatch(
      /StepRun stuck-agent is still Running: prune never deletes live work/,
    );
    expect(await names(k, other, 'storyruns')).toEqual(['stuck']);
    const usage = await runCli(['prune', '-n', other, '--kubeconfig', cluster().kubeconfigs.admin]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/prune needs --canceled/);
  });
});
