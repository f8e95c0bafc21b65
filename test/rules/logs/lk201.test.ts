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

  describe('per version: a missing `room deleted` is evidence only where the version logs one', () => {
    const worker = (version: string): string => pino(0, 30, 'starting worker', { version }, 1);
    const hangup = (fields: Record<string, unknown> = { participantIdentity: 'sip_+1555' }): string =>
      pino(1, 30, 'participant disconnected from caller room, closing', fields, 23);

    it('agents-js 1.4.x logs nothing when the delete works: silence is no finding', () => {
      const r = runLogRule(lk201, [worker('1.4.9'), hangup(), tick(120)]);
      expect(r.findings).toEqual([]);
      expect(r.notEvaluated).toEqual([]);
    });

    it('agents-js 1.5+ logs `room deleted`: its absence past 30 s is a finding, its presence is not', () => {
      const leak = runLogRule(lk201, [worker('1.6.1'), hangup(), tick(120)]);
      expect(ids(leak)).toEqual(['LK201']);
      expect(leak.findings[0]?.evidence).toMatchObject({ agentsVersion: '1.6.1', roomDeletedAt: 'never' });
      const clean = runLogRule(lk201, [
        worker('1.6.1'),
        hangup(),
        pino(2, 30, 'room deleted', { jobId: 'AJ_1', roomName: 'call-1' }, 23),
        tick(120),
      ]);
      expect(clean.findings).toEqual([]);
    });

    it('tells 1.7 by its `lk.pii.*` keys when no worker line is captured', () => {
      const r = runLogRule(lk201, [hangup({ 'lk.pii.participant_identity': 'sip_+1555' }), tick(120)]);
      expect(ids(r)).toEqual(['LK201']);
    });

    it('does not guess an unknown agents-js version: not evaluated', () => {
      const r = runLogRule(lk201, [hangup(), tick(120)]);
      expect(r.findings).toEqual([]);
      expect(r.notEvaluated[0]?.reason).toContain('version is unknown');
    });

    it('reports a cleanup failure in every version, JS and Python', () => {
      const js = runLogRule(lk201, [
        worker('1.4.9'),
        hangup(),
        pino(1.5, 40, 'failed to delete caller room', { error: { message: 'twirp error' } }, 23),
      ]);
      expect(ids(js)).toEqual(['LK201']);
      const job = { pid: 812, job_id: 'AJ_1' };
      const python = runLogRule(lk201, [
        py(0, 'INFO', 'participant disconnected from caller room: sip_+1555, closing', job),
        py(0.4, 'ERROR', 'unknown error while deleting room', job),
      ]);
      expect(ids(python)).toEqual(['LK201']);
      expect(python.findings[0]?.evidence.cleanupWarnings).toEqual(['unknown error while deleting room']);
    });

    it('Python logs nothing when the delete works: silence is no finding', () => {
      const job = { pid: 812, job_id: 'AJ_1' };
      const r = runLogRule(lk201, [
        py(0, 'INFO', 'participant disconnected from caller room: sip_+1555, closing', job),
        py(300, 'INFO', 'process exiting', { reason: '', ...job }),
      ]);
      expect(r.findings).toEqual([]);
      expect(r.notEvaluated).toEqual([]);
    });
  });
});
