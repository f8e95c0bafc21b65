// SR101: a canceled run that has not finished well past the stop budget (CONTROLLER.md §6, §7).
import {
  DEFAULT_STOP_BUDGET_SECONDS,
  isPastStopBudget,
  REQUEUE_SLACK_SECONDS,
} from '../../contract/budget.js';
import { formatGoDuration } from '../../contract/duration.js';
import { isTerminal } from '../../contract/phases.js';
import { ANNOTATIONS } from '../../model/kube.js';
import type { ClusterRule, FindingDraft, NotEvaluatedDraft } from '../types.js';
import {
  durationEvidence,
  finishCommand,
  iso,
  runSubject,
  stepRunSummary,
  unknownRunPhase,
  windowEvidence,
  windowPhrase,
} from './common.js';

export const sr101: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR101',
    name: 'stalled-graceful-cancel',
    severity: 'error',
    summary: 'A canceled StoryRun is still not terminal long after its cancel was observed.',
    rationale:
      'A room end stops a realtime run only through spec.cancelRequested. The controller then waits the ' +
      'resolved cancel window before deleting StepRuns and marking the run Finished; with a transport ' +
      'drainTimeoutSeconds that window is the upgrade drain (120 s in the LiveKit example), so the call keeps its workers, ' +
      'room and bills for minutes after it ended, or for ever if a StepRun never terminates. A stop should take no ' +
      `longer than the stop budget (default ${DEFAULT_STOP_BUDGET_SECONDS} s, plus the controller's ${REQUEUE_SLACK_SECONDS} s requeue slack).`,
    fix:
      'Finish the run with `storyctl finish NAME -n NS --force-terminal`, then shorten the cancel window ' +
      '(see SR102: lower or override the transport drainTimeoutSeconds).',
    docs: 'docs/rules/SR101.md',
    evidence:
      "the run's phase; when the controller observed the cancel (`cancelObservedAt`, from the `storyrun.bubustack.io/graceful-cancel-observed-at` annotation, or `--assume-cancel-at`); how long ago that was against the stop budget; the resolved cancel window, where it comes from and whether it is known, assumed or unknown; when the window ends; the StepRuns still alive.",
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour:
          '`Reconcile` takes the cancel branch before the terminal one; `handleGracefulCancel` waits `resolveGracefulCancelTimeout` from the observed-at annotation before deleting the StepRuns and marking the run Finished (L216-292, L1517-1578)',
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/webhook/runs/v1alpha1/storyrun_webhook.go',
        version: 'v0.1.11',
        behaviour: 'the webhook accepts `spec.cancelRequested` going from unset or false to true',
      },
    ],
    family: 'storyrun',
    suppressibleOnStory: true,
    needsWindow: true,
    repair: { blocksRepair: true, selectsForFinish: true },
  },
  requires: ['storyRuns'],
  check(world, ctx) {
    const findings: FindingDraft[] = [];
    const notEvaluated: NotEvaluatedDraft[] = [];
    for (const v of world.runs) {
      if (!v.cancelRequested) continue;
      if (v.phaseClass === 'unknown') {
        notEvaluated.push(unknownRunPhase(v));
        continue;
      }
      if (v.phaseClass === 'terminal') continue;
      const annotation = v.run.metadata.annotations?.[ANNOTATIONS.cancelObservedAt];
      const start = v.cancelObservedAt ?? ctx.assumeCancelAt;
      if (start === undefined) {
        notEvaluated.push({
          subject: runSubject(v),
          reason: `cancel requested but ${ANNOTATIONS.cancelObservedAt} is ${annotation ? `not a time (${annotation})` : 'not set yet'}: the age of the cancel is unknown (use --assume-cancel-at)`,
        });
        continue;
      }
      const elapsed = (ctx.now - start) / 1000;
      if (!isPastStopBudget(elapsed, ctx.stopBudgetSeconds)) continue;

      const cancelObservedAt = v.cancelObservedAt !== undefined && annotation ? annotation : iso(start);
      const alive =
        world.unavailable.stepRuns === undefined
          ? v.steps.filter((s) => !isTerminal(s.status?.phase)).map(stepRunSummary)
          : undefined;
      const windowEndsAt = start + v.window.seconds * 1000;
      const elapsedText = formatGoDuration(Math.round(elapsed));
      const evidence = {
        phase: v.phase,
        cancelObservedAt,
        cancelObservedAtSource:
          v.cancelObservedAt !== undefined ? 'annotation' : 'assumed (--assume-cancel-at)',
        ...durationEvidence('elapsed', elapsed),
        ...durationEvidence('budget', ctx.stopBudgetSeconds),
        ...windowEvidence(v, world),
        windowEndsAt: iso(windowEndsAt),
        windowExpired: ctx.now >= windowEndsAt,
        ...(alive
          ? { stepRunsAlive: alive }
          : { stepRunsNote: `StepRuns could not be read: ${world.unavailable.stepRuns}` }),
      };
      const waiting =
        alive === undefined
          ? ''
          : alive.length === 0
            ? ' with no StepRuns left'
            : `; ${alive.length} StepRun(s) still alive`;
      findings.push({
        subject: runSubject(v),
        message:
          `cancel requested ${elapsedText} ago but the run is still ${v.phase || 'without a phase'}${waiting} ` +
          `(stop budget ${formatGoDuration(ctx.stopBudgetSeconds)}; the controller waits ${windowPhrase(v)})`,
        evidence,
        fix: finishCommand(v.namespace, v.name),
        anchor: cancelObservedAt,
      });
    }
    return { findings, notEvaluated };
  },
};
