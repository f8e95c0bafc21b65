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
});
