// The human report, made to be read during an incident: one block per run (a StepRun's findings
// sit under its StoryRun), each headed by one line of what is wrong and the one command that
// fixes it, printed whole so it can be copied; compact evidence (`-o wide`: all of it); then what
// could not be evaluated, what was looked at, the summary and the next step. Text is wrapped to
// the terminal and never cut (a word wider than a line breaks with a mark). No per-cell layout
// engine: lines are built and wrapped here, so thousands of runs cost little more than JSON.
import { Chalk, type ChalkInstance } from 'chalk';
import {
  severityRank,
  subjectKey,
  subjectLabel,
  type Finding,
  type Report,
  type Severity,
  type SourceInfo,
  type SourceScope,
  type Subject,
} from '../model/report.js';
import type { RuleMeta } from '../rules/types.js';
import { inertDeep } from './escape.js';
import { compactEvidence, fullEvidence, humanTime, humanTimes } from './evidence.js';
import { policyCounts } from './policy-counts.js';
import { wrap } from './text-wrap.js';
import type { ReporterOptions } from './types.js';

export const DEFAULT_WIDTH = 80;
/** `  error   SR101  `: where a finding's text starts. */
const INDENT = ' '.repeat(17);

interface Block {
  title: string;
  /** The run (or subject) the block is about, for sorting and the next step. */
  subject: Subject | undefined;
  findings: Finding[];
  worst: number;
}

/** A fix that is one command line, not advice in words. */
export function isCommand(fix: string | undefined): fix is string {
  return fix !== undefined && /^(storyctl|kubectl) [^\n]*$/.test(fix) && !/[.;:]\s/.test(fix);
}

function blockOf(f: Finding): { key: string; title: string; subject: Subject | undefined } {
  const subject = f.run ?? f.subject;
  if (subject) return { key: subjectKey(subject), title: subjectLabel(subject), subject };
  const file = f.location?.file;
  return file
    ? { key: `file:${file}`, title: `file ${file}`, subject: undefined }
    : { key: '', title: '(no subject)', subject: undefined };
}

export function groupBlocks(findings: readonly Finding[]): Block[] {
  const blocks = new Map<string, Block>();
  for (const f of findings) {
    const { key, title, subject } = blockOf(f);
    let b = blocks.get(key);
    if (!b) {
      b = { title, subject, findings: [], worst: 0 };
      blocks.set(key, b);
    }
    b.findings.push(f);
    b.worst = Math.max(b.worst, severityRank(f.severity));
  }
  const list = [...blocks.values()];
  for (const b of list)
    b.findings.sort(
      (x, y) =>
        severityRank(y.severity) - severityRank(x.severity) ||
        // The run's own findings before its StepRuns'.
        Number(x.run !== undefined) - Number(y.run !== undefined) ||
        compare(x.ruleId, y.ruleId),
    );
  return list.sort((a, b) => b.worst - a.worst || compare(a.title, b.title));
}

/** Code-unit order: stable and much cheaper than localeCompare over thousands of blocks. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function paint(c: ChalkInstance, s: Severity, text: string): string {
  return s === 'error' ? c.red.bold(text) : s === 'warning' ? c.yellow(text) : c.cyan(text);
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}

/** `stalled graceful cancel, live steprun under terminal run`: the block's headline. */
function headline(block: Block, metas: ReadonlyMap<string, RuleMeta>): string {
  const names = [...new Set(block.findings.map((f) => f.ruleId))].map(
    (id) => metas.get(id)?.name.replace(/-/g, ' ') ?? id,
  );
  return names.join(', ');
}

