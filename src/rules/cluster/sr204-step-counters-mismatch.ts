// SR204: step counters that do not match the step states (CONTROLLER.md §3, §6 step 6, §9.6).
import { countersDiffer, countersOf, expectedCounters } from '../../contract/terminal-state.js';
import type { ClusterRule, FindingDraft } from '../types.js';
import { finishCommand, runSubject } from './common.js';

const FIELDS = [
  ['stepsComplete', 'Succeeded'],
  ['stepsFailed', 'Failed'],
  ['stepsSkipped', 'Skipped'],
] as const;

export const sr204: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR204',
    name: 'step-counters-mismatch',
    severity: 'info',
    summary:
      'stepsComplete / stepsFailed / stepsSkipped differ from the counts of Succeeded / Failed / Skipped step states.',
    rationale:
      'The counters are documented as the number of Succeeded, Failed and Skipped states, but the ' +
      'cancel path never recomputes them, so progress bars and alerts built on them lie. On a live run ' +
      'they may simply lag the next sync, hence info.',
    fix: 'On a terminal run, `storyctl finish NAME -n NS --force-terminal` recomputes them; on a live run, wait for the controller.',
    docs: 'docs/rules/SR204.md',
    evidence:
      'the counters as written (`stepsComplete`, `stepsFailed`, `stepsSkipped`) beside the counts of Succeeded, Failed and Skipped states.',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/dag.go',
        version: 'v0.1.12',
        behaviour: '`summarizeStepProgress` recomputes the counters on DAG passes only',
      },
    ],
    family: 'storyrun',
    repair: { blocksRepair: true },
  },
  requires: ['storyRuns'],
  check(world) {
    const findings: FindingDraft[] = [];
    for (const v of world.runs) {
      const expected = expectedCounters(v.run.status?.stepStates);
      const found = countersOf(v.run);
      if (!countersDiffer(expected, found)) continue;
      const diffs = FIELDS.filter(([k]) => expected[k] !== found[k]).map(([field, phase]) => ({
        field,
        phase,
        expected: expected[field],
        found: found[field],
      }));
      const draft: FindingDraft = {
        subject: runSubject(v),
        message: `step counters disagree with stepStates: ${diffs.map((d) => `${d.field} ${d.found}, expected ${d.expected}`).join('; ')}`,
        evidence: { phase: v.phase, expected, found, diffs },
        anchor: v.run.status?.finishedAt ?? v.run.status?.startedAt ?? '',
      };
      // Only a terminal run is repaired: forcing a live run terminal to fix an info-level counter would stop real work.
      if (v.phaseClass === 'terminal') draft.fix = finishCommand(v.namespace, v.name);
      findings.push(draft);
    }
    return { findings, notEvaluated: [] };
  },
};
