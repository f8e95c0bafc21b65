import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { br101 } from '../../../src/rules/logs/br101-cancel-waited-full-window.js';
import { ids, lintPaths } from '../../logs/helpers.js';
import { FIXTURES, runLogRule, zap } from './helpers.js';
import { RUN } from './controller-lines.js';

describe('BR101 cancel-waited-full-window', () => {
  it('fires once for the seed run with its 2m0s window against the 30 s budget', async () => {
    const r = await lintPaths([join(FIXTURES, 'controller-cancel-window')]);
    expect(ids(r)).toEqual(['BR101']);
    const f = r.findings[0];
    expect(f?.subject).toEqual({ kind: 'StoryRun', namespace: 'livekit-voice', name: RUN });
    expect(f?.evidence).toMatchObject({
      timeout: '2m0s',
      stopBudgetSeconds: 30,
      waitedSeconds: 120,
      remainingStepRuns: 3,
      cancelObservedAt: '2026-04-22T18:13:32.023539756Z',
    });
  });

  it('stays quiet when the window is within the stop budget', async () => {
    const r = await lintPaths([join(FIXTURES, 'controller-cancel-window')], { stopBudgetSeconds: 180 });
    expect(r.findings).toEqual([]);
    const short = runLogRule(br101, [
      zap(0, 'Graceful cancel timeout expired; deleting remaining StepRuns', {
        namespace: 'ns',
        storyrun: 'r',
        timeout: '30s',
      }),
    ]);
    expect(short.findings).toEqual([]);
  });

  it('reports one finding per StoryRun', () => {
    const l = (s: number, run: string) =>
      zap(s, 'Graceful cancel timeout expired; deleting remaining StepRuns', {
        namespace: 'ns',
        storyrun: run,
        timeout: '1m0s',
      });
    const r = runLogRule(br101, [l(0, 'a'), l(10, 'a'), l(20, 'b')]);
    expect(r.findings.map((f) => f.subject?.name)).toEqual(['a', 'b']);
  });

  describe('before v0.1.12 (no cancel window): `Graceful cancel requested` repeating past the budget', () => {
    // The cancel path's fresh logger: the reconcile context, then `storyrun` as a plain name.
    const requested = (sec: number): string =>
      zap(sec, 'Graceful cancel requested', {
        logger: 'storyrun',
        controller: 'storyrun',
        controllerKind: 'StoryRun',
        StoryRun: { name: RUN, namespace: 'livekit-voice' },
        namespace: 'livekit-voice',
        name: RUN,
        storyrun: RUN,
      });
    const every5s = (from: number, to: number): string[] =>
      Array.from({ length: Math.floor((to - from) / 5) + 1 }, (_, i) => requested(from + i * 5));

    it('fires for a run requeued for 3 minutes, naming it from the reconcile context', () => {
      const r = runLogRule(br101, every5s(0, 180));
      expect(ids(r)).toEqual(['BR101']);
      expect(r.findings[0]?.subject).toEqual({ kind: 'StoryRun', namespace: 'livekit-voice', name: RUN });
      expect(r.findings[0]?.evidence).toMatchObject({ heldSeconds: 180, stopBudgetSeconds: 30 });
    });

    it('stays quiet on a cancel that finishes within the budget, even if a resync logs it again later', () => {
      const r = runLogRule(br101, [...every5s(0, 10), requested(3600), zap(3700, 'x')]);
      expect(r.findings).toEqual([]);
      expect(r.notEvaluated).toEqual([]);
    });

    it('is not evaluated when the capture ends before the budget has run out', () => {
      const r = runLogRule(br101, every5s(0, 15));
      expect(r.findings).toEqual([]);
      expect(r.notEvaluated.map((n) => n.ruleId)).toEqual(['BR101']);
    });
  });
});
