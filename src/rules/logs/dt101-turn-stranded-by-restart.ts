// DT101: a Ductor turn was in flight when its process ended, and nothing in that chat ran again.
import type { LogEvent } from '../../model/log-event.js';
import type { LogRule, FindingDraft } from '../types.js';
import { iso, locationOf } from './common.js';
import {
  chatSubject,
  isTurnClose,
  isTurnOpen,
  LIFETIME_NEEDLES,
  Lifetimes,
  TURN_CLOSE,
  TURN_OPEN,
} from './ductor.js';

interface Turn {
  ev: LogEvent;
  chat: string;
  lifetime: number;
}

interface Stranded {
  turn: Turn;
  endedBy: string;
  endedAt: number | undefined;
}

export const dt101: LogRule = {
  kind: 'log',
  meta: {
    id: 'DT101',
    name: 'turn-stranded-by-restart',
    severity: 'error',
    summary:
      'A Ductor turn was running when the bot process stopped or died, and the chat never got an answer.',
    rationale:
      "Ductor does not resume work after a restart: a graceful stop terminates the running CLI processes and a hard exit leaves a stale PID file. The user's message is lost unless they send it again.",
    fix: 'Tell the user in the chat to resend the message; drain Ductor before restarts (wait for running turns) instead of stopping it mid-turn.',
    docs: 'docs/rules/DT101.md',
    evidence:
      'the turn that was running (its chat and when it started) and the process stop or death that cut it off.',
    upstream: [
      {
        repo: 'PleasePrompto/ductor',
        file: 'ductor_bot/orchestrator/flows.py',
        version: '0.4.4, 0.20.x',
        behaviour:
          '`Normal flow starting` / `Streaming flow starting` open a turn, `… flow completed` closes it',
      },
      {
        repo: 'PleasePrompto/ductor',
        file: 'ductor_bot/messenger/telegram/startup.py',
        version: '0.20.x',
        behaviour: 'at start, interrupted foreground turns are only announced, not resumed',
      },
    ],
    family: 'ductor',
  },
  needles: [...LIFETIME_NEEDLES, ...TURN_OPEN, ...TURN_CLOSE],
  create() {
    const life = new Lifetimes();
    const open = new Map<string, Turn>();
    const stranded = new Map<string, Stranded>();
    const strand = (lifetime: number, endedBy: string, endedAt: number | undefined): void => {
      for (const [chat, t] of open) {
        if (t.lifetime !== lifetime) continue;
        stranded.set(chat, { turn: t, endedBy, endedAt });
        open.delete(chat);
      }
    };
    return {
      onEvent(ev) {
        const le = life.see(ev);
        if (le?.kind === 'stale') {
          // Logged by the next start: the lifetime before this one died hard.
          strand(life.current - 1, 'hard exit (the next start found a stale PID file)', ev.time);
          return;
        }
        if (le?.kind === 'terminated' && le.processes >= 1) {
          strand(life.current, `graceful stop terminated ${le.processes} active CLI process(es)`, ev.time);
          return;
        }
        const chat = ev.ductor?.chat;
        if (chat === undefined) return;
        if (isTurnOpen(ev)) {
          stranded.delete(chat);
          open.set(chat, { ev, chat, lifetime: life.current });
        } else if (isTurnClose(ev)) {
          open.delete(chat);
        }
      },
      finish() {
        const findings: FindingDraft[] = [];
        for (const s of stranded.values()) {
          const ev = s.turn.ev;
          const evidence: Record<string, unknown> = {
            turnStartedAt: iso(ev.time),
            flow: ev.message.split(' ')[0],
            endedBy: s.endedBy,
            endedAt: iso(s.endedAt),
          };
          if (ev.ductor?.session !== undefined) evidence.session = ev.ductor.session;
          findings.push({
            message: `chat ${s.turn.chat}: turn started ${iso(ev.time) ?? `at line ${ev.line}`} was stranded by a ${s.endedBy}; no later turn in that chat`,
            subject: chatSubject(s.turn.chat),
            location: locationOf(ev),
            evidence,
            anchor: iso(ev.time) ?? `${ev.file}:${ev.line}`,
          });
        }
        return { findings, notEvaluated: [] };
      },
    };
  },
};
