// Gzip captures member by member, keeping everything that decompresses. zlib's Gunzip stream gives
// up on the first bad byte and drops the output of its last round with it: garbage after a
// complete member lost the member's end and failed the whole file, and a member cut short (a
// capture copied while still being written) ended the input without a word. Here each member's
// header is read by hand and its body inflated raw, so the reader knows where each member ends,
// keeps all the text before a fault, and says what the fault was: the caller warns and marks the
// input incomplete.
import { createInflateRaw, type InflateRaw } from 'node:zlib';

/** Why a gzip input could not be read to its end. */
export interface GzipFault {
  kind: 'truncated' | 'trailing-garbage' | 'corrupt';
  /** One line for the user, after the input's name. */
  message: string;
}

const FLAG_HCRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;
const TRAILER = 8;

/**
 * The length of the gzip member header at the start of `b`: undefined when `b` ends inside it,
 * -1 when `b` does not start with one (RFC 1952 section 2.3).
 */
export function gzipHeaderLength(b: Buffer): number | undefined {
  if (b.length >= 1 && b[0] !== 0x1f) return -1;
  if (b.length >= 2 && b[1] !== 0x8b) return -1;
  if (b.length >= 3 && b[2] !== 8) return -1; // deflate is the only method gzip defines
  if (b.length < 10) return undefined;
  const flags = b[3] ?? 0;
  let at = 10;
  if (flags & FLAG_EXTRA) {
    if (b.length < at + 2) return undefined;
    at += 2 + b.readUInt16LE(at);
  }
  for (const flag of [FLAG_NAME, FLAG_COMMENT]) {
    if (!(flags & flag)) continue;
    const end = b.indexOf(0, at);
    if (end < 0) return undefined;
    at = end + 1;
  }
  if (flags & FLAG_HCRC) at += 2;
  return b.length < at ? undefined : at;
}

/**
 * The decompressed bytes of a gzip stream given as raw chunks, member after member. Zero padding
 * between or after members is skipped, as gzip(1) does. `onFault` hears of the first fault, after
 * which the input ends: what decompressed before it has been yielded.
 */
export async function* gunzipMembers(
  raw: AsyncIterator<Buffer>,
  onFault: (fault: GzipFault) => void,
  chunkSize = 256 * 1024,
): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let eof = false;
  let consumed = 0; // raw bytes before `pending`, for messages
  const more = async (): Promise<boolean> => {
    if (eof) return false;
    const next = await raw.next();
    if (next.done) {
      eof = true;
      return false;
    }
    pending = pending.length === 0 ? next.value : Buffer.concat([pending, next.value]);
    return true;
  };
  const drop = (n: number): void => {
    pending = pending.subarray(n);
    consumed += n;
  };

  for (let member = 1; ; member++) {
    // Zero padding after a member (tape and block-device captures) is not another member.
    for (;;) {
      let zeros = 0;
      while (zeros < pending.length && pending[zeros] === 0) zeros++;
      drop(zeros);
      if (pending.length > 0 || !(await more())) break;
    }
    if (pending.length === 0) return;
    let header = gzipHeaderLength(pending);
    while (header === undefined && (await more())) header = gzipHeaderLength(pending);
    if (header === undefined) {
      onFault({ kind: 'truncated', message: `gzip member ${member} is cut short in its header` });
      return;
    }
    if (header < 0) {
      while (await more()); // count the rest, for the message
      onFault({
        kind: member === 1 ? 'corrupt' : 'trailing-garbage',
        message:
          member === 1
            ? 'not a gzip stream'
            : `${pending.length} byte(s) of trailing garbage after gzip member ${member - 1} (at byte ${consumed}) were not read`,
      });
      return;
    }
    drop(header);

    const body = yield* inflateMember(
      () => pending,
      (n) => drop(n),
      more,
      chunkSize,
    );
    if (body.fault) {
      onFault({ kind: body.fault, message: `gzip member ${member} ${body.detail}` });
      return;
    }
    while (pending.length < TRAILER && (await more()));
    if (pending.length < TRAILER) {
      onFault({ kind: 'truncated', message: `gzip member ${member} is cut short in its trailer` });
      return;
    }
    // ISIZE is the member's length mod 2^32; a mismatch means the body was damaged.
    if (pending.readUInt32LE(4) !== body.bytes % 2 ** 32) {
      onFault({ kind: 'corrupt', message: `gzip member ${member} has the wrong length in its trailer` });
      return;
    }
    drop(TRAILER);
  }
}

type MemberEnd =
  { fault?: undefined; bytes: number } | { fault: GzipFault['kind']; detail: string; bytes: number };

/**
 * Inflate one member's deflate body from the pending bytes on. InflateRaw ends at the end of the
 * deflate stream and counts the input it used (`bytesWritten`), so the bytes after it stay pending.
 */
async function* inflateMember(
  pending: () => Buffer,
  drop: (n: number) => void,
  more: () => Promise<boolean>,
  chunkSize: number,
): AsyncGenerator<Buffer, MemberEnd> {
  const inflate: InflateRaw = createInflateRaw({ chunkSize });
  const out: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  inflate.on('data', (c: Buffer) => out.push(c));
  inflate.once('end', () => (ended = true));
  inflate.once('error', (e: Error) => (failure = e));
  const settled = (): boolean => ended || failure !== undefined;
  // Resolves once zlib has taken `chunk` (or the stream has ended or failed on it).
  const feed = (chunk: Buffer | undefined): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => resolve();
      inflate.once('end', done);
      inflate.once('error', done);
      const after = (): void => {
        inflate.off('end', done);
        inflate.off('error', done);
        // `end` is emitted on a later tick than the write's callback.
        setImmediate(resolve);
      };
      if (chunk === undefined) inflate.end(after);
      else inflate.write(chunk, after);
    });
  let bytes = 0;
  let before = 0; // inflate.bytesWritten before the last write
  try {
    for (;;) {
      if (pending().length === 0 && !(await more())) {
        // The input ends: either the deflate stream ended with the last chunk, or it is cut.
        await feed(undefined);
        for (const c of out.splice(0)) {
          bytes += c.length;
          yield c;
        }
        if (failure !== undefined || !ended)
          return { fault: 'truncated', detail: 'is cut short: its end is missing', bytes };
        return { bytes };
      }
      const chunk = pending();
      await feed(chunk);
      for (const c of out.splice(0)) {
        bytes += c.length;
        yield c;
      }
      const used = inflate.bytesWritten - before;
      before = inflate.bytesWritten;
      drop(used);
      if (failure !== undefined)
        return { fault: 'corrupt', detail: `is damaged (${failure.message})`, bytes };
      if (settled()) return { bytes };
    }
  } finally {
    inflate.destroy();
  }
}
