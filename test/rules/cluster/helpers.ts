// Small in-memory builders for cluster rule and contract tests: realistic objects shaped like the
// CRDs in shared/reference/crds, around the seed scenario of issue 2 (LiveKit voice run).
import { buildWorld, type World, type WorldOptions } from '../../../src/model/world.js';
import {
  ANNOTATIONS,
  FINALIZERS,
  LABELS,
  type Condition,
  type StepRun,
  type StepState,
  type Story,
  type StoryRun,
  type Transport,
} from '../../../src/model/kube.js';
import { storyRunLabelValue } from '../../../src/contract/label.js';
import type { ClusterRule, ClusterRuleContext } from '../../../src/rules/types.js';
import { runClusterRules, type EngineResult } from '../../../src/rules/engine.js';

export const NS = 'livekit-voice';
export const SEED_RUN = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';
export const STORY = 'livekit-voice-assistant';
export const TRANSPORT = 'livekit-webrtc';
export const STARTED_AT = '2026-04-22T18:13:19Z';
export const CANCEL_AT = '2026-04-22T18:13:32.023539756Z';
export const FINISHED_AT = '2026-04-22T18:15:32Z';
export const SEED_DURATION = '2m13s';
/** The seed's two realtime steps. */
export const STEPS = ['livekit-bridge', 'voice-agent'] as const;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `base` plus `seconds`, as an ISO time. */
export function after(base: string, seconds: number): string {
  return iso(Date.parse(base) + seconds * 1000);
}

export interface RunOptions {
  name?: string;
  namespace?: string;
  story?: string | null;
  phase?: string;
  message?: string;
  cancelRequested?: boolean;
  cancelObservedAt?: string;
  startedAt?: string | null;
  finishedAt?: string;
  duration?: string;
  /** A phase string is shorthand for `{ phase }`. */
  stepStates?: Record<string, StepState | string>;
  stepsComplete?: number;
  stepsFailed?: number;
  stepsSkipped?: number;
  conditions?: Condition[];
  generation?: number;
  observedGeneration?: number;
  deletionTimestamp?: string;
  finalizers?: string[];
}

export function makeRun(o: RunOptions = {}): StoryRun {
  const name = o.name ?? SEED_RUN;
  const annotations: Record<string, string> = {};
  if (o.cancelObservedAt) annotations[ANNOTATIONS.cancelObservedAt] = o.cancelObservedAt;
  const run: StoryRun = {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StoryRun',
    metadata: {
      name,
      namespace: o.namespace ?? NS,
      uid: `uid-${name}`,
      resourceVersion: '4711',
      generation: o.generation ?? (o.cancelRequested ? 2 : 1),
      creationTimestamp: '2026-04-22T18:13:18Z',
      annotations,
      finalizers: o.finalizers ?? [FINALIZERS.storyRun],
    },
    spec: {},
    status: {},
  };
  if (o.deletionTimestamp) run.metadata.deletionTimestamp = o.deletionTimestamp;
  const spec = run.spec as NonNullable<StoryRun['spec']>;
  if (o.story !== null) spec.storyRef = { name: o.story ?? STORY };
  if (o.cancelRequested !== undefined) spec.cancelRequested = o.cancelRequested;
  const status = run.status as NonNullable<StoryRun['status']>;
  status.phase = o.phase ?? 'Running';
  if (o.message !== undefined) status.message = o.message;
  if (o.startedAt !== null) status.startedAt = o.startedAt ?? STARTED_AT;
  if (o.finishedAt !== undefined) status.finishedAt = o.finishedAt;
  if (o.duration !== undefined) status.duration = o.duration;
  if (o.observedGeneration !== undefined) status.observedGeneration = o.observedGeneration;
  if (o.conditions !== undefined) status.conditions = o.conditions;
  const states: Record<string, StepState> = {};
  const given = o.stepStates ?? Object.fromEntries(STEPS.map((s) => [s, 'Running']));
  for (const [step, v] of Object.entries(given)) {
    states[step] = typeof v === 'string' ? { phase: v, startedAt: o.startedAt ?? STARTED_AT } : v;
  }
  status.stepStates = states;
  if (o.stepsComplete !== undefined) status.stepsComplete = o.stepsComplete;
  if (o.stepsFailed !== undefined) status.stepsFailed = o.stepsFailed;
  if (o.stepsSkipped !== undefined) status.stepsSkipped = o.stepsSkipped;
  return run;
}

/** The seed after the controller finished it (bobrapet#89): Finished, canceled, every state still Running. */
export function finishedSeed(o: RunOptions = {}): StoryRun {
  return makeRun({
    phase: 'Finished',
    cancelRequested: true,
    cancelObservedAt: CANCEL_AT,
    finishedAt: FINISHED_AT,
    duration: SEED_DURATION,
    ...o,
  });
}

export interface StepOptions {
  name?: string;
  namespace?: string;
  phase?: string;
  /** How the StepRun points at its run: all three links by default, as the controller writes them. */
  links?: ('label' | 'ref' | 'owner')[];
  deletionTimestamp?: string;
  finalizers?: string[];
  finishedAt?: string;
  lastFailureMsg?: string;
}

