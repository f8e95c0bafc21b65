// The live dashboard's container: holds the watched objects, ticks the clock every second (so
// cancel timers move without a refetch; a tick that changes nothing on screen draws no frame), and
// maps keys to actions. Everything it talks to (the
// watch, the finish planner and applier, the clock) comes in as props, so it never reaches IO.
import { useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  applyConnection,
  connectionLine,
  filterRows,
  reselect,
  unavailableKinds,
  type ConnectionEvent,
  type ConnectionState,
  type EvaluateOptions,
  type ObjectEvent,
  type RunRow,
} from './dashboard-state.js';
import { coalesce } from './coalesce.js';
import { clockFace } from './format.js';
import { Dashboard } from './Dashboard.js';
import type { SecondQuestion } from './FinishDialog.js';
import { LiveEvaluation } from './live-evaluation.js';
import type { ObjectKind } from '../../model/world.js';
import { answerFinish, INITIAL_UI, reduceKey, splitInput, type KeyInfo, type UiState } from './keys.js';

export interface PlannedFinish {
  diff: string[];
  /** One line: what will be written. */
  summary: string;
  /** Set when nothing will be written: the run needs no repair, or storyctl will not plan it. */
  refusal?: string;
  /** Asked after a yes to the plan: the run nobody canceled (finish's second question). */
  second?: SecondQuestion;
  apply(): Promise<{ ok: boolean; message: string }>;
}

export interface WatchAppProps {
  readonly context: string;
  readonly server: string;
  readonly scope: string;
  readonly subscribe: (emit: (event: ObjectEvent | ConnectionEvent) => void) => () => void;
  readonly rules: EvaluateOptions['rules'];
  /** The config file's severities, excludes and suppressions (none: every finding is shown). */
  readonly filter?: EvaluateOptions['filter'];
  readonly stopBudgetSeconds: number;
  /** The operator's default graceful window, when the user gave it (flag or config). */
  readonly operatorDefaultSeconds?: number;
  readonly selected: boolean;
  readonly clock: () => number;
  readonly planFinish: (row: RunRow) => Promise<PlannedFinish>;
  readonly onQuit: (code: number) => void;
  readonly color: boolean;
  readonly tickMs?: number;
  /** The operator release the rules assume. */
  readonly operator?: EvaluateOptions['operator'];
  /** Events arriving closer together than this are shown in one frame (default 100 ms: a burst re-evaluates a few times, not dozens). */
  readonly frameMs?: number;
}

interface DialogData {
  namespace: string;
  name: string;
  diff: string[];
  summary?: string;
  message?: string;
}

