// SR103: history — a canceled run did finish, but only after waiting out a long window (CONTROLLER.md §6, §7).
import { isPastStopBudget, REQUEUE_SLACK_SECONDS } from '../../contract/budget.js';
import { describeWindowSource } from '../../contract/cancel-window.js';
import { formatGoDuration } from '../../contract/duration.js';
import { parseTime } from '../../contract/time.js';
import { ANNOTATIONS } from '../../model/kube.js';
import type { ClusterRule, FindingDraft, NotEvaluatedDraft } from '../types.js';
import { durationEvidence, runSubject, windowEvidence, windowPhrase } from './common.js';

export const sr103: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR103',
    name: 'slow-cancel-finish',
    severity: 'warning',
    summary: 'A canceled StoryRun finished, but only long after its cancel was observed.',
    rationale:
      'The controller marks a canceled run Finished only once its StepRuns are gone, and deletes them only when the cancel ' +
      'window has expired. A finish that came long after the cancel shows the stop waited out the window ' +
      ', typically a transport drain: the call is over but its workers and room lived on. The run is done now; the ' +
      'next call will wait the same way.',
    fix: 'Shorten the cancel window of the Story (see SR102); nothing to repair on this run.',
    docs: 'docs/rules/SR103.md',
    evidence:
      'when the cancel was observed and when the run finished; how long that took against the stop budget; the cancel window and its source; whether the wait matches the window.',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour:
          'the canceled run is finished only after the window has expired (`handleGracefulCancel`, L1517-1578)',
      },
    ],
    family: 'storyrun',
    suppressibleOnStory: true,
    needsWindow: true,
  },
  requires: ['storyRuns'],
  check(world, ctx) {
    const findings: FindingDraft[] = [];
    const notEvaluated: NotEvaluatedDraft[] = [];
    for (const v of world.runs) {
      if (v.phase !== 'Finished' || !v.cancelRequested) continue;
      const annotation = v.run.metadata.annotations?.[ANNOTATIONS.cancelObservedAt];
      const finishedAtText = v.run.status?.finishedAt;
      const finishedAt = parseTime(finishedAtText);
      if (v.cancelObservedAt === undefined || !annotation || finishedAt === undefined || !finishedAtText) {
        notEvaluated.push({
          subject: runSubject(v),
          reason: `canceled run without ${v.cancelObservedAt === undefined ? `a valid ${ANNOTATIONS.cancelObservedAt}` : 'a valid status.finishedAt'}: the wait cannot be measured`,
        });
        continue;
      }
      const wait = (finishedAt - v.cancelObservedAt) / 1000;
      if (!isPastStopBudget(wait, ctx.stopBudgetSeconds)) continue;
      // The finish comes one requeue (5–7.5 s) after the window expires, and finishedAt has second precision.
      const matchesWindow =
        wait >= v.window.seconds - 1 && wait <= v.window.seconds + REQUEUE_SLACK_SECONDS + 1;
      const waitText = formatGoDuration(Math.round(wait));
      findings.push({
        subject: runSubject(v),
        message:
          `canceled run took ${waitText} to finish after its cancel (stop budget ${formatGoDuration(ctx.stopBudgetSeconds)})` +
          (matchesWindow
            ? v.windowConfidence.kind === 'known'
              ? `: it waited out its ${formatGoDuration(v.window.seconds)} cancel window from ${describeWindowSource(v.window.source)}`
              : `: it waited out its cancel window, ${windowPhrase(v)}`
            : ''),
        evidence: {
          cancelObservedAt: annotation,
          finishedAt: finishedAtText,
          ...durationEvidence('wait', wait),
          ...durationEvidence('budget', ctx.stopBudgetSeconds),
          ...windowEvidence(v, world),
          matchesWindow,
        },
        anchor: annotation,
      });
    }
    return { findings, notEvaluated };
  },
};
