// issue 16 item 1: the audit trail survives any crash and any race. The built binary is killed
// (SIGKILL, through the applier's STORYCTL_TEST_STOP_AFTER_WRITE test hook) right after each of its
// writes, then run again without the hook: at no crash point may a run be left changed but
// unaudited, and the rerun completes the repair without overwriting the audit of the first
// attempt. Two repairs racing on the same runs — interleaved after each write in process, and two
// `finish --all-stalled` binaries at once — leave one audit trail, the first one, with the phase the
// run had before storyctl touched it.
import { describe, expect, it } from 'vitest';
import { classifyPhase } from '../../src/contract/phases.js';
import { formatKubeTime } from '../../src/contract/time.js';
import type { StoryRun } from '../../src/model/kube.js';
import { applyRun, type ApplyOptions } from '../../src/repair/apply.js';
import { STORYCTL_FIELD_MANAGER } from '../../src/repair/audit.js';
import { makeRepairClient, type RepairClient } from '../../src/repair/client.js';
import { AUDIT_ANNOTATIONS, planRun } from '../../src/repair/plan.js';
import { blockingFindings, findingsForRun } from '../../src/repair/verify.js';
import { makeKubeConfig } from '../../src/sources/cluster/index.js';
import { readRun } from '../../src/sources/cluster/run-reads.js';
import { runBin } from '../support/cli.js';
import { ControllerSim } from '../support/controller-sim.js';
import { inParallel, isStatus, mergePatch, RUNS, type KubeClients } from '../support/kube-clients.js';
import { makeRun, makeStory } from '../support/objects.js';
import {
  createRun,
  createSeedScenario,
  createStory,
  requestCancel,
  SEED_STEPS,
  type RunStatusInput,
} from '../support/scenario.js';
import { cluster, clients, useCluster, useNamespace } from './use-cluster.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const CANCEL_AT = T0 + 300_000;
const HOOK = 'STORYCTL_TEST_STOP_AFTER_WRITE';
const AUDIT_KEYS = Object.values(AUDIT_ANNOTATIONS);

async function getRun(k: KubeClients, namespace: string, name: string): Promise<StoryRun> {
  return (await k.custom.getNamespacedCustomObject({
    ...RUNS,
    plural: 'storyruns',
    namespace,
    name,
  })) as StoryRun;
}

function audit(run: StoryRun): Record<string, string> {
  const a = run.metadata.annotations ?? {};
  return Object.fromEntries(AUDIT_KEYS.filter((k) => k in a).map((k) => [k, a[k] as string]));
}

const BATCH_STORY = 'batch';

/** The Story the runs without StepRuns belong to: with it read, doctor -A can judge them fully. */
async function ensureBatchStory(k: KubeClients, ns: string): Promise<void> {
  try {
    await createStory(k, makeStory({ namespace: ns, name: BATCH_STORY, pattern: 'batch', transports: [] }));
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }
}

interface Scenario {
  /** How the run is made. */
  seed: (k: KubeClients, ns: string, name: string) => Promise<void>;
  /** The phase before the repair, which previous-phase must name. */
  before: string;
  after: string;
  /** The most writes any version of the repair makes for it (the kill points to try). */
  writes: number;
  /** The controller's next pass once the test is done, so doctor -A in later files sees it whole. */
  settle?: (k: KubeClients, ns: string, name: string) => Promise<void>;
}

const SCENARIOS: Record<string, Scenario> = {
  // The seed stall: Running, cancel requested, three live StepRuns.
  stalled: {
    seed: async (k, ns, name) => {
      await createSeedScenario(k, ns, name, T0);
      await requestCancel(k, ns, name);
      await new ControllerSim(k).reconcile(ns, name, CANCEL_AT);
    },
    before: 'Running',
    after: 'Finished',
    writes: 5,
  },
  // The same without StepRuns: today the status write is the last but one write.
  bare: {
    seed: async (k, ns, name) => {
      await ensureBatchStory(k, ns);
      const run = makeRun({
        namespace: ns,
        name,
        story: BATCH_STORY,
        cancelRequested: true,
        // Observed by the controller, as a stall is: doctor -A elsewhere can measure its wait.
        cancelObservedAt: formatKubeTime(CANCEL_AT),
        startedAt: formatKubeTime(T0),
      });
      await createRun(k, run, run.status as RunStatusInput);
    },
    before: 'Running',
    after: 'Finished',
    writes: 3,
  },
  // A live run nobody asked to stop: the intent (spec) is written too.
  live: {
    seed: async (k, ns, name) => {
      await createSeedScenario(k, ns, name, T0);
    },
    before: 'Running',
    after: 'Finished',
    writes: 6,
    // storyctl set the intent: the controller observes the cancel (and stamps its window) next.
    settle: async (k, ns, name) => {
      await new ControllerSim(k).reconcile(ns, name, Date.now());
    },
  },
  // Already terminal, with step states still open: it stays Failed.
  failed: {
    seed: async (k, ns, name) => {
      await ensureBatchStory(k, ns);
      const run = makeRun({
        namespace: ns,
        name,
        story: BATCH_STORY,
        phase: 'Failed',
        message: 'step transform failed',
        startedAt: formatKubeTime(T0),
        finishedAt: formatKubeTime(T0 + 60_000),
        duration: '1m0s',
      });
      await createRun(k, run, run.status as RunStatusInput);
    },
    before: 'Failed',
    after: 'Failed',
    writes: 3,
  },
};