export function WatchApp(props: WatchAppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  // The objects and their findings, kept up to date event by event (live-evaluation.ts); `version`
  // makes React notice a batch of events, applied at most once per frame.
  const live = useRef<LiveEvaluation | undefined>(undefined);
  live.current ??= new LiveEvaluation({
    stopBudgetSeconds: props.stopBudgetSeconds,
    rules: props.rules,
    selected: props.selected,
    operator: props.operator,
    filter: props.filter,
    ...(props.operatorDefaultSeconds !== undefined
      ? { operatorDefaultSeconds: props.operatorDefaultSeconds }
      : {}),
  });
  // `version` and the time the frame shows change together (one render for both).
  const [{ version, now }, setFrame] = useState(() => ({ version: 0, now: props.clock() }));
  const [connection, setConnection] = useState<ConnectionState>({});
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<DialogData | undefined>(undefined);
  const [size, setSize] = useState({ width: stdout.columns || 120, height: stdout.rows || 30 });
  // Read and written synchronously by the key handler (see keys.ts); `redraw` makes React notice.
  const ui = useRef<UiState>(INITIAL_UI);
  const [, redraw] = useState(0);
  const pending = useRef<PlannedFinish | undefined>(undefined);
  // The kinds whose first list has not come yet. Until each has (or cannot: forbidden, or its list
  // failed and the status line says so), nothing is judged: runs without their StepRuns or Story
  // would show findings that are not true, and the first lists would each be judged in full.
  const [waiting, setWaiting] = useState<readonly ObjectKind[]>(WATCHED_KINDS);
  const waitingRef = useRef(new Set<ObjectKind>(WATCHED_KINDS));

  useEffect(() => {
    // A burst of updates is one re-evaluation and one frame, not one per event.
    const frame = coalesce(
      () => setFrame((f) => ({ version: f.version + 1, now: props.clock() })),
      props.frameMs ?? 100,
    );
    const stop = props.subscribe((event) => {
      const wait = waitingRef.current;
      if (
        wait.size > 0 &&
        (event.type === 'reset' || event.type === 'forbidden' || event.type === 'disconnected') &&
        wait.delete(event.kind)
      )
        setWaiting([...wait]);
      if (event.type === 'reset' || event.type === 'upsert' || event.type === 'delete') {
        live.current?.apply(event);
        if (wait.size === 0) frame.request();
      } else {
        setConnection((c) => applyConnection(c, event, props.clock()));
        if (wait.size === 0) frame.request();
      }
    });
    // Thousands of runs, most of them showing an age in hours or days: most ticks change no
    // character on screen, and ink would lay out and write the whole frame for nothing.
    const timer = setInterval(() => {
      const t = props.clock();
      const shown = shownRef.current;
      const next = (live.current as LiveEvaluation).evaluate(t, shown.unavailable);
      if (clockFace(next.rows) !== shown.face || connectionLine(shown.connection, t) !== shown.line)
        setFrame((f) => ({ ...f, now: t }));
    }, props.tickMs ?? 1000);
    const resize = (): void => setSize({ width: stdout.columns || 120, height: stdout.rows || 30 });
    stdout.on('resize', resize);
    return () => {
      stop();
      frame.cancel();
      clearInterval(timer);
      stdout.off('resize', resize);
    };
    // Subscribe once per mount: the props are fixed for the app's life.
  }, []);

  const unavailable = useMemo(() => unavailableKinds(connection), [connection]);
  const ready = waiting.length === 0;
  const evaluation = useMemo(
    () => (ready ? (live.current as LiveEvaluation).evaluate(now, unavailable) : NOTHING_YET),
    // `version` stands for the objects held in `live`.
    [version, now, unavailable, ready],
  );
  const state = ui.current;
  const rows = useMemo(() => filterRows(evaluation.rows, state.filter), [evaluation, state.filter]);
  const selected = reselect(rows, state.selectedKey, state.selectedIndex);
  const allRowsRef = useRef(evaluation.rows);
  allRowsRef.current = evaluation.rows;
  // What the last frame showed of the clock, for the tick to compare with.
  const face = useMemo(() => clockFace(evaluation.rows), [evaluation]);
  const shownRef = useRef({ face, connection, unavailable, line: connectionLine(connection, now) });
  shownRef.current = { face, connection, unavailable, line: connectionLine(connection, now) };

  const setStage = (stage: UiState['dialog']): void => {
    ui.current = { ...ui.current, dialog: stage };
    redraw((n) => n + 1);
  };

  const plan = (key: string): void => {
    const target = allRowsRef.current.find((r) => r.key === key);
    if (!target) return setStage('failed');
    const base = { namespace: target.namespace, name: target.name };
    setDialog({ ...base, diff: [] });
    props.planFinish(target).then(
      (p) => {
        pending.current = p;
        setDialog(
          p.refusal
            ? { ...base, diff: p.diff, message: p.refusal }
            : { ...base, diff: p.diff, summary: p.summary },
        );
        setStage(p.refusal ? 'failed' : 'confirm');
      },
      (error: unknown) => {
        setDialog({ ...base, diff: [], message: messageOf(error) });
        setStage('failed');
      },
    );
  };

  const apply = (): void => {
    const p = pending.current;
    if (!p) return;
    p.apply().then(
      (r) => {
        setDialog((d) => (d ? { ...d, message: r.message } : d));
        setStage(r.ok ? 'done' : 'failed');
      },
      (error: unknown) => {
        setDialog((d) => (d ? { ...d, message: messageOf(error) } : d));
        setStage('failed');
      },
    );
  };

  // ink re-subscribes useInput whenever the handler changes; a new arrow on every render would
  // leave a gap after each render in which a key is dropped (seen under load: `y` lost after the
  // dialog appeared). One stable handler that calls the current one closes the gap.
  const onInput = useRef<(input: string, key: KeyInfo) => void>(() => undefined);
  onInput.current = (input, key) => {
    for (const [one, k] of splitInput(input, key)) onKey(one, k);
    redraw((n) => n + 1);
  };
  const stableOnInput = useCallback((input: string, key: KeyInfo) => onInput.current(input, key), []);
  useInput(stableOnInput);

  function onKey(input: string, key: KeyInfo): void {
    // The filter may change between keys of one burst: select among the rows it leaves.
    const current = filterRows(allRowsRef.current, ui.current.filter);
    const ctx = {
      rowKeys: current.map((r) => r.key),
      selected: reselect(current, ui.current.selectedKey, ui.current.selectedIndex),
    };
    const { state: next, effect } = reduceKey(ui.current, input, key, ctx);
    ui.current = next;
    if (effect.type === 'quit') {
      props.onQuit(effect.code);
      exit();
    } else if (effect.type === 'plan') plan(effect.key);
    else if (effect.type === 'apply') apply();
    else if (effect.type === 'close-dialog') {
      if (effect.applied && dialog)
        setNotice(`finished ${dialog.namespace}/${dialog.name}: ${dialog.message ?? ''}`);
      pending.current = undefined;
      setDialog(undefined);
    }
  }

  const onAnswer = (yes: boolean): void => {
    const { state: next, effect } = answerFinish(ui.current, yes, {
      second: pending.current?.second !== undefined,
    });
    ui.current = next;
    redraw((n) => n + 1);
    if (effect.type === 'apply') apply();
    else if (effect.type === 'close-dialog') {
      pending.current = undefined;
      setDialog(undefined);
    }
  };
  const dialogProps =
    dialog && state.dialog
      ? { ...dialog, stage: state.dialog, onAnswer, second: pending.current?.second }
      : undefined;
  return (
    <Dashboard
      header={{
        context: props.context,
        server: props.server,
        scope: props.scope,
        runs: evaluation.rows.length,
        shown: rows.length,
        counts: evaluation.counts,
        notEvaluated: evaluation.notEvaluated.length,
        suppressed: evaluation.suppressed,
        color: props.color,
      }}
      rows={rows}
      unattached={evaluation.unattached}
      notEvaluated={evaluation.notEvaluated}
      selected={selected}
      detailsOffset={state.detailsOffset}
      mode={state.mode}
      width={size.width}
      height={size.height}
      filter={state.filter}
      editingFilter={state.editingFilter}
      connection={connectionLine(connection, now)}
      notice={
        Object.keys(connection).length === 0
          ? `connecting to ${props.server}…`
          : ready
            ? notice
            : `listing ${waiting.join(', ')}…`
      }
      dialog={dialogProps}
      color={props.color}
    />
  );
}

const WATCHED_KINDS: readonly ObjectKind[] = ['storyRuns', 'stepRuns', 'stories', 'transports'];

/** What is shown while the first lists are still coming. */
const NOTHING_YET = new LiveEvaluation({ stopBudgetSeconds: 0, rules: [], selected: false }).evaluate(0);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
