// Bring a fresh apiserver to the state the tests expect: ready, RBAC for the test users, CRDs
// Established and served. Everything goes through client-node as the admin user.
import type { ChildProcess } from 'node:child_process';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  VersionApi,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import type { ClusterInfo, TestUser } from './harness.js';
import { rawRequest } from './raw.js';

export function kubeConfigFor(info: ClusterInfo, user: TestUser): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(info.kubeconfigs[user]);
  return kc;
}

export async function waitForReady(
  info: ClusterInfo,
  procs: ChildProcess[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const dead = procs.find((p) => p.exitCode !== null || p.signalCode !== null);
    if (dead)
      throw new Error(
        `${dead.spawnfile} exited (${dead.exitCode ?? dead.signalCode}) before the apiserver was ready`,
      );
    try {
      // The CA file appears once the apiserver has generated its serving certificate.
      const kc = kubeConfigFor(info, 'admin');
      await kc.makeApiClient(VersionApi).getCode();
      // RBAC's bootstrap roles must exist before bindings to them mean anything.
      await kc.makeApiClient(RbacAuthorizationV1Api).readClusterRole({ name: 'system:discovery' });
      return;
    } catch (error) {
      last = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    }
    await sleep(250);
  }
  throw new Error(
    `the test apiserver at ${info.server} was not ready within ${timeoutMs / 1000} s (last: ${last})`,
  );
}

const BOBRAPET_RULES = [
  { apiGroups: ['runs.bubustack.io'], resources: ['storyruns', 'stepruns'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['bubustack.io'], resources: ['stories'], verbs: ['get', 'list', 'watch'] },
];
const TRANSPORT_RULE = {
  apiGroups: ['transport.bubustack.io'],
  resources: ['transports'],
  verbs: ['get', 'list', 'watch'],
};

/** readonly: read the four kinds; restricted: the same without transports; nobody: no binding. */
export async function installRbac(info: ClusterInfo): Promise<void> {
  const rbac = kubeConfigFor(info, 'admin').makeApiClient(RbacAuthorizationV1Api);
  const roles: { user: TestUser; role: string; rules: typeof BOBRAPET_RULES }[] = [
    { user: 'readonly', role: 'storyctl-test-readonly', rules: [...BOBRAPET_RULES, TRANSPORT_RULE] },
    { user: 'restricted', role: 'storyctl-test-no-transports', rules: BOBRAPET_RULES },
  ];
  for (const { user, role, rules } of roles) {
    await rbac.createClusterRole({ body: { metadata: { name: role }, rules } });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: role },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      },
    });
  }
}

export async function installCrds(info: ClusterInfo, crds: Record<string, unknown>[]): Promise<void> {
  const kc = kubeConfigFor(info, 'admin');
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  await Promise.all(
    crds.map(async (body) => {
      const res = await rawRequest(
        info,
        'admin',
        'POST',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        body,
      );
      if (res.status !== 201)
        throw new Error(
          `creating CRD failed (HTTP ${res.status}): ${JSON.stringify(res.body).slice(0, 2000)}`,
        );
    }),
  );
  const deadline = Date.now() + 60_000;
  for (const crd of crds as unknown as V1CustomResourceDefinition[]) {
    const name = crd.metadata?.name ?? '';
    const version = crd.spec.versions[0]?.name ?? 'v1alpha1';
    for (;;) {
      const got = await ext.readCustomResourceDefinition({ name });
      const established = got.status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      );
      if (established) {
        try {
          // Established can precede the handler serving the resource by a moment.
          const req = { group: crd.spec.group, version, plural: crd.spec.names.plural, limit: 1 };
          await (crd.spec.scope === 'Cluster'
            ? custom.listClusterCustomObject(req)
            : custom.listCustomObjectForAllNamespaces(req));
          break;
        } catch {
          // not served yet
        }
      }
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established within 60 s`);
      await sleep(100);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
