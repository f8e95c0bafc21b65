// Every manifest under deploy/ through the real kubectl against the real apiserver: a server-side
// dry run (admission, schema, RBAC escalation checks) of each folder and kustomization; then the
// serve base and the auto-repair overlay applied for real, and their ServiceAccount asked what it
// may do (SelfSubjectAccessReview with its own token): the base reads and holds its Lease, the
// overlay adds exactly the repairs. kubectl comes from STORYCTL_KUBECTL or PATH (Debian:
// kubernetes-client, 1.20.2, whose built-in kustomize is the oldest the manifests promise to work with).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUPS } from '../../src/model/kube.js';
import { readManifests, REPO_ROOT } from '../support/manifests.js';
import { describeWithTool, findTool } from '../support/tools.js';
import { canI, existingServiceAccountUser, type SaUser } from './service-account-users.js';
import { cluster, clients, useCluster } from './use-cluster.js';

const INSTALL_NS = 'storyctl-system';
/** The namespace of deploy/rbac/examples/repairer-rolebinding.yaml. */
const EXAMPLE_NS = 'voice-prod';

const kubectl = findTool('kubectl', 'STORYCTL_KUBECTL', 'kubernetes-client');

describe.skipIf(!useCluster())('deploy/ manifests on the real apiserver', () => {
  describeWithTool(kubectl, 'kubectl apply', (bin) => {
    const run = (...args: string[]) => {
      const r = spawnSync(bin, ['--kubeconfig', cluster().kubeconfigs.admin, ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    /**
     * stderr without the warnings that are about this test cluster or kubectl's age, not the manifests:
     * objects other tests made without `kubectl apply`, and newer kustomize's deprecation notes for the
     * kustomization fields kubectl 1.20's kustomize needs (`bases`, `patchesJson6902`).
     */
    const problems = (stderr: string): string[] =>
      stderr
        .split('\n')
        .filter(Boolean)
        .filter(
          (line) =>
            !/missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation|should only be used on resources created declaratively|automatically\.$/.test(
              line,
            ) && !/^# Warning: '(bases|patchesJson6902)' is deprecated/.test(line),
        );
    /** `kind.group/name` of every object a kustomization renders, as kubectl's apply output names them. */
    const rendered = (dir: string): string[] => {
      const r = run('kustomize', dir);
      expect(r.code, r.stderr).toBe(0);
      return [...r.stdout.matchAll(/^kind: (\S+)$/gm)].map((m) => m[1] ?? '');
    };

    beforeAll(async () => {
      // A server dry run admits nothing into a namespace that does not exist (NamespaceLifecycle).
      const core = clients('admin').core;
      for (const name of [INSTALL_NS, EXAMPLE_NS])
        await core.createNamespace({ body: { metadata: { name } } }).catch((error: unknown) => {
          if ((error as { code?: number }).code !== 409) throw error;
        });
    });

    /** The objects under a folder kubectl -f reads (its *.yaml files, not recursive). */
    const filesIn = (dir: string): number =>
      readdirSync(join(REPO_ROOT, dir))
        .filter((f) => /\.ya?ml$/.test(f))
        .flatMap((f) => readManifests(join(REPO_ROOT, dir, f))).length;
    const dryRuns: [string, string[], () => number][] = [
      ['-f deploy/rbac (the two ClusterRoles)', ['-f', 'deploy/rbac'], () => filesIn('deploy/rbac')],
      ['-k deploy/rbac', ['-k', 'deploy/rbac'], () => rendered('deploy/rbac').length],
      ['-f deploy/rbac/examples', ['-f', 'deploy/rbac/examples'], () => filesIn('deploy/rbac/examples')],
      ['-k deploy/serve/base', ['-k', 'deploy/serve/base'], () => rendered('deploy/serve/base').length],
      [
        '-k deploy/serve/auto-repair',
        ['-k', 'deploy/serve/auto-repair'],
        () => rendered('deploy/serve/auto-repair').length,
      ],
    ];
    for (const [title, args, objects] of dryRuns)
      it(`--dry-run=server ${title}`, () => {
        const r = run('apply', '--dry-run=server', ...args);
        expect(problems(r.stderr)).toEqual([]);
        expect(r.code).toBe(0);
        const lines = r.stdout.trim().split('\n');
        expect(lines.length, r.stdout).toBe(objects());
        for (const line of lines) expect(line).toMatch(/ (created|configured|unchanged) \(server dry run\)$/);
      });

    it('the kustomizations render the objects the README lists', () => {
      expect(rendered('deploy/serve/base').sort()).toEqual(
        [
          'ClusterRole',
          'ClusterRole',
          'ClusterRoleBinding',
          'Deployment',
          'Namespace',
          'Role',
          'RoleBinding',
          'Service',
          'ServiceAccount',
        ].sort(),
      );
      expect(rendered('deploy/serve/auto-repair').filter((k) => k === 'ClusterRoleBinding')).toHaveLength(2);
    });

    describe('applied for real: what the storyctl ServiceAccount may do', () => {
      let sa: SaUser;
      const lease = (verb: string, name?: string) => ({
        verb,
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: INSTALL_NS,
        ...(name ? { name } : {}),
      });
      const statusPatch = (namespace: string) => ({
        verb: 'patch',
        group: GROUPS.runs,
        resource: 'storyruns',
        subresource: 'status',
        namespace,
      });

      beforeAll(async () => {
        const r = run('apply', '-k', 'deploy/serve/base');
        expect(r.code, r.stderr).toBe(0);
        sa = await existingServiceAccountUser(cluster(), clients('admin'), INSTALL_NS, 'storyctl');
      });

      it('base: reads the four kinds everywhere, holds its own Lease, writes nothing else', async () => {
        for (const [group, resource] of [
          [GROUPS.runs, 'storyruns'],
          [GROUPS.runs, 'stepruns'],
          [GROUPS.stories, 'stories'],
          [GROUPS.transports, 'transports'],
        ] as const)
          for (const verb of ['list', 'watch']) expect(await canI(sa, { verb, group, resource })).toBe(true);
        expect(await canI(sa, lease('get', 'storyctl-serve'))).toBe(true);
        expect(await canI(sa, lease('update', 'storyctl-serve'))).toBe(true);
        expect(await canI(sa, lease('create'))).toBe(true);
        // Another component's Lease, or any Lease elsewhere, is not serve's to take.
        expect(await canI(sa, lease('update', 'someone-else'))).toBe(false);
        expect(
          await canI(sa, {
            verb: 'update',
            group: 'coordination.k8s.io',
            resource: 'leases',
            namespace: 'default',
          }),
        ).toBe(false);
        expect(await canI(sa, statusPatch('default'))).toBe(false);
        expect(
          await canI(sa, { verb: 'delete', group: GROUPS.runs, resource: 'stepruns', namespace: 'default' }),
        ).toBe(false);
        expect(
          await canI(sa, {
            verb: 'create',
            group: 'events.k8s.io',
            resource: 'events',
            namespace: 'default',
          }),
        ).toBe(false);
      });

      it('auto-repair overlay: adds the repairs and Events in every namespace, nothing more', async () => {
        const r = run('apply', '-k', 'deploy/serve/auto-repair');
        expect(r.code, r.stderr).toBe(0);
        expect(await canI(sa, statusPatch('default'))).toBe(true);
        expect(
          await canI(sa, { verb: 'patch', group: GROUPS.runs, resource: 'storyruns', namespace: 'default' }),
        ).toBe(true);
        expect(
          await canI(sa, { verb: 'delete', group: GROUPS.runs, resource: 'stepruns', namespace: 'default' }),
        ).toBe(true);
        expect(
          await canI(sa, {
            verb: 'create',
            group: 'events.k8s.io',
            resource: 'events',
            namespace: 'default',
          }),
        ).toBe(true);
        expect(
          await canI(sa, { verb: 'update', group: GROUPS.runs, resource: 'storyruns', namespace: 'default' }),
        ).toBe(false);
        expect(
          await canI(sa, { verb: 'delete', group: GROUPS.runs, resource: 'storyruns', namespace: 'default' }),
        ).toBe(false);

        const deployment = await clients('admin')
          .kc.makeApiClient(AppsV1Api)
          .readNamespacedDeployment({ namespace: INSTALL_NS, name: 'storyctl' });
        expect(deployment.spec?.replicas).toBe(2);
        expect(deployment.spec?.template.spec?.containers[0]?.args).toEqual([
          'serve',
          '-A',
          '--metrics-addr',
          ':9464',
          '--auto-finish',
          'SR101,SR201,SR301',
          '--grace',
          '2m',
          '--max-repairs-per-hour',
          '20',
          '--lease-name',
          'storyctl-serve',
          '--lease-namespace',
          '$(POD_NAMESPACE)',
        ]);
      });
    });
  });
});
