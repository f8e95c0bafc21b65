// Markdown for pull-request comments and the GitHub job summary: a summary line, one table row per
// finding, and what could not be evaluated. Nothing else, so it can be pasted or appended anywhere.
import { severityRank, subjectLabel, type Finding, type Report } from '../model/report.js';
import { artifactPath, escapeMarkdownCell, markdownCode } from './escape.js';
import { ruleHelpUri } from './sarif.js';
import { policyCounts } from './policy-counts.js';
import type { ReporterOptions } from './types.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function markdownSummaryLine(report: Report): string {
  const { error, warning, info, notEvaluated } = report.summary;
  const total = error + warning + info;
  const counts =
    total === 0 ? 'no findings' : `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info`;
  const ne = notEvaluated > 0 ? `, ${notEvaluated} not evaluated` : '';
  const policy = policyCounts(report)
    .map((p) => `, ${p}`)
    .join('');
  return `**storyctl:** ${counts}${ne}${policy} (evaluated at ${escapeMarkdownCell(report.now)})`;
}

function ruleCell(ruleId: string, options: ReporterOptions): string {
  const known = options.rules.some((m) => m.id === ruleId);
  const id = escapeMarkdownCell(ruleId);
  return known ? `[${id}](${ruleHelpUri(options.readmeUrl, ruleId)})` : id;
}

function whereCell(f: Finding, options: ReporterOptions): string {
  const parts: string[] = [];
  if (f.subject) parts.push(escapeMarkdownCell(subjectLabel(f.subject)));
  if (f.location)
    parts.push(markdownCode(`${artifactPath(f.location.file, options.cwd).path}:${f.location.line}`));
  return parts.length > 0 ? parts.join('<br>') : escapeMarkdownCell(subjectLabel(undefined));
}

export function renderMarkdown(report: Report, options: ReporterOptions): string {
  const out = [markdownSummaryLine(report), ''];
  if (report.findings.length > 0) {
    const findings = [...report.findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    out.push('| Severity | Rule | Subject | Message | Fix |', '| --- | --- | --- | --- | --- |');
    for (const f of findings) {
      const fix = f.fix !== undefined ? markdownCode(f.fix) : '';
      out.push(
        `| ${f.severity} | ${ruleCell(f.ruleId, options)} | ${whereCell(f, options)} | ${escapeMarkdownCell(f.message)} | ${fix} |`,
      );
    }
    out.push('');
  }
  if (report.notEvaluated.length > 0) {
    out.push('#### Not evaluated', '');
    for (const n of report.notEvaluated) {
      const subject = n.subject ? ` ${escapeMarkdownCell(subjectLabel(n.subject))}` : '';
      out.push(`- **${escapeMarkdownCell(n.ruleId)}**${subject}: ${escapeMarkdownCell(n.reason)}`);
    }
    out.push('');
  }
  return out.join('\n');
}
