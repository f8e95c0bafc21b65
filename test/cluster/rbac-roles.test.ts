// storyctl's RBAC roles (deploy/rbac, the shipped files) on the real apiserver, next to the
// Bobrapet operator's own helper roles (fixtures/operator-rbac: config/rbac/*.yaml at v0.1.12).
// Each user is a ServiceAccount with exactly the roles a test names; the proof is the apiserver's
// own answer: SelfSubjectAccessReview as that user, and `storyctl finish --force-terminal` run with
// that user's kubeconfig.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  RbacAuthorizationV1Api,
  type V1ClusterRole,
  type V1ResourceAttributes,
} from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUPS, type StoryRun } from '../../src/model/kube.js';
import type { Permission } from '../../src/repair/plan.js';
import { runCli } from '../support/cli.js';
import { ControllerSim } from '../support/controller-sim.js';
import { isStatus, RUNS } from '../support/kube-clients.js';
import { kustomizationResources, readManifests, REPO_ROOT, type Manifest } from '../support/manifests.js';
import { createSeedScenario, requestCancel, SEED_STEPS } from '../support/scenario.js';
import {
  canI,
  serviceAccountUser,
  subjectOf,
  bindClusterRole,
  type SaUser,
} from './service-account-users.js';
import { cluster, clients, useCluster, useNamespace } from './use-cluster.js';

const RBAC_DIR = join(REPO_ROOT, 'deploy', 'rbac');
const OPERATOR_DIR = join(REPO_ROOT, 'fixtures', 'operator-rbac');

const T0 = Date.parse('2026-04-22T18:00:00Z');
const CANCEL_AT = T0 + 300_000;
const NOW = CANCEL_AT + 60_000;

/** The four kinds doctor and watch read, as SSAR attributes (transports are cluster-scoped). */
const KINDS = [
  { group: GROUPS.runs, resource: 'storyruns', namespaced: true },
  { group: GROUPS.runs, resource: 'stepruns', namespaced: true },
  { group: GROUPS.stories, resource: 'stories', namespaced: true },
  { group: GROUPS.transports, resource: 'transports', namespaced: false },
] as const;
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/** The operator roles a team that "has the editor role" is given: editor on the three namespaced kinds. */
const OPERATOR_EDITOR = ['runs-storyrun-editor-role', 'runs-steprun-editor-role', 'story-editor-role'];
/** Transports are cluster-scoped: a team reads them through a cluster-wide binding of the viewer role. */
const OPERATOR_TRANSPORT_VIEWER = 'transport-transport-viewer-role';

interface FinishJson {
  runs: { name: string; action: string; permissions: Permission[] }[];
  results?: { name: string; outcome: string; writes: { write: string }[] }[];
}

function attributes(p: Permission): V1ResourceAttributes {
  return {
    verb: p.verb,
    group: p.group,
    resource: p.resource,
    namespace: p.namespace,
    ...(p.subresource ? { subresource: p.subresource } : {}),
  };
}

/** A shipped example binding, pointed at one test user (and namespace); its roleRef is kept as shipped. */
function exampleBinding(file: string, index: number, user: SaUser, namespace?: string): Manifest {
  const shipped = readManifests(join(RBAC_DIR, 'examples', file))[index];
  if (!shipped) throw new Error(`${file} has no document ${index}`);
  return {
    ...shipped,
    metadata: {
      ...shipped.metadata,
      name: `${shipped.metadata.name}-${user.name}`,
      ...(namespace ? { namespace } : {}),
    },
    subjects: [subjectOf(user)],
  };
}

