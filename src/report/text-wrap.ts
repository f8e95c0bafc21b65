// Wrapping for the text reporters, measured in terminal columns (string-width: CJK and emoji take
// two). Words are never cut silently: a word wider than the line is broken with a `↩` at the end
// of each piece, so a name that cannot fit is still there in full. Cheap by design (the table is
// benchmarked against JSON at thousands of runs): plain ASCII is measured by its length.
import stringWidth from 'string-width';

/** ASCII plus the one-column symbols the reports use themselves: measured by length too. */
const NARROW = /^[\x20-\x7e·↩✖▲ℹ✔…→×—–]*$/;
export const BREAK_MARK = '↩';

export function width(text: string): number {
  return NARROW.test(text) ? text.length : stringWidth(text);
}

/**
 * Lines of at most `columns` (the first prefixed by `first`, the others by `rest`), broken at
 * spaces. Prefixes count in the width.
 */
export function wrap(text: string, columns: number, first = '', rest = first): string[] {
  // Most lines fit as they are: no splitting, no measuring word by word.
  if (
    NARROW.test(text) &&
    !text.includes('  ') &&
    text.length + first.length <= columns &&
    text.trim() === text
  )
    return [`${first}${text}`];
  const out: string[] = [];
  let prefix = first;
  let line = '';
  let lineWidth = 0;
  const room = (): number => Math.max(8, columns - width(prefix));
  const flush = (): void => {
    out.push(`${prefix}${line}`);
    prefix = rest;
    line = '';
    lineWidth = 0;
  };
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let w = word;
    let ww = width(w);
    if (lineWidth > 0 && lineWidth + 1 + ww > room()) flush();
    while (ww > room() - lineWidth - (lineWidth > 0 ? 1 : 0)) {
      // A word wider than a whole line: cut it with a visible mark, never drop the rest.
      if (lineWidth > 0) flush();
      const [head, tail] = splitAt(w, room() - 1);
      line = `${head}${BREAK_MARK}`;
      lineWidth = room();
      flush();
      w = tail;
      ww = width(w);
    }
    if (w === '') continue;
    line = lineWidth > 0 ? `${line} ${w}` : w;
    lineWidth += (lineWidth > 0 ? 1 : 0) + ww;
  }
  if (lineWidth > 0 || out.length === 0) flush();
  return out;
}

/** The longest head of `text` no wider than `columns`, and the rest. */
function splitAt(text: string, columns: number): [string, string] {
  if (NARROW.test(text)) return [text.slice(0, columns), text.slice(columns)];
  let used = 0;
  let i = 0;
  for (const ch of text) {
    const cw = stringWidth(ch);
    if (used + cw > columns) break;
    used += cw;
    i += ch.length;
  }
  return [text.slice(0, Math.max(i, 1)), text.slice(Math.max(i, 1))];
}
