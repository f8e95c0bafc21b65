// SR303: a StoryRun or StepRun whose deletion has hung on its finalizers (CONTROLLER.md §4, §6 step 6).
import { STUCK_DELETION_SECONDS } from '../../contract/budget.js';
import { formatGoDuration } from '../../contract/duration.js';
import { parseTime } from '../../contract/time.js';
import type { ObjectMeta } from '../../model/kube.js';
import type { Subject } from '../../model/report.js';
import type { ClusterRule, FindingDraft } from '../types.js';
import { durationEvidence } from './common.js';

export const sr303: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR303',
    name: 'stuck-finalizer',
    severity: 'error',
    summary: `A StoryRun or StepRun has been deleting for more than ${STUCK_DELETION_SECONDS / 60} min with finalizers left.`,
    rationale:
      'Deleting a realtime StepRun runs its finalizer, which removes the Deployment, StatefulSet, Service and ' +
      'TransportBinding before letting the object go; the run finishes only once its ' +
      'StepRuns are gone. A finalizer that never completes keeps the run from finishing and the resources half removed.',
    fix:
      'Find out why the finalizer does not complete (controller logs: "Waiting for realtime runtime resources to be deleted"; ' +
      'the owned resources). Removing a finalizer by hand is a last resort, once its resources are confirmed gone.',
    docs: 'docs/rules/SR303.md',
    evidence: 'the object, when its deletion started and how long ago, and the finalizers left.',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour:
          '`reconcileDelete` deletes StepRuns and child StoryRuns, requeues while any remain, then removes `storyrun.bubustack.io/finalizer`',
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/steprun_controller.go',
        version: 'v0.1.12',
        behaviour:
          '`steprun.bubustack.io/finalizer` is removed once the realtime runtime resources are gone (`Waiting for realtime runtime resources to be deleted before removing finalizer`)',
      },
    ],
    family: 'storyrun',
  },
  requires: ['storyRuns', 'stepRuns'],
  check(world, ctx) {
    const findings: FindingDraft[] = [];
    const objects: { kind: 'StoryRun' | 'StepRun'; plural: string; meta: ObjectMeta; phase: string }[] = [
      ...world.runs.map((v) => ({
        kind: 'StoryRun' as const,
        plural: 'storyrun',
        meta: v.run.metadata,
        phase: v.phase,
      })),
      ...world.stepRuns.map((s) => ({
        kind: 'StepRun' as const,
        plural: 'steprun',
        meta: s.metadata,
        phase: s.status?.phase ?? '',
      })),
    ];
    for (const o of objects) {
      const since = parseTime(o.meta.deletionTimestamp);
      const finalizers = o.meta.finalizers ?? [];
      if (since === undefined || finalizers.length === 0) continue;
      const age = (ctx.now - since) / 1000;
      if (age <= (ctx.stuckFinalizerSeconds ?? STUCK_DELETION_SECONDS)) continue;
      const ns = o.meta.namespace ?? 'default';
      const subject: Subject = { kind: o.kind, namespace: ns, name: o.meta.name };
      findings.push({
        subject,
        message: `${o.kind} has been deleting for ${formatGoDuration(Math.round(age))}, held by finalizer(s) ${finalizers.join(', ')}`,
        evidence: {
          deletionTimestamp: o.meta.deletionTimestamp,
          ...durationEvidence('age', age),
          finalizers,
          phase: o.phase,
          kubectlHint: `kubectl get ${o.plural} ${o.meta.name} -n ${ns} -o yaml`,
        },
        anchor: o.meta.deletionTimestamp ?? '',
      });
    }
    return { findings, notEvaluated: [] };
  },
};
