// SR101: a canceled run that has not finished well past the stop budget (CONTROLLER.md §6, §7).
import {
  DEFAULT_STOP_BUDGET_SECONDS,
  isPastStopBudget,
  REQUEUE_SLACK_SECONDS,
} from '../../contract/budget.js';
import { describeManager } from '../../contract/cancel-request.js';
import { formatGoDuration } from '../../contract/duration.js';
import { describeRelease, hasCancelWindow, releaseEvidence } from '../../contract/operator-release.js';
import { isTerminal } from '../../contract/phases.js';
import { ANNOTATIONS } from '../../model/kube.js';
import type { Evidence } from '../../model/report.js';
import type { RunView } from '../../model/world.js';
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
      `longer than the stop budget (default ${DEFAULT_STOP_BUDGET_SECONDS} s, plus the controller's ${REQUEUE_SLACK_SECONDS} s requeue slack). ` +
      'Releases before v0.1.12 have no window at all: they wait until every StepRun has ended by itself, so a realtime ' +
      'cancel never ends there; the cancel is then dated from the managedFields entry that set spec.cancelRequested.',
    fix:
      'Finish the run with `storyctl finish NAME -n NS --force-terminal`, then shorten the cancel window ' +
      '(see SR102: lower or override the transport drainTimeoutSeconds).',
    docs: 'docs/rules/SR101.md',
    evidence:
      "the run's phase; when the cancel began (`cancelObservedAt`: the `storyrun.bubustack.io/graceful-cancel-observed-at` annotation, `--assume-cancel-at`, or the managedFields entry that set `spec.cancelRequested`, with who set it and the manager's kind); how long ago that was against the stop budget; the operator release assumed and how it is known (detected, `--operator-version`, inferred from the annotation, or the newest); on v0.1.12 and later the resolved cancel window, where it comes from and whether it is known, assumed or unknown, and when it ends; before v0.1.12 that there is no window; the StepRuns still alive.",
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
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.11',
        behaviour:
          'the cancel branch writes no observed-at annotation, has no cancel window and never deletes StepRuns: it requeues every 5 s until every StepRun has ended by itself, so a realtime cancel never finishes',
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
    const windowed = hasCancelWindow(world.operator);
    for (const v of world.runs) {
      if (!v.cancelRequested) continue;
      if (v.phaseClass === 'unknown') {
        notEvaluated.push(unknownRunPhase(v));
        continue;
      }
      if (v.phaseClass === 'terminal') continue;
      const annotation = v.run.metadata.annotations?.[ANNOTATIONS.cancelObservedAt];
      const since = cancelStart(v, ctx.assumeCancelAt);
      if (since === undefined) {
        notEvaluated.push({
          subject: runSubject(v),
          reason:
            `cancel requested but ${ANNOTATIONS.cancelObservedAt} is ${annotation ? `not a time (${annotation})` : 'not set yet'} ` +
            `and no managedFields entry dates spec.cancelRequested: the age of the cancel is unknown (use --assume-cancel-at)`,
        });
        continue;
      }
      const start = since.at;
      const elapsed = (ctx.now - start) / 1000;
      if (!isPastStopBudget(elapsed, ctx.stopBudgetSeconds)) continue;

      const alive =
        world.unavailable.stepRuns === undefined
          ? v.steps.filter((s) => !isTerminal(s.status?.phase)).map(stepRunSummary)
          : undefined;
      const elapsedText = formatGoDuration(Math.round(elapsed));
      const request = v.cancelRequest;
      const evidence: Evidence = {
        phase: v.phase,
        cancelObservedAt: since.text,
        cancelObservedAtSource: since.source,
        ...(since.note ? { cancelTimeNote: since.note } : {}),
        ...(request
          ? {
              cancelRequestedAt: request.time,
              cancelRequestedBy: request.manager,
              cancelRequestedByKind: request.managerKind,
            }
          : {}),
        ...durationEvidence('elapsed', elapsed),
        ...durationEvidence('budget', ctx.stopBudgetSeconds),
        ...releaseEvidence(world.operator),
      };
      if (windowed) {
        const windowEndsAt = start + v.window.seconds * 1000;
        Object.assign(evidence, windowEvidence(v, world), {
          windowEndsAt: iso(windowEndsAt),
          windowExpired: ctx.now >= windowEndsAt,
        });
      } else {
        evidence['cancelWindow'] =
          `none: release ${describeRelease(world.operator)} has no cancel window and never deletes StepRuns; ` +
          'the run finishes only once every StepRun has ended by itself, which a realtime StepRun never does';
      }
      if (alive) evidence['stepRunsAlive'] = alive;
      else evidence['stepRunsNote'] = `StepRuns could not be read: ${world.unavailable.stepRuns}`;
      const waiting =
        alive === undefined
          ? ''
          : alive.length === 0
            ? ' with no StepRuns left'
            : `; ${alive.length} StepRun(s) still alive`;
      const how = windowed
        ? `the controller waits ${windowPhrase(v)}`
        : `operator ${world.operator.version ?? 'release'} has no cancel window: it never ends a realtime cancel by itself`;
      findings.push({
        subject: runSubject(v),
        message:
          `cancel requested ${since.source === 'managedFields' ? 'at least ' : ''}${elapsedText} ago but the run is still ${v.phase || 'without a phase'}${waiting} ` +
          `(stop budget ${formatGoDuration(ctx.stopBudgetSeconds)}; ${how})`,
        evidence,
        fix: finishCommand(v.namespace, v.name),
        anchor: since.text,
      });
    }
    return { findings, notEvaluated };
  },
};

interface CancelStart {
  at: number;
  text: string;
  source: 'annotation' | 'assumed (--assume-cancel-at)' | 'managedFields';
  note?: string;
}

/**
 * When the cancel began: the controller's own annotation (v0.1.12), else --assume-cancel-at, else
 * the managedFields entry that set spec.cancelRequested (every release; its time is that writer's
 * last change, so the cancel is at least that old).
 */
function cancelStart(v: RunView, assumeCancelAt: number | undefined): CancelStart | undefined {
  const annotation = v.run.metadata.annotations?.[ANNOTATIONS.cancelObservedAt];
  if (v.cancelObservedAt !== undefined && annotation)
    return { at: v.cancelObservedAt, text: annotation, source: 'annotation' };
  if (assumeCancelAt !== undefined)
    return { at: assumeCancelAt, text: iso(assumeCancelAt), source: 'assumed (--assume-cancel-at)' };
  const request = v.cancelRequest;
  if (!request) return undefined;
  return {
    at: request.at,
    text: request.time,
    source: 'managedFields',
    note:
      `dated from the managedFields entry that set spec.cancelRequested (set by ${describeManager(request)}); ` +
      `its time is that writer's last change, so the cancel is at least this old` +
      (annotation === undefined ? `; ${ANNOTATIONS.cancelObservedAt} is not set` : ''),
  };
}
