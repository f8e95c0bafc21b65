// BR102: a StepRun's finalizer waits on realtime runtime resources that never go away
// (LOG-FORMATS.md section 1, StepRun controller).
import type { LogEvent } from '../../model/log-event.js';
import type { Subject } from '../../model/report.js';
import { STUCK_DELETION_SECONDS } from '../../contract/budget.js';
import { endFor, type LogRule, type FindingDraft, type NotEvaluatedDraft } from '../types.js';
import { iso, locationOf, windowReason } from './common.js';

const WAITING = 'Waiting for realtime runtime resources to be deleted before removing finalizer';
const DONE = 'Owned resources are deleted, removing finalizer';

interface Wait {
  first: LogEvent;
  subject: Subject;
  last: number;
  count: number;
}

function stepRunOf(ev: LogEvent): Subject | undefined {
  const f = ev.fields;
  const sr = f.steprun ?? f.stepRun ?? f.StepRun;
  let name: unknown =
    typeof sr === 'string'
      ? sr
      : typeof sr === 'object' && sr !== null
        ? (sr as { name?: unknown }).name
        : f.name;
  let ns: unknown =
    typeof sr === 'object' && sr !== null
      ? ((sr as { namespace?: unknown }).namespace ?? f.namespace)
      : f.namespace;
  if (typeof name === 'string' && name.includes('/') && ns === undefined) [ns, name] = name.split('/', 2);
  if (typeof name !== 'string') return undefined;
  return typeof ns === 'string' ? { kind: 'StepRun', namespace: ns, name } : { kind: 'StepRun', name };
}

export const br102: LogRule = {
  kind: 'log',
  meta: {
    id: 'BR102',
    name: 'steprun-cleanup-stuck',
    severity: 'warning',
    summary:
      'A StepRun waited more than 5 min for its realtime runtime resources to be deleted before removing its finalizer.',
    rationale:
      'Deleting a realtime StepRun waits until its runtime (Deployment, Service, agent pods) is gone; a runtime that never disappears keeps the StepRun, and its StoryRun, in deletion forever.',
    fix: 'Find the runtime objects owned by the StepRun (kubectl get all -l bubustack.io/steprun=<name>) and what blocks their deletion (their own finalizers, a stuck pod); `storyctl doctor` reports the finalizer (SR303).',
    docs: 'docs/rules/BR102.md',
    evidence:
      'the StepRun, the first and last `Waiting for realtime runtime resources to be deleted before removing finalizer` lines, how many, and how long it waited.',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/steprun_controller.go',
        version: 'v0.1.6–v0.1.12',
        behaviour:
          'the deletion pass logs the wait (L1040) until the owned resources are gone, then removes the finalizer',
      },
    ],
    family: 'bobrapet',
  },
  needles: [WAITING, DONE],
  create(ctx) {
    const limitSeconds = ctx.stuckCleanupSeconds ?? STUCK_DELETION_SECONDS;
    const waits = new Map<string, Wait>();
    const order: Wait[] = [];
    return {
      onEvent(ev) {
        if (ev.family !== 'bobrapet') return;
        const waiting = ev.message.startsWith(WAITING);
        if (!waiting && !ev.message.startsWith(DONE)) return;
        const subject = stepRunOf(ev);
        if (!subject) return;
        const key = `${subject.namespace ?? ''}/${subject.name}`;
        if (!waiting) {
          const w = waits.get(key);
          if (w) order.splice(order.indexOf(w), 1);
          waits.delete(key);
          return;
        }
        const w = waits.get(key);
        if (w) {
          w.count++;
          w.last = ev.time ?? w.last;
        } else {
          const nw: Wait = { first: ev, subject, last: ev.time ?? 0, count: 1 };
          waits.set(key, nw);
          order.push(nw);
        }
      },
      finish(end) {
        const findings: FindingDraft[] = [];
        const notEvaluated: NotEvaluatedDraft[] = [];
        for (const w of order) {
          const t = w.first.time;
          if (t === undefined) continue;
          const until = Math.max(w.last, endFor(end, w.first.file) ?? w.last);
          const waited = (until - t) / 1000;
          if (waited <= limitSeconds) {
            notEvaluated.push({
              subject: w.subject,
              reason: windowReason('StepRun finalizer wait', limitSeconds, t, endFor(end, w.first.file)),
            });
            continue;
          }
          findings.push({
            message: `StepRun ${w.subject.namespace ? `${w.subject.namespace}/` : ''}${w.subject.name} waited ${Math.round(waited / 60)} min for its realtime runtime resources to be deleted (finalizer still in place)`,
            subject: w.subject,
            location: locationOf(w.first),
            evidence: {
              firstWaitingAt: iso(t),
              lastWaitingAt: iso(w.last),
              waitingLines: w.count,
              waitedSeconds: Math.round(waited),
              limitSeconds,
            },
            // What the StepRun owns and waits for: the objects to look at first.
            fix: `kubectl get all${w.subject.namespace ? ` -n ${w.subject.namespace}` : ''} -l bubustack.io/steprun=${w.subject.name}`,
            anchor: iso(t) as string,
          });
        }
        return { findings, notEvaluated };
      },
    };
  },
};
