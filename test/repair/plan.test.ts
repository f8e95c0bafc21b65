// The repair planner: section 9 as a plan of writes (which patches, which annotations, which
// permissions), the refusals, and the no-op that makes a second finish write nothing.
import { describe, expect, it } from 'vitest';
import { CANCELED_MESSAGE } from '../../src/contract/terminal-state.js';
import type { Finding } from '../../src/model/report.js';
import {
  AUDIT_ANNOTATIONS,
  DEFAULT_REASON,
  describePermission,
  neededPermissions,
  planDocument,
  planRun,
  type PlanInput,
} from '../../src/repair/plan.js';
import {
  CANCEL_AT,
  FINISHED_AT,
  NS,
  SEED_DURATION,
  SEED_RUN,
  STARTED_AT,
  STEPS,
  makeRun,
  makeStep,
} from '../support/objects.js';
import { planDiffLines } from '../../src/report/plan-diff.js';

const NOW = Date.parse('2026-04-22T18:20:00Z');
const NOW_ISO = '2026-04-22T18:20:00Z';

function input(over: Partial<PlanInput> & Pick<PlanInput, 'run'>): PlanInput {
  return { steps: [], now: NOW, mode: 'force-terminal', user: 'oncall@example.com', ...over };
}

const stalled = () => makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT });
const liveSteps = () => STEPS.map((s) => makeStep(SEED_RUN, s));

/** bobrapet#89: Finished by the controller, every step state still Running, StepRuns gone. */
const finished89 = () =>
  makeRun({
    phase: 'Finished',
    message: CANCELED_MESSAGE,
    cancelRequested: true,
    cancelObservedAt: CANCEL_AT,
    finishedAt: FINISHED_AT,
    duration: SEED_DURATION,
    observedGeneration: 2,
    stepsComplete: 0,
    stepsFailed: 0,
    stepsSkipped: 0,
  });

