import { describe, expect, it } from 'vitest';
import {
  expectedCounters,
  finishTimeProblems,
  openStepStates,
  runEndKind,
  terminalStepState,
} from '../../src/contract/terminal-state.js';
import type { Condition } from '../../src/model/kube.js';
import { FINISHED_AT, SEED_DURATION, SEED_RUN, STARTED_AT, makeRun, makeStep } from '../support/objects.js';

const cond = (type: string, status: string, reason: string, at = STARTED_AT): Condition => ({
  type,
  status,
  reason,
  message: reason,
  lastTransitionTime: at,
  observedGeneration: 1,
});

describe('shutdown helpers', () => {
  it('runEndKind: canceled wins over topology; other terminal runs are "other"', () => {
    const topo = [cond('Degraded', 'True', 'TopologyTerminated')];
    expect(runEndKind(makeRun({ phase: 'Failed', cancelRequested: true, conditions: topo }))).toBe(
      'canceled',
    );
    expect(runEndKind(makeRun({ phase: 'Canceled' }))).toBe('canceled');
    expect(runEndKind(makeRun({ phase: 'Running' }))).toBe('canceled');
    expect(runEndKind(makeRun({ phase: 'Succeeded', conditions: topo }))).toBe('topology');
    expect(runEndKind(makeRun({ phase: 'Timeout' }))).toBe('other');
  });

  it('terminalStepState ignores a non-terminal StepRun', () => {
    const next = terminalStepState(
      { phase: 'Running' },
      'other',
      'Timeout',
      FINISHED_AT,
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Running' }),
    );
    expect(next).toEqual({
      phase: 'Aborted',
      message: 'StoryRun ended in phase Timeout before the step finished',
      finishedAt: FINISHED_AT,
    });
  });

  it('expectedCounters counts Succeeded, Failed and Skipped only', () => {
    expect(
      expectedCounters({
        a: { phase: 'Succeeded' },
        b: { phase: 'Succeeded' },
        c: { phase: 'Failed' },
        d: { phase: 'Skipped' },
        e: { phase: 'Canceled' },
        f: { phase: 'Running' },
      }),
    ).toEqual({ stepsComplete: 2, stepsFailed: 1, stepsSkipped: 1 });
    expect(expectedCounters(undefined)).toEqual({ stepsComplete: 0, stepsFailed: 0, stepsSkipped: 0 });
  });

  it('openStepStates lists only non-terminal entries, with the StepRun joined by stepId', () => {
    const run = makeRun({
      phase: 'Finished',
      cancelRequested: true,
      finishedAt: FINISHED_AT,
      stepStates: { a: 'Running', b: 'Succeeded', c: 'Mystery', d: '' },
    });
    const open = openStepStates(run, [makeStep(SEED_RUN, 'a', { phase: 'Paused' })], 'Finished', FINISHED_AT);
    expect(open.map((o) => o.step)).toEqual(['a', 'd']);
    expect(open[0]?.stepRun?.status?.phase).toBe('Paused');
    expect(open[0]?.expected?.phase).toBe('Canceled');
  });

  it('finishTimeProblems: missing finishedAt, wrong duration, missing duration; fine within 1 s', () => {
    expect(finishTimeProblems(makeRun({ phase: 'Finished' }))).toEqual([
      { field: 'finishedAt', found: undefined, expected: 'set' },
    ]);
    expect(
      finishTimeProblems(makeRun({ phase: 'Finished', finishedAt: FINISHED_AT, duration: '45s' })),
    ).toEqual([{ field: 'duration', found: '45s', expected: SEED_DURATION }]);
    expect(finishTimeProblems(makeRun({ phase: 'Finished', finishedAt: FINISHED_AT }))).toEqual([
      { field: 'duration', found: undefined, expected: SEED_DURATION },
    ]);
    expect(
      finishTimeProblems(makeRun({ phase: 'Finished', finishedAt: FINISHED_AT, duration: '2m14s' })),
    ).toEqual([]);
    expect(
      finishTimeProblems(makeRun({ phase: 'Finished', finishedAt: FINISHED_AT, startedAt: null })),
    ).toEqual([]);
  });
});
