// The shared builders' objects (test/support/objects.ts) created in a real apiserver as the
// operator creates them — status through /status, as the controllers write it — and the seed
// scenario there: the realtime voice Story on the LiveKit Transport with its 120 s drain, a
// Running call with three Running steps and their StepRuns.
import { formatKubeTime } from '../../src/contract/time.js';
import type { StepRun, StepState, Story, StoryRun, Transport } from '../../src/model/kube.js';
import { isStatus, mergePatch, RUNS, STORIES, TRANSPORTS, type KubeClients } from './kube-clients.js';
import { DRAIN_SECONDS, forCreate, makeStep, seedScenario, type Seed } from './objects.js';

/** The seed's names in the apiserver tests, which assert them. */
export const SEED_STORY = 'voice-agent';
export const SEED_STEPS = ['ingress', 'agent', 'egress'] as const;
export const SEED_DRAIN_SECONDS = DRAIN_SECONDS;

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

export async function ensureTransport(k: KubeClients, t: Transport): Promise<void> {
  try {
    await k.custom.createClusterCustomObject({ ...TRANSPORTS, body: forCreate(t) });
  } catch (error) {
    // Transports are cluster-scoped and shared by every test file: the seed one is identical everywhere.
    if (!isStatus(error, 409)) throw error;
  }
}

export async function createStory(k: KubeClients, s: Story): Promise<Story> {
  return (await k.custom.createNamespacedCustomObject({
    ...STORIES,
    namespace: s.metadata.namespace ?? 'default',
    body: forCreate(s),
  })) as Story;
}

/** Create a run and write its status through /status, as the StoryRun controller does. */
export async function createRun(k: KubeClients, run: StoryRun, status?: RunStatusInput): Promise<StoryRun> {
  const namespace = run.metadata.namespace ?? 'default';
  let created = (await k.custom.createNamespacedCustomObject({
    ...RUNS,
    plural: 'storyruns',
    namespace,
    body: forCreate(run),
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
  await k.custom.createNamespacedCustomObject({
    ...RUNS,
    plural: 'stepruns',
    namespace,
    body: forCreate(step),
  });
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

/** The seed: a live realtime call, before the room ends. */
export async function createSeedScenario(
  k: KubeClients,
  namespace: string,
  runName: string,
  startedAt: number,
): Promise<Omit<Seed, 'transport'>> {
  const started = formatKubeTime(startedAt);
  const seed = seedScenario({
    namespace,
    run: runName,
    story: SEED_STORY,
    steps: SEED_STEPS,
    startedAt: started,
  });
  await ensureTransport(k, seed.transport);
  let s: Story;
  try {
    s = await createStory(k, seed.story);
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
    s = (await k.custom.getNamespacedCustomObject({ ...STORIES, namespace, name: SEED_STORY })) as Story;
  }
  const run = await createRun(k, seed.run, seed.run.status as RunStatusInput);
  const steps: StepRun[] = [];
  // Built again from the created run: the StepRuns' ownerReference carries its real uid.
  for (const id of SEED_STEPS)
    steps.push(
      await createStep(k, makeStep(run, id, { startedAt: started, story: SEED_STORY }), {
        phase: 'Running',
        startedAt: started,
      }),
    );
  return { story: s, run, steps };
}

/** A room end: the LiveKit webhook impulse sets spec.cancelRequested (CONTROLLER.md section 5). */
export async function requestCancel(k: KubeClients, namespace: string, name: string): Promise<StoryRun> {
  return (await k.custom.patchNamespacedCustomObject(
    { ...RUNS, plural: 'storyruns', namespace, name, body: { spec: { cancelRequested: true } } },
    mergePatch(),
  )) as StoryRun;
}
