// The report contract (ARCHITECTURE.md "JSON report"): plain data shared by rules, reporters and the CLI.
import { createRedactor, redactFindings, redactNotEvaluated } from './redact.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Higher is more severe; used for sorting and for `--fail-on`. */
export function severityRank(s: Severity): number {
  return s === 'error' ? 3 : s === 'warning' ? 2 : 1;
}

export type SubjectKind = 'StoryRun' | 'StepRun' | 'Story' | 'Transport' | 'AgentProcess' | 'DuctorChat';

export interface Subject {
  kind: SubjectKind;
  namespace?: string;
  name: string;
}

export interface Location {
  file: string;
  /** 1-based line of the opening evidence. */
  line: number;
}

export type Evidence = Record<string, unknown>;

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  subject?: Subject;
  location?: Location;
  evidence: Evidence;
  fix?: string;
  fingerprint: string;
}

export interface NotEvaluated {
  ruleId: string;
  subject?: Subject;
  reason: string;
}

export type SourceType = 'cluster' | 'snapshot' | 'log';

export interface SourceInfo {
  type: SourceType;
  name: string;
  lines?: number;
  skippedLines?: number;
  /** Objects read, for cluster and snapshot sources. */
  objects?: number;
  /** Objects of kinds storyctl does not read (ignored and counted). */
  ignoredObjects?: number;
  /** Warnings about this input (printed on stderr): read, but maybe not as meant. */
  warnings?: number;
  /** The input could not be read to its end (a cut gzip): what followed the cut was not checked. */
  incomplete?: boolean;
}

export interface Summary {
  error: number;
  warning: number;
  info: number;
  notEvaluated: number;
}

export interface Report {
  apiVersion: 'storyctl/v1';
  kind: 'Report';
  generatedAt: string;
  now: string;
  sources: SourceInfo[];
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  summary: Summary;
}

export function subjectKey(s: Subject | undefined): string {
  if (!s) return '';
  return `${s.kind}/${s.namespace ?? ''}/${s.name}`;
}

export function subjectLabel(s: Subject | undefined): string {
  if (!s) return '(no subject)';
  return s.namespace ? `${s.kind} ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

export function summarize(findings: readonly Finding[], notEvaluated: readonly NotEvaluated[]): Summary {
  const summary: Summary = { error: 0, warning: 0, info: 0, notEvaluated: notEvaluated.length };
  for (const f of findings) summary[f.severity] += 1;
  return summary;
}

export interface ReportInput {
  now: number;
  generatedAt?: number;
  sources: SourceInfo[];
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  /** `--show-pii`: personal data unmasked (secrets are masked whatever this says). */
  showPii?: boolean;
}

/**
 * Assemble the report: findings and not-evaluated entries redacted (the one place that does it:
 * messages, evidence, fixes, subjects, locations, reasons), deduplicated by fingerprint (the same
 * problem seen by a live list and a log; computed by the rules before redaction, so masking never
 * changes it), ordered by severity, then subject, then rule.
 */
export function buildReport(input: ReportInput): Report {
  const redact = { showPii: input.showPii === true };
  const redactor = createRedactor(
    redact,
    input.findings.map((f) => f.evidence),
  );
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const f of redactFindings(input.findings, redact, redactor)) {
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    findings.push(f);
  }
  findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      subjectKey(a.subject).localeCompare(subjectKey(b.subject)) ||
      a.ruleId.localeCompare(b.ruleId) ||
      (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0),
  );
  return {
    apiVersion: 'storyctl/v1',
    kind: 'Report',
    generatedAt: new Date(input.generatedAt ?? Date.now()).toISOString(),
    now: new Date(input.now).toISOString(),
    sources: input.sources,
    findings,
    notEvaluated: redactNotEvaluated(input.notEvaluated, redactor),
    summary: summarize(findings, input.notEvaluated),
  };
}
