// The command's API budget: the clock runs while any call is in flight, once however many run in
// parallel, and stops between calls.
import { describe, expect, it } from 'vitest';
import { Budget } from '../../../src/sources/cluster/budget.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('Budget', () => {
  it('counts parallel calls once and pauses between calls', () => {
    const c = clock();
    const b = new Budget(10_000, undefined, c.now);
    b.enter();
    c.advance(1000);
    b.enter(); // a second list in parallel
    c.advance(2000);
    b.leave();
    c.advance(1000);
    b.leave();
    expect(b.usedMs()).toBe(4000);
    c.advance(60_000); // a confirmation prompt, a --wait interval
    expect(b.leftMs()).toBe(6000);
    b.enter();
    c.advance(500);
    expect(b.leftMs()).toBe(5500);
  });

  it('charges the time before the first call from the process start', () => {
    const c = clock();
    const b = new Budget(5000, c.now() - 800, c.now);
    c.advance(200);
    b.enter();
    expect(b.usedMs()).toBe(1000);
    b.leave();
    c.advance(5000);
    b.enter();
    expect(b.usedMs()).toBe(1000);
  });

  it('ignores an unmatched leave', () => {
    const c = clock();
    const b = new Budget(1000, undefined, c.now);
    b.leave();
    expect(b.leftMs()).toBe(1000);
  });
});
