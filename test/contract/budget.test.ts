import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STOP_BUDGET_SECONDS,
  REQUEUE_SLACK_SECONDS,
  STUCK_DELETION_SECONDS,
  isPastStopBudget,
  parseStopBudget,
} from '../../src/contract/budget.js';

describe('stop budget (RULES.md SR101)', () => {
  it('defaults to 30 s with a 7.5 s requeue slack and a 5 min stuck-deletion age', () => {
    expect(DEFAULT_STOP_BUDGET_SECONDS).toBe(30);
    expect(REQUEUE_SLACK_SECONDS).toBe(7.5);
    expect(STUCK_DELETION_SECONDS).toBe(300);
  });

  it.each([
    ['30s', 30],
    ['2m', 120],
    ['1m30s', 90],
    ['45', 45],
    ['12.5', 12.5],
    [' 30s ', 30],
  ])('--stop-budget %j → %d s', (text, seconds) => {
    expect(parseStopBudget(text)).toBe(seconds);
  });

  it.each(['', '0s', '0', '0.0', '-5s', 'abc', '30x', '-5'])('--stop-budget %j is rejected', (text) => {
    expect(parseStopBudget(text)).toBeUndefined();
  });

  it.each([
    [10, 30, false],
    [37.5, 30, false],
    [37.6, 30, true],
    [133, 30, true],
    [127.5, 120, false],
    [128, 120, true],
  ])('elapsed %d s against budget %d s → past: %s', (elapsed, budget, past) => {
    expect(isPastStopBudget(elapsed, budget)).toBe(past);
  });
});
