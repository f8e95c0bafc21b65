// The API clients the repair reads and writes with, built once from the resolved kubeconfig (the CLI
// resolves it; nothing here reads ~/.kube). Every call goes through the scan's ApiCaller, so writes
// get the same timeouts and 429 / 5xx retries as reads; a retried write is safe because it carries
// a resourceVersion (a duplicate becomes a 409 and a re-plan, never a second change). The reads
// themselves are in src/sources/cluster/run-reads.ts.
import { AuthorizationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { GROUPS, VERSION } from '../model/kube.js';
import { ApiCaller, defaultPolicy, type ResolvedKubeConfig } from '../sources/cluster/index.js';
import type { RunReader } from '../sources/cluster/run-reads.js';

export interface RepairClient extends RunReader {
  authz: AuthorizationV1Api;
  /** The kubeconfig user: `finished-by` in the audit trail. */
  user: string | undefined;
  context: string;
}

export function makeRepairClient(cfg: ResolvedKubeConfig, timeoutSeconds = 15): RepairClient {
  const who = cfg.user ? `context ${cfg.context}, user ${cfg.user}` : `context ${cfg.context}`;
  return {
    custom: cfg.kc.makeApiClient(CustomObjectsApi),
    authz: cfg.kc.makeApiClient(AuthorizationV1Api),
    caller: new ApiCaller(cfg.server, defaultPolicy(timeoutSeconds), who),
    user: cfg.user,
    context: cfg.context,
  };
}

/**
 * The name every write is recorded under in managedFields (client-node would otherwise leave the
 * server to name it after its HTTP library, `node-fetch`). Deletes take no field manager: they are
 * not recorded there.
 */
export const FIELD_MANAGER = 'storyctl';

export const RUNS_API = { group: GROUPS.runs, version: VERSION } as const;