/** What the applier's own read-back checks: the run is terminal and nothing blocks the repair. */
async function expectRepaired(k: KubeClients, ns: string, name: string, phase: string): Promise<StoryRun> {
  const client = makeRepairClient(makeKubeConfig({ kubeconfig: cluster().kubeconfigs.admin, env: {} }));
  const found = await readRun(client, ns, name);
  if (!found) throw new Error(`${ns}/${name} is gone`);
  const left = blockingFindings(findingsForRun({ ...found, now: Date.now(), stopBudgetSeconds: 30 }));
  expect.soft({ name, phase: found.run.status?.phase, left: left.map((f) => f.ruleId) }).toEqual({
    name,
    phase,
    left: [],
  });
  return getRun(k, ns, name);
}

describe.skipIf(!useCluster())('finish killed after each write (built binary, real apiserver)', () => {
  const ns = useNamespace('crash');
  const finish = (name: string, reason: string, env: Record<string, string> = {}) =>
    runBin(
      [
        'finish',
        name,
        '-n',
        ns,
        '--force-terminal',
        '--yes',
        '--reason',
        reason,
        '-o',
        'json',
        '--kubeconfig',
        cluster().kubeconfigs.admin,
      ],
      { env, timeoutMs: 30_000 },
    );

  for (const [label, scenario] of Object.entries(SCENARIOS)) {
    it(`${label}: every crash point leaves an audited run, and the rerun completes it under the first audit`, async () => {
      const k = clients('admin');
      const points = Array.from({ length: scenario.writes }, (_, i) => i + 1);
      // Two kill points at a time: each is its own run, and the binaries mostly wait on node's start.
      await inParallel(points, 2, async (n) => {
        const name = `${label}-${n}`;
        await scenario.seed(k, ns, name);
        const original = await getRun(k, ns, name);

        const killed = await finish(name, `first attempt, stopped after write ${n}`, { [HOOK]: String(n) });
        const crashed = await getRun(k, ns, name);
        const trail = audit(crashed);
        // The invariant: once storyctl changed the run, its audit is there, naming the phase it had.
        const changed =
          JSON.stringify(crashed.status) !== JSON.stringify(original.status) ||
          crashed.spec?.cancelRequested !== original.spec?.cancelRequested;
        if (changed) {
          expect.soft({ n, trail: Object.keys(trail).sort() }).toEqual({ n, trail: [...AUDIT_KEYS].sort() });
          expect.soft({ n, previous: trail[AUDIT_ANNOTATIONS.previousPhase] }).toEqual({
            n,
            previous: scenario.before,
          });
        }
        if (
          classifyPhase(crashed.status?.phase) === 'terminal' &&
          crashed.status?.phase !== original.status?.phase
        )
          expect.soft({ n, audited: AUDIT_ANNOTATIONS.finishedAt in trail }).toEqual({ n, audited: true });

        const rerun = await finish(name, 'second attempt');
        expect.soft({ n, code: rerun.code, stderr: rerun.stderr }).toEqual({ n, code: 0, stderr: '' });
        const outcome = (JSON.parse(rerun.stdout) as { results: { outcome: string }[] }).results[0]?.outcome;
        expect
          .soft({ n, applied: outcome === 'applied' || outcome === 'no-op' })
          .toEqual({ n, applied: true });
        // Not killed (it made fewer than n writes): the first attempt completed the repair.
        if (killed.code === 0) expect.soft({ n, outcome }).toEqual({ n, outcome: 'no-op' });

        const final = await expectRepaired(k, ns, name, scenario.after);
        const finalTrail = audit(final);
        expect.soft({ n, trail: finalTrail }).toEqual({
          n,
          trail: {
            [AUDIT_ANNOTATIONS.finishedAt]:
              trail[AUDIT_ANNOTATIONS.finishedAt] ?? finalTrail[AUDIT_ANNOTATIONS.finishedAt],
            [AUDIT_ANNOTATIONS.finishedBy]: 'admin',
            [AUDIT_ANNOTATIONS.reason]: trail[AUDIT_ANNOTATIONS.reason] ?? 'second attempt',
            [AUDIT_ANNOTATIONS.previousPhase]: scenario.before,
          },
        });

        // And a third finish has nothing left to do.
        const third = await finish(name, 'third attempt');
        expect.soft({ n, third: third.code }).toEqual({ n, third: 0 });
        expect
          .soft((JSON.parse(third.stdout) as { results: { outcome: string }[] }).results[0]?.outcome)
          .toBe('no-op');
        expect
          .soft((await getRun(k, ns, name)).metadata.resourceVersion)
          .toBe(final.metadata.resourceVersion);
        await scenario.settle?.(k, ns, name);
      });
    }, 300_000);
  }
});

