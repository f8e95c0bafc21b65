// BR101: the controller held a stop for longer than the stop budget (LOG-FORMATS.md section 1,
// bobrapet `internal/controller/runs/storyrun_controller.go`). v0.1.12 resolves a graceful-cancel
// window and logs `Graceful cancel timeout expired; deleting remaining StepRuns` (with the window's
// `timeout`) in the pass that deletes what is left. v0.1.5–v0.1.11 have no window: `Graceful cancel
// requested` opens every reconcile of a cancel-requested run (the fixed 5 s requeue while StepRuns
// live, plus one per StepRun event), so a run that logs it for longer than the budget was held.
import type { LogEvent } from '../../model/log-event.js';
import type { Subject } from '../../model/report.js';
import { parseGoDuration } from '../../contract/duration.js';
import { endFor, type FindingDraft, type LogRule, type NotEvaluatedDraft } from '../types.js';
import { storyRunOf, subjectText } from './bobrapet.js';
import { iso, locationOf, windowReason } from './common.js';

const EXPIRED = 'Graceful cancel timeout expired; deleting remaining StepRuns';
const REQUESTED = 'Graceful cancel requested';
/**
 * Lines of one held cancel come every 5 s; after the run finishes only StepRun events and resyncs
 * log it again. A gap longer than this ends the series.
 */
const SERIES_GAP_MS = 60_000;

interface Series {
  first: LogEvent;
  subject: Subject;
  start: number;
  last: number;
  lines: number;
  /** The longest series so far, when an earlier one was longer. */
  longest?: { start: number; last: number; lines: number; first: LogEvent };
}

