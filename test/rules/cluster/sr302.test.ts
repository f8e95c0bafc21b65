import { describe, expect, it } from 'vitest';
import { sr302 } from '../../../src/rules/cluster/sr302-orphaned-steprun.js';
import { NS, SEED_RUN, makeRun, makeStep, seedWorld } from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:16:00Z';
const GONE = 'livekit-voice-assistant-rm-gone1234';

describe('SR302 orphaned-steprun', () => {
  it('fires on a StepRun whose StoryRun does not exist, naming the referenced run and a kubectl hint', () => {
    const step = makeStep(GONE, 'voice-agent', { phase: 'Running' });
    step.metadata.creationTimestamp = '2026-04-22T17:00:00Z';
    const out = runRule(sr302, seedWorld([makeRun()], [step]), ctx(NOW));
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR302',
      severity: 'warning',
      subject: { kind: 'StepRun', namespace: NS, name: `${GONE}-voice-agent` },
    });
    expect(f.evidence).toEqual({
      referencedRun: GONE,
      via: 'storyRunRef',
      phase: 'Running',
      stepId: 'voice-agent',
      createdAt: '2026-04-22T17:00:00Z',
      kubectlHint: `kubectl delete steprun ${GONE}-voice-agent -n ${NS}`,
    });
    expect(f.fix).toBeUndefined();
  });

  it('reports a label-only orphan by its label value', () => {
    const step = makeStep(GONE, 'voice-agent', { links: ['label'] });
    expect(runRule(sr302, seedWorld([], [step]), ctx(NOW)).findings[0]?.evidence).toMatchObject({
      referencedRun: GONE,
      via: 'label',
    });
  });

  it('does not fire on StepRuns whose run exists, by any link', () => {
    const steps = [
      makeStep(SEED_RUN, 'a', { links: ['label'] }),
      makeStep(SEED_RUN, 'b', { links: ['ref'] }),
      makeStep(SEED_RUN, 'c', { links: ['owner'] }),
    ];
    expect(runRule(sr302, seedWorld([makeRun()], steps), ctx(NOW))).toEqual({
      findings: [],
      notEvaluated: [],
    });
  });

  it('does not fire on an orphan that is already being deleted', () => {
    const step = makeStep(GONE, 'voice-agent', { deletionTimestamp: '2026-04-22T18:15:00Z' });
    expect(runRule(sr302, seedWorld([], [step]), ctx(NOW)).findings).toEqual([]);
  });

  it('is not evaluated when StoryRuns could not be read (every StepRun would look orphaned)', () => {
    const out = runRule(
      sr302,
      seedWorld([], [makeStep(SEED_RUN, 'a')], { unavailable: { storyRuns: 'storyruns is forbidden' } }),
      ctx(NOW),
    );
    expect(out).toEqual({
      findings: [],
      notEvaluated: [{ ruleId: 'SR302', reason: 'storyruns is forbidden' }],
    });
  });
});
