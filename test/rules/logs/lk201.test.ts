import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lk201 } from '../../../src/rules/logs/lk201-warm-transfer-room-leak.js';
import { ids, lintPaths } from '../../logs/helpers.js';
import { FIXTURES, pino, py, runLogRule } from './helpers.js';
import { tick } from './livekit-lines.js';

describe('LK201 warm-transfer-room-leak', () => {
  it('fires on the leak fixture and mentions no job context', async () => {
    const r = await lintPaths([join(FIXTURES, 'warm-transfer-leak')]);
    expect(ids(r)).toEqual(['LK201']);
    expect(r.findings[0]?.message).toContain('no job context found');
    expect(r.findings[0]?.evidence).toMatchObject({
      noJobContext: true,
      cleanupWarnings: ['no job context captured, cannot delete caller room'],
    });
  });

  it('stays quiet on the clean warm transfer', async () => {
    const r = await lintPaths([join(FIXTURES, 'warm-transfer-clean')]);
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated).toEqual([]);
  });

  it('masks the caller identity unless PII is shown, in the message and the evidence', () => {
    const job = { pid: 930, job_id: 'AJ_w' };
    const lines = [
      py(0, 'INFO', 'participant disconnected from caller room: sip_+15550002222, closing', job),
      // Python logs nothing on a successful delete: only a failure is evidence.
      py(1, 'WARNING', 'error while deleting room: TwirpError(code=unavailable)', job),
      py(40, 'INFO', 'x', job),
    ];
    const hidden = runLogRule(lk201, lines);
    expect(JSON.stringify(hidden.findings)).not.toContain('15550002222');
    expect(hidden.findings).toHaveLength(1);
    const shown = runLogRule(lk201, lines, { showPii: true });
    expect(shown.findings[0]?.evidence.participant).toBe('sip_+15550002222');
  });

  it('is not evaluated when the capture ends within 30 s of the hang-up', () => {
    const r = runLogRule(lk201, [
      pino(0, 30, 'participant disconnected from caller room, closing'),
      tick(10),
    ]);
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated.map((n) => n.ruleId)).toEqual(['LK201']);
  });
});
