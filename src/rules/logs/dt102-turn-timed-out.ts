// DT102: a Ductor turn timed out and its preserved session was never resumed.
import type { LogEvent } from '../../model/log-event.js';
import type { LogRule, FindingDraft } from '../types.js';
import { iso, locationOf } from './common.js';
import { chatSubject, isTurnOpen, TURN_OPEN } from './ductor.js';

const TIMED_OUT = /^Session timed out after (\d+(?:\.\d+)?)s/;
const PRESERVING = /^Timeout: preserving session_id (\S+) for resume/;

interface Timeout {
  ev: LogEvent;
  chat: string | undefined;
  session: string | undefined;
  seconds: number;
}

function sameSession(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return a.startsWith(b) || b.startsWith(a);
}

export const dt102: LogRule = {
  kind: 'log',
  meta: {
    id: 'DT102',
    name: 'turn-timed-out',
    severity: 'warning',
    summary: 'A Ductor turn timed out and no later turn resumed its session.',
    rationale:
      'On timeout Ductor preserves the CLI session id for resume; until a later turn resumes it, the work the user asked for is unfinished and the session state is only on disk.',
    fix: 'Ask the user to continue in the chat (the next message resumes the preserved session), or raise the CLI timeout for long tasks.',
    docs: 'docs/rules/DT102.md',
    evidence: 'the turn, its timeout and the session it preserved, and that no later turn resumed it.',
    upstream: [
      {
        repo: 'PleasePrompto/ductor',
        file: 'ductor_bot/orchestrator/flows.py',
        version: '0.20.x',
        behaviour: '`Session timed out after %.0fs` and `Timeout: preserving session_id %s for resume`',
      },
    ],
    family: 'ductor',
  },
  needles: ['Session timed out after', 'Timeout: preserving session_id', ...TURN_OPEN],
  create() {
    const pending: Timeout[] = [];
    return {
      onEvent(ev) {
        if (ev.family !== 'ductor') return;
        const m = TIMED_OUT.exec(ev.message);
        if (m) {
          pending.push({ ev, chat: ev.ductor?.chat, session: ev.ductor?.session, seconds: Number(m[1]) });
          return;
        }
        const p = PRESERVING.exec(ev.message);
        if (p) {
          const last = [...pending].reverse().find((t) => t.chat === ev.ductor?.chat);
          if (last) last.session = p[1];
          return;
        }
        if (isTurnOpen(ev)) {
          const s = ev.ductor?.session;
          for (let i = pending.length - 1; i >= 0; i--) {
            const t = pending[i] as Timeout;
            if (t.chat === ev.ductor?.chat && sameSession(t.session, s)) pending.splice(i, 1);
          }
        }
      },
      finish() {
        const findings: FindingDraft[] = pending.map((t) => {
          const d: FindingDraft = {
            message: `chat ${t.chat ?? '?'}: turn timed out after ${t.seconds} s at ${iso(t.ev.time) ?? `line ${t.ev.line}`}; session ${t.session ?? '(unknown)'} was not resumed`,
            location: locationOf(t.ev),
            evidence: { timedOutAt: iso(t.ev.time), timeoutSeconds: t.seconds, session: t.session ?? null },
            anchor: iso(t.ev.time) ?? `${t.ev.file}:${t.ev.line}`,
          };
          if (t.chat !== undefined) d.subject = chatSubject(t.chat);
          return d;
        });
        return { findings, notEvaluated: [] };
      },
    };
  },
};
