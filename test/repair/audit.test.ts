// issue 16 item 1 in the planner: the audit already on a run is evidence. A rerun after a crash, or a
// second operator racing the first, adds only the keys that are missing; a run whose status storyctl
// wrote (managedFields) without its audit owes it; one the controller finished does not.
import { describe, expect, it } from 'vitest';
import { CANCELED_MESSAGE } from '../../src/contract/terminal-state.js';
import type { ManagedFieldsEntry, StoryRun } from '../../src/model/kube.js';
import {
  auditForRepair,
  existingAudit,
  lateAudit,
  STORYCTL_FIELD_MANAGER,
  storyctlStatusWrite,
} from '../../src/repair/audit.js';
import { AUDIT_ANNOTATIONS, DEFAULT_REASON, planRun } from '../../src/repair/plan.js';
import {
  CANCEL_AT,
  FINISHED_AT,
  SEED_DURATION,
  SEED_RUN,
  STEPS,
  makeRun,
  makeStep,
} from '../support/objects.js';

const NOW = Date.parse('2026-04-22T18:20:00Z');
const EARLIER = {
  [AUDIT_ANNOTATIONS.finishedAt]: '2026-04-22T18:16:00Z',
  [AUDIT_ANNOTATIONS.finishedBy]: 'alice',
  [AUDIT_ANNOTATIONS.reason]: 'INC-1',
  [AUDIT_ANNOTATIONS.previousPhase]: 'Running',
};

function withAnnotations(run: StoryRun, annotations: Record<string, string>): StoryRun {
  run.metadata.annotations = { ...run.metadata.annotations, ...annotations };
  return run;
}

const stalled = () => makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT });

/** What storyctl leaves: Finished, consistent, its StepRuns gone. */
function repaired(managedFields?: ManagedFieldsEntry[]): StoryRun {
  const run = makeRun({
    phase: 'Finished',
    message: CANCELED_MESSAGE,
    cancelRequested: true,
    cancelObservedAt: CANCEL_AT,
    finishedAt: FINISHED_AT,
    duration: SEED_DURATION,
    observedGeneration: 2,
    stepStates: Object.fromEntries(
      STEPS.map((s) => [s, { phase: 'Canceled', message: CANCELED_MESSAGE, finishedAt: FINISHED_AT }]),
    ),
    conditions: ['Ready', 'Progressing', 'Degraded'].map((type) => ({
      type,
      status: 'False',
      reason: 'Canceled',
      message: CANCELED_MESSAGE,
      lastTransitionTime: FINISHED_AT,
      observedGeneration: 2,
    })),
  });
  if (managedFields) run.metadata.managedFields = managedFields;
  return run;
}

const statusWrite = (manager: string, fields: Record<string, unknown>): ManagedFieldsEntry => ({
  manager,
  operation: 'Update',
  apiVersion: 'runs.bubustack.io/v1alpha1',
  time: '2026-04-22T18:15:32Z',
  fieldsType: 'FieldsV1',
  fieldsV1: { 'f:status': fields },
});

describe('the audit already on a run', () => {
  it('is never overwritten: a repair adds only the keys that are missing', () => {
    const run = withAnnotations(stalled(), {
      [AUDIT_ANNOTATIONS.finishedAt]: '2026-04-22T18:16:00Z',
      [AUDIT_ANNOTATIONS.previousPhase]: 'Running',
    });
    expect(
      auditForRepair(run, { now: NOW, user: 'bob', reason: 'again', previousPhase: 'Finished' }),
    ).toEqual({
      [AUDIT_ANNOTATIONS.finishedBy]: 'bob',
      [AUDIT_ANNOTATIONS.reason]: 'again',
    });
    expect(existingAudit(withAnnotations(stalled(), EARLIER))).toEqual({
      finishedAt: '2026-04-22T18:16:00Z',
      finishedBy: 'alice',
      reason: 'INC-1',
      previousPhase: 'Running',
    });
  });

  it('a rerun after the audit but before the status write: the status is written, the audit kept', () => {
    const plan = planRun({
      run: withAnnotations(stalled(), EARLIER),
      steps: STEPS.map((s) => makeStep(SEED_RUN, s)),
      now: NOW,
      mode: 'force-terminal',
      user: 'bob',
    });
    expect(plan.action).toBe('repair');
    expect(plan.statusPatch?.status['phase']).toBe('Finished');
    expect(plan.annotations).toBeUndefined();
    expect(plan.permissions.map((p) => `${p.verb} ${p.resource}${p.subresource ? '/status' : ''}`)).toEqual([
      'patch storyruns/status',
      'delete stepruns',
    ]);
  });

  it('a rerun after the status write, with StepRuns left: only the deletions, never previous-phase Finished', () => {
    const plan = planRun({
      run: withAnnotations(repaired(), EARLIER),
      steps: STEPS.map((s) => makeStep(SEED_RUN, s)),
      now: NOW,
      mode: 'force-terminal',
      user: 'bob',
    });
    expect(plan.action).toBe('repair');
    expect(plan.statusPatch).toBeUndefined();
    expect(plan.annotations).toBeUndefined();
    expect(plan.stepRunDeletions).toHaveLength(STEPS.length);
  });

  it('the audit goes with the intent on a live run: one plan, both merge patches on the run', () => {
    const plan = planRun({ run: makeRun({ phase: 'Running' }), steps: [], now: NOW, mode: 'force-terminal' });
    expect(plan.specPatch).toEqual({ spec: { cancelRequested: true } });
    expect(plan.annotations?.[AUDIT_ANNOTATIONS.previousPhase]).toBe('Running');
  });
});

