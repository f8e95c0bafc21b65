import { describe, expect, it } from 'vitest';
import { sr205 } from '../../../src/rules/cluster/sr205-terminal-without-finish-time.js';
import {
  FINISHED_AT,
  NS,
  SEED_DURATION,
  SEED_RUN,
  STARTED_AT,
  makeRun,
  seedWorld,
} from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:16:00Z';
const done = { 'livekit-bridge': 'Canceled', 'voice-agent': 'Canceled' };

describe('SR205 terminal-without-finish-time', () => {
  it('fires on a terminal run without finishedAt', () => {
    const out = runRule(sr205, seedWorld([makeRun({ phase: 'Canceled', stepStates: done })]), ctx(NOW));
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR205',
      severity: 'warning',
      subject: { kind: 'StoryRun', namespace: NS, name: SEED_RUN },
    });
    expect(f.evidence).toEqual({
      phase: 'Canceled',
      startedAt: STARTED_AT,
      cleanup:
        'blocked for ever: handleTerminalStoryRun requeues until finishedAt is set, and nothing else sets it',
      problems: [{ field: 'finishedAt', found: null, expected: 'set' }],
    });
    expect(f.fix).toBe(`storyctl finish ${SEED_RUN} -n ${NS} --force-terminal`);
    expect(f.message).toMatch(/finishedAt is not set: the controller's cleanup waits for it for ever/);
    // A canceled run is never cleaned up anyway (it never reaches the terminal branch): no such claim.
    const canceled = runRule(
      sr205,
      seedWorld([makeRun({ phase: 'Finished', cancelRequested: true, stepStates: done })]),
      ctx(NOW),
    ).findings[0]!;
    expect(canceled.evidence['cleanup']).toBeUndefined();
    expect(canceled.message).toBe('run is Finished but finishedAt is not set');
  });

  it('fires on a duration more than 1 s off finishedAt − startedAt, and on a missing duration', () => {
    const wrong = makeRun({ phase: 'Finished', finishedAt: FINISHED_AT, duration: '2m0s', stepStates: done });
    const missing = makeRun({
      name: 'no-duration',
      phase: 'Succeeded',
      finishedAt: FINISHED_AT,
      stepStates: done,
    });
    const out = runRule(sr205, seedWorld([wrong, missing]), ctx(NOW));
    expect(out.findings.map((f) => [f.subject?.name, f.evidence['problems']])).toEqual([
      [SEED_RUN, [{ field: 'duration', found: '2m0s', expected: SEED_DURATION }]],
      ['no-duration', [{ field: 'duration', found: null, expected: SEED_DURATION }]],
    ]);
  });

  it('does not fire on the seed times (2m13s), within 1 s, without startedAt, or on a live run', () => {
    const seed = makeRun({
      phase: 'Finished',
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      stepStates: done,
    });
    const close = makeRun({
      name: 'close',
      phase: 'Finished',
      finishedAt: FINISHED_AT,
      duration: '2m14s',
      stepStates: done,
    });
    const noStart = makeRun({
      name: 'no-start',
      phase: 'Failed',
      startedAt: null,
      finishedAt: FINISHED_AT,
      stepStates: done,
    });
    const live = makeRun({ name: 'live', phase: 'Running' });
    expect(runRule(sr205, seedWorld([seed, close, noStart, live]), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('reports an unknown run phase as not evaluated', () => {
    const out = runRule(sr205, seedWorld([makeRun({ phase: 'Expired' })]), ctx(NOW));
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated[0]?.reason).toMatch(/Expired/);
  });
});
