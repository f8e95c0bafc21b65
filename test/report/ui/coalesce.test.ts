// The watch's frame throttle: events delivered together are one call; a burst is a few calls.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from '../../../src/report/ui/coalesce.js';

describe('coalesce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once for requests in one task, then at most once per gap', async () => {
    let calls = 0;
    const c = coalesce(
      () => (calls += 1),
      25,
      () => Date.now(),
    );
    c.request();
    c.request();
    expect(calls).toBe(0);
    await Promise.resolve();
    expect(calls).toBe(1);
    // A burst within the gap: one more call when the gap has passed.
    for (let i = 0; i < 200; i++) c.request();
    await vi.advanceTimersByTimeAsync(24);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(calls).toBe(2);
    c.request();
    c.cancel();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(2);
  });
});
