import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lk101 } from '../../../src/rules/logs/lk101-close-hung-in-drain.js';
import { lk102 } from '../../../src/rules/logs/lk102-orphaned-stt-socket.js';
import { lk103 } from '../../../src/rules/logs/lk103-session-close-timeout.js';
import { lk104 } from '../../../src/rules/logs/lk104-stt-retries-exhausted.js';
import { lk201 } from '../../../src/rules/logs/lk201-warm-transfer-room-leak.js';
import { lk301 } from '../../../src/rules/logs/lk301-worker-drain-unresolved.js';
import { FIXTURES, ids, lintPaths, lintText, pino, py } from '../../logs/helpers.js';

const FORCED =
  'closing agent session due to participant disconnect (disable via `RoomInputOptions.closeOnDisconnect=False`)';
const FORCED_PY =
  'closing agent session due to participant disconnect (disable via `RoomInputOptions.close_on_disconnect=False`)';
const ERR2007 = (s: number) =>
  pino(s, 50, 'Received error from LiveKit STT', {
    error: { type: 'error', message: 'session closed due to agent inactivity', code: 2007 },
  });
const RETRY = (s: number, attempt: number) =>
  pino(s, 40, 'failed to recognize speech, retrying in 100ms', { stt: 'livekit.STT', attempt });
const tick = (s: number) => pino(s, 20, 'worker status', {}, 17);

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

  it('is not evaluated when the capture ends inside the 60 s window, and fires once it extends past', async () => {
    const short = await lintText([pino(0, 30, FORCED), tick(59)].join('\n'), { rules: [lk101] });
    expect(short.findings).toEqual([]);
    expect(short.notEvaluated).toHaveLength(1);
    expect(short.notEvaluated[0]).toMatchObject({
      ruleId: 'LK101',
      subject: { kind: 'AgentProcess', name: 'agent-7d9f/4242' },
    });
    const long = await lintText([pino(0, 30, FORCED), tick(61)].join('\n'), { rules: [lk101] });
    expect(ids(long)).toEqual(['LK101']);
  });

  it('keeps processes apart: another pid closing does not resolve this one', async () => {
    const r = await lintText(
      [pino(0, 30, FORCED), pino(1, 30, 'AgentSession closed', {}, 5000), tick(90)].join('\n'),
      { rules: [lk101] },
    );
    expect(r.findings.map((f) => f.subject?.name)).toEqual(['agent-7d9f/4242']);
  });

  it('calls a close that finished after 60 s late, and one within 60 s clean', async () => {
    const late = await lintText(
      [pino(0, 30, FORCED), pino(75, 30, 'AgentSession closed'), tick(90)].join('\n'),
      { rules: [lk101] },
    );
    expect(late.findings[0]?.evidence).toMatchObject({ waitedSeconds: 75 });
    const ok = await lintText(
      [pino(0, 30, FORCED), pino(59, 30, 'AgentSession closed'), tick(90)].join('\n'),
      { rules: [lk101] },
    );
    expect(ok.findings).toEqual([]);
  });

  it('Python: fires only with evidence after the close (close timeout or STT activity), keyed by job id', async () => {
    const job = { pid: 812, job_id: 'AJ_py' };
    const withStt = await lintText(
      [
        py(0, 'INFO', FORCED_PY, job),
        py(
          30,
          'WARNING',
          'failed to recognize speech: LiveKit Inference STT returned error: status_code=2007, retrying in 0.1s',
          { ...job, attempt: 0 },
        ),
        py(90, 'INFO', 'x', job),
      ].join('\n'),
      { rules: [lk101] },
    );
    expect(withStt.findings.map((f) => f.subject?.name)).toEqual(['AJ_py']);
    const silent = await lintText([py(0, 'INFO', FORCED_PY, job), py(90, 'INFO', 'x', job)].join('\n'), {
      rules: [lk101],
    });
    expect(silent.findings).toEqual([]);
    const closed = await lintText(
      [
        py(0, 'INFO', FORCED_PY, job),
        py(2, 'DEBUG', 'session closed', job),
        py(
          30,
          'ERROR',
          'AgentSession.aclose() timed out after 60.0s; proceeding with shutdown so registered callbacks still run.',
          job,
        ),
      ].join('\n'),
      { rules: [lk101] },
    );
    expect(closed.findings).toEqual([]);
  });
});

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

  it('stays quiet when the session closed before the 2007 errors, or when no close was started', async () => {
    const closed = await lintText(
      [pino(0, 30, FORCED), pino(2, 30, 'AgentSession closed'), ERR2007(1800), RETRY(1800, 1)].join('\n'),
      { rules: [lk102] },
    );
    expect(closed.findings).toEqual([]);
    const live = await lintText([ERR2007(1800), RETRY(1800, 1), ERR2007(3600)].join('\n'), {
      rules: [lk102],
    });
    expect(live.findings).toEqual([]);
  });

  it('ignores STT errors with other codes', async () => {
    const other = pino(1800, 50, 'Received error from LiveKit STT', {
      error: { type: 'error', message: 'quota exceeded', code: 429 },
    });
    const r = await lintText([pino(0, 30, FORCED), other].join('\n'), { rules: [lk102] });
    expect(r.findings).toEqual([]);
  });
});

