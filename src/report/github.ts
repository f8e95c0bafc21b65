// GitHub Actions workflow commands (STYLE.md: vitest's github-actions reporter). GitHub shows only
// 10 annotations per level per step and drops the rest silently, so the most severe are emitted
// first, each level is capped, and a last notice says how many are only in the job summary.
import { severityRank, subjectLabel, type Finding, type Report, type Severity } from '../model/report.js';
import { artifactPath, escapeGithubData, escapeGithubProperty, inertData } from './escape.js';
import { renderMarkdown } from './markdown.js';
import type { ReporterOptions } from './types.js';

/** GitHub's per-step display limit for each annotation level. */
export const GITHUB_ANNOTATIONS_PER_LEVEL = 10;

type Command = 'error' | 'warning' | 'notice';

function command(s: Severity): Command {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'notice';
}

export function workflowCommand(
  name: Command,
  properties: Record<string, string | number>,
  message: string,
): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeGithubProperty(inertData(String(v)))}`)
    .join(',');
  // @actions/core escapes only %, CR and LF: an ESC would reach the Actions log raw.
  return `::${name}${props ? ` ${props}` : ''}::${escapeGithubData(inertData(message))}`;
}

function annotation(f: Finding, options: ReporterOptions): string {
  const props: Record<string, string | number> = {};
  if (f.location) {
    props['file'] = artifactPath(f.location.file, options.cwd).path;
    props['line'] = f.location.line;
  }
  const name = options.rules.find((m) => m.id === f.ruleId)?.name;
  props['title'] = f.subject
    ? `${f.ruleId} ${subjectLabel(f.subject)}`
    : name
      ? `${f.ruleId} ${name}`
      : f.ruleId;
  const message = f.fix !== undefined ? `${f.message}\nfix: ${f.fix}` : f.message;
  return workflowCommand(command(f.severity), props, message);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderGithub(report: Report, options: ReporterOptions): string {
  const cap = GITHUB_ANNOTATIONS_PER_LEVEL;
  // With --baseline, what the baseline already had is known: annotating it again on every run buries
  // the new findings under old ones (and in GitHub's 10-per-level cap). The summary still lists them.
  const baselined = report.findings.filter((f) => f.baselineState === 'unchanged').length;
  const findings = report.findings
    .filter((f) => f.baselineState !== 'unchanged')
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const count = (c: Command): number => findings.filter((f) => command(f.severity) === c).length;
  const overCap = count('error') > cap || count('warning') > cap || count('notice') > cap;
  // The closing notice is itself a notice: it takes one of the ten notice slots so it is never the
  // one GitHub drops.
  const needsTrailer = overCap || report.notEvaluated.length > 0 || baselined > 0;
  const limits: Record<Command, number> = { error: cap, warning: cap, notice: needsTrailer ? cap - 1 : cap };
  const used: Record<Command, number> = { error: 0, warning: 0, notice: 0 };
  const lines: string[] = [];
  let omitted = 0;
  for (const f of findings) {
    const c = command(f.severity);
    if (used[c] >= limits[c]) {
      omitted += 1;
      continue;
    }
    used[c] += 1;
    lines.push(annotation(f, options));
  }
  if (needsTrailer) {
    const parts: string[] = [];
    if (omitted > 0)
      parts.push(
        `${plural(omitted, 'finding')} not annotated (GitHub shows at most ${cap} annotations per level per step)`,
      );
    if (baselined > 0)
      parts.push(`${plural(baselined, 'finding')} unchanged from the baseline, not annotated`);
    if (report.notEvaluated.length > 0)
      parts.push(`${plural(report.notEvaluated.length, 'check')} not evaluated`);
    lines.push(
      workflowCommand('notice', {}, `storyctl: ${parts.join('; ')}; the job summary lists them all.`),
    );
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Markdown for `$GITHUB_STEP_SUMMARY`: every finding, including those over the annotation cap. */
export function githubStepSummary(report: Report, options: ReporterOptions): string {
  return renderMarkdown(report, options);
}