describe('a run storyctl finished without its audit', () => {
  it('is recognised by its field manager owning status fields, not by the message', () => {
    expect(
      storyctlStatusWrite(repaired([statusWrite(STORYCTL_FIELD_MANAGER, { 'f:phase': {} })])),
    ).toBeDefined();
    // Kubernetes 1.22+: the entry names the subresource.
    expect(
      storyctlStatusWrite(
        repaired([{ manager: STORYCTL_FIELD_MANAGER, subresource: 'status', fieldsV1: { 'f:status': {} } }]),
      ),
    ).toBeDefined();
    // The controller writes the same message; its writes are not storyctl's.
    expect(storyctlStatusWrite(repaired([statusWrite('manager', { 'f:phase': {} })]))).toBeUndefined();
    // storyctl's own spec or annotation write alone does not make the status its work.
    expect(
      storyctlStatusWrite(repaired([{ manager: STORYCTL_FIELD_MANAGER, fieldsV1: { 'f:spec': {} } }])),
    ).toBeUndefined();
  });

  it('owes its audit: not a no-op, annotations only, saying what is no longer known', () => {
    const plan = planRun({
      run: repaired([statusWrite(STORYCTL_FIELD_MANAGER, { 'f:phase': {}, 'f:stepStates': {} })]),
      steps: [],
      now: NOW,
      mode: 'force-terminal',
      user: 'bob',
    });
    expect(plan.action).toBe('repair');
    expect(plan.statusPatch).toBeUndefined();
    expect(plan.annotations).toEqual({
      [AUDIT_ANNOTATIONS.finishedAt]: '2026-04-22T18:15:32Z',
      [AUDIT_ANNOTATIONS.finishedBy]: 'unknown',
      [AUDIT_ANNOTATIONS.reason]: `${DEFAULT_REASON} (audit written afterwards by bob: storyctl had written the status without it)`,
      [AUDIT_ANNOTATIONS.previousPhase]: 'unknown',
    });
    expect(plan.permissions.map((p) => `${p.verb} ${p.resource}${p.subresource ? '/status' : ''}`)).toEqual([
      'patch storyruns',
    ]);
  });

  it('with StepRuns left, the late audit too: never the phase storyctl wrote as previous-phase', () => {
    const plan = planRun({
      run: repaired([statusWrite(STORYCTL_FIELD_MANAGER, { 'f:phase': {} })]),
      steps: STEPS.map((s) => makeStep(SEED_RUN, s)),
      now: NOW,
      mode: 'force-terminal',
      user: 'bob',
    });
    expect(plan.stepRunDeletions).toHaveLength(STEPS.length);
    expect(plan.annotations?.[AUDIT_ANNOTATIONS.previousPhase]).toBe('unknown');
    expect(plan.annotations?.[AUDIT_ANNOTATIONS.finishedBy]).toBe('unknown');
  });

  it('keeps the phase as previous-phase when storyctl did not write the phase (a repaired Failed run)', () => {
    const run = repaired([statusWrite(STORYCTL_FIELD_MANAGER, { 'f:stepStates': {} })]);
    expect(lateAudit(run, { now: NOW, user: 'bob', reason: 'r' })?.[AUDIT_ANNOTATIONS.previousPhase]).toBe(
      'Finished',
    );
  });

  it('with its audit complete, or finished by the controller, is a no-op', () => {
    const audited = withAnnotations(
      repaired([statusWrite(STORYCTL_FIELD_MANAGER, { 'f:phase': {} })]),
      EARLIER,
    );
    expect(planRun({ run: audited, steps: [], now: NOW, mode: 'force-terminal' }).action).toBe('no-op');
    const byController = repaired([statusWrite('manager', { 'f:phase': {} })]);
    expect(planRun({ run: byController, steps: [], now: NOW, mode: 'force-terminal' }).action).toBe('no-op');
  });
});
