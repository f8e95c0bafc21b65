// The auto-repair schedule: grace without a break, the hourly cap as a sliding window (reported
// once when hit), backoff after an attempt, and the cap carried over from the runs' audit trail.
import { describe, expect, it } from 'vitest';
import { RepairSchedule, candidatesOf, type Candidate } from '../../src/serve/repair-schedule.js';
import { recentRepairTimes, FINISHED_BY } from '../../src/serve/auto-repair.js';
import { keepAll } from '../../src/config/findings-filter.js';
import { evaluate } from '../../src/serve/evaluate.js';
import { clusterRules } from '../../src/rules/index.js';
import { AUDIT_ANNOTATIONS } from '../../src/repair/plan.js';
import { finishedSeed, makeRun, makeStep } from '../support/objects.js';

const MIN = 60_000;
const c = (name: string, rule = 'SR101'): Candidate => ({ key: `ns/${name}`, namespace: 'ns', name, rule });
const schedule = (maxPerHour = 20, graceMs = 2 * MIN) =>
  new RepairSchedule({ rules: new Set(['SR101', 'SR201', 'SR301']), graceMs, maxPerHour });

describe('RepairSchedule', () => {
  it('repairs a run only once its finding has lasted the grace period', () => {
    const s = schedule();
    s.observe([c('a')], 0);
    expect(s.due(2 * MIN - 1).repair).toEqual([]);
    expect(s.nextWake(2 * MIN - 1)).toBe(2 * MIN);
    expect(s.due(2 * MIN).repair.map((x) => x.name)).toEqual(['a']);
  });

  it('starts the grace anew when the finding went away in between', () => {
    const s = schedule();
    s.observe([c('a')], 0);
    s.observe([], MIN);
    s.observe([c('a')], 90_000);
    expect(s.due(2 * MIN + 1).repair).toEqual([]);
    expect(s.due(90_000 + 2 * MIN).repair).toHaveLength(1);
  });

  it('never starts more than the cap in a sliding hour, and reports each capped run once', () => {
    const s = schedule(2);
    s.observe([c('a'), c('b'), c('c')], 0);
    const first = s.due(2 * MIN);
    expect(first.repair.map((x) => x.name)).toEqual(['a', 'b']);
    expect(first.capped.map((x) => x.name)).toEqual(['c']);
    expect(first.capReached).toBe(true);
    for (const r of first.repair) {
      s.started(2 * MIN);
      s.finished(r.key, 'applied', 2 * MIN);
    }
    s.observe([c('c')], 2 * MIN);
    // Still capped: not counted again, not announced again.
    const second = s.due(3 * MIN);
    expect(second.repair).toEqual([]);
    expect(second.capped).toEqual([]);
    expect(second.capReached).toBe(false);
    expect(s.nextWake(3 * MIN)).toBe(62 * MIN);
    // An hour after the first two, room again.
    expect(s.due(62 * MIN).repair.map((x) => x.name)).toEqual(['c']);
  });

  it('backs off after an attempt: longer after each failure, long after a refusal', () => {
    const s = schedule();
    s.observe([c('a')], 0);
    s.started(2 * MIN);
    s.finished('ns/a', 'failed', 2 * MIN);
    expect(s.due(3 * MIN - 1).repair).toEqual([]);
    expect(s.due(3 * MIN).repair).toHaveLength(1);
    s.started(3 * MIN);
    s.finished('ns/a', 'failed', 3 * MIN);
    expect(s.due(5 * MIN - 1).repair).toEqual([]);
    expect(s.due(5 * MIN).repair).toHaveLength(1);
    s.finished('ns/a', 'refused', 5 * MIN);
    expect(s.due(34 * MIN).repair).toEqual([]);
    expect(s.due(35 * MIN).repair).toHaveLength(1);
  });

  it('counts repairs another replica made (audit annotations) against the cap, once', () => {
    const s = schedule(2);
    s.started(10 * MIN);
    s.seed([10 * MIN + 900, 20 * MIN]);
    expect(s.inLastHour(30 * MIN)).toBe(2);
    s.observe([c('x')], 0);
    expect(s.due(30 * MIN).capped.map((x) => x.name)).toEqual(['x']);
  });
});

describe('recentRepairTimes', () => {
  it("reads serve's own finished-at of the last hour, nothing else", () => {
    const now = Date.parse('2026-04-22T19:00:00Z');
    const mine = finishedSeed({ name: 'a' });
    mine.metadata.annotations = {
      [AUDIT_ANNOTATIONS.finishedBy]: FINISHED_BY,
      [AUDIT_ANNOTATIONS.finishedAt]: '2026-04-22T18:30:00Z',
    };
    const old = finishedSeed({ name: 'b' });
    old.metadata.annotations = {
      [AUDIT_ANNOTATIONS.finishedBy]: FINISHED_BY,
      [AUDIT_ANNOTATIONS.finishedAt]: '2026-04-22T17:30:00Z',
    };
    const person = finishedSeed({ name: 'c' });
    person.metadata.annotations = {
      [AUDIT_ANNOTATIONS.finishedBy]: 'alice',
      [AUDIT_ANNOTATIONS.finishedAt]: '2026-04-22T18:40:00Z',
    };
    expect(recentRepairTimes([mine, old, person], now)).toEqual([Date.parse('2026-04-22T18:30:00Z')]);
  });
});

describe('candidatesOf', () => {
  it('names the run of a StepRun finding (SR301) and only --auto-finish rules', () => {
    const run = finishedSeed({ name: 'done' });
    const steps = [makeStep(run, 'voice-agent', { phase: 'Running' })];
    const ev = evaluate(
      { storyRuns: [run, makeRun({ name: 'live' })], stepRuns: steps, stories: [], transports: [] },
      {
        rules: clusterRules,
        filter: keepAll,
        now: Date.parse('2026-04-22T19:00:00Z'),
        stopBudgetSeconds: 30,
      },
    );
    const rules = ev.findings.map((f) => f.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['SR201', 'SR301']));
    expect(candidatesOf(ev.world, ev.findings, new Set(['SR301']))).toEqual([
      {
        key: `${run.metadata.namespace}/done`,
        namespace: run.metadata.namespace,
        name: 'done',
        rule: 'SR301',
      },
    ]);
    expect(candidatesOf(ev.world, ev.findings, new Set(['SR101']))).toEqual([]);
  });
});