function renderBlock(
  block: Block,
  c: ChalkInstance,
  width: number,
  wide: boolean,
  metas: ReadonlyMap<string, RuleMeta>,
): string[] {
  const worst = block.findings[0]?.severity ?? 'info';
  const out: string[] = [];
  const mark = worst === 'error' ? '✖' : worst === 'warning' ? '▲' : 'ℹ';
  const head = wrap(`${block.title}: ${headline(block, metas)}`, width, `${mark} `, '  ');
  out.push(...head.map((l, i) => (i === 0 ? `${paint(c, worst, mark)}${c.bold(l.slice(1))}` : c.bold(l))));
  // The one command that fixes the block, whole on its line: copy and paste it.
  const command = block.findings.map((f) => f.fix).find(isCommand);
  if (command) out.push(`  fix: ${command}`);
  for (const f of block.findings) {
    const lead = `  ${paint(c, f.severity, f.severity.padEnd(7))} ${f.ruleId.padEnd(6)} `;
    const own = f.run && f.subject ? `${f.subject.kind} ${f.subject.name}: ` : '';
    const message = wide ? f.message : humanTimes(f.message);
    const lines = wrap(`${own}${message}`, width, ' '.repeat(17), INDENT);
    out.push(`${lead}${(lines[0] ?? '').slice(17)}`, ...lines.slice(1));
    if (f.location)
      out.push(...wrap(`at ${f.location.file}:${f.location.line}`, width, INDENT).map((l) => c.dim(l)));
    if (wide)
      for (const e of fullEvidence(f.evidence))
        out.push(...wrap(e, width, INDENT, `${INDENT}  `).map((l) => c.dim(l)));
    else {
      const items = compactEvidence(f.evidence, message);
      if (items.length > 0) out.push(...wrap(items.join(' · '), width, INDENT).map((l) => c.dim(l)));
    }
    if (f.fix !== undefined && f.fix !== command) {
      if (isCommand(f.fix)) out.push(`${INDENT}fix: ${f.fix}`);
      else out.push(...wrap(`fix: ${f.fix}`, width, INDENT, `${INDENT}     `));
    }
  }
  out.push('');
  return out;
}

const KIND_WORDS: Record<keyof SourceScope['counts'], [string, string]> = {
  storyRuns: ['StoryRun', 'StoryRuns'],
  stepRuns: ['StepRun', 'StepRuns'],
  stories: ['Story', 'Stories'],
  transports: ['Transport', 'Transports'],
};

function where(scope: SourceScope): string {
  if (scope.namespaces === 'all') return 'all namespaces';
  if (scope.namespaces.length === 0) return 'no namespace';
  return `${scope.namespaces.length === 1 ? 'namespace' : 'namespaces'} ${scope.namespaces.join(', ')}`;
}

/** `context prod · namespace voice · -l app=x · 3 StoryRuns · 6 StepRuns · 1 Story · 1 Transport` */
export function scopeLine(source: SourceInfo): string | undefined {
  const scope = source.scope;
  if (!scope) return undefined;
  const parts = [
    source.type === 'cluster' ? `context ${source.name}` : `snapshot ${source.name}`,
    where(scope),
  ];
  if (scope.selector) parts.push(`-l ${scope.selector}`);
  for (const kind of Object.keys(KIND_WORDS) as (keyof SourceScope['counts'])[]) {
    const [one, many] = KIND_WORDS[kind];
    parts.push(
      scope.unreadable?.includes(kind) ? `${many} not readable` : plural(scope.counts[kind], one, many),
    );
  }
  return parts.join(' · ');
}

/** kubectl's "No resources found in X namespace.", for StoryRuns. */
export function noRunsLine(sources: readonly SourceInfo[]): string | undefined {
  const scoped = sources.filter((s) => s.scope !== undefined);
  if (scoped.length === 0) return undefined;
  if (scoped.some((s) => (s.scope?.counts.storyRuns ?? 0) > 0 || s.scope?.unreadable?.includes('storyRuns')))
    return undefined;
  const scope = scoped[0]?.scope;
  if (!scope) return undefined;
  const matching = scope.selector ? ` matching -l ${scope.selector}` : '';
  if (scoped.some((s) => s.type === 'snapshot'))
    return `No StoryRuns${matching} found in ${scoped.map((s) => s.name).join(', ')}.`;
  if (scope.namespaces === 'all') return `No StoryRuns${matching} found in any namespace.`;
  return `No StoryRuns${matching} found in ${scope.namespaces.join(', ')} namespace.`;
}

