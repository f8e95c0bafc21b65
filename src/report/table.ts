// Human report: findings grouped by subject (or file), the most severe groups first, each with its
// evidence and fix, then what could not be evaluated and a one-line summary.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import {
  severityRank,
  subjectKey,
  subjectLabel,
  type Finding,
  type Report,
  type Severity,
} from '../model/report.js';
import { evidenceLines } from './evidence.js';
import type { ReporterOptions } from './types.js';

const DEFAULT_WIDTH = 120;

interface Group {
  title: string;
  findings: Finding[];
  worst: number;
}

function groupKey(f: Finding): string {
  return f.subject ? subjectKey(f.subject) : `file:${f.location?.file ?? ''}`;
}

function groupTitle(f: Finding): string {
  if (f.subject) return subjectLabel(f.subject);
  return f.location ? `file ${f.location.file}` : '(no subject)';
}

export function groupFindings(findings: readonly Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const key = groupKey(f);
    let g = groups.get(key);
    if (!g) {
      g = { title: groupTitle(f), findings: [], worst: 0 };
      groups.set(key, g);
    }
    g.findings.push(f);
    g.worst = Math.max(g.worst, severityRank(f.severity));
  }
  const list = [...groups.values()];
  for (const g of list)
    g.findings.sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId),
    );
  return list.sort((a, b) => b.worst - a.worst || a.title.localeCompare(b.title));
}

function paint(c: ChalkInstance, s: Severity, text: string): string {
  return s === 'error' ? c.red.bold(text) : s === 'warning' ? c.yellow(text) : c.cyan(text);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(report: Report, c: ChalkInstance): string {
  const { error, warning, info, notEvaluated } = report.summary;
  const total = error + warning + info;
  const parts = [`${plural(error, 'error')}`, `${plural(warning, 'warning')}`, `${info} info`];
  const head =
    total === 0
      ? c.green('✔ no findings')
      : paint(c, error ? 'error' : warning ? 'warning' : 'info', `✖ ${plural(total, 'finding')}`);
  const ne = notEvaluated ? `, ${notEvaluated} not evaluated` : '';
  // A log input with lines but no record in a known format was not checked at all: say so here.
  const unread = report.sources.filter(
    (s) =>
      s.type === 'log' &&
      s.formats !== undefined &&
      Object.keys(s.formats).length === 0 &&
      (s.unrecognised ?? 0) > 0,
  ).length;
  const none = unread ? `; ${plural(unread, 'log input')} in no known format, not checked` : '';
  return `${head} (${parts.join(', ')})${ne}${none}`;
}

export function renderTable(report: Report, options: ReporterOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, options.width ?? DEFAULT_WIDTH);
  const out: string[] = [];
  for (const g of groupFindings(report.findings)) {
    out.push(c.bold(g.title));
    const messageWidth = width - 10 - 8 - 4;
    const table = new Table({
      head: [],
      colWidths: [10, 8, messageWidth],
      wordWrap: true,
      wrapOnWordBoundary: true,
      style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
    });
    for (const f of g.findings) {
      const where = f.location ? [`at ${f.location.file}:${f.location.line}`] : [];
      const details = [...where, ...evidenceLines(f.evidence)].map((l) => c.dim(l));
      const fix = f.fix ? [`fix: ${c.bold(f.fix)}`] : [];
      table.push([paint(c, f.severity, f.severity), f.ruleId, [f.message, ...details, ...fix].join('\n')]);
    }
    out.push(table.toString(), '');
  }
  if (report.notEvaluated.length > 0) {
    out.push(c.bold('Not evaluated'));
    for (const n of report.notEvaluated) {
      out.push(`  ${n.ruleId}${n.subject ? ` ${subjectLabel(n.subject)}` : ''}: ${n.reason}`);
    }
    out.push('');
  }
  const sources = report.sources.map((s) => {
    const counts = [
      s.objects !== undefined ? plural(s.objects, 'object') : '',
      s.lines !== undefined ? plural(s.lines, 'line') : '',
      s.skippedLines ? `${s.skippedLines} skipped` : '',
      s.ignoredObjects ? `${s.ignoredObjects} ignored` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `${s.type} ${s.name}${counts ? ` (${counts})` : ''}`;
  });
  if (sources.length > 0) out.push(c.dim(`checked: ${sources.join('; ')} at ${report.now}`));
  out.push(summaryLine(report, c));
  return `${out.join('\n')}\n`;
}
