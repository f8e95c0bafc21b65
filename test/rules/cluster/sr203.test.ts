import { describe, expect, it } from 'vitest';
import { sr203 } from '../../../src/rules/cluster/sr203-step-state-without-steprun.js';
import {
  CANCEL_AT,
  FINISHED_AT,
  NS,
  SEED_RUN,
  STARTED_AT,
  makeRun,
  makeStep,
  seedWorld,
} from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:16:00Z';

describe('SR203 step-state-without-steprun', () => {
  it('fires on the stalled seed after the window: states Running, StepRuns deleted, run not yet Finished', () => {
    const run = makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    const out = runRule(sr203, seedWorld([run]), ctx(NOW));
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR203',
      severity: 'warning',
      subject: { kind: 'StoryRun', namespace: NS, name: SEED_RUN },
    });
    expect(f.evidence).toEqual({
      phase: 'Running',
      cancelRequested: true,
      stepRunsListed: 0,
      missing: [
        { step: 'livekit-bridge', phase: 'Running' },
        { step: 'voice-agent', phase: 'Running' },
      ],
    });
    expect(f.fix).toBe(`storyctl finish ${SEED_RUN} -n ${NS} --force-terminal`);
  });

  it('fires on a run that is not canceled when other StepRuns are listed for it, without a forced finish', () => {
    const run = makeRun({ phase: 'Running' });
    const f = runRule(sr203, seedWorld([run], [makeStep(SEED_RUN, 'livekit-bridge')]), ctx(NOW)).findings[0]!;
    expect(f.evidence['missing']).toEqual([{ step: 'voice-agent', phase: 'Running' }]);
    expect(f.fix).toBeUndefined();
  });

  it('does not fire when the run is not canceled and has no StepRuns listed (not created yet, or filtered out)', () => {
    expect(runRule(sr203, seedWorld([makeRun({ phase: 'Running' })]), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('does not fire for a Pending step the DAG has not reached, nor a sub-Story step', () => {
    const run = makeRun({
      phase: 'Running',
      stepStates: {
        'livekit-bridge': 'Running',
        summarize: { phase: 'Pending' },
        escalate: { phase: 'Running', startedAt: STARTED_AT, subStoryRunName: `${SEED_RUN}-escalate` },
      },
    });
    expect(
      runRule(sr203, seedWorld([run], [makeStep(SEED_RUN, 'livekit-bridge')]), ctx(NOW)).findings,
    ).toEqual([]);
  });

  it('does not fire on terminal states nor on terminal runs (SR201 reports those)', () => {
    const canceledStates = makeRun({
      phase: 'Running',
      cancelRequested: true,
      cancelObservedAt: CANCEL_AT,
      stepStates: { 'livekit-bridge': 'Canceled', 'voice-agent': 'Succeeded' },
    });
    const finished = makeRun({
      name: 'finished-run',
      phase: 'Finished',
      cancelRequested: true,
      finishedAt: FINISHED_AT,
    });
    expect(runRule(sr203, seedWorld([canceledStates, finished]), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('does not fire while every open state still has its StepRun', () => {
    const run = makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    const steps = [
      makeStep(SEED_RUN, 'livekit-bridge'),
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Paused' }),
    ];
    expect(runRule(sr203, seedWorld([run], steps), ctx(NOW)).findings).toEqual([]);
  });
});
