// The commander program. Commands record their exit code in `result` (command-result.ts); main()
// applies it.
import { Command, Help, type Argument, type Option } from 'commander';
import type { CommandResult } from './command-result.js';
import type { CliIO } from './io.js';
import { VERSION } from './version.js';
import { withExamples } from './examples.js';
import { registerDoctor } from './commands/doctor.js';
import { registerFinish } from './commands/finish.js';
import { registerLint } from './commands/lint.js';
import { registerRules } from './commands/rules.js';
import { registerServe } from './commands/serve.js';
import { registerWatch } from './commands/watch.js';
import { registerCompletion } from './commands/completion.js';
import { registerConfig } from './commands/config.js';
import { registerVersion } from './commands/version.js';

/**
 * Help lists an option's choices itself, unless its description already spells them (`table|json`,
 * the same form completion shows): then commander's "(choices: …)" would only say it twice.
 */
function unlessSpelled<T extends Option | Argument>(item: T): T {
  const choices = item.argChoices;
  if (!choices || !item.description.includes(choices.join('|'))) return item;
  return Object.create(item, { argChoices: { value: undefined } }) as T;
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
    .configureHelp({
      optionDescription(option) {
        return Help.prototype.optionDescription.call(this as Help, unlessSpelled(option));
      },
      argumentDescription(argument) {
        return Help.prototype.argumentDescription.call(this as Help, unlessSpelled(argument));
      },
    })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  withExamples(program, [
    [
      'what is stuck or contradicting in a namespace, and the command that fixes each',
      'storyctl doctor -n voice-prod',
    ],
    [
      'repair every stalled run there after reading the plan',
      'storyctl finish --all-stalled -n voice-prod --force-terminal',
    ],
    ['find hung closes and orphaned STT sockets in captured logs', 'storyctl lint logs/'],
  ]);
  registerDoctor(program, io, result);
  registerFinish(program, io, result);
  registerLint(program, io, result);
  registerRules(program, io, result);
  registerWatch(program, io, result);
  registerConfig(program, io, result);
  registerVersion(program, io, result);
  registerServe(program, io, result);
  registerCompletion(program, io, result);
  return program;
}
