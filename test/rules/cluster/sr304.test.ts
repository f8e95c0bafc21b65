import { describe, expect, it } from 'vitest';
import { sr304 } from '../../../src/rules/cluster/sr304-canceled-runs-accumulate.js';
import { CANCELED_MESSAGE } from '../../../src/contract/terminal-state.js';
import { NS, STORY, makeRun, makeStep, makeStory, makeWorld, seedWorld } from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-25T12:00:00Z';
const canceled = (name: string, finishedAt: string, o: Parameters<typeof makeRun>[0] = {}) =>
  makeRun({
    name,
    phase: 'Finished',
    message: CANCELED_MESSAGE,
    cancelRequested: true,
    finishedAt,
    stepStates: { 'livekit-bridge': 'Canceled', 'voice-agent': 'Canceled' },
    ...o,
  });

describe('SR304 canceled-runs-accumulate', () => {
  it('reports per Story how many canceled runs are kept, how many outlived the 24 h retention, and how old the oldest is', () => {
    const runs = [
      canceled('call-1', '2026-04-22T18:15:32Z'),
      canceled('call-2', '2026-04-23T09:00:00Z'),
      canceled('call-3', '2026-04-25T11:00:00Z'),
    ];
    const steps = [
      makeStep('call-1', 'voice-agent', { phase: 'Canceled' }),
      makeStep('call-2', 'voice-agent', { phase: 'Succeeded' }),
    ];
    const out = runRule(sr304, seedWorld(runs, steps), ctx(NOW));
    expect(out.notEvaluated).toEqual([]);
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR304',
      severity: 'info',
      subject: { kind: 'Story', namespace: NS, name: STORY },
    });
    expect(f.evidence).toEqual({
      canceledRuns: 3,
      olderThanRetention: 2,
      retentionSeconds: 86400,
      retention: '24h0m0s',
      retentionSource: 'operator-default',
      oldestRun: 'call-1',
      oldestFinishedAt: '2026-04-22T18:15:32Z',
      oldestAgeSeconds: 236668,
      oldestAge: '65h44m28s',
      stepRunsLeft: 2,
    });
    expect(f.message).toMatch(
      /^3 canceled run\(s\) of Story livekit-voice-assistant are kept for ever .* 2 older than the 24h0m0s retention/,
    );
    expect(f.fix).toBe(`storyctl prune --canceled --older-than 24h -n ${NS}`);
  });

  it('uses the Story retention (policy.execution.job.storyRunRetentionSeconds) and keeps one fingerprint per Story', () => {
    const story = makeStory({ pattern: 'realtime' });
    (story.spec as Record<string, unknown>)['policy'] = {
      execution: { job: { storyRunRetentionSeconds: 3600 } },
    };
    const world = makeWorld({ runs: [canceled('call-1', '2026-04-25T10:00:00Z')], stories: [story] });
    const f = runRule(sr304, world, ctx(NOW)).findings[0]!;
    expect(f.evidence).toMatchObject({
      retentionSeconds: 3600,
      retentionSource: 'story-policy',
      olderThanRetention: 1,
    });
    expect(f.fix).toBe(`storyctl prune --canceled --older-than 1h -n ${NS}`);
    const later = runRule(
      sr304,
      makeWorld({
        runs: [canceled('call-1', '2026-04-25T10:00:00Z'), canceled('call-9', '2026-04-25T09:00:00Z')],
        stories: [story],
      }),
      ctx(NOW),
    ).findings[0]!;
    expect(later.fingerprint).toBe(f.fingerprint);
  });

  it('does not report young canceled runs, runs that were not canceled, live cancels, or runs already being deleted', () => {
    const runs = [
      canceled('young', '2026-04-25T11:00:00Z'),
      makeRun({ name: 'succeeded', phase: 'Succeeded', finishedAt: '2026-04-20T10:00:00Z', stepStates: {} }),
      makeRun({ name: 'live', phase: 'Running', cancelRequested: true }),
      canceled('going', '2026-04-20T10:00:00Z', { deletionTimestamp: '2026-04-25T11:59:00Z' }),
    ];
    expect(runRule(sr304, seedWorld(runs), ctx(NOW))).toEqual({ findings: [], notEvaluated: [] });
  });

  it('counts every terminal phase with cancelRequested (the controller will rewrite them to Finished, and never clean them)', () => {
    const runs = [canceled('failed', '2026-04-20T10:00:00Z', { phase: 'Failed', message: 'x' })];
    expect(runRule(sr304, seedWorld(runs), ctx(NOW)).findings).toHaveLength(1);
  });
});
