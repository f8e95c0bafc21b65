// Values of the config file that the settings read too: durations, expiry dates, time zones. Apart
// from the parser so that merging settings does not load yaml and the schema validator.
import { parseGoDuration } from '../contract/duration.js';

/** Seconds from a config duration: Go/kubectl text or a bare number; undefined unless positive. */
export function parseDurationSetting(value: string | number): number | undefined {
  if (typeof value === 'number') return value > 0 ? value : undefined;
  const t = value.trim();
  const seconds = /^\d+(\.\d+)?$/.test(t) ? Number(t) : parseGoDuration(t);
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** When a suppression stops applying: a date means through the end of that day, UTC. */
export function expiryTime(text: string): number | undefined {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const t = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(t)) return undefined;
  return dateOnly ? t + 86_400_000 : t;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
