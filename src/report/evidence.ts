// Evidence as short human lines, shared by the text reporters.
import { formatGoDuration } from '../contract/duration.js';

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return value.map(formatValue).join(', ');
    return value.map((v) => formatInline(v)).join('; ');
  }
  return formatInline(value);
}

function formatInline(value: unknown): string {
  if (typeof value !== 'object' || value === null) return formatValue(value);
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : formatValue(v)}`)
    .join(' ');
}

/**
 * Evidence for people: machine twins are left to the JSON (`elapsedSeconds` beside `elapsed`,
 * structured `…Detail` beside its one-line form).
 */
export function evidenceLines(evidence: Record<string, unknown>): string[] {
  return Object.entries(evidence)
    .filter(([, v]) => v !== undefined)
    .filter(([k]) => !(k.endsWith('Seconds') && k.slice(0, -'Seconds'.length) in evidence))
    .filter(([k]) => !(k.endsWith('Detail') && k.slice(0, -'Detail'.length) in evidence))
    .map(([k, v]) => `${k}: ${formatValue(v)}`);
}

const ISO_TIME = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** `cancelObservedAt` → `cancel observed at`: keys for people, not for jq. */
export function words(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

/** Seconds as a Go duration (`2m13s`), the way the controller and kubectl print them. */
function humanSeconds(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? formatGoDuration(Math.round(value))
    : undefined;
}

/** Every RFC 3339 time in a text, to the second. */
export function humanTimes(text: string): string {
  return text.replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, humanTime);
}

/** A time to the second (`2026-04-22 18:05:00Z`): nanoseconds help nobody at 3 a.m. */
export function humanTime(value: string): string {
  const m = ISO_TIME.exec(value);
  return m ? `${m[1]} ${m[2]}${m[4] === 'Z' ? 'Z' : (m[4] ?? '')}` : value;
}

function compactValue(value: unknown): string {
  if (typeof value === 'string') return humanTime(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  // A list of objects is counted here; -o wide and -o json have each of them.
  if (Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null))
    return String(value.length);
  return formatValue(value);
}

/**
 * Evidence as short `label: value` items for the table: human durations and times, words for
 * keys, machine twins (`…Seconds` beside its words, `…Detail` beside its summary) left to
 * `-o wide` and `-o json`.
 */
export function compactEvidence(evidence: Record<string, unknown>, message = ''): string[] {
  const out: string[] = [];
  // What the message already says is not repeated under it.
  const said = (text: string): boolean => text.length >= 3 && message.includes(text);
  for (const [k, v] of Object.entries(evidence)) {
    if (v === undefined) continue;
    if (k.endsWith('Detail') && k.slice(0, -'Detail'.length) in evidence) continue;
    if (k.endsWith('Seconds')) {
      const base = k.slice(0, -'Seconds'.length);
      if (base in evidence) continue;
      const d = humanSeconds(v);
      if (d !== undefined) {
        if (!said(d)) out.push(`${words(base)}: ${d}`);
        continue;
      }
    }
    const text = compactValue(v);
    if (!said(text) && !(typeof v === 'string' && said(v))) out.push(`${words(k)}: ${text}`);
  }
  return out;
}

/** Every evidence key as it is in the JSON, for `-o wide`: nothing dropped, nothing rounded. */
export function fullEvidence(evidence: Record<string, unknown>): string[] {
  return Object.entries(evidence)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
}
