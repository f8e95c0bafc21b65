// Times a record cannot place alone: a time of day dated per input, zone-less text in --log-timezone.
import { describe, expect, it } from 'vitest';
import { InputClock, wallClockIn } from '../../src/logs/input-clock.js';
import { logZone, UTC_ZONE } from '../../src/logs/timezone.js';

const H = 3_600_000;

describe('the input clock', () => {
  it('leaves a time of day undated until a dated line has been seen (never 1970)', () => {
    const clock = new InputClock();
    expect(clock.context(undefined).timeOfDay(14 * H)).toBeUndefined();
  });

  it("takes the collector prefix's time over everything", () => {
    const clock = new InputClock();
    const t = Date.parse('2026-04-22T14:00:38.901Z');
    expect(clock.context(t).timeOfDay(14 * H)).toBe(t);
  });

  it('dates a time of day from the nearest dated line before it, rolling over at midnight', () => {
    const clock = new InputClock();
    clock.saw(Date.parse('2026-04-22T23:59:50Z'));
    const t1 = clock.context(undefined).timeOfDay(23 * H + 59 * 60_000 + 55_000);
    expect(t1).toBe(Date.parse('2026-04-22T23:59:55Z'));
    clock.saw(t1);
    const t2 = clock.context(undefined).timeOfDay(5_000);
    expect(t2).toBe(Date.parse('2026-04-23T00:00:05Z'));
  });

  it('reads a time of day in --log-timezone: local Berlin 01:30 is the day before in UTC', () => {
    const berlin = logZone('Europe/Berlin');
    expect(berlin?.name).toBe('Europe/Berlin');
    const clock = new InputClock(berlin);
    clock.saw(Date.parse('2026-04-22T22:00:00Z')); // 00:00 local on the 23rd (CEST, +02:00)
    expect(clock.context(undefined).timeOfDay(1.5 * H)).toBe(Date.parse('2026-04-22T23:30:00Z'));
  });

  it('reads zone-less wall clocks in the zone, across a DST change', () => {
    expect(wallClockIn(UTC_ZONE, '2026-05-14T08:16:04.250')).toBe(Date.parse('2026-05-14T08:16:04.250Z'));
    const ny = logZone('America/New_York');
    if (!ny) throw new Error('no America/New_York');
    expect(wallClockIn(ny, '2026-01-15T12:00:00')).toBe(Date.parse('2026-01-15T17:00:00Z'));
    expect(wallClockIn(ny, '2026-07-15T12:00:00')).toBe(Date.parse('2026-07-15T16:00:00Z'));
  });

  it('knows no zone Intl does not know', () => {
    expect(logZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(logZone('UTC')).toBe(UTC_ZONE);
  });
});
