// The log scanner's hot loop, compiled to WebAssembly by AssemblyScript (`npm run build:wasm`).
//
// It finds the lines of a byte region that hold any of the rules' needles, and counts the region's
// newlines and over-long lines on the way. The search is a sampled 4-gram filter: every needle is at
// least `step + 3` bytes long, so any occurrence fully covers one of the 4-byte windows that start
// every `step` bytes. Each such window is hashed into a bitset holding the hashes of the 4-grams of
// one chosen `step + 3`-byte window of every needle (the host picks rare-looking ones); a set bit
// sends the position to exact verification against the (needle, offset) pairs with that hash. So
// most of the input costs one load, one multiply and one bit test per `step` bytes, with no
// data-dependent branch, and newlines are counted 16 bytes at a time.
//
// The host (src/logs/matcher/wasm.ts) lays the tables out in linear memory and calls `configure`.

/** Bits of the 4-gram hash: the bitset is 16 KiB and stays in L1. */
const HASH_BITS: u32 = 17;

let bitsetAt: usize = 0; // u32 words, 1 << HASH_BITS bits
let slotsAt: usize = 0; // u32 per hash: byte offset into the pair lists + 1, or 0
let pairsAt: usize = 0; // per used hash: u16 count, then count x (u16 needle, u16 offset in needle)
let needlesAt: usize = 0; // per needle: u32 address of its bytes, u32 length
let step: usize = 1;
let maxLine: usize = 0;

/** Newlines in the last scanned region. */
export let newlines: u32 = 0;
/** Lines of the last scanned region longer than the line cap. */
export let longLines: u32 = 0;
let lineStart: usize = 0;

export function configure(
  bitset: usize,
  slots: usize,
  pairs: usize,
  needles: usize,
  sampleStep: u32,
  maxLineBytes: u32,
): void {
  bitsetAt = bitset;
  slotsAt = slots;
  pairsAt = pairs;
  needlesAt = needles;
  step = <usize>sampleStep;
  maxLine = <usize>maxLineBytes;
}

export function hash4(w: u32): u32 {
  return (w * 0x9e3779b1) >> (32 - HASH_BITS);
}

/** Newline counting goes 1 KiB at a time: 64 vectors summed lane-wise before one horizontal add. */
const BLOCK: usize = 1024;

/**
 * Count the newlines in [from, to), noting lines over the cap. Reads up to 15 bytes past `to`
 * (the host leaves slack after every region it hands over).
 */
function countNewlines(from: usize, to: usize): void {
  const nl = i8x16.splat(10);
  let i = from;
  while (i + BLOCK <= to) {
    let lanes = i8x16.splat(0);
    for (let k: usize = 0; k < BLOCK; k += 16) lanes = i8x16.sub(lanes, i8x16.eq(v128.load(i + k), nl));
    const pairs = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(lanes));
    const n =
      i32x4.extract_lane(pairs, 0) +
      i32x4.extract_lane(pairs, 1) +
      i32x4.extract_lane(pairs, 2) +
      i32x4.extract_lane(pairs, 3);
    if (n != 0) {
      // Only the block's first newline can close a long line, and only if the line began long ago.
      if (i + BLOCK - lineStart > maxLine && firstNewline(i) - lineStart > maxLine) longLines++;
      lineStart = lastNewline(i + BLOCK) + 1;
      newlines += <u32>n;
    }
    i += BLOCK;
  }
  for (; i < to; i += 16) {
    let mask = i8x16.bitmask(i8x16.eq(v128.load(i), nl));
    const rest = to - i;
    if (rest < 16) mask &= (1 << (<u32>rest)) - 1;
    if (mask != 0) {
      if (i + <usize>ctz(mask) - lineStart > maxLine) longLines++;
      lineStart = i + <usize>(31 - clz(mask)) + 1;
      newlines += popcnt(mask);
    }
  }
}

/** The first newline at or after `at` (the caller knows there is one within the block). */
function firstNewline(at: usize): usize {
  const nl = i8x16.splat(10);
  for (let i = at; i < at + BLOCK; i += 16) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(i), nl));
    if (mask != 0) return i + <usize>ctz(mask);
  }
  return at + BLOCK;
}

/** The last newline before `end` (the caller knows there is one within the block). */
function lastNewline(end: usize): usize {
  const nl = i8x16.splat(10);
  for (let i = end - 16; i >= end - BLOCK; i -= 16) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(i), nl));
    if (mask != 0) return i + <usize>(31 - clz(mask));
  }
  return end - 1;
}

/** Where a needle starts that covers the 4-gram at `at` with hash `h`, plus one; 0 for none. */
function verify(at: usize, h: u32, start: usize, end: usize): usize {
  const slot = load<u32>(slotsAt + ((<usize>h) << 2));
  if (slot == 0) return 0;
  let p = pairsAt + <usize>(slot - 1);
  const count = <u32>load<u16>(p);
  for (let k: u32 = 0; k < count; k++) {
    p += 4;
    const id = <usize>load<u16>(p - 2);
    const offset = <usize>load<u16>(p);
    if (at < start + offset) continue;
    const s = at - offset;
    const bytes = <usize>load<u32>(needlesAt + (id << 3));
    const len = <usize>load<u32>(needlesAt + (id << 3) + 4);
    if (s + len > end) continue;
    let r: usize = 0;
    while (r + 4 <= len && load<u32>(s + r) == load<u32>(bytes + r)) r += 4;
    while (r < len && load<u8>(s + r) == load<u8>(bytes + r)) r++;
    if (r == len) return s + 1;
  }
  return 0;
}

/**
 * Scan [start, end), which holds complete lines. For every line holding a needle, write its start
 * address and the number of newlines before it in the region (two u32) at `out`; return how many.
 * `out` must have room for one entry per line.
 */
export function scan(start: usize, end: usize, out: usize): u32 {
  newlines = 0;
  longLines = 0;
  lineStart = start;
  let counted = start;
  let hits: u32 = 0;
  // No needles (step 0): only count.
  let at = step > 0 ? start : end;
  while (at + 4 <= end) {
    const h = hash4(load<u32>(at));
    if ((load<u32>(bitsetAt + ((<usize>(h >> 5)) << 2)) & (1 << (h & 31))) == 0) {
      at += step;
      continue;
    }
    const found = verify(at, h, start, end);
    if (found == 0) {
      at += step;
      continue;
    }
    const s = found - 1;
    countNewlines(counted, s);
    store<u32>(out + ((<usize>hits) << 3), <u32>lineStart);
    store<u32>(out + ((<usize>hits) << 3) + 4, newlines);
    hits++;
    // One entry per line: go on from the next line.
    let e = s;
    while (e < end && load<u8>(e) != 10) e++;
    counted = e < end ? e + 1 : end;
    countNewlines(s, counted);
    at = counted;
  }
  countNewlines(counted, end);
  return hits;
}
