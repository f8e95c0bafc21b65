// `storyctl lint FILE|DIR|-...`: the log rules over captured logs, built for CI outputs.
import type { Command } from 'commander';
import { StoryctlError } from '../../model/errors.js';
import { inertText } from '../../report/escape.js';
import { assembleReport } from '../../model/report.js';
import { logRules } from '../../rules/index.js';
import type { CommandResult } from '../command-result.js';
import { withExamples } from '../examples.js';
import { addReportOptions, selectRules } from '../common.js';
import { showProgress, type CliIO } from '../io.js';
import { logTimezoneOption } from '../log-timezone.js';
import type { CommonFlags } from '../options.js';
import { createProgress } from '../progress.js';
import { publishReport } from '../policy.js';
import {
  logThresholds,
  logZoneSetting,
  optionSource,
  resolveSettings,
  type OptionSource,
} from '../settings.js';
import type { LogZone } from '../../logs/timezone.js';

export interface LintFlags extends CommonFlags {
  logTimezone?: LogZone;
}
import { printInputWarnings } from '../warnings.js';

export function registerLint(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('lint')
    .description(
      'find hung voice-session closes, orphaned STT sockets, leaked rooms and stranded work in captured logs',
    )
    .argument('[inputs...]', 'log files, directories, globs, or - for stdin (gzip is detected)')
    .addOption(logTimezoneOption());
  withExamples(cmd, [
    ['a directory of captured logs', 'storyctl lint logs/'],
    ['straight from the cluster', 'kubectl logs deploy/voice-agent --timestamps | storyctl lint -'],
    ['Python dev logs written in Berlin time', 'storyctl lint agent.log --log-timezone Europe/Berlin'],
    [
      'for CI: SARIF to a file, the table on stdout',
      'storyctl lint logs/ -o table -o sarif --output-file storyctl.sarif',
    ],
  ]);
  addReportOptions(cmd).action(async (inputs: string[], flags: LintFlags, command: Command) => {
    result.code = await runLint(inputs, flags, io, result.argv, optionSource(command));
  });
}

export async function runLint(
  inputs: string[],
  flags: LintFlags,
  io: CliIO,
  args: readonly string[],
  source: OptionSource = () => undefined,
): Promise<number> {
  const implicitStdin = inputs.length === 0;
  if (implicitStdin) {
    if (io.stdin.isTTY) throw new StoryctlError('usage', 'lint needs log files, directories or - for stdin');
    inputs = ['-'];
  }
  const now = flags.now ?? io.now();
  const settings = await resolveSettings(flags, io, args, source);
  const rules = selectRules(
    flags,
    logRules,
    (r) => `${r.meta.id} is a cluster rule and lint reads logs only: use storyctl doctor for it`,
    settings,
  );
  const progress = createProgress(io, showProgress(io, flags.quiet));
  const { lintLogs, unrecognisedWarning } = await import('../../logs/index.js');
  let logs: Awaited<ReturnType<typeof lintLogs>>;
  try {
    logs = await lintLogs(inputs, {
      stdin: io.stdin,
      now,
      stopBudgetSeconds: settings.thresholds.stopBudget.value,
      thresholds: logThresholds(settings),
      rules,
      logZone: logZoneSetting(settings),
      onProgress: (read, total) => progress.bytes(read, total),
    });
  } finally {
    progress.done();
  }
  // An input no known format reads is named on stderr, whatever the output format (issue 11 item 5).
  for (const u of logs.unrecognised) io.stderr.write(`${inertText(unrecognisedWarning(u))}\n`);
  printInputWarnings(io, logs.warnings, { showPii: flags.showPii === true });
  // No arguments and nothing piped in (CI, `< /dev/null`): nothing was linted, which is not a pass.
  if (implicitStdin && logs.sources.every((s) => (s.lines ?? 0) === 0))
    throw new StoryctlError(
      'usage',
      'lint read nothing: no inputs were given and standard input was empty; give log files, directories, globs or - for stdin',
    );
  const built = assembleReport({
    now,
    sources: logs.sources,
    findings: logs.findings,
    notEvaluated: logs.notEvaluated,
    showPii: flags.showPii === true,
  });
  return publishReport(built, settings, flags, io, rules);
}
