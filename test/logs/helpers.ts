import { Readable } from 'node:stream';
import { lintLogs, type LintLogsResult } from '../../src/logs/index.js';
import { NO_DATE, parseRecord } from '../../src/logs/detect.js';
import type { ParseContext } from '../../src/logs/formats/types.js';
import type { LogEvent } from '../../src/model/log-event.js';
import type { LogRule } from '../../src/rules/types.js';
import { logRules } from '../../src/rules/index.js';
import { redactFindings } from '../../src/model/redact.js';

/** Test lines carry full dates; a bare time of day is read as that many ms after the epoch. */
const TIME_OF_DAY_AS_EPOCH: ParseContext = { ...NO_DATE, timeOfDay: (ms) => ms };

export const FIXTURES = new URL('../../fixtures/logs/', import.meta.url).pathname;

/** The findings as the report shows them: redacted unless PII is asked for (buildReport does this). */
async function redacted(
  result: Promise<LintLogsResult>,
  showPii: boolean | undefined,
): Promise<LintLogsResult> {
  const r = await result;
  return { ...r, findings: redactFindings(r.findings, { showPii: showPii === true }) };
}

/** Lint text given as stdin (`-`), the way a pipe would deliver it. */
export function lintText(
  text: string | Buffer,
  opts: { rules?: readonly LogRule[]; stopBudgetSeconds?: number; showPii?: boolean } = {},
): Promise<LintLogsResult> {
  const o: Parameters<typeof lintLogs>[1] = {
    stdin: Readable.from([Buffer.isBuffer(text) ? text : Buffer.from(text)]),
    stopBudgetSeconds: opts.stopBudgetSeconds ?? 30,
    rules: opts.rules ?? logRules,
  };
  return redacted(lintLogs(['-'], o), opts.showPii);
}

export function lintPaths(
  paths: string[],
  opts: { stopBudgetSeconds?: number; showPii?: boolean } = {},
): Promise<LintLogsResult> {
  const o: Parameters<typeof lintLogs>[1] = {
    stopBudgetSeconds: opts.stopBudgetSeconds ?? 30,
    rules: logRules,
  };
  return redacted(lintLogs(paths, o), opts.showPii);
}

export function parseLine(line: string, more: string[] = []): LogEvent | undefined {
  return parseRecord([line, ...more], { file: 't.log', line: 1 }, TIME_OF_DAY_AS_EPOCH);
}

export function ids(r: { findings: readonly { ruleId: string }[] }): string[] {
  return r.findings.map((f) => f.ruleId).sort();
}

const base = Date.parse('2026-04-22T14:00:00Z');
/** A pino line at `sec` seconds after a fixed start. */
export function pino(
  sec: number,
  level: number,
  msg: string,
  fields: Record<string, unknown> = {},
  pid = 4242,
  hostname = 'agent-7d9f',
): string {
  return JSON.stringify({ level, time: base + Math.round(sec * 1000), pid, hostname, ...fields, msg });
}

export function zap(sec: number, msg: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    level: 'info',
    ts: new Date(base + sec * 1000).toISOString(),
    logger: 'steprun',
    msg,
    ...fields,
  });
}

export function py(
  sec: number,
  level: string,
  message: string,
  fields: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    message,
    level,
    name: 'livekit.agents',
    ...fields,
    timestamp: new Date(base + sec * 1000).toISOString().replace('Z', '+00:00'),
  });
}

export function ductor(sec: number, level: string, msg: string, ctx?: string): string {
  const d = new Date(base + sec * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `${d} [${level}] ductor_bot.orchestrator.flows:flows.py:212: ${ctx ? `[${ctx}] ` : ''}${msg}`;
}
