// Builders for snapshot reader tests: objects shaped like `kubectl get -o yaml` prints them, and a
// scratch directory per test.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

export function run(name: string, namespace = 'livekit-voice', phase = 'Running'): Record<string, unknown> {
  return {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StoryRun',
    metadata: { name, namespace, finalizers: ['storyrun.bubustack.io/finalizer'] },
    spec: { storyRef: { name: 'livekit-voice-assistant' } },
    status: { phase, startedAt: '2026-04-22T18:13:19Z' },
  };
}

export function step(runName: string, stepId: string, namespace = 'livekit-voice'): Record<string, unknown> {
  return {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StepRun',
    metadata: { name: `${runName}-${stepId}`, namespace, labels: { 'bubustack.io/storyrun': runName } },
    spec: { stepId, storyRunRef: { name: runName } },
    status: { phase: 'Running', retries: 0 },
  };
}

export function story(name: string, namespace = 'livekit-voice'): Record<string, unknown> {
  return {
    apiVersion: 'bubustack.io/v1alpha1',
    kind: 'Story',
    metadata: { name, namespace },
    spec: { pattern: 'realtime', steps: [{ name: 'voice-agent', ref: { name: 'voice-agent' } }] },
  };
}

export function transport(name: string): Record<string, unknown> {
  return {
    apiVersion: 'transport.bubustack.io/v1alpha1',
    kind: 'Transport',
    metadata: { name },
    spec: { provider: 'livekit', driver: 'livekit', streaming: { lifecycle: { drainTimeoutSeconds: 120 } } },
  };
}

export function configMap(name: string, namespace = 'livekit-voice'): Record<string, unknown> {
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
