import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { classify, retryAfter } from '../../../src/sources/cluster/api-error.js';

describe('retryAfter', () => {
  it('reads delta-seconds and HTTP dates, and ignores garbage', () => {
    expect(retryAfter({ 'retry-after': '1' })).toBe(1000);
    expect(retryAfter({ 'retry-after': '2.5' })).toBe(2500);
    const inTwo = retryAfter({ 'retry-after': new Date(Date.now() + 2000).toUTCString() }) ?? -1;
    expect(inTwo).toBeGreaterThan(0);
    expect(inTwo).toBeLessThanOrEqual(2000);
    expect(retryAfter({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfter({})).toBeUndefined();
    expect(retryAfter(undefined)).toBeUndefined();
  });
});

describe('classify', () => {
  it('turns an ApiException into its status, with the Status message and Retry-After', () => {
    const body = JSON.stringify({ kind: 'Status', message: 'too many requests, please try again later' });
    expect(classify(new ApiException(429, 'x', body, { 'retry-after': '1' }))).toEqual({
      type: 'status',
      code: 429,
      retryAfterMs: 1000,
      message: 'too many requests, please try again later',
    });
  });

  it('separates network failures and TLS failures', () => {
    const refused = Object.assign(
      new Error('request to https://127.0.0.1:1/x failed, reason: connect ECONNREFUSED 127.0.0.1:1'),
      {
        code: 'ECONNREFUSED',
        type: 'system',
      },
    );
    expect(classify(refused)).toEqual({ type: 'network', message: 'connect ECONNREFUSED 127.0.0.1:1' });
    const aborted = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' });
    expect(classify(aborted).type).toBe('network');
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(classify(tls).type).toBe('tls');
    expect(classify(new TypeError('bug')).type).toBe('other');
  });
});