export const br101: LogRule = {
  kind: 'log',
  meta: {
    id: 'BR101',
    name: 'cancel-waited-full-window',
    severity: 'warning',
    summary:
      'A StoryRun cancel was held longer than the stop budget before its StepRuns were deleted (a long graceful window, or no window at all before v0.1.12).',
    rationale:
      'When a realtime room ends the run is cancelled; v0.1.12 waits the resolved graceful window (often a transport drainTimeoutSeconds) before deleting what is left, and v0.1.5–v0.1.11 wait until the StepRuns end by themselves, which realtime StepRuns never do. Either way the run stayed Running past the stop budget.',
    fix: 'On v0.1.12, lower the window the cancel resolved (the transport or Story drainTimeoutSeconds) to the stop budget; `storyctl doctor` shows where it comes from (SR102). Before v0.1.12, upgrade the operator or finish the run (`storyctl finish`).',
    docs: 'docs/rules/BR101.md',
    evidence:
      "v0.1.12: the controller's `Graceful cancel timeout expired; deleting remaining StepRuns` line (the window `timeout`, when the cancel was observed, the StepRuns deleted); v0.1.5–v0.1.11: the span of its repeated `Graceful cancel requested` lines; each against the stop budget.",
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour: '`Graceful cancel timeout expired; deleting remaining StepRuns` (L1568), new in v0.1.12',
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.5–v0.1.11',
        behaviour:
          '`Graceful cancel requested` on every reconcile of a canceling run (L1489 / L1494), 5 s requeue',
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'cmd/main.go',
        version: 'v0.1.5–v0.1.12',
        behaviour: 'the zap JSON logger storyctl parses',
      },
    ],
    family: 'bobrapet',
    suppressibleOnStory: true,
  },
  needles: [EXPIRED, REQUESTED],
  create(ctx) {
    const seen = new Map<string, FindingDraft>();
    const series = new Map<string, Series>();
    const budgetMs = ctx.stopBudgetSeconds * 1000;
    const expired = (ev: LogEvent, subject: Subject): void => {
      const key = subjectText(subject);
      const f = ev.fields;
      const timeoutText = typeof f.timeout === 'string' ? f.timeout : undefined;
      const timeout =
        timeoutText !== undefined
          ? parseGoDuration(timeoutText)
          : typeof f.timeout === 'number'
            ? f.timeout / 1e9
            : undefined;
      if (timeout === undefined || timeout <= ctx.stopBudgetSeconds || seen.has(key)) return;
      const startedAt = typeof f.startedAt === 'string' ? f.startedAt : undefined;
      const started = startedAt !== undefined ? Date.parse(startedAt) : undefined;
      const evidence: Record<string, unknown> = {
        timeout: timeoutText ?? `${timeout}s`,
        stopBudgetSeconds: ctx.stopBudgetSeconds,
        expiredAt: iso(ev.time),
      };
      if (startedAt !== undefined) evidence.cancelObservedAt = startedAt;
      if (started !== undefined && ev.time !== undefined && !Number.isNaN(started))
        evidence.waitedSeconds = Math.round((ev.time - started) / 1000);
      if (typeof f.remainingStepRuns === 'number') evidence.remainingStepRuns = f.remainingStepRuns;
      seen.set(key, {
        message: `StoryRun ${key} waited its full ${timeoutText ?? `${timeout}s`} graceful-cancel window (stop budget ${ctx.stopBudgetSeconds} s) before deleting ${typeof f.remainingStepRuns === 'number' ? `${f.remainingStepRuns} remaining StepRuns` : 'its remaining StepRuns'}`,
        subject,
        location: locationOf(ev),
        evidence,
        anchor: startedAt ?? iso(ev.time) ?? `${ev.file}:${ev.line}`,
      });
    };
    return {
      onEvent(ev) {
        if (ev.family !== 'bobrapet') return;
        const isExpired = ev.message.startsWith(EXPIRED);
        if (!isExpired && !ev.message.startsWith(REQUESTED)) return;
        const subject = storyRunOf(ev);
        if (!subject) return;
        if (isExpired) return expired(ev, subject);
        const t = ev.time;
        if (t === undefined) return;
        const key = subjectText(subject);
        const s = series.get(key);
        if (!s) {
          series.set(key, { first: ev, subject, start: t, last: t, lines: 1 });
          return;
        }
        if (t - s.last > SERIES_GAP_MS) {
          if (s.longest === undefined || s.last - s.start > s.longest.last - s.longest.start)
            s.longest = { start: s.start, last: s.last, lines: s.lines, first: s.first };
          s.first = ev;
          s.start = t;
          s.lines = 0;
        }
        s.last = t;
        s.lines++;
      },
      finish(end) {
        const findings = [...seen.values()];
        const notEvaluated: NotEvaluatedDraft[] = [];
        for (const s of series.values()) {
          const key = subjectText(s.subject);
          if (seen.has(key)) continue;
          const current = { start: s.start, last: s.last, lines: s.lines, first: s.first };
          const held =
            s.longest && s.longest.last - s.longest.start > current.last - current.start
              ? s.longest
              : current;
          if (held.last - held.start > budgetMs) {
            findings.push({
              message: `StoryRun ${key} kept its cancel pending for ${Math.round((held.last - held.start) / 1000)} s (\`Graceful cancel requested\` ×${held.lines}, stop budget ${ctx.stopBudgetSeconds} s): the controller has no graceful-cancel window before v0.1.12 and waits for the StepRuns to end`,
              subject: s.subject,
              location: locationOf(held.first),
              evidence: {
                firstRequestedAt: iso(held.start),
                lastRequestedAt: iso(held.last),
                requestedLines: held.lines,
                heldSeconds: Math.round((held.last - held.start) / 1000),
                stopBudgetSeconds: ctx.stopBudgetSeconds,
              },
              anchor: iso(held.start) as string,
            });
            continue;
          }
          // The capture ends before the budget ran out for the last series: too early to tell.
          const fileEnd = endFor(end, s.first.file);
          if (fileEnd === undefined || fileEnd < s.start + budgetMs)
            notEvaluated.push({
              subject: s.subject,
              reason: windowReason('graceful cancel requested', ctx.stopBudgetSeconds, s.start, fileEnd),
            });
        }
        return { findings, notEvaluated };
      },
    };
  },
};
