// SR301: a StepRun still live after its StoryRun ended (CONTROLLER.md §4, §6, §9.7).
import { classifyPhase } from '../../contract/phases.js';
import type { ClusterRule, FindingDraft, NotEvaluatedDraft } from '../types.js';
import { finishCommand, stepRunSubject } from './common.js';

export const sr301: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR301',
    name: 'live-steprun-under-terminal-run',
    severity: 'error',
    summary: 'A non-terminal StepRun, not being deleted, belongs to a terminal StoryRun.',
    rationale:
      'Realtime StepRuns never become terminal by themselves; only the cancel path deletes them. ' +
      'If the run ended another way, or was repaired by hand, its StepRun keeps its Deployment, Service and ' +
      'TransportBinding alive: a voice worker holding a room and its capacity for a call that is over.',
    fix: 'Run `storyctl finish RUN -n NS --force-terminal` on the parent run: it deletes its leftover StepRuns as the controller would.',
    docs: 'docs/rules/SR301.md',
    evidence:
      'the StepRun, its phase and the terminal run it belongs to (by `spec.storyRunRef`, owner reference or label).',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour:
          "only the cancel path and deletion delete a run's StepRuns; realtime StepRuns never end on their own",
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'pkg/runs/list/step_runs.go',
        version: 'v0.1.5–v0.1.12',
        behaviour: "a run's StepRuns are found by the `bubustack.io/storyrun` label",
      },
    ],
    family: 'storyrun',
    repair: { blocksRepair: true, selectsForFinish: true, keptByKeepSteps: true },
  },
  requires: ['storyRuns', 'stepRuns'],
  check(world) {
    const findings: FindingDraft[] = [];
    const notEvaluated: NotEvaluatedDraft[] = [];
    for (const v of world.runs) {
      if (v.phaseClass === 'non-terminal') continue;
      for (const s of v.steps) {
        if (s.metadata.deletionTimestamp) continue;
        const phase = s.status?.phase ?? '';
        const cls = classifyPhase(phase);
        if (cls === 'terminal') continue;
        if (cls === 'unknown' || v.phaseClass === 'unknown') {
          notEvaluated.push({
            subject: stepRunSubject(s),
            reason:
              cls === 'unknown'
                ? `StepRun phase "${phase}" is not one storyctl knows`
                : `its StoryRun ${v.name} has phase "${v.phase}", not one storyctl knows`,
          });
          continue;
        }
        const finishedAt = v.run.status?.finishedAt;
        findings.push({
          subject: stepRunSubject(s),
          message: `StepRun is still ${phase || 'without a phase'} but its StoryRun ${v.name} is ${v.phase}${finishedAt ? ` since ${finishedAt}` : ''}`,
          evidence: {
            phase,
            ...(s.spec?.stepId ? { stepId: s.spec.stepId } : {}),
            storyRun: v.name,
            runPhase: v.phase,
            ...(finishedAt ? { runFinishedAt: finishedAt } : {}),
          },
          fix: finishCommand(v.namespace, v.name),
          anchor: finishedAt ?? '',
        });
      }
    }
    return { findings, notEvaluated };
  },
};
