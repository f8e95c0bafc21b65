// Ductor process lifetimes and turns (LOG-FORMATS.md section 5), shared by DT101-DT103.
import type { LogEvent } from '../../model/log-event.js';
import type { Subject } from '../../model/report.js';

export const LIFETIME_NEEDLES = [
  'Logging initialized',
  'PID lock acquired',
  'PID lock released',
  'Stale PID file found',
  'Termination signal received',
  'Shutdown terminated',
  'Bot online:',
];
export const TURN_OPEN = ['Streaming flow starting', 'Normal flow starting'];
export const TURN_CLOSE = [
  'Streaming flow completed',
  'Normal flow completed',
  'Session timed out after',
  'Session error preserved',
  'by user',
  'Session recovery failed on retry',
];

export type LifetimeEvent =
  | { kind: 'start' }
  | { kind: 'stale' } // the previous lifetime died hard
  | { kind: 'terminated'; processes: number }
  | { kind: 'released' }
  | { kind: 'online' };

/** Lifetime markers. A start logs both `Logging initialized` and `PID lock acquired`: only the first opens it. */
export function lifetimeEvent(ev: LogEvent): LifetimeEvent | undefined {
  if (ev.family !== 'ductor') return undefined;
  const m = ev.message;
  if (m.startsWith('Logging initialized') || m.startsWith('PID lock acquired')) return { kind: 'start' };
  if (m.startsWith('Stale PID file found')) return { kind: 'stale' };
  const t = /^Shutdown terminated (\d+) active CLI process/.exec(m);
  if (t) return { kind: 'terminated', processes: Number(t[1]) };
  if (m.startsWith('PID lock released')) return { kind: 'released' };
  if (m.startsWith('Bot online:')) return { kind: 'online' };
  return undefined;
}

export function isTurnOpen(ev: LogEvent): boolean {
  return ev.family === 'ductor' && TURN_OPEN.some((p) => ev.message.startsWith(p));
}

export function isTurnClose(ev: LogEvent): boolean {
  return (
    ev.family === 'ductor' &&
    TURN_CLOSE.some((p) =>
      p === 'by user'
        ? / (aborted|interrupted) by user/.test(ev.message) || ev.message.endsWith(p)
        : ev.message.startsWith(p),
    )
  );
}

export function chatSubject(chat: string): Subject {
  return { kind: 'DuctorChat', name: chat };
}

/**
 * Counts lifetimes: `start` opens a new one unless the current one has only just started (the
 * second start marker of the same start). Both DT101 and DT103 need the same numbering.
 */
export class Lifetimes {
  current = 0;
  private fresh = false;
  /** Returns the event, having advanced the lifetime number when it opens a new one. */
  see(ev: LogEvent): LifetimeEvent | undefined {
    const le = lifetimeEvent(ev);
    if (!le) {
      if (ev.family === 'ductor') this.fresh = false;
      return undefined;
    }
    if (le.kind === 'start') {
      if (!this.fresh) this.current++;
      this.fresh = true;
    } else if (le.kind !== 'stale') {
      this.fresh = false;
    }
    return le;
  }
}
