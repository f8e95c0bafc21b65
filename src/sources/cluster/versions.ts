// What a cluster says about the Bobrapet it runs, for `storyctl version`. The CRDs carry no release
// (they are byte-identical from v0.1.5 to v0.1.12), so only their served versions are reported;
// the operator Deployment's image tag is the one reliable signal (the release workflow installs
// `ghcr.io/bubustack/bobrapet:vX.Y.Z`, the Helm chart `:X.Y.Z`). Either may be unreadable.
import { ApiextensionsV1Api, AppsV1Api, VersionApi, type V1Deployment } from '@kubernetes/client-node';
import {
  CONTROLLER_DEPLOYMENT,
  controllerImage,
  releaseFromImage,
  type DeploymentLike,
} from '../../contract/operator-release.js';
import type { ResolvedKubeConfig } from './kubeconfig.js';
import { ApiCaller, defaultPolicy, HttpStatusError } from './caller.js';
import { RESOURCES, resourceName } from './resources.js';

export type Readable<T> = { state: 'found'; value: T } | { state: 'missing' | 'forbidden'; reason: string };

export interface CrdVersions {
  name: string;
  served: string[];
  storage: string | undefined;
}

export interface OperatorImage {
  namespace: string;
  deployment: string;
  image: string;
  /** `v0.1.12` when the tag names a release; undefined for `latest`, a digest or another tag. */
  release: string | undefined;
}

export interface ClusterVersions {
  server: string;
  context: string;
  kubernetes: Readable<string>;
  crds: Readable<CrdVersions>[];
  operator: Readable<OperatorImage>;
}

// Where the shipped manifests put the controller, and how the rules' release detection
// (operator-release.ts) recognises it: one definition, in the contract.
const {
  namespace: DEFAULT_NAMESPACE,
  name: DEFAULT_DEPLOYMENT,
  labelSelector: LABEL,
} = CONTROLLER_DEPLOYMENT;

export async function readClusterVersions(
  cfg: ResolvedKubeConfig,
  timeoutSeconds: number,
): Promise<ClusterVersions> {
  const caller = new ApiCaller(cfg.server, defaultPolicy(timeoutSeconds), `context ${cfg.context}`);
  const ext = cfg.kc.makeApiClient(ApiextensionsV1Api);
  const apps = cfg.kc.makeApiClient(AppsV1Api);
  const kubernetes = await guard('the server version', () =>
    caller.call('read the server version', (o) => cfg.kc.makeApiClient(VersionApi).getCode(o)),
  ).then((r) => (r.state === 'found' ? { state: 'found' as const, value: r.value.gitVersion } : r));
  const crds = await Promise.all(
    Object.values(RESOURCES).map(async (r) => {
      const name = resourceName(r);
      const got = await guard(`customresourcedefinitions ${name}`, () =>
        caller.call(`read CRD ${name}`, (o) => ext.readCustomResourceDefinition({ name }, o)),
      );
      if (got.state !== 'found') return { ...got, reason: `${name}: ${got.reason}` };
      const versions = got.value.spec.versions;
      return {
        state: 'found' as const,
        value: {
          name,
          served: versions.filter((v) => v.served).map((v) => v.name),
          storage: versions.find((v) => v.storage)?.name,
        },
      };
    }),
  );
  return {
    server: cfg.server,
    context: cfg.context,
    kubernetes,
    crds,
    operator: await findOperator(caller, apps),
  };
}

async function findOperator(caller: ApiCaller, apps: AppsV1Api): Promise<Readable<OperatorImage>> {
  // Labelled Deployments anywhere (a Helm release may use another namespace), else the default name.
  const listed = await guard('deployments in all namespaces', () =>
    caller.call('list deployments', (o) => apps.listDeploymentForAllNamespaces({ labelSelector: LABEL }, o)),
  );
  if (listed.state === 'found') {
    for (const d of listed.value.items) {
      const image = operatorImage(d);
      if (image) return { state: 'found', value: image };
    }
  }
  const direct = await guard(`deployment ${DEFAULT_NAMESPACE}/${DEFAULT_DEPLOYMENT}`, () =>
    caller.call('read the operator deployment', (o) =>
      apps.readNamespacedDeployment({ namespace: DEFAULT_NAMESPACE, name: DEFAULT_DEPLOYMENT }, o),
    ),
  );
  if (direct.state === 'found') {
    const image = operatorImage(direct.value);
    if (image) return { state: 'found', value: image };
    return {
      state: 'missing',
      reason: `${DEFAULT_NAMESPACE}/${DEFAULT_DEPLOYMENT} has no bobrapet container`,
    };
  }
  if (listed.state === 'forbidden' && direct.state === 'forbidden') return direct;
  return {
    state: 'missing',
    reason: `no Deployment labelled ${LABEL}, and no ${DEFAULT_NAMESPACE}/${DEFAULT_DEPLOYMENT}`,
  };
}

function operatorImage(d: V1Deployment): OperatorImage | undefined {
  const image = controllerImage(d as DeploymentLike);
  if (!image) return undefined;
  return {
    namespace: d.metadata?.namespace ?? '',
    deployment: d.metadata?.name ?? '',
    image,
    release: releaseFromImage(image),
  };
}

async function guard<T>(what: string, read: () => Promise<T>): Promise<Readable<T>> {
  try {
    return { state: 'found', value: await read() };
  } catch (error) {
    if (error instanceof HttpStatusError && error.code === 403)
      return { state: 'forbidden', reason: `not readable (may not get ${what})` };
    if (error instanceof HttpStatusError && error.code === 404)
      return { state: 'missing', reason: 'not installed' };
    throw error;
  }
}
