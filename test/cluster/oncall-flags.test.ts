// What an on-call engineer meets first (issue 13), on the real apiserver: the Bobrapet operator's
// own editor roles (their rules copied here from bubustack/bobrapet config/rbac/, identical
// v0.1.5 … v0.1.12) and the refusal that names storyctl's repair role, writes recorded under
// fieldManager `storyctl`, and kubectl's connection flags against the server's token auth.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, RbacAuthorizationV1Api, type V1PolicyRule } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoryRun } from '../../src/model/kube.js';
import type { Report } from '../../src/model/report.js';
import { runBin, runCli } from '../support/cli.js';
import { ControllerSim } from '../support/controller-sim.js';
import { RUNS, type KubeClients } from '../support/kube-clients.js';
import { createSeedScenario, requestCancel } from '../support/scenario.js';
import { clients, cluster, useCluster, useNamespace } from './use-cluster.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const CANCEL_AT = T0 + 300_000;
const NOW = CANCEL_AT + 60_000;

const EDITOR_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const VIEWER_VERBS = ['get', 'list', 'watch'];

/** config/rbac/<file>: rule 1 on the resource, rule 2 `get` on its status (B8 in the research notes). */
function operatorRole(group: string, resource: string, verbs: string[]): V1PolicyRule[] {
  return [
    { apiGroups: [group], resources: [resource], verbs },
    { apiGroups: [group], resources: [`${resource}/status`], verbs: ['get'] },
  ];
}

const OPERATOR_ROLES: Record<string, V1PolicyRule[]> = {
  'bobrapet-runs-storyrun-editor-role': operatorRole('runs.bubustack.io', 'storyruns', EDITOR_VERBS),
  'bobrapet-runs-steprun-editor-role': operatorRole('runs.bubustack.io', 'stepruns', EDITOR_VERBS),
  'bobrapet-story-viewer-role': operatorRole('bubustack.io', 'stories', VIEWER_VERBS),
  'bobrapet-transport-transport-viewer-role': operatorRole(
    'transport.bubustack.io',
    'transports',
    VIEWER_VERBS,
  ),
};

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

