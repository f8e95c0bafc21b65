// The operator's release as the cluster shows it (research/bobrapet.md B9): the image tag of the
// controller Deployment (`bobrapet-system/bobrapet-controller-manager`, label
// `control-plane=controller-manager`, container `manager`). The CRDs are identical across v0.1.5 to
// v0.1.12 and tell nothing. Reading Deployments needs apps/v1 get (and list for the fallback); when
// that is forbidden or nothing is found, the reason is returned and the caller falls back to
// --operator-version or what the objects themselves say.
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  CONTROLLER_DEPLOYMENT,
  controllerImage,
  releaseFromDeployment,
  type DeploymentLike,
  type OperatorRelease,
} from '../../contract/operator-release.js';
import { HttpStatusError, type ApiCaller } from './caller.js';

export interface DetectedRelease {
  release?: OperatorRelease;
  /** Why no release was read, for evidence: forbidden, not found, an image without a version tag. */
  note?: string;
}

export async function detectOperatorRelease(kc: KubeConfig, caller: ApiCaller): Promise<DetectedRelease> {
  const apps = kc.makeApiClient(AppsV1Api);
  const { namespace, name, labelSelector } = CONTROLLER_DEPLOYMENT;
  const fromDeployment = (d: DeploymentLike): DetectedRelease => {
    const r = releaseFromDeployment(d, 'live cluster');
    if (!r)
      return {
        note: `Deployment ${d.metadata?.namespace ?? ''}/${d.metadata?.name ?? ''} runs no bobrapet image`,
      };
    return 'release' in r ? { release: r.release } : { note: r.unreadable };
  };
  try {
    const d = await caller.call(`get deployment ${namespace}/${name}`, (options) =>
      apps.readNamespacedDeployment({ namespace, name }, options),
    );
    return fromDeployment(d as DeploymentLike);
  } catch (error) {
    if (!(error instanceof HttpStatusError)) throw error;
    if (error.code === 403)
      return {
        note: `cannot get deployments.apps in namespace ${namespace} (forbidden): the operator release is unknown`,
      };
    if (error.code !== 404)
      return { note: `cannot read Deployment ${namespace}/${name}: ${error.message} (HTTP ${error.code})` };
  }
  // Not where install.yaml puts it (a Helm release, another namespace): look for it by its label.
  try {
    const list = await caller.call(`list deployments -l ${labelSelector}`, (options) =>
      apps.listDeploymentForAllNamespaces({ labelSelector }, options),
    );
    const found = (list.items as DeploymentLike[]).find((d) => controllerImage(d) !== undefined);
    if (found) return fromDeployment(found);
    return { note: `no Deployment labelled ${labelSelector} runs a bubustack/bobrapet image` };
  } catch (error) {
    if (!(error instanceof HttpStatusError)) throw error;
    if (error.code === 403)
      return {
        note: `Deployment ${namespace}/${name} not found, and deployments.apps may not be listed in all namespaces (forbidden): the operator release is unknown`,
      };
    return { note: `cannot list Deployments: ${error.message} (HTTP ${error.code})` };
  }
}
