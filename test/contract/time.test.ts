import { describe, expect, it } from 'vitest';
import { formatKubeTime, formatPreciseTime, parseTime } from '../../src/contract/time.js';

describe('parseTime (RFC3339 / RFC3339Nano)', () => {
  it('reads the seed cancel annotation with nanoseconds, truncated to milliseconds', () => {
    expect(parseTime('2026-04-22T18:13:32.023539756Z')).toBe(Date.UTC(2026, 3, 22, 18, 13, 32, 23));
  });

  it.each([
    ['2026-04-22T18:15:32Z', Date.UTC(2026, 3, 22, 18, 15, 32)],
    ['2026-04-22T18:15:32z', Date.UTC(2026, 3, 22, 18, 15, 32)],
    ['2026-04-22t18:15:32Z', Date.UTC(2026, 3, 22, 18, 15, 32)],
    ['2026-04-22T18:15:32.5Z', Date.UTC(2026, 3, 22, 18, 15, 32, 500)],
    ['2026-04-22T20:15:32+02:00', Date.UTC(2026, 3, 22, 18, 15, 32)],
    ['2026-04-22T13:15:32.999999999-05:00', Date.UTC(2026, 3, 22, 18, 15, 32, 999)],
  ])('%s', (text, ms) => {
    expect(parseTime(text)).toBe(ms);
  });

  it.each([
    undefined,
    null,
    '',
    '2026-04-22',
    '2026-04-22T18:15:32',
    '18:15:32Z',
    'now',
    '2026-13-45T99:99:99Z',
  ])('%j is not a time', (text) => {
    expect(parseTime(text)).toBeUndefined();
  });

  it('formats metav1.Time at second precision and precise times with milliseconds', () => {
    const ms = Date.UTC(2026, 3, 22, 18, 13, 32, 23);
    expect(formatKubeTime(ms)).toBe('2026-04-22T18:13:32Z');
    expect(formatPreciseTime(ms)).toBe('2026-04-22T18:13:32.023Z');
  });
});
