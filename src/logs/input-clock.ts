// Times a record cannot place alone (LOG-FORMATS.md section 0, "Time"), per input: a time of day
// without a date (pino-pretty, Ductor's console, Python's compact text) and wall-clock text without
// a zone (Python's dev text, Ductor's file), both read in the `--log-timezone` zone.
//
// A time of day takes its date from the collector prefix on its own line when there is one (that
// full timestamp is the better clock, and is used as the record's time), else from the nearest
// dated line before it in the same input: of the day before, that day and the day after, the
// reading closest to the input's clock, which rolls it over at midnight. With neither, the record
// has no time at all, never a time in 1970; the rules then report their windows as not evaluated.
import type { ParseContext } from './formats/types.js';
import { UTC_ZONE, type LogZone } from './timezone.js';

const DAY_MS = 86_400_000;
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

export class InputClock {
  /** The latest time this input placed: a dated record's, or a time of day placed after it. */
  private clock: number | undefined;
  /** The collector time of the record being parsed. */
  private prefixTime: number | undefined;
  /** One context for every record of the input (records are parsed one at a time, in order). */
  private readonly ctx: ParseContext = {
    timeOfDay: (msOfDay) => (this.prefixTime !== undefined ? this.prefixTime : this.placeTimeOfDay(msOfDay)),
    wallClock: (text) => wallClockIn(this.zone, text),
  };

  constructor(private readonly zone: LogZone = UTC_ZONE) {}

  /**
   * How the record at hand (with its collector time, if any) reads times the format cannot place
   * alone; valid until the next call.
   */
  context(prefixTime: number | undefined): ParseContext {
    this.prefixTime = prefixTime;
    return this.ctx;
  }

  /** A record with a time moves the input's clock to it. */
  saw(time: number | undefined): void {
    if (time !== undefined) this.clock = time;
  }

  private placeTimeOfDay(msOfDay: number): number | undefined {
    if (this.clock === undefined) return undefined;
    const near = this.clock;
    const day = this.zone.dateOf(near);
    let best: number | undefined;
    for (const shift of [-1, 0, 1]) {
      const t = this.zone.instant(day, msOfDay) + shift * DAY_MS;
      if (best === undefined || Math.abs(t - near) < Math.abs(best - near)) best = t;
    }
    return best;
  }
}

/** Zone-less wall-clock text (`YYYY-MM-DDTHH:MM:SS[.sss]`) read in `zone`. */
export function wallClockIn(zone: LogZone, text: string): number | undefined {
  const m = WALL_CLOCK.exec(text);
  if (!m) return undefined;
  const n = (i: number): number => Number(m[i]);
  const ms = ((n(4) * 60 + n(5)) * 60 + n(6)) * 1000 + Number((m[7] ?? '0').padEnd(3, '0'));
  const t = zone.instant({ year: n(1), month: n(2), day: n(3) }, ms);
  return Number.isNaN(t) ? undefined : t;
}
