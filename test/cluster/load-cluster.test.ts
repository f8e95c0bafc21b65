// src/sources/cluster against the real apiserver: paging (and an expired continue token),
// selectors, namespace scope, KUBECONFIG merging, RBAC denials, and servers that do not answer.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoryctlError } from '../../src/model/errors.js';
import { loadCluster } from '../../src/sources/cluster/index.js';
import { inParallel } from '../support/kube-clients.js';
import { createRun, createStep, createStory } from '../support/scenario.js';
import { forCreate, makeRun, makeStep, makeStory } from '../support/objects.js';
import { kubeconfigYaml } from './harness.js';
import { clients, cluster, useCluster, useNamespace } from './use-cluster.js';

const RUNNING = { phase: 'Running', startedAt: '2026-04-22T18:00:00Z' };

function names<T extends { metadata: { name: string } }>(items: T[]): string[] {
  return items.map((i) => i.metadata.name).sort();
}

async function rejection(p: Promise<unknown>): Promise<StoryctlError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof StoryctlError) return error;
    throw error;
  }
  throw new Error('expected loadCluster to fail');
}

/** Compact etcd past every revision so far: continue tokens issued before now expire (410 Gone). */
function compactEtcd(etcd: string): void {
  const post = (path: string, body: object): { header?: { revision?: string } } =>
    JSON.parse(
      execFileSync('curl', ['-sf', '-X', 'POST', `${etcd}${path}`, '-d', JSON.stringify(body)], {
        encoding: 'utf8',
      }),
    ) as {
      header?: { revision?: string };
    };
  const put = post('/v3/kv/put', {
    key: Buffer.from('storyctl-test/bump').toString('base64'),
    value: 'eA==',
  });
  post('/v3/kv/compaction', { revision: put.header?.revision, physical: true });
}

describe.skipIf(!useCluster())('loadCluster paging', () => {
  const ns = useNamespace('paging');
  const RUNS = 1100;

  beforeAll(async () => {
    const k = clients('admin');
    await createStory(k, makeStory({ namespace: ns, name: 'batch-story', pattern: 'batch', transports: [] }));
    await inParallel(
      Array.from({ length: RUNS }, (_, i) => i),
      16,
      async (i) => {
        await k.custom.createNamespacedCustomObject({
          group: 'runs.bubustack.io',
          version: 'v1alpha1',
          plural: 'storyruns',
          namespace: ns,
          body: forCreate(
            makeRun({ namespace: ns, name: `run-${String(i).padStart(4, '0')}`, story: 'batch-story' }),
          ),
        });
      },
    );
  });

  it('lists more than 500 runs in pages of 500', async () => {
    const pages: number[] = [];
    const live = await loadCluster({
      kubeconfig: cluster().kubeconfigs.admin,
      namespace: ns,
      onProgress: (p) => p.kind === 'storyruns' && pages.push(p.listed),
    });
    expect(live.objects.storyRuns).toHaveLength(RUNS);
    expect(new Set(live.objects.storyRuns.map((r) => r.metadata.name)).size).toBe(RUNS);
    expect(pages).toEqual([500, 1000, 1100]);
  });

  it('restarts a list whose continue token expired (410 Gone) and still returns every run once', async () => {
    const pages: number[] = [];
    let compacted = false;
    const live = await loadCluster({
      kubeconfig: cluster().kubeconfigs.admin,
      namespace: ns,
      onProgress: (p) => {
        if (p.kind !== 'storyruns') return;
        pages.push(p.listed);
        if (!compacted) {
          compacted = true;
          compactEtcd(cluster().etcd);
        }
      },
    });
    expect(pages).toEqual([500, 500, 1000, 1100]);
    expect(live.objects.storyRuns).toHaveLength(RUNS);
    expect(new Set(live.objects.storyRuns.map((r) => r.metadata.name)).size).toBe(RUNS);
  });
});

