import { describe, expect, it } from 'vitest';
import { planFinish } from '../../../src/repair/plan-force-terminal.js';
import { sr201 } from '../../../src/rules/cluster/sr201-terminal-run-live-step-states.js';
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
/** bobrapet#89 / the seed after the controller finished it: Finished, every state still Running, no StepRuns. */
const seedFinished = () => finishedSeed({ message: 'StoryRun gracefully canceled' });

describe('SR201 terminal-run-live-step-states', () => {
  it('fires on the seed: Finished with every step state Running and no StepRuns left', () => {
    const out = runRule(sr201, seedWorld([seedFinished()]), ctx(NOW));
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR201',
      severity: 'error',
      subject: { kind: 'StoryRun', namespace: NS, name: SEED_RUN },
    });
    expect(f.fix).toBe(`storyctl finish ${SEED_RUN} -n ${NS} --force-terminal`);
    expect(f.evidence).toEqual({
      phase: 'Finished',
      finishedAt: FINISHED_AT,
      openSteps: [
        { step: 'livekit-bridge', phase: 'Running', stepRunExists: false, repairTo: 'Canceled' },
        { step: 'voice-agent', phase: 'Running', stepRunExists: false, repairTo: 'Canceled' },
      ],
    });
    expect(f.message).toMatch(/livekit-bridge=Running, voice-agent=Running/);
  });

  it('shows an existing StepRun and its phase, and a terminal StepRun phase as the repair target', () => {
    const steps = [
      makeStep(SEED_RUN, 'livekit-bridge', { phase: 'Succeeded' }),
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Paused' }),
    ];
    const f = runRule(sr201, seedWorld([seedFinished()], steps), ctx(NOW)).findings[0]!;
    expect(f.evidence['openSteps']).toEqual([
      {
        step: 'livekit-bridge',
        phase: 'Running',
        stepRunExists: true,
        stepRun: `${SEED_RUN}-livekit-bridge`,
        stepRunPhase: 'Succeeded',
        repairTo: 'Succeeded',
      },
      {
        step: 'voice-agent',
        phase: 'Running',
        stepRunExists: true,
        stepRun: `${SEED_RUN}-voice-agent`,
        stepRunPhase: 'Paused',
        repairTo: 'Canceled',
      },
    ]);
  });

  it('agrees with the repair planner: it fires exactly when planFinish changes step states', () => {
    const runs = [
      seedFinished(),
      makeRun({
        name: 'batch-failed',
        phase: 'Failed',
        finishedAt: FINISHED_AT,
        stepStates: { a: 'Succeeded', b: 'Pending' },
      }),
    ];
    const out = runRule(sr201, seedWorld(runs), ctx(NOW));
    for (const run of runs) {
      const plan = planFinish(run, [], NOW);
      const stepChanges = plan.changes.filter((c) => c.path.startsWith('status.stepStates.'));
      const finding = out.findings.find((f) => f.subject?.name === run.metadata.name);
      expect((finding?.evidence['openSteps'] as unknown[] | undefined)?.length ?? 0).toBe(stepChanges.length);
    }
    expect(out.findings.find((f) => f.subject?.name === 'batch-failed')?.evidence['openSteps']).toEqual([
      { step: 'b', phase: 'Pending', stepRunExists: false, repairTo: 'Aborted' },
    ]);
  });

  it('does not fire on a Finished run whose states are all terminal', () => {
    const run = finishedSeed({
      stepStates: { 'livekit-bridge': 'Canceled', 'voice-agent': 'Canceled', setup: 'Succeeded' },
    });
    expect(runRule(sr201, seedWorld([run]), ctx(NOW))).toEqual({ findings: [], notEvaluated: [] });
  });

  it('does not fire on a live run with live states', () => {
    expect(runRule(sr201, seedWorld([makeRun({ phase: 'Running' })]), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('reports unknown run and step phases as not evaluated', () => {
    const unknownRun = makeRun({ name: 'future-run', phase: 'Archived' });
    const unknownStep = makeRun({
      name: 'odd-step',
      phase: 'Succeeded',
      finishedAt: FINISHED_AT,
      stepStates: { a: 'Succeeded', b: 'Evicted' },
    });
    const out = runRule(sr201, seedWorld([unknownRun, unknownStep]), ctx(NOW));
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated.map((n) => [n.subject?.name, n.reason])).toEqual([
      ['future-run', expect.stringMatching(/Archived/)],
      ['odd-step', expect.stringMatching(/stepStates\.b\.phase "Evicted"/)],
    ]);
  });

  it('still fires when StepRuns could not be read, without claiming whether they exist', () => {
    const f = runRule(
      sr201,
      seedWorld([seedFinished()], [], { unavailable: { stepRuns: 'forbidden' } }),
      ctx(NOW),
    ).findings[0]!;
    expect(f.evidence['openSteps']).toEqual([
      { step: 'livekit-bridge', phase: 'Running', repairTo: 'Canceled' },
      { step: 'voice-agent', phase: 'Running', repairTo: 'Canceled' },
    ]);
    expect(f.evidence['stepRunsNote']).toMatch(/forbidden/);
  });
});
