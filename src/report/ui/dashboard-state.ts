// The dashboard's state as plain data: the objects a watch has delivered, and the rows the table
// shows, re-derived from them on every tick (the clock moves stalled cancels along without a
// refetch). Pure: no IO, no React; the ink components only render what these functions return.
import { keepAll, type FindingsFilter } from '../../config/findings-filter.js';
import type { OperatorRelease } from '../../contract/operator-release.js';
import { isPastStopBudget } from '../../contract/budget.js';
import { describeWindowSource } from '../../contract/cancel-window.js';
import { parseTime } from '../../contract/time.js';
import { type ObjectSet, type StepRun, type Story, type StoryRun, type Transport } from '../../model/kube.js';
import { createRedactor, redactFindings, redactNotEvaluated } from '../../model/redact.js';
import { stepRunsOfSelectedRuns } from '../../model/selection.js';
import { severityRank, type Finding, type NotEvaluated, type Severity } from '../../model/report.js';
import { buildWorld, objectKey, type ObjectKind, type RunView, type World } from '../../model/world.js';
import { runClusterRules } from '../../rules/engine.js';
import { findingsByRun } from '../../rules/evaluate.js';
import type { ClusterRule } from '../../rules/types.js';

type AnyObject = StoryRun | StepRun | Story | Transport;

/** What a watch delivers (structurally the same as the cluster source's ObjectEvent). */
export type ObjectEvent =
  | { type: 'reset'; kind: ObjectKind; items: readonly { metadata: { name: string; namespace?: string } }[] }
  | { type: 'upsert'; kind: ObjectKind; object: { metadata: { name: string; namespace?: string } } }
  | { type: 'delete'; kind: ObjectKind; object: { metadata: { name: string; namespace?: string } } };

export interface Objects {
  readonly storyRuns: ReadonlyMap<string, StoryRun>;
  readonly stepRuns: ReadonlyMap<string, StepRun>;
  readonly stories: ReadonlyMap<string, Story>;
  readonly transports: ReadonlyMap<string, Transport>;
}

export function emptyObjects(): Objects {
  return { storyRuns: new Map(), stepRuns: new Map(), stories: new Map(), transports: new Map() };
}

function keyOf(kind: ObjectKind, o: { metadata: { name: string; namespace?: string } }): string {
  return kind === 'transports' ? o.metadata.name : objectKey(o.metadata.namespace, o.metadata.name);
}

/** Apply one event; only the map of the event's kind is copied, the others are shared. */
export function applyEvent(objects: Objects, event: ObjectEvent): Objects {
  const kind = event.kind;
  const next =
    event.type === 'reset' ? new Map<string, AnyObject>() : new Map<string, AnyObject>(objects[kind]);
  if (event.type === 'reset') for (const o of event.items) next.set(keyOf(kind, o), o as AnyObject);
  else if (event.type === 'upsert') next.set(keyOf(kind, event.object), event.object as AnyObject);
  else next.delete(keyOf(kind, event.object));
  return { ...objects, [kind]: next } as Objects;
}

export function toObjectSet(objects: Objects): ObjectSet {
  return {
    storyRuns: [...objects.storyRuns.values()],
    stepRuns: [...objects.stepRuns.values()],
    stories: [...objects.stories.values()],
    transports: [...objects.transports.values()],
  };
}

export interface CancelInfo {
  /** Seconds since graceful-cancel-observed-at; undefined until the controller has written it. */
  elapsedSeconds: number | undefined;
  budgetSeconds: number;
  windowSeconds: number;
  windowSource: string;
  /** `assumed` (the operator default) or `unknown` (Stories/Transports unreadable): never shown as plain. */
  windowConfidence: 'known' | 'assumed' | 'unknown';
  /** Past the stop budget plus the controller's requeue slack (SR101's threshold). */
  overBudget: boolean;
}

export interface RunRow {
  key: string;
  namespace: string;
  name: string;
  story: string;
  phase: string;
  /** Since status.startedAt, or since creation for a run that has not started. */
  ageSeconds: number | undefined;
  /** Set for canceling runs: cancel requested and not yet terminal. */
  cancel?: CancelInfo;
  /** Rule IDs firing for this run (its own, its StepRuns', its Story's), worst first, unique. */
  badges: string[];
  worst: Severity | undefined;
  findings: Finding[];
  view: RunView;
}

