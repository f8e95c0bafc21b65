// One log rule over a few lines, through the real engine (`startLogRules`), without the reader:
// each line is parsed as the reader parses a record, and only lines holding one of the rule's
// needles reach it, as the scanner would hand them on. The capture ends at the latest time the
// rule saw or the last line's time, as `lintLogs` computes it. Findings come back redacted the way
// the report shows them (buildReport does that), unless PII is asked for.
import { DEFAULT_STOP_BUDGET_SECONDS } from '../../../src/contract/budget.js';
import { parseRecord } from '../../../src/logs/detect.js';
import type { LogEvent } from '../../../src/model/log-event.js';
import { redactFindings } from '../../../src/model/redact.js';
import { startLogRules, type EngineResult } from '../../../src/rules/engine.js';
import type { LogRule, LogRuleContext } from '../../../src/rules/types.js';

export { ductor, FIXTURES, pino, py, zap } from '../../logs/helpers.js';

export interface RunLogRuleOptions {
  stopBudgetSeconds?: number;
  /** The config file's rule thresholds (LK101 window, BR102 age). */
  thresholds?: Pick<LogRuleContext, 'forcedCloseWindowSeconds' | 'stuckCleanupSeconds'>;
  now?: number;
  showPii?: boolean;
}

/** The name stdin gets in reports; these lines stand for a piped capture. */
const FILE = '-';

function parse(record: string, line: number): LogEvent | undefined {
  // Test lines carry full dates, so a date-less time of day needs no day to land on.
  return parseRecord(record.split('\n'), { file: FILE, line }, (ms) => ms);
}

export function runLogRule(
  rule: LogRule,
  lines: readonly string[],
  opts: RunLogRuleOptions = {},
): EngineResult {
  const session = startLogRules([rule], {
    now: opts.now ?? Date.now(),
    stopBudgetSeconds: opts.stopBudgetSeconds ?? DEFAULT_STOP_BUDGET_SECONDS,
    ...opts.thresholds,
  });
  let lastTime: number | undefined;
  const see = (t: number | undefined): void => {
    if (t !== undefined && (lastTime === undefined || t > lastTime)) lastTime = t;
  };
  let line = 1;
  for (const record of lines) {
    if (rule.needles.some((n) => record.includes(n))) {
      const ev = parse(record, line);
      if (ev) {
        see(ev.time);
        session.feed(ev);
      }
    }
    line += record.split('\n').length;
  }
  const last = lines.at(-1);
  if (last !== undefined) see(parse(last.split('\n').at(-1) ?? '', line - 1)?.time);
  const end = new Map<string, number>();
  if (lastTime !== undefined) end.set(FILE, lastTime);
  const result = session.finish({ lastTime, lastTimeByFile: end });
  return { ...result, findings: redactFindings(result.findings, { showPii: opts.showPii === true }) };
}

/** The rule ids of the findings, sorted. */
export function ids(r: EngineResult): string[] {
  return r.findings.map((f) => f.ruleId).sort();
}
