// Bytes to text without losing what is not UTF-8. TextDecoder and Buffer#toString turn each invalid
// byte into U+FFFD, so a name holding byte 0xff reads like any other broken name and the byte is
// gone. Here each invalid byte becomes the lone surrogate U+DC00 + byte instead (the convention of
// Python's `surrogateescape`): valid text decodes exactly as before, JSON.stringify writes the
// surrogate as a `\udcff` escape (valid JSON, the byte still recoverable), XML drops it, and the
// human renderers show it as `\xff` (report/escape.ts, inertText).
import { isUtf8 } from 'node:buffer';

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => {
    const x = b[i + j];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** UTF-8 text, each invalid byte kept as U+DC00 + byte. Valid input costs one validity check. */
export function decodeUtf8(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  let run = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += bytes.toString('utf8', run, i) + String.fromCharCode(0xdc00 + (bytes[i] as number));
    i += 1;
    run = i;
  }
  return out + bytes.toString('utf8', run, i);
}
