// Starts one real kube-apiserver + etcd for all cluster test files (see harness.ts). Without
// binaries the cluster tests are skipped with a message, unless STORYCTL_REQUIRE_APISERVER=1
// (CI): then the binaries are provisioned, and anything missing is a failure.
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findBinaries, provisionBinaries, type Binaries } from './binaries.js';
import { signalGroup, startCluster } from './harness.js';
import './provided.js';
import { CLUSTER_STATUS_ENV } from '../support/cluster-status-reporter.js';

const repoRoot = join(import.meta.dirname, '..', '..');

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const required = process.env['STORYCTL_REQUIRE_APISERVER'] === '1';
  let binaries: Binaries | undefined = findBinaries();
  if (!binaries && required) binaries = provisionBinaries(repoRoot);
  if (!binaries) {
    const reason =
      'cluster tests skipped: no kube-apiserver/etcd found (set KUBEBUILDER_ASSETS or STORYCTL_TEST_APISERVER_DIR, ' +
      'or run scripts/provision-apiserver.sh; STORYCTL_REQUIRE_APISERVER=1 makes this a failure)';
    // Said once, as the run's last line (test/support/cluster-status-reporter.ts).
    process.env[CLUSTER_STATUS_ENV] =
      `skipped: no kube-apiserver/etcd found (set STORYCTL_TEST_APISERVER_DIR or KUBEBUILDER_ASSETS, or run scripts/provision-apiserver.sh)`;
    project.provide('storyctlCluster', null);
    project.provide('storyctlClusterSkip', reason);
    return undefined;
  }
  const cluster = await startCluster({ binaries, crdDir: join(repoRoot, 'fixtures', 'crds') });
  process.env[CLUSTER_STATUS_ENV] =
    `against a real kube-apiserver (${binaries.dir}) at ${cluster.info.server}`;
  // If vitest dies without running the teardown, still take etcd and the apiserver down with it.
  const killOnExit = (): void => cluster.pids.forEach((pid) => signalGroup(pid, 'SIGKILL'));
  process.once('exit', killOnExit);
  project.provide('storyctlCluster', cluster.info);
  project.provide('storyctlClusterSkip', '');
  return async () => {
    process.off('exit', killOnExit);
    await cluster.stop();
  };
}
