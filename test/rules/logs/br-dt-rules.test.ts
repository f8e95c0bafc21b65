import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { br101 } from '../../../src/rules/logs/br101-cancel-waited-full-window.js';
import { br102 } from '../../../src/rules/logs/br102-steprun-cleanup-stuck.js';
import { dt101 } from '../../../src/rules/logs/dt101-turn-stranded-by-restart.js';
import { dt102 } from '../../../src/rules/logs/dt102-turn-timed-out.js';
import { dt103 } from '../../../src/rules/logs/dt103-named-session-replay-unresolved.js';
import { logRules } from '../../../src/rules/index.js';
import { FIXTURES, ductor, ids, lintPaths, lintText, zap } from '../../logs/helpers.js';

const RUN = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';
const WAIT = 'Waiting for realtime runtime resources to be deleted before removing finalizer';

describe('BR101 cancel-waited-full-window', () => {
  it('fires once for the seed run with its 2m0s window against the 30 s budget', async () => {
    const r = await lintPaths([join(FIXTURES, 'controller-cancel-window')]);
    expect(ids(r)).toEqual(['BR101']);
    const f = r.findings[0];
    expect(f?.subject).toEqual({ kind: 'StoryRun', namespace: 'livekit-voice', name: RUN });
    expect(f?.evidence).toMatchObject({
      timeout: '2m0s',
      stopBudgetSeconds: 30,
      waitedSeconds: 120,
      remainingStepRuns: 3,
      cancelObservedAt: '2026-04-22T18:13:32.023539756Z',
    });
  });

  it('stays quiet when the window is within the stop budget', async () => {
    const r = await lintPaths([join(FIXTURES, 'controller-cancel-window')], { stopBudgetSeconds: 180 });
    expect(r.findings).toEqual([]);
    const short = await lintText(
      zap(0, 'Graceful cancel timeout expired; deleting remaining StepRuns', {
        namespace: 'ns',
        storyrun: 'r',
        timeout: '30s',
      }),
      { rules: [br101] },
    );
    expect(short.findings).toEqual([]);
  });

  it('reports one finding per StoryRun', async () => {
    const l = (s: number, run: string) =>
      zap(s, 'Graceful cancel timeout expired; deleting remaining StepRuns', {
        namespace: 'ns',
        storyrun: run,
        timeout: '1m0s',
      });
    const r = await lintText([l(0, 'a'), l(10, 'a'), l(20, 'b')].join('\n'), { rules: [br101] });
    expect(r.findings.map((f) => f.subject?.name)).toEqual(['a', 'b']);
  });
});

describe('BR102 steprun-cleanup-stuck', () => {
  it('fires for the StepRun that waited 7.5 min and not for the one that finished', async () => {
    const r = await lintPaths([join(FIXTURES, 'steprun-finalizer-stuck')]);
    expect(ids(r)).toEqual(['BR102']);
    expect(r.findings[0]?.subject).toEqual({
      kind: 'StepRun',
      namespace: 'livekit-voice',
      name: `${RUN}-voice-agent`,
    });
    expect(r.notEvaluated).toEqual([]);
  });

  it('is not evaluated when the capture ends before 5 min', async () => {
    const r = await lintText(
      [zap(0, WAIT, { namespace: 'ns', name: 's1' }), zap(120, WAIT, { namespace: 'ns', name: 's1' })].join(
        '\n',
      ),
      { rules: [br102] },
    );
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated[0]).toMatchObject({
      ruleId: 'BR102',
      subject: { kind: 'StepRun', namespace: 'ns', name: 's1' },
    });
  });

  it('stays quiet once the owned resources are deleted', async () => {
    const r = await lintText(
      [
        zap(0, WAIT, { namespace: 'ns', name: 's1' }),
        zap(400, 'Owned resources are deleted, removing finalizer', { namespace: 'ns', name: 's1' }),
        zap(700, 'x'),
      ].join('\n'),
      { rules: [br102] },
    );
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated).toEqual([]);
  });
});

describe('Ductor rules on the fixture', () => {
  it('report the stranded, timed-out and unresolved work, and nothing for the near misses', async () => {
    const r = await lintPaths([join(FIXTURES, 'ductor')]);
    const by = (id: string) =>
      r.findings
        .filter((f) => f.ruleId === id)
        .map((f) => f.subject?.name)
        .sort();
    expect(by('DT101')).toEqual(['222333444', '444555666']);
    expect(by('DT102')).toEqual(['123456789']);
    expect(by('DT103')).toEqual(['333444555']);
    expect(r.findings.every((f) => f.subject?.kind === 'DuctorChat')).toBe(true);
    expect(r.notEvaluated).toEqual([]);
  });
});

