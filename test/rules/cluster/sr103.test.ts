import { describe, expect, it } from 'vitest';
import { sr103 } from '../../../src/rules/cluster/sr103-slow-cancel-finish.js';
import {
  CANCEL_AT,
  FINISHED_AT,
  NS,
  SEED_DURATION,
  SEED_RUN,
  makeRun,
  makeStory,
  makeTransport,
  makeWorld,
  seedWorld,
} from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:16:00Z';
const finished = (finishedAt: string, o: Parameters<typeof makeRun>[0] = {}) =>
  makeRun({
    phase: 'Finished',
    message: 'StoryRun gracefully canceled',
    cancelRequested: true,
    cancelObservedAt: CANCEL_AT,
    finishedAt,
    stepStates: {},
    ...o,
  });

describe('SR103 slow-cancel-finish', () => {
  it('fires on the seed: finished 2m0s after the cancel, which is the 120 s transport drain', () => {
    const out = runRule(sr103, seedWorld([finished(FINISHED_AT, { duration: SEED_DURATION })]), ctx(NOW));
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR103',
      severity: 'warning',
      subject: { kind: 'StoryRun', namespace: NS, name: SEED_RUN },
    });
    expect(f.evidence).toMatchObject({
      cancelObservedAt: CANCEL_AT,
      finishedAt: FINISHED_AT,
      waitSeconds: 120,
      wait: '2m0s',
      windowSeconds: 120,
      window: '2m0s',
      windowSourceDetail: { kind: 'transport-drain', transport: 'livekit-webrtc', origin: 'Transport' },
      matchesWindow: true,
      budgetSeconds: 30,
    });
    expect(f.message).toMatch(/waited out its 2m0s cancel window/);
    expect(f.fix).toBeUndefined();
  });

  it('says when the wait does not match the window', () => {
    const world = makeWorld({
      runs: [finished('2026-04-22T18:14:32Z')],
      stories: [makeStory({ pattern: 'batch' })],
      transports: [makeTransport()],
    });
    const f = runRule(sr103, world, ctx(NOW)).findings[0]!;
    expect(f.evidence).toMatchObject({ waitSeconds: 60, windowSeconds: 20, matchesWindow: false });
    expect(f.message).not.toMatch(/waited out/);
  });

  it('does not fire on a clean quick cancel (finished 8 s after it)', () => {
    expect(runRule(sr103, seedWorld([finished('2026-04-22T18:13:40Z')]), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('does not fire on a Finished run that was not canceled, nor on a canceled run not yet Finished', () => {
    const notCanceled = finished(FINISHED_AT, { cancelRequested: false });
    const stillRunning = makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    expect(runRule(sr103, seedWorld([notCanceled, stillRunning]), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('reports "not evaluated" without the observed-at annotation', () => {
    const run = makeRun({
      phase: 'Finished',
      cancelRequested: true,
      finishedAt: FINISHED_AT,
      stepStates: {},
    });
    const out = runRule(sr103, seedWorld([run]), ctx(NOW));
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated[0]?.reason).toMatch(/graceful-cancel-observed-at/);
  });

  it('measures a v0.1.11-style cancel (no annotation) from managedFields, without a window to match', () => {
    const run = makeRun({
      phase: 'Finished',
      cancelRequested: true,
      cancelRequestedBy: { manager: 'livekit-webhook', time: '2026-04-22T18:13:32Z' },
      finishedAt: '2026-04-22T18:20:00Z',
      stepStates: {},
    });
    const world = seedWorld([run], [], { operator: { version: 'v0.1.11', source: 'flag' } });
    const f = runRule(sr103, world, ctx('2026-04-22T18:30:00Z')).findings[0]!;
    expect(f.evidence).toMatchObject({
      cancelObservedAt: '2026-04-22T18:13:32Z',
      cancelObservedAtSource: 'managedFields',
      waitSeconds: 388,
      matchesWindow: false,
      operatorRelease: 'v0.1.11',
    });
  });
});