function shortScope(sources: readonly SourceInfo[]): string {
  const parts: string[] = [];
  for (const s of sources)
    if (s.scope) parts.push(s.type === 'snapshot' ? `snapshot ${s.name}` : where(s.scope));
  const logs = sources.filter((s) => s.type === 'log');
  if (logs.length > 0) parts.push(plural(logs.length, 'log input'));
  return parts.join(' + ') || 'nothing';
}

/** How much of the inputs was not read whole or was warned of (the JSON's sources[].incomplete/warnings). */
function inputTrouble(sources: readonly SourceInfo[]): { partRead: number; warnings: number } {
  return {
    partRead: sources.filter((s) => s.incomplete === true).length,
    warnings: sources.reduce((n, s) => n + (s.warnings ?? 0), 0),
  };
}

/**
 * `✖ 7 findings (4 errors, 3 warnings, 0 info) in namespace voice`, wrapped to `width`. No finding
 * is a green `✔ no findings` only when every input was read whole without a warning: a cut capture
 * says `▲ no findings in what was read`, a warned one `▲ no findings`, both with their counts.
 */
export function summaryLines(report: Report, c: ChalkInstance, width: number): string[] {
  const { error, warning, info, notEvaluated } = report.summary;
  const total = error + warning + info;
  const counts = `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info`;
  const ne = notEvaluated ? `, ${notEvaluated} not evaluated` : '';
  const trouble = inputTrouble(report.sources);
  const inputs =
    (trouble.partRead ? `, ${plural(trouble.partRead, 'input')} read in part` : '') +
    (trouble.warnings ? `, ${plural(trouble.warnings, 'input warning')}` : '');
  const scope = shortScope(report.sources);
  // A log input with lines but no record in a known format was not checked at all: say so here.
  const unread = report.sources.filter(
    (s) =>
      s.type === 'log' &&
      s.formats !== undefined &&
      Object.keys(s.formats).length === 0 &&
      (s.unrecognised ?? 0) > 0,
  ).length;
  // Never a green tick over something that was not looked at: a check not evaluated, an input in
  // no known format, read in part, or warned of.
  const troubled = trouble.partRead > 0 || trouble.warnings > 0;
  const partial = notEvaluated > 0 || unread > 0 || trouble.partRead > 0;
  const head =
    total > 0
      ? `✖ ${plural(total, 'finding')}`
      : trouble.partRead > 0
        ? '▲ no findings in what was read'
        : partial
          ? '▲ no findings in what was checked'
          : troubled
            ? '▲ no findings'
            : '✔ no findings';
  const policy = policyCounts(report)
    .map((p) => `, ${p}`)
    .join('');
  const lines = wrap(
    `${head}${total === 0 ? '' : ` (${counts})`} in ${scope}${ne}${inputs}${policy}`,
    width,
    '',
    '  ',
  );
  if (unread) lines.push(`▲ ${plural(unread, 'log input')} in no known format, not checked`);
  const tone: Severity = total === 0 ? 'warning' : error ? 'error' : warning ? 'warning' : 'info';
  const painted = total === 0 && !partial && !troubled ? c.green(head) : paint(c, tone, head);
  return lines.map((l, i) =>
    i === 0 ? `${painted}${l.slice(head.length)}` : l.startsWith('▲') ? paint(c, 'warning', l) : l,
  );
}

/**
 * One line per input read in part or warned of, as the JSON's sources say; the warnings themselves
 * went to stderr (the report keeps their count). Empty when every input was read whole and clean.
 */
