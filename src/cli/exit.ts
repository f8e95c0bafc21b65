// The one place that decides exit codes (ARCHITECTURE.md "Exit codes"), whatever the output format.
import { StoryctlError } from '../model/errors.js';
import { severityRank, type Report, type Severity } from '../model/report.js';
import type { Outcome, RunResult } from '../repair/result.js';
import type { RunPlan } from '../repair/run-plan.js';

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  incomplete: 3,
  refused: 4,
  partial: 5,
  interrupted: 130,
} as const;

export type FailOn = Severity | 'none';

/**
 * `--fail-on none` is "never fail on the report": 0 whatever was found or not evaluated (the
 * report still says both). Otherwise findings at or above the threshold give 1, and checks that
 * could not run give 3. The output format never enters into it. Suppressed findings are not in
 * `findings`, so they never count; with a baseline, only the new ones do (`unchanged` ones were
 * there when the baseline was written). An input read only in part (a cut gzip) gives 3 unless
 * findings gave 1, whatever --fail-on says.
 */
export function exitCodeForReport(report: Report, failOn: FailOn): number {
  // An input read only in part (a cut gzip) left its end unchecked: that is not a finding or a
  // rule not evaluated, and no --fail-on (not even none) makes it a green run. Findings that count
  // still say 1 first.
  const partRead = report.sources.some((s) => s.incomplete === true);
  if (failOn === 'none') return partRead ? EXIT.incomplete : EXIT.ok;
  const threshold = severityRank(failOn);
  const counts = (f: Report['findings'][number]): boolean =>
    f.baselineState !== 'unchanged' && severityRank(f.severity) >= threshold;
  if (report.findings.some(counts)) return EXIT.findings;
  return report.notEvaluated.length > 0 || partRead ? EXIT.incomplete : EXIT.ok;
}

export function exitCodeForError(error: unknown): number {
  if (!(error instanceof StoryctlError)) return EXIT.usage;
  switch (error.kind) {
    case 'usage':
    case 'input':
    case 'config':
    case 'unreachable':
      return EXIT.usage;
    case 'refused':
    case 'conflict':
      return EXIT.refused;
    case 'partial':
      return EXIT.partial;
    case 'interrupted':
      return EXIT.interrupted;
  }
}

/** A plan shown and not applied (`--dry-run=client`): 4 when it refuses a run, else 0. */
export function exitCodeForPlan(plans: readonly Pick<RunPlan, 'action'>[]): number {
  return plans.some((p) => p.action === 'refused') ? EXIT.refused : EXIT.ok;
}

/**
 * A repair's code from its results: 0 when every run is done (1 when --wait saw the controller
 * finish a run that doctor still reports). Otherwise the StoryctlError that main reports and turns
 * into its code: 5 when the batch is partly applied (Ctrl-C included), 4 when nothing was written
 * because a run was refused or kept conflicting.
 */
export function exitCodeForRepair(
  batch: { results: readonly RunResult[]; interrupted: boolean },
  waited: boolean,
): number {
  const rs = batch.results;
  const count = (o: Outcome): number => rs.filter((r) => r.outcome === o).length;
  if (batch.interrupted) {
    throw new StoryctlError(
      'partial',
      `interrupted: ${count('applied')} run(s) finished, ${count('skipped')} not started; run the same command again to continue`,
    );
  }
  const bad = rs.filter((r) => r.outcome === 'refused' || r.outcome === 'conflict' || r.outcome === 'failed');
  if (bad.length === 0) return waited && rs.some((r) => r.remaining) ? EXIT.findings : EXIT.ok;
  const list = bad.map((r) => `${r.namespace}/${r.name} ${r.outcome}`).join(', ');
  if (rs.some((r) => r.writes.length > 0)) throw new StoryctlError('partial', `partly applied: ${list}`);
  const kind = bad.some((r) => r.outcome === 'conflict') ? 'conflict' : 'refused';
  throw new StoryctlError(kind, `nothing was written: ${list}`);
}

/**
 * A second Ctrl-C during a repair: leave now, with 130. Every write is idempotent and carries its
 * resourceVersion, so the same command resumes where this one stopped.
 */
export function exitInterrupted(): never {
  process.exit(EXIT.interrupted);
}

/** One line for the user: `file:line: message` for input errors, no stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof StoryctlError) {
    const where = error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ` : '';
    return `${where}${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
