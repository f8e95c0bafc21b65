// LK103: the SDK's own 60 s close bound fired (LOG-FORMATS.md section 4, job close timeout).
import type { LogRule, FindingDraft } from '../types.js';
import {
  agentProcess,
  CLOSE_TIMEOUT_JS,
  CLOSE_TIMEOUT_PY,
  isCloseTimeout,
  iso,
  locationOf,
} from './common.js';

export const lk103: LogRule = {
  kind: 'log',
  meta: {
    id: 'LK103',
    name: 'session-close-timeout',
    severity: 'error',
    summary: 'AgentSession.close() / aclose() timed out and the job shut down without a clean close.',
    rationale:
      'The SDK bounds the session close at 60 s and then proceeds with shutdown; the drain that should have finished did not, so speech tasks, tools or the STT stream were still running when the job was torn down.',
    fix: 'Find what the session was waiting on (long tool calls, speech tasks that ignore cancellation, a hung STT/TTS stream) and make it cancellable.',
    docs: 'docs/rules/LK103.md',
    evidence: 'when the close timed out and the bound it hit (60 s).',
    upstream: [
      {
        repo: 'livekit/agents-js',
        file: 'agents/src/ipc/job_proc_lazy_main.ts',
        version: '1.4.6–1.7.0',
        behaviour:
          '`AgentSession.close() timed out; proceeding with shutdown` after `SESSION_CLOSE_TIMEOUT` (60 s)',
      },
      {
        repo: 'livekit/agents',
        file: 'livekit-agents/livekit/agents/ipc/job_proc_lazy_main.py',
        version: '1.5.15–1.6.10',
        behaviour: '`AgentSession.aclose() timed out after 60.0s`',
      },
    ],
    family: 'livekit',
  },
  needles: [CLOSE_TIMEOUT_JS, CLOSE_TIMEOUT_PY],
  create() {
    const findings: FindingDraft[] = [];
    return {
      onEvent(ev) {
        if (!isCloseTimeout(ev)) return;
        const proc = agentProcess(ev);
        const raw = ev.fields.timeout;
        const fromText = /after ([\d.]+)s/.exec(ev.message)?.[1];
        const timeoutSeconds =
          typeof raw === 'number' ? raw / 1000 : fromText !== undefined ? Number(fromText) : 60;
        const evidence: Record<string, unknown> = { at: iso(ev.time), timeoutSeconds, level: ev.level };
        if (ev.jobId !== undefined) evidence.jobId = ev.jobId;
        const d: FindingDraft = {
          message: `${proc?.subject.name ?? ev.file}: session close timed out after ${timeoutSeconds} s at ${iso(ev.time) ?? `line ${ev.line}`}`,
          location: locationOf(ev),
          evidence,
          anchor: iso(ev.time) ?? `${ev.file}:${ev.line}`,
        };
        if (proc) d.subject = proc.subject;
        findings.push(d);
      },
      finish() {
        return { findings, notEvaluated: [] };
      },
    };
  },
};
