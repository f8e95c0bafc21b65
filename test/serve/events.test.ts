// Event contents and pacing: the reason is the rule's name in CamelCase, the note fits the API's
// 1 kB, a persisting finding is one Event updated as a series (not one per evaluation), and the
// token bucket holds a storm back without losing what it held.
import { describe, expect, it } from 'vitest';
import {
  EventRecorder,
  findingEvent,
  NOTE_LIMIT_BYTES,
  reasonOf,
  tokenBucket,
  truncateNote,
  type EventSpec,
  type EventWriter,
} from '../../src/serve/events.js';
import { silentLogger } from '../../src/serve/log.js';
import type { Finding } from '../../src/model/report.js';

describe('Event fields', () => {
  it('reason: the rule name in CamelCase', () => {
    expect(reasonOf('SR101')).toBe('StalledGracefulCancel');
    expect(reasonOf('SR301')).toBe('LiveSteprunUnderTerminalRun');
    expect(reasonOf('nope')).toBe('Nope');
  });

  it('note: at most 1 kB of UTF-8, cut on a character', () => {
    const long = 'é'.repeat(2000);
    const cut = truncateNote(long);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(NOTE_LIMIT_BYTES);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toContain('\uFFFD');
    expect(truncateNote('short')).toBe('short');
  });

  it('note: personal data and secrets masked as a report masks them', () => {
    const f: Finding = {
      ruleId: 'SR101',
      severity: 'error',
      message:
        'StoryRun voice/call-1 held for participant sip_+15551234567; LIVEKIT_API_SECRET=s3cr3tValue123 in its env',
      evidence: { 'lk.pii.participant_identity': 'sip_+15551234567' },
      fingerprint: 'x',
      occurrence: 'x',
    };
    const regarding = {
      apiVersion: 'runs.bubustack.io/v1alpha1',
      kind: 'StoryRun',
      namespace: 'voice',
      name: 'call-1',
    };
    const spec = findingEvent(f, regarding);
    expect(spec.note).not.toContain('+15551234567');
    expect(spec.note).not.toContain('s3cr3tValue123');
    expect(spec.note).toContain('StoryRun voice/call-1');
    expect(spec.regarding).toEqual(regarding);
  });

  it('token bucket: a burst, then the refill rate', () => {
    const b = tokenBucket(2, 60, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, false]);
    expect(b.wait(0)).toBe(1000);
    expect(b.take(1000)).toBe(true);
  });
});

function finding(name: string, fp = name): Finding {
  return {
    ruleId: 'SR101',
    severity: 'error',
    message: `run ${name} stalled`,
    evidence: {},
    fingerprint: fp,
    subject: { kind: 'StoryRun', namespace: 'ns', name },
  };
}

function recorder(clock: { t: number }, burst = 10) {
  const created: EventSpec[] = [];
  const series: { name: string; count: number }[] = [];
  const counts: string[] = [];
  const writer: EventWriter = {
    create: (spec) => {
      created.push(spec);
      return Promise.resolve({ name: `${spec.regarding.name}.${created.length}`, namespace: 'ns' });
    },
    series: (at, count) => {
      series.push({ name: at.name, count });
      return Promise.resolve();
    },
  };
  const r = new EventRecorder({
    writer,
    log: silentLogger,
    count: (x) => counts.push(x),
    clock: () => clock.t,
    regardingOf: (s) => ({
      apiVersion: 'runs.bubustack.io/v1alpha1',
      kind: s.kind,
      namespace: s.namespace,
      name: s.name,
    }),
    seriesIntervalMs: 60_000,
    burst,
    perMinute: 60,
  });
  return { r, created, series, counts };
}

describe('EventRecorder', () => {
  it('one Event per finding; while it persists, a series update at most once per interval', async () => {
    const clock = { t: 0 };
    const { r, created, series } = recorder(clock);
    await r.sync([finding('a')]);
    clock.t = 30_000;
    await r.sync([finding('a')]);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      type: 'Warning',
      reason: 'StalledGracefulCancel',
      note: 'SR101: run a stalled',
    });
    expect(series).toEqual([]);
    clock.t = 61_000;
    await r.sync([finding('a')]);
    clock.t = 122_000;
    await r.sync([finding('a')]);
    expect(series).toEqual([
      { name: 'a.1', count: 2 },
      { name: 'a.1', count: 3 },
    ]);
    // Gone and back: a new Event.
    await r.sync([]);
    await r.sync([finding('a')]);
    expect(created).toHaveLength(2);
    await r.stop();
  });

  it('holds a storm back and sends the rest as tokens come', async () => {
    const clock = { t: 0 };
    const { r, created, counts } = recorder(clock, 2);
    const many = ['a', 'b', 'c', 'd'].map((n) => finding(n));
    await r.sync(many);
    expect(created.map((s) => s.regarding.name)).toEqual(['a', 'b']);
    expect(counts.filter((x) => x === 'rate-limited')).toHaveLength(2);
    clock.t = 2000;
    await r.sync(many);
    expect(created.map((s) => s.regarding.name)).toEqual(['a', 'b', 'c', 'd']);
    await r.stop();
  });

  it('writes nothing once disabled (no Event permission)', async () => {
    const clock = { t: 0 };
    const { r, created } = recorder(clock);
    r.disable('no permission');
    await r.sync([finding('a')]);
    await r.emit({
      regarding: { apiVersion: 'v1', kind: 'StoryRun', namespace: 'ns', name: 'a' },
      type: 'Normal',
      reason: 'AutoFinished',
      action: 'Finish',
      note: 'x',
    });
    expect(created).toEqual([]);
  });
});