describe('DT101 turn-stranded-by-restart', () => {
  const open = (s: number, chat: string) =>
    ductor(s, 'INFO', 'Streaming flow starting', `main:msg:${chat}:abcd1234`);
  it('needs terminated processes (n >= 1) for a graceful stop', async () => {
    const stop = (n: number) =>
      [
        open(0, '1'),
        ductor(10, 'INFO', 'Termination signal received, shutting down gracefully...'),
        ductor(11, 'INFO', `Shutdown terminated ${n} active CLI process(es)`),
      ].join('\n');
    expect(ids(await lintText(stop(1), { rules: [dt101] }))).toEqual(['DT101']);
    expect(ids(await lintText(stop(0), { rules: [dt101] }))).toEqual([]);
  });

  it('stays quiet when the turn completed before the restart', async () => {
    const lines = [
      ductor(0, 'INFO', 'Logging initialized'),
      open(1, '1'),
      ductor(5, 'INFO', 'Streaming flow completed', 'main:msg:1:abcd1234'),
      ductor(9, 'INFO', 'Logging initialized'),
      ductor(9, 'WARNING', 'Stale PID file found (pid=5), overwriting'),
    ];
    expect(ids(await lintText(lines.join('\n'), { rules: [dt101] }))).toEqual([]);
  });
});

describe('DT102 turn-timed-out', () => {
  it('is resolved only by a later turn of the same session', async () => {
    const to = ductor(0, 'WARNING', 'Session timed out after 600s', 'main:msg:1:aaaa1111');
    expect(
      ids(
        await lintText([to, ductor(60, 'INFO', 'Normal flow starting', 'main:msg:1:bbbb2222')].join('\n'), {
          rules: [dt102],
        }),
      ),
    ).toEqual(['DT102']);
    expect(
      ids(
        await lintText([to, ductor(60, 'INFO', 'Normal flow starting', 'main:msg:1:aaaa1111')].join('\n'), {
          rules: [dt102],
        }),
      ),
    ).toEqual([]);
  });
});

describe('DT103 named-session-replay-unresolved', () => {
  const sub = ductor(
    1,
    'INFO',
    'Background task submitted id=t1 chat=42 provider=claude session=nightly',
    'main',
  );
  it('is not evaluated while the process is still running at the end of the capture', async () => {
    const r = await lintText(
      [ductor(0, 'INFO', 'Logging initialized'), sub, ductor(2, 'INFO', 'Bot online: @b')].join('\n'),
      { rules: [dt103] },
    );
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated.map((n) => n.ruleId)).toEqual(['DT103']);
  });

  it('fires when the process ends first and stays quiet when resolved', async () => {
    const end = ductor(50, 'INFO', 'PID lock released');
    expect(
      ids(
        await lintText(
          [ductor(0, 'INFO', 'Logging initialized'), sub, ductor(2, 'INFO', 'Bot online: @b'), end].join(
            '\n',
          ),
          { rules: [dt103] },
        ),
      ),
    ).toEqual(['DT103']);
    for (const done of [
      'CLI ns:nightly [ok] 3.1s',
      'CLI ns:nightly [error] exit 1',
      'Named session task failed: nightly',
    ]) {
      const r = await lintText(
        [
          ductor(0, 'INFO', 'Logging initialized'),
          sub,
          ductor(2, 'INFO', 'Bot online: @b'),
          ductor(9, 'INFO', done, 'main'),
          end,
        ].join('\n'),
        { rules: [dt103] },
      );
      expect(r.findings).toEqual([]);
    }
  });

  it('ignores tasks submitted after Bot online (not a startup replay)', async () => {
    const r = await lintText(
      [
        ductor(0, 'INFO', 'Logging initialized'),
        ductor(2, 'INFO', 'Bot online: @b'),
        sub,
        ductor(50, 'INFO', 'PID lock released'),
      ].join('\n'),
      { rules: [dt103] },
    );
    expect(r.findings).toEqual([]);
  });
});

describe('log rule catalog', () => {
  it('lists every log rule of RULES.md with complete metadata and needles', () => {
    expect(logRules.map((r) => `${r.meta.id} ${r.meta.name} ${r.meta.severity}`)).toEqual([
      'LK101 close-hung-in-drain error',
      'LK102 orphaned-stt-socket error',
      'LK103 session-close-timeout error',
      'LK104 stt-retries-exhausted warning',
      'LK201 warm-transfer-room-leak error',
      'LK301 worker-drain-unresolved warning',
      'BR101 cancel-waited-full-window warning',
      'BR102 steprun-cleanup-stuck warning',
      'DT101 turn-stranded-by-restart error',
      'DT102 turn-timed-out warning',
      'DT103 named-session-replay-unresolved warning',
    ]);
    for (const r of logRules) {
      expect(r.kind).toBe('log');
      for (const k of ['summary', 'rationale', 'fix', 'docs'] as const)
        expect(r.meta[k].length).toBeGreaterThan(10);
      expect(r.needles.length).toBeGreaterThan(0);
    }
  });

  it('turns a throwing rule into one internal finding and keeps the others running', async () => {
    const boom = {
      ...br101,
      meta: { ...br101.meta, id: 'XX999' },
      create: () => ({
        onEvent: () => {
          throw new Error('boom');
        },
        finish: () => ({ findings: [], notEvaluated: [] }),
      }),
    };
    const r = await lintPaths([join(FIXTURES, 'controller-cancel-window')]);
    const { lintLogs } = await import('../../../src/logs/index.js');
    const both = await lintLogs([join(FIXTURES, 'controller-cancel-window')], {
      stopBudgetSeconds: 30,
      rules: [boom, br101],
    });
    expect(both.findings.map((f) => f.ruleId).sort()).toEqual(['BR101', 'internal-error']);
    expect(ids(r)).toEqual(['BR101']);
  });
});
