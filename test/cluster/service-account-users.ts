// Test users made at run time: the harness's static tokens are fixed when the apiserver starts,
// so a test that needs a user with exactly one set of roles makes a ServiceAccount, asks the
// TokenRequest API for its token (no controller-manager runs to mint one) and writes a kubeconfig.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizationV1Api,
  RbacAuthorizationV1Api,
  type V1ResourceAttributes,
} from '@kubernetes/client-node';
import { clientsFor, type KubeClients } from '../support/kube-clients.js';
import { kubeconfigYaml, type ClusterInfo } from './harness.js';

export interface SaUser {
  /** `system:serviceaccount:<namespace>:<name>`: what RBAC subjects and the apiserver call it. */
  username: string;
  name: string;
  namespace: string;
  kubeconfig: string;
  clients: KubeClients;
}

let dir: string | undefined;

export async function serviceAccountUser(
  info: ClusterInfo,
  admin: KubeClients,
  namespace: string,
  name: string,
): Promise<SaUser> {
  await admin.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  return existingServiceAccountUser(info, admin, namespace, name);
}

/** A user for a ServiceAccount that already exists (say one a manifest made). */
export async function existingServiceAccountUser(
  info: ClusterInfo,
  admin: KubeClients,
  namespace: string,
  name: string,
): Promise<SaUser> {
  const request = await admin.core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`no token for service account ${namespace}/${name}`);
  dir ??= mkdtempSync(join(tmpdir(), 'storyctl-sa-users-'));
  const kubeconfig = join(dir, `${namespace}-${name}.yaml`);
  writeFileSync(kubeconfig, kubeconfigYaml(info.server, info.caFile, name, token), { mode: 0o600 });
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    name,
    namespace,
    kubeconfig,
    clients: clientsFor(kubeconfig),
  };
}

/** The RBAC subject for a service account user. */
export function subjectOf(user: SaUser): { kind: 'ServiceAccount'; name: string; namespace: string } {
  return { kind: 'ServiceAccount', name: user.name, namespace: user.namespace };
}

/** Bind a ClusterRole to the user in one namespace (RoleBinding) or cluster-wide (namespace undefined). */
export async function bindClusterRole(
  admin: KubeClients,
  user: SaUser,
  role: string,
  namespace?: string,
): Promise<void> {
  const rbac = admin.kc.makeApiClient(RbacAuthorizationV1Api);
  const body = {
    metadata: { name: `${user.namespace}-${user.name}-${role}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [subjectOf(user)],
  };
  if (namespace === undefined) await rbac.createClusterRoleBinding({ body });
  else await rbac.createNamespacedRoleBinding({ namespace, body });
}

/** Ask the apiserver, as `user`, whether it may do something (what `kubectl auth can-i` does). */
export async function canI(user: SaUser, attributes: V1ResourceAttributes): Promise<boolean> {
  const authz = user.clients.kc.makeApiClient(AuthorizationV1Api);
  const review = await authz.createSelfSubjectAccessReview({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: attributes },
    },
  });
  return review.status?.allowed === true;
}