describe.skipIf(!useCluster())('loadCluster scope and selectors', () => {
  const nsA = useNamespace('scope-a');
  const nsB = useNamespace('scope-b');
  const longName = `call-${'x'.repeat(70)}-end`;

  beforeAll(async () => {
    const k = clients('admin');
    for (const ns of [nsA, nsB]) {
      await createStory(k, makeStory({ namespace: ns, name: 'voice', pattern: 'batch', transports: [] }));
      for (const [name, team] of [
        ['alpha', 'a'],
        ['beta', 'b'],
        [longName, 'a'],
      ] as const) {
        const run = makeRun({ namespace: ns, name, story: 'voice' });
        run.metadata.labels = { team };
        const created = await createRun(k, run, RUNNING);
        for (const step of ['one', 'two']) await createStep(k, makeStep(created, step), RUNNING);
      }
    }
  });

  it('reads the context namespace by default, -n another, and -A all of them', async () => {
    const kc = cluster().kubeconfigs.admin;
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-kc-'));
    try {
      const withNs = join(dir, 'kubeconfig');
      writeFileSync(withNs, readFileSync(kc, 'utf8').replace('namespace: default', `namespace: ${nsB}`));
      const byContext = await loadCluster({ kubeconfig: withNs });
      expect(byContext.namespace).toBe(nsB);
      expect(byContext.objects.storyRuns.every((r) => r.metadata.namespace === nsB)).toBe(true);
      expect(byContext.objects.storyRuns).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const one = await loadCluster({ kubeconfig: kc, namespace: nsA });
    expect(one.objects.storyRuns.map((r) => r.metadata.namespace)).toEqual([nsA, nsA, nsA]);
    expect(one.objects.stepRuns).toHaveLength(6);
    expect(one.objects.stories.map((s) => s.metadata.namespace)).toEqual([nsA]);

    const all = await loadCluster({ kubeconfig: kc, allNamespaces: true });
    expect(all.namespace).toBeUndefined();
    const mine = all.objects.storyRuns.filter(
      (r) => r.metadata.namespace === nsA || r.metadata.namespace === nsB,
    );
    expect(mine).toHaveLength(6);
    expect(
      all.objects.stepRuns.filter((s) => s.metadata.namespace === nsA || s.metadata.namespace === nsB),
    ).toHaveLength(12);
  });

  it('applies -l to StoryRuns and fetches exactly their StepRuns by label, long names included', async () => {
    const live = await loadCluster({
      kubeconfig: cluster().kubeconfigs.admin,
      namespace: nsA,
      selector: 'team=a',
    });
    expect(names(live.objects.storyRuns)).toEqual(['alpha', longName].sort());
    expect(names(live.objects.stepRuns)).toEqual(
      [`alpha-one`, `alpha-two`, `${longName}-one`, `${longName}-two`].sort(),
    );
  });

  it('with -A and -l keeps StepRuns in the namespace of their run', async () => {
    const live = await loadCluster({
      kubeconfig: cluster().kubeconfigs.admin,
      allNamespaces: true,
      selector: 'team=b',
    });
    const runs = live.objects.storyRuns.filter((r) => [nsA, nsB].includes(r.metadata.namespace ?? ''));
    expect(runs.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual(
      [`${nsA}/beta`, `${nsB}/beta`].sort(),
    );
    const steps = live.objects.stepRuns.filter((s) => [nsA, nsB].includes(s.metadata.namespace ?? ''));
    expect(steps.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort()).toEqual(
      [`${nsA}/beta-one`, `${nsA}/beta-two`, `${nsB}/beta-one`, `${nsB}/beta-two`].sort(),
    );
  });

  it('selects nothing (and lists no StepRuns) when no run matches', async () => {
    const live = await loadCluster({
      kubeconfig: cluster().kubeconfigs.admin,
      namespace: nsA,
      selector: 'team=nobody',
    });
    expect(live.objects.storyRuns).toEqual([]);
    expect(live.objects.stepRuns).toEqual([]);
  });

  it('rejects an invalid selector as a usage error', async () => {
    const error = await rejection(
      loadCluster({ kubeconfig: cluster().kubeconfigs.admin, namespace: nsA, selector: 'team in (a' }),
    );
    expect(error.kind).toBe('usage');
    expect(error.message).toContain('team in (a');
  });

  it('merges KUBECONFIG files like kubectl: missing files skipped, the first current-context wins, --context switches', async () => {
    const { readonly, admin } = cluster().kubeconfigs;
    const env = { KUBECONFIG: ['/nonexistent/kubeconfig', readonly, admin].join(':'), HOME: '/nonexistent' };
    const first = await loadCluster({ env, namespace: nsA });
    expect(first.user).toBe('readonly');
    expect(first.context).toBe('storyctl-test-readonly');
    const switched = await loadCluster({ env, namespace: nsA, context: 'storyctl-test-admin' });
    expect(switched.user).toBe('admin');
    const error = await rejection(loadCluster({ env, context: 'prod' }));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('"prod"');
  });
});

describe.skipIf(!useCluster())('loadCluster with RBAC denials', () => {
  const ns = useNamespace('rbac');

  it('reads everything as the read-only user', async () => {
    const live = await loadCluster({ kubeconfig: cluster().kubeconfigs.readonly, namespace: ns });
    expect(live.unavailable).toEqual({});
  });

  it('marks transports unavailable, verb and resource spelled out, for a user who may not list them', async () => {
    const live = await loadCluster({ kubeconfig: cluster().kubeconfigs.restricted, namespace: ns });
    expect(live.unavailable).toEqual({
      transports: 'cannot list transports.transport.bubustack.io at cluster scope',
    });
  });

  it('marks every kind unavailable for a user with no permissions, naming the namespace or all namespaces', async () => {
    const live = await loadCluster({ kubeconfig: cluster().kubeconfigs.nobody, namespace: ns });
    expect(live.unavailable).toEqual({
      storyRuns: `cannot list storyruns.runs.bubustack.io in namespace ${ns}`,
      stepRuns: `cannot list stepruns.runs.bubustack.io in namespace ${ns}`,
      stories: `cannot list stories.bubustack.io in namespace ${ns}`,
      transports: 'cannot list transports.transport.bubustack.io at cluster scope',
    });
    const all = await loadCluster({
      kubeconfig: cluster().kubeconfigs.nobody,
      allNamespaces: true,
      selector: 'team=a',
    });
    // A forbidden -A says where to look instead (issue 13): nobody may not list namespaces either.
    expect(all.unavailable.storyRuns).toBe(
      "cannot list storyruns.runs.bubustack.io in all namespaces; use -n NAMESPACE (your context's namespace is default)",
    );
    // Without the runs their StepRuns cannot be chosen: same reason.
    expect(all.unavailable.stepRuns).toBe(all.unavailable.storyRuns);
  });

  it('rejects a wrong token as a configuration error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-kc-'));
    try {
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, kubeconfigYaml(cluster().server, cluster().caFile, 'intruder', 'not-a-token'));
      const error = await rejection(loadCluster({ kubeconfig: file, namespace: ns }));
      expect(error.kind).toBe('config');
      expect(error.message).toContain('401');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!useCluster())('loadCluster against servers that do not answer', () => {
  let dir = '';
  let silent: Server;
  const sockets: Socket[] = [];
  let silentPort = 0;
  let closedPort = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'storyctl-kc-'));
    // Accepts TCP connections and never says a word: a hung apiserver or a black-holed load balancer.
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    silentPort = (silent.address() as { port: number }).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  function kubeconfigAt(port: number): string {
    const file = join(dir, `kubeconfig-${port}`);
    writeFileSync(
      file,
      kubeconfigYaml(`https://127.0.0.1:${port}`, cluster().caFile, 'admin', cluster().tokens.admin),
    );
    return file;
  }

  it('gives up on a silent server within the request timeout, naming it', async () => {
    const started = Date.now();
    const error = await rejection(loadCluster({ kubeconfig: kubeconfigAt(silentPort), timeoutSeconds: 2 }));
    const elapsed = Date.now() - started;
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(`https://127.0.0.1:${silentPort}`);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(2000);
  });

  it('retries a refused connection a bounded number of times, then reports it unreachable', async () => {
    const retries: string[] = [];
    const started = Date.now();
    const error = await rejection(
      loadCluster({ kubeconfig: kubeconfigAt(closedPort), onRetry: (e) => retries.push(e.reason) }),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(`https://127.0.0.1:${closedPort}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(retries.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe.skipIf(!useCluster())('loadCluster and Stories in other namespaces', () => {
  const runs = useNamespace('xref-runs');
  const shared = useNamespace('xref-stories');

  it('reads a Story another namespace holds when a run in scope names it', async () => {
    const k = clients('admin');
    await createStory(k, makeStory({ namespace: shared, name: 'shared-voice', pattern: 'realtime' }));
    await createStory(
      k,
      makeStory({ namespace: shared, name: 'unrelated', pattern: 'realtime', transports: [] }),
    );
    const run = makeRun({ namespace: runs, name: 'remote', story: 'shared-voice' });
    run.spec = { storyRef: { name: 'shared-voice', namespace: shared } };
    await createRun(k, run, RUNNING);
    const live = await loadCluster({ kubeconfig: cluster().kubeconfigs.readonly, namespace: runs });
    expect(live.objects.stories.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([
      `${shared}/shared-voice`,
    ]);
  });
});
