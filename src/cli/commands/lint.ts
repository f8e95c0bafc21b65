// `storyctl lint FILE|DIR|-...`: the log rules over captured logs, built for CI outputs.
import type { Command } from 'commander';
import { StoryctlError } from '../../model/errors.js';
import { buildReport } from '../../model/report.js';
import { logRules } from '../../rules/index.js';
import type { CommandResult } from '../command-result.js';
import { addReportOptions, emitReport, selectRules } from '../common.js';
import { exitCodeForReport } from '../exit.js';
import { showProgress, type CliIO } from '../io.js';
import type { CommonFlags } from '../options.js';
import { createProgress } from '../progress.js';
import { printInputWarnings } from '../warnings.js';

export function registerLint(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('lint')
    .description(
      'find hung voice-session closes, orphaned STT sockets, leaked rooms and stranded work in captured logs',
    )
    .argument('[inputs...]', 'log files, directories, globs, or - for stdin (gzip is detected)');
  addReportOptions(cmd).action(async (inputs: string[], flags: CommonFlags) => {
    result.code = await runLint(inputs, flags, io, result.argv);
  });
}

export async function runLint(
  inputs: string[],
  flags: CommonFlags,
  io: CliIO,
  args: readonly string[],
): Promise<number> {
  if (inputs.length === 0) {
    if (io.stdin.isTTY) throw new StoryctlError('usage', 'lint needs log files, directories or - for stdin');
    inputs = ['-'];
  }
  const now = flags.now ?? io.now();
  const rules = selectRules(
    flags,
    logRules,
    (r) => `${r.meta.id} is a cluster rule and lint reads logs only: use storyctl doctor for it`,
  );
  const progress = createProgress(io, showProgress(io, flags.quiet));
  const { lintLogs } = await import('../../logs/index.js');
  let logs: Awaited<ReturnType<typeof lintLogs>>;
  try {
    logs = await lintLogs(inputs, {
      stdin: io.stdin,
      now,
      stopBudgetSeconds: flags.stopBudget,
      rules,
      onProgress: (read, total) => progress.bytes(read, total),
    });
  } finally {
    progress.done();
  }
  printInputWarnings(io, logs.warnings, { showPii: flags.showPii === true });
  const report = buildReport({
    now,
    sources: logs.sources,
    findings: logs.findings,
    notEvaluated: logs.notEvaluated,
    showPii: flags.showPii === true,
  });
  await emitReport(
    report,
    flags,
    io,
    args,
    rules.map((r) => r.meta),
  );
  return exitCodeForReport(report, flags.failOn);
}
