// Flag values shared by the commands, validated into typed settings (usage errors are exit 2).
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_STOP_BUDGET_SECONDS, parseStopBudget } from '../contract/budget.js';
import { formatGoDuration, parseGoDuration } from '../contract/duration.js';
import { parseTime } from '../contract/time.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../report/types.js';
import type { FailOn } from './exit.js';

export { OUTPUT_FORMATS, type OutputFormat };

export function parseNowOption(value: string): number {
  const t = parseTime(value);
  if (t === undefined)
    throw new InvalidArgumentError(`expected an RFC3339 time such as 2026-04-22T18:16:00Z, got "${value}"`);
  return t;
}

/**
 * Seconds from a duration flag: a Go/kubectl duration (`30s`, `2m`, `1m30s`, `500ms`) or a bare
 * number of seconds (`45`, `2.5`), never negative. `0` only where the flag gives it a meaning
 * (`zero`, e.g. "no timeout"); elsewhere zero is a mistake (a stop budget of 0 flags every stop).
 * Every time flag parses through here, so a bad value reads the same whichever flag it was given to.
 */
export function parseDuration(text: string, zero?: string): number {
  const t = text.trim();
  const positive = parseStopBudget(t);
  const isZero = /^0+(\.0+)?$/.test(t) || parseGoDuration(t) === 0;
  const seconds = positive ?? (zero !== undefined && isZero ? 0 : undefined);
  if (seconds !== undefined && Number.isFinite(seconds)) return seconds;
  const forms = `a bare number is seconds${zero !== undefined ? `; 0 for ${zero}` : ''}`;
  throw new InvalidArgumentError(`expected a duration such as 30s, 2m or 1m30s (${forms}), got "${text}"`);
}

/** A flag that takes a duration, parsed to seconds by parseDuration. */
export function durationOption(flags: string, description: string, zero?: string): Option {
  return new Option(flags, description).argParser((value: string) => parseDuration(value, zero));
}

/** `--stop-budget`, as doctor, lint, finish and watch all take it. */
export function stopBudgetOption(description = 'how long a stop may take before it is stalled'): Option {
  return durationOption('--stop-budget <duration>', description).default(
    DEFAULT_STOP_BUDGET_SECONDS,
    formatGoDuration(DEFAULT_STOP_BUDGET_SECONDS),
  );
}

export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'none'];

export function parseFailOn(value: string): FailOn {
  const hit = FAIL_ON.find((f) => f === value);
  if (hit === undefined) throw new InvalidArgumentError(`expected one of ${FAIL_ON.join(', ')}`);
  return hit;
}

export function parseFormat(value: string, previous: OutputFormat[] | undefined): OutputFormat[] {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${OUTPUT_FORMATS.join(', ')}`);
  }
  return [...(previous ?? []), value as OutputFormat];
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export interface CommonFlags {
  output?: OutputFormat[];
  outputFile?: string[];
  failOn: FailOn;
  rule?: string[];
  skipRule?: string[];
  stopBudget: number;
  now?: number;
  color?: boolean;
  quiet?: boolean;
  showPii?: boolean;
  /** `--config FILE`, or false for `--no-config`; undefined: discover `.storyctl.yaml`. */
  config?: string | false;
  baseline?: string;
  writeBaseline?: string;
  /** false with `--no-suppressions` (audit mode). */
  suppressions?: boolean;
}

export const DEFAULT_FLAGS = { failOn: 'error' as FailOn, stopBudget: DEFAULT_STOP_BUDGET_SECONDS };
