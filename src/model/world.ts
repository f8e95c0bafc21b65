// The normalized world the cluster rules look at: runs joined with their StepRuns and Stories,
// with the controller's cancel window already resolved. Plain data, built without IO.
import {
  isRealtimeStory,
  resolveCancelWindow,
  windowConfidence,
  type CancelWindow,
  type WindowConfidence,
  type WindowOptions,
} from '../contract/cancel-window.js';
import { cancelRequestOf, type CancelRequest } from '../contract/cancel-request.js';
import { ASSUMED_RELEASE, NEWEST_KNOWN_RELEASE, type OperatorRelease } from '../contract/operator-release.js';
import { storyRunLabelValue } from '../contract/label.js';
import { classifyPhase, type PhaseClass } from '../contract/phases.js';
import { parseTime } from '../contract/time.js';
import {
  ANNOTATIONS,
  LABELS,
  type ObjectSet,
  type StepRun,
  type Story,
  type StoryRun,
  type Transport,
} from './kube.js';

export type ObjectKind = 'storyRuns' | 'stepRuns' | 'stories' | 'transports';

export interface RunView {
  run: StoryRun;
  namespace: string;
  name: string;
  key: string;
  labelValue: string;
  phase: string;
  phaseClass: PhaseClass;
  cancelRequested: boolean;
  /** Epoch ms of `storyrun.bubustack.io/graceful-cancel-observed-at`, when present and valid. */
  cancelObservedAt: number | undefined;
  /** Who set spec.cancelRequested and when, from managedFields (dates a cancel without the annotation). */
  cancelRequest: CancelRequest | undefined;
  steps: StepRun[];
  story: Story | undefined;
  window: CancelWindow;
  /** Whether `window` is known, the operator default assumed, or unknown (Stories/Transports unreadable). */
  windowConfidence: WindowConfidence;
}

export interface OrphanStepRun {
  stepRun: StepRun;
  /** The run it points at, by storyRunRef, owner or label, in that order. */
  referencedRun: string;
  via: 'storyRunRef' | 'ownerReference' | 'label' | 'none';
}

export interface World {
  runs: RunView[];
  runsByKey: Map<string, RunView>;
  stepRuns: StepRun[];
  orphans: OrphanStepRun[];
  stories: Story[];
  storiesByKey: Map<string, Story>;
  transports: Map<string, Transport>;
  /** Kinds that could not be read (forbidden, say), with why: rules needing them are not evaluated. */
  unavailable: Partial<Record<ObjectKind, string>>;
  /** The operator release the rules assume (detected, --operator-version, inferred, or the newest). */
  operator: OperatorRelease;
}

export interface WorldOptions extends WindowOptions {
  unavailable?: Partial<Record<ObjectKind, string>>;
  /** Detected or given; without it the objects themselves are asked (inferRelease). */
  operator?: OperatorRelease | undefined;
  /** Why the release could not be read from the cluster, kept in the evidence of an assumed one. */
  operatorNote?: string | undefined;
}

/** The release the rules assume: given, else inferred from the objects, with why it was not read. */
export function resolveRelease(runs: readonly StoryRun[], options: WorldOptions): OperatorRelease {
  if (options.operator) return options.operator;
  const inferred = inferRelease(runs);
  if (inferred.source !== 'assumed' || !options.operatorNote) return inferred;
  return {
    ...inferred,
    detail: `${options.operatorNote}; assuming ${NEWEST_KNOWN_RELEASE}, the newest release storyctl knows (pass --operator-version)`,
  };
}

/**
 * What the objects alone say about the release: only v0.1.12+ writes graceful-cancel-observed-at,
 * so one canceled run carrying it proves at least that release (research/bobrapet.md B9).
 */
