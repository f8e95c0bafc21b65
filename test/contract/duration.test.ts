import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration, roundedSecondsBetween } from '../../src/contract/duration.js';

describe('Go duration format (CONTROLLER.md §3)', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [133, '2m13s'],
    [120, '2m0s'],
    [60, '1m0s'],
    [3605, '1h0m5s'],
    [3600, '1h0m0s'],
    [90061, '25h1m1s'],
    [1.5, '1.5s'],
    [0.3, '300ms'],
    [0.0015, '1.5ms'],
    [0.000002, '2µs'],
    [-3, '-3s'],
  ])('%d s → %s', (seconds, text) => {
    expect(formatGoDuration(seconds)).toBe(text);
  });

  it('rejects non-finite input', () => {
    expect(() => formatGoDuration(Number.NaN)).toThrow(RangeError);
    expect(() => formatGoDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('Go duration parse', () => {
  it.each([
    ['45s', 45],
    ['2m13s', 133],
    ['1h0m5s', 3605],
    ['0s', 0],
    ['0', 0],
    ['+0', 0],
    ['-0', 0],
    ['2m0s', 120],
    ['2m', 120],
    ['1.5s', 1.5],
    ['300ms', 0.3],
    ['1h', 3600],
    ['-3s', -3],
    ['1m30.5s', 90.5],
    ['2µs', 0.000002],
    ['1us', 0.000001],
  ])('%s → %d s', (text, seconds) => {
    expect(parseGoDuration(text)).toBeCloseTo(seconds, 9);
  });

  it.each(['', '5', 's', '1.5', 'abc', '1x', '1h-5m', '--1s', '1 s', '2 m', 'ms', '1d'])(
    '%j is not a duration',
    (text) => {
      expect(parseGoDuration(text)).toBeUndefined();
    },
  );

  it.each([0, 45, 133, 3605, 120, 1.5, 0.3])('round-trips %d s', (seconds) => {
    expect(parseGoDuration(formatGoDuration(seconds))).toBeCloseTo(seconds, 9);
  });
});

describe('roundedSecondsBetween', () => {
  it('gives the seed duration: 18:13:19Z → 18:15:32Z is 133 s (2m13s)', () => {
    expect(roundedSecondsBetween('2026-04-22T18:13:19Z', '2026-04-22T18:15:32Z')).toBe(133);
  });

  it('rounds half a second away from zero, like Go Duration.Round', () => {
    expect(roundedSecondsBetween('2026-04-22T18:00:00Z', '2026-04-22T18:00:10.5Z')).toBe(11);
    expect(roundedSecondsBetween('2026-04-22T18:00:10.5Z', '2026-04-22T18:00:00Z')).toBe(-11);
    expect(roundedSecondsBetween('2026-04-22T18:00:00Z', '2026-04-22T18:00:10.499Z')).toBe(10);
  });

  it('is undefined for unparsable times', () => {
    expect(roundedSecondsBetween('yesterday', '2026-04-22T18:15:32Z')).toBeUndefined();
  });
});
