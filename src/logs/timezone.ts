// `--log-timezone`: the zone in which the formats that print a wall clock without a zone wrote it
// (LOG-FORMATS.md section 0, "Time": Python's dev text, Ductor's file and console, pino-pretty's
// time of day). IANA names through Intl; UTC (the default) needs no Intl at all.

const MINUTE = 60_000;
/** Zone offsets are constant within a UTC quarter hour (every real transition falls on one). */
const BUCKET = 15 * MINUTE;

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

export interface LogZone {
  readonly name: string;
  /** The instant (epoch ms) of a wall-clock time in this zone. */
  instant(date: LocalDate, msOfDay: number): number;
  /** The wall-clock date of an instant in this zone. */
  dateOf(t: number): LocalDate;
}

export const UTC_ZONE: LogZone = {
  name: 'UTC',
  instant: (d, ms) => Date.UTC(d.year, d.month - 1, d.day) + ms,
  dateOf(t) {
    const d = new Date(t);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  },
};

/** The zone named by `--log-timezone`, or undefined when Intl does not know the name. */
export function logZone(name: string): LogZone | undefined {
  if (/^(utc|z|etc\/utc|gmt)$/i.test(name)) return UTC_ZONE;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const canonical = format.resolvedOptions().timeZone;
  const offsets = new Map<number, number>();
  /** Wall clock minus UTC at instant t, in ms. */
  const offsetAt = (t: number): number => {
    const bucket = Math.floor(t / BUCKET);
    const cached = offsets.get(bucket);
    if (cached !== undefined) return cached;
    const at = bucket * BUCKET;
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(at))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(
      p.year ?? 1970,
      (p.month ?? 1) - 1,
      p.day ?? 1,
      p.hour ?? 0,
      p.minute ?? 0,
      p.second ?? 0,
    );
    const off = wall - at;
    if (offsets.size > 4096) offsets.clear();
    offsets.set(bucket, off);
    return off;
  };
  return {
    name: canonical,
    instant(d, ms) {
      const wall = Date.UTC(d.year, d.month - 1, d.day) + ms;
      // Two passes settle the offset except inside a DST gap or overlap, where the earlier reading wins.
      const first = wall - offsetAt(wall);
      return wall - offsetAt(first);
    },
    dateOf(t) {
      return UTC_ZONE.dateOf(t + offsetAt(t));
    },
  };
}