describe('LK103 session-close-timeout', () => {
  it('fires for the JS and the Python close timeout', async () => {
    const r = await lintPaths([join(FIXTURES, 'session-close-timeout')]);
    const f = r.findings.filter((x) => x.ruleId === 'LK103');
    expect(f.map((x) => x.subject?.name).sort()).toEqual(['AJ_PyT1me0ut7', 'agent-5c2a/6001']);
    expect(f.every((x) => x.evidence.timeoutSeconds === 60)).toBe(true);
  });

  it('does not fire on other timeouts', async () => {
    const r = await lintText(
      [pino(0, 50, 'automatic room deletion timed out'), pino(1, 50, 'AgentSession closed')].join('\n'),
      { rules: [lk103] },
    );
    expect(r.findings).toEqual([]);
  });
});

describe('LK104 stt-retries-exhausted', () => {
  it('fires on a fourth error in one stream (JS, maxRetry 3)', async () => {
    const lines = [ERR2007(0), RETRY(0.01, 1), ERR2007(0.2), RETRY(0.21, 2), ERR2007(2.3), ERR2007(4.4)];
    const r = await lintText(lines.join('\n'), { rules: [lk104] });
    expect(ids(r)).toEqual(['LK104']);
    expect(r.findings[0]?.evidence).toMatchObject({ errors: 4, maxRetry: 3 });
  });

  it('fires when a retry attempt reaches maxRetry (Python attempts count from 0)', async () => {
    const w = (s: number, a: number) =>
      py(s, 'WARNING', 'failed to recognize speech: boom, retrying in 2.0s', {
        pid: 9,
        job_id: 'AJ_r',
        attempt: a,
      });
    expect(ids(await lintText([w(0, 0), w(0.1, 1), w(2.2, 2)].join('\n'), { rules: [lk104] }))).toEqual([
      'LK104',
    ]);
    expect(ids(await lintText([w(0, 0), w(0.1, 1)].join('\n'), { rules: [lk104] }))).toEqual([]);
  });

  it('stays quiet on the orphan pattern: one error and one retry every 30 minutes', async () => {
    const r = await lintPaths([join(FIXTURES, 'orphaned-stt-socket')]);
    expect(ids(r)).not.toContain('LK104');
  });
});

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

  it('masks the caller identity unless PII is shown, in the message and the evidence', async () => {
    const job = { pid: 930, job_id: 'AJ_w' };
    const lines = [
      py(0, 'INFO', 'participant disconnected from caller room: sip_+15550002222, closing', job),
      py(40, 'INFO', 'x', job),
    ].join('\n');
    const hidden = await lintText(lines, { rules: [lk201] });
    expect(JSON.stringify(hidden.findings)).not.toContain('15550002222');
    expect(hidden.findings).toHaveLength(1);
    const shown = await lintText(lines, { rules: [lk201], showPii: true });
    expect(shown.findings[0]?.evidence.participant).toBe('sip_+15550002222');
  });

  it('is not evaluated when the capture ends within 30 s of the hang-up', async () => {
    const r = await lintText(
      [pino(0, 30, 'participant disconnected from caller room, closing'), tick(10)].join('\n'),
      { rules: [lk201] },
    );
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated.map((n) => n.ruleId)).toEqual(['LK201']);
  });
});

describe('LK301 worker-drain-unresolved', () => {
  it('fires once per process listing the drain messages', async () => {
    const r = await lintText(
      [
        pino(0, 40, 'timed out draining', {}, 17),
        pino(1, 40, 'job is unresponsive', {}, 17),
        pino(2, 40, 'job is unresponsive', {}, 17),
      ].join('\n'),
      { rules: [lk301] },
    );
    expect(ids(r)).toEqual(['LK301']);
    expect(r.findings[0]?.evidence.messages).toEqual(['timed out draining', 'job is unresponsive (×2)']);
  });

  it('fires for the Python kills and stays quiet on a user /stop or other timeouts', async () => {
    expect(
      ids(
        await lintText(py(0, 'WARNING', 'process did not exit in time, killing process', { pid: 3 }), {
          rules: [lk301],
        }),
      ),
    ).toEqual(['LK301']);
    expect(
      ids(
        await lintText(
          [pino(0, 30, 'Queue drained chat=1'), pino(1, 40, 'automatic room deletion timed out')].join('\n'),
          { rules: [lk301] },
        ),
      ),
    ).toEqual([]);
  });
});
