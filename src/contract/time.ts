// Kubernetes times: metav1.Time is RFC3339 with second precision; annotations such as
// graceful-cancel-observed-at are RFC3339Nano. JavaScript dates keep milliseconds only.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an RFC3339 / RFC3339Nano time, or undefined when it is not one. */
export function parseTime(text: string | undefined | null): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RFC3339.exec(text.trim());
  if (!m) return undefined;
  const frac = m[7] ?? '';
  // Truncate nanoseconds to milliseconds; keep the rest of the string for Date to parse.
  const ms = frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : '';
  const zone = m[8] === 'z' ? 'Z' : m[8];
  const value = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${ms}${zone}`);
  return Number.isNaN(value) ? undefined : value;
}

/** metav1.Time form: UTC, second precision. */
export function formatKubeTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC3339Nano-ish UTC form (millisecond precision is all JavaScript has). */
export function formatPreciseTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
