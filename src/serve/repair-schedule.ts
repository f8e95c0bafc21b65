// When auto-repair may finish a run: its finding (SR101, SR201 or SR301, as --auto-finish lists)
// must have lasted the grace period without a break; at most --max-repairs-per-hour repairs in any
// sliding hour; after an attempt, the same run waits (longer after each failure) before another.
// Plain state and the clock as a parameter: no IO, so every rule of the schedule is unit-tested.
import type { Finding } from '../model/report.js';
import type { World } from '../model/world.js';
import { findingsByRun } from '../rules/evaluate.js';

export interface Candidate {
  key: string;
  namespace: string;
  name: string;
  /** The first --auto-finish rule that names the run (its label on storyctl_repairs_total). */
  rule: string;
}

export type AttemptOutcome = 'applied' | 'no-op' | 'failed' | 'conflict' | 'refused' | 'dry-run';

export interface ScheduleOptions {
  rules: ReadonlySet<string>;
  graceMs: number;
  maxPerHour: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

export interface Due {
  /** Runs to repair now, oldest finding first, within the cap. */
  repair: Candidate[];
  /** Runs due but left because the cap is reached, each reported once while the cap holds. */
  capped: Candidate[];
  /** The cap was reached in this call and was not before: say so (log, Event). */
  capReached: boolean;
  /** When to look again (epoch ms) without a change: the next grace end, retry or cap slot. */
  wakeAt: number | undefined;
}

/** The runs that --auto-finish rules name, by run (a StepRun's finding names its run). */
export function candidatesOf(
  world: World,
  findings: readonly Finding[],
  rules: ReadonlySet<string>,
): Candidate[] {
  const byRun = findingsByRun(
    world,
    findings.filter((f) => rules.has(f.ruleId)),
  );
  const out: Candidate[] = [];
  for (const [key, fs] of byRun) {
    const run = world.runsByKey.get(key);
    const rule = fs.map((f) => f.ruleId).sort()[0];
    if (run && rule) out.push({ key, namespace: run.namespace, name: run.name, rule });
  }
  return out;
}

export class RepairSchedule {
  private readonly firstSeen = new Map<string, number>();
  private readonly notBefore = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly cappedReported = new Set<string>();
  private readonly attempts: number[] = [];
  private current = new Map<string, Candidate>();
  private capped = false;

  constructor(private readonly o: ScheduleOptions) {}

  get rules(): ReadonlySet<string> {
    return this.o.rules;
  }

  /** Repairs made before this replica led (from the runs' audit annotations): they count against the cap. */
  seed(times: readonly number[]): void {
    // finished-at has whole seconds: a time near one of our own attempts is that attempt.
    const fresh = times.filter((t) => !this.attempts.some((a) => Math.abs(a - t) < 5000));
    const all = [...this.attempts, ...fresh].sort((a, b) => a - b);
    this.attempts.splice(0, this.attempts.length, ...all);
  }

  /** The candidates of the latest evaluation; a run that dropped out starts its grace anew. */
  observe(candidates: readonly Candidate[], now: number): void {
    this.current = new Map(candidates.map((c) => [c.key, c]));
    for (const key of [...this.firstSeen.keys()]) {
      if (this.current.has(key)) continue;
      this.firstSeen.delete(key);
      this.notBefore.delete(key);
      this.failures.delete(key);
      this.cappedReported.delete(key);
    }
    for (const c of candidates) if (!this.firstSeen.has(c.key)) this.firstSeen.set(c.key, now);
  }

  /** How long the run's finding has lasted, ms (undefined: not a candidate). */
  age(key: string, now: number): number | undefined {
    const t = this.firstSeen.get(key);
    return t === undefined ? undefined : now - t;
  }

  due(now: number): Due {
    while (this.attempts.length > 0 && (this.attempts[0] ?? 0) <= now - HOUR) this.attempts.shift();
    const ready = [...this.current.values()]
      .filter((c) => now >= this.readyAt(c.key))
      .sort(
        (a, b) =>
          (this.firstSeen.get(a.key) ?? 0) - (this.firstSeen.get(b.key) ?? 0) || a.key.localeCompare(b.key),
      );
    const room = Math.max(0, this.o.maxPerHour - this.attempts.length);
    const repair = ready.slice(0, room);
    const left = ready.slice(room);
    const capped = left.filter((c) => !this.cappedReported.has(c.key));
    for (const c of capped) this.cappedReported.add(c.key);
    const capReached = left.length > 0 && !this.capped;
    this.capped = left.length > 0;
    if (!this.capped) this.cappedReported.clear();

    const wakeAt = this.nextWake(now);
    return { repair, capped, capReached, wakeAt };
  }

  /** When to look again without a change: the next grace end or retry, or a slot under the cap. */
  nextWake(now: number): number | undefined {
    let wakeAt: number | undefined;
    const consider = (t: number): void => {
      if (t > now && (wakeAt === undefined || t < wakeAt)) wakeAt = t;
    };
    for (const c of this.current.values()) consider(this.readyAt(c.key));
    if (this.capped && this.attempts[0] !== undefined) consider(this.attempts[0] + HOUR);
    return wakeAt;
  }

  /** An attempt is about to write (it counts against the cap whatever its outcome). */
  started(now: number): void {
    this.attempts.push(now);
  }

  /** What came of an attempt: when the same run may be tried again. */
  finished(key: string, outcome: AttemptOutcome, now: number): void {
    const n = (this.failures.get(key) ?? 0) + 1;
    let wait: number;
    switch (outcome) {
      case 'applied':
        // The finding should be gone with the next event; if it is not, something else is wrong.
        wait = 10 * MINUTE;
        this.failures.delete(key);
        break;
      case 'no-op':
        wait = this.o.graceMs;
        break;
      case 'failed':
      case 'conflict':
        wait = Math.min(30 * MINUTE, MINUTE * 2 ** (n - 1));
        this.failures.set(key, n);
        break;
      case 'refused':
        // Permissions and plan refusals do not change by themselves.
        wait = 30 * MINUTE;
        break;
      case 'dry-run':
        wait = HOUR;
        break;
    }
    this.notBefore.set(key, now + wait);
  }

  /** Repairs counted in the last hour. */
  inLastHour(now: number): number {
    return this.attempts.filter((t) => t > now - HOUR).length;
  }

  private readyAt(key: string): number {
    return Math.max((this.firstSeen.get(key) ?? Infinity) + this.o.graceMs, this.notBefore.get(key) ?? 0);
  }
}
