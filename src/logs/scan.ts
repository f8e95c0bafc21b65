// The hot path. Bytes arrive in large chunks; one regular expression over the chunk's latin1 view
// finds the rules' needles, and only lines holding one are decoded, prefix-stripped and handed on.
// Every other line costs one Buffer.indexOf for the newline and allocates nothing.
import { isUtf8 } from 'node:buffer';
import { buildPrefilter, type Prefilter } from './needles.js';
import { isContinuation, isPrettyHeader, stripPrefixes } from './prefixes.js';

/** Lines longer than this are truncated (and counted): memory must not follow the input. */
export const MAX_LINE_BYTES = 1 << 20;
/** How far back a multi-line record (pino-pretty, CRI partials) may reach for its head line. */
const MAX_RECORD_LINES = 512;

export interface ScanRecord {
  /** 1-based line of the record's head. */
  line: number;
  /** Prefix-stripped contents: the head, then pino-pretty continuation lines. */
  lines: string[];
  prefixTime?: number;
}

export interface ScanStats {
  lines: number;
  /** Unreadable lines: invalid UTF-8 / binary, or over the length cap. */
  skippedLines: number;
  truncatedLines: number;
  invalidLines: number;
}

/** A prefilter from needles alone (no anchors): for tests and callers with their own terms. */
export function needleRegExp(needles: readonly string[]): Prefilter | undefined {
  return buildPrefilter(needles);
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
  /** The last complete line's content (one decode per chunk), for the capture's end time. */
  lastLine: string | undefined;

  private carry: Buffer | undefined;
  private carryTruncated = false;
  private lastEmitted = 0;

  constructor(
    private readonly filter: Prefilter | undefined,
    private readonly onRecord: (r: ScanRecord) => void,
  ) {}

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.carry) {
      if (this.carryTruncated) {
        // The rest of an over-long line: drop everything up to its newline.
        const nl = chunk.indexOf(10);
        if (nl === -1) return;
        data = Buffer.concat([this.carry, chunk.subarray(nl)]);
      } else {
        data = Buffer.concat([this.carry, chunk]);
      }
      this.carry = undefined;
      this.carryTruncated = false;
    }
    const complete = data.lastIndexOf(10) + 1;
    const partialLen = data.length - complete;
    if (partialLen > MAX_LINE_BYTES) {
      // An unterminated line already over the cap: process the rest, keep that line's head only.
      if (complete > 0) this.region(data, 0, complete);
      this.carry = Buffer.from(data.subarray(complete, complete + MAX_LINE_BYTES));
      this.carryTruncated = true;
      this.longLine();
      return;
    }
    const cut = complete > 0 ? this.recordBoundary(data, 0, complete) : 0;
    if (cut > 0) this.region(data, 0, cut);
    // Copy: the carry must not pin the whole chunk.
    if (cut < data.length) this.carry = Buffer.from(data.subarray(cut));
  }

  /**
   * Zero-copy feeding for callers that own a reusable buffer: scans `buf[0, len)` and returns how
   * many bytes it consumed; the caller moves the rest to the front and reads after it. `final`
   * flushes everything (the end of the input).
   */
  pushInPlace(buf: Buffer, len: number, final: boolean): number {
    let from = 0;
    if (this.skipping) {
      const nl = buf.indexOf(10);
      if (nl === -1 || nl >= len) return len;
      this.skipping = false;
      from = nl + 1;
      this.lines++;
    }
    if (final) {
      if (len > from) {
        const data =
          buf[len - 1] === 10
            ? buf.subarray(from, len)
            : Buffer.concat([buf.subarray(from, len), Buffer.from('\n')]);
        this.region(data, 0, data.length);
      }
      return len;
    }
    const complete = buf.lastIndexOf(10, len - 1) + 1;
    if (complete <= from) {
      if (len - from > MAX_LINE_BYTES) {
        // No newline in a whole buffer: drop the line's rest and count it.
        this.longLine();
        this.skipping = true;
        return len;
      }
      return from;
    }
    const view = buf.subarray(from, complete);
    // A record head at the very start would never complete within this buffer: take it all.
    const cut = this.recordBoundary(view, 0, view.length) || view.length;
    this.region(view, 0, cut);
    return from + cut;
  }

  private skipping = false;

  end(): void {
    const data = this.carry;
    this.carry = undefined;
    if (!data || data.length === 0) return;
    // The last line may lack its newline; give it one so the region logic sees complete lines.
    const full = data[data.length - 1] === 10 ? data : Buffer.concat([data, Buffer.from('\n')]);
    this.region(full, 0, full.length);
  }

  /**
   * Where to cut so that no multi-line record spans two regions: before a trailing pino-pretty
   * header (its continuation lines may be in the next chunk) or a trailing run of CRI partials.
   */
  private recordBoundary(buf: Buffer, start: number, end: number): number {
    let le = end - 1;
    let cut = end;
    for (let i = 0; i < MAX_RECORD_LINES && le > start; i++) {
      const ls = Math.max(start, buf.lastIndexOf(10, le - 1) + 1);
      const l = this.decode(buf, ls, le);
      const c = l.content;
      if (c === undefined) return cut;
      if (l.partial) {
        cut = ls;
      } else if (!isContinuation(c)) {
        return isPrettyHeader(c) ? ls : cut;
      }
      le = ls - 1;
    }
    return cut;
  }

  private region(buf: Buffer, start: number, end: number): void {
    const re = this.filter?.anchors;
    const verify = this.filter?.verify;
    // One native pass each says whether the chunk has any garbage at all (it almost never does).
    const all = buf.subarray(start, end);
    if (all.includes(0) || !isUtf8(all)) this.countGarbage(buf, start, end);
    let cursor = start;
    let lineNo = this.lines;
    if (re) {
      const text = buf.toString('latin1', start, end);
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        const at = start + m.index;
        let nl = buf.indexOf(10, cursor);
        while (nl !== -1 && nl < at) {
          if (nl - cursor > MAX_LINE_BYTES) this.longLine();
          lineNo++;
          cursor = nl + 1;
          nl = buf.indexOf(10, cursor);
        }
        if (nl === -1 || nl >= end) nl = end - 1;
        if (verify && !verify.test(buf.toString('latin1', cursor, nl))) {
          // An anchor but no needle: move on without decoding.
          lineNo++;
          cursor = nl + 1;
          if (cursor >= end) break;
          re.lastIndex = cursor - start;
          continue;
        }
        // [cursor, nl) is the line holding the needle; lineNo lines lie before it.
        const consumed = this.candidate(buf, start, end, cursor, nl, lineNo + 1);
        lineNo += consumed.lines;
        cursor = consumed.next;
        if (cursor >= end) break;
        re.lastIndex = cursor - start;
      }
    }
    // Count the remaining lines.
    let nl = buf.indexOf(10, cursor);
    while (nl !== -1 && nl < end) {
      if (nl - cursor > MAX_LINE_BYTES) this.longLine();
      lineNo++;
      cursor = nl + 1;
      nl = buf.indexOf(10, cursor);
    }
    this.lines = lineNo;
    this.noteLastLine(buf, start, end);
  }

  private longLine(): void {
    this.truncatedLines++;
    this.skippedLines++;
  }

  private noteLastLine(buf: Buffer, start: number, end: number): void {
    let le = end - 1;
    // Skip trailing garbage/blank lines a little way back for a line that can carry a time.
    for (let i = 0; i < 4 && le > start; i++) {
      const ls = Math.max(start, buf.lastIndexOf(10, le - 1) + 1);
      const l = this.decode(buf, ls, le);
      if (l.content !== undefined && l.content.length > 0 && !isContinuation(l.content)) {
        this.lastLine = l.content;
        if (l.prefixTime !== undefined)
          this.lastLine = `${new Date(l.prefixTime).toISOString()} ${l.content}`;
        return;
      }
      le = ls - 1;
    }
  }

  /** Build and emit the record holding line [ls, le) (number `lineNo`); report lines consumed. */
  private candidate(
    buf: Buffer,
    start: number,
    end: number,
    ls: number,
    le: number,
    lineNo: number,
  ): { lines: number; next: number } {
    if (le - ls > MAX_LINE_BYTES) this.longLine();
    let head = this.decode(buf, ls, le);
    if (head.content === undefined) return { lines: 1, next: le + 1 };
    let headNo = lineNo;
    // Walk back to the head when this line continues an earlier one.
    for (let i = 0; i < MAX_RECORD_LINES && head.start > start; i++) {
      const pe = head.start - 1;
      const ps = Math.max(start, buf.lastIndexOf(10, pe - 1) + 1);
      const prev = this.decode(buf, ps, pe);
      if (prev.content === undefined) break;
      const continues = prev.partial || (head.content !== undefined && isContinuation(head.content));
      if (!continues) break;
      head = prev;
      headNo--;
    }
    if (headNo <= this.lastEmitted || head.content === undefined) {
      // Already emitted as part of an earlier record; move past this line.
      return { lines: 1, next: le + 1 };
    }
    // Collect forward: CRI partial pieces join; pino-pretty continuation lines follow their header.
    const contents: string[] = [head.content];
    const pretty = isPrettyHeader(head.content);
    let last = head;
    let lastNo = headNo;
    for (let i = 0; i < MAX_RECORD_LINES && last.end + 1 < end; i++) {
      if (!last.partial && !pretty) break;
      const ns = last.end + 1;
      let ne = buf.indexOf(10, ns);
      if (ne === -1 || ne > end) ne = end;
      const next = this.decode(buf, ns, ne);
      if (next.content === undefined) break;
      if (last.partial) {
        contents[contents.length - 1] += next.content;
      } else if (isContinuation(next.content)) {
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
    if (lastNo < lineNo) return { lines: 1, next: le + 1 };
    return { lines: lastNo - lineNo + 1, next: last.end + 1 };
  }

  private decode(buf: Buffer, ls: number, le: number): Line {
    let e = Math.min(le, ls + MAX_LINE_BYTES);
    if (e > ls && buf[e - 1] === 13) e--; // CRLF
    const bytes = buf.subarray(ls, e);
    if (bytes.includes(0) || !isUtf8(bytes)) {
      return { start: ls, end: le, content: undefined, partial: false, prefixTime: undefined };
    }
    const s = stripPrefixes(bytes.toString('utf8'));
    return { start: ls, end: le, content: s.content, partial: s.partial === true, prefixTime: s.prefixTime };
  }

  /** Slow path, only for chunks that hold invalid UTF-8 or NUL bytes: count the bad lines. */
  private countGarbage(buf: Buffer, start: number, end: number): void {
    let ls = start;
    while (ls < end) {
      let le = buf.indexOf(10, ls);
      if (le === -1 || le > end) le = end;
      const bytes = buf.subarray(ls, le);
      if (bytes.includes(0) || !isUtf8(bytes)) {
        this.invalidLines++;
        this.skippedLines++;
      }
      ls = le + 1;
    }
  }
}
