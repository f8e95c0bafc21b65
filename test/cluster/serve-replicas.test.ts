// Two `storyctl serve` replicas with auto-repair under one Lease, on the real apiserver, each with
// the permissions deploy/serve/auto-repair gives it (a ServiceAccount bound to the shipped
// storyctl-viewer and storyctl-repairer ClusterRoles and to the Lease Role of
// deploy/serve/base/lease-rbac.yaml): exactly one repairs; killed (SIGKILL: no release), the other
// takes the Lease over within its duration and repairs what comes next; a replica whose Lease is
// taken stops repairing at once, and repairs again when it has it back. A serve whose
// ServiceAccount has storyctl-viewer only still exports its findings, and says clearly why it
// does not repair. Lease duration 4 s and grace 1 s keep this under a minute.
import {
  CoordinationV1Api,
  RbacAuthorizationV1Api,
  V1MicroTime,
  type V1ClusterRole,
} from '@kubernetes/client-node';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoryRun } from '../../src/model/kube.js';
import { AUDIT_ANNOTATIONS } from '../../src/repair/plan.js';
import { leaseTimings } from '../../src/serve/lease.js';
import { ControllerSim } from '../support/controller-sim.js';
import { isStatus, RUNS } from '../support/kube-clients.js';
import { readManifests, REPO_ROOT, type Manifest } from '../support/manifests.js';
import { createSeedScenario, requestCancel } from '../support/scenario.js';
import { eventually, startServeProcess, type ServeProcess } from './serve-process.js';
import { bindClusterRole, serviceAccountUser, type SaUser } from './service-account-users.js';
import { cluster, clients, useCluster, useNamespace } from './use-cluster.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const CANCEL_AT = T0 + 300_000;
const LEASE = 'storyctl-serve';
const LEASE_SECONDS = 4;

