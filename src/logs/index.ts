// `lintLogs`: read captured logs, parse the lines the given rules need, run them through the rule
// engine, and return findings, not-evaluated entries and per-source counts. The rules are an input
// (the CLI selects them); nothing here chooses an exit code or redacts (the report does).
import { DEFAULT_STOP_BUDGET_SECONDS } from '../contract/budget.js';
import type { LogEvent } from '../model/log-event.js';
import type { InputWarning } from '../model/input-warning.js';
import type { Finding, NotEvaluated, SourceInfo } from '../model/report.js';
import { startLogRules } from '../rules/engine.js';
import type { LogRule, LogRuleContext } from '../rules/types.js';
import { parseRecord } from './detect.js';
import { InputClock, wallClockTime } from './input-clock.js';
import type { GzipFault } from './gzip.js';
import { expandInputs, inputChunks, type LogInput } from './reader.js';
import { scanFileInRanges, type RangeOptions } from './scan/two-threads.js';
import type { Matcher } from './matcher/types.js';
import { newMatcher, Scanner, type LastLine, type ScanRecord } from './scan/scanner.js';
import { normalizeTime } from '../model/log-event.js';

export interface LintLogsOptions {
  stdin?: NodeJS.ReadableStream;
  now?: number;
  stopBudgetSeconds: number;
  /** Rule thresholds beyond the stop budget (the config file's `thresholds`). */
  thresholds?: Pick<LogRuleContext, 'forcedCloseWindowSeconds' | 'stuckCleanupSeconds'>;
  rules: readonly LogRule[];
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
}

export interface LintLogsResult {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  sources: SourceInfo[];
  /** Inputs read only in part (a cut gzip), for stderr; their sources say `incomplete`. */
  warnings: InputWarning[];
}

export async function lintLogs(inputs: string[], options: LintLogsOptions): Promise<LintLogsResult> {
  const rules = options.rules;
  const files = await expandInputs(inputs);
  const session = startLogRules(rules, {
    now: options.now ?? Date.now(),
    stopBudgetSeconds: options.stopBudgetSeconds ?? DEFAULT_STOP_BUDGET_SECONDS,
    ...options.thresholds,
  });
  // One matcher for every input, in turn (a worker builds its own): its memory is set up once.
  const matcher = newMatcher(rules.flatMap((r) => r.needles));
  const total = files.every((f) => f.kind === 'file')
    ? files.reduce((n, f) => n + (f.kind === 'file' ? f.size : 0), 0)
    : undefined;
  let read = 0;
  const onRaw = (n: number): void => {
    read += n;
    options.onProgress?.(read, total);
  };

  const sources: SourceInfo[] = [];
  const warnings: InputWarning[] = [];
  let lastTime: number | undefined;
  const lastTimeByFile = new Map<string, number>();
  const seeTime = (t: number | undefined, file: string): void => {
    if (t === undefined) return;
    if (lastTime === undefined || t > lastTime) lastTime = t;
    if (t > (lastTimeByFile.get(file) ?? -Infinity)) lastTimeByFile.set(file, t);
  };
  const feed = (ev: LogEvent): void => {
    seeTime(ev.time, ev.file);
    session.feed(ev);
  };

  for (const file of files) {
    const stats = await scanInput(file, options.stdin, onRaw, matcher, feed);
    seeTime(stats.lastTime, file.name);
    sources.push({ type: 'log', name: file.name, lines: stats.lines, skippedLines: stats.skippedLines });
    if (stats.fault) markIncomplete(sources, warnings, file.name, stats.fault);
  }

  const result = session.finish({ lastTime, lastTimeByFile });
  return { findings: result.findings, notEvaluated: result.notEvaluated, sources, warnings };
}

interface InputStats {
  lines: number;
  skippedLines: number;
  lastTime: number | undefined;
  /** Why the input was not read to its end (gzip only). */
  fault?: GzipFault;
}

/**
 * A gzip input read in part: its source says so (the CLI exits 3, as for a check not evaluated)
 * and a warning says why. The lines before the fault were read and checked.
 */
function markIncomplete(
  sources: SourceInfo[],
  warnings: InputWarning[],
  name: string,
  fault: GzipFault,
): void {
  const source = sources[sources.length - 1];
  if (source) Object.assign(source, { incomplete: true, warnings: 1 });
  warnings.push({ file: name, message: `${fault.message}; the lines before it were read and checked` });
}

/** Parse one input's records into events, in order, dating the records that print no date. */
export async function scanInput(
  file: LogInput,
  stdin: NodeJS.ReadableStream | undefined,
  onRaw: (n: number) => void,
  matcher: Matcher,
  feed: (ev: LogEvent) => void,
  ranges: RangeOptions = {},
): Promise<InputStats> {
  let parseFailures = 0;
  const clock = new InputClock();
  const onRecord = (r: ScanRecord): void => {
    const ev = parseRecord(r.lines, { file: file.name, line: r.line }, clock.dayOf(r.prefixTime));
    if (!ev) {
      parseFailures++;
      return;
    }
    clock.saw(ev);
    feed(ev);
  };
  if (file.kind === 'file' && !file.gzip) {
    const r = await scanFileInRanges(file.path, file.size, matcher, onRecord, onRaw, ranges);
    return {
      lines: r.lines,
      skippedLines: r.skippedLines + parseFailures,
      lastTime: lastLineTime(r.lastLine),
    };
  }
  const scanner = new Scanner(matcher, onRecord);
  let fault: GzipFault | undefined;
  for await (const chunk of inputChunks(file, stdin, onRaw, (f) => (fault = f))) scanner.push(chunk);
  scanner.end();
  return {
    lines: scanner.lines,
    skippedLines: scanner.skippedLines + parseFailures,
    lastTime: lastLineTime(scanner.lastLine),
    ...(fault ? { fault } : {}),
  };
}

/**
 * The time of the capture's last line, whatever its format, without running a rule on it: the
 * collector's time the scanner parsed, else the record's own.
 */
export function lastLineTime(line: LastLine | undefined): number | undefined {
  if (line === undefined) return undefined;
  if (line.prefixTime !== undefined) return line.prefixTime;
  const ev = parseRecord([line.content], { file: '', line: 0 }, () => undefined);
  if (ev?.time !== undefined) return ev.time;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)(Z|[+-]\d{2}:\d{2})?/.exec(line.content);
  if (!m) return undefined;
  const local = `${m[1]}T${(m[2] as string).replace(',', '.')}`;
  return m[3] !== undefined ? normalizeTime(`${local}${m[3]}`) : wallClockTime(local);
}
