// The one set of test builders for Bobrapet objects: StoryRun, StepRun, Story and Transport shaped
// like the CRDs in shared/reference/crds (fixtures/crds), as the API server returns them, and the
// seed scenario of issue 2 around them — a LiveKit voice call on a realtime Story whose Transport
// drains for 120 s, its StepRuns linked to it by label, storyRunRef and ownerReference as the
// controller writes them. Rule, repair, report, UI, snapshot and apiserver tests all build from
// here; `forCreate` turns a built object into what a client posts.
import { storyRunLabelValue } from '../../src/contract/label.js';
import {
  ANNOTATIONS,
  FINALIZERS,
  LABELS,
  type Condition,
  type ManagedFieldsEntry,
  type StepRun,
  type StepState,
  type Story,
  type StoryRun,
  type Transport,
} from '../../src/model/kube.js';
import { buildWorld, type World, type WorldOptions } from '../../src/model/world.js';

// The seed (issue 2): names and times as the incident's own logs and snapshot show them.
export const NS = 'livekit-voice';
export const SEED_RUN = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';
export const STORY = 'livekit-voice-assistant';
export const TRANSPORT = 'livekit-webrtc';
/** The story's entry for its Transport (`spec.transports[].name`). */
export const TRANSPORT_ENTRY = 'realtime-audio';
export const DRAIN_SECONDS = 120;
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
  creationTimestamp?: string;
  resourceVersion?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /**
   * Who set spec.cancelRequested and when, as the apiserver records it in managedFields (a
   * v0.1.11-style cancel has this and no observed-at annotation). Needs cancelRequested.
   */
  cancelRequestedBy?: { manager: string; time: string };
  /** The whole status as given, instead of the one built from the fields above. */
  status?: NonNullable<StoryRun['status']>;
}

/** The scheduling labels the controller puts on every StoryRun and StepRun (queue `default`, priority 0). */
export const QUEUE_LABELS: Readonly<Record<string, string>> = {
  [LABELS.queue]: 'default',
  [LABELS.queuePriority]: '0',
};

/** The managedFields entry an Update that set spec.cancelRequested leaves (kubectl patch, the SDK). */
export function cancelManagedFields(manager: string, time: string): ManagedFieldsEntry {
  return {
    manager,
    operation: 'Update',
    apiVersion: 'runs.bubustack.io/v1alpha1',
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:cancelRequested': {} } },
  };
}

export function makeRun(o: RunOptions = {}): StoryRun {
  const name = o.name ?? SEED_RUN;
  const annotations: Record<string, string> = { ...(o.annotations ?? {}) };
  if (o.cancelObservedAt) annotations[ANNOTATIONS.cancelObservedAt] = o.cancelObservedAt;
  const run: StoryRun = {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StoryRun',
    metadata: {
      name,
      namespace: o.namespace ?? NS,
      uid: `uid-${name}`,
      resourceVersion: o.resourceVersion ?? '4711',
      generation: o.generation ?? (o.cancelRequested ? 2 : 1),
      creationTimestamp: o.creationTimestamp ?? '2026-04-22T18:13:18Z',
      labels: { ...QUEUE_LABELS, ...(o.labels ?? {}) },
      annotations,
      finalizers: o.finalizers ?? [FINALIZERS.storyRun],
    },
    spec: {},
    status: {},
  };
  if (o.cancelRequestedBy)
    run.metadata.managedFields = [cancelManagedFields(o.cancelRequestedBy.manager, o.cancelRequestedBy.time)];
  if (o.deletionTimestamp) run.metadata.deletionTimestamp = o.deletionTimestamp;
  const spec = run.spec as NonNullable<StoryRun['spec']>;
  if (o.story !== null) spec.storyRef = { name: o.story ?? STORY };
  if (o.cancelRequested !== undefined) spec.cancelRequested = o.cancelRequested;
  if (o.status) {
    run.status = o.status;
    return run;
  }
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
  startedAt?: string;
  /** How the StepRun points at its run: all three links by default, as the controller writes them. */
  links?: ('label' | 'ref' | 'owner')[];
  deletionTimestamp?: string;
  finalizers?: string[];
  finishedAt?: string;
  lastFailureMsg?: string;
  /** The Story named by the `bubustack.io/story-name` label (default: the seed's). */
  story?: string;
  retries?: number;
}

/**
 * A StepRun of `run`: given by name, its owner's uid is the one `makeRun` gives; given as an object
 * (say, one the API server returned), its namespace and real uid are used, and a run without a uid
 * gets no ownerReference.
 */