describe('planRun --force-terminal', () => {
  it('rewrites a Succeeded run that has cancelRequested to Finished, keeps Succeeded in the audit trail, and says why in the plan and its diff', () => {
    const run = makeRun({
      phase: 'Succeeded',
      cancelRequested: true,
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      stepStates: { 'livekit-bridge': 'Succeeded', 'voice-agent': 'Succeeded' },
      stepsComplete: 2,
    });
    const plan = planRun(input({ run }));
    expect(plan.action).toBe('repair');
    expect([plan.previousPhase, plan.finalPhase]).toEqual(['Succeeded', 'Finished']);
    expect(plan.annotations?.[AUDIT_ANNOTATIONS.previousPhase]).toBe('Succeeded');
    expect(plan.statusPatch?.status).toMatchObject({ phase: 'Finished', message: CANCELED_MESSAGE });
    expect(plan.statusPatch?.status).not.toHaveProperty('finishedAt');
    expect(plan.notes?.[0]).toMatch(/rewrites the run to Finished/);
    expect(planDiffLines(plan)).toContainEqual(
      expect.stringMatching(/^ {2}why: spec\.cancelRequested is already true on this Succeeded run/),
    );
  });

  it('plans the stalled seed cancel: status, audit trail, StepRun deletions, and exactly three permissions', () => {
    const plan = planRun(input({ run: stalled(), steps: liveSteps(), reason: 'INC-4711 call hung up' }));
    expect(plan.action).toBe('repair');
    expect(plan.resourceVersion).toBe('4711');
    expect(plan.previousPhase).toBe('Running');
    expect(plan.finalPhase).toBe('Finished');
    // cancelRequested is already true: no spec write.
    expect(plan.specPatch).toBeUndefined();
    expect(plan.statusPatch?.status).toMatchObject({
      phase: 'Finished',
      message: CANCELED_MESSAGE,
      finishedAt: NOW_ISO,
      duration: '6m41s',
    });
    expect(plan.annotations).toEqual({
      'storyctl.bubustack.io/finished-at': NOW_ISO,
      'storyctl.bubustack.io/finished-by': 'oncall@example.com',
      'storyctl.bubustack.io/reason': 'INC-4711 call hung up',
      'storyctl.bubustack.io/previous-phase': 'Running',
    });
    expect(plan.stepRunDeletions.map((s) => s.name)).toEqual(STEPS.map((s) => `${SEED_RUN}-${s}`));
    expect(plan.stepRunDeletions.every((s) => s.resourceVersion === '5000')).toBe(true);
    expect(plan.permissions.map(describePermission)).toEqual([
      `patch storyruns.runs.bubustack.io in namespace ${NS}`,
      `patch storyruns/status.runs.bubustack.io in namespace ${NS}`,
      `delete stepruns.runs.bubustack.io in namespace ${NS}`,
    ]);
  });

  it('never writes the operator’s annotation keys', () => {
    const plan = planRun(input({ run: stalled(), steps: liveSteps() }));
    for (const key of Object.keys(plan.annotations ?? {}))
      expect(key.startsWith('storyctl.bubustack.io/')).toBe(true);
    expect(plan.annotations?.[AUDIT_ANNOTATIONS.reason]).toBe(DEFAULT_REASON);
  });

  it('sets the intent first on a running run nobody asked to stop', () => {
    const plan = planRun(input({ run: makeRun({ phase: 'Running' }) }));
    expect(plan.specPatch).toEqual({ spec: { cancelRequested: true } });
    expect(plan.changes[0]).toEqual({ path: 'spec.cancelRequested', before: undefined, after: true });
  });

  it('repairs the #89 run without a spec write or deletions, keeping Finished and its finish time', () => {
    const plan = planRun(input({ run: finished89() }));
    expect(plan.action).toBe('repair');
    expect(plan.specPatch).toBeUndefined();
    expect(plan.finalPhase).toBe('Finished');
    const states = plan.statusPatch?.status['stepStates'] as Record<
      string,
      { phase: string; finishedAt: string }
    >;
    for (const s of STEPS) expect(states[s]).toMatchObject({ phase: 'Canceled', finishedAt: FINISHED_AT });
    expect(plan.statusPatch?.status['phase']).toBeUndefined();
    expect(plan.statusPatch?.status['finishedAt']).toBeUndefined();
    expect(plan.stepRunDeletions).toEqual([]);
    expect(
      plan.permissions.map((p) => `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}`),
    ).toEqual(['patch storyruns', 'patch storyruns/status']);
    expect(plan.annotations?.[AUDIT_ANNOTATIONS.previousPhase]).toBe('Finished');
  });

  it('keeps a Failed batch run Failed: Aborted steps, no cancel request', () => {
    const run = makeRun({
      name: 'nightly-export',
      phase: 'Failed',
      message: 'step transform failed',
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      stepStates: { extract: 'Succeeded', transform: 'Failed', load: 'Running' },
      stepsComplete: 1,
      stepsFailed: 1,
      stepsSkipped: 0,
    });
    const plan = planRun(input({ run }));
    expect(plan.specPatch).toBeUndefined();
    expect(plan.finalPhase).toBe('Failed');
    expect(plan.statusPatch?.status['stepStates']).toEqual({
      load: {
        phase: 'Aborted',
        message: 'StoryRun ended in phase Failed before the step finished',
        startedAt: STARTED_AT,
        finishedAt: FINISHED_AT,
      },
    });
  });

  it('is a no-op for a run that is terminal and consistent: no annotations, no permissions', () => {
    const run = finished89();
    for (const s of STEPS)
      run.status!.stepStates![s] = { phase: 'Canceled', message: CANCELED_MESSAGE, finishedAt: FINISHED_AT };
    const plan = planRun(input({ run }));
    expect(plan.action).toBe('no-op');
    expect(plan.reason).toMatch(/consistent/);
    expect(plan.annotations).toBeUndefined();
    expect(plan.statusPatch).toBeUndefined();
    expect(plan.permissions).toEqual([]);
  });

  it('refuses a run in a phase storyctl does not know', () => {
    const plan = planRun(input({ run: makeRun({ phase: 'Hibernating' }) }));
    expect(plan.action).toBe('refused');
    expect(plan.reason).toMatch(/Hibernating/);
    expect(plan.statusPatch).toBeUndefined();
    expect(plan.permissions).toEqual([]);
  });

  it('refuses a status the CRD rules reject even where the server would accept it (reason > 64)', () => {
    const run = makeRun({
      phase: 'Failed',
      finishedAt: FINISHED_AT,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'X'.repeat(70),
          message: 'failed',
          lastTransitionTime: FINISHED_AT,
        },
      ],
    });
    const plan = planRun(input({ run }));
    expect(plan.action).toBe('refused');
    expect(plan.reason).toMatch(/longer than 64 characters/);
    expect(plan.annotations).toBeUndefined();
  });

  it('refuses an overlong --reason instead of writing it', () => {
    const plan = planRun(input({ run: stalled(), reason: 'r'.repeat(2000) }));
    expect(plan.action).toBe('refused');
  });

  it('--keep-steps: no deletions and no delete permission; being-deleted StepRuns are only reported', () => {
    const steps = liveSteps();
    steps[0]!.metadata.deletionTimestamp = '2026-04-22T18:15:00Z';
    const kept = planRun(input({ run: stalled(), steps, keepSteps: true }));
    expect(kept.stepRunDeletions).toEqual([]);
    expect(kept.permissions.some((p) => p.verb === 'delete')).toBe(false);
    const plan = planRun(input({ run: stalled(), steps }));
    expect(plan.stuckDeleting.map((s) => s.name)).toEqual([steps[0]!.metadata.name]);
    expect(plan.stepRunDeletions.map((s) => s.name)).not.toContain(steps[0]!.metadata.name);
  });

  it('a resumed plan keeps the original previous phase and still owes the audit trail', () => {
    const run = finished89();
    for (const s of STEPS)
      run.status!.stepStates![s] = { phase: 'Canceled', message: CANCELED_MESSAGE, finishedAt: FINISHED_AT };
    const resumed = planRun(input({ run, resume: { previousPhase: 'Running', auditWritten: false } }));
    expect(resumed.action).toBe('repair');
    expect(resumed.statusPatch).toBeUndefined();
    expect(resumed.annotations?.[AUDIT_ANNOTATIONS.previousPhase]).toBe('Running');
    expect(resumed.permissions.map((p) => p.resource)).toEqual(['storyruns']);
    const done = planRun(input({ run, resume: { previousPhase: 'Running', auditWritten: true } }));
    expect(done.action).toBe('no-op');
  });

  it('carries only the findings about this run and its StepRuns', () => {
    const steps = liveSteps();
    const f = (ruleId: string, kind: 'StoryRun' | 'StepRun', name: string): Finding => ({
      ruleId,
      severity: 'error',
      message: `${ruleId} about ${name}`,
      subject: { kind, namespace: NS, name },
      evidence: {},
      fingerprint: `${ruleId}-${name}`,
    });
    const plan = planRun(
      input({
        run: stalled(),
        steps,
        findings: [
          f('SR101', 'StoryRun', SEED_RUN),
          f('SR301', 'StepRun', steps[0]!.metadata.name),
          f('SR201', 'StoryRun', 'other'),
        ],
      }),
    );
    expect(plan.findings.map((x) => x.ruleId)).toEqual(['SR101', 'SR301']);
  });
});

