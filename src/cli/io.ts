// The process edges the CLI touches, passed in so commands can run in-process in tests.
import type { Readable, Writable } from 'node:stream';

export interface CliIO {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The clock; `--now` overrides it for evaluation. */
  now: () => number;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
  };
}

/** Colour only on a TTY, never with NO_COLOR (any value) or --no-color. */
export function useColor(io: CliIO, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '') return false;
  if (io.env['FORCE_COLOR'] !== undefined && io.env['FORCE_COLOR'] !== '0') return true;
  return io.stdout.isTTY === true;
}

/** Progress goes to stderr only when it is a TTY, not in CI, and not with --quiet. */
export function showProgress(io: CliIO, quiet: boolean | undefined): boolean {
  return !quiet && io.stderr.isTTY === true && io.env['CI'] !== 'true' && io.env['CI'] !== '1';
}

/**
 * Can the user answer a question here? ink reads keys in raw mode: a terminal on both ends whose
 * stdin can do that. A question is never asked on a pipe.
 */
export function canAsk(io: CliIO): boolean {
  const rawMode = typeof (io.stdin as { setRawMode?: unknown }).setRawMode === 'function';
  return io.stdin.isTTY === true && io.stdout.isTTY === true && rawMode;
}
