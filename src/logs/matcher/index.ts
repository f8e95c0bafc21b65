// The byte search under the scanner: which lines of a region hold one of the rules' needles, and
// how many lines the region has. Two implementations give the same answers: a WebAssembly one (the
// fast path, ./wasm.ts) and a regular-expression one for runtimes without WebAssembly and for
// needle sets it cannot take (./regex.ts).
import { createRegexMatcher } from './regex.js';
import type { Matcher } from './types.js';
import { createWasmMatcher } from './wasm.js';

/** Prefer WebAssembly; fall back to regular expressions where it cannot run. */
export function createMatcher(needles: readonly string[], windowBytes: number): Matcher {
  const unique = [...new Set(needles)].filter((n) => n.length > 0);
  return createWasmMatcher(unique, windowBytes) ?? createRegexMatcher(unique, windowBytes);
}
