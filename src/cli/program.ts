// The commander program. Commands record their exit code in `result`; main() applies it.
import { Command } from 'commander';
import type { CliIO } from './io.js';
import { VERSION } from './common.js';
import { registerDoctor } from './commands/doctor.js';
import { registerFinish } from './commands/finish.js';
import { registerLint } from './commands/lint.js';
import { registerRules } from './commands/rules.js';
import { registerWatch } from './commands/watch.js';
import { registerCompletion } from './commands/completion.js';

export interface CommandResult {
  code: number;
  /** The user's arguments in order (commander keeps repeatable options apart; -o pairing needs the order). */
  argv: readonly string[];
}

export function buildProgram(io: CliIO, result: CommandResult): Command {
  const program = new Command();
  program
    .name('storyctl')
    .description(
      'Find and repair Bobrapet StoryRuns that will not stop, and voice workers that will not let go.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  registerDoctor(program, io, result);
  registerFinish(program, io, result);
  registerLint(program, io, result);
  registerRules(program, io, result);
  registerWatch(program, io, result);
  registerCompletion(program, io, result);
  return program;
}
