// A repair plan as a readable diff: one `-` / `+` pair per field that changes, `x` for each StepRun
// that will be deleted, `!` for what is reported and left alone. Pure: lines in, string out, so the
// CLI, the confirmation dialog (ui/ConfirmPlan.tsx) and the watch dialog show the same thing.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { Condition } from '../model/kube.js';
import { createRedactor } from '../model/redact.js';
import type { RunPlan } from '../repair/plan.js';
import type { Outcome, RunResult } from '../repair/result.js';
import { inertLine, inertText } from './escape.js';

export type DiffSign = '-' | '+' | 'x' | '!' | ' ';

/**
 * The first character of every line is its sign; headers start with a letter. Values come from
 * the run (status messages, step names, annotations), so every line is redacted as a report is
 * (secrets and personal data) and inert (control characters shown escaped): the CLI, the confirm
 * question and the watch dialog all draw these lines, so doing it here does it for them all.
 */
export function planDiffLines(plan: RunPlan, options: { showPii?: boolean } = {}): string[] {
  const redactor = createRedactor({ showPii: options.showPii === true });
  return rawPlanDiffLines(plan).map((line) => inertLine(redactor.string(line)));
}

function rawPlanDiffLines(plan: RunPlan): string[] {
  const lines: string[] = [header(plan)];
  if (plan.action === 'refused') {
    lines.push(`! refused: ${plan.reason ?? ''}`);
    return lines;
  }
  if (plan.action === 'no-op') {
    lines.push(`  no change: ${plan.reason ?? 'nothing to write'}`);
    return lines;
  }
  for (const c of plan.changes) {
    lines.push(`- ${c.path}: ${formatValue(c.before)}`);
    lines.push(`+ ${c.path}: ${formatValue(c.after)}`);
  }
  for (const [key, value] of Object.entries(plan.annotations ?? {}))
    lines.push(`+ metadata.annotations["${key}"]: ${value}`);
  for (const s of plan.stepRunDeletions)
    lines.push(
      `x StepRun ${s.name} (${s.phase || 'no phase'}${s.unlabelled ? ', unlabelled' : ''}): delete, propagation Background`,
    );
  if (plan.runDeletion)
    lines.push(`x StoryRun ${plan.name} (${plan.previousPhase}): delete, propagation Background`);
  for (const s of plan.stuckDeleting)
    lines.push(
      `! StepRun ${s.name} (${s.phase || 'no phase'}) is stuck in deletion: reported, finalizers left alone`,
    );
  for (const s of plan.unknownPhaseStepRuns)
    lines.push(`! StepRun ${s.name} has phase "${s.phase ?? ''}", unknown to storyctl: left alone`);
  for (const n of plan.notes ?? []) lines.push(`  why: ${n}`);
  return lines;
}

function header(plan: RunPlan): string {
  const phase =
    plan.previousPhase === plan.finalPhase
      ? `${plan.previousPhase || '(no phase)'} (kept)`
      : `${plan.previousPhase || '(no phase)'} → ${plan.finalPhase}`;
  const rv = plan.resourceVersion ? `, resourceVersion ${plan.resourceVersion}` : '';
  const findings =
    plan.findings.length > 0
      ? `; doctor: ${[...new Set(plan.findings.map((f) => f.ruleId))].join(', ')}`
      : '';
  return `StoryRun ${plan.namespace}/${plan.name}: ${phase}${rv}${findings}`;
}

export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '(unset)';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every(isCondition))
    return value.length === 0
      ? '[]'
      : value.map((c) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ''}`).join(', ');
  return JSON.stringify(value);
}

function isCondition(v: unknown): v is Condition {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

export function diffSign(line: string): DiffSign {
  const c = line[0];
  return c === '-' || c === '+' || c === 'x' || c === '!' ? c : ' ';
}

export function signColor(sign: DiffSign): 'red' | 'green' | 'yellow' | undefined {
  return sign === '+' ? 'green' : sign === '-' ? 'red' : sign === 'x' || sign === '!' ? 'yellow' : undefined;
}

export function renderPlanDiff(
  plans: readonly RunPlan[],
  options: { color: boolean; showPii?: boolean },
): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  for (const plan of plans) {
    for (const line of planDiffLines(plan, { showPii: options.showPii === true })) {
      const color = signColor(diffSign(line));
      out.push(
        color
          ? chalk[color](line)
          : diffSign(line) === ' ' && !line.startsWith(' ')
            ? chalk.bold(line)
            : line,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

/** `2 run(s) to repair: 14 field change(s), 3 StepRun(s) to delete; 1 no-op, 1 refused`. */
export function planSummary(plans: readonly RunPlan[]): string {
  const repair = plans.filter((p) => p.action === 'repair');
  const fields = repair.reduce((n, p) => n + p.changes.length + Object.keys(p.annotations ?? {}).length, 0);
  const deletions = repair.reduce((n, p) => n + p.stepRunDeletions.length, 0);
  const parts = [
    `${repair.length} run(s) to repair: ${fields} field change(s), ${deletions} StepRun(s) to delete`,
  ];
  const noop = plans.filter((p) => p.action === 'no-op').length;
  const refused = plans.filter((p) => p.action === 'refused').length;
  if (noop > 0) parts.push(`${noop} no-op`);
  if (refused > 0) parts.push(`${refused} refused`);
  return parts.join('; ');
}

const OUTCOME_COLOR: Record<Outcome, 'green' | 'yellow' | 'red' | 'gray'> = {
  applied: 'green',
  'dry-run': 'green',
  'no-op': 'gray',
  skipped: 'yellow',
  refused: 'yellow',
  conflict: 'red',
  failed: 'red',
};

/** The per-run summary table printed after the writes. */
export function renderResultsTable(
  results: readonly RunResult[],
  options: { color: boolean; width?: number },
): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const messageWidth = Math.max(30, (options.width ?? 120) - 60);
  const table = new Table({
    head: ['STORYRUN', 'RESULT', 'WRITES', 'DETAIL'],
    style: { head: options.color ? ['bold'] : [], border: [] },
    colWidths: [null, null, null, messageWidth],
    wordWrap: true,
  });
  for (const r of results) {
    const writes = r.writes.length === 0 ? '-' : describeWrites(r);
    const attempts = r.attempts > 1 ? ` (${r.attempts} attempts)` : '';
    table.push([
      inertLine(`${r.namespace}/${r.name}`),
      chalk[OUTCOME_COLOR[r.outcome]](r.outcome),
      writes,
      inertText(`${r.message}${attempts}`),
    ]);
  }
  const counts = new Map<Outcome, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const total = [...counts.entries()].map(([o, n]) => `${n} ${o}`).join(', ');
  return `${table.toString()}\n${results.length} run(s): ${total || 'none'}\n`;
}

/** `spec, status, annotations, 3 StepRun deletion(s)`: the writes in order, deletions counted. */
export function describeWrites(r: RunResult): string {
  const parts: string[] = r.writes.filter((w) => w.write !== 'delete-steprun').map((w) => w.write);
  const deletions = r.writes.length - parts.length;
  if (deletions > 0) parts.push(`${deletions} StepRun deletion(s)`);
  return parts.join(', ');
}
