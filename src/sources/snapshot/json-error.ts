// Where a JSON.parse failure happened. V8 names a position for most errors but not for
// "Unexpected token" ones, and storyctl promises file:line:column for every malformed snapshot.

/** 0-based offset of the character JSON.parse rejected in `text`. */
export function jsonErrorOffset(text: string, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(message);
  if (at) return Math.min(Number(at[1]), text.length);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  return firstRejectedOffset(text);
}

/**
 * The shortest prefix JSON.parse rejects for a reason other than "input ends too early" ends with
 * the bad character. Prefix validity is monotonic, so a binary search finds it in O(log n) parses;
 * this only runs on the error path.
 */
function firstRejectedOffset(text: string): number {
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (prefixIsIncomplete(text.slice(0, mid))) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

function prefixIsIncomplete(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/Unexpected end of JSON input/.test(message)) return true;
    // A number or string cut by the prefix is reported at the prefix's end: still only incomplete.
    const at = /at position (\d+)/.exec(message);
    return at !== null && Number(at[1]) >= prefix.length;
  }
}

/** 1-based line and column of a 0-based offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
