// Run the CLI in-process with captured streams, the way a user would call it, and get the exit code.
import { PassThrough, Readable } from 'node:stream';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  stdin?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  tty?: boolean;
  /** Terminal width of a tty stdout (default 120). */
  columns?: number;
  cwd?: string;
  now?: number;
}

function sink(
  tty: boolean,
  columns = 120,
): {
  stream: PassThrough & { isTTY?: boolean; columns?: number };
  text: () => string;
} {
  const chunks: Buffer[] = [];
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  if (tty) {
    stream.isTTY = true;
    stream.columns = columns;
  }
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const out = sink(options.tty === true, options.columns);
  const err = sink(options.tty === true);
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]) as Readable & {
    isTTY?: boolean;
  };
  if (options.tty) stdin.isTTY = true;
  const io: CliIO = {
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    env: { ...(options.env ?? {}) },
    cwd: options.cwd ?? process.cwd(),
    now: () => options.now ?? Date.now(),
  };
  const code = await run(['node', 'storyctl', ...args], io);
  // Let the PassThrough streams flush their last chunks.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out.text(), stderr: err.text() };
}

export const BIN = fileURLToPath(new URL('../../bin/storyctl.js', import.meta.url));

/** Run the built binary as a child process (needs `npm run build`). */
export function runBin(
  args: string[],
  options: CliOptions & { timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...(options.env ?? {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
  });
}
