// BR101: the controller held a stop for the whole graceful-cancel window (LOG-FORMATS.md section 1).
import type { LogRule, FindingDraft } from '../types.js';
import { parseGoDuration } from '../../contract/duration.js';
import { iso, locationOf } from './common.js';

const EXPIRED = 'Graceful cancel timeout expired; deleting remaining StepRuns';

export const br101: LogRule = {
  kind: 'log',
  meta: {
    id: 'BR101',
    name: 'cancel-waited-full-window',
    severity: 'warning',
    summary:
      'A StoryRun cancel waited out a graceful window longer than the stop budget before deleting its StepRuns.',
    rationale:
      'When a realtime room ends the run is cancelled; the controller waits the resolved graceful window (often a transport drainTimeoutSeconds) before deleting what is left, so the run stayed Running for the whole window.',
    fix: 'Lower the window the cancel resolved (the transport or Story drainTimeoutSeconds) to the stop budget; `storyctl doctor` shows where it comes from (SR102).',
    docs: 'docs/rules/BR101.md',
    evidence:
      "the controller's `Graceful cancel timeout expired; deleting remaining StepRuns` line: the window (`timeout`), when the cancel was observed, the StepRuns deleted, against the stop budget.",
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour: '`Graceful cancel timeout expired; deleting remaining StepRuns` (L1568), new in v0.1.12',
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
  needles: [EXPIRED],
  create(ctx) {
    const seen = new Map<string, FindingDraft>();
    return {
      onEvent(ev) {
        if (ev.family !== 'bobrapet' || !ev.message.startsWith(EXPIRED)) return;
        const f = ev.fields;
        const sr = f.storyrun ?? f.storyRun ?? f.StoryRun;
        const name =
          typeof sr === 'string'
            ? sr
            : typeof sr === 'object' && sr !== null
              ? (sr as { name?: unknown }).name
              : f.name;
        const nsRaw =
          typeof sr === 'object' && sr !== null
            ? ((sr as { namespace?: unknown }).namespace ?? f.namespace)
            : f.namespace;
        if (typeof name !== 'string') return;
        const namespace = typeof nsRaw === 'string' ? nsRaw : undefined;
        const timeoutText = typeof f.timeout === 'string' ? f.timeout : undefined;
        const timeout =
          timeoutText !== undefined
            ? parseGoDuration(timeoutText)
            : typeof f.timeout === 'number'
              ? f.timeout / 1e9
              : undefined;
        if (timeout === undefined || timeout <= ctx.stopBudgetSeconds) return;
        const key = `${namespace ?? ''}/${name}`;
        if (seen.has(key)) return;
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
        const subject =
          namespace !== undefined
            ? { kind: 'StoryRun' as const, namespace, name }
            : { kind: 'StoryRun' as const, name };
        seen.set(key, {
          message: `StoryRun ${key.replace(/^\//, '')} waited its full ${timeoutText ?? `${timeout}s`} graceful-cancel window (stop budget ${ctx.stopBudgetSeconds} s) before deleting ${typeof f.remainingStepRuns === 'number' ? `${f.remainingStepRuns} remaining StepRuns` : 'its remaining StepRuns'}`,
          subject,
          location: locationOf(ev),
          evidence,
          anchor: startedAt ?? iso(ev.time) ?? `${ev.file}:${ev.line}`,
        });
      },
      finish() {
        return { findings: [...seen.values()], notEvaluated: [] };
      },
    };
  },
};
