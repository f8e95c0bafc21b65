// issue 16 item 2: one failed run never aborts a batch. A fault proxy in front of the real
// apiserver (test/support/fault-proxy.ts) lets the first read of one run through and refuses every
// later one, so its read-back (or its re-read after a 409) fails: that run is a `failed` result with
// the server's message, the runs after it are still repaired, the summary is printed and the exit
// code says partial (5). The same for `--wait` reading a run, and for a callback that throws.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoryRun } from '../../src/model/kube.js';
import { applyBatch } from '../../src/repair/apply.js';
import { makeRepairClient } from '../../src/repair/client.js';
import { planRun } from '../../src/repair/plan.js';
import { makeKubeConfig } from '../../src/sources/cluster/index.js';
import { readRun } from '../../src/sources/cluster/run-reads.js';
import { runBin } from '../support/cli.js';
import { ControllerSim } from '../support/controller-sim.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { RUNS, type KubeClients } from '../support/kube-clients.js';
import { createSeedScenario, requestCancel } from '../support/scenario.js';
import { kubeconfigYaml } from './harness.js';
import { clients, cluster, useCluster, useNamespace } from './use-cluster.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const CANCEL_AT = T0 + 300_000;

async function getRun(k: KubeClients, namespace: string, name: string): Promise<StoryRun> {
  return (await k.custom.getNamespacedCustomObject({
    ...RUNS,
    plural: 'storyruns',
    namespace,
    name,
  })) as StoryRun;
}

async function stalledSeed(k: KubeClients, ns: string, name: string): Promise<void> {
  await createSeedScenario(k, ns, name, T0);
  await requestCancel(k, ns, name);
  await new ControllerSim(k).reconcile(ns, name, CANCEL_AT);
}

const forbidden = (name: string): string =>
  JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `storyruns.runs.bubustack.io "${name}" is forbidden: the read-back fault`,
    reason: 'Forbidden',
    code: 403,
  });

