// What the settings do to a report, in order: severities the config sets, excludes, suppressions
// (unless --no-suppressions), then the baseline. Pure; the CLI reads and writes the files.
import type { Baseline } from '../model/baseline.js';
import { compareWithBaseline } from '../model/baseline.js';
import { compareFindings, summarize, type Finding, type NotEvaluated, type Report } from '../model/report.js';
import { applySuppressions, withSuppressions, type AnnotationIndex } from '../model/suppress.js';
import type { Settings } from './settings.js';

export interface ApplyContext {
  /** The objects the findings are about (doctor); lint has none. */
  annotations?: AnnotationIndex;
  coversOwnedRuns(ruleId: string): boolean;
  /** The clock, for expiries. */
  today: number;
  baseline?: Baseline;
}

export function applySettings(report: Report, settings: Settings, context: ApplyContext): Report {
  const excluded = (ruleId: string, subject: Finding['subject'], file: string | undefined): boolean =>
    settings.exclude.some((e) => (e.rules === undefined || e.rules.has(ruleId)) && e.matches(subject, file));
  const findings = report.findings
    .map((f): Finding => {
      const severity = settings.rules.get(f.ruleId)?.severity?.value;
      return severity === undefined || severity === f.severity ? f : { ...f, severity };
    })
    .filter((f) => !excluded(f.ruleId, f.subject, f.location?.file))
    .sort(compareFindings);
  const notEvaluated: NotEvaluated[] = report.notEvaluated.filter(
    (n) => !excluded(n.ruleId, n.subject, undefined),
  );
  let out: Report = { ...report, findings, notEvaluated };
  if (settings.useSuppressions.value) {
    const input: Parameters<typeof applySuppressions>[1] = {
      config: settings.suppressions,
      coversOwnedRuns: context.coversOwnedRuns,
      today: context.today,
    };
    if (context.annotations) input.annotations = context.annotations;
    out = withSuppressions(out, applySuppressions(out.findings, input));
  }
  if (context.baseline) out = compareWithBaseline(out, context.baseline);
  return { ...out, summary: summarize(out.findings, out.notEvaluated, out.suppressed) };
}
