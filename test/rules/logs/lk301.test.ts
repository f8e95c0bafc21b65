import { describe, expect, it } from 'vitest';
import { lk301 } from '../../../src/rules/logs/lk301-worker-drain-unresolved.js';
import { ids, pino, py, runLogRule } from './helpers.js';

describe('LK301 worker-drain-unresolved', () => {
  it('fires once per process listing the drain messages', () => {
    const r = runLogRule(lk301, [
      pino(0, 40, 'timed out draining', {}, 17),
      pino(1, 40, 'job is unresponsive', {}, 17),
      pino(2, 40, 'job is unresponsive', {}, 17),
    ]);
    expect(ids(r)).toEqual(['LK301']);
    expect(r.findings[0]?.evidence.messages).toEqual(['timed out draining', 'job is unresponsive (×2)']);
  });

  it('fires for the Python kills and stays quiet on a user /stop or other timeouts', () => {
    expect(
      ids(runLogRule(lk301, [py(0, 'WARNING', 'process did not exit in time, killing process', { pid: 3 })])),
    ).toEqual(['LK301']);
    expect(
      ids(
        runLogRule(lk301, [
          pino(0, 30, 'Queue drained chat=1'),
          pino(1, 40, 'automatic room deletion timed out'),
        ]),
      ),
    ).toEqual([]);
  });

  it('does not report the start of a drain or a slow ping, in either SDK', () => {
    const r = runLogRule(lk301, [
      // agents-js: debug `draining worker` (worker logger, `version`), a slow pong.
      pino(0, 20, 'draining worker', { version: '1.7.0' }, 1),
      pino(1, 40, 'job executor is unresponsive', { delay: 812 }, 1),
      // Python: info `draining worker` (`id`, `timeout`), a slow ping with `delay`.
      py(2, 'INFO', 'draining worker', { id: 'AW_1', timeout: 1800 }),
      py(3, 'WARNING', 'process is unresponsive', { delay: 900, pid: 812, job_id: 'AJ_1' }),
      py(4, 'INFO', 'shutting down worker', { id: 'AW_1' }),
    ]);
    expect(r.findings).toEqual([]);
  });

  it('attributes a Python worker-process failure (no pid) to the input, and a job process failure to its job', () => {
    const r = runLogRule(lk301, [
      py(0, 'INFO', 'draining worker', { id: 'AW_1', timeout: 1800 }),
      py(1800, 'WARNING', 'drain timed out, forcing shutdown'),
      py(1801, 'ERROR', 'process did not ack shutdown in time, killing process', {
        pid: 812,
        job_id: 'AJ_1',
        room: 'call-1',
      }),
    ]);
    expect(r.findings.map((f) => f.subject?.name ?? null).sort()).toEqual(['AJ_1', null]);
    expect(r.findings.find((f) => !f.subject)?.location?.file).toBe('-');
  });

  it('reads the CLI root logger error of agents-js 1.5+ (`err` and `msg`)', () => {
    const line = pino(
      0,
      50,
      'timed out draining',
      {
        err: {
          type: 'WorkerError',
          message: 'timed out draining',
          stack: 'Error: timed out draining\n    at drain',
        },
      },
      1,
    );
    expect(ids(runLogRule(lk301, [line]))).toEqual(['LK301']);
  });
});
