// What serve exports to Prometheus (docs/alerts.md is the contract the alert rules are written
// against): current findings and runs as gauges, stops as a histogram, repairs, caps, reconnects and
// Events as counters. No label names a run: the cardinality is rules × severities × namespaces and
// namespaces × phases, whatever the number of runs. One registry per serve, not prom-client's
// global one, so tests can run several in one process.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Finding, SuppressedFinding } from '../model/report.js';
import type { World, ObjectKind } from '../model/world.js';
import { RESOURCES } from '../sources/cluster/resources.js';
import { KINDS } from './store.js';

/** How often the event-loop delay is sampled for nodejs_eventloop_lag_* (ms). */
const EVENT_LOOP_SAMPLE_MS = 100;

/** Cancel observed → run terminal, seconds: fine below a minute (the 20 s operator default), then the 2-minute drains and worse. */
export const CANCEL_STOP_BUCKETS = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 150, 180, 300, 600, 1800, 3600];

export type RepairResult = 'applied' | 'no-op' | 'failed' | 'conflict' | 'refused' | 'dry-run';
export type EventResult = 'created' | 'updated' | 'rate-limited' | 'failed';

export class ServeMetrics {
  readonly registry = new Registry();
  private readonly findings: Gauge<'rule' | 'severity' | 'namespace'>;
  private readonly suppressed: Gauge<'rule' | 'namespace' | 'suppression'>;
  private readonly storyRuns: Gauge<'namespace' | 'phase'>;
  private readonly objects: Gauge<'kind'>;
  private readonly cancelStop: Histogram;
  private readonly repairs: Counter<'rule' | 'result'>;
  private readonly capped: Counter;
  private readonly reconnects: Counter<'kind'>;
  private readonly events: Counter<'result'>;
  private readonly lastEvaluation: Gauge;
  private readonly evaluationDuration: Gauge;
  private readonly leaseHeld: Gauge;
  /** Label sets exported before: they drop to 0 rather than vanish, so a graph shows the fall. */
  private readonly seenFindings = new Set<string>();
  private readonly seenSuppressed = new Set<string>();
  private readonly seenRuns = new Set<string>();

  constructor(version: string, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.findings = new Gauge({
      name: 'storyctl_findings',
      help: 'Current findings of the doctor by rule, severity and namespace (0 once the last one is gone).',
      labelNames: ['rule', 'severity', 'namespace'],
      registers,
    });
    this.suppressed = new Gauge({
      name: 'storyctl_suppressed_findings',
      help: 'Current findings silenced by a suppression (suppression="annotation" or "config"), by rule and namespace; not in storyctl_findings.',
      labelNames: ['rule', 'namespace', 'suppression'],
      registers,
    });
    this.storyRuns = new Gauge({
      name: 'storyctl_storyruns',
      help: 'StoryRuns by namespace and status.phase ("" for a run without a phase yet).',
      labelNames: ['namespace', 'phase'],
      registers,
    });
    this.objects = new Gauge({
      name: 'storyctl_objects',
      help: 'Objects held from the watches, by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.cancelStop = new Histogram({
      name: 'storyctl_cancel_stop_seconds',
      help: 'Time from the cancel being observed (graceful-cancel-observed-at) to the run being terminal, observed when a canceled run ends.',
      buckets: CANCEL_STOP_BUCKETS,
      registers,
    });
    this.repairs = new Counter({
      name: 'storyctl_repairs_total',
      help: 'Auto-repairs by the rule that selected the run and their result.',
      labelNames: ['rule', 'result'],
      registers,
    });
    this.capped = new Counter({
      name: 'storyctl_repairs_capped_total',
      help: 'Repairs not made because --max-repairs-per-hour was reached.',
      registers,
    });
    this.reconnects = new Counter({
      name: 'storyctl_watch_reconnects_total',
      help: 'Watch reconnects after a dropped or failed connection, by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.events = new Counter({
      name: 'storyctl_events_total',
      help: 'Kubernetes Events written (created, or updated as a series) or not (rate-limited, failed).',
      labelNames: ['result'],
      registers,
    });
    this.lastEvaluation = new Gauge({
      name: 'storyctl_last_evaluation_timestamp_seconds',
      help: 'Unix time of the last complete rule evaluation.',
      registers,
    });
    this.evaluationDuration = new Gauge({
      name: 'storyctl_last_evaluation_duration_seconds',
      help: 'How long the last rule evaluation took.',
      registers,
    });
    this.leaseHeld = new Gauge({
      name: 'storyctl_lease_held',
      help: '1 while this replica holds the Lease (it repairs and writes Events), else 0.',
      registers,
    });
    const info = new Gauge({
      name: 'storyctl_build_info',
      help: 'The storyctl version running (always 1).',
      labelNames: ['version'],
      registers,
    });
    info.set({ version }, 1);
    // Exported as 0 from the start, so a first increase is an increase (rate(), increase()).
    for (const kind of KINDS) this.reconnects.inc({ kind: RESOURCES[kind].kind }, 0);
    for (const result of ['created', 'updated', 'rate-limited', 'failed'] satisfies EventResult[])
      this.events.inc({ result }, 0);
    // prom-client samples the event-loop delay every 10 ms by default: a timer waking an idle serve
    // 100 times a second, ~1 % of a core for nothing. Every 100 ms still sees any stall worth an alert
    // (one evaluation of 10 000 runs blocks the loop for ~100 ms).
    if (options.processMetrics !== false)
      collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }

