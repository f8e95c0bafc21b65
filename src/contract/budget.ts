// RULES.md SR101: how long a stop may take before storyctl calls it stalled.
import { parseGoDuration } from './duration.js';

export const DEFAULT_STOP_BUDGET_SECONDS = 30;

/** The controller requeues a canceling run every 5 to 7.5 s; a stop is only late past this slack. */
export const REQUEUE_SLACK_SECONDS = 7.5;

/** A finalizer older than this with a deletionTimestamp is stuck (SR303, BR102). */
export const STUCK_DELETION_SECONDS = 300;

/** Parse `--stop-budget` (`30s`, `2m`, `45`). Returns undefined for anything else. */
export function parseStopBudget(text: string): number | undefined {
  const t = text.trim();
  // A bare number is seconds; like a duration it must be positive (`0` would flag every stop).
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) > 0 ? Number(t) : undefined;
  const s = parseGoDuration(t);
  return s !== undefined && s > 0 ? s : undefined;
}

/** True when a stop that has taken `elapsedSeconds` is past the budget and the requeue slack. */
export function isPastStopBudget(elapsedSeconds: number, budgetSeconds: number): boolean {
  return elapsedSeconds > budgetSeconds + REQUEUE_SLACK_SECONDS;
}
