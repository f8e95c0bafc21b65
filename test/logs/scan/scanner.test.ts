import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from '../../../src/logs/limits.js';
import { createRegexMatcher } from '../../../src/logs/matcher/regex.js';
import type { Matcher } from '../../../src/logs/matcher/types.js';
import { createWasmMatcher } from '../../../src/logs/matcher/wasm.js';
import { Scanner, WINDOW_BYTES, type ScanRecord } from '../../../src/logs/scan/scanner.js';

const matchers: Record<'wasm' | 'regex', (needles: string[]) => Matcher> = {
  wasm: (needles) => {
    const m = createWasmMatcher(needles, WINDOW_BYTES);
    if (!m) throw new Error('the WebAssembly matcher did not load (is dist/wasm built?)');
    return m;
  },
  regex: (needles) => createRegexMatcher(needles, WINDOW_BYTES),
};

describe.each(['wasm', 'regex'] as const)('Scanner with the %s matcher', (kind) => {
  function scan(
    data: Buffer | string,
    needles: string[],
    chunk = 1 << 20,
  ): { records: ScanRecord[]; s: Scanner } {
    const records: ScanRecord[] = [];
    const s = new Scanner(matchers[kind](needles), (r) => records.push(r));
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    for (let i = 0; i < buf.length; i += chunk) s.push(buf.subarray(i, i + chunk));
    s.end();
    return { records, s };
  }

  const text = ['alpha', 'beta NEEDLE one', 'gamma', 'delta', 'NEEDLE two', 'eps'].join('\n');

  it('emits only lines holding a needle, with 1-based line numbers, and counts every line', () => {
    const { records, s } = scan(`${text}\n`, ['NEEDLE']);
    expect(records.map((r) => [r.line, r.lines[0]])).toEqual([
      [2, 'beta NEEDLE one'],
      [5, 'NEEDLE two'],
    ]);
    expect(s.lines).toBe(6);
    expect(s.skippedLines).toBe(0);
  });

  it('gives the same records and counts whatever the chunk size (lines split across chunks)', () => {
    const whole = scan(text, ['NEEDLE']);
    for (const size of [1, 2, 3, 7, 16]) {
      const split = scan(text, ['NEEDLE'], size);
      expect(split.records).toEqual(whole.records);
      expect(split.s.lines).toBe(6);
    }
  });

  it('reads a last line without a trailing newline and strips CR from CRLF lines', () => {
    const { records, s } = scan('a\r\nx NEEDLE\r\nlast NEEDLE', ['NEEDLE']);
    expect(records.map((r) => r.lines[0])).toEqual(['x NEEDLE', 'last NEEDLE']);
    expect(s.lines).toBe(3);
  });

  it('keeps the last line with the collector time it parsed, as a number', () => {
    const prefixed = scan('2026-04-22T18:13:32.5Z a\n2026-04-22T18:13:33.25Z {"b":1}\n', ['NEEDLE']);
    expect(prefixed.s.lastLine).toEqual({
      content: '{"b":1}',
      prefixTime: Date.parse('2026-04-22T18:13:33.250Z'),
    });
    expect(scan('a\nlast one\n\n', ['NEEDLE']).s.lastLine).toEqual({ content: 'last one' });
  });

  it('counts and skips invalid UTF-8 and binary lines, even when they hold a needle', () => {
    const data = Buffer.concat([
      Buffer.from('ok NEEDLE\n'),
      Buffer.from([0xff, 0xfe, 0x4e]),
      Buffer.from('EEDLE bad\nnul\u0000 NEEDLE\nfine\n'),
    ]);
    const { records, s } = scan(data, ['NEEDLE']);
    expect(records.map((r) => r.lines[0])).toEqual(['ok NEEDLE']);
    expect(s.lines).toBe(4);
    expect(s.invalidLines).toBe(2);
    expect(s.skippedLines).toBe(2);
  });

  it('truncates lines over 1 MiB and counts them, and keeps reading after them', () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 10);
    const { records, s } = scan(`NEEDLE ${long}\nafter NEEDLE\n`, ['NEEDLE'], 64 * 1024);
    expect(s.truncatedLines).toBe(1);
    expect(s.skippedLines).toBe(1);
    expect(records.map((r) => r.lines[0]?.length)).toEqual([MAX_LINE_BYTES, 'after NEEDLE'.length]);
    expect(records[1]?.line).toBe(2);
    expect(s.lines).toBe(2);
  });

  it('keeps pino-pretty continuation lines with their header, across chunk boundaries, from either end', () => {
    const pretty = [
      '[17:20:01.123] ERROR (4242): Received error',
      '    error: {',
      '      "code": 2007',
      '    }',
      '[17:20:02.000] INFO (4242): next',
      'plain',
    ].join('\n');
    for (const size of [5, 13, 1 << 20]) {
      const byHeader = scan(pretty, ['Received error'], size).records;
      expect(byHeader).toEqual([
        {
          line: 1,
          lines: [
            '[17:20:01.123] ERROR (4242): Received error',
            '    error: {',
            '      "code": 2007',
            '    }',
          ],
        },
      ]);
      const byBody = scan(pretty, ['2007'], size).records;
      expect(byBody).toEqual(byHeader);
    }
  });

  it('joins CRI partial (P) records with the final (F) one, found from either piece', () => {
    const cri = [
      '2026-04-22T18:15:32.000000001Z stderr P {"msg":"Graceful cancel ',
      '2026-04-22T18:15:32.000000002Z stderr F timeout expired","x":1}',
      'next',
    ].join('\n');
    for (const needle of ['Graceful', 'expired']) {
      const { records } = scan(cri, [needle]);
      expect(records).toEqual([
        {
          line: 1,
          lines: ['{"msg":"Graceful cancel timeout expired","x":1}'],
          prefixTime: Date.parse('2026-04-22T18:15:32.000Z'),
        },
      ]);
    }
  });

  it('matches needles given with non-ASCII characters', () => {
    const { records } = scan('a\nwaited 2µs here\n', ['2µs']);
    expect(records.map((r) => r.line)).toEqual([2]);
  });
});
