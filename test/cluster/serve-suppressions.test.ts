// serve honours suppressions on the real apiserver (issue 15 item 1 with the CI issue's settings):
// three stalled cancels in one namespace, one suppressed by an ignore-check annotation on the
// StoryRun, one by a suppression in the config file serve is given with --config. With
// --auto-finish SR101 and a 1 s grace, only the unsuppressed run gets a Warning Event and is
// finished by storyctl-serve; the suppressed ones raise no Event, are never repaired, are not in
// storyctl_findings and are counted in storyctl_suppressed_findings.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoryRun } from '../../src/model/kube.js';
import { suppressionAnnotation } from '../../src/model/suppress.js';
import { AUDIT_ANNOTATIONS } from '../../src/repair/plan.js';
import { ControllerSim } from '../support/controller-sim.js';
import { mergePatch, RUNS } from '../support/kube-clients.js';
import { REPO_ROOT } from '../support/manifests.js';
import { describeWithTool, findTool } from '../support/tools.js';
import { createSeedScenario, requestCancel } from '../support/scenario.js';
import { eventually, startServeProcess, type ServeProcess } from './serve-process.js';
import { cluster, clients, useCluster, useNamespace } from './use-cluster.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const KEPT = 'call-kept';
const BY_ANNOTATION = 'call-annotated';
const BY_CONFIG = 'call-configured';

describe.skipIf(!useCluster())('storyctl serve with suppressions', () => {
  const ns = useNamespace('serve-suppress');
  let serve: ServeProcess | undefined;
  afterAll(async () => serve?.stop());

  async function stalledRun(name: string): Promise<void> {
    const k = clients('admin');
    await createSeedScenario(k, ns, name, T0);
    await requestCancel(k, ns, name);
    expect((await new ControllerSim(k).reconcile(ns, name, T0 + 300_000)).action).toBe('waiting');
  }

  async function run(name: string): Promise<StoryRun> {
    return (await clients('admin').custom.getNamespacedCustomObject({
      ...RUNS,
      plural: 'storyruns',
      namespace: ns,
      name,
    })) as StoryRun;
  }

  it('a suppressed finding raises no Event and is not repaired; an unsuppressed one is', async () => {
    const k = clients('admin');
    for (const name of [KEPT, BY_ANNOTATION, BY_CONFIG]) await stalledRun(name);
    await k.custom.patchNamespacedCustomObject(
      {
        ...RUNS,
        plural: 'storyruns',
        namespace: ns,
        name: BY_ANNOTATION,
        body: {
          metadata: { annotations: { [suppressionAnnotation('SR101')]: 'load test, left on purpose' } },
        },
      },
      mergePatch(),
    );
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-serve-suppress-'));
    const config = join(dir, 'storyctl.yaml');
    writeFileSync(
      config,
      [
        'apiVersion: storyctl/v1',
        'kind: Config',
        'suppressions:',
        '  - rule: SR101',
        `    namespace: ${ns}`,
        `    name: ${BY_CONFIG}`,
        '    reason: kept for the drain investigation (OPS-42)',
        '',
      ].join('\n'),
    );

    serve = await startServeProcess(
      [
        '-n',
        ns,
        '--kubeconfig',
        cluster().kubeconfigs.admin,
        '--config',
        config,
        '--auto-finish',
        'SR101',
        '--grace',
        '1s',
        '--evaluation-interval',
        '1s',
      ],
      { POD_NAME: 'storyctl-suppress-0' },
    );
    const settings = await serve.waitFor((l) => l.msg === 'settings', 5000, 'the settings line');
    expect(settings['config']).toBe(config);

    // The unsuppressed run: a Warning Event, then the repair.
    await eventually(
      async () => ((await run(KEPT)).metadata.annotations?.[AUDIT_ANNOTATIONS.finishedBy] ? true : undefined),
      20_000,
      `${KEPT} repaired`,
    );
    expect((await run(KEPT)).metadata.annotations?.[AUDIT_ANNOTATIONS.finishedBy]).toBe('storyctl-serve');
    const first = await serve.waitFor((l) => l.msg === 'first evaluation', 5000, 'the first evaluation');
    expect(first['suppressed']).toBe(2);
    // Several more evaluations past the grace: the suppressed runs stay as they are.
    const evaluations = async (): Promise<number> =>
      (await serve!.sample('storyctl_last_evaluation_timestamp_seconds')) ?? 0;
    const since = await evaluations();
    await eventually(
      async () => ((await evaluations()) >= since + 3 ? true : undefined),
      10_000,
      'three more evaluations',
    );

    for (const name of [BY_ANNOTATION, BY_CONFIG]) {
      const r = await run(name);
      expect(r.metadata.annotations?.[AUDIT_ANNOTATIONS.finishedBy], name).toBeUndefined();
      expect(r.status?.phase, name).toBe('Running');
    }
    const events = (await k.kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns })).items;
    const about = (name: string) => events.filter((e) => e.regarding?.name === name);
    expect(about(KEPT).map((e) => e.reason)).toEqual(
      expect.arrayContaining(['StalledGracefulCancel', 'AutoFinished']),
    );
    expect(about(BY_ANNOTATION)).toEqual([]);
    expect(about(BY_CONFIG)).toEqual([]);

    expect(
      serve.lines.filter((l) => l.msg === 'finding' && l['state'] === 'suppressed').map((l) => l['subject']),
    ).toEqual(expect.arrayContaining([`StoryRun ${ns}/${BY_ANNOTATION}`, `StoryRun ${ns}/${BY_CONFIG}`]));
    const repaired = serve.lines.filter((l) => l.msg.startsWith('auto-repair:')).map((l) => l['run']);
    expect(repaired).toContain(`${ns}/${KEPT}`);
    expect(repaired).not.toContain(`${ns}/${BY_ANNOTATION}`);
    expect(repaired).not.toContain(`${ns}/${BY_CONFIG}`);
    expect(
      await serve.sample(
        `storyctl_suppressed_findings{rule="SR101",namespace="${ns}",suppression="annotation"}`,
      ),
    ).toBe(1);
    expect(
      await serve.sample(`storyctl_suppressed_findings{rule="SR101",namespace="${ns}",suppression="config"}`),
    ).toBe(1);
    // The repaired run's finding is gone; the suppressed ones never counted.
    expect(await serve.sample(`storyctl_findings{rule="SR101",severity="error",namespace="${ns}"}`)).toBe(0);
  });
});