export interface Evaluation {
  world: World;
  rows: RunRow[];
  findings: Finding[];
  /** Findings on no run's row (an orphaned StepRun, a Story with no live run): shown on their own. */
  unattached: Finding[];
  notEvaluated: NotEvaluated[];
  counts: Record<Severity, number>;
  /** Findings the config's suppressions (or the objects' annotations) hold back: not shown, counted. */
  suppressed: number;
}

export interface EvaluateOptions {
  now: number;
  stopBudgetSeconds: number;
  rules: readonly ClusterRule[];
  unavailable?: Partial<Record<ObjectKind, string>>;
  operatorDefaultSeconds?: number;
  /** The operator release the rules assume (watch reads it once at start, or --operator-version). */
  operator?: OperatorRelease | undefined;
  /** With `-l`, StepRuns of runs outside the selection are not ours to judge (no false orphans). */
  selected?: boolean;
  /** The config file's severities, excludes and suppressions, as doctor and serve apply them. */
  filter?: FindingsFilter | undefined;
}

export function evaluate(objects: Objects, options: EvaluateOptions): Evaluation {
  const set = toObjectSet(objects);
  // With -l, StepRuns of runs outside the selection are not ours to judge (no false orphans).
  if (options.selected) set.stepRuns = stepRunsOfSelectedRuns(set.storyRuns, set.stepRuns);
  const worldOptions: Parameters<typeof buildWorld>[1] = { operator: options.operator };
  if (options.unavailable) worldOptions.unavailable = options.unavailable;
  if (options.operatorDefaultSeconds !== undefined)
    worldOptions.operatorDefaultSeconds = options.operatorDefaultSeconds;
  const world = buildWorld(set, worldOptions);
  const evaluated = runClusterRules(options.rules, world, {
    now: options.now,
    stopBudgetSeconds: options.stopBudgetSeconds,
  });
  const { kept, suppressed } = (options.filter ?? keepAll)(evaluated.findings, world, options.now);
  return toEvaluation(
    world,
    { findings: kept, notEvaluated: evaluated.notEvaluated, suppressed: suppressed.length },
    options,
  );
}

/**
 * The rows, counts and off-row findings of one world's rule results (shared with
 * live-evaluation.ts). What the TUI shows comes from here: masked as buildReport masks a report (no
 * --show-pii here); runs are matched to findings by the unmasked subjects.
 */
export function toEvaluation(world: World, evaluated: Evaluated, options: EvaluateOptions): Evaluation {
  return evaluationAt(judge(world, evaluated), options);
}

/** The rules' results after the filter, and how many findings it suppressed. */
export interface Evaluated {
  findings: readonly Finding[];
  notEvaluated: readonly NotEvaluated[];
  suppressed: number;
}

/** A run's findings, masked, worst first, as its row shows them. */
export interface RunJudgement {
  findings: Finding[];
  badges: string[];
  worst: Severity | undefined;
}

/**
 * What one world's rule results show, apart from the clock: masked findings, each run's share of
 * them, the off-row ones and the counts. The live dashboard keeps it while no result changes, so a
 * tick only recomputes ages and cancel timers (evaluationAt).
 */
export interface Judgement {
  world: World;
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  unattached: Finding[];
  counts: Record<Severity, number>;
  suppressed: number;
  runs: Map<string, RunJudgement>;
  /** Each run's start (status.startedAt, else creation), parsed once. */
  started: Map<string, number | undefined>;
}

const NO_FINDINGS: RunJudgement = { findings: [], badges: [], worst: undefined };