const conflict = (name: string): string =>
  JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Operation cannot be fulfilled on storyruns.runs.bubustack.io "${name}": the object has been modified`,
    reason: 'Conflict',
    code: 409,
  });

/** Let the first GET of the run through (the preparation's read), refuse every later one. */
function failLaterReads(ns: string, name: string): FaultRule[] {
  const get = new RegExp(`^GET [^?]*/namespaces/${ns}/storyruns/${name}(\\?|$)`);
  return [
    { match: get, fault: { type: 'delay', ms: 0 }, times: 1 },
    { match: get, fault: { type: 'answer', status: 403, body: forbidden(name) } },
  ];
}

interface JsonOut {
  results?: { name: string; outcome: string; message: string; writes: { write: string }[] }[];
}

describe.skipIf(!useCluster())('a failing run in a batch (real apiserver behind a fault proxy)', () => {
  const ns = useNamespace('batch');
  let proxy: FaultProxy;
  let dir = '';
  let viaProxy = '';

  beforeAll(async () => {
    proxy = await startFaultProxy(cluster().server, cluster().caFile);
    dir = mkdtempSync(join(tmpdir(), 'storyctl-batch-'));
    viaProxy = join(dir, 'kubeconfig-proxy');
    writeFileSync(viaProxy, kubeconfigYaml(proxy.url, cluster().caFile, 'admin', cluster().tokens.admin));
  });
  afterEach(() => proxy.setRules([]));
  afterAll(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const finishAll = (namespace: string, output: string[] = []) =>
    runBin(
      [
        'finish',
        '--all-stalled',
        '-n',
        namespace,
        '--force-terminal',
        '--yes',
        ...output,
        '--kubeconfig',
        viaProxy,
      ],
      { timeoutMs: 60_000 },
    );

  it('a read-back that fails: that run is failed, the others repaired, the summary printed, exit 5', async () => {
    const k = clients('admin');
    const names = ['rb-1', 'rb-2', 'rb-3'];
    for (const n of names) await stalledSeed(k, ns, n);
    proxy.setRules(failLaterReads(ns, 'rb-2'));

    const out = await finishAll(ns, ['-o', 'json']);
    expect(out.code).toBe(5);
    const doc = JSON.parse(out.stdout) as JsonOut;
    expect(doc.results?.map((r) => [r.name, r.outcome])).toEqual([
      ['rb-1', 'applied'],
      ['rb-2', 'failed'],
      ['rb-3', 'applied'],
    ]);
    const failed = doc.results?.[1];
    expect(failed?.message).toMatch(/read-back/);
    expect(failed?.message).toMatch(/forbidden: the read-back fault/);
    // Its writes were made and are reported as made.
    expect(failed?.writes.length).toBeGreaterThan(0);
    expect(out.stderr).toMatch(/^storyctl: partly applied: .*rb-2 failed/m);
    for (const n of names) expect((await getRun(k, ns, n)).status?.phase).toBe('Finished');
  });

  it('a re-read after a 409 that fails: that run is failed with nothing written, the others repaired, exit 5', async () => {
    const k = clients('admin');
    const names = ['rr-1', 'rr-2', 'rr-3'];
    for (const n of names) await stalledSeed(k, ns, n);
    const before = await getRun(k, ns, 'rr-2');
    proxy.setRules([
      {
        match: new RegExp(`^PATCH [^?]*/namespaces/${ns}/storyruns/rr-2(/status)?(\\?|$)`),
        fault: { type: 'answer', status: 409, body: conflict('rr-2') },
        times: 1,
      },
      ...failLaterReads(ns, 'rr-2'),
    ]);

    // The table this time: the summary is printed whatever the format.
    const out = await finishAll(ns);
    expect(out.code).toBe(5);
    expect(out.stdout).toMatch(/rr-1\s*│\s*applied/);
    expect(out.stdout).toMatch(/rr-2\s*│\s*failed/);
    expect(out.stdout).toMatch(/rr-3\s*│\s*applied/);
    expect(out.stdout).toMatch(/the re-read after a 409 Conflict failed:/);
    expect(out.stderr).toMatch(/^storyctl: partly applied: .*rr-2 failed/m);
    expect((await getRun(k, ns, 'rr-1')).status?.phase).toBe('Finished');
    expect((await getRun(k, ns, 'rr-3')).status?.phase).toBe('Finished');
    // The faked 409 stopped its first write: the run is as it was.
    const after = await getRun(k, ns, 'rr-2');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('--wait: a run that cannot be read while waiting is failed, the next one is still waited for, exit 5', async () => {
    const k = clients('admin');
    for (const n of ['wa-1', 'wa-2']) await createSeedScenario(k, ns, n, T0);
    proxy.setRules(failLaterReads(ns, 'wa-1'));
    const out = await runBin(
      ['finish', 'wa-1', 'wa-2', '-n', ns, '--wait', '2s', '-o', 'json', '--kubeconfig', viaProxy],
      { timeoutMs: 60_000 },
    );
    expect(out.code).toBe(5);
    const doc = JSON.parse(out.stdout) as JsonOut;
    expect(doc.results?.map((r) => [r.name, r.outcome])).toEqual([
      ['wa-1', 'failed'],
      ['wa-2', 'failed'],
    ]);
    expect(doc.results?.[0]?.message).toMatch(
      /^the cancel was requested, but reading the run while waiting failed: .*forbidden: the read-back fault/,
    );
    // No controller runs here: the second run was waited for, and timed out.
    expect(doc.results?.[1]?.message).toMatch(/^timed out: still Running after waiting/);
    for (const n of ['wa-1', 'wa-2']) expect((await getRun(k, ns, n)).spec?.cancelRequested).toBe(true);
    // The controller observes the cancels at last, so doctor -A in later files can measure their wait.
    proxy.setRules([]);
    for (const n of ['wa-1', 'wa-2']) await new ControllerSim(k).reconcile(ns, n, CANCEL_AT);
  });
});

describe.skipIf(!useCluster())('a repair whose own callback throws (real apiserver)', () => {
  const ns = useNamespace('batch-throw');

  it("is that run's failed result; the batch goes on", async () => {
    const k = clients('admin');
    const names = ['cb-1', 'cb-2', 'cb-3'];
    for (const n of names) await stalledSeed(k, ns, n);
    const client = makeRepairClient(makeKubeConfig({ kubeconfig: cluster().kubeconfigs.admin, env: {} }));
    const now = CANCEL_AT + 60_000;
    const plans = await Promise.all(
      names.map(async (n) => {
        const found = await readRun(client, ns, n);
        if (!found) throw new Error(`${n} missing`);
        return planRun({ ...found, now, mode: 'force-terminal', user: 'admin' });
      }),
    );
    const batch = await applyBatch(client, plans, {
      now: () => now,
      stopBudgetSeconds: 30,
      replan: (run, steps, resume) =>
        planRun({ run, steps, now, mode: 'force-terminal', user: 'admin', ...(resume ? { resume } : {}) }),
      onEvent: (e) => {
        if (e.type === 'attempt' && e.plan.name === 'cb-2') throw new Error('progress output failed');
      },
    });
    expect(batch.results.map((r) => [r.name, r.outcome])).toEqual([
      ['cb-1', 'applied'],
      ['cb-2', 'failed'],
      ['cb-3', 'applied'],
    ]);
    expect(batch.results[1]?.message).toBe('progress output failed; nothing was written; run finish again');
    expect(batch.results[1]?.writes).toEqual([]);
    expect(batch.results[1]?.attempts).toBe(1);
    expect((await getRun(k, ns, 'cb-2')).status?.phase).toBe('Running');
    expect((await getRun(k, ns, 'cb-3')).status?.phase).toBe('Finished');
  });
});
