// The byte search under the scanner: which lines of a region hold one of the rules' needles, and
// how many lines the region has. Two implementations give the same answers: a WebAssembly one (the
// fast path, src/logs/matcher-wasm.ts) and a regular-expression one for runtimes without
// WebAssembly and for needle sets it cannot take (src/logs/matcher-regex.ts).
import { createRegexMatcher } from './matcher-regex.js';
import { createWasmMatcher } from './matcher-wasm.js';

export { MAX_LINE_BYTES } from './limits.js';

export interface LineHits {
  /** How many lines hold a needle. */
  count: number;
  /** Per hit, two numbers: the line's start offset in the window, and the newlines before it in the region. */
  hits: Uint32Array;
  /** Newlines in the region. */
  newlines: number;
  /** Newline-terminated lines in the region longer than MAX_LINE_BYTES. */
  longLines: number;
}

export interface Matcher {
  readonly kind: 'wasm' | 'regex';
  /** What it searches for (a worker thread builds its own matcher from them). */
  readonly needles: readonly string[];
  /** The buffer `find` searches: input is read into it, so the search needs no copy. */
  readonly window: Buffer;
  /**
   * Search `window[start, end)`, which holds whole lines. The result is only valid until the next
   * call (it may live in the matcher's memory). A matcher serves one scanner at a time.
   */
  find(start: number, end: number): LineHits;
}

/** Prefer WebAssembly; fall back to regular expressions where it cannot run. */
export function createMatcher(needles: readonly string[], windowBytes: number): Matcher {
  const unique = [...new Set(needles)].filter((n) => n.length > 0);
  return createWasmMatcher(unique, windowBytes) ?? createRegexMatcher(unique, windowBytes);
}
