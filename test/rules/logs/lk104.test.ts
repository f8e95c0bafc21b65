import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lk104 } from '../../../src/rules/logs/lk104-stt-retries-exhausted.js';
import { ids as readerIds, lintPaths } from '../../logs/helpers.js';
import { FIXTURES, ids, pino, py, runLogRule } from './helpers.js';
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

  it('JS: the attempt counter never resets (1.4-1.7), so attempt 3 hours later is still the tell', () => {
    const lines = [
      ERR2007(0),
      RETRY(0.01, 1),
      ERR2007(1800),
      RETRY(1800.01, 2),
      ERR2007(3600),
      RETRY(3600.01, 3),
    ];
    const r = runLogRule(lk104, lines);
    expect(ids(r)).toEqual(['LK104']);
    expect(r.findings[0]?.evidence).toMatchObject({ maxAttempt: 3, maxRetry: 3 });
    // Two retries and then a working stream: a near miss.
    expect(ids(runLogRule(lk104, lines.slice(0, 4)))).toEqual([]);
  });

  it('JS: fires on the visible exhaustion, the close on an unrecoverable stt_error', () => {
    const close = pino(4.5, 50, 'AgentSession is closing due to an unrecoverable error', {
      type: 'stt_error',
      label: 'inference.STT',
      error: { type: 'APIError', message: 'LiveKit STT returned error', retryable: true },
      recoverable: false,
    });
    expect(ids(runLogRule(lk104, [close]))).toEqual(['LK104']);
    const llm = pino(4.5, 50, 'AgentSession is closing due to an unrecoverable error', {
      type: 'llm_error',
      recoverable: false,
    });
    expect(ids(runLogRule(lk104, [llm]))).toEqual([]);
    // 1.4.0–1.6.2 at debug: the APIConnectionError left unhandled on the job logger.
    const unhandled = pino(4.4, 20, 'Unhandled promise rejection', {
      jobID: 'AJ_1',
      error: { type: 'APIConnectionError', message: 'failed to recognize speech after 4 attempts' },
    });
    expect(ids(runLogRule(lk104, [unhandled]))).toEqual(['LK104']);
  });

  it("Python: recognize() counts attempts from 1 (`streamed: false`), the stream from 0; the stream's counter resets", () => {
    const w = (s: number, a: number, streamed: boolean) =>
      py(s, 'WARNING', 'failed to recognize speech: boom, retrying in 2.0s', {
        stt: 'deepgram.STT',
        attempt: a,
        streamed,
        pid: 9,
        job_id: 'AJ_r',
      });
    expect(ids(runLogRule(lk104, [w(0, 1, false), w(0.1, 2, false)]))).toEqual([]);
    expect(ids(runLogRule(lk104, [w(0, 1, false), w(0.1, 2, false), w(2.2, 3, false)]))).toEqual(['LK104']);
    // Reset by a final transcript between failures: 0, 1, then 0, 1 again.
    expect(
      ids(runLogRule(lk104, [w(0, 0, true), w(0.1, 1, true), w(60, 0, true), w(60.1, 1, true)])),
    ).toEqual([]);
  });

  it('Python: fires on the exhaustion exception in a traceback', () => {
    const r = runLogRule(lk104, [
      py(0, 'ERROR', 'Error in _stt_pump', {
        pid: 9,
        job_id: 'AJ_r',
        exc_info:
          'Traceback (most recent call last):\n  File "stt.py", line 1\nlivekit.agents._exceptions.APIConnectionError: failed to recognize speech after 3 attempts',
      }),
    ]);
    expect(ids(r)).toEqual(['LK104']);
    expect(r.findings[0]?.message).toContain('failed to recognize speech after 3 attempts');
  });
});
