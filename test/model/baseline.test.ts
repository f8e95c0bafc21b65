// Baseline matching by fingerprint and count: occurrences beyond what the baseline recorded are
// new, what it recorded and this run lacks is absent, a suppressed finding is neither.
import { describe, expect, it } from 'vitest';
import { baselineOf, compareWithBaseline } from '../../src/model/baseline.js';
import type { Report } from '../../src/model/report.js';
import { AGENT, finding, makeReport, RUN } from '../report/helpers.js';

const turn = (anchor: string, line: number) =>
  finding({
    ruleId: 'LK103',
    severity: 'error',
    message: `close ${anchor}`,
    subject: AGENT,
    location: { file: 'logs/a.log', line },
    anchor,
  });
const run = finding({ ruleId: 'SR101', severity: 'error', message: 'stalled', subject: RUN });

describe('baselines', () => {
  it('records each fingerprint once with its count, and no time or line in the key', () => {
    const b = baselineOf(
      makeReport([turn('t1', 3), turn('t2', 9), run], []),
      Date.parse('2026-04-22T18:00:00Z'),
    );
    expect(b.findings.map((e) => `${e.ruleId}×${e.count}`).sort()).toEqual(['LK103×2', 'SR101×1']);
    expect(b.findings.find((e) => e.ruleId === 'LK103')?.location).toEqual({ file: 'logs/a.log', line: 3 });
  });

  it('marks repeats beyond the recorded count new, and what is gone absent', () => {
    const b = baselineOf(makeReport([turn('t1', 3), run], []), 0);
    const later = compareWithBaseline(makeReport([turn('t7', 30), turn('t8', 40)], []), b);
    expect(later.findings.map((f) => f.baselineState)).toEqual(['unchanged', 'new']);
    expect(later.absent?.map((e) => e.ruleId)).toEqual(['SR101']);
  });

  it('does not call a suppressed finding absent', () => {
    const b = baselineOf(makeReport([run], []), 0);
    const report: Report = {
      ...makeReport([], []),
      suppressed: [{ ...run, suppression: { kind: 'config', reason: 'r', source: 'c:1' } }],
    };
    expect(compareWithBaseline(report, b).absent).toEqual([]);
  });
});
