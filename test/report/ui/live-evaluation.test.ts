// The live evaluation against the full one: after any sequence of watch events, clock moves and
// unreadable kinds, `LiveEvaluation.evaluate` gives the same rows, counts, off-row findings and
// not-evaluated reasons as `evaluate` over the same objects. Random sequences from a fixed seed
// over a small universe of names, so runs, StepRuns, Stories and Transports meet often: StepRuns
// before their runs, orphans, label-only links, deletions with finalizers, cancels, relists.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFilter, type FindingsFilter } from '../../../src/config/findings-filter.js';
import { loadConfig } from '../../../src/config/load.js';
import { mergeSettings } from '../../../src/config/settings.js';
import type { StepRun, Story, StoryRun, Transport } from '../../../src/model/kube.js';
import type { Finding, NotEvaluated } from '../../../src/model/report.js';
import {
  applyEvent,
  emptyObjects,
  evaluate,
  type ObjectEvent,
} from '../../../src/report/ui/dashboard-state.js';
import { LiveEvaluation } from '../../../src/report/ui/live-evaluation.js';
import { clusterRules } from '../../../src/rules/index.js';
import type { ObjectKind } from '../../../src/model/world.js';
import { drain, makeRun, makeStep, makeStory, makeTransport } from '../../support/objects.js';

const T0 = Date.parse('2026-04-22T18:10:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** mulberry32: a small seeded generator, so a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const namespaces = ['voice', 'batch'];
  const runNames = ['call-a', 'call-b', 'call-c', 'call-d', 'call-e'];
  const phases = ['Running', 'Pending', 'Finished', 'Succeeded', 'Failed', 'Canceled', 'Weird', ''];
  const stepPhases = ['Running', 'Succeeded', 'Failed', 'Pending', 'Odd'];

  const run = (now: number): StoryRun => {
    const phase = pick(phases);
    const terminal = ['Finished', 'Succeeded', 'Failed', 'Canceled'].includes(phase);
    const cancel = chance(0.5);
    const r = makeRun({
      namespace: pick(namespaces),
      name: pick(runNames),
      story: chance(0.1) ? null : pick(['voice-agent', 'batch', 'missing']),
      phase,
      cancelRequested: cancel,
      ...(cancel && chance(0.8) ? { cancelObservedAt: iso(now - Math.floor(random() * 300_000)) } : {}),
      startedAt: chance(0.1) ? null : iso(now - Math.floor(random() * 600_000)),
      ...(terminal && chance(0.7) ? { finishedAt: iso(now - 1000) } : {}),
      stepStates: Object.fromEntries(
        ['agent', 'egress'].filter(() => chance(0.8)).map((s) => [s, pick(stepPhases)]),
      ),
      stepsComplete: Math.floor(random() * 3),
      stepsFailed: 0,
      stepsSkipped: 0,
      ...(chance(0.15)
        ? { deletionTimestamp: iso(now - Math.floor(random() * 900_000)), finalizers: ['f'] }
        : {}),
    });
    return r;
  };
  const step = (now: number): StepRun => {
    const owner = pick(runNames);
    const links = (['label', 'ref', 'owner'] as const).filter(() => chance(0.6));
    return makeStep(owner, pick(['agent', 'egress']), {
      namespace: pick(namespaces),
      phase: pick(stepPhases),
      links: [...links],
      ...(chance(0.15)
        ? { deletionTimestamp: iso(now - Math.floor(random() * 900_000)), finalizers: ['g'] }
        : {}),
    });
  };
  const story = (): Story =>
    makeStory({
      namespace: pick(namespaces),
      name: pick(['voice-agent', 'batch']),
      pattern: pick(['realtime', 'batch'] as const),
      steps: ['agent', 'egress'],
      transports: chance(0.7) ? [{ name: 'livekit', transportRef: pick(['livekit-webrtc', 'other']) }] : [],
    });
  const transport = (): Transport =>
    makeTransport(pick(['livekit-webrtc', 'other']), { streaming: drain(pick([10, 120, 600])) });

  const object = (kind: ObjectKind, now: number): { metadata: { name: string; namespace?: string } } =>
    kind === 'storyRuns'
      ? run(now)
      : kind === 'stepRuns'
        ? step(now)
        : kind === 'stories'
          ? story()
          : transport();

  const event = (now: number): ObjectEvent => {
    const kind = pick<ObjectKind>([
      'storyRuns',
      'storyRuns',
      'storyRuns',
      'stepRuns',
      'stepRuns',
      'stories',
      'transports',
    ]);
    const r = random();
    if (r < 0.08)
      return {
        type: 'reset',
        kind,
        items: Array.from({ length: Math.floor(random() * 5) }, () => object(kind, now)),
      };
    if (r < 0.25) return { type: 'delete', kind, object: object(kind, now) };
    return { type: 'upsert', kind, object: object(kind, now) };
  };
  return { pick, chance, event };
}

