import { describe, expect, it } from 'vitest';
import { stripPrefixes } from '../../src/logs/prefixes.js';

describe('stripPrefixes', () => {
  it('strips the kubectl --timestamps RFC3339Nano prefix and keeps its time', () => {
    expect(stripPrefixes('2026-04-22T18:13:32.023539756Z {"a":1}')).toEqual({
      content: '{"a":1}',
      prefixTime: Date.parse('2026-04-22T18:13:32.023Z'),
    });
  });

  it('strips the CRI prefix and flags partial records', () => {
    expect(stripPrefixes('2026-04-22T18:13:32.1Z stdout F {"a":1}')).toMatchObject({ content: '{"a":1}' });
    expect(stripPrefixes('2026-04-22T18:13:32.1Z stderr P {"a":')).toMatchObject({
      content: '{"a":',
      partial: true,
    });
  });

  it('strips stern pod/container prefixes, also stacked with timestamps', () => {
    expect(stripPrefixes('agent-7d9f-x2k agent {"a":1}').content).toBe('{"a":1}');
    expect(
      stripPrefixes('agent-7d9f-x2k agent 2026-04-22T18:13:32Z [17:20:01.123] INFO (1): m').content,
    ).toBe('[17:20:01.123] INFO (1): m');
    expect(stripPrefixes('agent-7d9f-x2k agent     key: value').content).toBe('    key: value');
  });

  it('leaves unprefixed Ductor, Python text and pino-pretty lines alone', () => {
    for (const line of [
      '2026-05-14 08:16:04 [WARNING] a:b.py:1: m',
      '2026-08-21 17:50:04,511 - WARNING livekit.agents - m',
      '[17:20:01.123] INFO (4242): m',
      '    key: value',
    ]) {
      expect(stripPrefixes(line).content).toBe(line);
    }
  });
});
