import { describe, expect, it } from 'vitest';
import { sr101 } from '../../../src/rules/cluster/sr101-stalled-graceful-cancel.js';
import {
  CANCEL_AT,
  FINISHED_AT,
  NS,
  SEED_RUN,
  STEPS,
  after,
  makeRun,
  makeStep,
  seedWorld,
} from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const stalled = () => makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT });
const liveSteps = () =>
  STEPS.map((s) => makeStep(SEED_RUN, s, { phase: s === 'voice-agent' ? 'Paused' : 'Running' }));

describe('SR101 stalled-graceful-cancel', () => {
  it('fires on the seed run still Running 58 s after its cancel, with window, budget and live StepRuns', () => {
    const out = runRule(sr101, seedWorld([stalled()], liveSteps()), ctx('2026-04-22T18:14:30Z'));
    expect(out.notEvaluated).toEqual([]);
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR101',
      severity: 'error',
      subject: { kind: 'StoryRun', namespace: NS, name: SEED_RUN },
    });
    expect(f.fix).toBe(`storyctl finish ${SEED_RUN} -n ${NS} --force-terminal`);
    expect(f.evidence).toMatchObject({
      phase: 'Running',
      cancelObservedAt: CANCEL_AT,
      cancelObservedAtSource: 'annotation',
      elapsedSeconds: 58,
      elapsed: '58s',
      budgetSeconds: 30,
      budget: '30s',
      windowSeconds: 120,
      window: '2m0s',
      windowSourceDetail: {
        kind: 'transport-drain',
        transport: 'livekit-webrtc',
        origin: 'Transport',
        field: 'streaming',
      },
      windowEndsAt: '2026-04-22T18:15:32.023Z',
      windowExpired: false,
    });
    expect(String(f.evidence['windowSource'])).toContain(
      'Transport livekit-webrtc spec.streaming.lifecycle.drainTimeoutSeconds',
    );
    expect(f.evidence['stepRunsAlive']).toEqual([
      { name: `${SEED_RUN}-livekit-bridge`, phase: 'Running', stepId: 'livekit-bridge' },
      { name: `${SEED_RUN}-voice-agent`, phase: 'Paused', stepId: 'voice-agent' },
    ]);
    expect(f.message).toMatch(/58s ago/);
    expect(f.message).toMatch(/2 StepRun\(s\) still alive/);
  });

  it('keeps the same fingerprint as time goes on (anchored on the cancel time)', () => {
    const world = seedWorld([stalled()], liveSteps());
    const a = runRule(sr101, world, ctx('2026-04-22T18:14:30Z')).findings[0]!;
    const b = runRule(sr101, world, ctx('2026-04-22T18:30:00Z')).findings[0]!;
    expect(a.fingerprint).toBe(b.fingerprint);
    // Another capture of the same run with another cancel time: the same finding for baselines
    // (issue 14: never a time in the fingerprint), another occurrence within a run.
    const other = runRule(
      sr101,
      seedWorld([
        makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: after(CANCEL_AT, 1) }),
      ]),
      ctx('2026-04-22T18:30:00Z'),
    ).findings[0]!;
    expect(other.fingerprint).toBe(a.fingerprint);
    expect(other.occurrence).not.toBe(a.occurrence);
  });

  it('says when the window has expired and no StepRuns are left', () => {
    const f = runRule(sr101, seedWorld([stalled()]), ctx('2026-04-22T18:16:00Z')).findings[0]!;
    expect(f.evidence).toMatchObject({
      elapsedSeconds: 148,
      elapsed: '2m28s',
      windowExpired: true,
      stepRunsAlive: [],
    });
    expect(f.message).toMatch(/no StepRuns left/);
  });

  it.each([
    ['10 s after the cancel', '2026-04-22T18:13:42Z'],
    ['37 s after the cancel (within budget + 7.5 s slack)', '2026-04-22T18:14:09Z'],
  ])('does not fire %s', (_what, now) => {
    const out = runRule(sr101, seedWorld([stalled()], liveSteps()), ctx(now));
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated).toEqual([]);
  });

  it('fires just past budget + slack (38 s)', () => {
    expect(
      runRule(sr101, seedWorld([stalled()], liveSteps()), ctx('2026-04-22T18:14:10.100Z')).findings,
    ).toHaveLength(1);
  });

  it('honours --stop-budget', () => {
    expect(
      runRule(sr101, seedWorld([stalled()], liveSteps()), ctx('2026-04-22T18:14:30Z', { budget: 120 }))
        .findings,
    ).toEqual([]);
    expect(
      runRule(sr101, seedWorld([stalled()], liveSteps()), ctx('2026-04-22T18:14:30Z', { budget: 10 }))
        .findings[0]?.evidence['budget'],
    ).toBe('10s');
  });

  it('does not fire on a clean quick cancel: Finished 8 s after the cancel with Canceled steps', () => {
    const run = makeRun({
      phase: 'Finished',
      cancelRequested: true,
      cancelObservedAt: CANCEL_AT,
      finishedAt: '2026-04-22T18:13:40Z',
      duration: '21s',
      stepStates: { 'livekit-bridge': 'Canceled', 'voice-agent': 'Canceled' },
    });
    const steps = STEPS.map((s) => makeStep(SEED_RUN, s, { phase: 'Canceled' }));
    const out = runRule(sr101, seedWorld([run], steps), ctx('2026-04-22T18:20:00Z'));
    expect(out).toEqual({ findings: [], notEvaluated: [] });
  });

  it('does not fire on a long-running run that was never canceled', () => {
    const run = makeRun({ phase: 'Running', cancelRequested: false });
    expect(runRule(sr101, seedWorld([run], liveSteps()), ctx('2026-04-22T20:00:00Z'))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('reports "not evaluated" when the observed-at annotation is not written yet, unless --assume-cancel-at', () => {
    const run = makeRun({ phase: 'Running', cancelRequested: true });
    const out = runRule(sr101, seedWorld([run], liveSteps()), ctx(FINISHED_AT));
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated).toEqual([
      {
        ruleId: 'SR101',
        subject: { kind: 'StoryRun', namespace: NS, name: SEED_RUN },
        reason: expect.stringMatching(/not set yet.*--assume-cancel-at/),
      },
    ]);
    const assumed = runRule(
      sr101,
      seedWorld([run], liveSteps()),
      ctx(FINISHED_AT, { assumeCancelAt: '2026-04-22T18:14:00Z' }),
    );
    expect(assumed.notEvaluated).toEqual([]);
    expect(assumed.findings[0]?.evidence).toMatchObject({
      cancelObservedAt: '2026-04-22T18:14:00.000Z',
      cancelObservedAtSource: 'assumed (--assume-cancel-at)',
      elapsedSeconds: 92,
    });
  });

  it('reports "not evaluated" for an unparsable annotation', () => {
    const run = makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: 'yesterday' });
    expect(runRule(sr101, seedWorld([run]), ctx(FINISHED_AT)).notEvaluated[0]?.reason).toMatch(
      /not a time \(yesterday\)/,
    );
  });

  it('reports "not evaluated" for a run phase it does not know', () => {
    const run = makeRun({ phase: 'Draining', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    const out = runRule(sr101, seedWorld([run]), ctx(FINISHED_AT));
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated[0]?.reason).toMatch(/Draining/);
  });

  it('still fires when StepRuns could not be read, and says so', () => {
    const world = seedWorld([stalled()], [], { unavailable: { stepRuns: 'stepruns is forbidden' } });
    const f = runRule(sr101, world, ctx(FINISHED_AT)).findings[0]!;
    expect(f.evidence['stepRunsAlive']).toBeUndefined();
    expect(f.evidence['stepRunsNote']).toMatch(/forbidden/);
  });

  it('shows the operator default window when the Story is missing', () => {
    const f = runRule(
      sr101,
      seedWorld([
        makeRun({
          story: 'missing-story',
          phase: 'Running',
          cancelRequested: true,
          cancelObservedAt: CANCEL_AT,
        }),
      ]),
      ctx(FINISHED_AT),
    ).findings[0]!;
    expect(f.evidence).toMatchObject({
      windowSeconds: 20,
      window: '20s',
      windowSourceDetail: { kind: 'operator' },
      storyFound: false,
    });
  });
});
