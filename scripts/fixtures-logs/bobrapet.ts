// Bobrapet controller captures (v0.1.5–v0.1.11 and v0.1.12): controller-runtime v0.23.3's zap logger as
// `cmd/main.go` builds it (`zap.Options{}` + BindFlags): production JSON on stderr by default, the console
// encoder with `--zap-devel`. Layout from zap/zapr (research note bobrapet.md section A): `level`, `ts`
// (RFC3339 to the second), `logger` (when named), `msg`, the reconcile context, the logger's WithValues,
// the call's key/values, `error`, `stacktrace`; keys are never de-duplicated.
import { createHash } from 'node:crypto';
import { Capture } from './capture.js';
import type { ExpectedFinding, FormatId, Scenario } from './model.js';
import { variantsOf, type ScenarioSpec, type Variant } from './scenario.js';

type Field = [string, unknown];
type ZapLevel = 'info' | 'error' | 'debug';

const POD = 'bobrapet-controller-manager-7c9d5f6b8-m4x2z';
const NS = 'livekit-voice';
const RUN = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';
const RUN2 = 'livekit-voice-assistant-rm-9kq2p4vbnxw3-7f3e1b9c55d0a2e4';
const STEPS = ['ingress', 'voice-agent', 'summarize'] as const;

/** zapr writes a KRef / NamespacedName through MarshalLog as {name, namespace}. */
const ref = (name: string, namespace = NS): Record<string, string> => ({ name, namespace });