/**
 * The config filter of a `.storyctl.yaml` as watch reads it: a severity override, an exclude, and
 * suppressions that expire inside the sequences' timeline (the clock crosses them).
 */
async function configFilter(lines = DEFAULT_CONFIG): Promise<FindingsFilter> {
  const dir = mkdtempSync(join(tmpdir(), 'storyctl-live-filter-'));
  const file = join(dir, '.storyctl.yaml');
  writeFileSync(file, ['apiVersion: storyctl/v1', 'kind: Config', ...lines, ''].join('\n'));
  return settingsFilter(mergeSettings({}, await loadConfig(file, dir)));
}

const DEFAULT_CONFIG = [
  'rules:',
  '  SR201: info',
  'exclude:',
  '  - rules: [SR301]',
  '    namespace: batch',
  'suppressions:',
  '  - rule: SR101',
  '    name: call-a',
  '    reason: tracked in OPS-12',
  `    expires: "${iso(T0 + 40 * 60_000)}"`,
  '  - rule: SR303',
  '    namespace: voice',
  '    reason: finalizer owner is being fixed',
  `    expires: "${iso(T0 + 90 * 60_000)}"`,
];

/** An order-free view of findings and reasons (the full evaluation lists them rule by rule). */
function bag<T extends Finding | NotEvaluated>(items: readonly T[]): string[] {
  return items.map((i) => JSON.stringify(i)).sort();
}