export function judge(world: World, evaluated: Evaluated): Judgement {
  const redact = { showPii: false };
  const redactor = createRedactor(
    redact,
    evaluated.findings.map((f) => f.evidence),
  );
  const findings = redactFindings(evaluated.findings, redact, redactor);
  const masked = new Map(evaluated.findings.map((f, i) => [f, findings[i] ?? f]));

  // Findings about a StepRun or a Story are shown on the runs they concern.
  const byRun = findingsByRun(world, evaluated.findings);
  const runs = new Map<string, RunJudgement>();
  for (const [key, list] of byRun) {
    const sorted = list
      .map((f) => masked.get(f) ?? f)
      .sort(
        (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId),
      );
    runs.set(key, {
      findings: sorted,
      badges: [...new Set(sorted.map((f) => f.ruleId))],
      worst: sorted[0]?.severity,
    });
  }
  const started = new Map<string, number | undefined>();
  // A run's age is how long it has been running: since status.startedAt, else since it was created.
  for (const v of world.runs)
    started.set(v.key, parseTime(v.run.status?.startedAt) ?? parseTime(v.run.metadata.creationTimestamp));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  // Attached or not is decided on the unmasked findings byRun holds; the panel shows them masked.
  const attached = new Set([...byRun.values()].flat());
  const unattached = evaluated.findings
    .filter((f) => !attached.has(f))
    .map((f) => masked.get(f) ?? f)
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId));
  return {
    world,
    findings,
    notEvaluated: redactNotEvaluated(evaluated.notEvaluated, redactor),
    unattached,
    counts,
    suppressed: evaluated.suppressed,
    runs,
    started,
  };
}

/** The evaluation a judgement shows at `options.now`: the rows with their ages and cancel timers. */
export function evaluationAt(
  j: Judgement,
  options: Pick<EvaluateOptions, 'now' | 'stopBudgetSeconds'>,
): Evaluation {
  const rows = j.world.runs.map((v) =>
    toRow(v, j.runs.get(v.key) ?? NO_FINDINGS, j.started.get(v.key), options),
  );
  return {
    world: j.world,
    rows: sortRows(rows),
    findings: j.findings,
    unattached: j.unattached,
    notEvaluated: j.notEvaluated,
    counts: j.counts,
    suppressed: j.suppressed,
  };
}

function toRow(
  v: RunView,
  judged: RunJudgement,
  created: number | undefined,
  options: Pick<EvaluateOptions, 'now' | 'stopBudgetSeconds'>,
): RunRow {
  const row: RunRow = {
    key: v.key,
    namespace: v.namespace,
    name: v.name,
    story: v.run.spec?.storyRef?.name ?? '',
    phase: v.phase,
    ageSeconds: created === undefined ? undefined : Math.max(0, (options.now - created) / 1000),
    // Shared with the judgement (and so between ticks): never changed in place.
    badges: judged.badges,
    worst: judged.worst,
    findings: judged.findings,
    view: v,
  };
  if (v.cancelRequested && v.phaseClass !== 'terminal') {
    const elapsed =
      v.cancelObservedAt === undefined ? undefined : Math.max(0, (options.now - v.cancelObservedAt) / 1000);
    row.cancel = {
      elapsedSeconds: elapsed,
      budgetSeconds: options.stopBudgetSeconds,
      windowSeconds: v.window.seconds,
      windowSource: describeWindowSource(v.window.source),
      windowConfidence: v.windowConfidence.kind,
      overBudget: elapsed !== undefined && isPastStopBudget(elapsed, options.stopBudgetSeconds),
    };
  }
  return row;
}

/**
 * Worst first: highest severity, then canceling runs that have waited longest, then live runs
 * before finished ones, then newest; the key keeps the order stable between ticks.
 */
// localeCompare's order (the default locale's collation) without building a collator per call:
// thousands of runs are sorted on every tick.
const collator = new Intl.Collator();

export function sortRows(rows: readonly RunRow[]): RunRow[] {
  const rank = (r: RunRow): number => (r.worst ? severityRank(r.worst) : 0);
  const waited = (r: RunRow): number => (r.cancel ? (r.cancel.elapsedSeconds ?? 0) + 1 : 0);
  const live = (r: RunRow): number => (r.view.phaseClass === 'terminal' ? 0 : 1);
  return [...rows].sort(
    (a, b) =>
      rank(b) - rank(a) ||
      waited(b) - waited(a) ||
      live(b) - live(a) ||
      (a.ageSeconds ?? Infinity) - (b.ageSeconds ?? Infinity) ||
      collator.compare(a.key, b.key),
  );
}

