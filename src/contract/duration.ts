// Go's time.Duration text form, as the controller writes `status.duration` and logs `timeout`.

/** Format whole or fractional seconds the way Go's Duration.String() does. */
export function formatGoDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) throw new RangeError(`not a finite duration: ${seconds}`);
  if (seconds === 0) return '0s';
  const neg = seconds < 0;
  let ns = Math.round(Math.abs(seconds) * 1e9);
  const sign = neg ? '-' : '';
  if (ns < 1e9) {
    // Go uses the largest sub-second unit that keeps an integer part: ns, µs, ms.
    if (ns < 1e3) return `${sign}${ns}ns`;
    if (ns < 1e6) return `${sign}${trimFraction(ns / 1e3)}µs`;
    return `${sign}${trimFraction(ns / 1e6)}ms`;
  }
  const h = Math.floor(ns / 3.6e12);
  ns -= h * 3.6e12;
  const m = Math.floor(ns / 6e10);
  ns -= m * 6e10;
  const s = trimFraction(ns / 1e9);
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

function trimFraction(v: number): string {
  // Up to 9 fractional digits, trailing zeros dropped, as Go prints them.
  return v
    .toFixed(9)
    .replace(/\.?0+$/, '')
    .replace(/^$/, '0');
}

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Parse a Go duration (`2m0s`, `1.5s`, `300ms`, `1h0m5s`, `-3s`). Returns seconds, or undefined if invalid. */
export function parseGoDuration(text: string): number | undefined {
  const t = text.trim();
  // Go accepts a bare zero with or without a sign and no unit.
  if (/^[-+]?0$/.test(t)) return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(t);
  if (!m) return undefined;
  let total = 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  for (const part of t.matchAll(re)) {
    const unit = UNIT_SECONDS[part[2] as string];
    if (unit === undefined) return undefined;
    total += Number(part[1]) * unit;
  }
  return m[1] === '-' ? -total : total;
}

/** Seconds between two RFC3339 times, rounded to the second like the controller's duration. */
export function roundedSecondsBetween(startIso: string, endIso: string): number | undefined {
  const a = Date.parse(startIso);
  const b = Date.parse(endIso);
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  // Go's Duration.Round rounds halfway values away from zero.
  const diff = (b - a) / 1000;
  return diff < 0 ? -Math.round(-diff) : Math.round(diff);
}
