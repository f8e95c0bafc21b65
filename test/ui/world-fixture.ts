// An in-memory namespace as the watch would deliver it: a realtime voice Story on a LiveKit
// Transport with a 120 s drain, a call whose cancel has stalled, a call that the controller
// finished while its stepStates still say Running, and a healthy batch run.
import type { StepRun, Story, StoryRun, Transport } from '../../src/model/kube.js';
import { applyEvent, emptyObjects, type Objects } from '../../src/report/ui/dashboard-state.js';

export const NOW = Date.parse('2026-04-22T18:10:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

export const transport: Transport = {
  apiVersion: 'transport.bubustack.io/v1alpha1',
  kind: 'Transport',
  metadata: { name: 'livekit-webrtc' },
  spec: {
    provider: 'livekit',
    streaming: { lifecycle: { strategy: 'drain_cutover', drainTimeoutSeconds: 120 } },
  },
};

export const voiceStory: Story = {
  apiVersion: 'bubustack.io/v1alpha1',
  kind: 'Story',
  metadata: { name: 'voice-agent', namespace: 'voice' },
  spec: { pattern: 'realtime', transports: [{ name: 'livekit', transportRef: 'livekit-webrtc' }] },
};

export const batchStory: Story = {
  apiVersion: 'bubustack.io/v1alpha1',
  kind: 'Story',
  metadata: { name: 'batch', namespace: 'voice' },
  spec: { pattern: 'batch' },
};

export function run(
  name: string,
  story: string,
  status: StoryRun['status'],
  extra: { cancelAt?: number; createdAt?: number } = {},
): StoryRun {
  const r: StoryRun = {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StoryRun',
    metadata: {
      name,
      namespace: 'voice',
      creationTimestamp: iso(extra.createdAt ?? NOW - 300_000),
      resourceVersion: '10',
    },
    spec: { storyRef: { name: story } },
  };
  if (status) r.status = status;
  if (extra.cancelAt !== undefined) {
    r.spec = { ...r.spec, cancelRequested: true };
    r.metadata.annotations = { 'storyrun.bubustack.io/graceful-cancel-observed-at': iso(extra.cancelAt) };
  }
  return r;
}

export function step(runName: string, stepId: string, phase: string): StepRun {
  return {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StepRun',
    metadata: {
      name: `${runName}-${stepId}`,
      namespace: 'voice',
      labels: { 'bubustack.io/storyrun': runName },
    },
    spec: { storyRunRef: { name: runName }, stepId },
    status: { phase },
  };
}

const running = { phase: 'Running', startedAt: iso(NOW - 290_000) };

export const stalled = run(
  'call-7f3a',
  'voice-agent',
  {
    phase: 'Running',
    startedAt: iso(NOW - 290_000),
    stepStates: { ingress: running, agent: running },
    stepsComplete: 0,
    stepsFailed: 0,
    stepsSkipped: 0,
  },
  { cancelAt: NOW - 95_000, createdAt: NOW - 300_000 },
);

export const ended = run(
  'call-2b91',
  'voice-agent',
  {
    phase: 'Finished',
    message: 'StoryRun gracefully canceled',
    startedAt: iso(NOW - 600_000),
    finishedAt: iso(NOW - 400_000),
    duration: '3m20s',
    stepStates: { ingress: running, agent: running },
    stepsComplete: 0,
    stepsFailed: 0,
    stepsSkipped: 0,
  },
  { cancelAt: NOW - 530_000, createdAt: NOW - 610_000 },
);

export const healthy = run(
  'nightly-export',
  'batch',
  {
    phase: 'Succeeded',
    startedAt: iso(NOW - 3_700_000),
    finishedAt: iso(NOW - 3_640_000),
    duration: '1m0s',
    stepStates: { a: { phase: 'Succeeded' } },
    stepsComplete: 1,
    stepsFailed: 0,
    stepsSkipped: 0,
  },
  { createdAt: NOW - 3_720_000 },
);

export function objects(): Objects {
  let o = emptyObjects();
  o = applyEvent(o, { type: 'reset', kind: 'transports', items: [transport] });
  o = applyEvent(o, { type: 'reset', kind: 'stories', items: [voiceStory, batchStory] });
  o = applyEvent(o, { type: 'reset', kind: 'storyRuns', items: [healthy, ended, stalled] });
  o = applyEvent(o, {
    type: 'reset',
    kind: 'stepRuns',
    items: [step('call-7f3a', 'ingress', 'Running'), step('call-7f3a', 'agent', 'Running')],
  });
  return o;
}