const NOW_A = CANCEL_AT + 60_000;
const NOW_B = CANCEL_AT + 120_000;

function repairClient(): RepairClient {
  return makeRepairClient(makeKubeConfig({ kubeconfig: cluster().kubeconfigs.admin, env: {} }));
}

function options(now: number, user: string, over: Partial<ApplyOptions> = {}): ApplyOptions {
  return {
    now: () => now,
    stopBudgetSeconds: 30,
    replan: (run, steps, resume) =>
      planRun({ run, steps, now, mode: 'force-terminal', user, ...(resume ? { resume } : {}) }),
    ...over,
  };
}

describe.skipIf(!useCluster())('two repairs racing on one run (real apiserver)', () => {
  const ns = useNamespace('race');

  for (const label of ['stalled', 'bare', 'live'] as const) {
    it(`${label}: a second operator's repair between any two writes of the first keeps the first audit`, async () => {
      const k = clients('admin');
      const scenario = SCENARIOS[label]!;
      const client = repairClient();
      for (let n = 1; n <= scenario.writes; n++) {
        const name = `${label}-${n}`;
        await scenario.seed(k, ns, name);
        const found = await readRun(client, ns, name);
        if (!found) throw new Error('seeded run missing');
        // Both operators read the run before either writes.
        const planA = planRun({ ...found, now: NOW_A, mode: 'force-terminal', user: 'alice' });
        const planB = planRun({ ...found, now: NOW_B, mode: 'force-terminal', user: 'bob' });
        let seen = 0;
        let second: Awaited<ReturnType<typeof applyRun>> | undefined;
        const first = await applyRun(
          client,
          planA,
          options(NOW_A, 'alice', {
            onEvent: async (e) => {
              if (e.type === 'write' && ++seen === n)
                second = await applyRun(client, planB, options(NOW_B, 'bob'));
            },
          }),
        );
        expect({ n, first: first.outcome }).toEqual({ n, first: 'applied' });
        if (second) expect(['applied', 'no-op']).toContain(second.outcome);
        const final = await expectRepaired(k, ns, name, scenario.after);
        expect({ n, trail: audit(final) }).toEqual({
          n,
          trail: {
            [AUDIT_ANNOTATIONS.finishedAt]: formatKubeTime(NOW_A),
            [AUDIT_ANNOTATIONS.finishedBy]: 'alice',
            [AUDIT_ANNOTATIONS.reason]: 'storyctl finish --force-terminal',
            [AUDIT_ANNOTATIONS.previousPhase]: scenario.before,
          },
        });
        await scenario.settle?.(k, ns, name);
      }
    });
  }

  it('two `finish --all-stalled` binaries at once: every run repaired once, audited once, as Running', async () => {
    const k = clients('admin');
    const batch = (round: number) => ['a', 'b', 'c', 'd'].map((x) => `batch-${round}-${x}`);
    for (let round = 0; round < 3; round++) {
      const roundNs = `${ns}-${round}`;
      await k.core.createNamespace({ body: { metadata: { name: roundNs } } });
      for (const name of batch(round)) await SCENARIOS['stalled']!.seed(k, roundNs, name);
      const args = [
        'finish',
        '--all-stalled',
        '-n',
        roundNs,
        '--force-terminal',
        '--yes',
        '-o',
        'json',
        '--kubeconfig',
        cluster().kubeconfigs.admin,
      ];
      const [one, two] = await Promise.all([runBin(args), runBin(args)]);
      for (const out of [one, two]) {
        expect({ round, code: out.code, stderr: out.stderr }).toEqual({ round, code: 0, stderr: '' });
        // The summary is there, and it says what happened to each run it set out to repair.
        const doc = JSON.parse(out.stdout) as { results: { name: string; outcome: string }[] };
        for (const r of doc.results) expect(['applied', 'no-op']).toContain(r.outcome);
      }
      for (const name of batch(round)) {
        const final = await expectRepaired(k, roundNs, name, 'Finished');
        const trail = audit(final);
        expect({ name, previous: trail[AUDIT_ANNOTATIONS.previousPhase] }).toEqual({
          name,
          previous: 'Running',
        });
        expect(Object.keys(trail).sort()).toEqual([...AUDIT_KEYS].sort());
      }
    }
  });
});

