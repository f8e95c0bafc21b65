import { describe, expect, it } from 'vitest';
import { sr102 } from '../../../src/rules/cluster/sr102-cancel-window-inherits-drain.js';
import {
  CANCEL_AT,
  FINISHED_AT,
  NS,
  SEED_DURATION,
  SEED_RUN,
  STORY,
  TRANSPORT,
  drain,
  makeRun,
  makeStory,
  makeTransport,
  makeWorld,
} from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:14:30Z';
const transport = () => makeTransport(TRANSPORT, { streaming: drain(120) });

describe('SR102 cancel-window-inherits-drain', () => {
  it('fires on the seed Story: a 120 s Transport streaming drain, listing the runs it affects', () => {
    const runs = [
      makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT }),
      makeRun({ name: 'livekit-voice-assistant-rm-k2p9x', phase: 'Running' }),
      makeRun({
        name: 'livekit-voice-assistant-rm-done',
        phase: 'Finished',
        cancelRequested: true,
        finishedAt: FINISHED_AT,
        duration: SEED_DURATION,
      }),
      makeRun({ name: 'other-story-run', story: 'other-story', phase: 'Running' }),
    ];
    const out = runRule(
      sr102,
      makeWorld({ runs, stories: [makeStory({ pattern: 'realtime' })], transports: [transport()] }),
      ctx(NOW),
    );
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR102',
      severity: 'warning',
      subject: { kind: 'Story', namespace: NS, name: STORY },
    });
    expect(f.fix).toBeUndefined();
    expect(f.evidence).toMatchObject({
      transport: TRANSPORT,
      transportEntry: 'realtime-audio',
      origin: 'Transport',
      field: 'streaming',
      path: `Transport ${TRANSPORT} spec.streaming.lifecycle.drainTimeoutSeconds`,
      windowSeconds: 120,
      window: '2m0s',
      budgetSeconds: 30,
      budget: '30s',
    });
    expect(f.evidence['affectedRuns']).toEqual([
      { name: SEED_RUN, phase: 'Running', cancelRequested: true },
      { name: 'livekit-voice-assistant-rm-k2p9x', phase: 'Running', cancelRequested: false },
    ]);
    expect(String(f.evidence['suggestion'])).toMatch(
      /transports\[realtime-audio\]\.streaming\.lifecycle\.drainTimeoutSeconds/,
    );
    expect(f.message).toMatch(/2m0s/);
  });

  it('names the Story as the origin when the drain is set on its transport entry', () => {
    const story = makeStory({
      pattern: 'realtime',
      transports: [{ name: 'realtime-audio', transportRef: TRANSPORT, settings: drain(90) }],
    });
    const f = runRule(sr102, makeWorld({ stories: [story], transports: [makeTransport()] }), ctx(NOW))
      .findings[0]!;
    expect(f.evidence).toMatchObject({
      origin: 'Story',
      field: 'settings',
      windowSeconds: 90,
      path: 'Story transports[realtime-audio].settings.lifecycle.drainTimeoutSeconds',
      affectedRuns: [],
    });
  });

  it('does not fire for a batch Story with a drain setting', () => {
    const story = makeStory({
      pattern: 'batch',
      transports: [{ name: 'realtime-audio', transportRef: TRANSPORT, streaming: drain(300) }],
    });
    expect(
      runRule(sr102, makeWorld({ stories: [story], transports: [transport()] }), ctx(NOW)).findings,
    ).toEqual([]);
  });

  it.each([30, 20])(
    'does not fire for a realtime Story whose drain (%d s) is within the budget',
    (seconds) => {
      const world = makeWorld({
        stories: [makeStory({ pattern: 'realtime' })],
        transports: [makeTransport(TRANSPORT, { streaming: drain(seconds) })],
      });
      expect(runRule(sr102, world, ctx(NOW)).findings).toEqual([]);
    },
  );

  it('does not fire when the Story overrides the Transport drain with 0', () => {
    const story = makeStory({
      pattern: 'realtime',
      transports: [{ name: 'realtime-audio', transportRef: TRANSPORT, streaming: drain(0) }],
    });
    expect(
      runRule(sr102, makeWorld({ stories: [story], transports: [transport()] }), ctx(NOW)).findings,
    ).toEqual([]);
  });

  it('does not fire for a long Story policy without drain (not a transport knob)', () => {
    const world = makeWorld({
      stories: [makeStory({ pattern: 'realtime', gracefulShutdownTimeout: '5m' })],
      transports: [makeTransport()],
    });
    expect(runRule(sr102, world, ctx(NOW)).findings).toEqual([]);
  });

  it('fires with a smaller --stop-budget and not with a larger one', () => {
    const world = makeWorld({
      stories: [makeStory({ pattern: 'realtime' })],
      transports: [makeTransport(TRANSPORT, { streaming: drain(25) })],
    });
    expect(runRule(sr102, world, ctx(NOW, { budget: 20 })).findings).toHaveLength(1);
    expect(runRule(sr102, world, ctx(NOW, { budget: 25 })).findings).toEqual([]);
  });

  it('is not evaluated when Transports could not be read', () => {
    const world = makeWorld(
      { stories: [makeStory({ pattern: 'realtime' })] },
      { unavailable: { transports: 'transports.transport.bubustack.io is forbidden at cluster scope' } },
    );
    const out = runRule(sr102, world, ctx(NOW));
    expect(out.findings).toEqual([]);
    expect(out.notEvaluated).toEqual([{ ruleId: 'SR102', reason: expect.stringMatching(/forbidden/) }]);
  });

  it.each([
    ['"90"', '90'],
    ['1.5', 1.5],
    ['300 out of int32', 3e9],
  ])('does not fire for a mistyped drain the controller cannot decode (%s)', (_what, value) => {
    const world = makeWorld({
      stories: [makeStory({ pattern: 'realtime' })],
      transports: [makeTransport(TRANSPORT, { streaming: { lifecycle: { drainTimeoutSeconds: value } } })],
    });
    expect(runRule(sr102, world, ctx(NOW)).findings).toEqual([]);
  });

  it('fires for an integral float (90.0 round-trips as 90)', () => {
    const world = makeWorld({
      stories: [makeStory({ pattern: 'realtime' })],
      transports: [makeTransport(TRANSPORT, { streaming: { lifecycle: { drainTimeoutSeconds: 90.0 } } })],
    });
    expect(runRule(sr102, world, ctx(NOW)).findings[0]?.evidence).toMatchObject({
      windowSeconds: 90,
      operatorRelease: 'v0.1.12',
    });
  });

  it('does not fire on a release without a cancel window (≤ v0.1.11)', () => {
    const world = makeWorld(
      {
        stories: [makeStory({ pattern: 'realtime' })],
        transports: [makeTransport(TRANSPORT, { streaming: drain(120) })],
      },
      { operator: { version: 'v0.1.11', source: 'deployment-image' } },
    );
    expect(runRule(sr102, world, ctx(NOW))).toEqual({ findings: [], notEvaluated: [] });
  });
});
