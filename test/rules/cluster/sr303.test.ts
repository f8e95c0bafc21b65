import { describe, expect, it } from 'vitest';
import { sr303 } from '../../../src/rules/cluster/sr303-stuck-finalizer.js';
import { FINALIZERS } from '../../../src/model/kube.js';
import { FINISHED_AT, NS, SEED_RUN, after, makeRun, makeStep, seedWorld } from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:30:00Z';

describe('SR303 stuck-finalizer', () => {
  it('fires on a StepRun deleting for 14m28s with its finalizer left', () => {
    const step = makeStep(SEED_RUN, 'voice-agent', { deletionTimestamp: FINISHED_AT });
    const out = runRule(
      sr303,
      seedWorld([makeRun({ phase: 'Running', cancelRequested: true })], [step]),
      ctx(NOW),
    );
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      ruleId: 'SR303',
      severity: 'error',
      subject: { kind: 'StepRun', namespace: NS, name: `${SEED_RUN}-voice-agent` },
    });
    expect(f.evidence).toEqual({
      deletionTimestamp: FINISHED_AT,
      ageSeconds: 868,
      age: '14m28s',
      finalizers: [FINALIZERS.stepRun],
      phase: 'Running',
      kubectlHint: `kubectl get steprun ${SEED_RUN}-voice-agent -n ${NS} -o yaml`,
    });
  });

  it('takes its age from the context (config thresholds.stuckFinalizerAge)', () => {
    const step = makeStep(SEED_RUN, 'voice-agent', { deletionTimestamp: FINISHED_AT });
    const world = seedWorld([makeRun({ phase: 'Running', cancelRequested: true })], [step]);
    expect(runRule(sr303, world, { ...ctx(NOW), stuckFinalizerSeconds: 900 }).findings).toEqual([]);
    expect(runRule(sr303, world, { ...ctx(NOW), stuckFinalizerSeconds: 600 }).findings).toHaveLength(1);
  });

  it('fires on a StoryRun too, and keeps its fingerprint as time passes', () => {
    const run = makeRun({
      phase: 'Finished',
      finishedAt: FINISHED_AT,
      deletionTimestamp: '2026-04-22T18:20:00Z',
    });
    const a = runRule(sr303, seedWorld([run]), ctx(NOW)).findings;
    const b = runRule(sr303, seedWorld([run]), ctx('2026-04-22T19:00:00Z')).findings;
    expect(a.map((f) => f.subject)).toEqual([{ kind: 'StoryRun', namespace: NS, name: SEED_RUN }]);
    expect(a[0]?.evidence['finalizers']).toEqual([FINALIZERS.storyRun]);
    expect(a[0]?.fingerprint).toBe(b[0]?.fingerprint);
  });

  it('does not fire on a deletion 2 min old, exactly 5 min old, or without finalizers', () => {
    const young = makeStep(SEED_RUN, 'a', { deletionTimestamp: after(NOW, -120) });
    const boundary = makeStep(SEED_RUN, 'b', { deletionTimestamp: after(NOW, -300) });
    const noFinalizers = makeStep(SEED_RUN, 'c', { deletionTimestamp: FINISHED_AT, finalizers: [] });
    const notDeleting = makeStep(SEED_RUN, 'd');
    expect(
      runRule(sr303, seedWorld([makeRun()], [young, boundary, noFinalizers, notDeleting]), ctx(NOW)),
    ).toEqual({ findings: [], notEvaluated: [] });
  });

  it('also finds stuck orphan StepRuns', () => {
    const orphan = makeStep('gone-run', 'voice-agent', { deletionTimestamp: FINISHED_AT });
    expect(runRule(sr303, seedWorld([], [orphan]), ctx(NOW)).findings.map((f) => f.subject?.name)).toEqual([
      'gone-run-voice-agent',
    ]);
  });
});
