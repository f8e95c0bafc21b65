// `storyctl completion bash|zsh|fish`: print the completion script for a shell, generated from the
// program itself (src/cli/completion/). The hidden `storyctl __complete` answers the scripts' calls
// for cluster names, fast or with nothing.
import { Argument, InvalidArgumentError, type Command } from 'commander';
import { contextOption, kubeconfigOption, namespaceOption } from '../cluster-flags.js';
import type { CommandResult } from '../command-result.js';
import { withExamples } from '../examples.js';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { completeNames, NAMES_TIMEOUT_MS, type NameFlags } from '../completion/names.js';
import { completionSpec, type CommandSpec } from '../completion/spec.js';
import { zshScript } from '../completion/zsh.js';
import { EXIT } from '../exit.js';
import type { CliIO } from '../io.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function completionScript(shell: Shell, spec: CommandSpec[]): string {
  if (shell === 'bash') return bashScript(spec);
  if (shell === 'zsh') return zshScript(spec);
  return fishScript(spec);
}

function parseShell(value: string): Shell {
  const shell = SHELLS.find((s) => s === value);
  if (shell === undefined)
    throw new InvalidArgumentError(`completion takes bash, zsh or fish, not "${value}"`);
  return shell;
}

export function registerCompletion(program: Command, io: CliIO, result: CommandResult): void {
  const completion = program
    .command('completion')
    .description('print a shell completion script: bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash|zsh|fish').choices(SHELLS).argParser(parseShell))
    .action((shell: Shell) => {
      io.stdout.write(completionScript(shell, completionSpec(program)));
      result.code = EXIT.ok;
    });
  withExamples(completion, [
    ['bash, for this shell', 'source <(storyctl completion bash)'],
    ['zsh', 'source <(storyctl completion zsh)'],
    ['fish', 'storyctl completion fish | source'],
  ]);

  program
    .command('__complete', { hidden: true })
    .description('list names for shell completion (namespaces, runs, contexts); prints nothing on failure')
    .argument('<what>', 'namespaces|runs|contexts')
    .addOption(namespaceOption())
    .addOption(contextOption())
    .addOption(kubeconfigOption())
    .action(async (what: string, flags: NameFlags) => {
      // Completion must never print an error into the user's command line, nor hang the shell.
      try {
        const names = await completeNames(what, flags, io.env, NAMES_TIMEOUT_MS);
        if (names.length > 0) io.stdout.write(`${names.join('\n')}\n`);
      } catch {
        // Nothing to offer: the shell falls back to no candidates.
      }
      result.code = EXIT.ok;
    });
}
