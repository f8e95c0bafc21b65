import { describe, expect, it } from 'vitest';
import { clusterRules } from '../../../src/rules/index.js';
import {
  applyConnection,
  applyEvent,
  connectionLine,
  emptyObjects,
  evaluate,
  filterRows,
  reselect,
  sortRows,
  unavailableKinds,
  visibleWindow,
} from '../../../src/report/ui/dashboard-state.js';
import { ended, healthy, NOW, objects, sceneRun, sceneStep, stalled } from './world-fixture.js';

const opts = { now: NOW, stopBudgetSeconds: 30, rules: clusterRules };

const CONNECTED = { state: 'connected' } as const;

describe('applyEvent', () => {
  it('replaces a kind on reset, adds and replaces on upsert, removes on delete', () => {
    let o = applyEvent(emptyObjects(), { type: 'reset', kind: 'storyRuns', items: [stalled, ended] });
    expect([...o.storyRuns.keys()]).toEqual(['voice/call-7f3a', 'voice/call-2b91']);
    const finished = sceneRun('call-7f3a', 'voice-agent', { phase: 'Finished' });
    o = applyEvent(o, { type: 'upsert', kind: 'storyRuns', object: finished });
    expect(o.storyRuns.get('voice/call-7f3a')?.status?.phase).toBe('Finished');
    o = applyEvent(o, { type: 'delete', kind: 'storyRuns', object: ended });
    expect([...o.storyRuns.keys()]).toEqual(['voice/call-7f3a']);
    o = applyEvent(o, { type: 'reset', kind: 'storyRuns', items: [healthy] });
    expect([...o.storyRuns.keys()]).toEqual(['voice/nightly-export']);
  });

  it('copies only the changed kind, so unchanged kinds keep their identity', () => {
    const before = objects();
    const after = applyEvent(before, {
      type: 'upsert',
      kind: 'stepRuns',
      object: sceneStep('call-7f3a', 'egress', 'Running'),
    });
    expect(after.storyRuns).toBe(before.storyRuns);
    expect(after.stepRuns).not.toBe(before.stepRuns);
    expect(before.stepRuns.size).toBe(2);
    expect(after.stepRuns.size).toBe(3);
  });

  it('keys cluster-scoped transports by name alone', () => {
    const o = objects();
    expect([...o.transports.keys()]).toEqual(['livekit-webrtc']);
  });
});

describe('evaluate', () => {
  it('marks the stalled cancel and the inconsistent run, worst first, with counts', () => {
    const e = evaluate(objects(), opts);
    expect(e.rows.map((r) => [r.name, r.badges])).toEqual([
      ['call-7f3a', ['SR101', 'SR102']],
      ['call-2b91', ['SR201', 'SR103']],
      ['nightly-export', []],
    ]);
    expect(e.counts).toEqual({ error: 2, warning: 2, info: 0 });
  });

  it('gives canceling runs the time since the cancel, the budget and the resolved window', () => {
    const row = evaluate(objects(), opts).rows[0];
    expect(row?.cancel).toEqual({
      elapsedSeconds: 95,
      budgetSeconds: 30,
      windowSeconds: 120,
      windowSource: expect.stringContaining('livekit-webrtc'),
      // Read from the Transport, not a guess (issue 13).
      windowConfidence: 'known',
      overBudget: true,
    });
    expect(row?.ageSeconds).toBe(290); // since status.startedAt, not creation
  });

  it('moves the cancel timer with the clock alone (no new objects)', () => {
    const o = objects();
    const early = evaluate(o, { ...opts, now: NOW - 70_000 }).rows.find((r) => r.name === 'call-7f3a');
    expect(early?.cancel?.elapsedSeconds).toBe(25);
    expect(early?.cancel?.overBudget).toBe(false);
    expect(early?.badges).not.toContain('SR101');
    const late = evaluate(o, opts).rows.find((r) => r.name === 'call-7f3a');
    expect(late?.badges).toContain('SR101');
  });

  it('reports a cancel the controller has not observed yet without a time', () => {
    const r = sceneRun('call-new', 'voice-agent', { phase: 'Running' });
    r.spec = { ...r.spec, cancelRequested: true };
    const o = applyEvent(objects(), { type: 'upsert', kind: 'storyRuns', object: r });
    const row = evaluate(o, opts).rows.find((x) => x.name === 'call-new');
    expect(row?.cancel?.elapsedSeconds).toBeUndefined();
    expect(row?.cancel?.overBudget).toBe(false);
  });

  it('with a selector, ignores StepRuns of runs outside the selection instead of calling them orphans', () => {
    const o = applyEvent(objects(), {
      type: 'upsert',
      kind: 'stepRuns',
      object: sceneStep('other-run', 'a', 'Running'),
    });
    expect(evaluate(o, opts).findings.some((f) => f.ruleId === 'SR302')).toBe(true);
    expect(evaluate(o, { ...opts, selected: true }).findings.some((f) => f.ruleId === 'SR302')).toBe(false);
  });

  it('turns forbidden kinds into rules not evaluated', () => {
    const listed = { storyRuns: CONNECTED, stepRuns: CONNECTED, stories: CONNECTED };
    const c = applyConnection(
      listed,
      { type: 'forbidden', kind: 'transports', reason: 'cannot list transports' },
      NOW,
    );
    const e = evaluate(objects(), { ...opts, unavailable: unavailableKinds(c) });
    expect(e.notEvaluated).toContainEqual({ ruleId: 'SR102', reason: 'cannot list transports' });
  });

  it('evaluates no rule on a kind whose first list has not arrived (no SR203 before the StepRuns)', () => {
    const c = { storyRuns: CONNECTED, stories: CONNECTED, transports: CONNECTED };
    const e = evaluate(objects(), { ...opts, unavailable: unavailableKinds(c) });
    expect(e.findings.some((f) => f.ruleId === 'SR203')).toBe(false);
    expect(e.notEvaluated).toContainEqual({ ruleId: 'SR203', reason: 'StepRuns are still being listed' });
    const all = { ...c, stepRuns: CONNECTED };
    expect(unavailableKinds(all)).toEqual({});
  });
});