describe('LiveEvaluation', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])(
    'matches the full evaluation over a random event sequence (seed %i; from 9 with a config filter)',
    async (seed) => {
      const random = rng(seed);
      const g = generator(random);
      const selected = seed % 4 === 0;
      const filter = seed > 8 ? await configFilter() : undefined;
      const live = new LiveEvaluation({ stopBudgetSeconds: 30, rules: clusterRules, selected, filter });
      let objects = emptyObjects();
      let now = T0;
      let unavailable: Partial<Record<ObjectKind, string>> = {};
      let suppressedSeen = 0;
      for (let i = 0; i < 250; i++) {
        // A batch of events (a burst, or one), then the clock, sometimes a kind turning unreadable.
        const n = g.chance(0.2) ? 1 + Math.floor(random() * 8) : 1;
        for (let k = 0; k < n; k++) {
          const e = g.event(now);
          objects = applyEvent(objects, e);
          live.apply(e);
        }
        if (g.chance(0.5)) now += Math.floor(random() * 60_000);
        if (g.chance(0.05))
          unavailable = g.chance(0.5)
            ? {}
            : { [g.pick<ObjectKind>(['stepRuns', 'stories', 'transports'])]: 'forbidden' };
        // Sometimes only the clock moves (the dashboard's tick).
        const ticks = g.chance(0.3) ? 2 : 1;
        for (let t = 0; t < ticks; t++) {
          if (t > 0) now += 7_000;
          const want = evaluate(objects, {
            now,
            stopBudgetSeconds: 30,
            rules: clusterRules,
            unavailable,
            selected,
            filter,
          });
          const got = live.evaluate(now, unavailable);
          expect(got.rows, `step ${i}`).toEqual(want.rows);
          expect(got.counts).toEqual(want.counts);
          expect(got.suppressed).toBe(want.suppressed);
          suppressedSeen += want.suppressed;
          expect(got.unattached).toEqual(want.unattached);
          expect(bag(got.findings)).toEqual(bag(want.findings));
          expect(bag(got.notEvaluated)).toEqual(bag(want.notEvaluated));
        }
      }
      // The filter had something to do (else the seeds with it would prove nothing).
      if (filter) expect(suppressedSeen).toBeGreaterThan(0);
    },
  );

  it('re-checks only the runs an event touches, and on a tick only those the clock moves', () => {
    let calls = 0;
    const counting = clusterRules.map((r) => ({
      ...r,
      check: (...args: Parameters<typeof r.check>) => {
        if (r.meta.id === 'SR201') calls += args[0].runs.length;
        return r.check(...args);
      },
    }));
    const live = new LiveEvaluation({ stopBudgetSeconds: 30, rules: counting, selected: false });
    const runs = Array.from({ length: 50 }, (_, i) =>
      makeRun({
        namespace: 'voice',
        name: `call-${i}`,
        story: null,
        ...(i === 0 ? { cancelRequested: true, cancelObservedAt: iso(T0) } : {}),
      }),
    );
    live.apply({ type: 'reset', kind: 'storyRuns', items: runs });
    for (const kind of ['stepRuns', 'stories', 'transports'] as const)
      live.apply({ type: 'reset', kind, items: [] });
    live.evaluate(T0);
    expect(calls).toBe(50);
    calls = 0;
    live.apply({
      type: 'upsert',
      kind: 'storyRuns',
      object: makeRun({ namespace: 'voice', name: 'call-7', story: null, phase: 'Succeeded' }),
    });
    live.evaluate(T0);
    expect(calls).toBe(1);
    calls = 0;
    // The clock alone: only the canceled live run (SR101 counts from its cancel).
    const e = live.evaluate(T0 + 60_000);
    expect(calls).toBe(1);
    expect(e.rows.find((r) => r.name === 'call-0')?.badges).toContain('SR101');
  });

  it('checks a rule about several runs of a Story (SR304) over the whole world, and again when the clock moves it', () => {
    // Two canceled runs of one Story, finished 23 h before T0: under the 24 h retention until T0 + 1 h.
    const finished = T0 - 23 * 3_600_000;
    const runs = [1, 2].map((i) =>
      makeRun({
        namespace: 'voice',
        name: `call-${i}`,
        story: 'voice-agent',
        phase: 'Finished',
        cancelRequested: true,
        cancelObservedAt: iso(finished - 60_000),
        startedAt: iso(finished - 120_000),
        finishedAt: iso(finished),
      }),
    );
    const events: ObjectEvent[] = [
      { type: 'reset', kind: 'storyRuns', items: runs },
      { type: 'reset', kind: 'stepRuns', items: [] },
      { type: 'reset', kind: 'stories', items: [makeStory({ namespace: 'voice', name: 'voice-agent' })] },
      { type: 'reset', kind: 'transports', items: [] },
    ];
    let objects = emptyObjects();
    const live = new LiveEvaluation({ stopBudgetSeconds: 30, rules: clusterRules, selected: false });
    for (const e of events) {
      objects = applyEvent(objects, e);
      live.apply(e);
    }
    for (const now of [T0, T0 + 2 * 3_600_000]) {
      const want = evaluate(objects, { now, stopBudgetSeconds: 30, rules: clusterRules });
      const got = live.evaluate(now);
      expect(got.rows).toEqual(want.rows);
      expect(got.unattached).toEqual(want.unattached);
      expect(bag(got.findings)).toEqual(bag(want.findings));
    }
    const sr304 = live.evaluate(T0 + 2 * 3_600_000).findings.filter((f) => f.ruleId === 'SR304');
    expect(sr304.map((f) => f.evidence['canceledRuns'])).toEqual([2]);
  });

  it('applies the config: a suppression holds a finding back until it expires, with no event in between', async () => {
    // SR201 does not move with the clock: its finding is the same object from one tick to the next,
    // so only the expiry can end the suppression.
    const filter = await configFilter([
      'suppressions:',
      '  - rule: SR201',
      '    name: call-a',
      '    reason: tracked in OPS-12',
      `    expires: "${iso(T0 + 40 * 60_000)}"`,
    ]);
    const live = new LiveEvaluation({ stopBudgetSeconds: 30, rules: clusterRules, selected: false, filter });
    const ended = (name: string): StoryRun =>
      makeRun({
        namespace: 'voice',
        name,
        story: 'voice-agent',
        phase: 'Succeeded',
        finishedAt: iso(T0),
        stepStates: { agent: 'Running' },
      });
    live.apply({ type: 'reset', kind: 'storyRuns', items: [ended('call-a'), ended('call-b')] });
    for (const kind of ['stepRuns', 'stories', 'transports'] as const)
      live.apply({ type: 'reset', kind, items: [] });
    const sr201 = (e: ReturnType<LiveEvaluation['evaluate']>): string[] =>
      e.findings
        .filter((f) => f.ruleId === 'SR201')
        .map((f) => f.subject?.name ?? '')
        .sort();
    const before = live.evaluate(T0 + 39 * 60_000);
    expect(sr201(before)).toEqual(['call-b']);
    expect(before.suppressed).toBe(1);
    expect(live.evaluate(T0 + 39.5 * 60_000).suppressed).toBe(1);
    const after = live.evaluate(T0 + 41 * 60_000);
    expect(sr201(after)).toEqual(['call-a', 'call-b']);
    expect(after.suppressed).toBe(0);
  });

  it('keeps the masked findings while no result changes: a tick only moves the ages', () => {
    const live = new LiveEvaluation({ stopBudgetSeconds: 30, rules: clusterRules, selected: false });
    live.apply({
      type: 'reset',
      kind: 'storyRuns',
      items: [
        makeRun({
          namespace: 'voice',
          name: 'call-1',
          phase: 'Finished',
          startedAt: iso(T0 - 60_000),
          stepStates: { agent: 'Running' },
        }),
      ],
    });
    for (const kind of ['stepRuns', 'stories', 'transports'] as const)
      live.apply({ type: 'reset', kind, items: [] });
    const a = live.evaluate(T0);
    const b = live.evaluate(T0 + 5_000);
    expect(a.findings.length).toBeGreaterThan(0);
    expect(b.findings).toBe(a.findings);
    expect(b.rows[0]?.findings).toBe(a.rows[0]?.findings);
    expect((b.rows[0]?.ageSeconds ?? 0) - (a.rows[0]?.ageSeconds ?? 0)).toBe(5);
    // The same time again (the tick looked, then the frame renders it): the same evaluation.
    expect(live.evaluate(T0 + 5_000)).toBe(b);
  });
});
