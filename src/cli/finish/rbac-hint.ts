// What to do when the RBAC preflight refuses a repair: no role the Bobrapet operator ships grants
// `patch` on storyruns/status (its editor and admin roles give `get` only there), so the answer is
// storyctl's own repair role, deploy/rbac/storyctl-repairer.yaml, and a binding for the user.
import type { Permission } from '../../repair/run-plan.js';

export const REPAIRER_ROLE = 'storyctl-repairer';
export const REPAIRER_FILE = 'deploy/rbac/storyctl-repairer.yaml';
export const REPAIRER_URL = `https://raw.githubusercontent.com/bubustack/storyctl/main/${REPAIRER_FILE}`;

/**
 * Two lines: the file to apply, and the binding that gives it to `user` in the namespaces the
 * missing permissions are in (a RoleBinding per namespace; one ClusterRoleBinding for several).
 */
export function repairerHint(missing: readonly Permission[], user: string | undefined): string[] {
  const namespaces = [...new Set(missing.map((p) => p.namespace))].sort();
  const who = user ?? 'USER';
  const bind =
    namespaces.length === 1
      ? `kubectl create rolebinding ${REPAIRER_ROLE} --clusterrole=${REPAIRER_ROLE} --user=${who} -n ${namespaces[0] ?? ''}`
      : `kubectl create clusterrolebinding ${REPAIRER_ROLE}-${who} --clusterrole=${REPAIRER_ROLE} --user=${who}`;
  const why = missing.some((p) => p.subresource === 'status')
    ? "no role the Bobrapet operator ships may patch storyruns/status; storyctl's repair role grants exactly what finish writes"
    : "storyctl's repair role grants exactly what finish writes";
  return [
    `${why}: kubectl apply -f ${REPAIRER_FILE} (in the storyctl repository; or -f ${REPAIRER_URL})`,
    `then bind it: ${bind}`,
  ];
}
