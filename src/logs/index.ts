// `lintLogs`: read captured logs, parse the lines the given rules need, run them through the rule
// engine, and return findings, not-evaluated entries and per-source counts. The rules are an input
// (the CLI selects them); nothing here chooses an exit code or redacts (the report does).
import { DEFAULT_STOP_BUDGET_SECONDS } from '../contract/budget.js';
import type { LogEvent } from '../model/log-event.js';
import { normalizeTime } from '../model/log-event.js';
import type { InputWarning } from '../model/input-warning.js';
import type { Finding, NotEvaluated, SourceInfo } from '../model/report.js';
import { startLogRules } from '../rules/engine.js';
import type { LogRule, LogRuleContext } from '../rules/types.js';
import { parseRecord } from './detect.js';
import { InputClock, wallClockIn } from './input-clock.js';
import type { GzipFault } from './gzip.js';
import { expandInputs, inputChunks, type LogInput } from './reader.js';
import { scanFileInRanges, type RangeOptions } from './scan/two-threads.js';
import type { Matcher } from './matcher/types.js';
import { newMatcher, Scanner, type LastLine, type ScanRecord } from './scan/scanner.js';
import { UTC_ZONE, type LogZone } from './timezone.js';

/**
 * How many records at the start of each input are parsed whatever they hold, to tell which formats
 * the input is in: cheap, and enough to see a capture no known format reads.
 */
export const FORMAT_SAMPLE_RECORDS = 64;

export interface LintLogsOptions {
  stdin?: NodeJS.ReadableStream;
  now?: number;
  stopBudgetSeconds: number;
  /** Rule thresholds beyond the stop budget (the config file's `thresholds`). */
  thresholds?: Pick<LogRuleContext, 'forcedCloseWindowSeconds' | 'stuckCleanupSeconds'>;
  rules: readonly LogRule[];
  /** `--log-timezone`: where zone-less and date-less formats were written (default UTC). */
  logZone?: LogZone;
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
}

/** An input with lines but no record in a format storyctl reads. */
export interface UnrecognisedInput {
  name: string;
  /** Its first non-blank line as written. */
  firstLine: string;
}

export interface LintLogsResult {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  sources: SourceInfo[];
  unrecognised: UnrecognisedInput[];
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
  const unrecognised: UnrecognisedInput[] = [];
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
    const stats = await scanInput(file, options.stdin, onRaw, matcher, feed, {}, options.logZone);
    seeTime(stats.lastTime, file.name);
    const source: SourceInfo = {
      type: 'log',
      name: file.name,
      lines: stats.lines,
      skippedLines: stats.skippedLines,
      formats: stats.formats,
      unrecognised: stats.unrecognised,
    };
    sources.push(source);
    if (Object.keys(stats.formats).length === 0 && stats.firstLine !== undefined)
      unrecognised.push({ name: file.name, firstLine: stats.firstLine });
    if (stats.fault) markIncomplete(sources, warnings, file.name, stats.fault);
  }

  const result = session.finish({ lastTime, lastTimeByFile });
  // An input no format reads is not clean: every rule is unanswered for it.
  const notUnderstood: NotEvaluated[] = unrecognised.flatMap((u) =>
    rules.map((r) => ({ ruleId: r.meta.id, reason: unrecognisedReason(u) })),
  );
  return {
    findings: result.findings,
    notEvaluated: [...result.notEvaluated, ...notUnderstood],
    sources,
    unrecognised,
    warnings,
  };
}

/** `"…"` with control characters and escapes visible, cut to `max` characters. */
export function escapeLine(line: string, max = 120): string {
  let out = '';
  for (const ch of line) {
    const c = ch.codePointAt(0) as number;
    out +=
      c === 0x1b
        ? '\\e'
        : c === 9
          ? '\\t'
          : c === 13
            ? '\\r'
            : c < 32 || c === 127
              ? `\\x${c.toString(16).padStart(2, '0')}`
              : ch === '"' || ch === '\\'
                ? `\\${ch}`
                : ch;
    if (out.length >= max) return `"${out.slice(0, max)}"…`;
  }
  return `"${out}"`;
}

