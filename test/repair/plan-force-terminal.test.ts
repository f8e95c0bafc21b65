import { describe, expect, it } from 'vitest';
import {
  CANCELED_MESSAGE,
  TOPOLOGY_MESSAGE,
  expectedCounters,
  finishTimeProblems,
  openStepStates,
  runEndKind,
} from '../../src/contract/terminal-state.js';
import { validateRunStatus } from '../../src/contract/status-validation.js';
import type { Condition, StepState } from '../../src/model/kube.js';
import { planFinish } from '../../src/repair/plan-force-terminal.js';
import {
  CANCEL_AT,
  FINISHED_AT,
  SEED_DURATION,
  SEED_RUN,
  STARTED_AT,
  STEPS,
  after,
  makeRun,
  makeStep,
} from '../support/objects.js';

const NOW = '2026-04-22T18:20:00Z';

const cond = (type: string, status: string, reason: string, at = STARTED_AT): Condition => ({
  type,
  status,
  reason,
  message: reason,
  lastTransitionTime: at,
  observedGeneration: 1,
});
const running = [
  cond('Ready', 'False', 'Running'),
  cond('Progressing', 'True', 'Running'),
  cond('Degraded', 'False', 'AsExpected'),
];

/** The seed while it is stalled: canceled 13 s after start, StepRuns still Running, nothing finished. */
function stalledSeed() {
  const run = makeRun({
    phase: 'Running',
    cancelRequested: true,
    cancelObservedAt: CANCEL_AT,
    conditions: running,
  });
  const steps = STEPS.map((s) => makeStep(SEED_RUN, s));
  return { run, steps };
}

/** bobrapet#89: the controller marked it Finished but every stepState still says Running. */
function finishedSeed() {
  return makeRun({
    phase: 'Finished',
    message: CANCELED_MESSAGE,
    cancelRequested: true,
    cancelObservedAt: CANCEL_AT,
    finishedAt: FINISHED_AT,
    duration: SEED_DURATION,
    observedGeneration: 2,
    stepsComplete: 0,
    conditions: [
      cond('Ready', 'False', 'Canceled', FINISHED_AT),
      cond('Progressing', 'False', 'Canceled', FINISHED_AT),
      cond('Degraded', 'False', 'Canceled', FINISHED_AT),
    ],
  });
}

