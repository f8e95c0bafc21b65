import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lk102 } from '../../../src/rules/logs/lk102-orphaned-stt-socket.js';
import { lintPaths } from '../../logs/helpers.js';
import { FIXTURES, pino, runLogRule } from './helpers.js';
import { ERR2007, FORCED, RETRY } from './livekit-lines.js';

describe('LK102 orphaned-stt-socket', () => {
  it('reports the 2007 closures with count, first/last, cadence and retry attempts', async () => {
    const r = await lintPaths([join(FIXTURES, 'orphaned-stt-socket')]);
    const f = r.findings.filter((x) => x.ruleId === 'LK102');
    expect(f).toHaveLength(1);
    expect(f[0]?.evidence).toMatchObject({
      closures2007: 4,
      cadenceMinutes: 30,
      retryAttempts: [1, 1, 1, 1],
      firstAt: '2026-04-22T14:36:38.830Z',
    });
    expect(f[0]?.location?.line).toBe(48);
  });

  it('stays quiet when the session closed before the 2007 errors, or when no close was started', () => {
    const closed = runLogRule(lk102, [
      pino(0, 30, FORCED),
      pino(2, 30, 'AgentSession closed'),
      ERR2007(1800),
      RETRY(1800, 1),
    ]);
    expect(closed.findings).toEqual([]);
    const live = runLogRule(lk102, [ERR2007(1800), RETRY(1800, 1), ERR2007(3600)]);
    expect(live.findings).toEqual([]);
  });

  it('ignores STT errors with other codes', () => {
    const other = pino(1800, 50, 'Received error from LiveKit STT', {
      error: { type: 'error', message: 'quota exceeded', code: 429 },
    });
    const r = runLogRule(lk102, [pino(0, 30, FORCED), other]);
    expect(r.findings).toEqual([]);
  });
});
