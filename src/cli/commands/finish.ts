// `storyctl finish`: read the runs, plan (src/repair/plan.ts), show the plan, ask, apply
// (src/repair/apply.ts), report. Without --force-terminal it only sets the controller's own knob,
// spec.cancelRequested. The exit code is chosen here from the results (ARCHITECTURE.md exit codes).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { addClusterFlags, startRequestLog } from '../cluster-flags.js';
import type { DryRun, FinishFlags } from '../finish/flags.js';
import type { CommandResult } from '../command-result.js';
import { withExamples } from '../examples.js';
import type { CliIO } from '../io.js';
import { durationOption, stopBudgetOption } from '../options.js';

export const DEFAULT_MAX_CHANGES = 20;

/** What completion offers after --dry-run; `none` (kubectl's spelling of "no dry run") is accepted too. */
const DRY_RUN_MODES = ['client', 'server'] as const;

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

export function registerFinish(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('finish')
    .description(
      'stop StoryRuns: ask the controller (spec.cancelRequested), or with --force-terminal write the terminal state yourself (README: storyctl finish)',
    )
    .argument('[name...]', 'StoryRun names');
  addClusterFlags(cmd, {
    allNamespaces: 'with --all-stalled: every namespace',
    selector: 'with --all-stalled: label selector for StoryRuns',
  })
    .option(
      '--force-terminal',
      'write the terminal state (phase, step states, counters, conditions) and delete leftover StepRuns',
    )
    .addOption(
      new Option('--dry-run [mode]', 'client: print the plan; server: send every write with dryRun=All')
        .choices(DRY_RUN_MODES)
        .preset('client')
        .argParser(parseDryRun),
    )
    .option('-y, --yes', 'do not ask (required without a terminal)')
    .option('--reason <text>', 'why, for the storyctl.bubustack.io/reason annotation')
    .option('--keep-steps', 'with --force-terminal: leave live StepRuns in place')
    .addOption(
      durationOption(
        '--wait <duration>',
        'without --force-terminal: wait this long for the controller to finish',
      ),
    )
    .option('--all-stalled', 'every run doctor reports under SR101, SR201 or SR301 in the scope')
    .addOption(
      new Option('--max-changes <n>', 'with --all-stalled: repair at most this many runs')
        .default(DEFAULT_MAX_CHANGES)
        .argParser(parsePositiveInt),
    )
    .addOption(
      new Option('-o, --output <format>', 'table|json|yaml')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    )
    .option('--show-pii', 'show lk.pii.* values and participant identities (masked by default)')
    .addOption(stopBudgetOption('how long a stop may take before it is stalled (SR101)'))
    .option('--no-color', 'no colours (NO_COLOR is honoured too)');
  withExamples(cmd, [
    [
      'ask the controller to stop a run (sets spec.cancelRequested), and wait for it',
      'storyctl finish call-4711 -n voice-prod --wait 3m',
    ],
    [
      'write the terminal state of a stalled run yourself, after reading the plan',
      'storyctl finish call-4711 -n voice-prod --force-terminal',
    ],
    [
      'every stalled run of a namespace, at most 20, without asking',
      'storyctl finish --all-stalled -n voice-prod --force-terminal --yes',
    ],
    [
      'the runs a selector picks; print the plan only',
      'storyctl finish -l app=voice -n voice-prod --force-terminal --dry-run',
    ],
  ]);
  cmd.action(async (names: string[], flags: FinishFlags) => {
    const { runFinish } = await import('./finish-run.js');
    const stopLog = await startRequestLog(flags, io);
    try {
      result.code = await runFinish(names, flags, io);
    } finally {
      stopLog();
    }
  });
}
