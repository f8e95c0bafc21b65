// The container with its collaborators passed as props: events from a hand-fed subscription (the
// shape the cluster watch emits), a fixed clock, a planner stub, and keys written to ink's stdin.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { clusterRules } from '../../../src/rules/index.js';
import type { ConnectionEvent, ObjectEvent } from '../../../src/report/ui/dashboard-state.js';
import { WatchApp, type PlannedFinish, type WatchAppProps } from '../../../src/report/ui/WatchApp.js';
import { NOW, objects, sceneRun as run } from './world-fixture.js';

// 60 ms, not 30: on a shared 2-core machine a render of the details can take longer than 30 ms.
const tick = (ms = 60): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait until `ready` holds (at most 2 s): a loaded machine may take longer than one tick. */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ready(); i++) await tick(20);
}

function setup(over: Partial<WatchAppProps> = {}) {
  let emit: (e: ObjectEvent | ConnectionEvent) => void = () => undefined;
  let unsubscribed = false;
  let clock = NOW;
  const quits: number[] = [];
  const planned: string[] = [];
  const applied: string[] = [];
  const props: WatchAppProps = {
    context: 'prod-eu',
    server: 'https://10.0.0.1:6443',
    scope: 'namespace voice',
    subscribe: (e) => {
      emit = e;
      return () => {
        unsubscribed = true;
      };
    },
    rules: clusterRules,
    stopBudgetSeconds: 30,
    selected: false,
    clock: () => clock,
    planFinish: (row): Promise<PlannedFinish> => {
      planned.push(row.key);
      return Promise.resolve({
        diff: ['- status.phase: Running', '+ status.phase: Finished'],
        summary: 'patch status; every write carries resourceVersion 10',
        apply: () => {
          applied.push(row.key);
          return Promise.resolve({
            ok: false,
            message: 'refused: cannot patch storyruns/status in namespace voice (403 Forbidden)',
          });
        },
      });
    },
    onQuit: (c) => quits.push(c),
    color: false,
    tickMs: 20,
    ...over,
  };
  const app = render(<WatchApp {...props} />);
  const o = objects();
  const feed = (): void => {
    emit({ type: 'reset', kind: 'transports', items: [...o.transports.values()] });
    emit({ type: 'reset', kind: 'stories', items: [...o.stories.values()] });
    emit({ type: 'reset', kind: 'stepRuns', items: [...o.stepRuns.values()] });
    emit({ type: 'reset', kind: 'storyRuns', items: [...o.storyRuns.values()] });
    for (const kind of ['transports', 'stories', 'stepRuns', 'storyRuns'] as const)
      emit({ type: 'connected', kind });
  };
  return {
    app,
    feed,
    emit: (e: ObjectEvent | ConnectionEvent) => emit(e),
    setClock: (t: number) => {
      clock = t;
    },
    quits,
    planned,
    applied,
    unsubscribed: () => unsubscribed,
  };
}

describe('WatchApp', () => {
  it('judges nothing until every kind has been listed: no findings from runs seen before their StepRuns and Story', async () => {
    const t = setup();
    const o = objects();
    t.emit({ type: 'reset', kind: 'storyRuns', items: [...o.storyRuns.values()] });
    t.emit({ type: 'connected', kind: 'storyRuns' });
    await tick();
    expect(t.app.lastFrame()).toContain('listing stepRuns, stories, transports…');
    expect(t.app.lastFrame()).not.toContain('[SR');
    t.emit({ type: 'reset', kind: 'stepRuns', items: [...o.stepRuns.values()] });
    t.emit({ type: 'reset', kind: 'stories', items: [...o.stories.values()] });
    // A kind that cannot be read does not hold the table back: its rules say so instead.
    t.emit({ type: 'forbidden', kind: 'transports', reason: 'cannot list transports' });
    await tick();
    expect(t.app.lastFrame()).not.toContain('listing');
    expect(t.app.lastFrame()).toContain('[SR101]');
    t.app.unmount();
  });

  it('lists runs from the watch, applies live changes, and ticks the cancel timer without new events', async () => {
    const t = setup();
    await tick();
    expect(t.app.lastFrame()).toContain('connecting to https://10.0.0.1:6443…');
    t.feed();
    await tick();
    expect(t.app.lastFrame()).toContain('1m35s / 30s (2m0s)');
    expect(t.app.lastFrame()).not.toContain('connecting');
    t.emit({ type: 'upsert', kind: 'storyRuns', object: run('call-new', 'batch', { phase: 'Running' }) });
    await tick();
    expect(t.app.lastFrame()).toContain('call-new');
    t.setClock(NOW + 10_000);
    await tick(60);
    expect(t.app.lastFrame()).toContain('1m45s / 30s (2m0s)');
    t.app.unmount();
  });

  it('shows a status line while a watch is disconnected', async () => {
    const t = setup();
    t.feed();
    t.emit({
      type: 'disconnected',
      kind: 'stepRuns',
      reason: 'connect ECONNREFUSED 127.0.0.1:6443',
      retryInMs: 2000,
    });
    await tick();
    expect(t.app.lastFrame()).toContain(
      '! disconnected (stepRuns) for 0s: connect ECONNREFUSED 127.0.0.1:6443; retrying in 2s',
    );
    t.emit({ type: 'connected', kind: 'stepRuns' });
    await tick();
    expect(t.app.lastFrame()).not.toContain('disconnected');
    t.app.unmount();
  });

  it('filters with /, opens details with Enter, and finishes with f then y, showing the refusal', async () => {
    const t = setup();
    t.feed();
    await until(() => (t.app.lastFrame() ?? '').includes('call-2b91'));
    t.app.stdin.write('/2b91\r');
    await until(() => (t.app.lastFrame() ?? '').includes('runs 1/3'));
    expect(t.app.lastFrame()).toContain('runs 1/3');
    t.app.stdin.write('\r');
    await until(() => (t.app.lastFrame() ?? '').includes('StoryRun voice/call-2b91 ·'));
    expect(t.app.lastFrame()).toContain('StoryRun voice/call-2b91 · story voice-agent · phase Finished');
    t.app.stdin.write('f');
    // The plan effect runs after the details render; on a loaded machine that takes more than a tick.
    await until(() => t.planned.length > 0 && (t.app.lastFrame() ?? '').includes('[y/N]'));
    await tick();
    expect(t.planned).toEqual(['voice/call-2b91']);
    expect(t.app.lastFrame()).toContain('Apply these changes? [y/N]');
    t.app.stdin.write('y');
    await until(() => (t.app.lastFrame() ?? '').includes('refused:'));
    expect(t.applied).toEqual(['voice/call-2b91']);
    expect(t.app.lastFrame()).toContain(
      'refused: cannot patch storyruns/status in namespace voice (403 Forbidden)',
    );
    t.app.stdin.write(' ');
    await until(() => !(t.app.lastFrame() ?? '').includes('Apply these changes'));
    expect(t.app.lastFrame()).toContain('call-2b91');
    expect(t.app.lastFrame()).not.toContain('Apply these changes');
    t.app.unmount();
  });

  it('quits on q, stopping the watch', async () => {
    const t = setup();
    t.feed();
    await tick();
    t.app.stdin.write('q');
    await tick();
    expect(t.quits).toEqual([0]);
    expect(t.unsubscribed()).toBe(true);
  });

  it('quits on Ctrl-C with 130', async () => {
    const t = setup();
    await tick();
    t.app.stdin.write('\x03');
    await tick();
    expect(t.quits).toEqual([130]);
    expect(t.unsubscribed()).toBe(true);
  });
});
