// The API clients the repair reads and writes with, built once from the resolved kubeconfig (the CLI
// resolves it; nothing here reads ~/.kube). Every call goes through the scan's ApiCaller, so writes
// get the same timeouts and 429 / 5xx retries as reads; a retried write is safe because it carries
// a resourceVersion (a duplicate becomes a 409 and a re-plan, never a second change).
import { AuthorizationV1Api, CustomObjectsApi, type ConfigurationOptions } from '@kubernetes/client-node';
import { storyRunLabelValue } from '../contract/label.js';
import {
  GROUPS,
  LABELS,
  VERSION,
  type StepRun,
  type Story,
  type StoryRun,
  type Transport,
} from '../model/kube.js';
import { buildWorld } from '../model/world.js';
import {
  ApiCaller,
  defaultPolicy,
  HttpStatusError,
  type ResolvedKubeConfig,
} from '../sources/cluster/index.js';

export interface RepairClient {
  custom: CustomObjectsApi;
  authz: AuthorizationV1Api;
  caller: ApiCaller;
  /** The kubeconfig user: `finished-by` in the audit trail. */
  user: string | undefined;
  context: string;
}

export function makeRepairClient(cfg: ResolvedKubeConfig, timeoutSeconds = 15): RepairClient {
  const who = cfg.user ? `context ${cfg.context}, user ${cfg.user}` : `context ${cfg.context}`;
  return {
    custom: cfg.kc.makeApiClient(CustomObjectsApi),
    authz: cfg.kc.makeApiClient(AuthorizationV1Api),
    caller: new ApiCaller(cfg.server, defaultPolicy(timeoutSeconds), who),
    user: cfg.user,
    context: cfg.context,
  };
}

export const RUNS_API = { group: GROUPS.runs, version: VERSION } as const;

export interface RunAndSteps {
  run: StoryRun;
  steps: StepRun[];
}

export function isHttpStatus(error: unknown, code: number): boolean {
  return error instanceof HttpStatusError && error.code === code;
}

/** The run and its StepRuns as the controller finds them (by label), or undefined when the run is gone. */
export async function readRun(
  client: RepairClient,
  namespace: string,
  name: string,
): Promise<RunAndSteps | undefined> {
  let run: StoryRun;
  try {
    run = (await client.caller.call(`get storyrun ${namespace}/${name}`, (options) =>
      client.custom.getNamespacedCustomObject({ ...RUNS_API, plural: 'storyruns', namespace, name }, options),
    )) as StoryRun;
  } catch (error) {
    if (isHttpStatus(error, 404)) return undefined;
    throw error;
  }
  const list = (await client.caller.call(`list stepruns of ${namespace}/${name}`, (options) =>
    client.custom.listNamespacedCustomObject(
      {
        ...RUNS_API,
        plural: 'stepruns',
        namespace,
        labelSelector: `${LABELS.storyRun}=${storyRunLabelValue(name)}`,
      },
      options,
    ),
  )) as { items?: StepRun[] };
  // The same join doctor uses, so a label shared by two runs does not hand one run the other's steps.
  const world = buildWorld({ storyRuns: [run], stepRuns: list.items ?? [], stories: [], transports: [] });
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
export async function readRunContext(client: RepairClient, run: StoryRun): Promise<RunContext | undefined> {
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
      client.custom.getNamespacedCustomObject(
        { group: GROUPS.stories, version: VERSION, plural: 'stories', namespace, name: ref.name },
        options,
      ),
    );
    const names = [...new Set((story?.spec?.transports ?? []).map((t) => t.transportRef).filter(Boolean))];
    const transports = await Promise.all(
      names.map((name) =>
        absentIf404<Transport>(`get transport ${name}`, (options) =>
          client.custom.getClusterCustomObject(
            { group: GROUPS.transports, version: VERSION, plural: 'transports', name },
            options,
          ),
        ),
      ),
    );
    return { story, transports: transports.filter((t): t is Transport => t !== undefined) };
  } catch (error) {
    if (isHttpStatus(error, 403)) return undefined;
    throw error;
  }
}
