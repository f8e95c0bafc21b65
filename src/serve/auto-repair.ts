// Auto-repair: the runs the schedule says are due, finished one at a time exactly as
// `storyctl finish NAME --force-terminal --yes` finishes them: prepareFinish (a fresh read with the
// Story and Transports, the doctor's rules on it, the plan, the RBAC preflight) and the applier
// (every write with the resourceVersion it was planned from, audit annotations with
// `finished-by: storyctl-serve`, the read-back). Only while this replica leads: leadership is asked
// again before each run and before its writes, so losing the Lease stops repairs at once.
import { prepareFinish, type FinishTarget } from '../cli/finish/prepare.js';
import type { OperatorRelease } from '../contract/operator-release.js';
import type { Finding } from '../model/report.js';
import type { StoryRun } from '../model/kube.js';
import { parseTime } from '../contract/time.js';
import { formatGoDuration } from '../contract/duration.js';
import { applyRun, type Outcome } from '../repair/apply.js';
import type { RepairClient } from '../repair/client.js';
import { AUDIT_ANNOTATIONS, describePermission } from '../repair/plan.js';
import type { EventSpec, Regarding } from './events.js';
import type { Leadership } from './lease.js';
import type { Logger } from './log.js';
import type { RepairResult } from './metrics.js';
import type { AttemptOutcome, Candidate, RepairSchedule } from './repair-schedule.js';

/** `finished-by` on every run serve repairs (CONTROLLER.md §9.8). */
export const FINISHED_BY = 'storyctl-serve';

export interface AutoRepairOptions {
  schedule: RepairSchedule;
  leadership: Leadership;
  /** A client per attempt: a long-running process must not share one first-answer budget. */
  client: () => RepairClient;
  log: Logger;
  clock: () => number;
  stopBudgetSeconds: number;
  /** `--operator-version`, for the rules on the fresh read and the refusal the applier explains. */
  operator?: OperatorRelease | undefined;
  graceMs: number;
  maxPerHour: number;
  dryRun: boolean;
  /** The fresh read's findings that still count (the config's suppressions applied); all without. */
  keep?: (target: FinishTarget) => Finding[];
  metrics: { repaired(rule: string, result: RepairResult): void; repairCapped(): void };
  event: (spec: EventSpec) => Promise<void>;
  regardingOf: (namespace: string, name: string) => Regarding;
}

/** Runs with serve's own audit trail finished in the last hour: the cap holds across a change of leader. */
export function recentRepairTimes(runs: Iterable<StoryRun>, now: number): number[] {
  const out: number[] = [];
  for (const r of runs) {
    const a = r.metadata.annotations;
    if (a?.[AUDIT_ANNOTATIONS.finishedBy] !== FINISHED_BY) continue;
    const at = parseTime(a[AUDIT_ANNOTATIONS.finishedAt]);
    if (at !== undefined && at > now - 3_600_000 && at <= now) out.push(at);
  }
  return out.sort((x, y) => x - y);
}

function resultOf(outcome: Outcome): AttemptOutcome {
  switch (outcome) {
    case 'applied':
    case 'no-op':
    case 'failed':
    case 'conflict':
    case 'refused':
    case 'dry-run':
      return outcome;
    case 'skipped':
      return 'no-op';
  }
}

