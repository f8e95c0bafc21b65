// The hot path. Input is read into the matcher's window (memory the WebAssembly search reads
// directly); the matcher names the lines holding a rule's needle, and only those are decoded,
// prefix-stripped and handed on. Every other line costs a few bytes of the search and allocates
// nothing. The window holds one line of up to the cap plus one read, so any line within the cap
// arrives whole; a longer one is cut at the cap, counted, and its rest dropped.
import { isUtf8 } from 'node:buffer';
import { MAX_LINE_BYTES } from '../limits.js';
import { createMatcher } from '../matcher/index.js';
import type { Matcher } from '../matcher/types.js';
import { continuationOf, isContinuationLine } from '../formats/index.js';
import { stripPrefixes } from '../prefixes.js';

/** How far back a multi-line record (continuation lines, CRI partials) may reach for its head line. */
const MAX_RECORD_LINES = 512;
/** Bytes taken per read, and so the size of most regions searched at once. */
export const READ_BYTES = 256 << 10;
/** A partial line within the cap, one read after it, and a byte for a missing final newline. */
export const WINDOW_BYTES = MAX_LINE_BYTES + READ_BYTES + 1;

export interface ScanRecord {
  /** 1-based line of the record's head. */
  line: number;
  /** Prefix-stripped contents: the head, then its format's continuation lines. */
  lines: string[];
  prefixTime?: number;
}

/** A line as the scanner decoded it: prefix-stripped content and the collector's time, if any. */
export interface LastLine {
  content: string;
  prefixTime?: number;
}

export interface ScanStats {
  lines: number;
  /** Unreadable lines: invalid UTF-8 / binary, or over the length cap. */
  skippedLines: number;
  truncatedLines: number;
  invalidLines: number;
}

/** A matcher sized for a Scanner's window. */
export function newMatcher(needles: readonly string[]): Matcher {
  return createMatcher(needles, WINDOW_BYTES);
}

interface Line {
  start: number;
  end: number; // exclusive, before the newline
  content: string | undefined; // undefined: not valid UTF-8
  partial: boolean;
  prefixTime: number | undefined;
}

export class Scanner implements ScanStats {
  lines = 0;
  skippedLines = 0;
  truncatedLines = 0;
  invalidLines = 0;
  /** The last complete line (one decode per region), for the capture's end time. */
  lastLine: LastLine | undefined;

  private readonly window: Buffer;
  /** Bytes in the window not yet searched: a partial line or a record that may go on. */
  private have = 0;
  /** Inside a line over the cap whose head was taken: drop bytes up to its newline. */
  private skipping = false;
  private lastEmitted = 0;

  /** `matcher` must not serve another scanner until this one has ended. */
  constructor(
    private readonly matcher: Matcher,
    private readonly onRecord: (r: ScanRecord) => void,
  ) {
    if (matcher.window.length < WINDOW_BYTES) throw new Error('matcher window too small for a Scanner');
    this.window = matcher.window;
  }

  /**
   * Let `read` append up to `max` bytes at `buf[at...]` and search what it read; returns its
   * count (0: the input is done, call end()).
   */
  fill(read: (buf: Buffer, at: number, max: number) => number): number {
    const n = read(this.window, this.have, Math.min(READ_BYTES, WINDOW_BYTES - 1 - this.have));
    if (n > 0) {
      this.have += n;
      this.process(false);
    }
    return n;
  }