/**
 * `/` filter: every whitespace-separated term must match namespace, name, story, phase or a
 * badge (case-insensitive substring), so `SR101 voice` narrows to stalled voice calls.
 */
export function filterRows(rows: readonly RunRow[], filter: string): RunRow[] {
  const terms = filter
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== '');
  if (terms.length === 0) return [...rows];
  return rows.filter((r) => {
    const hay = [r.namespace, r.name, r.story, r.phase, ...r.badges].map((s) => s.toLowerCase());
    return terms.every((t) => hay.some((h) => h.includes(t)));
  });
}

/** Keep the selection on the same run when rows move; fall back to the nearest index. */
export function reselect(
  rows: readonly RunRow[],
  selectedKey: string | undefined,
  previousIndex: number,
): number {
  if (rows.length === 0) return 0;
  if (selectedKey !== undefined) {
    const i = rows.findIndex((r) => r.key === selectedKey);
    if (i >= 0) return i;
  }
  return Math.min(Math.max(0, previousIndex), rows.length - 1);
}

/** The slice of rows that fits `height` lines, keeping `selected` visible. */
export function visibleWindow(
  total: number,
  selected: number,
  height: number,
): { start: number; end: number } {
  const h = Math.max(1, height);
  if (total <= h) return { start: 0, end: total };
  const start = Math.min(Math.max(0, selected - Math.floor(h / 2)), total - h);
  return { start, end: start + h };
}

export type ConnectionState = Partial<
  Record<
    ObjectKind,
    | { state: 'connected' }
    | { state: 'disconnected'; reason: string; since: number; retryAt: number }
    | { state: 'forbidden'; reason: string }
  >
>;

export type ConnectionEvent =
  | { type: 'connected'; kind: ObjectKind }
  | { type: 'disconnected'; kind: ObjectKind; reason: string; retryInMs: number }
  | { type: 'forbidden'; kind: ObjectKind; reason: string };

export function applyConnection(
  state: ConnectionState,
  event: ConnectionEvent,
  now: number,
): ConnectionState {
  const prev = state[event.kind];
  if (event.type === 'connected') return { ...state, [event.kind]: { state: 'connected' } };
  if (event.type === 'forbidden')
    return { ...state, [event.kind]: { state: 'forbidden', reason: event.reason } };
  const since = prev?.state === 'disconnected' ? prev.since : now;
  return {
    ...state,
    [event.kind]: { state: 'disconnected', reason: event.reason, since, retryAt: now + event.retryInMs },
  };
}

/** Kinds that cannot be read, as the world's `unavailable` (their rules become "not evaluated"). */
const KIND_NAMES: Readonly<Record<ObjectKind, string>> = {
  storyRuns: 'StoryRuns',
  stepRuns: 'StepRuns',
  stories: 'Stories',
  transports: 'Transports',
};

/**
 * The kinds the rules cannot rely on yet: forbidden ones, and those whose first list has not
 * arrived (a rule judging runs without their StepRuns would call every step state orphaned, SR203,
 * for the seconds the lists take on a large cluster).
 */
export function unavailableKinds(state: ConnectionState): Partial<Record<ObjectKind, string>> {
  const out: Partial<Record<ObjectKind, string>> = {};
  for (const kind of Object.keys(KIND_NAMES) as ObjectKind[]) {
    const c = state[kind];
    if (c === undefined) out[kind] = `${KIND_NAMES[kind]} are still being listed`;
    else if (c.state === 'forbidden') out[kind] = c.reason;
  }
  return out;
}

/** One status line for the watches, or undefined when all are connected. */
export function connectionLine(state: ConnectionState, now: number): string | undefined {
  const down = (Object.entries(state) as [ObjectKind, ConnectionState[ObjectKind]][]).filter(
    ([, c]) => c?.state === 'disconnected',
  );
  const first = down[0]?.[1];
  if (!first || first.state !== 'disconnected') return undefined;
  const kinds = down.map(([k]) => k).join(', ');
  const since = Math.round((now - first.since) / 1000);
  const retry = Math.max(0, Math.ceil((first.retryAt - now) / 1000));
  return `disconnected (${kinds}) for ${since}s: ${first.reason}; retrying in ${retry}s; showing the last known state`;
}
