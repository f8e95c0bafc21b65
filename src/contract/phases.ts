// CONTROLLER.md section 2: one 13-value enum for StoryRun, StepRun and stepStates phases.

export const PHASES = [
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Finished',
  'Canceled',
  'Compensated',
  'Paused',
  'Blocked',
  'Scheduling',
  'Timeout',
  'Aborted',
  'Skipped',
] as const;

export type Phase = (typeof PHASES)[number];

export const TERMINAL_PHASES: ReadonlySet<string> = new Set<Phase>([
  'Succeeded',
  'Failed',
  'Finished',
  'Canceled',
  'Compensated',
  'Timeout',
  'Aborted',
  'Skipped',
]);

const NON_TERMINAL: ReadonlySet<string> = new Set([
  'Pending',
  'Running',
  'Paused',
  'Blocked',
  'Scheduling',
  '',
]);

/**
 * `unknown` is a phase a newer operator may have added: rules that depend on it must say
 * "not evaluated" for that object instead of guessing.
 */
export type PhaseClass = 'terminal' | 'non-terminal' | 'unknown';

export function classifyPhase(phase: string | undefined | null): PhaseClass {
  const p = phase ?? '';
  if (TERMINAL_PHASES.has(p)) return 'terminal';
  if (NON_TERMINAL.has(p)) return 'non-terminal';
  return 'unknown';
}

export function isTerminal(phase: string | undefined | null): boolean {
  return classifyPhase(phase) === 'terminal';
}

export function isNonTerminal(phase: string | undefined | null): boolean {
  return classifyPhase(phase) === 'non-terminal';
}

export function isKnownPhase(phase: string): phase is Phase {
  return (PHASES as readonly string[]).includes(phase);
}
