import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sanitizeLabelValue, storyRunLabelValue } from '../../src/contract/label.js';

const SEED = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';

// Independent reference for the long-name rule of CONTROLLER.md §4, from an already sanitized name.
function hashed(sanitized: string): string {
  const suffix = createHash('sha256').update(sanitized, 'utf8').digest('hex').slice(0, 10);
  let prefix = sanitized.slice(0, 52);
  while (/^[-_.]/.test(prefix)) prefix = prefix.slice(1);
  while (/[-_.]$/.test(prefix)) prefix = prefix.slice(0, -1);
  return prefix ? `${prefix}-${suffix}` : suffix;
}

describe('StoryRun label value (CONTROLLER.md §4)', () => {
  it.each([
    ['simple', 'simple'],
    ['Voice.Call_42', 'voice-call-42'],
    ['UPPER', 'upper'],
    ['a.b.c', 'a-b-c'],
    ['a_b', 'a-b'],
    ['a b', 'a-b'],
    ['  padded name  ', 'padded-name'],
    ['-leading', 'leading'],
    ['trailing-', 'trailing'],
    ['..dots..', 'dots'],
    ['a--b', 'a-b'],
    ['a-._ b', 'a-b'],
    ['a__b..c', 'a-b-c'],
    ['café', 'caf'],
    ['run-1', 'run-1'],
  ])('%j → %j', (name, want) => {
    expect(storyRunLabelValue(name)).toBe(want);
    expect(storyRunLabelValue(name)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it.each(['', '   ', '---', '._-', 'ßü'])('%j has nothing left and becomes "resource"', (name) => {
    expect(storyRunLabelValue(name)).toBe('resource');
  });

  it('keeps the seed run name, which is within 63 characters', () => {
    expect(SEED.length).toBeLessThanOrEqual(63);
    expect(storyRunLabelValue(SEED)).toBe(SEED);
  });

  it('keeps a name of exactly 63 characters', () => {
    const name = 'a'.repeat(63);
    expect(storyRunLabelValue(name)).toBe(name);
  });

  it('shortens a 64-character name to a 52-character prefix and a 10-hex sha256 suffix', () => {
    const name = 'b'.repeat(64);
    const got = storyRunLabelValue(name);
    expect(got).toBe(hashed(name));
    expect(got).toBe(`${'b'.repeat(52)}-${createHash('sha256').update(name).digest('hex').slice(0, 10)}`);
    expect(got.length).toBe(63);
  });

  it('hashes the sanitized name, not the raw one', () => {
    const raw = `${SEED.toUpperCase()}.With_Extra.Segments`;
    const sanitized = `${SEED}-with-extra-segments`;
    expect(sanitizeLabelValue(raw)).toBe(sanitized);
    expect(sanitized.length).toBeGreaterThan(63);
    expect(storyRunLabelValue(raw)).toBe(hashed(sanitized));
    expect(storyRunLabelValue(raw)).not.toBe(hashed(raw.toLowerCase()));
  });

  it('trims a dash that the 52-character cut leaves at the end of the prefix', () => {
    // Character 52 (index 51) is a dash, so the prefix would end in "-" before trimming.
    const sanitized = `${'c'.repeat(51)}-${'d'.repeat(20)}`;
    const got = storyRunLabelValue(sanitized);
    expect(got).toBe(hashed(sanitized));
    expect(got.startsWith(`${'c'.repeat(51)}-`)).toBe(true);
    expect(got).not.toContain('--');
    expect(got.length).toBe(62);
  });

  it('gives different values to long names that share their first 52 characters', () => {
    const a = `${SEED}-room-one-extra-suffix`;
    const b = `${SEED}-room-two-extra-suffix`;
    expect(storyRunLabelValue(a)).not.toBe(storyRunLabelValue(b));
    expect(storyRunLabelValue(a).slice(0, 52)).toBe(storyRunLabelValue(b).slice(0, 52));
  });
});
