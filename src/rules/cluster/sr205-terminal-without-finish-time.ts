// SR205: a terminal run without a usable finish time (CONTROLLER.md §3, §8, §9.3).
import { finishTimeProblems } from '../../contract/terminal-state.js';
import type { ClusterRule, FindingDraft, NotEvaluatedDraft } from '../types.js';
import { finishCommand, runSubject, knownPhaseRuns } from './common.js';

export const sr205: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR205',
    name: 'terminal-without-finish-time',
    severity: 'warning',
    summary:
      'A terminal StoryRun has no finishedAt, or a duration that disagrees with finishedAt − startedAt by more than 1 s.',
    rationale:
      'The controller sets finishedAt when a run ends and duration as finishedAt − startedAt rounded to the second ' +
      '. A terminal run without them breaks TTL clean-up, billing and dashboards that measure calls; ' +
      'a wrong duration usually means a writer other than the controller ended the run.',
    fix: 'Run `storyctl finish NAME -n NS --force-terminal`: it keeps a set finishedAt (else now) and recomputes duration.',
    docs: 'docs/rules/SR205.md',
    evidence: 'the phase, `startedAt`, `finishedAt` and `duration` as written, and the duration they imply.',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'pkg/runs/status/storyrun.go',
        version: 'v0.1.5–v0.1.12',
        behaviour: 'terminal transitions set `finishedAt` and `duration`',
      },
    ],
    family: 'storyrun',
    repair: { blocksRepair: true },
  },
  requires: ['storyRuns'],
  check(world) {
    const findings: FindingDraft[] = [];
    const notEvaluated: NotEvaluatedDraft[] = [];
    for (const v of knownPhaseRuns(world, notEvaluated)) {
      if (v.phaseClass !== 'terminal') continue;
      const problems = finishTimeProblems(v.run);
      if (problems.length === 0) continue;
      const st = v.run.status ?? {};
      const text = problems
        .map((p) =>
          p.field === 'finishedAt'
            ? 'finishedAt is not set'
            : `duration is ${p.found ?? 'not set'}, expected ${p.expected}`,
        )
        .join('; ');
      findings.push({
        subject: runSubject(v),
        message: `run is ${v.phase} but ${text}`,
        evidence: {
          phase: v.phase,
          ...(st.startedAt ? { startedAt: st.startedAt } : {}),
          ...(st.finishedAt ? { finishedAt: st.finishedAt } : {}),
          ...(st.duration ? { duration: st.duration } : {}),
          problems: problems.map((p) => ({
            field: p.field,
            found: p.found ?? null,
            expected: p.expected ?? null,
          })),
        },
        fix: finishCommand(v.namespace, v.name),
        anchor: st.finishedAt ?? st.startedAt ?? '',
      });
    }
    return { findings, notEvaluated };
  },
};
