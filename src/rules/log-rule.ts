// The log rule contract: metadata plus a pure streaming consumer of parsed events. The engine in
// src/logs feeds every event in input order, then calls finish once with the capture's end.
import type { LogEvent } from '../model/log-event.js';
import type { RuleMeta, RuleOutput } from './types.js';

export interface LogRuleContext {
  /** Evaluation time, epoch ms (`--now`, or the clock). Windows use the capture's own end, not this. */
  now: number;
  stopBudgetSeconds: number;
}

export interface CaptureEnd {
  /** The latest time seen anywhere in the capture (any line, any format), epoch ms. */
  lastTime: number | undefined;
  /** The latest time per input file: a window opened in one file is judged by that file's end. */
  lastTimeByFile: ReadonlyMap<string, number>;
}

/** The capture's end as seen from the file an opening line came from. */
export function endFor(end: CaptureEnd, file: string): number | undefined {
  return end.lastTimeByFile.get(file) ?? end.lastTime;
}

export interface LogRuleRun {
  onEvent(ev: LogEvent): void;
  finish(end: CaptureEnd): RuleOutput;
}

export interface LogRule {
  kind: 'log';
  meta: RuleMeta;
  /**
   * Substrings one of which every line the rule needs contains. The reader only decodes and parses
   * lines holding a needle of a selected rule, so a rule that needs a marker line (process start,
   * completion) must list it here too.
   */
  needles: readonly string[];
  create(ctx: LogRuleContext): LogRuleRun;
}