export function makeStep(runName: string, stepId: string, o: StepOptions = {}): StepRun {
  const links = o.links ?? ['label', 'ref', 'owner'];
  const step: StepRun = {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StepRun',
    metadata: {
      name: o.name ?? `${runName}-${stepId}`,
      namespace: o.namespace ?? NS,
      uid: `uid-${runName}-${stepId}`,
      resourceVersion: '5000',
      labels: links.includes('label') ? { [LABELS.storyRun]: storyRunLabelValue(runName) } : {},
      finalizers: o.finalizers ?? [FINALIZERS.stepRun],
    },
    spec: { stepId },
    status: { phase: o.phase ?? 'Running', startedAt: STARTED_AT },
  };
  if (links.includes('ref')) (step.spec as NonNullable<StepRun['spec']>).storyRunRef = { name: runName };
  if (links.includes('owner')) {
    step.metadata.ownerReferences = [
      {
        apiVersion: 'runs.bubustack.io/v1alpha1',
        kind: 'StoryRun',
        name: runName,
        uid: `uid-${runName}`,
        controller: true,
      },
    ];
  }
  if (o.deletionTimestamp) step.metadata.deletionTimestamp = o.deletionTimestamp;
  const status = step.status as NonNullable<StepRun['status']>;
  if (o.finishedAt) status.finishedAt = o.finishedAt;
  if (o.lastFailureMsg) status.lastFailureMsg = o.lastFailureMsg;
  return step;
}

export interface StoryOptions {
  name?: string;
  namespace?: string;
  pattern?: 'batch' | 'realtime';
  gracefulShutdownTimeout?: string;
  transports?: {
    name: string;
    transportRef: string;
    settings?: Record<string, unknown>;
    streaming?: Record<string, unknown>;
  }[];
}

export function makeStory(o: StoryOptions = {}): Story {
  const spec: NonNullable<Story['spec']> = {
    steps: STEPS.map((name) => ({ name, ref: { name } })),
    transports: o.transports ?? [{ name: 'realtime-audio', transportRef: TRANSPORT }],
  };
  if (o.pattern) spec.pattern = o.pattern;
  if (o.gracefulShutdownTimeout)
    spec.policy = { timeouts: { gracefulShutdownTimeout: o.gracefulShutdownTimeout } };
  return {
    apiVersion: 'bubustack.io/v1alpha1',
    kind: 'Story',
    metadata: { name: o.name ?? STORY, namespace: o.namespace ?? NS, generation: 1 },
    spec,
  };
}

/** `drain` as a `lifecycle` block, the shape shared by Transport streaming and Story entries. */
export function drain(seconds: number): Record<string, unknown> {
  return { lifecycle: { drainTimeoutSeconds: seconds, strategy: 'drain_cutover' } };
}

export function makeTransport(
  name = TRANSPORT,
  o: { defaultSettings?: Record<string, unknown>; streaming?: Record<string, unknown> } = {},
): Transport {
  const spec: NonNullable<Transport['spec']> = { provider: 'livekit', driver: 'livekit' };
  if (o.defaultSettings) spec.defaultSettings = o.defaultSettings;
  if (o.streaming) spec.streaming = o.streaming;
  return { apiVersion: 'transport.bubustack.io/v1alpha1', kind: 'Transport', metadata: { name }, spec };
}

/** The seed's realtime Story with the 120 s drain on its cluster Transport. */
export function seedStoryAndTransport(): { story: Story; transport: Transport } {
  return {
    story: makeStory({ pattern: 'realtime' }),
    transport: makeTransport(TRANSPORT, { streaming: drain(120) }),
  };
}

export interface WorldInput {
  runs?: StoryRun[];
  steps?: StepRun[];
  stories?: Story[];
  transports?: Transport[];
}

export function makeWorld(input: WorldInput, options: WorldOptions = {}): World {
  return buildWorld(
    {
      storyRuns: input.runs ?? [],
      stepRuns: input.steps ?? [],
      stories: input.stories ?? [],
      transports: input.transports ?? [],
    },
    options,
  );
}

/** The seed world: a realtime Story with a 120 s transport drain, plus the given runs and StepRuns. */
export function seedWorld(runs: StoryRun[], steps: StepRun[] = [], options: WorldOptions = {}): World {
  const { story, transport } = seedStoryAndTransport();
  return makeWorld({ runs, steps, stories: [story], transports: [transport] }, options);
}

export function ctx(now: string, o: { budget?: number; assumeCancelAt?: string } = {}): ClusterRuleContext {
  const c: ClusterRuleContext = { now: Date.parse(now), stopBudgetSeconds: o.budget ?? 30 };
  if (o.assumeCancelAt) c.assumeCancelAt = Date.parse(o.assumeCancelAt);
  return c;
}

/** Run one rule through the engine, so findings are stamped exactly as doctor stamps them. */
export function runRule(rule: ClusterRule, world: World, context: ClusterRuleContext): EngineResult {
  return runClusterRules([rule], world, context);
}