describe.skipIf(!useCluster())('a run storyctl finished without its audit (real apiserver)', () => {
  const ns = useNamespace('late-audit');

  /** An older storyctl's status write, killed before its annotations: the manager is what tells. */
  async function finishStatusOnly(k: KubeClients, name: string, fieldManager?: string): Promise<void> {
    const found = await readRun(repairClient(), ns, name);
    if (!found) throw new Error('seeded run missing');
    const plan = planRun({ ...found, now: NOW_A, mode: 'force-terminal', user: 'admin' });
    await k.custom.patchNamespacedCustomObjectStatus(
      {
        ...RUNS,
        plural: 'storyruns',
        namespace: ns,
        name,
        body: plan.statusPatch,
        ...(fieldManager ? { fieldManager } : {}),
      },
      mergePatch(),
    );
  }

  const finish = (name: string) =>
    runBin(
      [
        'finish',
        name,
        '-n',
        ns,
        '--force-terminal',
        '--yes',
        '-o',
        'json',
        '--kubeconfig',
        cluster().kubeconfigs.admin,
      ],
      { timeoutMs: 30_000 },
    );

  it('is not a no-op: the audit is written, saying what is no longer known', async () => {
    const k = clients('admin');
    await SCENARIOS['bare']!.seed(k, ns, 'unaudited');
    await finishStatusOnly(k, 'unaudited', STORYCTL_FIELD_MANAGER);
    const written = await getRun(k, ns, 'unaudited');
    expect(written.status?.phase).toBe('Finished');
    const entry = written.metadata.managedFields?.find((e) => e.manager === STORYCTL_FIELD_MANAGER);
    expect(entry?.time).toBeDefined();

    const out = await finish('unaudited');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const result = (JSON.parse(out.stdout) as { results: { outcome: string; writes: { write: string }[] }[] })
      .results[0];
    expect(result?.outcome).toBe('applied');
    expect(result?.writes.map((w) => w.write)).toEqual(['annotations']);
    expect(audit(await getRun(k, ns, 'unaudited'))).toEqual({
      [AUDIT_ANNOTATIONS.finishedAt]: entry?.time,
      [AUDIT_ANNOTATIONS.finishedBy]: 'unknown',
      [AUDIT_ANNOTATIONS.reason]:
        'storyctl finish --force-terminal (audit written afterwards by admin: storyctl had written the status without it)',
      [AUDIT_ANNOTATIONS.previousPhase]: 'unknown',
    });
    expect(JSON.parse((await finish('unaudited')).stdout).results[0].outcome).toBe('no-op');
  });

  it('with its StepRuns still there: deleted, and the audit still does not call the phase storyctl wrote the previous one', async () => {
    const k = clients('admin');
    await SCENARIOS['stalled']!.seed(k, ns, 'unaudited-steps');
    await finishStatusOnly(k, 'unaudited-steps', STORYCTL_FIELD_MANAGER);
    const out = await finish('unaudited-steps');
    expect(out.code).toBe(0);
    const result = (JSON.parse(out.stdout) as { results: { outcome: string; writes: { write: string }[] }[] })
      .results[0];
    expect(result?.outcome).toBe('applied');
    expect(result?.writes.map((w) => w.write)).toEqual([
      'annotations',
      ...SEED_STEPS.map(() => 'delete-steprun'),
    ]);
    const trail = audit(await getRun(k, ns, 'unaudited-steps'));
    expect(trail[AUDIT_ANNOTATIONS.previousPhase]).toBe('unknown');
    expect(trail[AUDIT_ANNOTATIONS.finishedBy]).toBe('unknown');
  });

  it('a run the controller finished the same way is left alone', async () => {
    const k = clients('admin');
    await SCENARIOS['bare']!.seed(k, ns, 'by-controller');
    await finishStatusOnly(k, 'by-controller');
    const rv = (await getRun(k, ns, 'by-controller')).metadata.resourceVersion;
    const out = await finish('by-controller');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).results[0].outcome).toBe('no-op');
    expect((await getRun(k, ns, 'by-controller')).metadata.resourceVersion).toBe(rv);
  });
});
