// A capture: the records one pod (or several) wrote, in order, and the ways collectors hand them on.
// Collector prefixes follow kubectl, stern and the CRI file format; their times come from the record's
// own time plus a deterministic sub-millisecond offset, so regenerating gives the same bytes.
import { gzipSync } from 'node:zlib';
import type { FormatId } from './model.js';

export interface CapturedRecord {
  format: FormatId;
  /** The record as the program wrote it, without the final newline (may span several lines). */
  text: string;
  /** Epoch ms at which the program wrote it. */
  time: number;
  pod: string;
  container: string;
  stream: 'stdout' | 'stderr';
}

export class Capture {
  readonly records: CapturedRecord[] = [];

  add(r: CapturedRecord): void {
    this.records.push(r);
  }

  addAll(rs: readonly CapturedRecord[]): void {
    for (const r of rs) this.records.push(r);
  }

  /** Records sorted by time (stable), as a merge of several pods' streams. */
  sorted(): Capture {
    const c = new Capture();
    c.addAll([...this.records].sort((a, b) => a.time - b.time));
    return c;
  }

  formats(): Partial<Record<FormatId, number>> {
    const out: Partial<Record<FormatId, number>> = {};
    for (const r of this.records) out[r.format] = (out[r.format] ?? 0) + 1;
    return out;
  }

  lastTime(): number {
    return Math.max(...this.records.map((r) => r.time));
  }
}

/** Go's time.RFC3339Nano: nine fraction digits with trailing zeros (and a bare dot) dropped. */
export function rfc3339Nano(ms: number, seq: number): string {
  const iso = new Date(ms).toISOString(); // 2026-04-22T14:06:38.830Z
  const sub = String((137_000 + seq * 389_711) % 1_000_000).padStart(6, '0');
  const frac = `${iso.slice(20, 23)}${sub}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}

function physicalLines(c: Capture): { line: string; rec: CapturedRecord; seq: number }[] {
  const out: { line: string; rec: CapturedRecord; seq: number }[] = [];
  let seq = 0;
  for (const rec of c.records) for (const line of rec.text.split('\n')) out.push({ line, rec, seq: seq++ });
  return out;
}

const join = (lines: string[]): string => `${lines.join('\n')}\n`;

/** What the program wrote (a file, or a terminal captured with `| tee`). */
export function plain(c: Capture): string {
  return join(c.records.map((r) => r.text));
}

/** `kubectl logs --timestamps`: the runtime's RFC3339Nano time and a space before every line. */
export function kubectlTimestamps(c: Capture): string {
  return join(physicalLines(c).map((p) => `${rfc3339Nano(p.rec.time, p.seq)} ${p.line}`));
}

/** `kubectl logs --prefix`: `[pod/<pod>/<container>] ` before every line. */
export function kubectlPrefix(c: Capture): string {
  return join(physicalLines(c).map((p) => `[pod/${p.rec.pod}/${p.rec.container}] ${p.line}`));
}

/** `kubectl logs --prefix --timestamps`: the prefix first, then the time. */
export function kubectlPrefixTimestamps(c: Capture): string {
  return join(
    physicalLines(c).map(
      (p) => `[pod/${p.rec.pod}/${p.rec.container}] ${rfc3339Nano(p.rec.time, p.seq)} ${p.line}`,
    ),
  );
}

/** stern's default template `{{.PodName}} {{.ContainerName}} {{.Message}}`, not on a TTY (no colour). */
export function stern(c: Capture): string {
  return join(physicalLines(c).map((p) => `${p.rec.pod} ${p.rec.container} ${p.line}`));
}

/**
 * The CRI log file (`/var/log/pods/.../0.log`): `<RFC3339Nano> <stream> <P|F> <content>`. A line longer
 * than the runtime's `max_container_log_line_size` is written as `P` parts and a final `F` part.
 */
export function cri(c: Capture, maxLineSize = 16384): string {
  const out: string[] = [];
  for (const p of physicalLines(c)) {
    const ts = rfc3339Nano(p.rec.time, p.seq);
    const bytes = Buffer.from(p.line, 'utf8');
    let at = 0;
    while (bytes.length - at > maxLineSize) {
      out.push(`${ts} ${p.rec.stream} P ${bytes.subarray(at, at + maxLineSize).toString('latin1')}`);
      at += maxLineSize;
    }
    out.push(`${ts} ${p.rec.stream} F ${bytes.subarray(at).toString('latin1')}`);
  }
  // Parts were cut on bytes; keep them as bytes (latin1 round-trips every byte).
  return Buffer.from(join(out), 'latin1').toString('latin1');
}

/** Bytes of a CRI capture (parts cut on byte boundaries, so not always valid UTF-8 on their own). */
export function criBytes(c: Capture, maxLineSize = 16384): Buffer {
  return Buffer.from(cri(c, maxLineSize), 'latin1');
}

/** gzip with mtime 0 and no file name (Node's default header), so the bytes depend only on zlib. */
export function gzip(data: string | Buffer): Buffer {
  return gzipSync(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { level: 9 });
}