  /** The gauges of one evaluation. */
  evaluated(
    world: World,
    findings: readonly Finding[],
    at: number,
    durationMs: number,
    suppressed: readonly SuppressedFinding[] = [],
  ): void {
    const byFinding = new Map<string, number>();
    for (const f of findings) {
      const key = labelKey(f.ruleId, f.severity, f.subject?.namespace ?? '');
      byFinding.set(key, (byFinding.get(key) ?? 0) + 1);
    }
    setAll(this.findings, ['rule', 'severity', 'namespace'], byFinding, this.seenFindings);

    const bySuppressed = new Map<string, number>();
    for (const f of suppressed) {
      const key = labelKey(f.ruleId, f.subject?.namespace ?? '', f.suppression.kind);
      bySuppressed.set(key, (bySuppressed.get(key) ?? 0) + 1);
    }
    setAll(this.suppressed, ['rule', 'namespace', 'suppression'], bySuppressed, this.seenSuppressed);

    const byRun = new Map<string, number>();
    for (const v of world.runs) {
      const key = labelKey(v.namespace, v.phase);
      byRun.set(key, (byRun.get(key) ?? 0) + 1);
    }
    setAll(this.storyRuns, ['namespace', 'phase'], byRun, this.seenRuns);

    this.lastEvaluation.set(at / 1000);
    this.evaluationDuration.set(durationMs / 1000);
  }

  held(kind: ObjectKind, count: number): void {
    this.objects.set({ kind: RESOURCES[kind].kind }, count);
  }

  cancelStopped(seconds: number): void {
    this.cancelStop.observe(seconds);
  }

  repaired(rule: string, result: RepairResult): void {
    this.repairs.inc({ rule, result });
  }

  repairCapped(): void {
    this.capped.inc();
  }

  reconnected(kind: ObjectKind): void {
    this.reconnects.inc({ kind: RESOURCES[kind].kind });
  }

  event(result: EventResult): void {
    this.events.inc({ result });
  }

  lease(held: boolean): void {
    this.leaseHeld.set(held ? 1 : 0);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

const SEP = '\u0000';

function labelKey(...values: string[]): string {
  return values.join(SEP);
}

function setAll<L extends string>(
  gauge: Gauge<L>,
  names: readonly L[],
  counts: ReadonlyMap<string, number>,
  seen: Set<string>,
): void {
  for (const key of counts.keys()) seen.add(key);
  for (const key of seen) {
    const values = key.split(SEP);
    const labels = Object.fromEntries(names.map((n, i) => [n, values[i] ?? ''])) as Record<L, string>;
    gauge.set(labels, counts.get(key) ?? 0);
  }
}
