// The `Examples:` section at the end of every command's --help, as kubectl prints one: the
// commands an on-call engineer types, each with what it does.
import type { Command } from 'commander';

export type Example = readonly [comment: string, command: string];

export function withExamples(cmd: Command, examples: readonly Example[]): Command {
  const body = examples.map(([comment, command]) => `  # ${comment}\n  ${command}`).join('\n\n');
  return cmd.addHelpText('after', `\nExamples:\n${body}\n`);
}
