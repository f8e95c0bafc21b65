// Text for the dashboard's cells: short ages the way kubectl prints them, the cancel column, and
// fixed-width cells so columns line up whatever the content.
import { formatGoDuration } from '../../contract/duration.js';
import type { Severity } from '../../model/report.js';
import { inertLine } from '../escape.js';
import type { CancelInfo, RunRow } from './dashboard-state.js';

/** kubectl-style age: 45s, 3m12s, 2h5m, 4d3h. */
export function shortAge(seconds: number | undefined): string {
  if (seconds === undefined) return '?';
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 > 0 ? `${s % 60}s` : ''}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`;
}

/**
 * What the clock changes on screen: every row's age and cancel cells, in row order (the order moves
 * with cancel timers too). A tick that leaves this as it was needs no new frame.
 */
export function clockFace(rows: readonly RunRow[]): string {
  return rows
    .map(
      (r) => `${r.key}\t${shortAge(r.ageSeconds)}\t${cancelText(r.cancel)}\t${r.cancel?.overBudget ? 1 : 0}`,
    )
    .join('\n');
}

/**
 * `1m5s / 30s (2m0s)`: time since the cancel against the budget and the controller's window. A
 * window that is a guess says so: `20s?` for the assumed operator default, `?` when unknown.
 */
export function cancelText(c: CancelInfo | undefined): string {
  if (!c) return '';
  const seconds = formatGoDuration(c.windowSeconds);
  const window =
    c.windowConfidence === 'unknown' ? '?' : c.windowConfidence === 'assumed' ? `${seconds}?` : seconds;
  if (c.elapsedSeconds === undefined) return `not observed yet (${window})`;
  return `${shortAge(c.elapsedSeconds)} / ${formatGoDuration(c.budgetSeconds)} (${window})`;
}

/** Badges that fit `width`: as many as fit, then `+N` for the rest (never a cut rule ID). */
export function fitBadges(badges: readonly string[], width: number): { shown: string[]; more: number } {
  const shown: string[] = [];
  let used = 0;
  for (const [i, b] of badges.entries()) {
    const cost = b.length + 2 + (shown.length > 0 ? 1 : 0);
    const rest = badges.length - i - 1;
    const reserve = rest > 0 ? ` +${rest}`.length : 0;
    if (used + cost + reserve > width) return { shown, more: badges.length - shown.length };
    shown.push(b);
    used += cost;
  }
  return { shown, more: 0 };
}

/**
 * Pad or cut `text` to exactly `width` columns (an ellipsis marks a cut). Cells hold names,
 * phases and messages from the cluster: made inert (`\x1b`) before they are measured.
 */
export function cell(untrusted: string, width: number): string {
  if (width <= 0) return '';
  const text = inertLine(untrusted);
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return text.padEnd(width);
}

export function severityColor(s: Severity | undefined): 'red' | 'yellow' | 'cyan' | undefined {
  return s === 'error' ? 'red' : s === 'warning' ? 'yellow' : s === 'info' ? 'cyan' : undefined;
}

export function phaseColor(phase: string): 'green' | 'red' | 'yellow' | 'gray' | undefined {
  if (phase === 'Succeeded') return 'green';
  if (phase === 'Failed' || phase === 'Timeout' || phase === 'Aborted') return 'red';
  if (phase === 'Running' || phase === 'Pending' || phase === 'Scheduling') return 'yellow';
  if (phase === 'Finished' || phase === 'Canceled' || phase === 'Skipped') return 'gray';
  return undefined;
}

/** Evidence values on one line each: scalars as they are, structures as compact JSON. */
export function evidenceLines(evidence: Record<string, unknown>, width: number): string[] {
  return Object.entries(evidence)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => cell(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`, width).trimEnd());
}

/** ink's `color` prop must be omitted, not undefined (exactOptionalPropertyTypes): spread this instead. */
export function tint(color: string | undefined): { color?: string } {
  return color === undefined ? {} : { color };
}

/** Break `text` into lines of at most `width` columns at spaces (long words are cut); each line inert. */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of inertLine(para).split(' ')) {
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= w) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
      while (line.length > w) {
        lines.push(line.slice(0, w));
        line = line.slice(w);
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Evidence keys worth a line: `fooSeconds` is dropped when `foo` says the same in words, `*Detail` repeats its summary. */
export function shownEvidence(evidence: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(evidence)) {
    if (k.endsWith('Seconds') && k.slice(0, -'Seconds'.length) in evidence) continue;
    if (k.endsWith('Detail') && k.slice(0, -'Detail'.length) in evidence) continue;
    out[k] = v;
  }
  return out;
}
