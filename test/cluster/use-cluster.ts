// Test-file side of the harness: the shared apiserver (inject), a namespace per test file, and
// the live doctor path (loadCluster + buildWorld + the cluster rules) as the CLI runs it.
import { randomBytes } from 'node:crypto';
import { beforeAll, inject } from 'vitest';
import { loadCluster, type LoadClusterOptions } from '../../src/sources/cluster/index.js';
import { buildWorld } from '../../src/model/world.js';
import type { Finding, NotEvaluated } from '../../src/model/report.js';
import { runClusterRules } from '../../src/rules/engine.js';
import { clusterRules } from '../../src/rules/index.js';
import { clientsFor, type KubeClients } from '../support/kube-clients.js';
import type { ClusterInfo, TestUser } from './harness.js';
import './provided.js';

/** The shared cluster, or null when the tests must skip (use with describe.skipIf). */
export function useCluster(): ClusterInfo | null {
  return inject('storyctlCluster');
}

export function skipReason(): string {
  return inject('storyctlClusterSkip');
}

/** The cluster, when a test runs at all (describe.skipIf has already handled null). */
export function cluster(): ClusterInfo {
  const c = inject('storyctlCluster');
  if (!c) throw new Error(`no test apiserver: ${inject('storyctlClusterSkip')}`);
  return c;
}

export function clients(user: TestUser = 'admin'): KubeClients {
  return clientsFor(cluster().kubeconfigs[user]);
}

/**
 * A fresh namespace for this test file: the name is returned at once, the namespace is created
 * in beforeAll. Namespaces are not deleted (no namespace controller runs); the apiserver goes away.
 */
export function useNamespace(prefix: string): string {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  beforeAll(async () => {
    if (!useCluster()) return;
    await clients('admin').core.createNamespace({ body: { metadata: { name } } });
  });
  return name;
}

export interface DoctorResult {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  unavailable: Record<string, string>;
  objects: number;
}

/** The live doctor without the CLI: what `storyctl doctor` computes before reporting. */
export async function liveDoctor(
  options: LoadClusterOptions & { user?: TestUser; now?: number; stopBudgetSeconds?: number },
): Promise<DoctorResult> {
  const { user = 'admin', now = Date.now(), stopBudgetSeconds = 30, ...load } = options;
  const live = await loadCluster({ kubeconfig: cluster().kubeconfigs[user], ...load });
  const world = buildWorld(live.objects, { unavailable: live.unavailable });
  const result = runClusterRules(clusterRules, world, { now, stopBudgetSeconds });
  return {
    ...result,
    unavailable: live.unavailable as Record<string, string>,
    objects: live.source.objects ?? 0,
  };
}

/** Findings of one rule, optionally for one subject name. */
export function findingsOf(result: { findings: Finding[] }, ruleId: string, name?: string): Finding[] {
  return result.findings.filter(
    (f) => f.ruleId === ruleId && (name === undefined || f.subject?.name === name),
  );
}
