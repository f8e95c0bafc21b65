import { describe, expect, it } from 'vitest';
import { dt101 } from '../../../src/rules/logs/dt101-turn-stranded-by-restart.js';
import { ductor, ids, runLogRule } from './helpers.js';

describe('DT101 turn-stranded-by-restart', () => {
  const open = (s: number, chat: string) =>
    ductor(s, 'INFO', 'Streaming flow starting', `main:msg:${chat}:abcd1234`);
  it('needs terminated processes (n >= 1) for a graceful stop', () => {
    const stop = (n: number) => [
      open(0, '1'),
      ductor(10, 'INFO', 'Termination signal received, shutting down gracefully...'),
      ductor(11, 'INFO', `Shutdown terminated ${n} active CLI process(es)`),
    ];
    expect(ids(runLogRule(dt101, stop(1)))).toEqual(['DT101']);
    expect(ids(runLogRule(dt101, stop(0)))).toEqual([]);
  });

  it('stays quiet when the turn completed before the restart', () => {
    const lines = [
      ductor(0, 'INFO', 'Logging initialized'),
      open(1, '1'),
      ductor(5, 'INFO', 'Streaming flow completed', 'main:msg:1:abcd1234'),
      ductor(9, 'INFO', 'Logging initialized'),
      ductor(9, 'WARNING', 'Stale PID file found (pid=5), overwriting'),
    ];
    expect(ids(runLogRule(dt101, lines))).toEqual([]);
  });
});
