import { describe, expect, it } from 'vitest';
import {
  describeWindowSource,
  resolveCancelWindow,
  type WindowSource,
} from '../../src/contract/cancel-window.js';
import type { Transport } from '../../src/model/kube.js';
import { TRANSPORT, drain, makeStory, makeTransport } from '../support/objects.js';

function transports(...list: Transport[]): Map<string, Transport> {
  return new Map(list.map((t) => [t.metadata.name, t]));
}

const entry = (
  o: {
    name?: string;
    transportRef?: string;
    settings?: Record<string, unknown>;
    streaming?: Record<string, unknown>;
  } = {},
) => ({
  name: o.name ?? 'realtime-audio',
  transportRef: o.transportRef ?? TRANSPORT,
  ...(o.settings ? { settings: o.settings } : {}),
  ...(o.streaming ? { streaming: o.streaming } : {}),
});

describe('cancel window resolution (CONTROLLER.md §7)', () => {
  it('uses the operator default of 20 s when nothing else is set', () => {
    const w = resolveCancelWindow(makeStory({ pattern: 'batch' }), transports());
    expect(w).toEqual({ seconds: 20, source: { kind: 'operator' }, missingTransports: [] });
  });

  it('uses the operator setting when it is configured', () => {
    const w = resolveCancelWindow(makeStory(), transports(), { operatorDefaultSeconds: 45 });
    expect(w.seconds).toBe(45);
    expect(w.source).toEqual({ kind: 'operator' });
  });

  it.each([0, -1])('falls back to the 30 s built-in when the operator setting is %d', (op) => {
    const w = resolveCancelWindow(undefined, transports(), { operatorDefaultSeconds: op });
    expect(w).toEqual({ seconds: 30, source: { kind: 'builtin' }, missingTransports: [] });
  });

  it('uses the operator default when the Story is missing', () => {
    expect(resolveCancelWindow(undefined, transports()).source).toEqual({ kind: 'operator' });
  });

  it('lets a positive Story policy override the operator value', () => {
    const w = resolveCancelWindow(makeStory({ gracefulShutdownTimeout: '45s' }), transports());
    expect(w.seconds).toBe(45);
    expect(w.source).toEqual({ kind: 'story-policy', value: '45s' });
  });

  it.each(['0s', 'soon', ''])('ignores a Story policy of %j', (value) => {
    const story = makeStory();
    story.spec!.policy = { timeouts: { gracefulShutdownTimeout: value } };
    expect(resolveCancelWindow(story, transports()).source).toEqual({ kind: 'operator' });
  });

  describe('realtime Stories: transport drain', () => {
    it('takes the drain from Transport spec.defaultSettings', () => {
      const story = makeStory({ pattern: 'realtime' });
      const w = resolveCancelWindow(
        story,
        transports(makeTransport(TRANSPORT, { defaultSettings: drain(90) })),
      );
      expect(w.seconds).toBe(90);
      expect(w.source).toMatchObject({
        kind: 'transport-drain',
        transport: TRANSPORT,
        entry: 'realtime-audio',
        origin: 'Transport',
        field: 'settings',
      });
      expect((w.source as Extract<WindowSource, { kind: 'transport-drain' }>).path).toContain(
        'spec.defaultSettings.lifecycle.drainTimeoutSeconds',
      );
    });

    it('takes the drain from Transport spec.streaming (the seed: 120 s)', () => {
      const story = makeStory({ pattern: 'realtime' });
      const w = resolveCancelWindow(story, transports(makeTransport(TRANSPORT, { streaming: drain(120) })));
      expect(w.seconds).toBe(120);
      expect(w.source).toMatchObject({
        kind: 'transport-drain',
        transport: TRANSPORT,
        origin: 'Transport',
        field: 'streaming',
      });
      expect(describeWindowSource(w.source)).toContain(
        `Transport ${TRANSPORT} spec.streaming.lifecycle.drainTimeoutSeconds`,
      );
    });

    it('takes the drain from the Story entry settings', () => {
      const story = makeStory({ pattern: 'realtime', transports: [entry({ settings: drain(75) })] });
      const w = resolveCancelWindow(story, transports(makeTransport()));
      expect(w.seconds).toBe(75);
      expect(w.source).toMatchObject({ kind: 'transport-drain', origin: 'Story', field: 'settings' });
    });

    it('takes the drain from the Story entry streaming', () => {
      const story = makeStory({ pattern: 'realtime', transports: [entry({ streaming: drain(60) })] });
      const w = resolveCancelWindow(story, transports(makeTransport()));
      expect(w.seconds).toBe(60);
      expect(w.source).toMatchObject({ kind: 'transport-drain', origin: 'Story', field: 'streaming' });
      expect((w.source as Extract<WindowSource, { kind: 'transport-drain' }>).path).toBe(
        'Story transports[realtime-audio].streaming.lifecycle.drainTimeoutSeconds',
      );
    });

    it('lets the Story win the deep merge over the Transport, even with a smaller value', () => {
      const story = makeStory({ pattern: 'realtime', transports: [entry({ settings: drain(40) })] });
      const w = resolveCancelWindow(
        story,
        transports(makeTransport(TRANSPORT, { defaultSettings: drain(300), streaming: drain(120) })),
      );
      expect(w.seconds).toBe(40);
      expect(w.source).toMatchObject({ origin: 'Story', field: 'settings' });
    });

    it('lets Story streaming win over Story settings, and Transport streaming over defaultSettings', () => {
      const a = resolveCancelWindow(
        makeStory({
          pattern: 'realtime',
          transports: [entry({ settings: drain(50), streaming: drain(35) })],
        }),
        transports(),
      );
      expect(a).toMatchObject({ seconds: 35, source: { origin: 'Story', field: 'streaming' } });
      const b = resolveCancelWindow(
        makeStory({ pattern: 'realtime' }),
        transports(makeTransport(TRANSPORT, { defaultSettings: drain(200), streaming: drain(120) })),
      );
      expect(b).toMatchObject({ seconds: 120, source: { origin: 'Transport', field: 'streaming' } });
    });

    it('merges deeply: a Story lifecycle without drainTimeoutSeconds keeps the Transport value', () => {
      const story = makeStory({
        pattern: 'realtime',
        transports: [entry({ streaming: { lifecycle: { strategy: 'rolling' } } })],
      });
      const w = resolveCancelWindow(story, transports(makeTransport(TRANSPORT, { streaming: drain(120) })));
      expect(w).toMatchObject({ seconds: 120, source: { origin: 'Transport', field: 'streaming' } });
    });

    it('takes the largest drain over several transports', () => {
      const story = makeStory({
        pattern: 'realtime',
        transports: [
          entry({ name: 'audio', transportRef: 'livekit-webrtc' }),
          entry({ name: 'telemetry', transportRef: 'nats-telemetry' }),
          entry({ name: 'video', transportRef: 'livekit-video' }),
        ],
      });
      const w = resolveCancelWindow(
        story,
        transports(
          makeTransport('livekit-webrtc', { streaming: drain(120) }),
          makeTransport('nats-telemetry', { streaming: drain(180) }),
          makeTransport('livekit-video', { streaming: drain(15) }),
        ),
      );
      expect(w.seconds).toBe(180);
      expect(w.source).toMatchObject({ transport: 'nats-telemetry', entry: 'telemetry' });
    });

    it('ignores a zero drain (and a Story zero overrides a Transport value to nothing)', () => {
      const onlyZero = resolveCancelWindow(
        makeStory({ pattern: 'realtime' }),
        transports(makeTransport(TRANSPORT, { streaming: drain(0) })),
      );
      expect(onlyZero.source).toEqual({ kind: 'operator' });
      const storyZero = resolveCancelWindow(
        makeStory({ pattern: 'realtime', transports: [entry({ streaming: drain(0) })] }),
        transports(makeTransport(TRANSPORT, { streaming: drain(120) })),
      );
      expect(storyZero.source).toEqual({ kind: 'operator' });
      expect(storyZero.seconds).toBe(20);
    });

    it('tolerates a missing Transport (no base) and lists it', () => {
      const story = makeStory({
        pattern: 'realtime',
        transports: [entry({ transportRef: 'gone' }), entry({ name: 'b', transportRef: 'gone' })],
      });
      const w = resolveCancelWindow(story, transports());
      expect(w).toEqual({ seconds: 20, source: { kind: 'operator' }, missingTransports: ['gone'] });
      const withStoryValue = resolveCancelWindow(
        makeStory({
          pattern: 'realtime',
          transports: [entry({ transportRef: 'gone', settings: drain(55) })],
        }),
        transports(),
      );
      expect(withStoryValue).toMatchObject({
        seconds: 55,
        missingTransports: ['gone'],
        source: { origin: 'Story' },
      });
    });

    it('replaces a longer Story policy with a shorter drain', () => {
      const story = makeStory({ pattern: 'realtime', gracefulShutdownTimeout: '5m' });
      const w = resolveCancelWindow(story, transports(makeTransport(TRANSPORT, { streaming: drain(10) })));
      expect(w.seconds).toBe(10);
      expect(w.source.kind).toBe('transport-drain');
    });

    it('keeps the Story policy on a realtime Story without any drain', () => {
      const w = resolveCancelWindow(
        makeStory({ pattern: 'realtime', gracefulShutdownTimeout: '45s' }),
        transports(makeTransport()),
      );
      expect(w.source).toEqual({ kind: 'story-policy', value: '45s' });
    });
  });

  it.each([['batch' as const], [undefined]])(
    'never uses drain for a %s Story, even with one set everywhere',
    (pattern) => {
      const story = makeStory({
        ...(pattern ? { pattern } : {}),
        transports: [entry({ settings: drain(90), streaming: drain(90) })],
      });
      const w = resolveCancelWindow(
        story,
        transports(makeTransport(TRANSPORT, { defaultSettings: drain(120), streaming: drain(120) })),
      );
      expect(w.seconds).toBe(20);
      expect(w.source).toEqual({ kind: 'operator' });
    },
  );

  it('describes every source kind for humans', () => {
    expect(describeWindowSource({ kind: 'builtin' })).toMatch(/built-in/);
    expect(describeWindowSource({ kind: 'operator' })).toMatch(
      /engram\.default-graceful-shutdown-timeout-seconds/,
    );
    expect(describeWindowSource({ kind: 'story-policy', value: '45s' })).toMatch(
      /gracefulShutdownTimeout \(45s\)/,
    );
  });
});

