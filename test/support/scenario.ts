// Builders for Bobrapet objects as the operator creates them, and the seed scenario of the issue:
// a realtime voice Story whose LiveKit Transport carries drainTimeoutSeconds 120, a running
// StoryRun with three Running steps, and their StepRuns linked by label, ownerReference and
// storyRunRef. Status goes through /status, as the controllers write it.
import { storyRunLabelValue } from '../../src/contract/label.js';
import { formatKubeTime } from '../../src/contract/time.js';
import {
  FINALIZERS,
  LABELS,
  type StepRun,
  type StepState,
  type Story,
  type StoryRun,
  type Transport,
} from '../../src/model/kube.js';
import { isStatus, mergePatch, RUNS, STORIES, TRANSPORTS, type KubeClients } from './kube-clients.js';

export const SEED_TRANSPORT = 'livekit-webrtc';
export const SEED_STORY = 'voice-agent';
export const SEED_STEPS = ['ingress', 'agent', 'egress'] as const;
export const SEED_DRAIN_SECONDS = 120;

export function transport(name: string, drainTimeoutSeconds?: number): Transport {
  const t: Transport = {
    apiVersion: 'transport.bubustack.io/v1alpha1',
    kind: 'Transport',
    metadata: { name },
    spec: { provider: 'livekit', driver: 'livekit-webrtc' },
  };
  if (drainTimeoutSeconds !== undefined)
    t.spec = { ...t.spec, streaming: { lifecycle: { strategy: 'drain_cutover', drainTimeoutSeconds } } };
  return t;
}

export function story(
  namespace: string,
  name: string,
  opts: { realtime?: boolean; transportRef?: string; steps?: readonly string[] } = {},
): Story {
  const s: Story = {
    apiVersion: 'bubustack.io/v1alpha1',
    kind: 'Story',
    metadata: { name, namespace },
    spec: {
      pattern: opts.realtime === false ? 'batch' : 'realtime',
      steps: (opts.steps ?? SEED_STEPS).map((id) => ({ name: id })),
    },
  };
  if (opts.transportRef)
    s.spec = { ...s.spec, transports: [{ name: 'livekit', transportRef: opts.transportRef }] };
  return s;
}

export interface RunStatusInput {
  phase: string;
  startedAt?: string;
  finishedAt?: string;
  duration?: string;
  stepStates?: Record<string, StepState>;
  stepsComplete?: number;
  stepsFailed?: number;
  stepsSkipped?: number;
  message?: string;
}

export function storyRun(
  namespace: string,
  name: string,
  storyName: string,
  cancelRequested = false,
): StoryRun {
  const r: StoryRun = {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StoryRun',
    metadata: { name, namespace, finalizers: [FINALIZERS.storyRun] },
    spec: { storyRef: { name: storyName } },
  };
  if (cancelRequested) r.spec = { ...r.spec, cancelRequested: true };
  return r;
}

export function stepRun(
  run: StoryRun & { metadata: { uid?: string } },
  stepId: string,
  opts: { finalizer?: boolean; labelOnly?: boolean } = {},
): StepRun {
  const namespace = run.metadata.namespace ?? 'default';
  const s: StepRun = {
    apiVersion: 'runs.bubustack.io/v1alpha1',
    kind: 'StepRun',
    metadata: {
      name: `${run.metadata.name}-${stepId}`,
      namespace,
      labels: { [LABELS.storyRun]: storyRunLabelValue(run.metadata.name) },
    },
    spec: { storyRunRef: { name: run.metadata.name }, stepId },
  };
  if (opts.finalizer !== false) s.metadata.finalizers = [FINALIZERS.stepRun];
  if (run.metadata.uid) {
    s.metadata.ownerReferences = [
      {
        apiVersion: 'runs.bubustack.io/v1alpha1',
        kind: 'StoryRun',
        name: run.metadata.name,
        uid: run.metadata.uid,
        controller: true,
      },
    ];
  }
  return s;
}

export async function ensureTransport(k: KubeClients, t: Transport): Promise<void> {
  try {
    await k.custom.createClusterCustomObject({ ...TRANSPORTS, body: t });
  } catch (error) {
    // Transports are cluster-scoped and shared by every test file: the seed one is identical everywhere.
    if (!isStatus(error, 409)) throw error;
  }
}

export async function createStory(k: KubeClients, s: Story): Promise<Story> {
  return (await k.custom.createNamespacedCustomObject({
    ...STORIES,
    namespace: s.metadata.namespace ?? 'default',
    body: s,
  })) as Story;
}

/** Create a run and write its status through /status, as the StoryRun controller does. */
export async function createRun(k: KubeClients, run: StoryRun, status?: RunStatusInput): Promise<StoryRun> {
  const namespace = run.metadata.namespace ?? 'default';
  let created = (await k.custom.createNamespacedCustomObject({
    ...RUNS,
    plural: 'storyruns',
    namespace,
    body: run,
  })) as StoryRun;
  if (status) {
    created = (await k.custom.patchNamespacedCustomObjectStatus(
      { ...RUNS, plural: 'storyruns', namespace, name: run.metadata.name, body: { status } },
      mergePatch(),
    )) as StoryRun;
  }
  return created;
}

export async function createStep(
  k: KubeClients,
  step: StepRun,
  status: { phase: string; startedAt?: string; finishedAt?: string },
): Promise<StepRun> {
  const namespace = step.metadata.namespace ?? 'default';
  await k.custom.createNamespacedCustomObject({ ...RUNS, plural: 'stepruns', namespace, body: step });
  // The real schema requires status.retries whenever status is written.
  return (await k.custom.patchNamespacedCustomObjectStatus(
    {
      ...RUNS,
      plural: 'stepruns',
      namespace,
      name: step.metadata.name,
      body: { status: { retries: 0, ...status } },
    },
    mergePatch(),
  )) as StepRun;
}

export interface Seed {
  story: Story;
  run: StoryRun;
  steps: StepRun[];
}

/** The seed: a live realtime call, before the room ends. */
export async function createSeedScenario(
  k: KubeClients,
  namespace: string,
  runName: string,
  startedAt: number,
): Promise<Seed> {
  await ensureTransport(k, transport(SEED_TRANSPORT, SEED_DRAIN_SECONDS));
  let s: Story;
  try {
    s = await createStory(k, story(namespace, SEED_STORY, { transportRef: SEED_TRANSPORT }));
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
    s = (await k.custom.getNamespacedCustomObject({ ...STORIES, namespace, name: SEED_STORY })) as Story;
  }
  const started = formatKubeTime(startedAt);
  const stepStates: Record<string, StepState> = {};
  for (const id of SEED_STEPS) stepStates[id] = { phase: 'Running', startedAt: started };
  const run = await createRun(k, storyRun(namespace, runName, SEED_STORY), {
    phase: 'Running',
    startedAt: started,
    stepStates,
    stepsComplete: 0,
    stepsFailed: 0,
    stepsSkipped: 0,
  });
  const steps: StepRun[] = [];
  for (const id of SEED_STEPS)
    steps.push(await createStep(k, stepRun(run, id), { phase: 'Running', startedAt: started }));
  return { story: s, run, steps };
}

/** A room end: the LiveKit webhook impulse sets spec.cancelRequested (CONTROLLER.md section 5). */
export async function requestCancel(k: KubeClients, namespace: string, name: string): Promise<StoryRun> {
  return (await k.custom.patchNamespacedCustomObject(
    { ...RUNS, plural: 'storyruns', namespace, name, body: { spec: { cancelRequested: true } } },
    mergePatch(),
  )) as StoryRun;
}
