import { describe, expect, it } from 'vitest';
import {
  PHASES,
  TERMINAL_PHASES,
  classifyPhase,
  isKnownPhase,
  isNonTerminal,
  isTerminal,
} from '../../src/contract/phases.js';

// CONTROLLER.md section 2, written out again here so a change to the source list is caught.
const TERMINAL = [
  'Succeeded',
  'Failed',
  'Finished',
  'Canceled',
  'Compensated',
  'Timeout',
  'Aborted',
  'Skipped',
];
const NON_TERMINAL = ['Pending', 'Running', 'Paused', 'Blocked', 'Scheduling'];

describe('phases (CONTROLLER.md §2)', () => {
  it('has exactly the 13 enum values', () => {
    expect(PHASES).toHaveLength(13);
    expect([...PHASES].sort()).toEqual([...TERMINAL, ...NON_TERMINAL].sort());
  });

  it('has exactly the 8 terminal phases', () => {
    expect([...TERMINAL_PHASES].sort()).toEqual([...TERMINAL].sort());
  });

  it.each(TERMINAL)('%s is terminal', (p) => {
    expect(classifyPhase(p)).toBe('terminal');
    expect(isTerminal(p)).toBe(true);
    expect(isNonTerminal(p)).toBe(false);
    expect(isKnownPhase(p)).toBe(true);
  });

  it.each(NON_TERMINAL)('%s is non-terminal', (p) => {
    expect(classifyPhase(p)).toBe('non-terminal');
    expect(isTerminal(p)).toBe(false);
    expect(isNonTerminal(p)).toBe(true);
    expect(isKnownPhase(p)).toBe(true);
  });

  it.each([[''], [undefined], [null]])('an unset phase (%j) is non-terminal', (p) => {
    expect(classifyPhase(p)).toBe('non-terminal');
    expect(isTerminal(p)).toBe(false);
    expect(isNonTerminal(p)).toBe(true);
  });

  it.each(['Evicted', 'running', 'SUCCEEDED', ' Running', 'Completed'])(
    '%j is an unknown phase, neither terminal nor non-terminal',
    (p) => {
      expect(classifyPhase(p)).toBe('unknown');
      expect(isTerminal(p)).toBe(false);
      expect(isNonTerminal(p)).toBe(false);
      expect(isKnownPhase(p)).toBe(false);
    },
  );
});
