// The fast matcher: assembly/needle-scan.ts compiled to WebAssembly (built into dist/wasm by
// `npm run build`). This file lays out its tables: a bitset and slot table of 4-gram hashes, the
// (needle, offset) pairs behind each slot, the needle bytes, the hit output and the window the input
// is read into, all in the instance's own memory, which never grows after set-up (so the window
// Buffer stays valid).
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { MAX_LINE_BYTES } from '../limits.js';
import type { LineHits, Matcher } from './types.js';

interface Exports {
  memory: WebAssembly.Memory;
  newlines: WebAssembly.Global;
  longLines: WebAssembly.Global;
  configure(
    bitset: number,
    slots: number,
    pairs: number,
    needles: number,
    step: number,
    maxLine: number,
  ): void;
  hash4(word: number): number;
  scan(start: number, end: number, out: number): number;
}

const GRAM = 4;
const HASH_BITS = 17; // as in assembly/needle-scan.ts
/** The module's own static data lives below this. */
const BASE = 64 << 10;
/** The SIMD newline count reads up to 15 bytes past a region. */
const SLACK = 16;
const PAGE = 64 << 10;

// Both src/logs/matcher and dist/logs/matcher are three levels below the package root.
const WASM_URL = new URL('../../../dist/wasm/needle-scan.wasm', import.meta.url);
let compiled: WebAssembly.Module | null | undefined;

function module(): WebAssembly.Module | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(readFileSync(WASM_URL));
    } catch {
      compiled = null; // no WebAssembly (e.g. --jitless) or not built: the regex matcher takes over
    }
  }
  return compiled ?? undefined;
}

/**
 * How costly a 4-gram is as a filter key, by how common its bytes are in logs: lowercase letters,
 * digits and JSON punctuation are everywhere, spaces less so, capitals and the rest are rare.
 */
function gramCost(b: Uint8Array, at: number): number {
  let cost = 1;
  for (let i = at; i < at + GRAM; i++) {
    const c = b[i] as number;
    const common = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 34 || c === 58 || c === 44;
    cost *= c === 32 ? 2 : common || c === 46 || c === 45 || c === 95 ? 4 : 1;
  }
  return cost;
}

/** The offset of the `span`-byte window of a needle whose first `step` 4-grams are the rarest. */
function keyWindow(b: Uint8Array, span: number, step: number): number {
  let best = 0;
  let bestCost = Infinity;
  for (let w = 0; w + span <= b.length; w++) {
    let cost = 0;
    for (let o = w; o < w + step; o++) cost += gramCost(b, o);
    if (cost < bestCost) {
      bestCost = cost;
      best = w;
    }
  }
  return best;
}

export function createWasmMatcher(needles: readonly string[], windowBytes: number): Matcher | undefined {
  const mod = module();
  // The hit list is read through a Uint32Array, in the host's byte order; WebAssembly's is little-endian.
  if (!mod || endianness() !== 'LE') return undefined;
  const bytes = needles.map((n) => Buffer.from(n, 'utf8'));
  const span = bytes.length > 0 ? Math.min(...bytes.map((b) => b.length)) : 0;
  // The 4-gram filter needs needles of at least 4 bytes; ids and offsets are 16-bit.
  if (bytes.length > 0 && (span < GRAM || bytes.length > 0xffff || bytes.some((b) => b.length > 0xffff)))
    return undefined;
  const step = bytes.length > 0 ? span - GRAM + 1 : 0;

  const instance = new WebAssembly.Instance(mod, {});
  const wasm = instance.exports as unknown as Exports;

  // Which (needle, offset) pairs each used hash stands for.
  const pairsByHash = new Map<number, number[]>();
  bytes.forEach((b, id) => {
    const w = keyWindow(b, span, step);
    for (let o = w; o < w + step; o++) {
      const h = wasm.hash4(b.readUInt32LE(o));
      let list = pairsByHash.get(h);
      if (!list) pairsByHash.set(h, (list = []));
      list.push(id, o);
    }
  });

  const align = (n: number, to: number): number => Math.ceil(n / to) * to;
  const bitsetAt = BASE;
  const slotsAt = bitsetAt + (1 << HASH_BITS) / 8;
  const pairsAt = slotsAt + 4 * (1 << HASH_BITS);
  let pairBytes = 0;
  for (const list of pairsByHash.values()) pairBytes += 2 + 2 * list.length;
  const needlesAt = align(pairsAt + pairBytes, 8);
  const needleBytesAt = needlesAt + 8 * bytes.length;
  const outAt = align(needleBytesAt + bytes.reduce((n, b) => n + b.length, 0), 16);
  // A hit line holds a needle and a newline; the last line may lack the newline.
  const maxHits = bytes.length > 0 ? Math.floor(windowBytes / (span + 1)) + 1 : 0;
  const windowAt = align(outAt + 8 * maxHits, 16);
  const total = windowAt + windowBytes + SLACK;
  const have = wasm.memory.buffer.byteLength;
  if (total > have) wasm.memory.grow(Math.ceil((total - have) / PAGE));

  const memory = wasm.memory.buffer;
  const view = new DataView(memory);
  const u8 = new Uint8Array(memory);
  for (const h of pairsByHash.keys()) {
    const word = bitsetAt + 4 * (h >>> 5);
    view.setUint32(word, view.getUint32(word, true) | (1 << (h & 31)), true);
  }
  let p = pairsAt;
  for (const [h, list] of pairsByHash) {
    view.setUint32(slotsAt + 4 * h, p - pairsAt + 1, true);
    view.setUint16(p, list.length / 2, true);
    p += 2;
    for (const v of list) {
      view.setUint16(p, v, true);
      p += 2;
    }
  }
  let at = needleBytesAt;
  bytes.forEach((b, id) => {
    view.setUint32(needlesAt + 8 * id, at, true);
    view.setUint32(needlesAt + 8 * id + 4, b.length, true);
    u8.set(b, at);
    at += b.length;
  });
  wasm.configure(bitsetAt, slotsAt, pairsAt, needlesAt, step, MAX_LINE_BYTES);

  const window = Buffer.from(memory, windowAt, windowBytes);
  const out = new Uint32Array(memory, outAt, 2 * maxHits);
  const result: LineHits = { count: 0, hits: out, newlines: 0, longLines: 0 };
  return {
    kind: 'wasm',
    needles,
    window,
    find(start, end) {
      const count = wasm.scan(windowAt + start, windowAt + end, outAt);
      for (let i = 0; i < 2 * count; i += 2) out[i] = (out[i] as number) - windowAt;
      result.count = count;
      result.newlines = wasm.newlines.value as number;
      result.longLines = wasm.longLines.value as number;
      return result;
    },
  };
}
