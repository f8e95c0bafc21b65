import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lk103 } from '../../../src/rules/logs/lk103-session-close-timeout.js';
import { lintPaths } from '../../logs/helpers.js';
import { FIXTURES, pino, runLogRule } from './helpers.js';

describe('LK103 session-close-timeout', () => {
  it('fires for the JS and the Python close timeout', async () => {
    const r = await lintPaths([join(FIXTURES, 'session-close-timeout')]);
    const f = r.findings.filter((x) => x.ruleId === 'LK103');
    expect(f.map((x) => x.subject?.name).sort()).toEqual(['AJ_PyT1me0ut7', 'agent-5c2a/6001']);
    expect(f.every((x) => x.evidence.timeoutSeconds === 60)).toBe(true);
  });

  it('does not fire on other timeouts', () => {
    const r = runLogRule(lk103, [
      pino(0, 50, 'automatic room deletion timed out'),
      pino(1, 50, 'AgentSession closed'),
    ]);
    expect(r.findings).toEqual([]);
  });
});
