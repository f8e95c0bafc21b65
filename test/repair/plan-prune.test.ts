import { describe, expect, it } from 'vitest';
import { CANCELED_MESSAGE } from '../../src/contract/terminal-state.js';
import { isCanceledTerminal, planPrune } from '../../src/repair/plan-prune.js';
import { SEED_RUN, makeRun, makeStep } from '../support/objects.js';

const NOW = Date.parse('2026-04-25T12:00:00Z');
const DAY = 86400;
const old = (o: Parameters<typeof makeRun>[0] = {}) =>
  makeRun({
    phase: 'Finished',
    message: CANCELED_MESSAGE,
    cancelRequested: true,
    finishedAt: '2026-04-22T18:15:32Z',
    stepStates: {},
    ...o,
  });

describe('planPrune', () => {
  it('deletes an old canceled run last, after its terminal StepRuns, each with its resourceVersion', () => {
    const steps = [
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Canceled' }),
      makeStep(SEED_RUN, 'livekit-bridge', { phase: 'Succeeded', links: ['ref'] }),
    ];
    const plan = planPrune({ run: old(), steps, now: NOW, olderThanSeconds: DAY });
    expect(plan).toMatchObject({
      mode: 'prune',
      action: 'repair',
      resourceVersion: '4711',
      runDeletion: { propagationPolicy: 'Background' },
    });
    expect(plan.stepRunDeletions.map((s) => [s.name, s.resourceVersion, s.unlabelled])).toEqual([
      [`${SEED_RUN}-voice-agent`, '5000', undefined],
      [`${SEED_RUN}-livekit-bridge`, '5000', true],
    ]);
    expect(plan.permissions.map((p) => `${p.verb} ${p.resource}`)).toEqual([
      'delete stepruns',
      'delete storyruns',
    ]);
    expect(plan.notes?.[0]).toMatch(/^canceled and Finished 65h44m28s ago/);
    expect(plan.specPatch).toBeUndefined();
    expect(plan.statusPatch).toBeUndefined();
  });

  it('refuses live work, runs not canceled or not terminal, and runs without finishedAt; leaves young ones', () => {
    const live = planPrune({
      run: old(),
      steps: [makeStep(SEED_RUN, 'voice-agent')],
      now: NOW,
      olderThanSeconds: DAY,
    });
    expect([live.action, live.reason]).toEqual([
      'refused',
      expect.stringMatching(/still Running: prune never deletes live work/),
    ]);
    expect(
      planPrune({ run: old({ cancelRequested: false }), steps: [], now: NOW, olderThanSeconds: DAY }).reason,
    ).toMatch(/not canceled/);
    expect(
      planPrune({ run: old({ phase: 'Running' }), steps: [], now: NOW, olderThanSeconds: DAY }).reason,
    ).toMatch(/still Running/);
    const noFinish = makeRun({ phase: 'Finished', cancelRequested: true });
    expect(planPrune({ run: noFinish, steps: [], now: NOW, olderThanSeconds: DAY }).reason).toMatch(
      /no finishedAt/,
    );
    const young = planPrune({
      run: old({ finishedAt: '2026-04-25T11:00:00Z' }),
      steps: [],
      now: NOW,
      olderThanSeconds: DAY,
    });
    expect([young.action, young.reason]).toEqual(['no-op', 'finished 1h0m0s ago, not older than 24h0m0s']);
    const going = old({ deletionTimestamp: '2026-04-25T11:59:00Z' });
    expect(planPrune({ run: going, steps: [], now: NOW, olderThanSeconds: DAY }).action).toBe('no-op');
    expect(isCanceledTerminal(going)).toBe(false);
  });

  it('leaves StepRuns that are already being deleted to their finalizer', () => {
    const steps = [
      makeStep(SEED_RUN, 'voice-agent', { phase: 'Running', deletionTimestamp: '2026-04-25T11:00:00Z' }),
    ];
    const plan = planPrune({ run: old(), steps, now: NOW, olderThanSeconds: DAY });
    expect(plan.action).toBe('repair');
    expect(plan.stepRunDeletions).toEqual([]);
    expect(plan.stuckDeleting.map((s) => s.name)).toEqual([`${SEED_RUN}-voice-agent`]);
  });
});
