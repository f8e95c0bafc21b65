// The applier's safety model on the real apiserver: optimistic concurrency (a concurrent writer
// causes a re-plan, never a lost update), bounded retries, resuming a half-applied run, stopping a
// batch between runs on Ctrl-C, and RBAC refusal before any write.
import { describe, expect, it } from 'vitest';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { CANCELED_MESSAGE } from '../../src/contract/terminal-state.js';
import type { StoryRun } from '../../src/model/kube.js';
import { applyBatch, applyRun, missingPermissions, type ApplyOptions } from '../../src/repair/apply.js';
import { makeRepairClient, type RepairClient } from '../../src/repair/client.js';
import { readRun } from '../../src/sources/cluster/run-reads.js';
import { describePermission, planRun, type RunPlan } from '../../src/repair/plan.js';
import { makeKubeConfig } from '../../src/sources/cluster/index.js';
import { runCli } from '../support/cli.js';
import { ControllerSim } from '../support/controller-sim.js';
import { mergePatch, RUNS, type KubeClients } from '../support/kube-clients.js';
import { createSeedScenario, requestCancel } from '../support/scenario.js';
import { cluster, clients, useCluster, useNamespace } from './use-cluster.js';
import type { TestUser } from './harness.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const CANCEL_AT = T0 + 300_000;
const NOW = CANCEL_AT + 60_000;

function repairClient(user: TestUser = 'admin'): RepairClient {
  return makeRepairClient(makeKubeConfig({ kubeconfig: cluster().kubeconfigs[user], env: {} }));
}

function options(over: Partial<ApplyOptions> = {}): ApplyOptions {
  return {
    now: () => NOW,
    stopBudgetSeconds: 30,
    replan: (run, steps, resume) =>
      planRun({ run, steps, now: NOW, mode: 'force-terminal', user: 'admin', ...(resume ? { resume } : {}) }),
    ...over,
  };
}

async function planFor(client: RepairClient, ns: string, name: string): Promise<RunPlan> {
  const found = await readRun(client, ns, name);
  if (!found) throw new Error(`${ns}/${name} not found`);
  return planRun({ ...found, now: NOW, mode: 'force-terminal', user: 'admin' });
}

async function stalledSeed(k: KubeClients, ns: string, name: string): Promise<void> {
  await createSeedScenario(k, ns, name, T0);
  await requestCancel(k, ns, name);
  await new ControllerSim(k).reconcile(ns, name, CANCEL_AT);
}

async function getRun(k: KubeClients, namespace: string, name: string): Promise<StoryRun> {
  return (await k.custom.getNamespacedCustomObject({
    ...RUNS,
    plural: 'storyruns',
    namespace,
    name,
  })) as StoryRun;
}

/** Another writer: the StepRun controller mirrors a step that just succeeded. */
async function stepSucceeded(k: KubeClients, namespace: string, run: string, step: string): Promise<void> {
  await k.custom.patchNamespacedCustomObjectStatus(
    {
      ...RUNS,
      plural: 'stepruns',
      namespace,
      name: `${run}-${step}`,
      body: { status: { phase: 'Succeeded', finishedAt: '2026-04-22T18:05:30Z' } },
    },
    mergePatch(),
  );
  await k.custom.patchNamespacedCustomObjectStatus(
    {
      ...RUNS,
      plural: 'storyruns',
      namespace,
      name: run,
      body: {
        status: {
          stepStates: { [step]: { phase: 'Succeeded', finishedAt: '2026-04-22T18:05:30Z' } },
          stepsComplete: 1,
        },
      },
    },
    mergePatch(),
  );
}

async function annotate(
  k: KubeClients,
  namespace: string,
  name: string,
  key: string,
  value: string,
): Promise<void> {
  await k.custom.patchNamespacedCustomObject(
    { ...RUNS, plural: 'storyruns', namespace, name, body: { metadata: { annotations: { [key]: value } } } },
    mergePatch(),
  );
}

