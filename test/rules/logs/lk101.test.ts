import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lk101 } from '../../../src/rules/logs/lk101-close-hung-in-drain.js';
import { lintPaths, lintText } from '../../logs/helpers.js';
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

  it('names who left and why from the real fields: `participant` (1.4-1.6), `lk.pii.participant_identity` (1.7)', () => {
    for (const key of ['participant', 'lk.pii.participant_identity']) {
      const lines = [
        pino(0, 30, FORCED, { [key]: 'sip_+14155550123', reason: 'CLIENT_INITIATED' }),
        tick(90),
      ];
      const hidden = runLogRule(lk101, lines);
      expect(hidden.findings[0]?.evidence, key).toMatchObject({
        participant: '[redacted]',
        disconnectReason: 'CLIENT_INITIATED',
      });
      expect(runLogRule(lk101, lines, { showPii: true }).findings[0]?.evidence.participant).toBe(
        'sip_+14155550123',
      );
    }
  });

  it('Python: the aclose bound firing before `process exiting` is the evidence even without a date', async () => {
    // python-compact (`--simulation`) prints `%H:%M:%S` only: no date in the capture.
    const job = '\x1b[90m{"pid": 812, "job_id": "AJ_c"}\x1b[0m';
    const text = [
      `16:00:38 \x1b[32mINFO\x1b[0m livekit.agents ${FORCED_PY} \x1b[90m{"participant": "sip_+1", "reason": "CLIENT_INITIATED", "pid": 812, "job_id": "AJ_c"}\x1b[0m`,
      `16:01:38 \x1b[31mERROR\x1b[0m livekit.agents AgentSession.aclose() timed out after 60.0s; proceeding with shutdown so registered callbacks still run. ${job}`,
      `16:01:39 \x1b[32mINFO\x1b[0m livekit.agents process exiting \x1b[90m{"reason": "", "pid": 812, "job_id": "AJ_c"}\x1b[0m`,
    ].join('\n');
    const r = await lintText(text, { rules: [lk101] });
    expect(r.findings.map((f) => f.subject?.name)).toEqual(['AJ_c']);
    expect(r.findings[0]?.evidence.forcedCloseAt).toBe('-:1');
  });

  it('JS: a forced close with no date anywhere is not evaluated, never dated 1970', async () => {
    const text = [
      `[14:00:38.830] \x1b[32mINFO\x1b[39m (23): \x1b[36m${FORCED}\x1b[39m`,
      '    participant: "sip_+14155550123"',
      '    reason: "CLIENT_INITIATED"',
      '[14:09:00.000] \x1b[32mINFO\x1b[39m (1): \x1b[36mreceived job request\x1b[39m',
    ].join('\n');
    const r = await lintText(text, { rules: [lk101] });
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated).toHaveLength(1);
    expect(r.notEvaluated[0]?.reason).toContain('has no date');
    expect(JSON.stringify(r)).not.toContain('1970');
  });

  it('JS: the same pino-pretty capture is dated by a dated line before it, and fires', async () => {
    const text = [
      pino(0, 30, 'registered worker', { version: '1.6.1' }, 1),
      `[14:00:38.830] \x1b[32mINFO\x1b[39m (23): \x1b[36m${FORCED}\x1b[39m`,
      '    participant: "sip_+14155550123"',
      '[14:09:00.000] \x1b[32mINFO\x1b[39m (1): \x1b[36mreceived job request\x1b[39m',
    ].join('\n');
    const r = await lintText(text, { rules: [lk101] });
    expect(r.findings.map((f) => f.evidence.forcedCloseAt)).toEqual(['2026-04-22T14:00:38.830Z']);
  });
});
