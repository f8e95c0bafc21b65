// Starts one real kube-apiserver + etcd for all cluster test files (see harness.ts). Without
// binaries the cluster tests are skipped with a message, unless STORYCTL_REQUIRE_APISERVER=1
// (CI): then the binaries are provisioned, and anything missing is a failure.
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findBinaries, provisionBinaries, type Binaries } from './binaries.js';
import { signalGroup, startCluster } from './harness.js';
import './provided.js';

const repoRoot = join(import.meta.dirname, '..', '..');

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const required = process.env['STORYCTL_REQUIRE_APISERVER'] === '1';
  let binaries: Binaries | undefined = findBinaries();
  if (!binaries && required) binaries = provisionBinaries(repoRoot);
  if (!binaries) {
    const reason =
      'cluster tests skipped: no kube-apiserver/etcd found (set KUBEBUILDER_ASSETS or STORYCTL_TEST_APISERVER_DIR, ' +
      'or run scripts/provision-apiserver.sh; STORYCTL_REQUIRE_APISERVER=1 makes this a failure)';
    console.warn(`\n[storyctl] ${reason}\n`);
    project.provide('storyctlCluster', null);
    project.provide('storyctlClusterSkip', reason);
    return undefined;
  }
  const cluster = await startCluster({ binaries, crdDir: join(repoRoot, 'fixtures', 'crds') });
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
