import { describe, expect, it } from 'vitest';
import { continuationOf, FORMATS, formatNamed, isContinuationLine } from '../../../src/logs/formats/index.js';
import { parseLine } from '../helpers.js';

describe('the format registry', () => {
  it('names each format once', () => {
    const names = FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of FORMATS) expect(formatNamed(f.name)).toBe(f);
  });

  it('gives every event its format and the family the rules ask', () => {
    const lines: [string, string, string][] = [
      ['{"level":30,"time":1,"pid":1,"msg":"m"}', 'pino', 'livekit-js'],
      ['[17:20:01.123] INFO (4242): m', 'pino-pretty', 'livekit-js'],
      ['{"level":"info","ts":"2026-04-22T18:15:32Z","msg":"m"}', 'zap', 'bobrapet'],
      ['{"message": "m", "level": "INFO", "name": "livekit.agents"}', 'python-json', 'livekit-python'],
      ['2026-08-21 17:50:04,511 - WARNING livekit.agents - m', 'python-text', 'livekit-python'],
      ['2026-05-14 08:16:04 [INFO] a.b:x.py:1: m', 'ductor', 'ductor'],
    ];
    for (const [line, format, family] of lines) expect(parseLine(line)).toMatchObject({ format, family });
  });

  it('asks the JSON formats in order, and the loose claims only when no format claims the object', () => {
    // A numeric level is pino even with a `ts`; a string level with `ts` is zap.
    expect(parseLine('{"level":30,"ts":"2026-04-22T18:15:32Z","msg":"m"}')?.format).toBe('pino');
    expect(parseLine('{"level":"info","ts":1,"pid":1,"msg":"m"}')?.format).toBe('zap');
    // pino with a string level, by `time`/`pid` — unless Python claims it first.
    expect(parseLine('{"level":"info","time":1,"pid":1,"msg":"m"}')?.format).toBe('pino');
    expect(parseLine('{"message":"m","level":"INFO","msg":"x","pid":1}')?.format).toBe('python-json');
  });

  it('knows which lines open and continue a multi-line record', () => {
    expect(continuationOf('[17:20:01.123] INFO (4242): m')?.continues('    key: value')).toBe(true);
    expect(continuationOf('{"level":30}')).toBeUndefined();
    expect(isContinuationLine('\tkey: value')).toBe(true);
    expect(isContinuationLine('{"level":30}')).toBe(false);
  });

  it('dates time-of-day formats from the context and zone-less ones as UTC', () => {
    expect(formatNamed('pino-pretty')?.dates).toBe('time-of-day');
    expect(formatNamed('ductor')?.dates).toBe('zone-less');
    expect(parseLine('2026-05-14 08:16:04,25 [INFO] a.b:x.py:1: m')?.time).toBe(
      Date.parse('2026-05-14T08:16:04.250Z'),
    );
  });
});
