// `storyctl prune --canceled`: delete the canceled runs the operator never cleans up (SR304), with
// the same safety as finish: a plan first, --dry-run, a question (or --yes), the RBAC preflight,
// --max-changes, resourceVersion on every delete. The flow is in prune-run.ts, loaded on use.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { addClusterFlags, startRequestLog } from '../cluster-flags.js';
import type { CommandResult } from '../command-result.js';
import { withExamples } from '../examples.js';
import type { DryRun } from '../finish/flags.js';
import type { CliIO } from '../io.js';
import { durationOption } from '../options.js';
import { DEFAULT_MAX_CHANGES } from './finish.js';
import type { PruneFlags } from './prune-run.js';

export const DEFAULT_OLDER_THAN_SECONDS = 86400;

function parseDryRun(value: string | undefined): DryRun {
  if (value === undefined || value === 'client') return 'client';
  if (value === 'server' || value === 'none') return value;
  throw new InvalidArgumentError(`expected client or server, got "${value}"`);
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

export function registerPrune(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('prune')
    .description(
      'delete canceled StoryRuns the operator never cleans up, with their terminal StepRuns (SR304)',
    );
  addClusterFlags(cmd)
    .option(
      '--canceled',
      'canceled runs (spec.cancelRequested, terminal): the ones the operator keeps for ever',
    )
    .addOption(
      durationOption('--older-than <duration>', 'only runs that finished longer ago than this').default(
        DEFAULT_OLDER_THAN_SECONDS,
        '24h',
      ),
    )
    .addOption(
      new Option('--dry-run [mode]', 'client: print the plan; server: send every delete with dryRun=All')
        .choices(['client', 'server'])
        .preset('client')
        .argParser(parseDryRun),
    )
    .option('-y, --yes', 'do not ask (required without a terminal)')
    .addOption(
      new Option('--max-changes <n>', 'delete at most this many runs per pass')
        .default(DEFAULT_MAX_CHANGES)
        .argParser(parsePositiveInt),
    )
    .addOption(new Option('-o, --output <format>', 'table|json').choices(['table', 'json']).default('table'))
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .action(async (flags: PruneFlags) => {
      const { runPrune } = await import('./prune-run.js');
      const stopLog = await startRequestLog(flags, io);
      try {
        result.code = await runPrune(flags, io);
      } finally {
        stopLog();
      }
    });
  withExamples(cmd, [
    [
      'the plan: canceled runs of a namespace that finished more than 24 h ago, and their StepRuns',
      'storyctl prune --canceled -n voice-prod --dry-run',
    ],
    ['delete them after reading the plan and answering y', 'storyctl prune --canceled -n voice-prod'],
    [
      'every namespace, runs older than a week, at most 50, without asking',
      'storyctl prune --canceled -A --older-than 168h --max-changes 50 --yes',
    ],
  ]);
}
