// LK301: a worker drain or job shutdown ran out of time (LOG-FORMATS.md section 4, last row).
import type { LogEvent } from '../../model/log-event.js';
import type { LogRule, FindingDraft } from '../types.js';
import { agentProcess, iso, locationOf, type ProcessRef } from './common.js';

export const DRAIN_MESSAGES = [
  'timed out draining',
  'job shutdown is taking too much time',
  'job is unresponsive',
  'job process orphaned, shutting down.',
  'draining worker',
  'drain timed out, forcing shutdown',
  'process did not ack shutdown in time, killing process',
  'process did not exit in time, killing process',
  'process is unresponsive, killing process',
  'entrypoint did not exit in time, cancelling',
];

interface Seen {
  first: LogEvent;
  proc: ProcessRef | undefined;
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
      'Draining lets running jobs finish before a worker stops (1 h by default); timeouts, kills and orphaned job processes mean sessions were cut off or left running without a worker to own them.',
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
  needles: DRAIN_MESSAGES,
  create() {
    const seen = new Map<string, Seen>();
    return {
      onEvent(ev) {
        const msg = DRAIN_MESSAGES.find((m) => ev.message.startsWith(m));
        if (!msg) return;
        const proc = agentProcess(ev);
        const key = proc?.key ?? `file:${ev.file}`;
        let s = seen.get(key);
        if (!s) {
          s = { first: ev, proc, messages: new Map(), last: ev.time };
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
            message: `${s.proc?.subject.name ?? s.first.file}: worker drain/shutdown unresolved: ${list.join('; ')}`,
            location: locationOf(s.first),
            evidence: { firstAt: iso(s.first.time), lastAt: iso(s.last), messages: list },
            anchor: iso(s.first.time) ?? `${s.first.file}:${s.first.line}`,
          };
          if (s.proc) d.subject = s.proc.subject;
          findings.push(d);
        }
        return { findings, notEvaluated: [] };
      },
    };
  },
};
