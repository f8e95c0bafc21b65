import { describe, expect, it } from 'vitest';
import { sr202 } from '../../../src/rules/cluster/sr202-step-state-drift.js';
import { CANCEL_AT, NS, SEED_RUN, STEPS, makeRun, makeStep, seedWorld } from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:14:30Z';

describe('SR202 step-state-drift', () => {
  it('fires on a canceled run whose frozen states disagree with its StepRuns', () => {
    const run = makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    const steps = [
      makeStep(SEED_RUN, 'livekit-bridge', { phase: 'Paused' }),
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Running' }),
    ];
    const out = runRule(sr202, seedWorld([run], steps), ctx(NOW));
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR202',
      severity: 'warning',
      subject: { kind: 'StoryRun', namespace: NS, name: SEED_RUN },
    });
    expect(f.evidence).toEqual({
      phase: 'Running',
      cancelRequested: true,
      drifts: [
        {
          step: 'livekit-bridge',
          statePhase: 'Running',
          stepRun: `${SEED_RUN}-livekit-bridge`,
          stepRunPhase: 'Paused',
        },
      ],
    });
    expect(f.fix).toBe(`storyctl finish ${SEED_RUN} -n ${NS} --force-terminal`);
  });

  it('fires without a cancel when a StepRun is terminal but its state is not, and then offers no forced finish', () => {
    const run = makeRun({ phase: 'Running', cancelRequested: false });
    const steps = [
      makeStep(SEED_RUN, 'livekit-bridge', { phase: 'Failed' }),
      makeStep(SEED_RUN, 'voice-agent'),
    ];
    const f = runRule(sr202, seedWorld([run], steps), ctx(NOW)).findings[0]!;
    expect(f.evidence['drifts']).toEqual([
      {
        step: 'livekit-bridge',
        statePhase: 'Running',
        stepRun: `${SEED_RUN}-livekit-bridge`,
        stepRunPhase: 'Failed',
      },
    ]);
    expect(f.fix).toBeUndefined();
  });

  it('does not fire for a live-vs-live difference on a run that is not canceled (the next sync will fix it)', () => {
    const run = makeRun({
      phase: 'Running',
      stepStates: { 'livekit-bridge': 'Scheduling', 'voice-agent': 'Running' },
    });
    const steps = STEPS.map((s) => makeStep(SEED_RUN, s, { phase: 'Running' }));
    expect(runRule(sr202, seedWorld([run], steps), ctx(NOW))).toEqual({ findings: [], notEvaluated: [] });
  });

  it('does not fire when states match their StepRuns, or the StepRun is gone (SR203), or the run is terminal (SR201)', () => {
    const matching = makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    const terminal = makeRun({
      name: 'done-run',
      phase: 'Finished',
      cancelRequested: true,
      finishedAt: '2026-04-22T18:15:32Z',
    });
    const steps = [
      makeStep(SEED_RUN, 'livekit-bridge'),
      makeStep('done-run', 'voice-agent', { phase: 'Canceled' }),
    ];
    expect(runRule(sr202, seedWorld([matching, terminal], steps), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('reports a StepRun with an unknown phase as not evaluated', () => {
    const run = makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    const out = runRule(
      sr202,
      seedWorld([run], [makeStep(SEED_RUN, 'voice-agent', { phase: 'Migrating' })]),
      ctx(NOW),
    );
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated).toEqual([
      {
        ruleId: 'SR202',
        subject: { kind: 'StepRun', namespace: NS, name: `${SEED_RUN}-voice-agent` },
        reason: expect.stringMatching(/Migrating/),
      },
    ]);
  });

  it('is not evaluated at all when StepRuns could not be read', () => {
    const out = runRule(
      sr202,
      seedWorld([makeRun({ cancelRequested: true })], [], {
        unavailable: { stepRuns: 'stepruns.runs.bubustack.io is forbidden' },
      }),
      ctx(NOW),
    );
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated).toEqual([
      { ruleId: 'SR202', reason: 'stepruns.runs.bubustack.io is forbidden' },
    ]);
  });
});