/** Bind cluster roles to a user or group in `ns`, then wait until the authorizer has seen it. */
async function bind(
  ns: string,
  name: string,
  roles: string[],
  subject: { kind: 'User' | 'Group'; name: string },
): Promise<void> {
  const rbac = clients('admin').kc.makeApiClient(RbacAuthorizationV1Api);
  for (const role of roles)
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: `${name}-${role}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }],
      },
    });
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
}

const admin = (): string => cluster().kubeconfigs.admin;
const report = (stdout: string): Report => JSON.parse(stdout) as Report;

const repoRoot = join(import.meta.dirname, '..', '..');

describe.skipIf(!useCluster())("the operator's roles and storyctl's writes (real apiserver)", () => {
  const ns = useNamespace('oncall-rbac');

  beforeAll(async () => {
    if (!useCluster()) return;
    // doctor runs as the built binary: in-process, its --request-timeout budget would count from
    // the test worker's start.
    if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js')))
      execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    const rbac = clients('admin').kc.makeApiClient(RbacAuthorizationV1Api);
    for (const [name, rules] of Object.entries(OPERATOR_ROLES))
      await rbac.createClusterRole({
        body: {
          metadata: {
            name,
            labels: { 'app.kubernetes.io/name': 'bobrapet', 'app.kubernetes.io/managed-by': 'kustomize' },
          },
          rules,
        },
      });
    const namespaced = Object.keys(OPERATOR_ROLES).filter((r) => !r.includes('transport'));
    await bind(ns, 'editor', namespaced, { kind: 'User', name: 'oncall-editor' });
    // Transports are cluster-scoped: their viewer role is bound cluster-wide.
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'oncall-editor-transports' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'bobrapet-transport-transport-viewer-role',
        },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'oncall-editor' }],
      },
    });
  });

  it("refuses an operator editor before any write and names storyctl's repair role to apply", async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-editor');
    const rv = (await getRun(k, ns, 'call-editor')).metadata.resourceVersion;
    const as = ['--kubeconfig', admin(), '--as', 'oncall-editor'];
    await eventually(async () =>
      (await runBin(['doctor', '-n', ns, '-o', 'json', ...as])).stdout.includes('"notEvaluated": []'),
    );
    // The editor reads everything doctor needs.
    const doctor = await runBin([
      'doctor',
      '-n',
      ns,
      '-o',
      'json',
      '--now',
      new Date(NOW).toISOString(),
      ...as,
    ]);
    expect(doctor.code).toBe(1);
    expect(report(doctor.stdout).notEvaluated).toEqual([]);

    const out = await runCli(['finish', 'call-editor', '-n', ns, '--force-terminal', '--yes', ...as], {
      now: NOW,
    });
    expect(out.code).toBe(4);
    expect(out.stderr.split('\n')).toEqual([
      `storyctl: refused before any write: oncall-editor (context storyctl-test-admin) may not patch storyruns/status.runs.bubustack.io in namespace ${ns}`,
      "storyctl: no role the Bobrapet operator ships may patch storyruns/status; storyctl's repair role grants exactly what finish writes: kubectl apply -f deploy/rbac/storyctl-repairer.yaml (in the storyctl repository; or -f https://raw.githubusercontent.com/bubustack/storyctl/main/deploy/rbac/storyctl-repairer.yaml)",
      `storyctl: then bind it: kubectl create rolebinding storyctl-repairer --clusterrole=storyctl-repairer --user=oncall-editor -n ${ns}`,
      '',
    ]);
    expect((await getRun(k, ns, 'call-editor')).metadata.resourceVersion).toBe(rv);
  });

  it('records every write under fieldManager storyctl, not node-fetch', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-fm');
    const out = await runCli(
      ['finish', 'call-fm', '-n', ns, '--force-terminal', '--yes', '--kubeconfig', admin()],
      { now: NOW },
    );
    expect(out.code).toBe(0);
    const run = (await getRun(k, ns, 'call-fm')) as unknown as {
      metadata: { managedFields?: { manager?: string; fieldsV1?: unknown }[] };
    };
    const managed = run.metadata.managedFields ?? [];
    const byStoryctl = managed.filter((m) => m.manager === 'storyctl');
    // The status and the audit annotations are owned by storyctl (the cancel was the webhook's).
    const owned = JSON.stringify(byStoryctl.map((m) => m.fieldsV1));
    expect(owned).toContain('"f:phase"');
    expect(owned).toContain('"f:storyctl.bubustack.io/finished-by"');
    // What storyctl wrote is nobody else's: node-fetch entries come from the test's own set-up.
    const fetchOwned = JSON.stringify(managed.filter((m) => m.manager !== 'storyctl').map((m) => m.fieldsV1));
    expect(fetchOwned).not.toContain('"f:storyctl.bubustack.io/finished-by"');
  });
});

describe.skipIf(!useCluster())("kubectl's connection flags (real apiserver, token auth)", () => {
  const ns = useNamespace('oncall-flags');
  let dir = '';

  beforeAll(async () => {
    if (!useCluster()) return;
    dir = mkdtempSync(join(tmpdir(), 'storyctl-flags-'));
    await createSeedScenario(clients('admin'), ns, 'call-1', T0);
    // Only group b may read here: a request that carries one group only is forbidden.
    await bind(ns, 'group-b', ['storyctl-test-readonly'], { kind: 'Group', name: 'oncall-group-b' });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** No kubeconfig anywhere: only the flags say where and who. */
  const bare = { env: { HOME: '/nonexistent' } };

  it('--server and --token work without a kubeconfig; TLS is checked unless --insecure-skip-tls-verify', async () => {
    const flags = [
      '-n',
      ns,
      '-o',
      'json',
      '--server',
      cluster().server,
      '--token',
      cluster().tokens.readonly,
    ];
    const ok = await runBin(['doctor', ...flags, '--insecure-skip-tls-verify'], bare);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(report(ok.stdout).sources[0]?.name).toBe(`storyctl-flags (${cluster().server})`);

    const tls = await runBin(['doctor', ...flags], bare);
    expect(tls.code).toBe(2);
    expect(tls.stderr).toContain('TLS to the API server');

    const wrong = await runBin(
      [
        'doctor',
        '-n',
        ns,
        '--server',
        cluster().server,
        '--token',
        'not-a-token',
        '--insecure-skip-tls-verify',
      ],
      bare,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('401 Unauthorized');
  });

  it('--user and --cluster pick entries of the kubeconfig other than the context names', async () => {
    const file = join(dir, 'two.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: broken',
        'clusters:',
        '- name: nowhere',
        '  cluster: {server: "https://127.0.0.1:1"}',
        '- name: test',
        `  cluster: {server: "${cluster().server}", certificate-authority: "${cluster().caFile}"}`,
        'users:',
        '- name: nobody',
        `  user: {token: "${cluster().tokens.nobody}"}`,
        '- name: reader',
        `  user: {token: "${cluster().tokens.readonly}"}`,
        'contexts:',
        '- name: broken',
        '  context: {cluster: nowhere, user: nobody, namespace: default}',
        '',
      ].join('\n'),
    );
    const r = await runBin([
      'doctor',
      '-n',
      ns,
      '-o',
      'json',
      '--kubeconfig',
      file,
      '--cluster',
      'test',
      '--user',
      'reader',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const unknown = await runBin(['doctor', '--kubeconfig', file, '--user', 'ghost']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('user "ghost" is not in the kubeconfig (known: nobody, reader)');
  });

  it('--as and --as-group impersonate, every group in its own header', async () => {
    const as = ['doctor', '-n', ns, '-o', 'json', '--kubeconfig', admin(), '--as', 'someone'];
    const runsForbidden = `cannot list storyruns.runs.bubustack.io in namespace ${ns}`;
    const reasons = async (...groups: string[]): Promise<string[]> => {
      const r = await runBin([...as, ...groups.flatMap((g) => ['--as-group', g])]);
      expect(r.code, r.stderr).toBe(3); // transports are cluster-scoped: not granted here
      return report(r.stdout).notEvaluated.map((n) => n.reason);
    };
    await eventually(async () => !(await reasons('oncall-group-b')).includes(runsForbidden));
    expect(await reasons('oncall-group-a', 'oncall-group-b')).not.toContain(runsForbidden);
    expect(await reasons('oncall-group-b', 'oncall-group-a')).not.toContain(runsForbidden);
    expect(await reasons('oncall-group-a')).toContain(runsForbidden);
  });

  it('-v 6 logs each request like kubectl, -v 7 its headers with the token masked', async () => {
    const six = await runBin(['doctor', '-n', ns, '-o', 'json', '--kubeconfig', admin(), '-v', '6']);
    expect(six.code).toBe(0);
    expect(six.stderr).toMatch(
      new RegExp(
        `^I\\d{4} [\\d:.]+\\] GET ${cluster().server.replace(/[.]/g, '\\.')}/apis/runs\\.bubustack\\.io/v1alpha1/namespaces/${ns}/storyruns\\?limit=500 200 OK in \\d+ milliseconds$`,
        'm',
      ),
    );
    expect(six.stderr).not.toContain('Request Headers');
    const seven = await runBin(['doctor', '-n', ns, '-o', 'json', '--kubeconfig', admin(), '-v=7']);
    expect(seven.stderr).toContain('authorization: Bearer <masked>');
    expect(seven.stderr).not.toContain(cluster().tokens.admin);
  });

  it('--request-timeout takes kubectl forms in doctor and finish', async () => {
    for (const t of ['5s', '1m', '5', '0']) {
      const d = await runBin([
        'doctor',
        '-n',
        ns,
        '-o',
        'json',
        '--kubeconfig',
        admin(),
        '--request-timeout',
        t,
      ]);
      expect(d.code, `doctor --request-timeout ${t}: ${d.stderr}`).toBe(0);
    }
    const f = await runCli(
      [
        'finish',
        'call-1',
        '-n',
        ns,
        '--force-terminal',
        '--dry-run',
        '--kubeconfig',
        admin(),
        '--request-timeout',
        '5s',
      ],
      { now: NOW },
    );
    expect(f.stderr).toBe('');
    expect(f.code).toBe(0);
    const bad = await runCli([
      'finish',
      'call-1',
      '-n',
      ns,
      '--kubeconfig',
      admin(),
      '--request-timeout',
      'soon',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a duration');
  });
});

describe.skipIf(!useCluster())('honest scope on a live cluster (real apiserver)', () => {
  const ns = useNamespace('oncall-scope');

  beforeAll(async () => {
    if (!useCluster()) return;
    await createSeedScenario(clients('admin'), ns, 'call-1', T0);
    // A namespace-scoped reader: the test users' read role, bound in this namespace only.
    await bind(ns, 'ns-reader', ['storyctl-test-readonly'], { kind: 'User', name: 'ns-reader' });
    await bind(ns, 'ns-lister', ['storyctl-test-readonly'], { kind: 'User', name: 'ns-lister' });
    const rbac = clients('admin').kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'oncall-list-namespaces' },
        rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list'] }],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'oncall-list-namespaces' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'oncall-list-namespaces',
        },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ns-lister' }],
      },
    });
  });

  it('doctor -n no-such-ns says that no StoryRuns were found in no-such-ns, and exits 0', async () => {
    const r = await runBin(['doctor', '-n', 'no-such-ns', '--kubeconfig', admin()]);
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/\n\s+/g, ' ');
    expect(text).toContain('No StoryRuns found in no-such-ns namespace.');
    expect(text).toContain(
      `scope: context storyctl-test-admin (${cluster().server}) · namespace no-such-ns · 0 StoryRuns · 0 StepRuns · 0 Stories ·`,
    );
    expect(text).toMatch(/✔ no findings in namespace no-such-ns\n/);
    const json = await runBin(['doctor', '-n', 'no-such-ns', '--kubeconfig', admin(), '-o', 'json']);
    expect(report(json.stdout).sources[0]?.scope).toMatchObject({
      context: 'storyctl-test-admin',
      namespaces: ['no-such-ns'],
      counts: { storyRuns: 0, stepRuns: 0, stories: 0 },
    });
  });

  it('puts the scope of a live namespace in the report: context, namespace and counts', async () => {
    const r = await runBin(['doctor', '-n', ns, '--kubeconfig', admin(), '-o', 'json', '-l', 'app=none']);
    expect(report(r.stdout).sources[0]?.scope).toEqual({
      context: 'storyctl-test-admin',
      namespaces: [ns],
      selector: 'app=none',
      counts: expect.objectContaining({ storyRuns: 0, stepRuns: 0, stories: 1 }),
    });
    const table = await runBin(['doctor', '-n', ns, '--kubeconfig', admin(), '-l', 'app=none']);
    expect(table.stdout).toContain(`No StoryRuns matching -l app=none found in ${ns} namespace.`);
  });

  it('a forbidden -A says where the user may read, or suggests -n', async () => {
    const as = (user: string) => ['doctor', '-A', '-o', 'json', '--kubeconfig', admin(), '--as', user];
    const canRead = async (user: string): Promise<boolean> => {
      const r = await runBin(['doctor', '-n', ns, '-o', 'json', '--kubeconfig', admin(), '--as', user]);
      return !r.stdout.includes('cannot list storyruns');
    };
    await eventually(async () => (await canRead('ns-reader')) && (await canRead('ns-lister')));
    const lister = await runBin(as('ns-lister'));
    expect(lister.code).toBe(3);
    expect(report(lister.stdout).notEvaluated.map((n) => n.reason)).toContain(
      `cannot list storyruns.runs.bubustack.io in all namespaces; you may list storyruns in namespace ${ns}: use -n ${ns}`,
    );
    const reader = await runBin(as('ns-reader'));
    expect(reader.code).toBe(3);
    expect(report(reader.stdout).notEvaluated.map((n) => n.reason)).toContain(
      "cannot list storyruns.runs.bubustack.io in all namespaces; use -n NAMESPACE (your context's namespace is default)",
    );
    const text = await runBin(['doctor', '-A', '--kubeconfig', admin(), '--as', 'ns-reader']);
    // Not "No StoryRuns found": they could not be read.
    expect(text.stdout).not.toContain('No StoryRuns found');
    expect(text.stdout.replace(/\n\s+/g, ' ')).toContain('StoryRuns not readable');
  });
});

describe.skipIf(!useCluster())('storyctl version (real apiserver)', () => {
  beforeAll(async () => {
    if (!useCluster()) return;
    const k = clients('admin');
    await k.core.createNamespace({ body: { metadata: { name: 'bobrapet-system' } } }).catch(() => undefined);
    // The operator as `make build-installer IMG=ghcr.io/bubustack/bobrapet:v0.1.12` installs it.
    await k.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: 'bobrapet-system',
      body: {
        metadata: {
          name: 'bobrapet-controller-manager',
          labels: {
            'control-plane': 'controller-manager',
            'app.kubernetes.io/name': 'bobrapet',
            'app.kubernetes.io/managed-by': 'kustomize',
          },
        },
        spec: {
          selector: { matchLabels: { 'control-plane': 'controller-manager' } },
          template: {
            metadata: { labels: { 'control-plane': 'controller-manager' } },
            spec: { containers: [{ name: 'manager', image: 'ghcr.io/bubustack/bobrapet:v0.1.12' }] },
          },
        },
      },
    });
  });

  it('prints the client version, the CRDs served versions and the operator image release', async () => {
    const r = await runBin(['version', '--kubeconfig', admin()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Client Version: storyctl \d+\.\d+\.\d+/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^Server: ${cluster().server.replace(/[.]/g, '\\.')} \\(context storyctl-test-admin\\), Kubernetes v1\\.20`,
      ),
    );
    expect(lines).toContain('  storyruns.runs.bubustack.io: served v1alpha1 (storage v1alpha1)');
    expect(lines).toContain('  transports.transport.bubustack.io: served v1alpha1 (storage v1alpha1)');
    expect(lines.at(-1)).toBe(
      'Bobrapet operator: bobrapet-system/bobrapet-controller-manager, image ghcr.io/bubustack/bobrapet:v0.1.12 (release v0.1.12)',
    );
  });

  it('says what a reader may not see, and --client contacts no server', async () => {
    const r = await runBin(['version', '--kubeconfig', cluster().kubeconfigs.readonly, '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      cluster: { crds: { state: string }[]; operator: { state: string; reason: string } };
    };
    expect(doc.cluster.crds.every((c) => c.state === 'forbidden')).toBe(true);
    expect(doc.cluster.operator).toEqual({
      state: 'forbidden',
      reason: 'not readable (may not get deployment bobrapet-system/bobrapet-controller-manager)',
    });
    const client = await runBin(['version', '--client', '--server', 'https://127.0.0.1:1'], {
      env: { HOME: '/nonexistent' },
    });
    expect(client.code).toBe(0);
    expect(client.stdout).toMatch(/^Client Version: storyctl \S+\n$/);
  });
});
