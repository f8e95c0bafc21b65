// The portable matcher: one alternation of anchors over the region's latin1 view, then the real
// needles on each line an anchor lands in. Used where WebAssembly cannot run, and by the tests as
// the reference the WebAssembly matcher must agree with. An alternation of every rule needle costs
// ~2.7 ns/byte in V8's regexp engine; the shorter alternation of anchors (each a substring shared
// by several needles) about half, so the anchors only need to cover every needle, not be exact.
import { MAX_LINE_BYTES } from '../limits.js';
import type { LineHits, Matcher } from './types.js';

const ANCHORS = [
  'closing agent session',
  'ession close',
  'timed out',
  'process ',
  'LiveKit',
  'recognize speech',
  'caller room',
  'room delet',
  'job context',
  'drain',
  'unresponsive',
  'shutdown',
  'in time',
  'orphaned',
  'Graceful cancel',
  'resources',
  'Logging initialized',
  'PID ',
  'erminat',
  'Bot online',
  'flow ',
  'Session ',
  'by user',
  'Timeout:',
  'Background task',
  'CLI ns:',
  'Named session',
];

function escape(n: string): string {
  return n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Needles are matched on latin1 text, so a non-ASCII needle is given as its UTF-8 bytes. */
function latin1(n: string): string {
  return Buffer.from(n, 'utf8').toString('latin1');
}

export function createRegexMatcher(needles: readonly string[], windowBytes: number): Matcher {
  const window = Buffer.allocUnsafe(windowBytes);
  let anchors: RegExp | undefined;
  let verify: RegExp | undefined;
  if (needles.length > 0) {
    const used = new Set<string>();
    for (const n of needles) used.add(ANCHORS.find((a) => n.includes(a)) ?? n);
    anchors = new RegExp([...used].map((a) => escape(latin1(a))).join('|'), 'g');
    const exact = used.size === needles.length && needles.every((n) => used.has(n));
    if (!exact) verify = new RegExp(needles.map((n) => escape(latin1(n))).join('|'));
  }
  let out = new Uint32Array(1024);
  const result: LineHits = { count: 0, hits: out, newlines: 0, longLines: 0 };

  return {
    kind: 'regex',
    needles,
    window,
    find(start, end) {
      let count = 0;
      let newlines = 0;
      let longLines = 0;
      let cursor = start; // start of the line not yet counted
      // Count the newlines in [cursor, to), moving cursor past each.
      const countTo = (to: number): void => {
        let nl = window.indexOf(10, cursor);
        while (nl !== -1 && nl < to) {
          if (nl - cursor > MAX_LINE_BYTES) longLines++;
          newlines++;
          cursor = nl + 1;
          nl = window.indexOf(10, cursor);
        }
      };
      if (anchors) {
        const text = window.toString('latin1', start, end);
        anchors.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = anchors.exec(text)) !== null) {
          countTo(start + m.index);
          let le = window.indexOf(10, cursor);
          if (le === -1 || le >= end) le = end;
          if (!verify || verify.test(window.toString('latin1', cursor, le))) {
            if (2 * count + 2 > out.length) {
              const grown = new Uint32Array(out.length * 2);
              grown.set(out);
              out = grown;
              result.hits = out;
            }
            out[2 * count] = cursor;
            out[2 * count + 1] = newlines;
            count++;
          }
          if (le >= end) break;
          countTo(le + 1);
          anchors.lastIndex = cursor - start;
        }
      }
      countTo(end);
      result.count = count;
      result.newlines = newlines;
      result.longLines = longLines;
      return result;
    },
  };
}
