// SR302: a StepRun whose StoryRun does not exist (CONTROLLER.md §4).
import type { ClusterRule, FindingDraft } from '../types.js';
import { stepRunSubject } from './common.js';

export const sr302: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR302',
    name: 'orphaned-steprun',
    severity: 'warning',
    summary: 'A StepRun points at a StoryRun (by spec.storyRunRef, owner or label) that does not exist.',
    rationale:
      "The controller finds a run's StepRuns by label and cleans them up through its run. A StepRun " +
      'whose run is gone is reconciled by nobody: a realtime one keeps its workers running, and garbage collection did ' +
      'not remove it, so its owner reference is missing or points elsewhere.',
    fix: 'Check that the StoryRun is really gone (namespace, -A), then delete the StepRun with kubectl; its finalizer removes the runtime resources.',
    docs: 'docs/rules/SR302.md',
    evidence:
      'the StepRun and the run it points at, and how (`spec.storyRunRef`, owner reference or the `bubustack.io/storyrun` label).',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/step_executor.go',
        version: 'v0.1.12',
        behaviour:
          'StepRuns are created with `spec.storyRunRef`, the run label and a controller owner reference (L370-440)',
      },
      {
        repo: 'bubustack/core',
        file: 'runtime/identity/storyrun.go',
        version: 'v0.1.5',
        behaviour: 'the label value is the run name sanitized to 63 characters with a hash suffix',
      },
    ],
    family: 'storyrun',
  },
  requires: ['storyRuns', 'stepRuns'],
  check(world) {
    const findings: FindingDraft[] = [];
    for (const o of world.orphans) {
      const s = o.stepRun;
      // Already being deleted: it is going away; if it hangs, SR303 reports it.
      if (s.metadata.deletionTimestamp) continue;
      const ns = s.metadata.namespace ?? 'default';
      const ref = o.referencedRun || '(none)';
      findings.push({
        subject: stepRunSubject(s),
        message:
          o.via === 'none'
            ? 'StepRun names no StoryRun at all (no storyRunRef, owner or label)'
            : `StepRun belongs to StoryRun ${ref} (by ${o.via}), which does not exist`,
        evidence: {
          referencedRun: ref,
          via: o.via,
          phase: s.status?.phase ?? '',
          ...(s.spec?.stepId ? { stepId: s.spec.stepId } : {}),
          ...(s.metadata.creationTimestamp ? { createdAt: s.metadata.creationTimestamp } : {}),
          kubectlHint: `kubectl delete steprun ${s.metadata.name} -n ${ns}`,
        },
        anchor: s.metadata.creationTimestamp ?? s.metadata.uid ?? '',
      });
    }
    return { findings, notEvaluated: [] };
  },
};
