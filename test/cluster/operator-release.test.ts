// Every release in the field, on the real apiserver: storyctl reads the operator's release from the
// controller Deployment (install.yaml in bobrapet-system, or found by its label, as Helm installs
// it), says why when it cannot (forbidden, a :latest image, nothing installed), and explains the
// refusal of the cancel request by the webhook of releases before v0.1.11. The webhook is a small
// HTTPS server here that answers exactly as storyrun_webhook.go does before v0.1.11.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmissionregistrationV1Api, AppsV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { SPEC_IMMUTABLE_MESSAGE } from '../../src/contract/operator-release.js';
import { ApiCaller, defaultPolicy } from '../../src/sources/cluster/caller.js';
import { makeKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { detectOperatorRelease } from '../../src/sources/cluster/operator-release.js';
import { loadCluster } from '../../src/sources/cluster/index.js';
import { buildWorld } from '../../src/model/world.js';
import { runClusterRules } from '../../src/rules/engine.js';
import { clusterRules } from '../../src/rules/index.js';
import { runCli } from '../support/cli.js';
import { isStatus, mergePatch, type KubeClients } from '../support/kube-clients.js';
import { createSeedScenario } from '../support/scenario.js';
import { cluster, clients, useCluster, useNamespace } from './use-cluster.js';
import type { TestUser } from './harness.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function detect(user: TestUser = 'admin') {
  const cfg = makeKubeConfig({ kubeconfig: cluster().kubeconfigs[user], env: {} });
  return detectOperatorRelease(cfg.kc, new ApiCaller(cfg.server, defaultPolicy(10), user));
}

function controllerDeployment(namespace: string, image: string, managedBy = 'kustomize') {
  const labels = { 'app.kubernetes.io/name': 'bobrapet', 'control-plane': 'controller-manager' };
  return {
    metadata: {
      name: 'bobrapet-controller-manager',
      namespace,
      labels: { ...labels, 'app.kubernetes.io/managed-by': managedBy },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'manager',
              image,
              command: ['/manager'],
              args: [
                '--health-probe-bind-address=:8081',
                '--config-namespace=bobrapet-system',
                '--config-name=bobrapet-operator-config',
              ],
            },
          ],
        },
      },
    },
  };
}

async function ensureNamespace(k: KubeClients, name: string): Promise<void> {
  try {
    await k.core.createNamespace({ body: { metadata: { name } } });
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }
}

const created: { namespace: string; name: string }[] = [];
async function install(k: KubeClients, namespace: string, image: string, managedBy?: string): Promise<void> {
  await ensureNamespace(k, namespace);
  await k.kc
    .makeApiClient(AppsV1Api)
    .createNamespacedDeployment({ namespace, body: controllerDeployment(namespace, image, managedBy) });
  created.push({ namespace, name: 'bobrapet-controller-manager' });
}
async function uninstall(k: KubeClients): Promise<void> {
  const apps = k.kc.makeApiClient(AppsV1Api);
  for (const d of created.splice(0)) await apps.deleteNamespacedDeployment(d).catch(() => undefined);
}