function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A reconcileID: controller-runtime's uuid per reconcile; derived from a seed so it is stable. */
function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16]!, 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** zap's JSON encoder: no spaces, keys in the order they were added, duplicates kept. */
function zapObject(fields: readonly Field[]): string {
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

class ZapWriter {
  private readonly cap = new Capture();
  constructor(private readonly format: FormatId) {}

  line(
    at: number,
    level: ZapLevel,
    logger: string | undefined,
    msg: string,
    fields: Field[],
    err?: string,
    stack?: string,
  ): void {
    const ctx: Field[] = [...fields];
    if (err !== undefined) ctx.push(['error', err]);
    let text: string;
    if (this.format === 'zap-json') {
      const head: Field[] = [
        ['level', level],
        ['ts', rfc3339Seconds(at)],
      ];
      if (logger !== undefined) head.push(['logger', logger]);
      head.push(['msg', msg]);
      const tail: Field[] = stack !== undefined ? [['stacktrace', stack]] : [];
      text = zapObject([...head, ...ctx, ...tail]);
    } else {
      // zapcore console encoder (development config): tab-separated, then the context as JSON,
      // then the stack trace on the lines after (development adds it from Warn up).
      const parts = [rfc3339Seconds(at), level.toUpperCase()];
      if (logger !== undefined) parts.push(logger);
      parts.push(msg);
      if (ctx.length > 0) parts.push(zapObject(ctx));
      text = parts.join('\t') + (stack !== undefined ? `\n${stack}` : '');
    }
    this.cap.add({ format: this.format, text, time: at, pod: POD, container: 'manager', stream: 'stderr' });
  }

  capture(): Capture {
    return this.cap;
  }
}

// ---- the reconcile context of controller-runtime (pkg/builder/controller.go, pkg/internal/controller) ----

function storyRunCtx(run: string, reconcile: string): Field[] {
  return [
    ['controller', 'storyrun'],
    ['controllerGroup', 'runs.bubustack.io'],
    ['controllerKind', 'StoryRun'],
    ['StoryRun', ref(run)],
    ['namespace', NS],
    ['name', run],
    ['reconcileID', uuid(reconcile)],
  ];
}

function stepRunCtx(step: string, run: string, reconcile: string): Field[] {
  const name = `${run}-${step}`;
  return [
    ['controller', 'steprun'],
    ['controllerGroup', 'runs.bubustack.io'],
    ['controllerKind', 'StepRun'],
    ['StepRun', ref(name)],
    ['namespace', NS],
    ['name', name],
    ['reconcileID', uuid(reconcile)],
  ];
}

/** pkg/logging/structured.go WithStepRun: steprun, namespace, storyrun (StoryRunReference: {name}), step, engram, phase. */
function withStepRun(step: string, run: string, phase: string): Field[] {
  return [
    ['steprun', `${run}-${step}`],
    ['namespace', NS],
    ['storyrun', { name: run }],
    ['step', step],
    ['engram', { name: step === 'voice-agent' ? 'livekit-voice-agent' : `livekit-${step}` }],
    ['phase', phase],
  ];
}

const STACK_CANCEL = [
  'github.com/bubustack/bobrapet/internal/controller/runs.(*StoryRunReconciler).handleGracefulCancel',
  '\t/workspace/internal/controller/runs/storyrun_controller.go:1617',
  'github.com/bubustack/bobrapet/internal/controller/runs.(*StoryRunReconciler).Reconcile',
  '\t/workspace/internal/controller/runs/storyrun_controller.go:266',
  'sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller[...]).Reconcile',
  '\t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.23.3/pkg/internal/controller/controller.go:216',
  'sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller[...]).reconcileHandler',
  '\t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.23.3/pkg/internal/controller/controller.go:461',
].join('\n');

/** A deterministic jitter in [lo, hi) seconds (pkg/reconcile/requeue.go JitteredRequeueDelay). */
function jitter(i: number, lo: number, hi: number): number {
  const h = createHash('sha256').update(`jitter-${i}`).digest();
  return lo + (h.readUInt16BE(0) / 65536) * (hi - lo);
}

// ---- lines -----------------------------------------------------------------------------------------

function dagSync(
  w: ZapWriter,
  at: number,
  run: string,
  step: string,
  oldPhase: string,
  newPhase: string,
  n: number,
): void {
  w.line(at, 'info', 'storyrun-dag-sync', 'Syncing StepRun status to StoryRun', [
    ...storyRunCtx(run, `${run}-dag-${n}`),
    ['step', step],
    ['oldPhase', oldPhase],
    ['newPhase', newPhase],
  ]);
}

/** v0.1.5–v0.1.11 handleGracefulCancel: the first statement, on every reconcile of a cancel-requested run. */
function cancelRequested(w: ZapWriter, at: number, run: string, n: number): void {
  w.line(at, 'info', 'storyrun', 'Graceful cancel requested', [
    ...storyRunCtx(run, `${run}-cancel-${n}`),
    ['storyrun', run],
  ]);
}

/** v0.1.12: logged once, in the pass that deleted StepRuns. */
function cancelTimeoutExpired(
  w: ZapWriter,
  at: number,
  run: string,
  timeout: string,
  startedAt: string,
  remaining: number,
): void {
  w.line(at, 'info', 'storyrun', 'Graceful cancel timeout expired; deleting remaining StepRuns', [
    ...storyRunCtx(run, `${run}-expired`),
    ['storyrun', run],
    ['remainingStepRuns', remaining],
    ['timeout', timeout],
    ['startedAt', startedAt],
  ]);
}

function annotateFailed(w: ZapWriter, at: number, run: string, step: string): void {
  const name = `${run}-${step}`;
  w.line(
    at,
    'error',
    'storyrun',
    'Failed to annotate StepRun with cancel',
    [...storyRunCtx(run, `${run}-annotate`), ['storyrun', run], ['steprun', name]],
    `Operation cannot be fulfilled on stepruns.runs.bubustack.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    STACK_CANCEL,
  );
}

/** steprun_controller.go reconcileDelete / cleanupRunScopedRuntime: every pass logs these two. */
function deletionPass(
  w: ZapWriter,
  at: number,
  run: string,
  step: string,
  n: number,
  outcome: 'waiting' | 'done',
): void {
  const ctx = stepRunCtx(step, run, `${run}-${step}-delete-${n}`);
  const keys = withStepRun(step, run, 'Running');
  w.line(at, 'info', 'steprun', 'Reconciling deletion for StepRun', [...ctx, ...keys]);
  if (n === 0) {
    // Once per realtime resource that exists and is not yet being deleted: the resource's `name` comes
    // after the StepRun's (controller-runtime's `name`) — two `name` keys, the last one not the StepRun.
    const resources: [string, string][] = [
      ['deployment', `${run}-${step}`],
      ['service', `${run}-${step}`],
      ['transport binding', `${run}-${step}-transport`],
    ];
    for (const [resource, name] of resources)
      w.line(at, 'info', 'steprun', 'Deleting realtime resource after TTL expiry', [
        ...ctx,
        ...keys,
        ['resource', resource],
        ['name', name],
      ]);
  }
  w.line(
    at + 4,
    'info',
    'steprun',
    outcome === 'waiting'
      ? 'Waiting for realtime runtime resources to be deleted before removing finalizer'
      : 'Owned resources are deleted, removing finalizer',
    [...ctx, ...keys],
  );
}

/** Another run's ordinary reconciles: the capture goes on (and BR101's window is covered). */
function otherRunProgress(w: ZapWriter, from: number, to: number): void {
  let n = 0;
  for (let t = from; t < to; t += 47_000) {
    dagSync(w, t, RUN2, STEPS[n % 3]!, n < 3 ? '' : 'Pending', n < 3 ? 'Pending' : 'Running', 100 + n);
    n += 1;
  }
}

interface BrVersion {
  range: string;
  tag: string;
  window: boolean;
}
const BR_VERSIONS: readonly BrVersion[] = [
  { range: 'v0.1.5-v0.1.11', tag: 'v0.1.11', window: false },
  { range: 'v0.1.12', tag: 'v0.1.12', window: true },
];

const T_OBSERVED = Date.parse('2026-04-22T18:13:32.023Z');
const STARTED_AT = '2026-04-22T18:13:32.023539756Z';
const runSubject = (run = RUN): ExpectedFinding['subject'] & object => ({
  kind: 'StoryRun',
  namespace: NS,
  name: run,
});
const stepSubject = (step: string): ExpectedFinding['subject'] & object => ({
  kind: 'StepRun',
  namespace: NS,
  name: `${RUN}-${step}`,
});

interface BrScript {
  id: string;
  title: string;
  shows: (v: BrVersion) => string;
  upstream: (v: BrVersion) => string[];
  run: (w: ZapWriter, v: BrVersion) => void;
  findings: (v: BrVersion) => ExpectedFinding[];
  variants?: Variant[];
}

const CTRL = '`internal/controller/runs/storyrun_controller.go`';
const STEPCTRL = '`internal/controller/runs/steprun_controller.go`';

const SCRIPTS: BrScript[] = [
  {
    id: 'br101-cancel-waited-window',
    title: 'The seed run: the cancel waited the whole drain window',
    shows: (v) =>
      v.window
        ? `The room of StoryRun \`${NS}/${RUN}\` ended and the cancel was observed at ${STARTED_AT}. The run's realtime transport ` +
          'resolves a 2 m window, so the controller requeues silently for two minutes, fails once to annotate a StepRun ' +
          '(a conflict: an error line with `error` and a multi-line `stacktrace`), and then logs `Graceful cancel timeout ' +
          'expired; deleting remaining StepRuns` with `"timeout":"2m0s"`, `"remainingStepRuns":3` and `startedAt`. The finish ' +
          "itself logs nothing. The capture goes on with another run's reconciles."
        : `StoryRun \`${NS}/${RUN}\` is cancel-requested. v0.1.5–v0.1.11 have no cancel window: \`Graceful cancel requested\` ` +
          'is logged on every reconcile — the fixed 5 s requeue plus one per StepRun event — and, for realtime StepRuns that ' +
          'never end by themselves, for ever. This capture shows 3 minutes of it.',
    upstream: (v) => [
      v.window
        ? `${CTRL} handleGracefulCancel: \`Graceful cancel timeout expired; deleting remaining StepRuns\` (L1568, v0.1.12 only), \`Failed to annotate StepRun with cancel\` (L1617)`
        : `${CTRL} handleGracefulCancel: \`Graceful cancel requested\` (L1489 at v0.1.5, L1494 at v0.1.11; removed in v0.1.12), \`RequeueAfter: 5 * time.Second\``,
      '`internal/controller/runs/dag.go` `Syncing StepRun status to StoryRun` (logger `storyrun-dag-sync`, L996)',
    ],
    run: (w, v) => {
      const t0 = T_OBSERVED;
      dagSync(w, t0 - 61_000, RUN, 'voice-agent', 'Pending', 'Running', 1);
      if (v.window) {
        annotateFailed(w, t0 + 412, RUN, 'summarize');
        cancelTimeoutExpired(w, t0 + 120_000, RUN, '2m0s', STARTED_AT, 3);
        otherRunProgress(w, t0 + 130_000, t0 + 600_000);
      } else {
        let n = 0;
        for (let t = t0; t <= t0 + 180_000; t += 5_000) {
          cancelRequested(w, t, RUN, n++);
          if (n % 6 === 2) cancelRequested(w, t + 310, RUN, n++); // a StepRun event in between
        }
        otherRunProgress(w, t0 + 181_000, t0 + 420_000);
      }
    },
    findings: () => [{ ruleId: 'BR101', subject: runSubject() }],
    variants: ['kubectl-prefix-timestamps', 'cri', 'gzip'],
  },
  {
    id: 'br101-short-cancel',
    title: 'A cancel that finishes inside the stop budget (near miss for BR101)',
    shows: (v) =>
      v.window
        ? "The run's transport sets no drain: the operator default of 20 s applies, and the controller logs `Graceful " +
          'cancel timeout expired; deleting remaining StepRuns` with `"timeout":"20s"` — inside the default 30 s stop ' +
          'budget. Nothing to report.'
        : '`Graceful cancel requested` is logged four times over 10 s (the 5 s requeue and one StepRun event), then ' +
          'the StepRuns end and the run finishes; no event reaches the run afterwards. 10 s is inside the 30 s stop budget: ' +
          'nothing to report.',
    upstream: (v) => [
      v.window
        ? `${CTRL} (v0.1.12) with the operator default \`drainTimeoutSeconds\` of 20 (config/manager/operator-config.yaml)`
        : `${CTRL} handleGracefulCancel (v0.1.5–v0.1.11)`,
    ],
    run: (w, v) => {
      const t0 = T_OBSERVED;
      if (v.window) {
        cancelTimeoutExpired(w, t0 + 20_000, RUN, '20s', STARTED_AT, 2);
      } else {
        cancelRequested(w, t0, RUN, 0);
        cancelRequested(w, t0 + 310, RUN, 1);
        cancelRequested(w, t0 + 5_000, RUN, 2);
        cancelRequested(w, t0 + 10_000, RUN, 3);
        dagSync(w, t0 + 10_400, RUN, 'voice-agent', 'Running', 'Canceled', 2);
      }
      otherRunProgress(w, t0 + 30_000, t0 + 420_000);
    },
    findings: () => [],
  },
  {
    id: 'br102-finalizer-stuck',
    title: 'A StepRun finalizer stuck on its realtime runtime',
    shows: () =>
      `StepRun \`${NS}/${RUN}-voice-agent\` is being deleted. The first pass deletes its realtime resources ` +
      "(`Deleting realtime resource after TTL expiry`, three lines whose last `name` is the resource's: the last one is " +
      `\`${RUN}-voice-agent-transport\`, not the StepRun). Every pass after that logs \`Reconciling deletion for StepRun\` ` +
      'and `Waiting for realtime runtime resources to be deleted before removing finalizer`, requeued every 2–3 s (the ' +
      "shipped ConfigMap's 2 s base, jittered to 1.5×) for 6 minutes, and `Owned resources are deleted, removing " +
      'finalizer` never comes. Name the StepRun from the `StepRun` object or `steprun`, not from the last `name`.',
    upstream: () => [
      `${STEPCTRL} reconcileDelete / cleanupRunScopedRuntime (L1007–1051, L3543 at v0.1.6–v0.1.12; L1008/L3544 at v0.1.5)`,
      '`pkg/logging/structured.go` WithStepRun (identical v0.1.5–v0.1.12)',
      '`pkg/reconcile/requeue.go` JitteredRequeueDelay; `config/manager/operator-config.yaml` (2s / 1m)',
    ],
    run: (w) => {
      const t0 = Date.parse('2026-04-22T18:15:33.000Z');
      let t = t0;
      let n = 0;
      while (t < t0 + 360_000) {
        deletionPass(w, t, RUN, 'voice-agent', n, 'waiting');
        t += Math.round(jitter(n, 2, 3) * 1000);
        n += 1;
      }
      otherRunProgress(w, t0 + 361_000, t0 + 480_000);
    },
    findings: () => [{ ruleId: 'BR102', subject: stepSubject('voice-agent') }],
    variants: ['kubectl-prefix'],
  },
  {
    id: 'br102-finalizer-released',
    title: 'A StepRun whose runtime goes away in 40 s (near miss for BR102)',
    shows: () =>
      'The same deletion, but the Deployment, Service and TransportBinding are gone after 40 s: `Owned resources are ' +
      'deleted, removing finalizer` ends the wait. Nothing to report.',
    upstream: () => [`${STEPCTRL} reconcileDelete (v0.1.5–v0.1.12)`],
    run: (w) => {
      const t0 = Date.parse('2026-04-22T18:15:33.000Z');
      let t = t0;
      let n = 0;
      while (t < t0 + 40_000) {
        deletionPass(w, t, RUN, 'voice-agent', n, 'waiting');
        t += Math.round(jitter(n, 2, 3) * 1000);
        n += 1;
      }
      deletionPass(w, t, RUN, 'voice-agent', n, 'done');
      otherRunProgress(w, t + 1000, t0 + 480_000);
    },
    findings: () => [],
  },
];

export function bobrapetScenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const v of BR_VERSIONS) {
    for (const format of ['zap-json', 'zap-console'] as FormatId[]) {
      for (const script of SCRIPTS) {
        const w = new ZapWriter(format);
        script.run(w, v);
        const json = format === 'zap-json';
        const spec: ScenarioSpec = {
          dir: `bobrapet/${v.range}/${format}/${script.id}`,
          title: `${script.title} — bobrapet ${v.range}, ${json ? 'zap production JSON' : 'zap console (`--zap-devel`)'}`,
          shows:
            script.shows(v) +
            (json
              ? '\n\nProduction JSON on stderr (`zap.Options{}`: no `--zap-*` flag is shipped): `ts` is RFC3339 to the second, so lines tie; no `caller`.'
              : "\n\n`--zap-devel`: the console encoder — tab-separated `ts`, `LEVEL`, `logger`, `msg`, then the fields as one JSON object; an error's stack trace follows on its own lines."),
          upstream: [
            '`cmd/main.go` L153–157 (`opts := zap.Options{}`; the same at every tag); controller-runtime v0.23.3 `pkg/log/zap/zap.go` addDefaults',
            ...script.upstream(v),
            `read at tag \`${v.tag}\` of bubustack/bobrapet (and every tag of the range)`,
          ],
          generatedWith:
            'scripts/fixtures-logs/bobrapet.ts, which writes the zap JSON / console layout (key order as zapr adds them, duplicates kept); reconcileIDs and requeue jitter are derived from fixed seeds; stack frames are illustrative. TZ=UTC.',
          capture: w.capture(),
          captureName: json ? 'controller.jsonl' : 'controller.txt',
          expected: { findings: script.findings(v), notEvaluated: [] },
          variants: json && v.window ? (script.variants ?? []) : [],
        };
        out.push(...variantsOf(spec));
      }
    }
  }
  return out;
}
