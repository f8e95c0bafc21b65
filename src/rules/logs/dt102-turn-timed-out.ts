// DT102: a Ductor turn timed out and its preserved session was never resumed (0.20.x
// `ductor_bot/orchestrator/flows.py`). The timeout logs `Timeout: preserving session_id <sid8> for
// resume` (a new session, or one the CLI renamed) *before* `Session timed out after <n>s`; a turn
// that resumes the session logs `Session resolved sid=<sid8> new=False`, whose context carries the
// sid too. The turn's opening line never has the sid (it enters the context just before `Session
// resolved`). 0.4.x has no `Session timed out`: its timeouts close as `Session error …`.
import type { LogEvent } from '../../model/log-event.js';
import type { LogRule, FindingDraft } from '../types.js';
import { iso, locationOf } from './common.js';
import { chatSubject, TURN_OPEN } from './ductor.js';

const TIMED_OUT = /^Session timed out after (\d+(?:\.\d+)?)s/;
const PRESERVING = /^Timeout: preserving session_id (\S+) for resume/;
const RESOLVED = /^Session resolved sid=(\S+) new=(True|False)/;

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
      'On timeout Ductor preserves the CLI session id for resume; until a later turn resumes it (`Session resolved sid=<sid> new=False`), the work the user asked for is unfinished and the session state is only on disk.',
    fix: 'Ask the user to continue in the chat (the next message resumes the preserved session), or raise the CLI timeout for long tasks.',
    docs: 'docs/rules/DT102.md',
    evidence:
      'the turn, its timeout and the session it preserved, and that no later `Session resolved sid=<sid> new=False` resumed it.',
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
  needles: [
    'Session timed out after',
    'Timeout: preserving session_id',
    'Session resolved sid=',
    ...TURN_OPEN,
  ],
  create() {
    const pending: Timeout[] = [];
    /** Per chat: the session id the timeout path announced it keeps, before its `Session timed out`. */
    const preserved = new Map<string, string>();
    return {
      onEvent(ev) {
        if (ev.family !== 'ductor') return;
        const chat = ev.ductor?.chat;
        const p = PRESERVING.exec(ev.message);
        if (p) {
          if (chat !== undefined) preserved.set(chat, p[1] as string);
          return;
        }
        const m = TIMED_OUT.exec(ev.message);
        if (m) {
          const session = (chat !== undefined ? preserved.get(chat) : undefined) ?? ev.ductor?.session;
          if (chat !== undefined) preserved.delete(chat);
          pending.push({ ev, chat, session, seconds: Number(m[1]) });
          return;
        }
        // A later turn resumes the session: its `Session resolved … new=False`, or the sid in its context.
        const r = RESOLVED.exec(ev.message);
        const resumed = r && r[2] === 'False' ? r[1] : ev.ductor?.session;
        if (resumed === undefined) return;
        for (let i = pending.length - 1; i >= 0; i--) {
          const t = pending[i] as Timeout;
          // A timeout whose session was never named is resumed by any resume in its chat.
          const named = t.session === undefined ? r !== null : sameSession(t.session, resumed);
          if (t.chat === chat && t.ev !== ev && named) pending.splice(i, 1);
        }
      },
      finish() {
        const findings: FindingDraft[] = pending.map((t) => {
          const d: FindingDraft = {
            message: `chat ${t.chat ?? '?'}: turn timed out after ${t.seconds} s at ${iso(t.ev.time) ?? `line ${t.ev.line}`}; session ${t.session ?? '(unknown)'} was not resumed`,
            location: locationOf(t.ev),
            evidence: {
              timedOutAt: iso(t.ev.time) ?? `${t.ev.file}:${t.ev.line}`,
              timeoutSeconds: t.seconds,
              session: t.session ?? null,
            },
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