describe.skipIf(!useCluster())('applier safety (real apiserver)', () => {
  const ns = useNamespace('apply');

  it('a concurrent writer between read and write causes a re-plan, not a lost update', async () => {
    const k = clients('admin');
    const client = repairClient();
    await stalledSeed(k, ns, 'race');
    const stale = await planFor(client, ns, 'race');
    // Between storyctl's read and its write, the agent step succeeds.
    await stepSucceeded(k, ns, 'race', 'agent');

    const result = await applyRun(client, stale, options());
    expect(result.outcome).toBe('applied');
    expect(result.attempts).toBe(2);
    const run = await getRun(k, ns, 'race');
    // The concurrent change survived and the repair was planned on top of it.
    expect(run.status?.stepStates?.['agent']?.phase).toBe('Succeeded');
    expect(run.status?.stepStates?.['ingress']?.phase).toBe('Canceled');
    expect(run.status?.stepsComplete).toBe(1);
    expect(run.status?.phase).toBe('Finished');
    // The succeeded StepRun is terminal: it is not deleted.
    const left = await readRun(client, ns, 'race');
    expect(left?.steps.find((s) => s.spec?.stepId === 'agent')?.metadata.deletionTimestamp).toBeUndefined();
    expect(result.replanned?.stepRunDeletions.map((s) => s.name).sort()).toEqual([
      'race-egress',
      'race-ingress',
    ]);
  });

  it('gives up after a bounded number of conflicts and overwrites nothing', async () => {
    const k = clients('admin');
    const client = repairClient();
    await stalledSeed(k, ns, 'busy');
    const before = await getRun(k, ns, 'busy');
    const plan = await planFor(client, ns, 'busy');
    let n = 0;
    const result = await applyRun(
      client,
      plan,
      options({
        maxAttempts: 3,
        // Someone writes the run before every attempt.
        onEvent: async (e) => {
          if (e.type === 'attempt') await annotate(k, ns, 'busy', 'example.com/touched', String(++n));
        },
      }),
    );
    expect(result.outcome).toBe('conflict');
    expect(result.attempts).toBe(3);
    expect(result.writes).toEqual([]);
    const after = await getRun(k, ns, 'busy');
    expect(after.status).toEqual(before.status);
    expect(after.metadata.annotations?.['example.com/touched']).toBe('3');
  });

  it('stops and says so when the re-read run no longer needs repair', async () => {
    const k = clients('admin');
    const client = repairClient();
    await stalledSeed(k, ns, 'fixed');
    const plan = await planFor(client, ns, 'fixed');
    // Someone else finishes it first (another operator's storyctl).
    expect((await applyRun(client, await planFor(client, ns, 'fixed'), options())).outcome).toBe('applied');
    const rv = (await getRun(k, ns, 'fixed')).metadata.resourceVersion;
    const result = await applyRun(client, plan, options());
    expect(result.outcome).toBe('no-op');
    expect(result.message).toMatch(/re-read after a conflict: it no longer needs repair/);
    expect(result.writes).toEqual([]);
    expect((await getRun(k, ns, 'fixed')).metadata.resourceVersion).toBe(rv);
  });

  it('resumes a run interrupted by a conflict after its audit write: the audit trail keeps the original phase', async () => {
    const k = clients('admin');
    const client = repairClient();
    await stalledSeed(k, ns, 'half');
    const plan = await planFor(client, ns, 'half');
    let once = false;
    const result = await applyRun(
      client,
      plan,
      options({
        onEvent: async (e) => {
          if (e.type === 'write' && e.record.write === 'annotations' && !once) {
            once = true;
            await annotate(k, ns, 'half', 'example.com/note', 'between annotations and status');
          }
        },
      }),
    );
    expect(result.outcome).toBe('applied');
    expect(result.writes.map((w) => w.write)).toEqual([
      'annotations',
      'status',
      'delete-steprun',
      'delete-steprun',
      'delete-steprun',
    ]);
    const run = await getRun(k, ns, 'half');
    expect(run.metadata.annotations?.['storyctl.bubustack.io/previous-phase']).toBe('Running');
    expect(run.metadata.annotations?.['example.com/note']).toBe('between annotations and status');
    expect(run.status?.stepStates?.['agent']).toMatchObject({ phase: 'Canceled', message: CANCELED_MESSAGE });
  });

  it('Ctrl-C in a batch finishes the run in hand, starts no other, and a second pass picks up the rest', async () => {
    const k = clients('admin');
    const client = repairClient();
    const names = ['ctrlc-1', 'ctrlc-2', 'ctrlc-3'];
    for (const n of names) await stalledSeed(k, ns, n);
    const plans = await Promise.all(names.map((n) => planFor(client, ns, n)));
    const controller = new AbortController();
    const first = await applyBatch(client, plans, {
      ...options(),
      signal: controller.signal,
      onEvent: (e) => {
        // The user presses Ctrl-C while the first run is being written.
        if (e.type === 'write' && e.record.write === 'status') controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.results.map((r) => r.outcome)).toEqual(['applied', 'skipped', 'skipped']);
    expect((await getRun(k, ns, 'ctrlc-2')).status?.phase).toBe('Running');

    const again = await Promise.all(names.map((n) => planFor(client, ns, n)));
    const rv1 = (await getRun(k, ns, 'ctrlc-1')).metadata.resourceVersion;
    const second = await applyBatch(client, again, options());
    expect(second.interrupted).toBe(false);
    expect(second.results.map((r) => r.outcome)).toEqual(['no-op', 'applied', 'applied']);
    expect((await getRun(k, ns, 'ctrlc-1')).metadata.resourceVersion).toBe(rv1);
  });

  it('checks exactly the permissions a plan needs and refuses before any write when one is missing', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'rbac');
    // `nobody` may read and patch runs (and their status) here, but not delete StepRuns.
    const rbac = k.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: 'finish-without-delete' },
        rules: [
          {
            apiGroups: ['runs.bubustack.io'],
            resources: ['storyruns', 'stepruns'],
            verbs: ['get', 'list', 'watch'],
          },
          {
            apiGroups: ['runs.bubustack.io'],
            resources: ['storyruns', 'storyruns/status'],
            verbs: ['patch'],
          },
        ],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'finish-without-delete' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'finish-without-delete' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'nobody' }],
      },
    });
    const nobody = repairClient('nobody');
    // The apiserver's RBAC authorizer learns of new bindings through its informer: wait until it has.
    const canPatch = {
      verb: 'patch',
      group: 'runs.bubustack.io',
      resource: 'storyruns',
      namespace: ns,
    } as const;
    for (let i = 0; i < 100 && (await missingPermissions(nobody, [canPatch])).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    const plan = await planFor(nobody, ns, 'rbac');
    expect((await missingPermissions(nobody, plan.permissions)).map(describePermission)).toEqual([
      `delete stepruns.runs.bubustack.io in namespace ${ns}`,
    ]);
    const keep = planRun({
      ...(await readRun(nobody, ns, 'rbac'))!,
      now: NOW,
      mode: 'force-terminal',
      keepSteps: true,
    });
    expect(await missingPermissions(nobody, keep.permissions)).toEqual([]);

    const rv = (await getRun(k, ns, 'rbac')).metadata.resourceVersion;
    const out = await runCli(
      ['finish', 'rbac', '-n', ns, '--force-terminal', '--yes', '--kubeconfig', cluster().kubeconfigs.nobody],
      { now: NOW },
    );
    expect(out.code).toBe(4);
    // The refusal, then storyctl's repair role to apply and the binding (issue 13).
    expect(out.stderr.split('\n')).toEqual([
      `storyctl: refused before any write: nobody (context storyctl-test-nobody) may not delete stepruns.runs.bubustack.io in namespace ${ns}`,
      "storyctl: storyctl's repair role grants exactly what finish writes: kubectl apply -f deploy/rbac/storyctl-repairer.yaml (in the storyctl repository; or -f https://raw.githubusercontent.com/bubustack/storyctl/main/deploy/rbac/storyctl-repairer.yaml)",
      `storyctl: then bind it: kubectl create rolebinding storyctl-repairer --clusterrole=storyctl-repairer --user=nobody -n ${ns}`,
      '',
    ]);
    expect((await getRun(k, ns, 'rbac')).metadata.resourceVersion).toBe(rv);
  });
});