  /** Feed a chunk of a stream (it is copied into the window). */
  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const from = off;
      off += this.fill((buf, at, max) =>
        chunk.copy(buf, at, from, from + Math.min(max, chunk.length - from)),
      );
    }
  }

  /** The input is done: search what is left, the last line even without its newline. */
  end(): void {
    this.process(true);
  }

  private process(final: boolean): void {
    const w = this.window;
    let from = 0;
    let len = this.have;
    if (this.skipping) {
      const nl = w.subarray(0, len).indexOf(10);
      if (nl === -1) {
        this.have = 0;
        return;
      }
      this.skipping = false;
      from = nl + 1; // that line was counted when its head was taken
    }
    if (final) {
      if (len > from && w[len - 1] !== 10) w[len++] = 10; // the window keeps a byte for this
      if (len > from) this.region(from, len);
      this.have = 0;
      return;
    }
    const complete = w.lastIndexOf(10, len - 1) + 1;
    if (complete > from) {
      let cut = this.recordBoundary(from, complete);
      // A trailing record that could outgrow the window is searched as it stands.
      if (len - cut > MAX_LINE_BYTES) cut = complete;
      if (cut > from) {
        this.region(from, cut);
        from = cut;
      }
    }
    if (len - from > MAX_LINE_BYTES) {
      // [from, len) is one line (no newline) over the cap: take its head as the line, drop the rest.
      w[from + MAX_LINE_BYTES] = 10;
      this.region(from, from + MAX_LINE_BYTES + 1);
      this.longLine();
      this.skipping = true;
      this.have = 0;
      return;
    }
    w.copy(w, 0, from, len);
    this.have = len - from;
  }

  /**
   * Where to cut so that no multi-line record spans two regions: before a trailing line that opens
   * a multi-line record (its continuation lines may come with the next read) or a trailing run of
   * CRI partials.
   */
  private recordBoundary(start: number, end: number): number {
    let le = end - 1;
    let cut = end;
    for (let i = 0; i < MAX_RECORD_LINES && le > start; i++) {
      const ls = Math.max(start, this.window.lastIndexOf(10, le - 1) + 1);
      const l = this.decode(ls, le);
      const c = l.content;
      if (c === undefined) return cut;
      if (l.partial) {
        cut = ls;
      } else if (!isContinuationLine(c)) {
        return continuationOf(c) ? ls : cut;
      }
      le = ls - 1;
    }
    return cut;
  }

  /** Search window[start, end), which ends with a newline, and emit its records. */
  private region(start: number, end: number): void {
    const w = this.window;
    // One native pass each says whether the region has any garbage at all (it almost never does).
    const all = w.subarray(start, end);
    if (all.includes(0) || !isUtf8(all)) this.countGarbage(start, end);
    const found = this.matcher.find(start, end);
    const base = this.lines;
    const hits = found.hits;
    let handled = 0; // lines of the region already handled
    for (let i = 0; i < found.count; i++) {
      const before = hits[2 * i + 1] as number;
      if (before < handled) continue; // part of a record emitted already
      const ls = hits[2 * i] as number;
      let le = w.indexOf(10, ls);
      if (le === -1 || le >= end) le = end;
      handled = before + this.candidate(start, end, ls, le, base + before + 1);
    }
    this.lines = base + found.newlines;
    this.truncatedLines += found.longLines;
    this.skippedLines += found.longLines;
    this.noteLastLine(start, end);
  }

  private longLine(): void {
    this.truncatedLines++;
    this.skippedLines++;
  }

  private noteLastLine(start: number, end: number): void {
    let le = end - 1;
    // Skip trailing garbage/blank lines a little way back for a line that can carry a time.
    for (let i = 0; i < 4 && le > start; i++) {
      const ls = Math.max(start, this.window.lastIndexOf(10, le - 1) + 1);
      const l = this.decode(ls, le);
      if (l.content !== undefined && l.content.length > 0 && !isContinuationLine(l.content)) {
        this.lastLine =
          l.prefixTime !== undefined
            ? { content: l.content, prefixTime: l.prefixTime }
            : { content: l.content };
        return;
      }
      le = ls - 1;
    }
  }

  /** Build and emit the record holding line [ls, le) (number `lineNo`); return the lines it spans from there. */
  private candidate(start: number, end: number, ls: number, le: number, lineNo: number): number {
    const w = this.window;
    let head = this.decode(ls, le);
    if (head.content === undefined) return 1;
    let headNo = lineNo;
    // Walk back to the head when this line continues an earlier one.
    for (let i = 0; i < MAX_RECORD_LINES && head.start > start; i++) {
      const pe = head.start - 1;
      const ps = Math.max(start, w.lastIndexOf(10, pe - 1) + 1);
      const prev = this.decode(ps, pe);
      if (prev.content === undefined) break;
      const continues = prev.partial || (head.content !== undefined && isContinuationLine(head.content));
      if (!continues) break;
      head = prev;
      headNo--;
    }
    if (headNo <= this.lastEmitted || head.content === undefined) {
      // Already emitted as part of an earlier record; move past this line.
      return 1;
    }
    // Collect forward: CRI partial pieces join; continuation lines follow the line that opens them.
    const contents: string[] = [head.content];
    const continuation = continuationOf(head.content);
    let last = head;
    let lastNo = headNo;
    for (let i = 0; i < MAX_RECORD_LINES && last.end + 1 < end; i++) {
      if (!last.partial && !continuation) break;
      const ns = last.end + 1;
      let ne = w.indexOf(10, ns);
      if (ne === -1 || ne > end) ne = end;
      const next = this.decode(ns, ne);
      if (next.content === undefined) break;
      if (last.partial) {
        contents[contents.length - 1] += next.content;
      } else if (continuation?.continues(next.content) === true) {
        contents.push(next.content);
      } else {
        break;
      }
      last = next;
      lastNo++;
    }
    this.lastEmitted = lastNo;
    const rec: ScanRecord = { line: headNo, lines: contents };
    if (head.prefixTime !== undefined) rec.prefixTime = head.prefixTime;
    this.onRecord(rec);
    return lastNo < lineNo ? 1 : lastNo - lineNo + 1;
  }

  private decode(ls: number, le: number): Line {
    let e = Math.min(le, ls + MAX_LINE_BYTES);
    if (e > ls && this.window[e - 1] === 13) e--; // CRLF
    const bytes = this.window.subarray(ls, e);
    if (bytes.includes(0) || !isUtf8(bytes)) {
      return { start: ls, end: le, content: undefined, partial: false, prefixTime: undefined };
    }
    const s = stripPrefixes(bytes.toString('utf8'));
    return { start: ls, end: le, content: s.content, partial: s.partial === true, prefixTime: s.prefixTime };
  }

  /** Slow path, only for regions that hold invalid UTF-8 or NUL bytes: count the bad lines. */
  private countGarbage(start: number, end: number): void {
    let ls = start;
    while (ls < end) {
      let le = this.window.indexOf(10, ls);
      if (le === -1 || le > end) le = end;
      const bytes = this.window.subarray(ls, le);
      if (bytes.includes(0) || !isUtf8(bytes)) {
        this.invalidLines++;
        this.skippedLines++;
      }
      ls = le + 1;
    }
  }
}
