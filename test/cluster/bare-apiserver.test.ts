// A second apiserver, started without Bobrapet's CRDs and with one request in flight at a time:
// the "Bobrapet not installed" error, then (CRDs installed) a scan that rides out 429s.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoryctlError } from '../../src/model/errors.js';
import { loadCluster, type RetryEvent } from '../../src/sources/cluster/index.js';
import { binariesIn } from './binaries.js';
import { installCrds } from './bootstrap.js';
import { readCrds, startCluster, type RunningCluster } from './harness.js';
import { cluster, useCluster } from './use-cluster.js';

const crdDir = join(import.meta.dirname, '..', '..', 'fixtures', 'crds');

describe.skipIf(!useCluster())('an apiserver without Bobrapet', () => {
  let bare: RunningCluster;

  beforeAll(async () => {
    const binaries = binariesIn(cluster().binDir);
    if (!binaries) throw new Error(`no binaries in ${cluster().binDir}, where the shared cluster came from`);
    bare = await startCluster({
      binaries,
      crdDir,
      crds: false,
      extraArgs: ['--max-requests-inflight=1', '--max-mutating-requests-inflight=1'],
    });
  });
  afterAll(async () => {
    await bare?.stop();
  });

  it('fails with one clear configuration error naming the missing CRDs and the server', async () => {
    let error: unknown;
    try {
      await loadCluster({ kubeconfig: bare.info.kubeconfigs.admin });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoryctlError);
    expect((error as StoryctlError).kind).toBe('config');
    expect((error as StoryctlError).message).toBe(
      'StoryRun CRD (storyruns.runs.bubustack.io), StepRun CRD (stepruns.runs.bubustack.io), Story CRD (stories.bubustack.io), ' +
        `Transport CRD (transports.transport.bubustack.io) are not installed on ${bare.info.server}: is Bobrapet installed?`,
    );
  });

  it('names only the CRD that is missing', async () => {
    await installCrds(
      bare.info,
      readCrds(crdDir).filter((c) => !JSON.stringify(c).includes('"transports.transport.bubustack.io"')),
    );
    await expect(loadCluster({ kubeconfig: bare.info.kubeconfigs.admin })).rejects.toThrow(
      `Transport CRD (transports.transport.bubustack.io) is not installed on ${bare.info.server}: is Bobrapet installed?`,
    );
  });

  it('retries 429 Too Many Requests (honouring Retry-After) and completes the scan', async () => {
    await installCrds(
      bare.info,
      readCrds(crdDir).filter((c) => JSON.stringify(c).includes('"transports.transport.bubustack.io"')),
    );
    const retries: RetryEvent[] = [];
    // Several scans at once against one in-flight slot: the apiserver answers many of them 429.
    // (As the read-only user: system:masters is exempt from the in-flight limit.)
    const scans = await Promise.all(
      Array.from({ length: 8 }, () =>
        loadCluster({
          kubeconfig: bare.info.kubeconfigs.readonly,
          allNamespaces: true,
          onRetry: (e) => retries.push(e),
        }),
      ),
    );
    expect(scans.every((s) => Object.keys(s.unavailable).length === 0)).toBe(true);
    expect(retries.some((r) => r.reason.startsWith('HTTP 429'))).toBe(true);
    // The apiserver asks for 1 s; the wait honours it rather than the shorter exponential backoff.
    expect(retries.filter((r) => r.reason.startsWith('HTTP 429')).every((r) => r.delayMs >= 1000)).toBe(true);
  });
});
