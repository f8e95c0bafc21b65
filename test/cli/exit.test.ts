import { describe, expect, it } from 'vitest';
import {
  describeError,
  EXIT,
  exitCodeForError,
  exitCodeForRepair,
  exitCodeForReport,
} from '../../src/cli/exit.js';
import { StoryctlError, inputError } from '../../src/model/errors.js';
import { buildReport, type Finding, type NotEvaluated, type Severity } from '../../src/model/report.js';
import type { Outcome, RunResult } from '../../src/repair/result.js';

function finding(severity: Severity, ruleId = 'SR201'): Finding {
  return { ruleId, severity, message: 'm', evidence: {}, fingerprint: `${ruleId}-${severity}` };
}

function report(findings: Finding[], notEvaluated: NotEvaluated[] = []) {
  return buildReport({ now: Date.parse('2026-04-22T18:16:00Z'), sources: [], findings, notEvaluated });
}

describe('exitCodeForReport', () => {
  const ne: NotEvaluated = { ruleId: 'SR101', reason: 'no observed-at annotation' };
  it.each([
    { findings: [], ne: [], failOn: 'error', code: EXIT.ok },
    { findings: [finding('error')], ne: [], failOn: 'error', code: EXIT.findings },
    { findings: [finding('warning')], ne: [], failOn: 'error', code: EXIT.ok },
    { findings: [finding('warning')], ne: [], failOn: 'warning', code: EXIT.findings },
    { findings: [finding('info')], ne: [], failOn: 'warning', code: EXIT.ok },
    { findings: [finding('info')], ne: [], failOn: 'info', code: EXIT.findings },
    { findings: [finding('error')], ne: [], failOn: 'none', code: EXIT.ok },
    { findings: [], ne: [ne], failOn: 'error', code: EXIT.incomplete },
    { findings: [finding('warning')], ne: [ne], failOn: 'error', code: EXIT.incomplete },
    { findings: [finding('error')], ne: [ne], failOn: 'error', code: EXIT.findings },
  ] as const)(
    '$failOn with $findings.length findings, $ne.length not evaluated → $code',
    ({ findings, ne: n, failOn, code }) => {
      expect(exitCodeForReport(report([...findings], [...n]), failOn)).toBe(code);
    },
  );

  it('says incomplete (3) for an input read only in part, unless findings say 1', () => {
    const partRead = (findings: Finding[]) =>
      buildReport({
        now: Date.parse('2026-04-22T18:16:00Z'),
        sources: [
          { type: 'log', name: 'cut.log.gz', lines: 10, skippedLines: 0, incomplete: true, warnings: 1 },
        ],
        findings,
        notEvaluated: [],
      });
    expect(exitCodeForReport(partRead([]), 'error')).toBe(EXIT.incomplete);
    expect(exitCodeForReport(partRead([finding('error')]), 'error')).toBe(EXIT.findings);
  });
});

describe('exitCodeForError', () => {
  it.each([
    ['usage', 2],
    ['input', 2],
    ['config', 2],
    ['unreachable', 2],
    ['refused', 4],
    ['conflict', 4],
    ['partial', 5],
    ['interrupted', 130],
  ] as const)('%s → %i', (kind, code) => {
    expect(exitCodeForError(new StoryctlError(kind, 'x'))).toBe(code);
  });

  it('describes input errors with file and line', () => {
    expect(describeError(inputError('bad indentation', 'snap.yaml', 12))).toBe(
      'snap.yaml:12: bad indentation',
    );
  });
});

describe('exitCodeForRepair', () => {
  const result = (name: string, outcome: Outcome, o: Partial<RunResult> = {}): RunResult => ({
    namespace: 'ns',
    name,
    outcome,
    message: '',
    attempts: 1,
    writes: outcome === 'applied' ? [{ write: 'status', name }] : [],
    ...o,
  });
  const codeOf = (results: RunResult[], interrupted = false, waited = false): number => {
    try {
      return exitCodeForRepair({ results, interrupted }, waited);
    } catch (error) {
      return exitCodeForError(error);
    }
  };

  it('is 0 when every run is done, 1 when --wait left a finding', () => {
    expect(codeOf([result('a', 'applied'), result('b', 'no-op'), result('c', 'dry-run')])).toBe(EXIT.ok);
    const remaining = [{ ruleId: 'SR201', message: 'm' }];
    expect(codeOf([result('a', 'applied', { remaining })], false, true)).toBe(EXIT.findings);
    expect(codeOf([result('a', 'applied', { remaining })])).toBe(EXIT.ok);
  });

  it('is 4 when nothing was written, 5 when the batch is partly applied or interrupted', () => {
    expect(codeOf([result('a', 'refused')])).toBe(EXIT.refused);
    expect(codeOf([result('a', 'conflict')])).toBe(EXIT.refused);
    expect(codeOf([result('a', 'applied'), result('b', 'failed')])).toBe(EXIT.partial);
    expect(codeOf([result('a', 'applied'), result('b', 'skipped')], true)).toBe(EXIT.partial);
    expect(() =>
      exitCodeForRepair({ results: [result('a', 'conflict')], interrupted: false }, false),
    ).toThrow('nothing was written: ns/a conflict');
  });
});
