// Snapshot reader tests: the shared builders (test/support/objects.ts) as the plain mappings
// `kubectl get -o yaml` prints, objects the reader does not know, and a scratch directory per test.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { makeRun, makeStep, makeStory, makeTransport, NS, STARTED_AT, plain } from '../../support/objects.js';

export function run(name: string, namespace = NS, phase = 'Running'): Record<string, unknown> {
  return plain(makeRun({ name, namespace, status: { phase, startedAt: STARTED_AT } }));
}

export function step(runName: string, stepId: string, namespace = NS): Record<string, unknown> {
  return plain(makeStep(runName, stepId, { namespace }));
}

export function story(name: string, namespace = NS): Record<string, unknown> {
  return plain(makeStory({ name, namespace, pattern: 'realtime', steps: ['voice-agent'], transports: [] }));
}

export function transport(name: string): Record<string, unknown> {
  return plain(makeTransport(name, { streaming: { lifecycle: { drainTimeoutSeconds: 120 } } }));
}

export function configMap(name: string, namespace = NS): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data: { 'agent.yaml': 'x: 1' },
  };
}

export function list(items: unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}

const scratch: string[] = [];

afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A fresh directory holding `files` (relative path → content), removed after the test. */
export async function scratchDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'storyctl-snapshot-'));
  scratch.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  return dir;
}
