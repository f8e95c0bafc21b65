// What the scanner needs of a matcher, apart from how it is built: both implementations
// (./wasm.ts, ./regex.ts) and the choice between them (./index.ts) depend on this module alone.

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
