// SR201: a terminal run whose stepStates still say a step is live (CONTROLLER.md §6 step 6, §9.5).
import { classifyPhase } from '../../contract/phases.js';
import { openStepStates } from '../../contract/terminal-state.js';
import type { Evidence } from '../../model/report.js';
import type { ClusterRule, FindingDraft, NotEvaluatedDraft } from '../types.js';
import { finishCommand, runSubject, knownPhaseRuns } from './common.js';

export const sr201: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR201',
    name: 'terminal-run-live-step-states',
    severity: 'error',
    summary: 'A terminal StoryRun still lists steps in a non-terminal phase.',
    rationale:
      'Once spec.cancelRequested is set the controller never re-syncs stepStates, so a canceled run ' +
      'ends Finished while its steps still read Running. Dashboards, parent ' +
      'Stories and anything that waits on step phases then see work that will never end. The shutdown rules say ' +
      'what each open step should read; this rule compares the run with them.',
    fix: 'Run `storyctl finish NAME -n NS --force-terminal`: it keeps the run phase and makes each open step terminal.',
    docs: 'docs/rules/SR201.md',
    evidence:
      "the run's phase and finish time; each open step state with its phase, whether its StepRun still exists, and the phase `storyctl finish --force-terminal` would write.",
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour:
          "the cancel branch runs before the DAG, so a canceled run's stepStates are never mirrored again; the run is marked Finished with the states as they were",
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/dag.go',
        version: 'v0.1.12',
        behaviour: 'stepStates are mirrored from the StepRuns only on DAG passes (`Synced StepRuns`, L325)',
      },
    ],
    family: 'storyrun',
    repair: { blocksRepair: true, selectsForFinish: true },
  },
  requires: ['storyRuns'],
  check(world) {
    const findings: FindingDraft[] = [];
    const notEvaluated: NotEvaluatedDraft[] = [];
    const stepRunsKnown = world.unavailable.stepRuns === undefined;
    for (const v of knownPhaseRuns(world, notEvaluated)) {
      if (v.phaseClass !== 'terminal') continue;
      const finishedAt = v.run.status?.finishedAt;
      const unknownStates = Object.entries(v.run.status?.stepStates ?? {}).filter(
        ([, s]) => classifyPhase(s.phase) === 'unknown',
      );
      for (const [step, s] of unknownStates) {
        notEvaluated.push({
          subject: runSubject(v),
          reason: `stepStates.${step}.phase "${s.phase}" is not one storyctl knows`,
        });
      }
      const open = openStepStates(v.run, v.steps, v.phase, finishedAt);
      if (open.length === 0) continue;
      const openSteps = open.map((o) => {
        const e: Evidence = { step: o.step, phase: o.state.phase };
        if (stepRunsKnown) {
          e['stepRunExists'] = o.stepRun !== undefined;
          if (o.stepRun) {
            e['stepRun'] = o.stepRun.metadata.name;
            e['stepRunPhase'] = o.stepRun.status?.phase ?? '';
          }
        }
        if (o.expected) e['repairTo'] = o.expected.phase;
        return e;
      });
      const list = open.map((o) => `${o.step}=${o.state.phase || '""'}`).join(', ');
      findings.push({
        subject: runSubject(v),
        message: `run is ${v.phase} but ${open.length} step state(s) are still open: ${list}`,
        evidence: {
          phase: v.phase,
          ...(finishedAt ? { finishedAt } : {}),
          openSteps,
          ...(stepRunsKnown
            ? {}
            : { stepRunsNote: `StepRuns could not be read: ${world.unavailable.stepRuns}` }),
        },
        fix: finishCommand(v.namespace, v.name),
        anchor: finishedAt ?? '',
      });
    }
    return { findings, notEvaluated };
  },
};
