// `storyctl finish`: read the runs, plan (src/repair/plan.ts), show the plan, ask, apply
// (src/repair/apply.ts), report. Without --force-terminal it only sets the controller's own knob,
// spec.cancelRequested. The exit code is chosen here from the results (ARCHITECTURE.md exit codes).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseStopBudget } from '../../contract/budget.js';
import type { CliIO } from '../io.js';
import { parseBudgetOption } from '../options.js';
import type { CommandResult } from '../program.js';
export type DryRun = 'none' | 'client' | 'server';

export interface FinishFlags {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  forceTerminal?: boolean;
  dryRun?: DryRun;
  yes?: boolean;
  reason?: string;
  keepSteps?: boolean;
  wait?: number;
  allStalled?: boolean;
  maxChanges: number;
  output: 'table' | 'json';
  kubeconfig?: string;
  context?: string;
  stopBudget: number;
  requestTimeout: number;
  color?: boolean;
}

export const DEFAULT_MAX_CHANGES = 20;
/** Rules whose evidence depends on the cancel window, which a by-name read does not resolve. */

function parseDryRun(value: string | undefined): DryRun {
  if (value === undefined || value === 'client') return 'client';
  if (value === 'server' || value === 'none') return value;
  throw new InvalidArgumentError(
    `expected client or server, got "${value}" (write --dry-run=client, or put the run names first)`,
  );
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function parseWait(value: string): number {
  const s = parseStopBudget(value);
  if (s === undefined)
    throw new InvalidArgumentError(`expected a duration such as 2m or 90s, got "${value}"`);
  return s;
}

export function registerFinish(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('finish')
    .description(
      'stop StoryRuns: ask the controller (spec.cancelRequested), or with --force-terminal write the terminal state yourself (CONTROLLER.md §9)',
    )
    .argument('[name...]', 'StoryRun names')
    .option('-n, --namespace <ns>', "namespace (default: the context's namespace)")
    .option('-A, --all-namespaces', 'with --all-stalled: every namespace')
    .option('-l, --selector <selector>', 'with --all-stalled: label selector for StoryRuns')
    .option(
      '--force-terminal',
      'write the terminal state (phase, step states, counters, conditions) and delete leftover StepRuns',
    )
    .addOption(
      new Option('--dry-run [mode]', 'client: print the plan; server: send every write with dryRun=All')
        .preset('client')
        .argParser(parseDryRun),
    )
    .option('-y, --yes', 'do not ask (required without a terminal)')
    .option('--reason <text>', 'why, for the storyctl.bubustack.io/reason annotation')
    .option('--keep-steps', 'with --force-terminal: leave live StepRuns in place')
    .addOption(
      new Option(
        '--wait <duration>',
        'without --force-terminal: wait this long for the controller to finish',
      ).argParser(parseWait),
    )
    .option('--all-stalled', 'every run doctor reports under SR101, SR201 or SR301 in the scope')
    .addOption(
      new Option('--max-changes <n>', 'with --all-stalled: repair at most this many runs')
        .default(DEFAULT_MAX_CHANGES)
        .argParser(parsePositiveInt),
    )
    .addOption(new Option('-o, --output <format>', 'table|json').choices(['table', 'json']).default('table'))
    .option('--kubeconfig <file>', 'kubeconfig file (KUBECONFIG is honoured)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(
      new Option('--stop-budget <duration>', 'how long a stop may take before it is stalled (SR101)')
        .default(30, '30s')
        .argParser(parseBudgetOption),
    )
    .addOption(
      new Option('--request-timeout <seconds>', 'give up on a silent API server after this long')
        .default(15)
        .argParser(Number),
    )
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .action(async (names: string[], flags: FinishFlags) => {
      const { runFinish } = await import('./finish-run.js');
      result.code = await runFinish(names, flags, io);
    });
}
