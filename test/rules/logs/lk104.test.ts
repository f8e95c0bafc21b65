import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lk104 } from '../../../src/rules/logs/lk104-stt-retries-exhausted.js';
import { ids as readerIds, lintPaths } from '../../logs/helpers.js';
import { FIXTURES, ids, py, runLogRule } from './helpers.js';
import { ERR2007, RETRY } from './livekit-lines.js';

describe('LK104 stt-retries-exhausted', () => {
  it('fires on a fourth error in one stream (JS, maxRetry 3)', () => {
    const lines = [ERR2007(0), RETRY(0.01, 1), ERR2007(0.2), RETRY(0.21, 2), ERR2007(2.3), ERR2007(4.4)];
    const r = runLogRule(lk104, lines);
    expect(ids(r)).toEqual(['LK104']);
    expect(r.findings[0]?.evidence).toMatchObject({ errors: 4, maxRetry: 3 });
  });

  it('fires when a retry attempt reaches maxRetry (Python attempts count from 0)', () => {
    const w = (s: number, a: number) =>
      py(s, 'WARNING', 'failed to recognize speech: boom, retrying in 2.0s', {
        pid: 9,
        job_id: 'AJ_r',
        attempt: a,
      });
    expect(ids(runLogRule(lk104, [w(0, 0), w(0.1, 1), w(2.2, 2)]))).toEqual(['LK104']);
    expect(ids(runLogRule(lk104, [w(0, 0), w(0.1, 1)]))).toEqual([]);
  });

  it('stays quiet on the orphan pattern: one error and one retry every 30 minutes', async () => {
    const r = await lintPaths([join(FIXTURES, 'orphaned-stt-socket')]);
    expect(readerIds(r)).not.toContain('LK104');
  });
});
