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

  it.each([
    'Queued due to story concurrency limit (2 running, limit 2)',
    'Queued due to queue concurrency limit (5 running, limit 5)',
    'Queued due to global concurrency limit (50 running, limit 50)',
    'Queued due to higher-priority work',
    'Queued due to scheduling limits',
  ])('leaves alone a step the DAG queued: Pending, startedAt, %j', (message) => {
    const run = makeRun({
      phase: 'Running',
      stepStates: {
        'livekit-bridge': 'Running',
        'voice-agent': { phase: 'Pending', message, startedAt: STARTED_AT },
      },
    });
    const world = seedWorld([run], [makeStep(SEED_RUN, 'livekit-bridge')]);
    expect(runRule(sr203, world, ctx(NOW)).findings).toEqual([]);
    // Canceled while it waited: still no StepRun was ever made for it.
    const canceled = makeRun({
      ...{ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT },
      stepStates: run.status!.stepStates!,
    });
    expect(
      runRule(sr203, seedWorld([canceled], [makeStep(SEED_RUN, 'livekit-bridge')]), ctx(NOW)).findings,
    ).toEqual([]);
  });

  it('still fires for a Pending step with startedAt and any other message', () => {
    const run = makeRun({
      phase: 'Running',
      stepStates: {
        'livekit-bridge': 'Running',
        'voice-agent': { phase: 'Pending', message: 'Waiting for dependencies', startedAt: STARTED_AT },
      },
    });
    expect(
      runRule(sr203, seedWorld([run], [makeStep(SEED_RUN, 'livekit-bridge')]), ctx(NOW)).findings,
    ).toHaveLength(1);
  });

  it('leaves alone a run that is itself being deleted (its finalizer removes the StepRuns)', () => {
    const run = makeRun({
      phase: 'Running',
      cancelRequested: true,
      cancelObservedAt: CANCEL_AT,
      deletionTimestamp: '2026-04-22T18:15:00Z',
    });
    expect(runRule(sr203, seedWorld([run]), ctx(NOW)).findings).toEqual([]);
  });
});
