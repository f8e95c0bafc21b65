import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintLogs } from '../../../src/logs/index.js';
import { br101 } from '../../../src/rules/logs/br101-cancel-waited-full-window.js';
import { logRules } from '../../../src/rules/index.js';
import { ids, lintPaths } from '../../logs/helpers.js';
import { FIXTURES } from './helpers.js';

describe('log rule catalog', () => {
  it('lists every log rule of RULES.md with complete metadata and needles', () => {
    expect(logRules.map((r) => `${r.meta.id} ${r.meta.name} ${r.meta.severity}`)).toEqual([
      'LK101 close-hung-in-drain error',
      'LK102 orphaned-stt-socket error',
      'LK103 session-close-timeout error',
      'LK104 stt-retries-exhausted warning',
      'LK201 warm-transfer-room-leak error',
      'LK301 worker-drain-unresolved warning',
      'BR101 cancel-waited-full-window warning',
      'BR102 steprun-cleanup-stuck warning',
      'DT101 turn-stranded-by-restart error',
      'DT102 turn-timed-out warning',
      'DT103 named-session-replay-unresolved warning',
    ]);
    for (const r of logRules) {
      expect(r.kind).toBe('log');
      for (const k of ['summary', 'rationale', 'fix', 'docs'] as const)
        expect(r.meta[k].length).toBeGreaterThan(10);
      expect(r.needles.length).toBeGreaterThan(0);
    }
  });

  it('turns a throwing rule into one internal finding and keeps the others running', async () => {
    const boom = {
      ...br101,
      meta: { ...br101.meta, id: 'XX999' },
      create: () => ({
        onEvent: () => {
          throw new Error('boom');
        },
        finish: () => ({ findings: [], notEvaluated: [] }),
      }),
    };
    const r = await lintPaths([join(FIXTURES, 'controller-cancel-window')]);
    const both = await lintLogs([join(FIXTURES, 'controller-cancel-window')], {
      stopBudgetSeconds: 30,
      rules: [boom, br101],
    });
    expect(both.findings.map((f) => f.ruleId).sort()).toEqual(['BR101', 'internal-error']);
    expect(ids(r)).toEqual(['BR101']);
  });
});
