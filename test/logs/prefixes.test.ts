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

  it('strips kubectl logs --prefix, alone and with --timestamps', () => {
    expect(stripPrefixes('[pod/voice-agent-5b7c9d8f6-x2k4q/agent] {"a":1}').content).toBe('{"a":1}');
    expect(
      stripPrefixes(
        '[pod/voice-agent-5b7c9d8f6-x2k4q/agent] 2026-04-22T18:13:32.023539756Z [14:00:38.830] INFO (23): m',
      ),
    ).toEqual({ content: '[14:00:38.830] INFO (23): m', prefixTime: Date.parse('2026-04-22T18:13:32.023Z') });
    // pino-pretty's own bracket is no prefix.
    expect(stripPrefixes('[14:00:38.830] INFO (23): m').content).toBe('[14:00:38.830] INFO (23): m');
  });

  it('strips terminal escapes first, wherever they are: a coloured stern prefix, coloured lines', () => {
    expect(stripPrefixes('\x1b[32magent-7d9f-x2k\x1b[0m \x1b[33magent\x1b[0m {"a":1}').content).toBe(
      '{"a":1}',
    );
    expect(
      stripPrefixes('[09:46:55.418] \x1b[32mINFO\x1b[39m (5062): \x1b[36mjob started\x1b[39m').content,
    ).toBe('[09:46:55.418] INFO (5062): job started');
    expect(stripPrefixes('08:16:04 \x1b[33mWARNING \x1b[0m ductor_bot.cli.executor: m').content).toBe(
      '08:16:04 WARNING  ductor_bot.cli.executor: m',
    );
    // The TCP console's leading carriage return.
    expect(stripPrefixes('\r16:00:38 \x1b[32mINFO\x1b[0m livekit.agents m \x1b[90m\x1b[0m').content).toBe(
      '16:00:38 INFO livekit.agents m ',
    );
  });
});
