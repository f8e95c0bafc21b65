import { describe, expect, it } from 'vitest';
import { sr204 } from '../../../src/rules/cluster/sr204-step-counters-mismatch.js';
import { FINISHED_AT, NS, SEED_DURATION, SEED_RUN, makeRun, seedWorld } from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:16:00Z';
const states = {
  fetch: 'Succeeded',
  transcribe: 'Succeeded',
  render: 'Failed',
  notify: 'Skipped',
  publish: 'Canceled',
};

describe('SR204 step-counters-mismatch', () => {
  it('fires (info) on a terminal run whose counters were not recomputed, with a repair command', () => {
    const run = makeRun({
      phase: 'Finished',
      cancelRequested: true,
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      stepStates: states,
      stepsComplete: 1,
      stepsFailed: 1,
    });
    const out = runRule(sr204, seedWorld([run]), ctx(NOW));
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR204',
      severity: 'info',
      subject: { kind: 'StoryRun', namespace: NS, name: SEED_RUN },
    });
    expect(f.evidence).toMatchObject({
      expected: { stepsComplete: 2, stepsFailed: 1, stepsSkipped: 1 },
      found: { stepsComplete: 1, stepsFailed: 1, stepsSkipped: 0 },
      diffs: [
        { field: 'stepsComplete', phase: 'Succeeded', expected: 2, found: 1 },
        { field: 'stepsSkipped', phase: 'Skipped', expected: 1, found: 0 },
      ],
    });
    expect(f.fix).toBe(`storyctl finish ${SEED_RUN} -n ${NS} --force-terminal`);
  });

  it('fires on a live run too, but offers no forced finish', () => {
    const f = runRule(
      sr204,
      seedWorld([
        makeRun({ phase: 'Running', stepStates: { a: 'Succeeded', b: 'Running' }, stepsComplete: 0 }),
      ]),
      ctx(NOW),
    ).findings[0]!;
    expect(f.severity).toBe('info');
    expect(f.fix).toBeUndefined();
  });

  it('does not fire when the counters match (absent counters read as 0)', () => {
    const run = makeRun({
      phase: 'Finished',
      finishedAt: FINISHED_AT,
      stepStates: states,
      stepsComplete: 2,
      stepsFailed: 1,
      stepsSkipped: 1,
    });
    const seed = makeRun({ name: 'seed-like', phase: 'Finished', finishedAt: FINISHED_AT });
    expect(runRule(sr204, seedWorld([run, seed]), ctx(NOW))).toEqual({ findings: [], notEvaluated: [] });
  });
});
