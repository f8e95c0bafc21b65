// SR304: canceled runs that the operator never cleans up (see docs/rules/SR304.md).
import { formatGoDuration } from '../../contract/duration.js';
import { storyRunRetention } from '../../contract/retention.js';
import { isTerminal } from '../../contract/phases.js';
import { parseTime } from '../../contract/time.js';
import type { Subject } from '../../model/report.js';
import { objectKey, type RunView } from '../../model/world.js';
import type { ClusterRule, FindingDraft } from '../types.js';
import { durationEvidence } from './common.js';

export const sr304: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR304',
    name: 'canceled-runs-accumulate',
    severity: 'info',
    summary:
      'Canceled StoryRuns of a Story (and their StepRuns) outlive the retention the operator applies to every other run.',
    rationale:
      'The controller checks spec.cancelRequested before the terminal branch, and returns from the cancel branch for good: ' +
      'a canceled run never reaches handleTerminalStoryRun, so its terminal StepRuns are never cleaned ' +
      'up and the retention delete (storyRunRetentionSeconds, 24 h by default) never comes. Every room end is a cancel, ' +
      'so on a realtime Story they pile up in etcd for ever. Reported per Story once one is older than that retention.',
    fix: 'Remove them with `storyctl prune --canceled --older-than 24h -n NS` (plan, dry run, confirm, the same safety as finish).',
    docs: 'docs/rules/SR304.md',
    evidence:
      "per Story: how many canceled terminal runs it has and how many are older than the retention (the Story's `storyRunRetentionSeconds` or the operator's 24 h) and where that retention comes from; the oldest run, its `finishedAt` and age; the StepRuns they still hold.",
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.5–v0.1.12',
        behaviour:
          '`Reconcile` takes the cancel branch before the terminal one and returns from it: a canceled run never reaches `handleTerminalStoryRun`, whose child cleanup and retention delete every other run gets',
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour:
          "`resolveRetentionSettings`: the Story's `policy.execution.job.storyRunRetentionSeconds`, else the operator's `storyrun.retention-seconds` (86400)",
      },
    ],
    family: 'storyrun',
  },
  requires: ['storyRuns'],
  // One finding per Story, counting its canceled runs.
  scope: 'world',
  check(world, ctx) {
    const findings: FindingDraft[] = [];
    const groups = new Map<string, { namespace: string; story: string; runs: RunView[] }>();
    for (const v of world.runs) {
      if (!v.cancelRequested || !isTerminal(v.phase) || v.run.metadata.deletionTimestamp) continue;
      const ref = v.run.spec?.storyRef;
      const namespace = ref?.namespace ?? v.namespace;
      const story = ref?.name ?? '(no storyRef)';
      const key = objectKey(namespace, story);
      const g = groups.get(key) ?? { namespace, story, runs: [] };
      g.runs.push(v);
      groups.set(key, g);
    }
    for (const g of [...groups.values()].sort((a, b) =>
      objectKey(a.namespace, a.story).localeCompare(objectKey(b.namespace, b.story)),
    )) {
      const storyObject = world.storiesByKey.get(objectKey(g.namespace, g.story));
      const retention = storyRunRetention(storyObject);
      const aged = g.runs
        .map((v) => ({
          v,
          at: parseTime(v.run.status?.finishedAt) ?? parseTime(v.run.metadata.creationTimestamp),
        }))
        .filter((x): x is { v: RunView; at: number } => x.at !== undefined)
        .sort((a, b) => a.at - b.at);
      const old = aged.filter((x) => (ctx.now - x.at) / 1000 > retention.seconds);
      const oldest = aged[0];
      if (old.length === 0 || !oldest) continue;
      const stepRuns =
        world.unavailable.stepRuns === undefined ? g.runs.reduce((n, v) => n + v.steps.length, 0) : undefined;
      const age = (ctx.now - oldest.at) / 1000;
      const subject: Subject = { kind: 'Story', namespace: g.namespace, name: g.story };
      findings.push({
        subject,
        message:
          `${g.runs.length} canceled run(s) of Story ${g.story} are kept for ever (the operator never cleans canceled runs up); ` +
          `${old.length} older than the ${formatGoDuration(retention.seconds)} retention, the oldest ${formatGoDuration(Math.round(age))} old` +
          (stepRuns !== undefined && stepRuns > 0 ? `, with ${stepRuns} StepRun(s) left` : ''),
        evidence: {
          canceledRuns: g.runs.length,
          olderThanRetention: old.length,
          ...durationEvidence('retention', retention.seconds),
          retentionSource: retention.source,
          oldestRun: oldest.v.name,
          oldestFinishedAt: oldest.v.run.status?.finishedAt ?? null,
          ...durationEvidence('oldestAge', age),
          ...(stepRuns !== undefined
            ? { stepRunsLeft: stepRuns }
            : { stepRunsNote: `StepRuns could not be read: ${world.unavailable.stepRuns}` }),
          ...(storyObject ? {} : { storyFound: false }),
        },
        fix: `storyctl prune --canceled --older-than ${compactDuration(retention.seconds)} -n ${g.namespace}`,
        // One finding per Story; it stays the same finding while runs come and go.
        anchor: objectKey(g.namespace, g.story),
      });
    }
    return { findings, notEvaluated: [] };
  },
};

/** `24h`, `1h30m`, `45s`: the Go form without its trailing zero units (a retention below 0 deletes at once). */
function compactDuration(seconds: number): string {
  return formatGoDuration(Math.max(seconds, 1))
    .replace(/(?<=[hm])0s$/, '')
    .replace(/(?<=h)0m$/, '');
}