export function inputLines(sources: readonly SourceInfo[], c: ChalkInstance, width: number): string[] {
  const troubled = sources.filter((s) => s.incomplete === true || (s.warnings ?? 0) > 0);
  if (troubled.length === 0) return [];
  const out = [c.bold('Inputs not fully read or warned of')];
  for (const s of troubled) {
    const n = s.warnings ?? 0;
    const onStderr = n > 0 ? `${plural(n, 'warning')}, on stderr` : '';
    const text =
      s.incomplete === true
        ? `✖ ${s.name}: read only in part: what followed the cut was not checked${onStderr ? ` (${onStderr})` : ''}`
        : `▲ ${s.name}: ${plural(n, 'warning')} (on stderr): read, but maybe not as meant${s.type === 'snapshot' ? ' (a key given twice hides its first value)' : ''}`;
    const [first = '', ...rest] = wrap(text, width, '  ', '    ');
    const mark = s.incomplete === true ? 'error' : 'warning';
    out.push(`  ${paint(c, mark, first.slice(2, 3))}${first.slice(3)}`, ...rest);
  }
  out.push('');
  return out;
}

/** The command to run next: the batch repair when runs need it, else where to read on. */
export function nextStep(report: Report, metas: ReadonlyMap<string, RuleMeta>): string | undefined {
  const runs = report.findings
    .filter((f) => metas.get(f.ruleId)?.repair?.selectsForFinish === true)
    .map((f) => f.run ?? f.subject)
    .filter((s): s is Subject => s?.kind === 'StoryRun');
  if (runs.length > 0) {
    const namespaces = [...new Set(runs.map((r) => r.namespace ?? 'default'))];
    const scope = namespaces.length === 1 ? `-n ${namespaces[0] ?? ''}` : '-A';
    const selector = report.sources.find((s) => s.scope?.selector)?.scope?.selector;
    const count = new Set(runs.map(subjectKey)).size;
    const more = count > 20 ? ` --max-changes ${count}` : '';
    return `storyctl finish --all-stalled ${scope}${selector ? ` -l '${selector}'` : ''} --force-terminal${more}`;
  }
  const worst = report.findings[0];
  if (worst) return `storyctl explain ${worst.ruleId}`;
  return undefined;
}

export function renderTable(untrusted: Report, options: ReporterOptions): string {
  // Messages, evidence, names and file names come from objects and logs: inert before any painting.
  const report = inertDeep(untrusted);
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(40, options.width ?? DEFAULT_WIDTH);
  const wide = options.wide === true;
  const metas = new Map(options.rules.map((m) => [m.id, m]));
  const out: string[] = [];
  for (const b of groupBlocks(report.findings)) out.push(...renderBlock(b, c, width, wide, metas));
  out.push(...inputLines(report.sources, c, width));
  if (report.notEvaluated.length > 0) {
    out.push(c.bold('Not evaluated'));
    for (const n of report.notEvaluated)
      out.push(
        ...wrap(
          `${n.ruleId}${n.subject ? ` ${subjectLabel(n.subject)}` : ''}: ${n.reason}`,
          width,
          '  ',
          '    ',
        ),
      );
    out.push('');
  }
  const none = noRunsLine(report.sources);
  if (none) out.push(none);
  for (const s of report.sources) {
    const line = scopeLine(s);
    if (line) out.push(...wrap(`scope: ${line}`, width, '', '       ').map((l) => c.dim(l)));
  }
  const logs = report.sources.filter((s) => s.type === 'log');
  if (logs.length > 0) {
    const lines = logs.reduce((n, s) => n + (s.lines ?? 0), 0);
    const skipped = logs.reduce((n, s) => n + (s.skippedLines ?? 0), 0);
    const names = logs.length <= 3 ? ` (${logs.map((s) => s.name).join(', ')})` : '';
    out.push(
      ...wrap(
        `logs: ${plural(logs.length, 'input')}${names} · ${plural(lines, 'line')}${skipped ? ` · ${skipped.toLocaleString('en-US')} skipped` : ''}`,
        width,
        '',
        '      ',
      ).map((l) => c.dim(l)),
    );
  }
  out.push(c.dim(`evaluated at ${humanTime(report.now.replace(/\.\d+Z$/, 'Z'))}`));
  out.push(...summaryLines(report, c, width));
  const next = nextStep(report, metas);
  if (next) out.push(`next: ${next}`);
  return `${out.join('\n')}\n`;
}
