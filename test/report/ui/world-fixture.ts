// The watch's scene, built with the shared builders (test/support/objects.ts): one namespace as the
// watch would deliver it — a realtime voice Story on the LiveKit Transport with its 120 s drain, a
// call whose cancel has stalled, a call that the controller finished while its stepStates still
// say Running, and a healthy batch run.
import type { StepRun, StoryRun } from '../../../src/model/kube.js';
import { applyEvent, emptyObjects, type Objects } from '../../../src/report/ui/dashboard-state.js';
import {
  DRAIN_SECONDS,
  drain,
  makeRun,
  makeStep,
  makeStory,
  makeTransport,
  TRANSPORT,
} from '../../support/objects.js';

export const NOW = Date.parse('2026-04-22T18:10:00Z');
export const SCENE_NS = 'voice';
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

export const transport = makeTransport(TRANSPORT, { streaming: drain(DRAIN_SECONDS) });

export const voiceStory = makeStory({
  name: 'voice-agent',
  namespace: SCENE_NS,
  pattern: 'realtime',
  steps: ['ingress', 'agent'],
  transports: [{ name: 'livekit', transportRef: TRANSPORT }],
});

export const batchStory = makeStory({
  name: 'batch',
  namespace: SCENE_NS,
  pattern: 'batch',
  steps: ['a'],
  transports: [],
});

/** A run of the scene with its status as given; `cancelAt` is when the controller observed a cancel. */
export function sceneRun(
  name: string,
  story: string,
  status: NonNullable<StoryRun['status']>,
  extra: { cancelAt?: number; createdAt?: number } = {},
): StoryRun {
  const cancel =
    extra.cancelAt === undefined ? {} : { cancelRequested: true, cancelObservedAt: iso(extra.cancelAt) };
  return makeRun({
    name,
    namespace: SCENE_NS,
    story,
    status,
    creationTimestamp: iso(extra.createdAt ?? NOW - 300_000),
    resourceVersion: '10',
    ...cancel,
  });
}

export function sceneStep(runName: string, stepId: string, phase: string): StepRun {
  return makeStep(runName, stepId, { namespace: SCENE_NS, phase, startedAt: iso(NOW - 290_000) });
}

const running = { phase: 'Running', startedAt: iso(NOW - 290_000) };

export const stalled = sceneRun(
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

export const ended = sceneRun(
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

export const healthy = sceneRun(
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
    items: [sceneStep('call-7f3a', 'ingress', 'Running'), sceneStep('call-7f3a', 'agent', 'Running')],
  });
  return o;
}
