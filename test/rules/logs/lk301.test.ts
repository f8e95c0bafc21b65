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
});
