// Entry point: run the program and set the process exit code. Nothing else sets it.
import { CommanderError } from 'commander';
import { StoryctlError } from '../model/errors.js';
import { describeError, exitCodeForError, EXIT } from './exit.js';
import { processIO, type CliIO } from './io.js';
import type { CommandResult } from './command-result.js';
import { buildProgram } from './program.js';
import { BUG_TRACKER_URL } from './links.js';

/** Run storyctl with `argv` (node-style: [node, script, ...args]) and return the exit code. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const result: CommandResult = { code: EXIT.ok, argv: argv.slice(2) };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync([...argv]);
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof StoryctlError) {
      io.stderr.write(`storyctl: ${describeError(error)}\n`);
      return exitCodeForError(error);
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`storyctl: internal error: ${message}\n`);
    if (io.env['STORYCTL_DEBUG'] && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    else
      io.stderr.write(
        `storyctl: this is a bug; please report it at ${BUG_TRACKER_URL} (STORYCTL_DEBUG=1 prints a stack trace to include)\n`,
      );
    return EXIT.usage;
  }
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // A closed pipe (`storyctl rules | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    process.exitCode = EXIT.interrupted;
    // Commands that write listen for this and stop between objects; others just end here.
    if (!process.listenerCount('SIGINT')) process.exit(EXIT.interrupted);
  });
  const code = await run(argv, { ...processIO(), env });
  process.exitCode = interrupted && code === EXIT.ok ? EXIT.interrupted : code;
}
