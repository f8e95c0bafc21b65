import { describe, expect, it } from 'vitest';
import { dt101 } from '../../../src/rules/logs/dt101-turn-stranded-by-restart.js';
import { lintText } from '../../logs/helpers.js';
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

  it('reads a PID-1 bot stopping itself at the next start as a hard end (never a stale-file line)', () => {
    const restart = (pid: number) => [
      ductor(0, 'INFO', 'Logging initialized (level=INFO)'),
      ductor(0, 'INFO', 'PID lock acquired (pid=1)'),
      ductor(60, 'INFO', 'Streaming flow starting', 'main:msg:-1009876543210'),
      ductor(400, 'INFO', 'Logging initialized (level=INFO)'),
      ductor(400, 'INFO', `Stopping existing bot instance (pid=${pid})`),
      ductor(405, 'WARNING', `pid=${pid} did not exit after 5s, force killing`),
      ductor(405, 'INFO', 'PID lock acquired (pid=1)'),
    ];
    const r = runLogRule(dt101, restart(1));
    expect(r.findings.map((f) => f.subject?.name)).toEqual(['-1009876543210']);
    expect(r.findings[0]?.evidence.endedBy).toContain('PID 1');
    // Another pid is a second instance the new one stopped: not this rule's evidence.
    expect(ids(runLogRule(dt101, restart(4242)))).toEqual([]);
  });

  it('reads the 0.4.x context ([op:chat]) and the console format without a date', async () => {
    const text = [
      '08:00:00 INFO     ductor_bot.logging_config: Logging initialized (level=INFO)',
      '08:00:00 INFO     ductor_bot.infra.pidlock: PID lock acquired (pid=31401)',
      '08:01:00 INFO     ductor_bot.orchestrator.flows: [msg:444555666] Streaming flow starting',
      '08:06:40 INFO     ductor_bot.logging_config: Logging initialized (level=INFO)',
      '08:06:40 WARNING  ductor_bot.infra.pidlock: Stale PID file found (pid=31401), overwriting',
      '08:06:40 INFO     ductor_bot.infra.pidlock: PID lock acquired (pid=31402)',
    ].join('\n');
    const r = await lintText(text, { rules: [dt101] });
    expect(r.findings.map((f) => f.subject?.name)).toEqual(['444555666']);
    expect(r.sources[0]?.formats).toEqual({ 'ductor-console': 6 });
  });
});