function unrecognisedReason(u: UnrecognisedInput): string {
  return `${u.name}: no record in a known log format (first line ${escapeLine(u.firstLine)})`;
}

/** The warning the CLI prints for an input no known format reads. */
export function unrecognisedWarning(u: UnrecognisedInput): string {
  return `warning: ${unrecognisedReason(u)}; storyctl reads the formats in docs/log-sources.md, so nothing in it was checked`;
}

interface InputStats {
  lines: number;
  skippedLines: number;
  lastTime: number | undefined;
  formats: Record<string, number>;
  unrecognised: number;
  firstLine: string | undefined;
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

/**
 * Parse one input's records into events, in order, dating the records that print no date. Every
 * record handed on counts for its format; only those holding a needle reach the rules.
 */
export async function scanInput(
  file: LogInput,
  stdin: NodeJS.ReadableStream | undefined,
  onRaw: (n: number) => void,
  matcher: Matcher,
  feed: (ev: LogEvent) => void,
  ranges: RangeOptions = {},
  zone: LogZone = UTC_ZONE,
): Promise<InputStats> {
  let parseFailures = 0;
  let needleFailures = 0;
  const formats: Record<string, number> = {};
  const clock = new InputClock(zone);
  const onRecord = (r: ScanRecord): void => {
    const ev = parseRecord(r.lines, { file: file.name, line: r.line }, clock.context(r.prefixTime));
    if (!ev) {
      parseFailures++;
      if (r.sampleOnly !== true) needleFailures++;
      return;
    }
    formats[ev.format] = (formats[ev.format] ?? 0) + 1;
    clock.saw(ev.time);
    if (r.sampleOnly !== true) feed(ev);
  };
  const sample = { sampleRecords: FORMAT_SAMPLE_RECORDS };
  let lines: number;
  let skipped: number;
  let last: LastLine | undefined;
  let firstLine: string | undefined;
  let fault: GzipFault | undefined;
  if (file.kind === 'file' && !file.gzip) {
    const r = await scanFileInRanges(file.path, file.size, matcher, onRecord, onRaw, ranges, sample);
    lines = r.lines;
    skipped = r.skippedLines;
    last = r.lastLine;
    firstLine = r.firstLine;
  } else {
    const scanner = new Scanner(matcher, onRecord, sample);
    for await (const chunk of inputChunks(file, stdin, onRaw, (f) => (fault = f))) scanner.push(chunk);
    scanner.end();
    lines = scanner.lines;
    skipped = scanner.skippedLines;
    last = scanner.lastLine;
    firstLine = scanner.firstLine;
  }
  return {
    lines,
    // A line a rule needed that no format reads was skipped; the sample's only count as unrecognised.
    skippedLines: skipped + needleFailures,
    lastTime: lastLineTime(last, clock, zone),
    formats,
    unrecognised: parseFailures,
    firstLine,
    ...(fault ? { fault } : {}),
  };
}

const DATED_TEXT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})?/;

/**
 * The time of the capture's last line, whatever its format, without running a rule on it: the
 * collector's time the scanner parsed, else the record's own (placed by the input's clock, which
 * has seen every record before it).
 */
export function lastLineTime(
  line: LastLine | undefined,
  clock: InputClock = new InputClock(),
  zone: LogZone = UTC_ZONE,
): number | undefined {
  if (line === undefined) return undefined;
  if (line.prefixTime !== undefined) return line.prefixTime;
  const ev = parseRecord([line.content], { file: '', line: 0 }, clock.context(undefined));
  if (ev?.time !== undefined) return ev.time;
  const m = DATED_TEXT.exec(line.content);
  if (!m) return undefined;
  const frac = (m[3] ?? '0').slice(0, 3).padEnd(3, '0');
  const local = `${m[1]}T${m[2]}.${frac}`;
  return m[4] !== undefined ? normalizeTime(`${local}${m[4]}`) : wallClockIn(zone, local);
}