describe.skipIf(!useCluster())('storyctl serve replicas under a Lease', () => {
  const ns = useNamespace('serve-ha');
  const readOnlyNs = useNamespace('serve-ro');
  const users: Record<'repairer' | 'viewer', SaUser> = {} as never;
  const procs: ServeProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await p.stop('SIGKILL');
  });

  beforeAll(async () => {
    const admin = clients('admin');
    const rbac = admin.kc.makeApiClient(RbacAuthorizationV1Api);
    for (const file of ['storyctl-viewer.yaml', 'storyctl-repairer.yaml']) {
      for (const role of readManifests(join(REPO_ROOT, 'deploy', 'rbac', file))) {
        const body = role as unknown as V1ClusterRole;
        await rbac.createClusterRole({ body }).catch(async (error: unknown) => {
          if (!isStatus(error, 409)) throw error;
          await rbac.replaceClusterRole({ name: role.metadata.name, body });
        });
      }
    }
    users.repairer = await serviceAccountUser(cluster(), admin, ns, 'storyctl');
    await bindClusterRole(admin, users.repairer, 'storyctl-viewer');
    await bindClusterRole(admin, users.repairer, 'storyctl-repairer');
    // The shipped Lease Role and its binding, moved to this test's namespace.
    for (const m of readManifests(join(REPO_ROOT, 'deploy', 'serve', 'base', 'lease-rbac.yaml'))) {
      const body = inNamespace(m, ns);
      if (m.kind === 'Role') await rbac.createNamespacedRole({ namespace: ns, body: body as never });
      else await rbac.createNamespacedRoleBinding({ namespace: ns, body: body as never });
    }
    users.viewer = await serviceAccountUser(cluster(), admin, readOnlyNs, 'viewer');
    await bindClusterRole(admin, users.viewer, 'storyctl-viewer');
  });

  async function stalledRun(namespace: string, name: string): Promise<void> {
    const k = clients('admin');
    await createSeedScenario(k, namespace, name, T0);
    await requestCancel(k, namespace, name);
    expect((await new ControllerSim(k).reconcile(namespace, name, CANCEL_AT)).action).toBe('waiting');
  }

  async function finishedBy(namespace: string, name: string): Promise<string | undefined> {
    const run = (await clients('admin').custom.getNamespacedCustomObject({
      ...RUNS,
      plural: 'storyruns',
      namespace,
      name,
    })) as StoryRun;
    return run.metadata.annotations?.[AUDIT_ANNOTATIONS.finishedBy];
  }

  async function holder(): Promise<string | undefined> {
    const api = clients('admin').kc.makeApiClient(CoordinationV1Api);
    const lease = await api.readNamespacedLease({ name: LEASE, namespace: ns });
    return lease.spec?.holderIdentity;
  }

  const replicaArgs = (): string[] => [
    '-n',
    ns,
    '--kubeconfig',
    users.repairer.kubeconfig,
    '--auto-finish',
    'SR101,SR201,SR301',
    '--grace',
    '1s',
    '--lease-name',
    LEASE,
    '--lease-namespace',
    ns,
    '--lease-duration',
    `${LEASE_SECONDS}s`,
    '--evaluation-interval',
    '1s',
  ];

  it('exactly one replica repairs; killed, the other takes over within the lease duration', async () => {
    await stalledRun(ns, 'call-a');
    await stalledRun(ns, 'call-b');
    const a = await startServeProcess(replicaArgs(), { POD_NAME: 'storyctl-a' });
    procs.push(a);
    const b = await startServeProcess(replicaArgs(), { POD_NAME: 'storyctl-b' });
    procs.push(b);

    for (const name of ['call-a', 'call-b'])
      await eventually(async () => finishedBy(ns, name), 20_000, `${name} repaired`);
    expect(await finishedBy(ns, 'call-a')).toBe('storyctl-serve');
    const leaderId = await holder();
    const [leader, follower] = leaderId === a.identity ? [a, b] : [b, a];
    expect([a.identity, b.identity]).toContain(leaderId);

    const applied = (p: ServeProcess): number =>
      p.lines.filter((l) => l.msg === 'auto-repair: applied').length;
    const repairLogged = (p: ServeProcess, name: string): Promise<unknown> =>
      p.waitFor(
        (l) => l.msg === 'auto-repair: applied' && l['run'] === `${ns}/${name}`,
        10_000,
        `${name} logged`,
      );
    for (const name of ['call-a', 'call-b']) await repairLogged(leader, name);
    expect(applied(leader)).toBe(2);
    expect(applied(follower)).toBe(0);
    expect(await leader.sample('storyctl_repairs_total{rule="SR101",result="applied"}')).toBe(2);
    expect(await follower.sample('storyctl_repairs_total{rule="SR101",result="applied"}')).toBeUndefined();
    expect(await leader.sample('storyctl_lease_held')).toBe(1);
    expect(await follower.sample('storyctl_lease_held')).toBe(0);
    // Both serve metrics; the follower sees the same runs, through its own watch (on a loaded
    // machine a moment after the leader's repair log: read once, it was once still unset).
    const finished = `storyctl_storyruns{namespace="${ns}",phase="Finished"}`;
    await eventually(
      async () => ((await follower.sample(finished)) === 2 ? true : undefined),
      10_000,
      'both runs Finished on the follower',
    );
    // Events come from the leader only (the repairs' and the findings').
    const events = await clients('admin').core.listNamespacedEvent({ namespace: ns });
    const ours = events.items.filter(
      (e) => (e as { reportingComponent?: string }).reportingComponent === 'storyctl.bubustack.io/serve',
    );
    expect(ours.length).toBeGreaterThan(0);
    expect(new Set(ours.map((e) => (e as { reportingInstance?: string }).reportingInstance))).toEqual(
      new Set([leader === a ? 'storyctl-a' : 'storyctl-b']),
    );
    expect(ours.some((e) => e.reason === 'AutoFinished')).toBe(true);
    expect(ours.some((e) => e.reason === 'StalledGracefulCancel' && e.type === 'Warning')).toBe(true);

    // The leader dies without giving the Lease up.
    const killedAt = Date.now();
    await leader.stop('SIGKILL');
    await stalledRun(ns, 'call-c');
    await follower.waitFor((l) => l.msg.startsWith('lease acquired'), (LEASE_SECONDS + 5) * 1000, 'takeover');
    const tookOver = Date.now() - killedAt;
    const { retryPeriodMs } = leaseTimings(LEASE_SECONDS);
    // Expired a lease duration after the last renewal the follower saw, noticed on its next round.
    expect(tookOver).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + retryPeriodMs + 1000);
    expect(await holder()).toBe(follower.identity);
    await eventually(async () => finishedBy(ns, 'call-c'), 15_000, 'call-c repaired by the new leader');
    await repairLogged(follower, 'call-c');
    expect(applied(follower)).toBe(1);
    console.log(
      `[serve] lease taken over ${tookOver} ms after the leader was killed (lease ${LEASE_SECONDS}s)`,
    );

    // A graceful stop gives the Lease up and ends well within 5 s.
    const stopped = await follower.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);
    expect(await holder()).toBe('');
  });

  it('losing the Lease stops repairs at once', async () => {
    const p = await startServeProcess(replicaArgs(), { POD_NAME: 'storyctl-p' });
    procs.push(p);
    await p.waitFor((l) => l.msg.startsWith('lease acquired'), (LEASE_SECONDS + 5) * 1000, 'the Lease');
    // Someone else takes the Lease (another installation, an operator's hand): a fresh renewal in its name.
    const api = clients('admin').kc.makeApiClient(CoordinationV1Api);
    const steal = async (holderIdentity: string): Promise<void> => {
      const lease = await api.readNamespacedLease({ name: LEASE, namespace: ns });
      await api.replaceNamespacedLease({
        name: LEASE,
        namespace: ns,
        body: {
          metadata: { name: LEASE, namespace: ns, resourceVersion: lease.metadata?.resourceVersion ?? '' },
          spec: {
            holderIdentity,
            leaseDurationSeconds: 60,
            renewTime: new V1MicroTime(Date.now()),
            acquireTime: new V1MicroTime(Date.now()),
          },
        },
      });
    };
    const stolenAt = Date.now();
    await steal('intruder');
    await p.waitFor((l) => l.msg.startsWith('lease lost'), 5000, 'the loss');
    const { retryPeriodMs } = leaseTimings(LEASE_SECONDS);
    expect(Date.now() - stolenAt).toBeLessThanOrEqual(2 * retryPeriodMs + 1000);
    expect(await p.sample('storyctl_lease_held')).toBe(0);
    // A stall now is reported, not repaired: past its grace (1 s) and several evaluations.
    await stalledRun(ns, 'call-d');
    await p.waitFor(
      (l) => l.msg === 'finding' && l['rule'] === 'SR101' && String(l['subject']).endsWith('/call-d'),
      10_000,
      'the finding',
    );
    await new Promise((r) => setTimeout(r, 3000));
    expect(await finishedBy(ns, 'call-d')).toBeUndefined();
    expect(p.lines.filter((l) => l.msg.startsWith('auto-repair') && l['run'] === `${ns}/call-d`)).toEqual([]);
    // Given back (holder cleared): the replica takes it on its next round and repairs.
    await steal('');
    await eventually(
      async () => finishedBy(ns, 'call-d'),
      15_000,
      'call-d repaired after the Lease came back',
    );
    await p.stop('SIGTERM');
  });

  it('a read-only service account gets metrics and a clear refusal for repairs', async () => {
    await stalledRun(readOnlyNs, 'call-ro');
    const ro = await startServeProcess(
      ['-n', readOnlyNs, '--kubeconfig', users.viewer.kubeconfig, '--auto-finish', 'SR101', '--grace', '1s'],
      { POD_NAME: 'storyctl-ro' },
    );
    procs.push(ro);
    const refused = await ro.waitFor((l) => l.msg === 'auto-repair: refused', 20_000, 'the refusal');
    expect(String(refused['message'])).toMatch(
      new RegExp(
        `^refused by RBAC before any write: user "viewer" may not patch storyruns\\.runs\\.bubustack\\.io in namespace ${readOnlyNs}; patch storyruns/status\\.runs\\.bubustack\\.io in namespace ${readOnlyNs}; delete stepruns\\.runs\\.bubustack\\.io in namespace ${readOnlyNs}`,
      ),
    );
    await ro.waitFor((l) => l.msg === 'events: disabled', 5000, 'Events off');
    expect(await ro.ready()).toBe(true);
    expect(
      await ro.sample(`storyctl_findings{rule="SR101",severity="error",namespace="${readOnlyNs}"}`),
    ).toBe(1);
    expect(await ro.sample('storyctl_repairs_total{rule="SR101",result="refused"}')).toBe(1);
    expect(await finishedBy(readOnlyNs, 'call-ro')).toBeUndefined();
    expect(ro.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});

function inNamespace(m: Manifest, namespace: string): Manifest {
  const copy = structuredClone(m) as Manifest & { subjects?: { namespace?: string }[] };
  copy.metadata = { ...copy.metadata, namespace };
  for (const s of copy.subjects ?? []) s.namespace = namespace;
  return copy;
}
