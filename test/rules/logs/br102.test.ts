import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { br102 } from '../../../src/rules/logs/br102-steprun-cleanup-stuck.js';
import { ids, lintPaths } from '../../logs/helpers.js';
import { FIXTURES, runLogRule, zap } from './helpers.js';
import { RUN, WAIT } from './controller-lines.js';

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

  it('takes its age from the context (config thresholds.stuckCleanupAge)', () => {
    const lines = [
      zap(0, WAIT, { namespace: 'ns', name: 's1' }),
      zap(120, WAIT, { namespace: 'ns', name: 's1' }),
    ];
    const r = runLogRule(br102, lines, { thresholds: { stuckCleanupSeconds: 60 } });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['BR102']);
    expect(r.findings[0]?.evidence).toMatchObject({ limitSeconds: 60, waitedSeconds: 120 });
  });

  it('is not evaluated when the capture ends before 5 min', () => {
    const r = runLogRule(br102, [
      zap(0, WAIT, { namespace: 'ns', name: 's1' }),
      zap(120, WAIT, { namespace: 'ns', name: 's1' }),
    ]);
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated[0]).toMatchObject({
      ruleId: 'BR102',
      subject: { kind: 'StepRun', namespace: 'ns', name: 's1' },
    });
  });

  it('stays quiet once the owned resources are deleted', () => {
    const r = runLogRule(br102, [
      zap(0, WAIT, { namespace: 'ns', name: 's1' }),
      zap(400, 'Owned resources are deleted, removing finalizer', { namespace: 'ns', name: 's1' }),
      zap(700, 'x'),
    ]);
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated).toEqual([]);
  });
});
