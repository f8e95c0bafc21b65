// SR202: a live run whose step mirror has stopped following its StepRuns (CONTROLLER.md §6).
import { classifyPhase } from '../../contract/phases.js';
import { stepRunPhaseByStep } from '../../contract/terminal-state.js';
import { ANNOTATIONS } from '../../model/kube.js';
import type { ClusterRule, FindingDraft, NotEvaluatedDraft } from '../types.js';
import { finishCommand, runSubject, stepRunSubject, knownPhaseRuns } from './common.js';

export const sr202: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR202',
    name: 'step-state-drift',
    severity: 'warning',
    summary: "A live StoryRun's step state disagrees with its StepRun, and the mirror has stopped.",
    rationale:
      'stepStates are a mirror of the StepRuns, synced by the DAG. Once cancelRequested is set the DAG never runs again for ' +
      'the run, so the mirror freezes; a terminal StepRun behind a state that still reads live also ' +
      'means the sync is not keeping up. The StepRun is the source of truth, and the frozen state becomes the ' +
      'SR201 contradiction when the run finishes.',
    fix:
      'On a canceled run, `storyctl finish NAME -n NS --force-terminal` writes the StepRun phases into the states. ' +
      'On a run that was not canceled, check the controller is reconciling it (its logs) before repairing anything.',
    docs: 'docs/rules/SR202.md',
    evidence:
      "each step whose state disagrees with its StepRun: the state's phase, the StepRun and its real phase.",
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/dag.go',
        version: 'v0.1.12',
        behaviour:
          'the mirror of StepRun phases into stepStates runs only on DAG passes, which a canceled run no longer gets',
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour:
          'the StepRun watch predicate passes create, generation changes and deletions only, so a StepRun status change alone may not wake the run',
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
      if (v.phaseClass !== 'non-terminal') continue;
      const byStep = stepRunPhaseByStep(v.steps);
      const drifts: { step: string; statePhase: string; stepRun: string; stepRunPhase: string }[] = [];
      for (const [step, state] of Object.entries(v.run.status?.stepStates ?? {})) {
        const stepRun = byStep.get(step);
        if (!stepRun) continue;
        const srPhase = stepRun.status?.phase ?? '';
        if (state.phase === srPhase) continue;
        if (classifyPhase(srPhase) === 'unknown' || classifyPhase(state.phase) === 'unknown') {
          notEvaluated.push({
            subject: stepRunSubject(stepRun),
            reason: `cannot compare step ${step}: phase "${state.phase}" vs StepRun phase "${srPhase}" (unknown phase)`,
          });
          continue;
        }
        // While the DAG still runs, a live-vs-live difference is just the next sync to come.
        if (classifyPhase(srPhase) !== 'terminal' && !v.cancelRequested) continue;
        drifts.push({ step, statePhase: state.phase, stepRun: stepRun.metadata.name, stepRunPhase: srPhase });
      }
      if (drifts.length === 0) continue;
      const list = drifts
        .map((d) => `${d.step} (state ${d.statePhase || '""'}, StepRun ${d.stepRunPhase || '""'})`)
        .join(', ');
      const draft: FindingDraft = {
        subject: runSubject(v),
        message: `${drifts.length} step state(s) disagree with their StepRuns${v.cancelRequested ? ' on a canceled run whose mirror no longer syncs' : ''}: ${list}`,
        evidence: { phase: v.phase, cancelRequested: v.cancelRequested, drifts },
        anchor: v.run.metadata.annotations?.[ANNOTATIONS.cancelObservedAt] ?? v.run.status?.startedAt ?? '',
      };
      // Forcing a run that was never canceled would stop work the user still wants; only the cancel path is repaired.
      if (v.cancelRequested) draft.fix = finishCommand(v.namespace, v.name);
      findings.push(draft);
    }
    return { findings, notEvaluated };
  },
};