describe('planFinish (CONTROLLER.md §9)', () => {
  it('finishes the stalled seed cancel: spec intent, Finished, Canceled states, conditions, StepRun deletions', () => {
    const { run, steps } = stalledSeed();
    const plan = planFinish(run, steps, NOW);
    expect(plan.refusal).toBeUndefined();
    expect(plan.noop).toBe(false);
    // cancelRequested is already true: the intent is there, no spec write.
    expect(plan.specPatch).toBeUndefined();
    expect(plan.finalPhase).toBe('Finished');
    expect(plan.previousPhase).toBe('Running');
    const s = plan.nextStatus;
    expect(s.phase).toBe('Finished');
    expect(s.message).toBe(CANCELED_MESSAGE);
    expect(s.finishedAt).toBe(NOW);
    expect(s.duration).toBe('6m41s'); // 18:13:19 → 18:20:00
    expect(s.observedGeneration).toBe(2);
    for (const step of STEPS) {
      expect(s.stepStates?.[step]).toEqual({
        phase: 'Canceled',
        message: CANCELED_MESSAGE,
        startedAt: STARTED_AT,
        finishedAt: NOW,
      });
    }
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Ready', 'False', 'Canceled', CANCELED_MESSAGE],
      ['Progressing', 'False', 'Canceled', CANCELED_MESSAGE],
      ['Degraded', 'False', 'Canceled', CANCELED_MESSAGE],
    ]);
    // Ready was already False: its transition time stays; Progressing and Degraded changed status.
    expect(s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(STARTED_AT);
    expect(s.conditions?.find((c) => c.type === 'Progressing')?.lastTransitionTime).toBe(NOW);
    expect(s.conditions?.every((c) => c.observedGeneration === 2)).toBe(true);
    expect(plan.stepRunDeletions.map((d) => d.name).sort()).toEqual(steps.map((x) => x.metadata.name).sort());
    expect(plan.stuckDeleting).toEqual([]);
    expect(plan.statusPatch?.status).toMatchObject({
      phase: 'Finished',
      finishedAt: NOW,
      observedGeneration: 2,
    });
    expect(Object.keys((plan.statusPatch?.status['stepStates'] ?? {}) as object).sort()).toEqual(
      [...STEPS].sort(),
    );
    expect(validateRunStatus(plan.nextStatus)).toEqual([]);
  });

  it('sets spec.cancelRequested first on a non-terminal run that was never asked to stop', () => {
    const run = makeRun({ phase: 'Running' });
    const plan = planFinish(run, [], NOW);
    expect(plan.specPatch).toEqual({ spec: { cancelRequested: true } });
    expect(plan.changes[0]).toEqual({ path: 'spec.cancelRequested', before: undefined, after: true });
    expect(plan.nextStatus.phase).toBe('Finished');
    expect(plan.nextStatus.stepStates?.['voice-agent']?.phase).toBe('Canceled');
  });

  it('names the generation the spec write will create in observedGeneration (the server bumps it)', () => {
    const plan = planFinish(makeRun({ phase: 'Running', generation: 1 }), [], NOW);
    expect(plan.specPatch).toBeDefined();
    expect(plan.nextStatus.observedGeneration).toBe(2);
    expect(plan.nextStatus.conditions?.every((c) => c.observedGeneration === 2)).toBe(true);
    // Already asked to stop: no spec write, the read generation stands.
    const asked = planFinish(makeRun({ phase: 'Running', cancelRequested: true, generation: 2 }), [], NOW);
    expect(asked.nextStatus.observedGeneration).toBe(2);
  });

  it('creates valid finish conditions on a run that had none', () => {
    const plan = planFinish(makeRun({ phase: 'Pending', cancelRequested: true }), [], NOW);
    expect(plan.nextStatus.conditions?.map((c) => c.type)).toEqual(['Ready', 'Progressing', 'Degraded']);
    expect(plan.nextStatus.conditions?.every((c) => c.lastTransitionTime === NOW)).toBe(true);
    expect(validateRunStatus(plan.nextStatus)).toEqual([]);
  });

  it('repairs a #89-style Finished run: no spec patch, states Canceled, counters recomputed, times kept', () => {
    const run = finishedSeed();
    run.status!.stepStates!['setup'] = {
      phase: 'Succeeded',
      startedAt: STARTED_AT,
      finishedAt: after(STARTED_AT, 2),
    };
    const plan = planFinish(run, [], NOW);
    expect(plan.specPatch).toBeUndefined();
    expect(plan.finalPhase).toBe('Finished');
    expect(plan.nextStatus.phase).toBe('Finished');
    expect(plan.nextStatus.finishedAt).toBe(FINISHED_AT);
    expect(plan.nextStatus.duration).toBe(SEED_DURATION);
    for (const step of STEPS)
      expect(plan.nextStatus.stepStates?.[step]).toMatchObject({
        phase: 'Canceled',
        message: CANCELED_MESSAGE,
        finishedAt: FINISHED_AT,
      });
    expect(plan.nextStatus.stepsComplete).toBe(1);
    expect(plan.statusPatch?.status).not.toHaveProperty('phase');
    expect(plan.statusPatch?.status).not.toHaveProperty('finishedAt');
    expect(plan.statusPatch?.status).toMatchObject({ stepsComplete: 1 });
    // The Succeeded entry is untouched and not in the merge patch.
    expect(plan.nextStatus.stepStates?.['setup']).toEqual(run.status!.stepStates!['setup']);
    expect(plan.statusPatch?.status['stepStates']).not.toHaveProperty('setup');
    expect(plan.stepRunDeletions).toEqual([]);
    expect(validateRunStatus(plan.nextStatus)).toEqual([]);
  });

  it('keeps a Failed batch run Failed and aborts its open steps with the exact message, without a cancel request', () => {
    const run = makeRun({
      name: 'nightly-report-x7k2p',
      story: 'nightly-report',
      phase: 'Failed',
      message: 'step render failed',
      finishedAt: '2026-04-22T03:05:10Z',
      duration: '5m10s',
      startedAt: '2026-04-22T03:00:00Z',
      stepStates: { fetch: 'Succeeded', render: 'Failed', publish: 'Pending', notify: 'Running' },
    });
    const plan = planFinish(run, [], NOW);
    expect(plan.specPatch).toBeUndefined();
    expect(plan.finalPhase).toBe('Failed');
    expect(plan.nextStatus.phase).toBe('Failed');
    expect(plan.nextStatus.message).toBe('step render failed');
    for (const step of ['publish', 'notify']) {
      expect(plan.nextStatus.stepStates?.[step]).toMatchObject({
        phase: 'Aborted',
        message: 'StoryRun ended in phase Failed before the step finished',
        finishedAt: '2026-04-22T03:05:10Z',
      });
    }
    expect(plan.nextStatus.stepStates?.['render']?.phase).toBe('Failed');
    expect(plan.nextStatus).toMatchObject({ stepsComplete: 1, stepsFailed: 1 });
    // A zero counter the run never had is not written (absent reads as 0, omitempty in the CRD).
    expect(plan.nextStatus.stepsSkipped ?? 0).toBe(0);
    expect(plan.changes.some((c) => c.path.startsWith('spec.'))).toBe(false);
  });

  it('fails open steps of a run ended by topology termination', () => {
    const run = makeRun({
      phase: 'Failed',
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      conditions: [
        cond('Ready', 'False', 'TopologyTerminated'),
        cond('Degraded', 'True', 'TopologyTerminated'),
      ],
    });
    expect(runEndKind(run)).toBe('topology');
    const plan = planFinish(run, [], NOW);
    expect(plan.specPatch).toBeUndefined();
    for (const step of STEPS)
      expect(plan.nextStatus.stepStates?.[step]).toMatchObject({
        phase: 'Failed',
        message: TOPOLOGY_MESSAGE,
      });
    expect(plan.nextStatus.stepsFailed).toBe(2);
    // Existing conditions are kept as the controller wrote them.
    expect(plan.nextStatus.conditions).toEqual(run.status!.conditions);
  });

  it('lets a terminal StepRun phase win over a stale state, and takes its message and finish time', () => {
    const run = finishedSeed();
    const steps = [
      makeStep(SEED_RUN, 'livekit-bridge', { phase: 'Succeeded', finishedAt: after(CANCEL_AT, 3) }),
      makeStep(SEED_RUN, 'voice-agent', {
        phase: 'Failed',
        lastFailureMsg: 'agent crashed',
        finishedAt: after(CANCEL_AT, 4),
      }),
    ];
    const plan = planFinish(run, steps, NOW);
    expect(plan.nextStatus.stepStates?.['livekit-bridge']).toMatchObject({
      phase: 'Succeeded',
      finishedAt: steps[0]!.status!.finishedAt,
    });
    expect(plan.nextStatus.stepStates?.['voice-agent']).toMatchObject({
      phase: 'Failed',
      message: 'agent crashed',
    });
    expect(plan.nextStatus).toMatchObject({ stepsComplete: 1, stepsFailed: 1 });
    expect(plan.stepRunDeletions).toEqual([]);
  });

  it('never changes terminal entries and never touches startedAt', () => {
    const states: Record<string, StepState> = {
      done: {
        phase: 'Succeeded',
        message: 'ok',
        startedAt: '2026-04-22T18:13:20Z',
        finishedAt: '2026-04-22T18:13:25Z',
      },
      skipped: { phase: 'Skipped', message: 'condition false' },
      live: { phase: 'Running', startedAt: '2026-04-22T18:13:21Z' },
      blocked: { phase: 'Blocked' },
    };
    const run = makeRun({ phase: 'Running', cancelRequested: true, stepStates: states });
    const plan = planFinish(run, [], NOW);
    expect(plan.nextStatus.stepStates?.['done']).toEqual(states['done']);
    expect(plan.nextStatus.stepStates?.['skipped']).toEqual(states['skipped']);
    expect(plan.nextStatus.stepStates?.['live']).toEqual({
      phase: 'Canceled',
      message: CANCELED_MESSAGE,
      startedAt: '2026-04-22T18:13:21Z',
      finishedAt: NOW,
    });
    expect(plan.nextStatus.stepStates?.['blocked']).not.toHaveProperty('startedAt');
    expect(plan.nextStatus).toMatchObject({ stepsComplete: 1, stepsSkipped: 1 });
    expect(plan.nextStatus.stepsFailed ?? 0).toBe(0);
  });

  it('keeps a step state finishedAt that is already set', () => {
    const run = makeRun({
      phase: 'Running',
      cancelRequested: true,
      stepStates: { a: { phase: 'Running', finishedAt: '2026-04-22T18:14:00Z' } },
    });
    expect(planFinish(run, [], NOW).nextStatus.stepStates?.['a']?.finishedAt).toBe('2026-04-22T18:14:00Z');
  });

  it('keeps finishedAt when set, else uses now; recomputes a wrong duration; skips duration without startedAt', () => {
    const kept = planFinish(
      makeRun({
        phase: 'Finished',
        cancelRequested: true,
        finishedAt: FINISHED_AT,
        duration: '2m0s',
        stepStates: {},
      }),
      [],
      NOW,
    );
    expect(kept.nextStatus.finishedAt).toBe(FINISHED_AT);
    expect(kept.nextStatus.duration).toBe(SEED_DURATION);
    expect(kept.changes).toContainEqual({ path: 'status.duration', before: '2m0s', after: SEED_DURATION });
    const noStart = planFinish(
      makeRun({ phase: 'Running', cancelRequested: true, startedAt: null }),
      [],
      NOW,
    );
    expect(noStart.nextStatus.finishedAt).toBe(NOW);
    expect(noStart.nextStatus).not.toHaveProperty('duration');
    // A duration within 1 s of the exact one is kept, as the controller's rounding allows.
    const close = planFinish(
      makeRun({
        phase: 'Finished',
        cancelRequested: true,
        finishedAt: FINISHED_AT,
        duration: '2m12s',
        stepStates: {},
      }),
      [],
      NOW,
    );
    expect(close.nextStatus.duration).toBe('2m12s');
    expect(close.noop).toBe(true);
  });

  it('truncates a fractional now to metav1 second precision', () => {
    const plan = planFinish(makeRun({ cancelRequested: true }), [], Date.parse('2026-04-22T18:20:00.750Z'));
    expect(plan.nextStatus.finishedAt).toBe('2026-04-22T18:20:00Z');
  });

  it('reports StepRuns stuck in deletion instead of deleting them, and skips terminal and unknown-phase ones', () => {
    const { run } = stalledSeed();
    const steps = [
      makeStep(SEED_RUN, 'livekit-bridge', { deletionTimestamp: '2026-04-22T18:15:32Z' }),
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Paused' }),
      makeStep(SEED_RUN, 'recorder', { phase: 'Succeeded' }),
      makeStep(SEED_RUN, 'future', { phase: 'Hibernating' }),
    ];
    const plan = planFinish(run, steps, NOW);
    expect(plan.stuckDeleting.map((s) => s.name)).toEqual([`${SEED_RUN}-livekit-bridge`]);
    expect(plan.stepRunDeletions).toEqual([
      {
        name: `${SEED_RUN}-voice-agent`,
        namespace: 'livekit-voice',
        phase: 'Paused',
        resourceVersion: '5000',
      },
    ]);
    expect(plan.unknownPhaseStepRuns.map((s) => s.name)).toEqual([`${SEED_RUN}-future`]);
  });

  it('keeps live StepRuns with keepSteps', () => {
    const { run, steps } = stalledSeed();
    const plan = planFinish(run, steps, NOW, { keepSteps: true });
    expect(plan.stepRunDeletions).toEqual([]);
    expect(plan.nextStatus.phase).toBe('Finished');
  });

  it('plans only the StepRun deletions for a consistent terminal run that still has live StepRuns', () => {
    const run = makeRun({
      phase: 'Succeeded',
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      stepStates: { a: 'Succeeded' },
      stepsComplete: 1,
    });
    const plan = planFinish(run, [makeStep(SEED_RUN, 'a', { phase: 'Running' })], NOW);
    expect(plan.noop).toBe(false);
    expect(plan.statusPatch).toBeUndefined();
    expect(plan.stepRunDeletions).toHaveLength(1);
  });

  it('is a no-op for a consistent terminal run', () => {
    const run = makeRun({
      phase: 'Finished',
      message: CANCELED_MESSAGE,
      cancelRequested: true,
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      stepStates: { 'livekit-bridge': 'Canceled', 'voice-agent': 'Canceled', setup: 'Succeeded' },
      stepsComplete: 1,
      conditions: [cond('Ready', 'False', 'Canceled', FINISHED_AT)],
    });
    const plan = planFinish(run, [makeStep(SEED_RUN, 'voice-agent', { phase: 'Canceled' })], NOW);
    expect(plan.noop).toBe(true);
    expect(plan.specPatch).toBeUndefined();
    expect(plan.statusPatch).toBeUndefined();
    expect(plan.changes).toEqual([]);
    expect(plan.stepRunDeletions).toEqual([]);
  });

  it.each(['Succeeded', 'Failed', 'Timeout', 'Aborted'])(
    'plans a %s run that already has cancelRequested as the controller converges it: Finished, times kept, says why',
    (phase) => {
      const run = makeRun({
        phase,
        message: `run ${phase}`,
        cancelRequested: true,
        finishedAt: FINISHED_AT,
        duration: SEED_DURATION,
        stepStates: { 'livekit-bridge': 'Succeeded', 'voice-agent': 'Running' },
        stepsComplete: 1,
        conditions: [
          cond('Ready', phase === 'Succeeded' ? 'True' : 'False', phase, FINISHED_AT),
          cond('Progressing', 'False', phase, FINISHED_AT),
          cond('Degraded', phase === 'Succeeded' ? 'False' : 'True', phase, FINISHED_AT),
        ],
      });
      const plan = planFinish(run, [makeStep(SEED_RUN, 'voice-agent')], NOW);
      expect(plan.specPatch).toBeUndefined();
      expect(plan.previousPhase).toBe(phase);
      expect(plan.finalPhase).toBe('Finished');
      const s = plan.nextStatus;
      expect([s.phase, s.message]).toEqual(['Finished', CANCELED_MESSAGE]);
      // Kept, as the controller keeps them when finishedAt is already set (research/bobrapet.md B3).
      expect([s.finishedAt, s.duration]).toEqual([FINISHED_AT, SEED_DURATION]);
      expect(s.conditions?.map((c) => [c.type, c.status, c.reason, c.message, c.observedGeneration])).toEqual(
        [
          ['Ready', 'False', 'Canceled', CANCELED_MESSAGE, 2],
          ['Progressing', 'False', 'Canceled', CANCELED_MESSAGE, 2],
          ['Degraded', 'False', 'Canceled', CANCELED_MESSAGE, 2],
        ],
      );
      // lastTransitionTime moves only where the status changed.
      expect(s.conditions?.find((c) => c.type === 'Progressing')?.lastTransitionTime).toBe(FINISHED_AT);
      expect(
        s.conditions?.find((c) => c.type === (phase === 'Succeeded' ? 'Ready' : 'Degraded'))
          ?.lastTransitionTime,
      ).toBe(NOW);
      expect(s.stepStates?.['voice-agent']).toMatchObject({ phase: 'Canceled', message: CANCELED_MESSAGE });
      expect(s.stepStates?.['livekit-bridge']?.phase).toBe('Succeeded');
      expect(plan.notes?.[0]).toMatch(
        new RegExp(
          `cancelRequested is already true on this ${phase} run: the controller .* rewrites the run to Finished`,
        ),
      );
      expect(plan.stepRunDeletions.map((d) => d.name)).toEqual([`${SEED_RUN}-voice-agent`]);
      expect(validateRunStatus(s)).toEqual([]);
    },
  );

  it('keeps a Finished run Finished (the controller guard is phase != Finished) and a terminal run without cancelRequested as it is', () => {
    expect(planFinish(finishedSeed(), [], NOW).notes).toBeUndefined();
    const failed = makeRun({
      phase: 'Failed',
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      stepStates: {},
    });
    const plan = planFinish(failed, [], NOW);
    expect(plan.finalPhase).toBe('Failed');
    expect(plan.notes).toBeUndefined();
  });

  it('deletes StepRuns joined by storyRunRef or owner but missing the label, and says they were unlabelled', () => {
    const { run } = stalledSeed();
    const steps = [
      makeStep(SEED_RUN, 'livekit-bridge'),
      makeStep(SEED_RUN, 'voice-agent', { links: ['ref', 'owner'] }),
    ];
    const plan = planFinish(run, steps, NOW);
    expect(plan.stepRunDeletions.map((d) => [d.name, d.unlabelled])).toEqual([
      [`${SEED_RUN}-livekit-bridge`, undefined],
      [`${SEED_RUN}-voice-agent`, true],
    ]);
    expect(plan.notes).toEqual([
      expect.stringMatching(
        new RegExp(
          `StepRun ${SEED_RUN}-voice-agent belongs to the run by storyRunRef or owner but lacks the label bubustack.io/storyrun=`,
        ),
      ),
    ]);
  });

  it('refuses a run in a phase it does not know', () => {
    const run = makeRun({ phase: 'Hibernating', cancelRequested: true });
    const plan = planFinish(run, [makeStep(SEED_RUN, 'voice-agent')], NOW);
    expect(plan.refusal).toMatch(/Hibernating/);
    expect(plan.noop).toBe(true);
    expect(plan.specPatch).toBeUndefined();
    expect(plan.statusPatch).toBeUndefined();
    expect(plan.stepRunDeletions).toEqual([]);
  });

  it('repairs a condition list that lacks Ready or a transition time on a terminal run', () => {
    const run = makeRun({
      phase: 'Succeeded',
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      stepStates: {},
      conditions: [{ type: 'Progressing', status: 'False', reason: 'Done' }],
    });
    expect(validateRunStatus(run.status)).not.toEqual([]);
    const plan = planFinish(run, [], NOW);
    expect(validateRunStatus(plan.nextStatus)).toEqual([]);
    expect(plan.nextStatus.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'Succeeded',
    });
  });

  it.each([
    ['stalled seed', () => planFinish(stalledSeed().run, stalledSeed().steps, NOW)],
    ['#89 seed', () => planFinish(finishedSeed(), [], NOW)],
    ['never-canceled run', () => planFinish(makeRun({ phase: 'Scheduling' }), [], NOW)],
    [
      'topology run',
      () =>
        planFinish(
          makeRun({ phase: 'Running', conditions: [cond('Degraded', 'True', 'TopologyTerminated')] }),
          [],
          NOW,
        ),
    ],
  ])('plans a status that passes the CRD validation rules (%s)', (_name, make) => {
    const plan = make();
    expect(validateRunStatus(plan.nextStatus)).toEqual([]);
    // And after the plan, the run is consistent: nothing open, counters right, finish time set.
    const after = { ...finishedSeed(), status: plan.nextStatus };
    expect(openStepStates(after, [], plan.finalPhase, plan.nextStatus.finishedAt)).toEqual([]);
    expect(finishTimeProblems(after)).toEqual([]);
    expect(expectedCounters(plan.nextStatus.stepStates)).toEqual({
      stepsComplete: plan.nextStatus.stepsComplete ?? 0,
      stepsFailed: plan.nextStatus.stepsFailed ?? 0,
      stepsSkipped: plan.nextStatus.stepsSkipped ?? 0,
    });
  });
});
