// Gzip captures read member by member (issue 16 item 7): a member cut short or garbage after one
// yields every line that decompresses and names the fault. Before, a cut member ended the input
// silently and garbage after a complete member lost the member's end and failed the whole file.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipMembers, gzipHeaderLength, type GzipFault } from '../../src/logs/gzip.js';

const TEXT = Buffer.from(
  Array.from(
    { length: 4000 },
    (_, i) => `2026-04-22T18:13:${String(i % 60).padStart(2, '0')}Z line ${i}\n`,
  ).join(''),
);
const GZ = gzipSync(TEXT);
const SECOND = gzipSync(Buffer.from('second member\n'));

async function gunzip(data: Buffer, chunk: number): Promise<{ text: Buffer; faults: GzipFault[] }> {
  const faults: GzipFault[] = [];
  const chunks = (async function* () {
    for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
  })();
  const out: Buffer[] = [];
  for await (const c of gunzipMembers(chunks, (f) => faults.push(f))) out.push(c);
  return { text: Buffer.concat(out), faults };
}

// Small chunks put member boundaries inside and between chunks; a large one holds a whole file.
describe.each([7, 4096, 1 << 20])('gunzipMembers in chunks of %i bytes', (chunk) => {
  it('reads a whole file, several members and zero padding without a fault', async () => {
    const one = await gunzip(GZ, chunk);
    expect(one.text.equals(TEXT)).toBe(true);
    expect(one.faults).toEqual([]);
    const two = await gunzip(Buffer.concat([GZ, SECOND, Buffer.alloc(512)]), chunk);
    expect(two.text.equals(Buffer.concat([TEXT, Buffer.from('second member\n')]))).toBe(true);
    expect(two.faults).toEqual([]);
  });

  it('keeps the complete member and names the garbage after it', async () => {
    const r = await gunzip(Buffer.concat([GZ, Buffer.from('<html>proxy error</html>')]), chunk);
    expect(r.text.equals(TEXT)).toBe(true);
    expect(r.faults).toEqual([
      {
        kind: 'trailing-garbage',
        message: `24 byte(s) of trailing garbage after gzip member 1 (at byte ${GZ.length}) were not read`,
      },
    ]);
  });

  it('yields what a cut member holds and says it is cut', async () => {
    const r = await gunzip(GZ.subarray(0, Math.floor(GZ.length / 2)), chunk);
    expect(r.text.length).toBeGreaterThan(TEXT.length / 4);
    expect(TEXT.subarray(0, r.text.length).equals(r.text)).toBe(true);
    expect(r.faults).toEqual([
      { kind: 'truncated', message: 'gzip member 1 is cut short: its end is missing' },
    ]);
  });

  it('says so when only the trailer or the next header is cut', async () => {
    const trailer = await gunzip(GZ.subarray(0, GZ.length - 3), chunk);
    expect(trailer.text.equals(TEXT)).toBe(true);
    expect(trailer.faults).toEqual([
      { kind: 'truncated', message: 'gzip member 1 is cut short in its trailer' },
    ]);
    const header = await gunzip(Buffer.concat([GZ, SECOND.subarray(0, 6)]), chunk);
    expect(header.text.equals(TEXT)).toBe(true);
    expect(header.faults).toEqual([
      { kind: 'truncated', message: 'gzip member 2 is cut short in its header' },
    ]);
  });

  it('names a damaged member', async () => {
    const damaged = Buffer.from(GZ);
    damaged.writeUInt32LE(12345, damaged.length - 4); // ISIZE
    expect((await gunzip(damaged, chunk)).faults).toEqual([
      { kind: 'corrupt', message: 'gzip member 1 has the wrong length in its trailer' },
    ]);
  });
});

describe('gzipHeaderLength', () => {
  it('reads the optional name and comment fields, and waits for the bytes it needs', () => {
    const header = Buffer.from([0x1f, 0x8b, 8, 0x18, 0, 0, 0, 0, 0, 3]);
    const full = Buffer.concat([header, Buffer.from('agent.log\0a comment\0')]);
    expect(gzipHeaderLength(full)).toBe(full.length);
    expect(gzipHeaderLength(full.subarray(0, 14))).toBeUndefined();
    expect(gzipHeaderLength(Buffer.from('GET /'))).toBe(-1);
  });
});
