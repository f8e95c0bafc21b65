// DT103: a named-session task replayed at startup never reported a result before the process ended.
import type { LogEvent } from '../../model/log-event.js';
import type { LogRule, FindingDraft, NotEvaluatedDraft } from '../types.js';
import { iso, locationOf } from './common.js';
import { chatSubject, LIFETIME_NEEDLES, Lifetimes } from './ductor.js';

const SUBMITTED = /^Background task submitted id=(\S+) chat=(\S+) provider=(\S+) session=(\S+)/;

interface Replay {
  ev: LogEvent;
  id: string;
  chat: string;
  session: string;
  lifetime: number;
}

export const dt103: LogRule = {
  kind: 'log',
  meta: {
    id: 'DT103',
    name: 'named-session-replay-unresolved',
    severity: 'warning',
    summary:
      'A named-session task replayed at Ductor startup never finished (no ok, error or failure) before the process ended.',
    rationale:
      'At startup Ductor resubmits named-session work that was running; a replay that never resolves means the named session is stuck or was lost in the next restart, and its chat waits for nothing.',
    fix: 'Check the named session in the chat (`/sessions`), cancel or rerun it; look for the CLI process of the replay in the host.',
    docs: 'docs/rules/DT103.md',
    evidence:
      'the named session replayed at start-up and the missing end (ok, error or failure) before the process ended.',
    upstream: [
      {
        repo: 'PleasePrompto/ductor',
        file: 'ductor_bot/messenger/telegram/startup.py',
        version: '0.20.x',
        behaviour: 'interrupted named sessions are re-submitted at start-up (`Auto-resuming named session`)',
      },
    ],
    family: 'ductor',
  },
  needles: [...LIFETIME_NEEDLES, 'Background task submitted', 'CLI ns:', 'Named session task failed'],
  create() {
    const life = new Lifetimes();
    const online = new Set<number>();
    const pending: Replay[] = [];
    const ended: { r: Replay; endedAt: number | undefined }[] = [];
    const end = (lifetime: number, at: number | undefined): void => {
      for (let i = pending.length - 1; i >= 0; i--) {
        const r = pending[i] as Replay;
        if (r.lifetime <= lifetime) {
          ended.push({ r, endedAt: at });
          pending.splice(i, 1);
        }
      }
    };
    return {
      onEvent(ev) {
        if (ev.family !== 'ductor') return;
        const before = life.current;
        const le = life.see(ev);
        if (le) {
          if (le.kind === 'start' && life.current !== before) end(before, ev.time);
          else if (le.kind === 'released' || le.kind === 'terminated') end(life.current, ev.time);
          else if (le.kind === 'online') online.add(life.current);
          return;
        }
        const s = SUBMITTED.exec(ev.message);
        if (s) {
          // Only the startup replay (ctx [main], before `Bot online:`) counts.
          if (online.has(life.current)) return;
          pending.push({
            ev,
            id: s[1] as string,
            chat: s[2] as string,
            session: s[4] as string,
            lifetime: life.current,
          });
          return;
        }
        const ns = /CLI ns:(\S+) \[(ok|error)\]/.exec(ev.message);
        if (ns) {
          const i = pending.findIndex((r) => r.session === ns[1]);
          if (i >= 0) pending.splice(i, 1);
          return;
        }
        if (ev.message.startsWith('Named session task failed')) {
          // A failure that names no pending replay resolves nothing: dropping another one instead
          // would hide a replay that really never finished.
          const i = pending.findIndex((r) => ev.message.includes(r.session) || ev.message.includes(r.id));
          if (i >= 0) pending.splice(i, 1);
        }
      },
      finish() {
        const findings: FindingDraft[] = ended.map(({ r, endedAt }) => ({
          message: `chat ${r.chat}: named session ${r.session} (task ${r.id}) replayed at startup ${iso(r.ev.time) ?? ''} never resolved before the process ended${endedAt !== undefined ? ` at ${iso(endedAt)}` : ''}`,
          subject: chatSubject(r.chat),
          location: locationOf(r.ev),
          evidence: {
            submittedAt: iso(r.ev.time),
            task: r.id,
            session: r.session,
            processEndedAt: iso(endedAt) ?? null,
          },
          anchor: iso(r.ev.time) ?? `${r.ev.file}:${r.ev.line}`,
        }));
        const notEvaluated: NotEvaluatedDraft[] = pending.map((r) => ({
          subject: chatSubject(r.chat),
          reason: `named session ${r.session} replayed at ${iso(r.ev.time) ?? `line ${r.ev.line}`} is unresolved, but the process was still running when the capture ends`,
        }));
        return { findings, notEvaluated };
      },
    };
  },
};
