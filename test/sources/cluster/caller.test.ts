// The retry policy alone: failures are injected as the exceptions client-node throws, no HTTP involved
// (the real-server behaviour is in test/cluster).
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { StoryctlError } from '../../../src/model/errors.js';
import {
  ApiCaller,
  defaultPolicy,
  HttpStatusError,
  type CallPolicy,
  type RetryEvent,
} from '../../../src/sources/cluster/caller.js';

const fast: CallPolicy = {
  attemptTimeoutMs: 1000,
  budgetMs: 1000,
  maxAttempts: 4,
  baseDelayMs: 1,
  maxDelayMs: 4,
  maxRetryAfterMs: 50,
};

function failing(codes: number[], headers: Record<string, string> = {}): () => Promise<string> {
  let i = 0;
  return async () => {
    const code = codes[i++];
    if (code === undefined) return 'ok';
    throw new ApiException(code, 'x', '{}', headers);
  };
}

describe('ApiCaller', () => {
  it('retries 429 and 5xx, then succeeds', async () => {
    const events: RetryEvent[] = [];
    const caller = new ApiCaller('https://k', fast, 'ctx', (e) => events.push(e));
    await expect(caller.call('list', failing([429, 503, 500]))).resolves.toBe('ok');
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
  });

  it('waits what Retry-After says (capped by the policy)', async () => {
    const events: RetryEvent[] = [];
    const caller = new ApiCaller('https://k', fast, 'ctx', (e) => events.push(e));
    await caller.call('list', failing([429], { 'retry-after': '1' }));
    expect(events[0]?.delayMs).toBeGreaterThanOrEqual(50);
  });

  it('gives up after maxAttempts, naming the server', async () => {
    const caller = new ApiCaller('https://k', fast);
    const error = await caller
      .call('list storyruns', failing([503, 503, 503, 503, 503]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoryctlError);
    expect((error as StoryctlError).kind).toBe('unreachable');
    expect((error as StoryctlError).message).toContain('https://k');
  });

  it('hands 403, 404 and 410 to the caller at once, and makes 401 a configuration error', async () => {
    for (const code of [403, 404, 410]) {
      const error = await new ApiCaller('https://k', fast)
        .call('list', failing([code]))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpStatusError);
      expect((error as HttpStatusError).code).toBe(code);
    }
    const unauthorized = await new ApiCaller('https://k', fast)
      .call('list', failing([401]))
      .catch((e: unknown) => e);
    expect((unauthorized as StoryctlError).kind).toBe('config');
  });

  it('does not retry an error that is not about the server', async () => {
    let calls = 0;
    const caller = new ApiCaller('https://k', fast);
    await expect(
      caller.call('list', async () => {
        calls++;
        throw new TypeError('bug');
      }),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });

  it('fails at once, saying so, when a Retry-After is longer than the budget has left', async () => {
    const events: RetryEvent[] = [];
    const caller = new ApiCaller('https://k', { ...fast, maxRetryAfterMs: 200_000 }, 'ctx', (e) =>
      events.push(e),
    );
    const started = Date.now();
    const error = await caller
      .call('list stepruns', failing([429], { 'retry-after': '120' }))
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(500);
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(StoryctlError);
    expect((error as StoryctlError).kind).toBe('unreachable');
    expect((error as StoryctlError).message).toMatch(
      /^the API server https:\/\/k \(ctx\) answered list stepruns with HTTP 429 and Retry-After 120 s, more than the \d\.\d s left of the request timeout$/,
    );
  });

  it('ends an attempt that never settles when the budget is spent, even if it ignores its signal', async () => {
    const caller = new ApiCaller('https://k', { ...fast, budgetMs: 300, attemptTimeoutMs: 10_000 }, 'ctx');
    const started = Date.now();
    const error = await caller
      .call('patch storyrun ns/r status', () => new Promise<never>(() => undefined))
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((error as StoryctlError).kind).toBe('unreachable');
    expect((error as StoryctlError).message).toMatch(
      /^the API server https:\/\/k \(ctx\) did not answer patch storyrun ns\/r status within 0\.\d s \(the request timeout, for the whole command\)$/,
    );
  });

  it('shares one budget across calls: a slow first call leaves less for the next', async () => {
    const caller = new ApiCaller('https://k', { ...fast, budgetMs: 400, attemptTimeoutMs: 10_000 });
    await caller.call('list storyruns', () => new Promise((resolve) => setTimeout(() => resolve('ok'), 250)));
    const started = Date.now();
    await expect(caller.call('list stepruns', () => new Promise<never>(() => undefined))).rejects.toThrow(
      'did not answer list stepruns',
    );
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('names what the attempt was waiting for when that used the budget up (the credential plugin)', async () => {
    const { currentAttempt } = await import('../../../src/sources/cluster/attempt.js');
    const caller = new ApiCaller('https://k', { ...fast, budgetMs: 200 }, 'ctx');
    const error = await caller
      .call('list storyruns', () => {
        const attempt = currentAttempt.getStore();
        if (attempt) attempt.waitingFor = 'the credential plugin aws (user u, context c)';
        return new Promise<never>(() => undefined);
      })
      .catch((e: unknown) => e);
    expect((error as StoryctlError).kind).toBe('config');
    expect((error as StoryctlError).message).toMatch(
      /^the credential plugin aws \(user u, context c\) did not finish within 0\.\d s \(the request timeout\)$/,
    );
  });
});

describe('defaultPolicy', () => {
  it('reads --request-timeout 0 as no timeout: no per-attempt timeout and no first-answer budget', async () => {
    const policy = defaultPolicy(0);
    expect(policy.attemptTimeoutMs).toBe(Infinity);
    expect(policy.budgetMs).toBe(Infinity);
    // Started at the epoch: any finite first-answer budget would be spent before the first attempt.
    const caller = new ApiCaller(
      'https://k',
      { ...policy, baseDelayMs: 1, maxDelayMs: 1 },
      'ctx',
      undefined,
      0,
    );
    await expect(caller.call('list', failing([503]))).resolves.toBe('ok');
    expect(defaultPolicy(5).attemptTimeoutMs).toBe(5000);
  });
});
