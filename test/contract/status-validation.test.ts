import { describe, expect, it } from 'vitest';
import {
  MAX_CONDITION_MESSAGE,
  MAX_CONDITION_REASON,
  validateRunStatus,
} from '../../src/contract/status-validation.js';

const ready = {
  type: 'Ready',
  status: 'False',
  reason: 'Canceled',
  message: 'StoryRun gracefully canceled',
  lastTransitionTime: '2026-04-22T18:15:32Z',
};

describe('StoryRun status CEL rules (CONTROLLER.md §3)', () => {
  it('accepts a status without conditions and one with a valid Ready', () => {
    expect(validateRunStatus(undefined)).toEqual([]);
    expect(validateRunStatus({ phase: 'Finished' })).toEqual([]);
    expect(validateRunStatus({ conditions: [ready] })).toEqual([]);
  });

  it('requires Ready when conditions are set, even when the list is empty', () => {
    expect(validateRunStatus({ conditions: [] })).toHaveLength(1);
    expect(validateRunStatus({ conditions: [{ ...ready, type: 'Progressing' }] })[0]).toMatch(/Ready/);
  });

  it('requires lastTransitionTime on every condition', () => {
    const { lastTransitionTime: _omit, ...noTime } = ready;
    expect(validateRunStatus({ conditions: [noTime] })[0]).toMatch(/lastTransitionTime/);
  });

  it('limits reason to 64 and message to 2048 characters', () => {
    expect(
      validateRunStatus({ conditions: [{ ...ready, reason: 'r'.repeat(MAX_CONDITION_REASON) }] }),
    ).toEqual([]);
    expect(
      validateRunStatus({ conditions: [{ ...ready, reason: 'r'.repeat(MAX_CONDITION_REASON + 1) }] })[0],
    ).toMatch(/reason/);
    expect(
      validateRunStatus({ conditions: [{ ...ready, message: 'm'.repeat(MAX_CONDITION_MESSAGE) }] }),
    ).toEqual([]);
    expect(
      validateRunStatus({ conditions: [{ ...ready, message: 'm'.repeat(MAX_CONDITION_MESSAGE + 1) }] })[0],
    ).toMatch(/message/);
    expect(MAX_CONDITION_REASON).toBe(64);
    expect(MAX_CONDITION_MESSAGE).toBe(2048);
  });
});
