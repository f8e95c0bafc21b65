// The one place that decides exit codes (ARCHITECTURE.md "Exit codes"), whatever the output format.
import { StoryctlError } from '../model/errors.js';
import { severityRank, type Report, type Severity } from '../model/report.js';

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

export function exitCodeForReport(report: Report, failOn: FailOn): number {
  if (failOn !== 'none') {
    const threshold = severityRank(failOn);
    if (report.findings.some((f) => severityRank(f.severity) >= threshold)) return EXIT.findings;
  }
  return report.notEvaluated.length > 0 ? EXIT.incomplete : EXIT.ok;
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

/** One line for the user: `file:line: message` for input errors, no stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof StoryctlError) {
    const where = error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ` : '';
    return `${where}${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
