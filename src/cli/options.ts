// Flag values shared by doctor and lint, validated into typed settings (usage errors are exit 2).
import { InvalidArgumentError } from 'commander';
import { DEFAULT_STOP_BUDGET_SECONDS, parseStopBudget } from '../contract/budget.js';
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

export function parseBudgetOption(value: string): number {
  const s = parseStopBudget(value);
  if (s === undefined)
    throw new InvalidArgumentError(`expected a duration such as 30s or 2m, got "${value}"`);
  return s;
}

export function parseFailOn(value: string): FailOn {
  if (value === 'error' || value === 'warning' || value === 'info' || value === 'none') return value;
  throw new InvalidArgumentError('expected one of error, warning, info, none');
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
}

export const DEFAULT_FLAGS = { failOn: 'error' as FailOn, stopBudget: DEFAULT_STOP_BUDGET_SECONDS };
