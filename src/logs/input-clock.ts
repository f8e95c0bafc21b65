// Times a record cannot place alone (LOG-FORMATS.md section 0, "Time"): a time of day without a
// date, dated per input, and wall-clock text without a zone.
import type { LogEvent } from '../model/log-event.js';
import { formatNamed } from './formats/index.js';

const DAY_MS = 86_400_000;

/** The running date of one input, for formats that print only a time of day (pino-pretty). */
export class InputClock {
  private day: number | undefined;
  private lastTimeOfDay: number | undefined;

  /** How a time of day in a record is dated: by its collector prefix when it has one, else the running date. */
  dayOf(prefixTime: number | undefined): (msOfDay: number) => number | undefined {
    return (msOfDay) => {
      if (prefixTime !== undefined) return prefixTime;
      let t = (this.day ?? 0) + msOfDay;
      // A time of day that jumps back by more than half a day has crossed midnight.
      if (this.lastTimeOfDay !== undefined && t < this.lastTimeOfDay - DAY_MS / 2)
        t += DAY_MS * Math.ceil((this.lastTimeOfDay - t - DAY_MS / 2) / DAY_MS);
      this.lastTimeOfDay = t;
      return t;
    };
  }

  /** A record whose format prints its date sets the running date. */
  saw(ev: LogEvent): void {
    if (ev.time !== undefined && formatNamed(ev.format)?.dates !== 'time-of-day')
      this.day = Math.floor(ev.time / DAY_MS) * DAY_MS;
  }
}

/** Zone-less wall-clock text (`YYYY-MM-DDTHH:MM:SS.sss`), read as UTC: captured pods run in UTC. */
export function wallClockTime(text: string): number | undefined {
  const t = Date.parse(`${text}Z`);
  return Number.isNaN(t) ? undefined : t;
}
