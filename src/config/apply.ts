// What the settings do to a report, in order: severities the config sets, excludes, suppressions
// (unless --no-suppressions), then the baseline. Pure; the CLI reads and writes the files. The
// first three are `applyFindingSettings`, on findings alone, so `serve` filters each evaluation
// with exactly what doctor applies to its report.
import type { Baseline } from '../model/baseline.js';
import { compareWithBaseline } from '../model/baseline.js';
import {
  compareFindings,
  summarize,
  type Finding,
  type IneffectiveSuppression,
  type NotEvaluated,
  type Report,
  type SuppressedFinding,
} from '../model/report.js';
import { applySuppressions, withSuppressions, type AnnotationIndex } from '../model/suppress.js';
import { findRuleMeta } from '../rules/index.js';
import type { Settings } from './settings.js';

export interface ApplyContext {
  /** The objects the findings are about (doctor, serve); lint has none. */
  annotations?: AnnotationIndex;
  coversOwnedRuns(ruleId: string): boolean;
  /** The clock, for expiries. */
  today: number;
  baseline?: Baseline;
}

/** The rule metadata's answer: does a Story's annotation cover the runs it owns for this rule? */
export function ruleCoversOwnedRuns(ruleId: string): boolean {
  return findRuleMeta(ruleId)?.suppressibleOnStory === true;
}

export interface FindingSettingsResult {
  /** Severities overridden, excluded ones gone, suppressed ones moved out; sorted. */
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  suppressed: SuppressedFinding[];
  ineffective: IneffectiveSuppression[];
}

/** Severity overrides, excludes and (unless `--no-suppressions`) suppressions, on findings. */
export function applyFindingSettings(
  input: { findings: readonly Finding[]; notEvaluated: readonly NotEvaluated[] },
  settings: Pick<Settings, 'rules' | 'exclude' | 'suppressions' | 'useSuppressions'>,
  context: Omit<ApplyContext, 'baseline'>,
): FindingSettingsResult {
  const excluded = (ruleId: string, subject: Finding['subject'], file: string | undefined): boolean =>
    settings.exclude.some((e) => (e.rules === undefined || e.rules.has(ruleId)) && e.matches(subject, file));
  const findings = input.findings
    .map((f): Finding => {
      const severity = settings.rules.get(f.ruleId)?.severity?.value;
      return severity === undefined || severity === f.severity ? f : { ...f, severity };
    })
    .filter((f) => !excluded(f.ruleId, f.subject, f.location?.file))
    .sort(compareFindings);
  const notEvaluated: NotEvaluated[] = input.notEvaluated.filter(
    (n) => !excluded(n.ruleId, n.subject, undefined),
  );
  if (!settings.useSuppressions.value) return { findings, notEvaluated, suppressed: [], ineffective: [] };
  const suppressionInput: Parameters<typeof applySuppressions>[1] = {
    config: settings.suppressions,
    coversOwnedRuns: context.coversOwnedRuns,
    today: context.today,
  };
  if (context.annotations) suppressionInput.annotations = context.annotations;
  const result = applySuppressions(findings, suppressionInput);
  return {
    findings: result.findings,
    notEvaluated,
    suppressed: result.suppressed,
    ineffective: result.ineffective,
  };
}

export function applySettings(report: Report, settings: Settings, context: ApplyContext): Report {
  const applied = applyFindingSettings(report, settings, context);
  let out: Report = { ...report, findings: applied.findings, notEvaluated: applied.notEvaluated };
  if (settings.useSuppressions.value)
    out = withSuppressions(out, {
      findings: applied.findings,
      suppressed: applied.suppressed,
      ineffective: applied.ineffective,
    });
  if (context.baseline) out = compareWithBaseline(out, context.baseline);
  return { ...out, summary: summarize(out.findings, out.notEvaluated, out.suppressed) };
}
