// LK301: a worker drain or job shutdown *failed*: it timed out, forced a shutdown, killed a process
// or left a job process orphaned (LOG-FORMATS.md section 4, worker drain). The start of a drain
// (`draining worker`: debug in agents-js, info in Python, logged by every drain) and a slow ping
// (`job executor is unresponsive`, Python's `process is unresponsive` with a `delay`) are not.
import type { LogEvent } from '../../model/log-event.js';
import type { Subject } from '../../model/report.js';
import type { LogRule, FindingDraft } from '../types.js';
import { agentProcess, iso, locationOf } from './common.js';

/** The failures, each read upstream (agents-js 1.4–1.7, livekit-agents 1.3–1.6). */
export const DRAIN_FAILURES = [
  // agents-js: `cli.ts` logs the WorkerError of `drain()` (1.5.0+, `start` only) through logger.error(e).
  'timed out draining',
  // agents-js `ipc/supervised_proc.ts`; Python's thread executor writes it with two dots.
  'job shutdown is taking too much time',
  'job is unresponsive',
  // agents-js `ipc/job_proc_lazy_main.ts` / `inference_proc_lazy_main.ts`.
  'job process orphaned, shutting down.',
  'inference process orphaned, shutting down.',
  // livekit-agents `cli/cli.py` (1.5.2+), `ipc/supervised_proc.py`, `ipc/job_thread_executor.py`,
  // `ipc/job_proc_lazy_main.py`.
  'drain timed out, forcing shutdown',
  'process did not ack shutdown in time, killing process',
  'job did not ack shutdown in time',
  'process did not exit in time, killing process',
  'process is unresponsive, killing process',
  'entrypoint did not exit in time, cancelling',
];

interface Seen {
  first: LogEvent;
  subject: Subject | undefined;
  messages: Map<string, number>;
  last: number | undefined;
}

export const lk301: LogRule = {
  kind: 'log',
  meta: {
    id: 'LK301',
    name: 'worker-drain-unresolved',
    severity: 'warning',
    summary: 'A worker drain or job shutdown hit its timeout, or a job process was orphaned or killed.',
    rationale:
      'Draining lets running jobs finish before a worker stops (1 h in agents-js 1.5+ and livekit-agents 1.6.5+, 30 min in older Python); timeouts, kills and orphaned job processes mean sessions were cut off or left running without a worker to own them. Starting a drain and a slow ping are normal and not reported.',
    fix: 'Find the jobs that did not finish (see LK101/LK103 for the same process), shorten what they wait on, and align the pod terminationGracePeriodSeconds with the drain timeout.',
    docs: 'docs/rules/LK301.md',
    evidence:
      'the drain or shutdown line that hit its timeout, or the job that was orphaned or killed, with the process.',
    upstream: [
      {
        repo: 'livekit/agents-js',
        file: 'agents/src/ipc/supervised_proc.ts',
        version: '1.4.0–1.7.0',
        behaviour: '`job shutdown is taking too much time`, `job is unresponsive`',
      },
      {
        repo: 'livekit/agents-js',
        file: 'agents/src/cli.ts',
        version: '1.4.0–1.7.0',
        behaviour: '`timed out draining` (production `start` only)',
      },
      {
        repo: 'livekit/agents',
        file: 'livekit-agents/livekit/agents/cli/cli.py',
        version: '1.5.2–1.6.10',
        behaviour: '`drain timed out, forcing shutdown`',
      },
    ],
    family: 'livekit',
  },
  needles: DRAIN_FAILURES,
  create() {
    const seen = new Map<string, Seen>();
    return {
      onEvent(ev) {
        if (ev.family !== 'livekit-js' && ev.family !== 'livekit-python') return;
        const msg = DRAIN_FAILURES.find((m) => ev.message.startsWith(m));
        if (!msg) return;
        // Python worker-process lines carry no pid: the finding belongs to the input, not a process.
        const worker = ev.family === 'livekit-python' && ev.pid === undefined && ev.jobId === undefined;
        const proc = worker ? undefined : agentProcess(ev);
        const key = proc?.key ?? `file:${ev.file}`;
        let s = seen.get(key);
        if (!s) {
          s = { first: ev, subject: proc?.subject, messages: new Map(), last: ev.time };
          seen.set(key, s);
        }
        s.messages.set(msg, (s.messages.get(msg) ?? 0) + 1);
        if (ev.time !== undefined) s.last = ev.time;
      },
      finish() {
        const findings: FindingDraft[] = [];
        for (const s of seen.values()) {
          const list = [...s.messages].map(([m, n]) => (n > 1 ? `${m} (×${n})` : m));
          const d: FindingDraft = {
            message: `${s.subject?.name ?? s.first.file}: worker drain/shutdown failed: ${list.join('; ')}`,
            location: locationOf(s.first),
            evidence: { firstAt: iso(s.first.time), lastAt: iso(s.last), messages: list },
            anchor: iso(s.first.time) ?? `${s.first.file}:${s.first.line}`,
          };
          if (s.subject) d.subject = s.subject;
          findings.push(d);
        }
        return { findings, notEvaluated: [] };
      },
    };
  },
};
