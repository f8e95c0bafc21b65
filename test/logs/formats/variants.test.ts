// The format variants the upstream programs write (docs/log-sources.md), one record each.
import { describe, expect, it } from 'vitest';
import { ductorContext } from '../../../src/logs/formats/ductor-context.js';
import { parseLine } from '../helpers.js';

describe('format variants, as the programs write them', () => {
  it('pino JSON: duplicate pid, jobID (job logger) and jobId (JobContext), the base hostname first', () => {
    const job = parseLine(
      '{"level":30,"time":1776866401203,"pid":23,"hostname":"voice-agent-x2k4q","pid":23,"jobID":"AJ_1","msg":"job started"}',
    );
    expect(job).toMatchObject({ format: 'pino-json', pid: 23, jobId: 'AJ_1', hostname: 'voice-agent-x2k4q' });
    const ctx = parseLine(
      '{"level":30,"time":1,"pid":23,"hostname":"h","jobId":"AJ_2","roomName":"r","msg":"room deleted"}',
    );
    expect(ctx?.jobId).toBe('AJ_2');
    // `Configuring session recording (cloud tracer)` logs the cloud host as a second `hostname`.
    const traced = parseLine(
      '{"level":20,"time":1,"pid":23,"hostname":"voice-agent-x2k4q","hostname":"cloud.livekit.io","msg":"Configuring session recording (cloud tracer)"}',
    );
    expect(traced?.hostname).toBe('voice-agent-x2k4q');
  });

  it('pino-pretty: an error object with its raw stack block parses back into an object', () => {
    const ev = parseLine('[09:46:55.422] WARN (5062): failed to recognize speech, retrying in 100ms', [
      '    stt: "inference.STT"',
      '    attempt: 1',
      '    error: {',
      '      "type": "APIError",',
      '      "message": "LiveKit STT returned error: {\\"code\\":2007}",',
      '      "stack":',
      '          APIError: LiveKit STT returned error: {"code":2007}',
      '              at SpeechStream.run (stt.js:1:1)',
      '      "body": null,',
      '      "retryable": true',
      '    }',
    ]);
    expect(ev?.fields).toMatchObject({
      stt: 'inference.STT',
      attempt: 1,
      error: { type: 'APIError', retryable: true, body: null },
    });
    expect((ev?.fields.error as { stack: string }).stack).toContain('at SpeechStream.run');
    // An empty stack leaves a line of spaces.
    const empty = parseLine('[09:46:55.421] ERROR (5062): Received error from LiveKit STT', [
      '    error: {',
      '      "type": "Object",',
      '      "message": "session closed due to agent inactivity",',
      '      "stack":',
      '          ',
      '      "code": 2007',
      '    }',
    ]);
    expect(empty?.fields.error).toEqual({
      type: 'Object',
      message: 'session closed due to agent inactivity',
      stack: '',
      code: 2007,
    });
  });

  it('Python JSON in both key orders (1.3.1-1.3.6 `level` first, 1.3.7+ `message` first)', () => {
    for (const line of [
      '{"level": "INFO", "name": "livekit.agents", "message": "process exiting", "reason": "", "pid": 812, "job_id": "AJ_1", "timestamp": "2026-04-22T16:01:39+00:00"}',
      '{"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", "pid": 812, "job_id": "AJ_1", "timestamp": "2026-04-22T16:01:39+00:00"}',
    ])
      expect(parseLine(line)).toMatchObject({
        format: 'python-json',
        message: 'process exiting',
        jobId: 'AJ_1',
        time: Date.parse('2026-04-22T16:01:39Z'),
      });
  });

  it('Python coloured text: no extras leave a trailing space; a forwarded traceback carries the extras on its first copy', () => {
    expect(parseLine('2026-04-22 16:00:00,000 - DEV  livekit.agents - reloading job ')).toMatchObject({
      format: 'python-colored',
      message: 'reloading job',
    });
    const ev = parseLine(
      '2026-04-22 16:10:12,750 - ERROR livekit.agents - unknown error while deleting room',
      [
        'Traceback (most recent call last):',
        '  File "job.py", line 412, in delete_room',
        'aiohttp.client_exceptions.ClientConnectorError: Cannot connect {"pid": 812, "job_id": "AJ_1"}',
        'Traceback (most recent call last):',
        '  File "job.py", line 412, in delete_room',
        'aiohttp.client_exceptions.ClientConnectorError: Cannot connect',
      ],
    );
    expect(ev).toMatchObject({
      message: 'unknown error while deleting room',
      pid: 812,
      jobId: 'AJ_1',
      level: 'error',
    });
    expect(String(ev?.fields.traceback)).toContain('ClientConnectorError');
  });

  it('Python compact text (`--simulation`): a time of day, no ` - `', () => {
    const ev = parseLine(
      '16:00:38 WARNING livekit.agents failed to recognize speech: boom, retrying in 0.1s {"attempt": 0, "pid": 812}',
    );
    expect(ev).toMatchObject({
      format: 'python-compact',
      level: 'warn',
      message: 'failed to recognize speech: boom, retrying in 0.1s',
      pid: 812,
      fields: { attempt: 0 },
    });
  });

  it('zap console (`--zap-devel`): tab-separated, a missing logger column, the stack trace after it', () => {
    const ev = parseLine(
      '2026-04-22T18:13:32Z\tERROR\tstoryrun\tFailed to annotate StepRun with cancel\t{"StoryRun":{"name":"r","namespace":"ns"},"steprun":"r-agent","error":"conflict"}',
      [
        'github.com/bubustack/bobrapet/internal/controller/runs.(*StoryRunReconciler).handleGracefulCancel',
        '\t/workspace/internal/controller/runs/storyrun_controller.go:1617',
      ],
    );
    expect(ev).toMatchObject({
      format: 'zap-console',
      family: 'bobrapet',
      level: 'error',
      message: 'Failed to annotate StepRun with cancel',
      time: Date.parse('2026-04-22T18:13:32Z'),
      fields: { logger: 'storyrun', steprun: 'r-agent' },
    });
    expect(parseLine('2026-04-22T18:13:32Z\tERROR\tReconciler error\t{"error":"x"}')).toMatchObject({
      message: 'Reconciler error',
      fields: { error: 'x' },
    });
  });

  it("Ductor's file and console handlers, coloured console included once escapes are gone", () => {
    expect(
      parseLine(
        '2026-05-14 08:15:00 [WARNING] ductor_bot.orchestrator.flows:flows.py:156: [main:msg:-1001234567890:Release Planning: Q2] Session timed out after 600s model=opus',
      ),
    ).toMatchObject({
      format: 'ductor-file',
      message: 'Session timed out after 600s model=opus',
      ductor: { agent: 'main', op: 'msg', chat: '-1001234567890', topic: 'Release Planning: Q2' },
    });
    expect(
      parseLine(
        '08:15:00 WARNING  ductor_bot.cli.executor: [main:msg:123:1a2b3c4d] CLI stream timed out after 600s',
      ),
    ).toMatchObject({
      format: 'ductor-console',
      level: 'warn',
      ductor: { chat: '123', session: '1a2b3c4d' },
    });
  });

  it('Ductor contexts: 0.4.x and 0.20.x, any part missing, topics with spaces and colons', () => {
    const c = (text: string) => ductorContext(`${text}message`)?.context;
    expect(c('[msg:123456789:1a2b3c4d] ')).toEqual({ op: 'msg', chat: '123456789', session: '1a2b3c4d' });
    expect(c('[cron] ')).toEqual({ op: 'cron' });
    expect(c('[main] ')).toEqual({ agent: 'main' });
    expect(c('[main:cron] ')).toEqual({ agent: 'main', op: 'cron' });
    expect(c('[main:msg:-1001234567890:1a2b3c4d] ')).toEqual({
      agent: 'main',
      op: 'msg',
      chat: '-1001234567890',
      session: '1a2b3c4d',
    });
    expect(c('[coder:msg:-100123:Topic #7:c0ffee12] ')).toEqual({
      agent: 'coder',
      op: 'msg',
      chat: '-100123',
      topic: 'Topic #7',
      session: 'c0ffee12',
    });
    expect(c('[main:msg:42:Q2: plan and ship] ')).toEqual({
      agent: 'main',
      op: 'msg',
      chat: '42',
      topic: 'Q2: plan and ship',
    });
    expect(ductorContext('no context here')).toBeUndefined();
  });
});
