// The store behind serve: watch events in, the objects out without managedFields, readiness after
// every kind's first list, and the cancel stops it sees (a canceled run turning terminal).
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../src/serve/store.js';
import { CANCEL_AT, FINISHED_AT, makeRun, makeStep } from '../support/objects.js';

const now = Date.parse('2026-04-22T18:20:00Z');

describe('ObjectStore', () => {
  it('is complete once every kind was listed, and drops what a relist no longer has', () => {
    const store = new ObjectStore();
    const a = makeRun({ name: 'a' });
    const b = makeRun({ name: 'b' });
    store.apply({ type: 'reset', kind: 'storyRuns', items: [a, b] }, now);
    store.apply({ type: 'reset', kind: 'stepRuns', items: [makeStep(a, 'x')] }, now);
    store.apply({ type: 'reset', kind: 'stories', items: [] }, now);
    expect(store.complete).toBe(false);
    expect(store.pending).toEqual(['transports']);
    store.apply({ type: 'reset', kind: 'transports', items: [] }, now);
    expect(store.complete).toBe(true);
    store.apply({ type: 'reset', kind: 'storyRuns', items: [b] }, now);
    expect(store.snapshot().storyRuns.map((r) => r.metadata.name)).toEqual(['b']);
  });

  it('has a version that moves with every event applied, and only then', () => {
    const store = new ObjectStore();
    const v0 = store.version;
    expect(store.version).toBe(v0);
    const a = makeRun({ name: 'a' });
    store.apply({ type: 'upsert', kind: 'storyRuns', object: a }, now);
    const v1 = store.version;
    expect(v1).not.toBe(v0);
    store.snapshot();
    expect(store.version).toBe(v1);
    store.apply({ type: 'delete', kind: 'storyRuns', object: a }, now);
    expect(store.version).not.toBe(v1);
  });

  it('keeps objects without metadata.managedFields', () => {
    const store = new ObjectStore();
    const run = makeRun({ name: 'a' }) as ReturnType<typeof makeRun> & {
      metadata: { managedFields?: unknown };
    };
    run.metadata.managedFields = [{ manager: 'kubectl' }];
    store.apply({ type: 'upsert', kind: 'storyRuns', object: run }, now);
    expect(store.snapshot().storyRuns[0]?.metadata).not.toHaveProperty('managedFields');
  });

  it('sees a canceled run end: from graceful-cancel-observed-at to status.finishedAt', () => {
    const store = new ObjectStore();
    const canceling = makeRun({ name: 'a', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    expect(store.apply({ type: 'upsert', kind: 'storyRuns', object: canceling }, now)).toEqual([]);
    const finished = makeRun({
      name: 'a',
      phase: 'Finished',
      cancelRequested: true,
      cancelObservedAt: CANCEL_AT,
      finishedAt: FINISHED_AT,
    });
    const [stop] = store.apply({ type: 'upsert', kind: 'storyRuns', object: finished }, now);
    expect(stop?.key).toBe(`${finished.metadata.namespace}/a`);
    expect(stop?.seconds).toBeCloseTo((Date.parse(FINISHED_AT) - Date.parse(CANCEL_AT)) / 1000, 3);
    // Once only, and never for a run first seen terminal or never canceled.
    expect(store.apply({ type: 'upsert', kind: 'storyRuns', object: finished }, now)).toEqual([]);
    const other = new ObjectStore();
    expect(other.apply({ type: 'reset', kind: 'storyRuns', items: [finished] }, now)).toEqual([]);
    other.apply({ type: 'upsert', kind: 'storyRuns', object: makeRun({ name: 'b' }) }, now);
    expect(
      other.apply(
        { type: 'upsert', kind: 'storyRuns', object: makeRun({ name: 'b', phase: 'Succeeded' }) },
        now,
      ),
    ).toEqual([]);
  });

  it('sees a stop on a relist too (the watch fell behind and listed again)', () => {
    const store = new ObjectStore();
    const canceling = makeRun({ name: 'a', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    store.apply({ type: 'reset', kind: 'storyRuns', items: [canceling] }, now);
    const finished = makeRun({
      name: 'a',
      phase: 'Finished',
      cancelRequested: true,
      cancelObservedAt: CANCEL_AT,
    });
    const stops = store.apply({ type: 'reset', kind: 'storyRuns', items: [finished] }, now);
    expect(stops).toHaveLength(1);
    expect(stops[0]?.seconds).toBeCloseTo((now - Date.parse(CANCEL_AT)) / 1000, 3);
  });
});