describe('planRun (request the cancel only)', () => {
  it('sets spec.cancelRequested and nothing else', () => {
    const plan = planRun(
      input({ run: makeRun({ phase: 'Running' }), steps: liveSteps(), mode: 'request-cancel' }),
    );
    expect(plan.action).toBe('repair');
    expect(plan.specPatch).toEqual({ spec: { cancelRequested: true } });
    expect(plan.statusPatch).toBeUndefined();
    expect(plan.annotations).toBeUndefined();
    expect(plan.stepRunDeletions).toEqual([]);
    expect(plan.permissions.map(describePermission)).toEqual([
      `patch storyruns.runs.bubustack.io in namespace ${NS}`,
    ]);
  });

  it('refuses a terminal run: the controller would rewrite it to Finished', () => {
    const plan = planRun(
      input({ run: makeRun({ phase: 'Succeeded', finishedAt: FINISHED_AT }), mode: 'request-cancel' }),
    );
    expect(plan.action).toBe('refused');
    expect(plan.reason).toMatch(/--force-terminal/);
  });

  it('is a no-op when the cancel was already requested', () => {
    expect(planRun(input({ run: stalled(), mode: 'request-cancel' })).action).toBe('no-op');
  });
});

describe('plan document', () => {
  it('is the JSON --dry-run prints, with the union of permissions computable from it', () => {
    const a = planRun(input({ run: stalled(), steps: liveSteps() }));
    const b = planRun(input({ run: finished89() }));
    const doc = JSON.parse(JSON.stringify(planDocument([a, b], 'force-terminal', 'client'))) as {
      apiVersion: string;
      kind: string;
      runs: { action: string }[];
    };
    expect(doc).toMatchObject({ apiVersion: 'storyctl/v1', kind: 'FinishPlan', dryRun: 'client' });
    expect(doc.runs.map((r) => r.action)).toEqual(['repair', 'repair']);
    expect(neededPermissions([a, b])).toHaveLength(3);
  });

  it('is deterministic for the same input (a pure function of run, steps and clock)', () => {
    const one = planRun(input({ run: stalled(), steps: liveSteps() }));
    const two = planRun(input({ run: stalled(), steps: liveSteps() }));
    expect(two).toEqual(one);
  });
});
