import { describe, expect, it } from 'vitest';
import { sr301 } from '../../../src/rules/cluster/sr301-live-steprun-under-terminal-run.js';
import {
  FINISHED_AT,
  NS,
  SEED_RUN,
  finishedSeed,
  makeRun,
  makeStep,
  seedWorld,
} from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:16:00Z';
const finished = () => finishedSeed();

describe('SR301 live-steprun-under-terminal-run', () => {
  it('fires on a live StepRun under a Finished run, with the run phase and finishedAt', () => {
    const steps = [
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Paused' }),
      makeStep(SEED_RUN, 'livekit-bridge', { phase: 'Canceled' }),
    ];
    const out = runRule(sr301, seedWorld([finished()], steps), ctx(NOW));
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR301',
      severity: 'error',
      subject: { kind: 'StepRun', namespace: NS, name: `${SEED_RUN}-voice-agent` },
    });
    expect(f.evidence).toEqual({
      phase: 'Paused',
      stepId: 'voice-agent',
      storyRun: SEED_RUN,
      runPhase: 'Finished',
      runFinishedAt: FINISHED_AT,
    });
    expect(f.fix).toBe(`storyctl finish ${SEED_RUN} -n ${NS} --force-terminal`);
  });

  it('finds StepRuns linked only by label or only by storyRunRef', () => {
    const steps = [
      makeStep(SEED_RUN, 'livekit-bridge', { links: ['label'] }),
      makeStep(SEED_RUN, 'voice-agent', { links: ['ref'] }),
    ];
    const out = runRule(
      sr301,
      seedWorld([makeRun({ phase: 'Succeeded', finishedAt: FINISHED_AT })], steps),
      ctx(NOW),
    );
    expect(out.findings.map((f) => f.subject?.name).sort()).toEqual([
      `${SEED_RUN}-livekit-bridge`,
      `${SEED_RUN}-voice-agent`,
    ]);
  });

  it('does not fire on a StepRun being deleted under a terminal run', () => {
    const step = makeStep(SEED_RUN, 'voice-agent', { deletionTimestamp: '2026-04-22T18:15:32Z' });
    expect(runRule(sr301, seedWorld([finished()], [step]), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('does not fire on live StepRuns under a live run, nor on terminal StepRuns under a terminal run', () => {
    const live = makeRun({ name: 'live-run', phase: 'Running' });
    const steps = [
      makeStep('live-run', 'voice-agent'),
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Canceled' }),
    ];
    expect(runRule(sr301, seedWorld([live, finished()], steps), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('reports unknown StepRun or run phases as not evaluated', () => {
    const unknownRun = makeRun({ name: 'future-run', phase: 'Archived' });
    const steps = [
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Migrating' }),
      makeStep('future-run', 'voice-agent'),
    ];
    const out = runRule(sr301, seedWorld([finished(), unknownRun], steps), ctx(NOW));
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated.map((n) => n.subject?.name)).toEqual([
      `${SEED_RUN}-voice-agent`,
      'future-run-voice-agent',
    ]);
  });
});
