import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lk101 } from '../../../src/rules/logs/lk101-close-hung-in-drain.js';
import { lintPaths } from '../../logs/helpers.js';
import { FIXTURES, ids, pino, py, runLogRule } from './helpers.js';
import { FORCED, FORCED_PY, tick } from './livekit-lines.js';

describe('LK101 close-hung-in-drain', () => {
  it('fires on the orphan fixture at the forced-close line, subject hostname/pid', async () => {
    const r = await lintPaths([join(FIXTURES, 'orphaned-stt-socket')]);
    const f = r.findings.filter((x) => x.ruleId === 'LK101');
    expect(f).toHaveLength(1);
    expect(f[0]?.subject).toEqual({ kind: 'AgentProcess', name: 'agent-7d9f/4242' });
    expect(f[0]?.location?.line).toBe(48);
    expect(f[0]?.evidence).toMatchObject({ closedAt: 'never', windowSeconds: 60, sttEventsAfterClose: 8 });
  });

  it('stays quiet on the clean forced close', async () => {
    const r = await lintPaths([join(FIXTURES, 'clean-forced-close')]);
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated).toEqual([]);
  });

  it('is not evaluated when the capture ends inside the 60 s window, and fires once it extends past', () => {
    const short = runLogRule(lk101, [pino(0, 30, FORCED), tick(59)]);
    expect(short.findings).toEqual([]);
    expect(short.notEvaluated).toHaveLength(1);
    expect(short.notEvaluated[0]).toMatchObject({
      ruleId: 'LK101',
      subject: { kind: 'AgentProcess', name: 'agent-7d9f/4242' },
    });
    const long = runLogRule(lk101, [pino(0, 30, FORCED), tick(61)]);
    expect(ids(long)).toEqual(['LK101']);
  });

  it('takes its window from the context (config thresholds.forcedCloseWindow)', () => {
    const lines = [pino(0, 30, FORCED), tick(45)];
    expect(runLogRule(lk101, lines).findings).toEqual([]);
    const r = runLogRule(lk101, lines, { thresholds: { forcedCloseWindowSeconds: 40 } });
    expect(ids(r)).toEqual(['LK101']);
    expect(r.findings[0]?.evidence).toMatchObject({ windowSeconds: 40 });
  });

  it('keeps processes apart: another pid closing does not resolve this one', () => {
    const r = runLogRule(lk101, [
      pino(0, 30, FORCED),
      pino(1, 30, 'AgentSession closed', {}, 5000),
      tick(90),
    ]);
    expect(r.findings.map((f) => f.subject?.name)).toEqual(['agent-7d9f/4242']);
  });

  it('calls a close that finished after 60 s late, and one within 60 s clean', () => {
    const late = runLogRule(lk101, [pino(0, 30, FORCED), pino(75, 30, 'AgentSession closed'), tick(90)]);
    expect(late.findings[0]?.evidence).toMatchObject({ waitedSeconds: 75 });
    const ok = runLogRule(lk101, [pino(0, 30, FORCED), pino(59, 30, 'AgentSession closed'), tick(90)]);
    expect(ok.findings).toEqual([]);
  });

  it('Python: fires only with evidence after the close (close timeout or STT activity), keyed by job id', () => {
    const job = { pid: 812, job_id: 'AJ_py' };
    const withStt = runLogRule(lk101, [
      py(0, 'INFO', FORCED_PY, job),
      py(
        30,
        'WARNING',
        'failed to recognize speech: LiveKit Inference STT returned error: status_code=2007, retrying in 0.1s',
        { ...job, attempt: 0 },
      ),
      py(90, 'INFO', 'x', job),
    ]);
    expect(withStt.findings.map((f) => f.subject?.name)).toEqual(['AJ_py']);
    const silent = runLogRule(lk101, [py(0, 'INFO', FORCED_PY, job), py(90, 'INFO', 'x', job)]);
    expect(silent.findings).toEqual([]);
    const closed = runLogRule(lk101, [
      py(0, 'INFO', FORCED_PY, job),
      py(2, 'DEBUG', 'session closed', job),
      py(
        30,
        'ERROR',
        'AgentSession.aclose() timed out after 60.0s; proceeding with shutdown so registered callbacks still run.',
        job,
      ),
    ]);
    expect(closed.findings).toEqual([]);
  });
});
