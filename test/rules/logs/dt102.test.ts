import { describe, expect, it } from 'vitest';
import { dt102 } from '../../../src/rules/logs/dt102-turn-timed-out.js';
import { ductor, ids, runLogRule } from './helpers.js';

describe('DT102 turn-timed-out', () => {
  it('is resolved only by a later turn of the same session', () => {
    const to = ductor(0, 'WARNING', 'Session timed out after 600s', 'main:msg:1:aaaa1111');
    expect(
      ids(runLogRule(dt102, [to, ductor(60, 'INFO', 'Normal flow starting', 'main:msg:1:bbbb2222')])),
    ).toEqual(['DT102']);
    expect(
      ids(runLogRule(dt102, [to, ductor(60, 'INFO', 'Normal flow starting', 'main:msg:1:aaaa1111')])),
    ).toEqual([]);
  });
});