export class AutoRepairer {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: AutoRepairOptions) {}

  /** Repair what is due now (one pass at a time); returns when the pass is done. */
  run(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.running ?? Promise.resolve();
  }

  private async pass(): Promise<void> {
    const { schedule, log } = this.o;
    if (!this.o.leadership.isLeader()) return;
    const due = schedule.due(this.o.clock());
    if (due.capReached) {
      log.warn('auto-repair: hourly cap reached, runs left for a person', {
        maxRepairsPerHour: this.o.maxPerHour,
        left: due.capped.map((c) => c.key),
      });
    }
    for (const c of due.capped) {
      this.o.metrics.repairCapped();
      log.warn('auto-repair: capped, not repaired', {
        run: c.key,
        rule: c.rule,
        maxRepairsPerHour: this.o.maxPerHour,
      });
      await this.o.event({
        regarding: this.o.regardingOf(c.namespace, c.name),
        type: 'Warning',
        reason: 'AutoFinishCapped',
        action: 'Finish',
        note: `${c.rule}: not finished by storyctl serve: ${this.o.maxPerHour} repairs in the last hour (--max-repairs-per-hour). Finish it with \`storyctl finish ${c.name} -n ${c.namespace} --force-terminal\`.`,
      });
    }
    for (const c of due.repair) {
      if (this.stopped || !this.o.leadership.isLeader()) return;
      await this.repair(c);
    }
  }

  private async repair(c: Candidate): Promise<void> {
    const { log, schedule } = this.o;
    const now = this.o.clock();
    const lasted = formatGoDuration(Math.round((schedule.age(c.key, now) ?? 0) / 1000));
    const client = this.o.client();
    const fields = { run: c.key, rule: c.rule, findingFor: lasted, dryRun: this.o.dryRun };
    const done = (
      result: AttemptOutcome,
      message: string,
      extra: Record<string, unknown> = {},
    ): Promise<void> => {
      schedule.finished(c.key, result, this.o.clock());
      this.o.metrics.repaired(c.rule, result);
      const ok = result === 'applied' || result === 'dry-run' || result === 'no-op';
      (ok ? log.info : log.warn)(`auto-repair: ${result}`, { ...fields, message, ...extra });
      if (result === 'no-op') return Promise.resolve();
      return this.o.event({
        regarding: this.o.regardingOf(c.namespace, c.name),
        type: ok ? 'Normal' : 'Warning',
        reason:
          result === 'applied'
            ? 'AutoFinished'
            : result === 'dry-run'
              ? 'AutoFinishDryRun'
              : 'AutoFinishFailed',
        action: 'Finish',
        note: `${c.rule} for ${lasted}: ${result}: ${message}`,
      });
    };

    let prepared;
    try {
      prepared = await prepareFinish(
        client,
        { kind: 'named', namespace: c.namespace, names: [c.name], ifGone: 'skip' },
        {
          mode: 'force-terminal',
          clock: this.o.clock,
          stopBudgetSeconds: this.o.stopBudgetSeconds,
          user: FINISHED_BY,
          reason: `storyctl serve --auto-finish: ${c.rule} for ${lasted}`,
          checkPermissions: true,
          operator: this.o.operator,
        },
      );
    } catch (error) {
      return done(
        'failed',
        `could not read the run: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const target = prepared.targets[0];
    const plan = prepared.plans[0];
    if (!target || !plan) return done('no-op', 'the StoryRun is gone');
    // The fresh read decides, not the watch's copy: a run the controller just finished is left alone.
    if (!target.findings.some((f) => schedule.rules.has(f.ruleId)))
      return done('no-op', `the fresh read no longer shows ${c.rule}`);
    const kept = this.o.keep ? this.o.keep(target) : target.findings;
    if (!kept.some((f) => schedule.rules.has(f.ruleId)))
      return done('no-op', `the fresh read shows ${c.rule} suppressed`);
    if (plan.action === 'refused') return done('refused', plan.reason ?? 'the planner refused');
    if (plan.action === 'no-op') return done('no-op', plan.reason ?? 'nothing to write');
    if (prepared.missing.length > 0) {
      const who = client.user ? `user "${client.user}"` : 'this user';
      return done(
        'refused',
        `refused by RBAC before any write: ${who} may not ${prepared.missing.map(describePermission).join('; ')} (bind deploy/rbac/storyctl-repairer.yaml, or use deploy/serve/auto-repair)`,
      );
    }
    if (!this.o.leadership.isLeader() || this.stopped) {
      log.warn('auto-repair: not leader any more, nothing written', fields);
      return;
    }
    schedule.started(this.o.clock());
    try {
      const r = await applyRun(client, plan, {
        replan: prepared.replan,
        now: this.o.clock,
        stopBudgetSeconds: this.o.stopBudgetSeconds,
        serverDryRun: this.o.dryRun,
        operator: this.o.operator,
      });
      return done(resultOf(r.outcome), r.message, { writes: r.writes.length, attempts: r.attempts });
    } catch (error) {
      return done('failed', error instanceof Error ? error.message : String(error));
    }
  }
}