describe.skipIf(!useCluster())('the operator release from the cluster (real apiserver)', () => {
  const ns = useNamespace('release');
  afterAll(async () => {
    if (useCluster()) await uninstall(clients('admin'));
  });

  it('says why when nothing is installed, and when Deployments may not be read', async () => {
    expect(await detect()).toEqual({
      note: 'no Deployment labelled control-plane=controller-manager runs a bubustack/bobrapet image',
    });
    // The readonly user reads the four Bobrapet kinds, not apps/v1.
    expect((await detect('readonly')).note).toMatch(
      /cannot get deployments\.apps in namespace bobrapet-system \(forbidden\)/,
    );
  });

  it('reads install.yaml (bobrapet-system, :v0.1.10), and the doctor evaluates the rules of that release', async () => {
    const k = clients('admin');
    await install(k, 'bobrapet-system', 'ghcr.io/bubustack/bobrapet:v0.1.10');
    expect(await detect()).toEqual({
      release: {
        version: 'v0.1.10',
        source: 'deployment-image',
        detail:
          'Deployment bobrapet-system/bobrapet-controller-manager image ghcr.io/bubustack/bobrapet:v0.1.10 (live cluster)',
      },
    });
    await createSeedScenario(k, ns, 'call-old', Date.parse('2026-04-22T18:00:00Z'));
    const live = await loadCluster({
      kubeconfig: cluster().kubeconfigs.admin,
      namespace: ns,
      detectOperator: true,
      env: {},
    });
    expect(live.operator?.version).toBe('v0.1.10');
    const world = buildWorld(live.objects, { operator: live.operator });
    const { findings } = runClusterRules(clusterRules, world, {
      now: Date.parse('2026-04-22T18:30:00Z'),
      stopBudgetSeconds: 30,
    });
    const ids = findings.map((f) => f.ruleId);
    expect(ids).toContain('SR104');
    // No cancel window before v0.1.12: the 120 s drain is not reported.
    expect(ids).not.toContain('SR102');
  });

  // The webhook's serving certificate comes from openssl (node cannot issue X.509 certificates).
  it.skipIf(!hasOpenssl())(
    'explains the webhook refusing the cancel request, naming the release, in finish (request-cancel)',
    async () => {
      const k = clients('admin');
      const webhook = await refusingWebhook(k, ns);
      try {
        const out = await runCli(
          ['finish', 'call-old', '-n', ns, '-o', 'json', '--kubeconfig', cluster().kubeconfigs.admin],
          {
            now: Date.parse('2026-04-22T18:30:00Z'),
          },
        );
        const result = (JSON.parse(out.stdout) as { results: { outcome: string; message: string }[] })
          .results[0];
        expect(result?.outcome).toBe('failed');
        expect(result?.message).toContain(
          "the operator's admission webhook refused spec.cancelRequested: release v0.1.10 (Deployment bobrapet-system/bobrapet-controller-manager",
        );
        expect(result?.message).toContain('v0.1.11 is the first release that accepts it');
        expect(result?.message).toContain(`denied the request: ${SPEC_IMMUTABLE_MESSAGE}`);
        // --operator-version names the release when the Deployment cannot be read (or for a snapshot).
        const flagged = await runCli(
          [
            'finish',
            'call-old',
            '-n',
            ns,
            '-o',
            'json',
            '--operator-version',
            '0.1.9',
            '--kubeconfig',
            cluster().kubeconfigs.admin,
          ],
          { now: Date.parse('2026-04-22T18:30:00Z') },
        );
        expect(flagged.stdout).toContain('release v0.1.9 (from --operator-version)');
      } finally {
        await webhook.close();
      }
    },
  );

  it('finds a Helm install by its label (:0.1.11) and reports a :latest image as naming no release', async () => {
    const k = clients('admin');
    await uninstall(k);
    await install(k, `${ns}-helm`, 'ghcr.io/bubustack/bobrapet:0.1.11', 'Helm');
    expect((await detect()).release).toMatchObject({ version: 'v0.1.11', source: 'deployment-image' });
    await uninstall(k);
    await install(k, 'bobrapet-system', 'ghcr.io/bubustack/bobrapet:latest');
    expect((await detect()).note).toMatch(
      /image ghcr\.io\/bubustack\/bobrapet:latest \(live cluster\) names no release/,
    );
    await uninstall(k);
  });
});

/**
 * A validating webhook for StoryRuns in `namespace` that answers as v0.1.5–v0.1.10 do: every spec
 * change of an existing run is refused with the operator's own message (a deleting object passes).
 */
async function refusingWebhook(k: KubeClients, namespace: string): Promise<{ close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'storyctl-webhook-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'));
  const server: Server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        request: {
          uid: string;
          operation: string;
          object?: Record<string, unknown>;
          oldObject?: Record<string, unknown>;
        };
      };
      const { uid, operation, object, oldObject } = review.request;
      const deleting = (object?.['metadata'] as { deletionTimestamp?: string } | undefined)
        ?.deletionTimestamp;
      const changed = JSON.stringify(object?.['spec']) !== JSON.stringify(oldObject?.['spec']);
      const allowed = operation !== 'UPDATE' || deleting !== undefined || !changed;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: allowed
            ? { uid, allowed: true }
            : {
                uid,
                allowed: false,
                status: { code: 403, reason: 'Forbidden', message: SPEC_IMMUTABLE_MESSAGE },
              },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  // Only this test's namespace: the other tests share the apiserver.
  await k.core.patchNamespace(
    { name: namespace, body: { metadata: { labels: { 'storyctl-test/webhook': 'bobrapet-v0.1.10' } } } },
    mergePatch(),
  );
  const admission = k.kc.makeApiClient(AdmissionregistrationV1Api);
  const name = `vstoryrun-${namespace}`;
  await admission.createValidatingWebhookConfiguration({
    body: {
      metadata: { name },
      webhooks: [
        {
          name: 'vstoryrun-v1alpha1.kb.io',
          clientConfig: {
            url: `https://127.0.0.1:${port}/validate-runs-bubustack-io-v1alpha1-storyrun`,
            caBundle: cert.toString('base64'),
          },
          rules: [
            {
              apiGroups: ['runs.bubustack.io'],
              apiVersions: ['v1alpha1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['storyruns'],
            },
          ],
          namespaceSelector: { matchLabels: { 'storyctl-test/webhook': 'bobrapet-v0.1.10' } },
          failurePolicy: 'Fail',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    },
  });
  // The apiserver picks the configuration up through its informer: wait until a spec change is refused.
  for (let i = 0; i < 100; i++) {
    const probe = await runCli(
      [
        'finish',
        'call-old',
        '-n',
        namespace,
        '--dry-run=server',
        '-o',
        'json',
        '--kubeconfig',
        cluster().kubeconfigs.admin,
      ],
      {
        now: Date.parse('2026-04-22T18:30:00Z'),
      },
    );
    if (probe.stdout.includes('denied the request')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    close: async () => {
      await admission.deleteValidatingWebhookConfiguration({ name });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
