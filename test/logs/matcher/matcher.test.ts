import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from '../../../src/logs/limits.js';
import { createMatcher } from '../../../src/logs/matcher/index.js';
import { createRegexMatcher } from '../../../src/logs/matcher/regex.js';
import type { LineHits, Matcher } from '../../../src/logs/matcher/types.js';
import { createWasmMatcher } from '../../../src/logs/matcher/wasm.js';
import { logRules } from '../../../src/rules/index.js';

const WINDOW = 4 << 20;

/** Copy `data` into the matcher's window and search it; a plain copy of the answer. */
function search(m: Matcher, data: Buffer): { hits: number[][]; newlines: number; longLines: number } {
  data.copy(m.window, 0);
  const r: LineHits = m.find(0, data.length);
  const hits: number[][] = [];
  for (let i = 0; i < r.count; i++) hits.push([r.hits[2 * i] as number, r.hits[2 * i + 1] as number]);
  return { hits, newlines: r.newlines, longLines: r.longLines };
}

/** The obvious answer, line by line. */
function expected(
  data: Buffer,
  needles: string[],
): { hits: number[][]; newlines: number; longLines: number } {
  const hits: number[][] = [];
  let newlines = 0;
  let longLines = 0;
  let ls = 0;
  const bytes = needles.map((n) => Buffer.from(n));
  while (ls < data.length) {
    let le = data.indexOf(10, ls);
    const terminated = le !== -1;
    if (!terminated) le = data.length;
    const line = data.subarray(ls, le);
    if (bytes.some((b) => line.includes(b))) hits.push([ls, newlines]);
    if (terminated) {
      if (le - ls > MAX_LINE_BYTES) longLines++;
      newlines++;
    }
    ls = le + 1;
  }
  return { hits, newlines, longLines };
}

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function wasm(needles: string[]): Matcher {
  const m = createWasmMatcher(needles, WINDOW);
  if (!m) throw new Error('the WebAssembly matcher did not load (is dist/wasm built?)');
  return m;
}

describe('matchers', () => {
  it('uses WebAssembly for the rules’ needles', () => {
    expect(createMatcher([...new Set(logRules.flatMap((r) => r.needles))], WINDOW).kind).toBe('wasm');
  });

  it('falls back to regular expressions for a needle shorter than 4 bytes, with the same answers', () => {
    const m = createMatcher(['ab', 'needle'], WINDOW);
    expect(m.kind).toBe('regex');
    const data = Buffer.from('xx\nan ab here\nnothing\na needle\n');
    expect(search(m, data)).toEqual(expected(data, ['ab', 'needle']));
  });

  it('WebAssembly and regular expressions agree with the obvious answer on random text', () => {
    const random = rng(20261121);
    const alphabet = 'abcde fgAB{}":,\u00e9\n';
    const pick = (n: number): string =>
      Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let round = 0; round < 60; round++) {
      const needles = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
        pick(4 + Math.floor(random() * 12)).replace(/\n/g, 'x'),
      );
      const parts: string[] = [];
      for (let i = 0; i < 400; i++) {
        const r = random();
        if (r < 0.1) parts.push(needles[Math.floor(random() * needles.length)] as string);
        else if (r < 0.15)
          parts.push((needles[0] as string).slice(0, -1)); // a near miss
        else parts.push(pick(1 + Math.floor(random() * 40)));
      }
      const data = Buffer.from(parts.join(''));
      const want = expected(data, needles);
      expect(search(wasm(needles), data), `round ${round}`).toEqual(want);
      expect(search(createRegexMatcher(needles, WINDOW), data), `round ${round}`).toEqual(want);
    }
  });

  it('finds needles at the very start and end of a region and in a last line without a newline', () => {
    const needles = ['AgentSession closed', 'CLI ns:'];
    const data = Buffer.from('AgentSession closed\nmiddle\nend CLI ns:');
    const want = expected(data, needles);
    expect(want.hits).toEqual([
      [0, 0],
      [27, 2],
    ]);
    expect(search(wasm(needles), data)).toEqual(want);
    expect(search(createRegexMatcher(needles, WINDOW), data)).toEqual(want);
  });

  it('counts lines over the cap, whichever matcher', () => {
    const data = Buffer.from(`short\n${'y'.repeat(MAX_LINE_BYTES + 1)} timed out draining\nok\n`);
    const want = expected(data, ['timed out draining']);
    expect(want.longLines).toBe(1);
    expect(search(wasm(['timed out draining']), data)).toEqual(want);
    expect(search(createRegexMatcher(['timed out draining'], WINDOW), data)).toEqual(want);
  });

  it('finds the exact cap boundary wherever the long line starts and ends, holding a needle or not', () => {
    const needles = ['timed out draining'];
    for (const len of [MAX_LINE_BYTES, MAX_LINE_BYTES + 1]) {
      for (const tail of ['', 'timed out draining']) {
        for (const lead of [0, 1, 7, 15, 16, 17, 500, 1023, 1024, 1025]) {
          const long = `${'x'.repeat(len - tail.length)}${tail}`;
          const data = Buffer.from(
            `${'a\n'.repeat(lead)}${long}\nshort timed out draining\n${'b'.repeat(lead)}\n`,
          );
          const want = expected(data, needles);
          const what = `len ${len} lead ${lead} tail ${tail}`;
          expect(want.longLines, what).toBe(len > MAX_LINE_BYTES ? 1 : 0);
          expect(search(wasm(needles), data), what).toEqual(want);
          expect(search(createRegexMatcher(needles, WINDOW), data), what).toEqual(want);
        }
      }
    }
  });

  it('with no needles, only counts', () => {
    const data = Buffer.from('a\nb\nc\n');
    expect(search(wasm([]), data)).toEqual({ hits: [], newlines: 3, longLines: 0 });
    expect(search(createRegexMatcher([], WINDOW), data)).toEqual({ hits: [], newlines: 3, longLines: 0 });
  });
});
