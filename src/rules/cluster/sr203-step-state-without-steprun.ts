// SR203: a live step state whose StepRun is gone (CONTROLLER.md §6 steps 3 and 6).
import { classifyPhase } from '../../contract/phases.js';
import { stepRunPhaseByStep } from '../../contract/terminal-state.js';
import { ANNOTATIONS } from '../../model/kube.js';
import type { ClusterRule, FindingDraft, NotEvaluatedDraft } from '../types.js';
import { finishCommand, runSubject, knownPhaseRuns } from './common.js';

export const sr203: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR203',
    name: 'step-state-without-steprun',
    severity: 'warning',
    summary: 'A live StoryRun has a non-terminal step state whose StepRun no longer exists.',
    rationale:
      'At the end of the cancel window the controller deletes the remaining StepRuns but never ' +
      're-syncs stepStates, so the states keep saying Running for work that no longer exists. Nothing will ' +
      'ever move those states; when the run finishes they become the SR201 contradiction. Checked only on runs whose ' +
      'StepRuns are visible (some listed) or that are canceled, so a run whose steps were not created yet is not blamed.',
    fix:
      'On a canceled run, `storyctl finish NAME -n NS --force-terminal` closes the states. Otherwise find out who ' +
      'deleted the StepRun (events, controller logs).',
    docs: 'docs/rules/SR203.md',
    evidence: 'each live step state whose StepRun no longer exists, with its phase.',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour:
          'at the end of the cancel window the remaining StepRuns are deleted (`Graceful cancel timeout expired; deleting remaining StepRuns`), and their states are left as they were',
      },
    ],
    family: 'storyrun',
    repair: { blocksRepair: true },
  },
  requires: ['storyRuns', 'stepRuns'],
  check(world) {
    const findings: FindingDraft[] = [];
    const notEvaluated: NotEvaluatedDraft[] = [];
    for (const v of knownPhaseRuns(world, notEvaluated)) {
      // Terminal runs: SR201 already reports each open state and whether its StepRun exists.
      if (v.phaseClass !== 'non-terminal') continue;
      if (v.steps.length === 0 && !v.cancelRequested) continue;
      const byStep = stepRunPhaseByStep(v.steps);
      const missing: { step: string; phase: string }[] = [];
      for (const [step, state] of Object.entries(v.run.status?.stepStates ?? {})) {
        if (classifyPhase(state.phase) !== 'non-terminal' || byStep.has(step)) continue;
        // A sub-Story step runs as a child StoryRun, not a StepRun.
        if (state.subStoryRunName) continue;
        // A Pending step that never started may simply not have its StepRun yet (the DAG has not reached it).
        if (!v.cancelRequested && (state.phase === 'Pending' || state.phase === '') && !state.startedAt)
          continue;
        missing.push({ step, phase: state.phase });
      }
      if (missing.length === 0) continue;
      const draft: FindingDraft = {
        subject: runSubject(v),
        message: `${missing.length} step state(s) still ${[...new Set(missing.map((m) => m.phase || '""'))].join('/')} but their StepRuns no longer exist: ${missing.map((m) => m.step).join(', ')}`,
        evidence: {
          phase: v.phase,
          cancelRequested: v.cancelRequested,
          stepRunsListed: v.steps.length,
          missing,
        },
        anchor: v.run.metadata.annotations?.[ANNOTATIONS.cancelObservedAt] ?? v.run.status?.startedAt ?? '',
      };
      if (v.cancelRequested) draft.fix = finishCommand(v.namespace, v.name);
      findings.push(draft);
    }
    return { findings, notEvaluated };
  },
};