describe("the controller's typed decode of drainTimeoutSeconds (research/bobrapet.md B4)", () => {
  const storyWith = (settings: unknown) =>
    makeStory({
      pattern: 'realtime',
      transports: [{ ...entry(), settings: settings as Record<string, unknown> }],
    });
  const noBase = transports();

  it.each([
    [120, 120],
    [90.0, 90], // integral floats round-trip through map[string]any as 90
    [9e1, 90],
  ])('takes %j as %d s', (value, seconds) => {
    const w = resolveCancelWindow(storyWith({ lifecycle: { drainTimeoutSeconds: value } }), noBase);
    expect(w.seconds).toBe(seconds);
    expect(w.source.kind).toBe('transport-drain');
    expect(w.ignoredDrains).toBeUndefined();
  });

  it.each([['90'], [1.5], [2147483648], [true], [[90]]])(
    'finds no drain in %j (a decode error): the operator value stands and the drain is listed as ignored',
    (value) => {
      const w = resolveCancelWindow(storyWith({ lifecycle: { drainTimeoutSeconds: value } }), noBase);
      expect(w.seconds).toBe(20);
      expect(w.source).toEqual({ kind: 'operator' });
      expect(w.ignoredDrains).toEqual([
        { entry: 'realtime-audio', transport: TRANSPORT, reason: expect.stringMatching(/do not decode/) },
      ]);
    },
  );

  it('lets a mistyped field elsewhere in the merged blob kill the drain of that entry', () => {
    const w = resolveCancelWindow(
      storyWith({ lifecycle: { drainTimeoutSeconds: 60 }, delivery: { ordering: 7 } }),
      noBase,
    );
    expect(w.source).toEqual({ kind: 'operator' });
    expect(w.ignoredDrains?.[0]?.reason).toMatch(/delivery\.ordering/);
  });

  it('masks a mistyped key the streaming defaults overwrite (routing.maxDownstreams, lanes)', () => {
    const w = resolveCancelWindow(
      storyWith({ lifecycle: { drainTimeoutSeconds: 60 }, routing: { maxDownstreams: 'x' }, lanes: {} }),
      noBase,
    );
    expect(w.seconds).toBe(60);
  });

  it('lets a Story 0 or negative override a positive Transport value, leaving no drain', () => {
    for (const v of [0, -5]) {
      const w = resolveCancelWindow(
        storyWith({ lifecycle: { drainTimeoutSeconds: v } }),
        transports(makeTransport(TRANSPORT, { streaming: drain(120) })),
      );
      expect(w.source).toEqual({ kind: 'operator' });
      expect(w.ignoredDrains?.[0]?.reason).toMatch(/not > 0/);
    }
  });

  it('lets null replace the lower value (no drain)', () => {
    const w = resolveCancelWindow(
      storyWith({ lifecycle: null }),
      transports(makeTransport(TRANSPORT, { streaming: drain(120) })),
    );
    expect(w.source).toEqual({ kind: 'operator' });
  });

  it('matches keys case-insensitively (Lifecycle, DrainTimeoutSeconds)', () => {
    const w = resolveCancelWindow(storyWith({ Lifecycle: { DrainTimeoutSeconds: 45 } }), noBase);
    expect(w).toMatchObject({ seconds: 45, source: { origin: 'Story', field: 'settings' } });
  });

  it('drops the whole entry, Transport defaults included, when the Story settings are not an object', () => {
    const w = resolveCancelWindow(
      storyWith(['not', 'an', 'object']),
      transports(makeTransport(TRANSPORT, { streaming: drain(120) })),
    );
    expect(w.source).toEqual({ kind: 'operator' });
    expect(w.ignoredDrains?.[0]?.reason).toMatch(/cannot be read/);
  });

  it('drops only the base when a Transport defaultSettings is not an object', () => {
    const t = makeTransport(TRANSPORT, { streaming: drain(120) });
    (t.spec as Record<string, unknown>)['defaultSettings'] = 'oops';
    expect(resolveCancelWindow(makeStory({ pattern: 'realtime' }), transports(t)).source).toEqual({
      kind: 'operator',
    });
    const w = resolveCancelWindow(storyWith(drain(30)), transports(t));
    expect(w).toMatchObject({ seconds: 30, source: { origin: 'Story' } });
  });
});
