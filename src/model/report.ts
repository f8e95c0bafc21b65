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
  /** For a StepRun's finding: the StoryRun it belongs to, so reports show it under that run. */
  run?: Subject;
  location?: Location;
  evidence: Evidence;
  fix?: string;
  /** Stable across captures (rule + subject, + file for logs): what baselines and code scanning match. */
  fingerprint: string;
  /**
   * Tells this occurrence apart within one run (the fingerprint plus the rule's anchor); the report
   * deduplicates on it and leaves it out of its output.
   */
  occurrence?: string;
  /** Against `--baseline`: new, or already in the baseline. Absent without a baseline. */
  baselineState?: BaselineState;
}

export type BaselineState = 'new' | 'unchanged';

/** Why a finding does not count: an annotation on the object, or an entry of the config file. */
export interface Suppression {
  kind: 'annotation' | 'config';
  reason: string;
  /** Where it is written: `StoryRun ns/name annotation ignore-check…/SR101`, or `.storyctl.yaml:14`. */
  source: string;
}

export interface SuppressedFinding extends Finding {
  suppression: Suppression;
}

/** A suppression that no longer (or never did) suppress anything, and why. */
export interface IneffectiveSuppression {
  ruleId: string;
  kind: Suppression['kind'];
  source: string;
  problem: 'expired' | 'no reason';
  /** For `expired`: the date it stopped applying. */
  expires?: string;
}

export interface NotEvaluated {
  ruleId: string;
  subject?: Subject;
  reason: string;
}

export type SourceType = 'cluster' | 'snapshot' | 'log';

/** Objects read per kind (the kinds doctor reads). */
export interface ScopeCounts {
  storyRuns: number;
  stepRuns: number;
  stories: number;
  transports: number;
}

/**
 * What a cluster or snapshot source looked at, so that "no findings" is never read without it:
 * which context, which namespaces, which selector, and how many objects of each kind.
 */
export interface SourceScope {
  /** The kubeconfig context (cluster sources). */
  context?: string;
  /** `all` for every namespace; else the namespaces looked at (a snapshot: those its objects are in). */
  namespaces: 'all' | string[];
  /** `-l`: the StoryRuns' label selector (their StepRuns follow them). */
  selector?: string;
  counts: ScopeCounts;
  /** Kinds that could not be read (forbidden): their count is not a count. */
  unreadable?: (keyof ScopeCounts)[];
}

export interface SourceInfo {
  type: SourceType;
  name: string;
  /** Cluster and snapshot sources: what was looked at (added in storyctl/v1 without a version change). */
  scope?: SourceScope;
  lines?: number;
  skippedLines?: number;
  /**
   * Log sources: records recognised per format (docs/log-sources.md ids), counted on the input's
   * first records and on every record a rule needed, not on every line.
   */
  formats?: Record<string, number>;
  /** Log sources: records among those that are in no known format. */
  unrecognised?: number;
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
  /** Findings a suppression silenced (listed in `suppressed`, never counted above). */
  suppressed: number;
  /** Findings not in the baseline: all of them without `--baseline`. */
  new: number;
}

export interface Report {
  apiVersion: 'storyctl/v1';
  kind: 'Report';
  generatedAt: string;
  now: string;
  sources: SourceInfo[];
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  suppressed: SuppressedFinding[];
  /** Suppressions that did not apply (expired, or without a reason); only when there are some. */
  ineffectiveSuppressions?: IneffectiveSuppression[];
  /** Baseline findings this run no longer sees (only with `--baseline`). */
  absent?: BaselineEntry[];
  summary: Summary;
}

/** One finding recorded by `--write-baseline`; matched by fingerprint, `count` times at most. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  severity: Severity;
  subject?: Subject;
  /** Where the first occurrence was seen, to show an absent one (not part of the match). */
  location?: Location;
  /** How many occurrences carried this fingerprint when it was written. */
  count: number;
  /** The message when it was written, to show what disappeared. */
  message: string;
}

export function subjectKey(s: Subject | undefined): string {
  if (!s) return '';
  return `${s.kind}/${s.namespace ?? ''}/${s.name}`;
}

export function subjectLabel(s: Subject | undefined): string {
  if (!s) return '(no subject)';
  return s.namespace ? `${s.kind} ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

export function summarize(
  findings: readonly Finding[],
  notEvaluated: readonly NotEvaluated[],
  suppressed: readonly SuppressedFinding[] = [],
): Summary {
  const summary: Summary = {
    error: 0,
    warning: 0,
    info: 0,
    notEvaluated: notEvaluated.length,
    suppressed: suppressed.length,
    new: 0,
  };
  for (const f of findings) {
    summary[f.severity] += 1;
    if (f.baselineState !== 'unchanged') summary.new += 1;
  }
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

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    subjectKey(a.subject).localeCompare(subjectKey(b.subject)) ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0)
  );
}

/**
 * Assemble the report: findings and not-evaluated entries redacted (the one place that does it:
 * messages, evidence, fixes, subjects, locations, reasons), deduplicated by occurrence (the same
 * problem seen by a live list and a log, or a log read twice; fingerprints and occurrence keys are
 * computed by the rules before redaction, so masking never changes them), ordered by severity,
 * then subject, then rule. Suppression and baselines come after (cli/policy.ts), on the report
 * this returns.
 */
/** The report of one run, deduplicated, ordered and redacted. */
export function buildReport(input: ReportInput): Report {
  return redactReport(assembleReport(input), { showPii: input.showPii === true });
}

/**
 * The report unredacted: the CLI applies its settings to it first (suppressions and excludes match
 * the real subjects and file names, not their masks), then redacts it (redactReport).
 */
export function assembleReport(input: ReportInput): Report {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const f of input.findings) {
    const { occurrence, ...finding } = f;
    const key = occurrence ?? f.fingerprint;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  findings.sort(compareFindings);
  return {
    apiVersion: 'storyctl/v1',
    kind: 'Report',
    generatedAt: new Date(input.generatedAt ?? Date.now()).toISOString(),
    now: new Date(input.now).toISOString(),
    sources: input.sources,
    findings,
    notEvaluated: input.notEvaluated,
    suppressed: [],
    summary: summarize(findings, input.notEvaluated),
  };
}

/**
 * Personal data (unless `showPii`) and secrets masked in every finding, suppressed one and
 * not-evaluated reason, by one redactor that knows the values of all their evidence.
 */
export function redactReport(report: Report, options: { showPii: boolean }): Report {
  const redactor = createRedactor(options, [
    ...report.findings.map((f) => f.evidence),
    ...report.suppressed.map((f) => f.evidence),
  ]);
  return {
    ...report,
    // A file name may hold an address or a secret too (logs kept under a person's name).
    sources: report.sources.map((s) => {
      const name = redactor.string(s.name);
      return name === s.name ? s : { ...s, name };
    }),
    findings: redactFindings(report.findings, options, redactor),
    suppressed: redactFindings(report.suppressed, options, redactor),
    notEvaluated: redactNotEvaluated(report.notEvaluated, redactor),
  };
}