const kubectl = findTool('kubectl', 'STORYCTL_KUBECTL', 'kubernetes-client');

describe.skipIf(!useCluster())('deploy/serve/with-config on the real apiserver', () => {
  describeWithTool(kubectl, 'kubectl apply', (bin) => {
    beforeAll(async () => {
      // A server dry run admits nothing into a namespace that does not exist (NamespaceLifecycle).
      await clients('admin')
        .core.createNamespace({ body: { metadata: { name: 'storyctl-system' } } })
        .catch((error: unknown) => {
          if ((error as { code?: number }).code !== 409) throw error;
        });
    });

    it('--dry-run=server -k: the ConfigMap, mounted, and --config in the args', () => {
      const r = spawnSync(
        bin,
        [
          '--kubeconfig',
          cluster().kubeconfigs.admin,
          'apply',
          '--dry-run=server',
          '-k',
          'deploy/serve/with-config',
        ],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          timeout: 60_000,
          env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
        },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        /^configmap\/storyctl-config (created|configured|unchanged) \(server dry run\)$/m,
      );
      expect(r.stdout).toMatch(
        /^deployment\.apps\/storyctl (created|configured|unchanged) \(server dry run\)$/m,
      );
      const rendered = spawnSync(bin, ['kustomize', 'deploy/serve/with-config'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      expect(rendered.stdout).toContain('- --config\n        - /etc/storyctl/storyctl.yaml');
      expect(rendered.stdout).toMatch(/mountPath: \/etc\/storyctl\n\s+name: config\n\s+readOnly: true/);
    });
  });
});