export function inferRelease(runs: readonly StoryRun[]): OperatorRelease {
  const marked = runs.find((r) => r.metadata.annotations?.[ANNOTATIONS.cancelObservedAt] !== undefined);
  if (!marked) return ASSUMED_RELEASE;
  return {
    version: NEWEST_KNOWN_RELEASE,
    source: 'observed-at-annotation',
    detail: `at least v0.1.12: StoryRun ${objectKey(marked.metadata.namespace, marked.metadata.name)} carries ${ANNOTATIONS.cancelObservedAt}`,
  };
}

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? 'default'}/${name}`;
}

export function buildWorld(objects: ObjectSet, options: WorldOptions = {}): World {
  const transports = new Map<string, Transport>();
  for (const t of objects.transports) transports.set(t.metadata.name, t);
  const storiesByKey = new Map<string, Story>();
  for (const s of objects.stories) storiesByKey.set(objectKey(s.metadata.namespace, s.metadata.name), s);

  const windowOptions: WindowOptions = {};
  if (options.operatorDefaultSeconds !== undefined)
    windowOptions.operatorDefaultSeconds = options.operatorDefaultSeconds;

  // The window depends only on the Story (and the Transports): resolved once per Story, not once
  // per run (thousands of runs of one Story in a watch, rebuilt after every change).
  const windows = new Map<Story | undefined, CancelWindow>();
  const windowOf = (story: Story | undefined): CancelWindow => {
    let w = windows.get(story);
    if (!w) windows.set(story, (w = resolveCancelWindow(story, transports, windowOptions)));
    return w;
  };

  const unavailable = options.unavailable ?? {};
  const runs: RunView[] = [];
  const runsByKey = new Map<string, RunView>();
  const byLabel = new Map<string, RunView>();
  for (const run of objects.storyRuns) {
    const namespace = run.metadata.namespace ?? 'default';
    const name = run.metadata.name;
    const ref = run.spec?.storyRef;
    const story = ref ? storiesByKey.get(objectKey(ref.namespace ?? namespace, ref.name)) : undefined;
    const view: RunView = {
      run,
      namespace,
      name,
      key: objectKey(namespace, name),
      labelValue: storyRunLabelValue(name),
      phase: run.status?.phase ?? '',
      phaseClass: classifyPhase(run.status?.phase),
      cancelRequested: run.spec?.cancelRequested === true,
      cancelObservedAt: parseTime(run.metadata.annotations?.[ANNOTATIONS.cancelObservedAt]),
      cancelRequest: cancelRequestOf(run),
      steps: [],
      story,
      window: windowOf(story),
      windowConfidence: { kind: 'known' },
    };
    view.windowConfidence = windowConfidence(view.window, {
      storyUnreadable: unavailable.stories !== undefined,
      transportsUnreadable: unavailable.transports !== undefined,
      // Without the Story it may well be realtime: the drain window is then unknown too.
      realtime: isRealtimeStory(story) || (story === undefined && unavailable.stories !== undefined),
      operatorGiven: options.operatorDefaultSeconds !== undefined,
    });
    runs.push(view);
    runsByKey.set(view.key, view);
    // First run wins a label collision; storyRunRef still disambiguates below.
    const lk = `${namespace}/${view.labelValue}`;
    if (!byLabel.has(lk)) byLabel.set(lk, view);
  }

  const orphans: OrphanStepRun[] = [];
  for (const step of objects.stepRuns) {
    const ns = step.metadata.namespace ?? 'default';
    const refName = step.spec?.storyRunRef?.name;
    const refNs = step.spec?.storyRunRef?.namespace ?? ns;
    const owner = step.metadata.ownerReferences?.find((o) => o.kind === 'StoryRun' && o.controller !== false);
    const label = step.metadata.labels?.[LABELS.storyRun];
    let parent: RunView | undefined;
    if (refName) parent = runsByKey.get(objectKey(refNs, refName));
    if (!parent && owner) parent = runsByKey.get(objectKey(ns, owner.name));
    if (!parent && label) parent = byLabel.get(`${ns}/${label}`);
    if (parent) {
      parent.steps.push(step);
    } else {
      const via = refName ? 'storyRunRef' : owner ? 'ownerReference' : label ? 'label' : 'none';
      orphans.push({ stepRun: step, referencedRun: refName ?? owner?.name ?? label ?? '', via });
    }
  }

  return {
    runs,
    runsByKey,
    stepRuns: objects.stepRuns,
    orphans,
    stories: objects.stories,
    storiesByKey,
    transports,
    unavailable: options.unavailable ?? {},
    operator: resolveRelease(objects.storyRuns, options),
  };
}
