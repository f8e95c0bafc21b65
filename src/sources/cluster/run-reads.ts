// One run as the repair sees it, read fresh from the API server: the StoryRun, its StepRuns (joined
// the way doctor joins them) and the Story and Transports its cancel window depends on. Reads only;
// the writes are in src/repair/apply.ts.
import type { ConfigurationOptions, CustomObjectsApi } from '@kubernetes/client-node';
import { storyRunLabelValue } from '../../contract/label.js';
import { LABELS, type StepRun, type Story, type StoryRun, type Transport } from '../../model/kube.js';
import { buildWorld } from '../../model/world.js';
import { HttpStatusError, type ApiCaller } from './caller.js';
import { RESOURCES } from './resources.js';

/** What a read needs: the API and the caller that gives it timeouts and retries (RepairClient is one). */
export interface RunReader {
  custom: CustomObjectsApi;
  caller: ApiCaller;
}

export interface RunAndSteps {
  run: StoryRun;
  steps: StepRun[];
}

export function isHttpStatus(error: unknown, code: number): boolean {
  return error instanceof HttpStatusError && error.code === code;
}

const api = (kind: keyof typeof RESOURCES): { group: string; version: string; plural: string } => {
  const r = RESOURCES[kind];
  return { group: r.group, version: r.version, plural: r.plural };
};

/**
 * The run and its StepRuns (by label as the controller finds them, plus unlabelled ones that name
 * it by storyRunRef or owner), or undefined when the run is gone.
 */
export async function readRun(
  client: RunReader,
  namespace: string,
  name: string,
): Promise<RunAndSteps | undefined> {
  let run: StoryRun;
  try {
    run = (await client.caller.call(`get storyrun ${namespace}/${name}`, (options) =>
      client.custom.getNamespacedCustomObject({ ...api('storyRuns'), namespace, name }, options),
    )) as StoryRun;
  } catch (error) {
    if (isHttpStatus(error, 404)) return undefined;
    throw error;
  }
  const listSteps = async (what: string, labelSelector: string): Promise<StepRun[]> =>
    (
      (await client.caller.call(what, (options) =>
        client.custom.listNamespacedCustomObject({ ...api('stepRuns'), namespace, labelSelector }, options),
      )) as { items?: StepRun[] }
    ).items ?? [];
  const labelled = await listSteps(
    `list stepruns of ${namespace}/${name}`,
    `${LABELS.storyRun}=${storyRunLabelValue(name)}`,
  );
  // The controller finds a run's StepRuns by the label only; one that lacks it but names the run
  // by storyRunRef or owner is still the run's, and the repair must see it too (§9.7).
  const unlabelled = await listSteps(`list unlabelled stepruns in ${namespace}`, `!${LABELS.storyRun}`);
  // The same join doctor uses, so a label shared by two runs does not hand one run the other's steps.
  const world = buildWorld({
    storyRuns: [run],
    stepRuns: [...labelled, ...unlabelled],
    stories: [],
    transports: [],
  });
  return { run, steps: world.runs[0]?.steps ?? [] };
}

export interface RunContext {
  story: Story | undefined;
  transports: Transport[];
}

/**
 * The Story a run references and the Transports that Story binds: what the cancel window (and so
 * SR101-SR103) depends on, read the way doctor sees them (a missing object is simply absent).
 * Undefined when one of them may not be read: the caller then leaves those rules out rather than
 * guess the window.
 */
export async function readRunContext(client: RunReader, run: StoryRun): Promise<RunContext | undefined> {
  const ref = run.spec?.storyRef;
  if (!ref?.name) return { story: undefined, transports: [] };
  const namespace = ref.namespace ?? run.metadata.namespace ?? 'default';
  const absentIf404 = async <T>(
    what: string,
    get: (options: ConfigurationOptions) => Promise<unknown>,
  ): Promise<T | undefined> => {
    try {
      return (await client.caller.call(what, get)) as T;
    } catch (error) {
      if (isHttpStatus(error, 404)) return undefined;
      throw error;
    }
  };
  try {
    const story = await absentIf404<Story>(`get story ${namespace}/${ref.name}`, (options) =>
      client.custom.getNamespacedCustomObject({ ...api('stories'), namespace, name: ref.name }, options),
    );
    const names = [...new Set((story?.spec?.transports ?? []).map((t) => t.transportRef).filter(Boolean))];
    const transports = await Promise.all(
      names.map((name) =>
        absentIf404<Transport>(`get transport ${name}`, (options) =>
          client.custom.getClusterCustomObject({ ...api('transports'), name }, options),
        ),
      ),
    );
    return { story, transports: transports.filter((t): t is Transport => t !== undefined) };
  } catch (error) {
    if (isHttpStatus(error, 403)) return undefined;
    throw error;
  }
}