describe('sorting, filtering and selection', () => {
  const rows = evaluate(objects(), opts).rows;

  it('is stable: sorting sorted rows changes nothing', () => {
    expect(sortRows(rows).map((r) => r.key)).toEqual(rows.map((r) => r.key));
    expect(sortRows([...rows].reverse()).map((r) => r.key)).toEqual(rows.map((r) => r.key));
  });

  it('filters on every term, across name, story, phase and rule IDs, case-insensitively', () => {
    expect(filterRows(rows, 'sr201').map((r) => r.name)).toEqual(['call-2b91']);
    expect(filterRows(rows, 'VOICE-agent running').map((r) => r.name)).toEqual(['call-7f3a']);
    expect(filterRows(rows, 'nope')).toEqual([]);
    expect(filterRows(rows, '  ')).toHaveLength(3);
  });

  it('keeps the selection on the same run when rows move, else the nearest index', () => {
    expect(reselect(rows, 'voice/nightly-export', 0)).toBe(2);
    expect(reselect(rows, 'voice/gone', 7)).toBe(2);
    expect(reselect([], 'x', 3)).toBe(0);
  });

  it('scrolls the visible window to keep the selection in view', () => {
    expect(visibleWindow(5, 0, 10)).toEqual({ start: 0, end: 5 });
    expect(visibleWindow(100, 0, 10)).toEqual({ start: 0, end: 10 });
    expect(visibleWindow(100, 50, 10)).toEqual({ start: 45, end: 55 });
    expect(visibleWindow(100, 99, 10)).toEqual({ start: 90, end: 100 });
  });
});

describe('connection state', () => {
  it('says nothing while connected, and how long and why while disconnected', () => {
    let c = applyConnection({}, { type: 'connected', kind: 'storyRuns' }, NOW);
    expect(connectionLine(c, NOW)).toBeUndefined();
    c = applyConnection(
      c,
      {
        type: 'disconnected',
        kind: 'storyRuns',
        reason: 'connect ECONNREFUSED 127.0.0.1:6443',
        retryInMs: 4000,
      },
      NOW,
    );
    c = applyConnection(
      c,
      {
        type: 'disconnected',
        kind: 'storyRuns',
        reason: 'connect ECONNREFUSED 127.0.0.1:6443',
        retryInMs: 8000,
      },
      NOW + 5000,
    );
    expect(connectionLine(c, NOW + 6000)).toBe(
      'disconnected (storyRuns) for 6s: connect ECONNREFUSED 127.0.0.1:6443; retrying in 7s; showing the last known state',
    );
    c = applyConnection(c, { type: 'connected', kind: 'storyRuns' }, NOW + 14_000);
    expect(connectionLine(c, NOW + 14_000)).toBeUndefined();
  });
});

describe('evaluate: what the TUI shows is redacted (issue 16 item 6)', () => {
  it('masks a secret that an object carries into a finding, as a report does', () => {
    // A step named after an env assignment: SR201 quotes the open step states in its message.
    const leaked = 'LIVEKIT_API_SECRET=Zx8yWq2vLm9nB4cR';
    const run = sceneRun('call-9d2e', 'voice-agent', {
      phase: 'Failed',
      finishedAt: '2026-04-22T18:05:00Z',
      stepStates: { [leaked]: { phase: 'Running' } },
    });
    const e = evaluate(applyEvent(objects(), { type: 'upsert', kind: 'storyRuns', object: run }), opts);
    const row = e.rows.find((r) => r.name === 'call-9d2e');
    const texts = JSON.stringify(row?.findings);
    expect(row?.badges).toContain('SR201');
    expect(texts).toContain('LIVEKIT_API_SECRET=[redacted]');
    expect(texts).not.toContain('Zx8yWq2vLm9nB4cR');
    expect(JSON.stringify(e.findings)).not.toContain('Zx8yWq2vLm9nB4cR');
  });
});