export function makeStep(run: string | StoryRun, stepId: string, o: StepOptions = {}): StepRun {
  const runName = typeof run === 'string' ? run : run.metadata.name;
  const ownerUid = typeof run === 'string' ? `uid-${run}` : run.metadata.uid;
  const namespace = o.namespace ?? (typeof run === 'string' ? NS : (run.metadata.namespace ?? NS));
  const links = o.links ?? ['label', 'ref', 'owner'];
  const step: StepRun = {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StepRun',
    metadata: {
      name: o.name ?? `${runName}-${stepId}`,
      namespace,
      uid: `uid-${runName}-${stepId}`,
      resourceVersion: '5000',
      // step_executor.go: the run label, the Story's name, the scheduling labels.
      labels: {
        ...(links.includes('label') ? { [LABELS.storyRun]: storyRunLabelValue(runName) } : {}),
        [LABELS.storyName]: o.story ?? STORY,
        ...QUEUE_LABELS,
      },
      finalizers: o.finalizers ?? [FINALIZERS.stepRun],
    },
    spec: { stepId },
    // `retries` has no omitempty: the operator always writes it, and the CRD requires it.
    status: { phase: o.phase ?? 'Running', startedAt: o.startedAt ?? STARTED_AT, retries: o.retries ?? 0 },
  };
  if (links.includes('ref')) (step.spec as NonNullable<StepRun['spec']>).storyRunRef = { name: runName };
  if (links.includes('owner') && ownerUid !== undefined) {
    step.metadata.ownerReferences = [
      {
        apiVersion: 'runs.bubustack.io/v1alpha1',
        kind: 'StoryRun',
        name: runName,
        uid: ownerUid,
        // controllerutil.SetControllerReference
        controller: true,
        blockOwnerDeletion: true,
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
  steps?: readonly string[];
  gracefulShutdownTimeout?: string;
  /** The seed's one entry on its Transport by default; `[]` for a Story with none. */
  transports?: {
    name: string;
    transportRef: string;
    settings?: Record<string, unknown>;
    streaming?: Record<string, unknown>;
  }[];
}

export function makeStory(o: StoryOptions = {}): Story {
  const spec: NonNullable<Story['spec']> = {
    steps: (o.steps ?? STEPS).map((name) => ({ name, ref: { name } })),
  };
  const transports = o.transports ?? [{ name: TRANSPORT_ENTRY, transportRef: TRANSPORT }];
  if (transports.length > 0) spec.transports = transports;
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

export interface SeedOptions {
  namespace?: string;
  run?: string;
  story?: string;
  steps?: readonly string[];
  startedAt?: string;
}

export interface Seed {
  transport: Transport;
  story: Story;
  run: StoryRun;
  steps: StepRun[];
}

/**
 * The seed scenario: the call while it is live, before the room ends — the realtime Story on the
 * Transport with its 120 s drain, the run Running with every step state Running and counters at
 * zero, and one Running StepRun per step. Names default to the incident's.
 */
export function seedScenario(o: SeedOptions = {}): Seed {
  const namespace = o.namespace ?? NS;
  const steps = o.steps ?? STEPS;
  const startedAt = o.startedAt ?? STARTED_AT;
  const story = makeStory({ name: o.story ?? STORY, namespace, pattern: 'realtime', steps });
  const run = makeRun({
    name: o.run ?? SEED_RUN,
    namespace,
    story: story.metadata.name,
    startedAt,
    stepStates: Object.fromEntries(steps.map((s) => [s, { phase: 'Running', startedAt }])),
    stepsComplete: 0,
    stepsFailed: 0,
    stepsSkipped: 0,
  });
  return {
    transport: makeTransport(TRANSPORT, { streaming: drain(DRAIN_SECONDS) }),
    story,
    run,
    steps: steps.map((s) => makeStep(run, s, { startedAt, story: story.metadata.name })),
  };
}

/** The seed's realtime Story with the 120 s drain on its cluster Transport. */
export function seedStoryAndTransport(): { story: Story; transport: Transport } {
  const { story, transport } = seedScenario();
  return { story, transport };
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

/**
 * What a client posts: the object without the fields the API server sets (uid, resourceVersion,
 * generation, timestamps) and without status, which goes through /status as the controllers write it.
 */
export function forCreate<T extends StoryRun | StepRun | Story | Transport>(obj: T): T {
  const {
    uid: _uid,
    resourceVersion: _resourceVersion,
    generation: _generation,
    creationTimestamp: _creationTimestamp,
    deletionTimestamp: _deletionTimestamp,
    // A create that names managedFields would set them: the server records its own.
    managedFields: _managedFields,
    ...metadata
  } = obj.metadata;
  const { status: _status, ...rest } = obj as T & { status?: unknown };
  return { ...rest, metadata } as T;
}

/** A built object as the plain mapping `kubectl get -o yaml` prints, for tests that edit it freely. */
export function plain(obj: StoryRun | StepRun | Story | Transport): Record<string, unknown> {
  return JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
}
