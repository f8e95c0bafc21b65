import { describe, expect, it } from 'vitest';
import { parseLine } from './helpers.js';

describe('format detection', () => {
  it('reads Bobrapet zap JSON, repeated keys last-wins, RFC3339 and epoch-second times', () => {
    const ev = parseLine(
      '{"level":"info","ts":"2026-04-22T18:15:32Z","msg":"m","namespace":"a","namespace":"livekit-voice","remainingStepRuns":3}',
    );
    expect(ev).toMatchObject({
      format: 'zap-json',
      level: 'info',
      message: 'm',
      time: Date.parse('2026-04-22T18:15:32Z'),
      fields: { namespace: 'livekit-voice', remainingStepRuns: 3 },
    });
    expect(parseLine('{"level":"error","ts":1776881732.5,"msg":"m"}')).toMatchObject({
      format: 'zap-json',
      level: 'error',
      time: 1776881732500,
    });
  });

  it('reads pino JSON with numeric levels, epoch-ms time, pid, hostname and job id', () => {
    const ev = parseLine(
      '{"level":40,"time":1787332801123,"pid":4242,"hostname":"agent-7d9f","jobID":"AJ_1","attempt":2,"msg":"failed to recognize speech, retrying in 2000ms"}',
    );
    expect(ev).toMatchObject({
      format: 'pino-json',
      level: 'warn',
      time: 1787332801123,
      pid: 4242,
      hostname: 'agent-7d9f',
      jobId: 'AJ_1',
      fields: { attempt: 2 },
    });
    expect(parseLine('{"level":60,"time":1,"pid":1,"msg":"x"}')?.level).toBe('fatal');
  });

  it('reads pino-pretty headers and their indented key: value lines, including multi-line objects', () => {
    const ev = parseLine('[17:20:01.123] ERROR (4242 on agent-7d9f): Received error from LiveKit STT', [
      '    stt: "livekit.STT"',
      '    error: {',
      '      "code": 2007,',
      '      "message": "session closed due to agent inactivity"',
      '    }',
    ]);
    expect(ev).toMatchObject({
      format: 'pino-pretty',
      level: 'error',
      pid: 4242,
      hostname: 'agent-7d9f',
      message: 'Received error from LiveKit STT',
      time: 62401123,
    });
    expect(ev?.fields).toEqual({
      stt: 'livekit.STT',
      error: { code: 2007, message: 'session closed due to agent inactivity' },
    });
  });

  it('reads LiveKit Python JSON with string levels, ISO time, job_id and pid', () => {
    const ev = parseLine(
      '{"message": "session closed", "level": "DEBUG", "name": "livekit.agents", "pid": 812, "job_id": "AJ_x", "timestamp": "2026-08-21T17:20:01.123456+00:00"}',
    );
    expect(ev).toMatchObject({
      format: 'python-json',
      level: 'debug',
      pid: 812,
      jobId: 'AJ_x',
      time: Date.parse('2026-08-21T17:20:01.123Z'),
    });
  });

  it('reads LiveKit Python dev text with its JSON extras', () => {
    const ev = parseLine(
      '2026-08-21 17:50:04,511 - WARNING livekit.agents - failed to recognize speech: error, retrying in 0.1s {"attempt": 0, "pid": 812}',
    );
    expect(ev).toMatchObject({
      format: 'python-colored',
      level: 'warn',
      message: 'failed to recognize speech: error, retrying in 0.1s',
      pid: 812,
      time: Date.parse('2026-08-21T17:50:04.511Z'),
      fields: { attempt: 0 },
    });
  });

  it('reads Ductor text and its [agent:op:chat:sid8] context', () => {
    const ev = parseLine(
      '2026-05-14 08:16:04 [WARNING] ductor_bot.cli.executor:executor.py:176: [main:msg:123456789:1a2b3c4d] CLI stream timed out after 600s',
    );
    expect(ev).toMatchObject({
      format: 'ductor-file',
      level: 'warn',
      message: 'CLI stream timed out after 600s',
      ductor: { agent: 'main', op: 'msg', chat: '123456789', session: '1a2b3c4d' },
    });
    expect(
      parseLine('2026-05-14 08:16:04 [INFO] a.b:x.py:1: [main] Background task submitted id=1')?.ductor,
    ).toEqual({ agent: 'main' });
  });

  it('rejects lines of no known format', () => {
    for (const line of [
      'hello world',
      '{"no":"message"}',
      '{broken',
      '[not a time] x',
      '2026-05-14 nonsense',
    ])
      expect(parseLine(line)).toBeUndefined();
  });
});