describe.skipIf(!useCluster())('storyctl RBAC roles with the operator roles (real apiserver)', () => {
  const ns = useNamespace('rbac');
  const users: Record<'editor' | 'repairer' | 'viewer' | 'bare', SaUser> = {} as never;

  beforeAll(async () => {
    const admin = clients('admin');
    const rbac = admin.kc.makeApiClient(RbacAuthorizationV1Api);
    const operatorRoles = readdirSync(OPERATOR_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => readManifests(join(OPERATOR_DIR, f)));
    const shipped = kustomizationResources(RBAC_DIR);
    expect(shipped.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ClusterRole/storyctl-repairer',
      'ClusterRole/storyctl-viewer',
    ]);
    // The shipped roles may be there already (deploy-manifests.test.ts applies deploy/serve): replace them.
    for (const role of [...operatorRoles, ...shipped]) {
      const body = role as unknown as V1ClusterRole;
      try {
        await rbac.createClusterRole({ body });
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
        await rbac.replaceClusterRole({ name: role.metadata.name, body });
      }
    }

    for (const name of ['editor', 'repairer', 'viewer', 'bare'] as const)
      users[name] = await serviceAccountUser(cluster(), admin, ns, name);
    for (const user of [users.editor, users.repairer]) {
      for (const role of OPERATOR_EDITOR) await bindClusterRole(admin, user, role, ns);
      await bindClusterRole(admin, user, OPERATOR_TRANSPORT_VIEWER);
    }
    // The repairer's extra grant, through the shipped example RoleBinding (its first document).
    const repairerBinding = exampleBinding('repairer-rolebinding.yaml', 0, users.repairer, ns);
    expect(repairerBinding).toMatchObject({ kind: 'RoleBinding', roleRef: { name: 'storyctl-repairer' } });
    await rbac.createNamespacedRoleBinding({ namespace: ns, body: repairerBinding as never });
    // The viewer: only storyctl-viewer, cluster-wide, through the shipped example ClusterRoleBinding.
    const viewerBinding = exampleBinding('viewer-clusterrolebinding.yaml', 0, users.viewer);
    expect(viewerBinding).toMatchObject({ kind: 'ClusterRoleBinding', roleRef: { name: 'storyctl-viewer' } });
    await rbac.createClusterRoleBinding({ body: viewerBinding as never });
  });

  /** The seed canceled and observed by the controller, then left to stall (SR101 at NOW). */
  async function stalledRun(name: string): Promise<void> {
    const k = clients('admin');
    await createSeedScenario(k, ns, name, T0);
    await requestCancel(k, ns, name);
    expect((await new ControllerSim(k).reconcile(ns, name, CANCEL_AT)).action).toBe('waiting');
  }

  async function getRun(name: string): Promise<StoryRun> {
    return (await clients('admin').custom.getNamespacedCustomObject({
      ...RUNS,
      plural: 'storyruns',
      namespace: ns,
      name,
    })) as StoryRun;
  }

  function finish(user: SaUser, args: string[]) {
    return runCli(['finish', ...args, '-n', ns, '--kubeconfig', user.kubeconfig], { now: NOW });
  }

  /** What the planner will write for `name`, from finish's own plan (client dry run). */
  async function plannedPermissions(user: SaUser, name: string): Promise<Permission[]> {
    const out = await finish(user, [name, '--force-terminal', '--dry-run=client', '-o', 'json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const plan = JSON.parse(out.stdout) as FinishJson;
    expect(plan.runs[0]).toMatchObject({ name, action: 'repair' });
    return plan.runs[0]?.permissions ?? [];
  }

  it('no role needs selfsubjectaccessreviews: every authenticated user may ask (system:basic-user)', async () => {
    // `bare` has no binding at all, yet its review is answered (allowed: false), not refused.
    expect(
      await canI(users.bare, { verb: 'list', group: GROUPS.runs, resource: 'storyruns', namespace: ns }),
    ).toBe(false);
    const basic = await clients('admin')
      .kc.makeApiClient(RbacAuthorizationV1Api)
      .readClusterRoleBinding({ name: 'system:basic-user' });
    expect(basic.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' },
    ]);
  });

  it("the operator's editor roles alone cannot patch storyruns/status: finish is refused before any write", async () => {
    await stalledRun('call-editor');
    const permissions = await plannedPermissions(users.editor, 'call-editor');
    expect(
      permissions.map((p) => `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}`),
    ).toEqual(['patch storyruns', 'patch storyruns/status', 'delete stepruns']);
    const allowed = await Promise.all(permissions.map((p) => canI(users.editor, attributes(p))));
    // The editor may patch the run and delete StepRuns; /status is `get` only in every operator role.
    expect(allowed).toEqual([true, false, true]);

    const before = await getRun('call-editor');
    const out = await finish(users.editor, ['call-editor', '--force-terminal', '--yes']);
    expect(out.code).toBe(4);
    expect(out.stderr).toMatch(
      /refused before any write: editor .* may not patch storyruns\/status\.runs\.bubustack\.io/,
    );
    expect((await getRun('call-editor')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('editor + storyctl-repairer may do every write the planner needs, and finish repairs the run', async () => {
    await stalledRun('call-repairer');
    const permissions = await plannedPermissions(users.repairer, 'call-repairer');
    expect(permissions.length).toBe(3);
    for (const p of permissions)
      expect(await canI(users.repairer, attributes(p)), JSON.stringify(p)).toBe(true);
    // Events about the repair (events.k8s.io/v1), for serve and a later finish.
    for (const verb of ['create', 'patch'])
      expect(
        await canI(users.repairer, { verb, group: 'events.k8s.io', resource: 'events', namespace: ns }),
      ).toBe(true);

    const out = await finish(users.repairer, ['call-repairer', '--force-terminal', '--yes', '-o', 'json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const result = (JSON.parse(out.stdout) as FinishJson).results?.[0];
    expect(result).toMatchObject({ name: 'call-repairer', outcome: 'applied' });
    expect(result?.writes.map((w) => w.write)).toEqual([
      // The audit before the status: no crash point leaves the run terminal but unaudited.
      'annotations',
      'status',
      ...SEED_STEPS.map(() => 'delete-steprun'),
    ]);
    const run = await getRun('call-repairer');
    expect(run.status?.phase).toBe('Finished');
    expect(run.metadata.annotations?.['storyctl.bubustack.io/finished-by']).toBe('repairer');
  });

  it('the repairer grant is namespaced: the same user may not write in another namespace', async () => {
    const elsewhere = {
      group: GROUPS.runs,
      resource: 'storyruns',
      subresource: 'status',
      namespace: 'default',
    };
    expect(await canI(users.repairer, { verb: 'patch', ...elsewhere })).toBe(false);
  });

  it('storyctl-viewer lists and watches the four kinds, in a namespace and across all, and writes nothing', async () => {
    for (const kind of KINDS) {
      for (const verb of ['get', 'list', 'watch']) {
        const base = { verb, group: kind.group, resource: kind.resource };
        expect(await canI(users.viewer, base), `${verb} ${kind.resource} cluster-wide`).toBe(true);
        if (kind.namespaced) expect(await canI(users.viewer, { ...base, namespace: ns })).toBe(true);
      }
      for (const verb of WRITE_VERBS) {
        for (const subresource of [undefined, 'status']) {
          const attrs: V1ResourceAttributes = {
            verb,
            group: kind.group,
            resource: kind.resource,
            ...(subresource ? { subresource } : {}),
            ...(kind.namespaced ? { namespace: ns } : {}),
          };
          expect(await canI(users.viewer, attrs), `${verb} ${kind.resource}/${subresource ?? ''}`).toBe(
            false,
          );
        }
      }
    }
    expect(
      await canI(users.viewer, { verb: 'create', group: 'events.k8s.io', resource: 'events', namespace: ns }),
    ).toBe(false);

    // What doctor really does with it: a complete read of every kind, nothing unavailable.
    await stalledRun('call-viewer');
    const doctor = await runCli(
      ['doctor', '-A', '-o', 'json', '--fail-on', 'none', '--kubeconfig', users.viewer.kubeconfig],
      {
        now: NOW,
      },
    );
    expect(doctor.code).toBe(0);
    const report = JSON.parse(doctor.stdout) as {
      findings: { ruleId: string; subject?: { name?: string } }[];
    };
    expect(report.findings.some((f) => f.ruleId === 'SR101' && f.subject?.name === 'call-viewer')).toBe(true);
    expect(doctor.stderr).not.toMatch(/forbidden|unavailable/i);

    const refused = await finish(users.viewer, ['call-viewer', '--force-terminal', '--yes']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/refused before any write: viewer/);
  });
});
