// `storyctl serve` as a real process for the cluster tests: the built bin/storyctl.js (what the
// Docker image runs), its JSON log lines parsed as they come, its /metrics read over HTTP, and
// stopped by PID (SIGTERM for a graceful stop, SIGKILL for a crash).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/manifests.js';

export interface LogLine {
  time: string;
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface ServeProcess {
  proc: ChildProcess;
  /** `http://127.0.0.1:PORT`, from the started line. */
  url: string;
  identity: string;
  lines: LogLine[];
  /** Raw stderr that was not a JSON line (a crash, a usage error). */
  other: string[];
  waitFor(pred: (l: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  metrics(): Promise<string>;
  /** The value of one sample (`name{labels}`, labels in the exported order), undefined when absent. */
  sample(series: string): Promise<number | undefined>;
  ready(): Promise<boolean>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export async function startServeProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const proc = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'storyctl.js'), 'serve', '--metrics-addr', '127.0.0.1:0', ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    },
  );
  const lines: LogLine[] = [];
  const other: string[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (chunk: string) => {
    buffered += chunk;
    let i: number;
    while ((i = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      try {
        lines.push(JSON.parse(text) as LogLine);
      } catch {
        other.push(text);
      }
    }
    for (const w of waiters) w();
  });
  proc.on('exit', (code, signal) => {
    exited = { code, signal };
    for (const w of waiters) w();
  });

  const waitFor = (pred: (l: LogLine) => boolean, timeoutMs = 20_000, what = 'log line'): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = lines.find(pred);
        if (hit) {
          waiters.delete(onChange);
          clearTimeout(timer);
          resolve(hit);
          return true;
        }
        if (exited) {
          waiters.delete(onChange);
          clearTimeout(timer);
          reject(
            new Error(
              `serve exited (${JSON.stringify(exited)}) before ${what}: ${[...other, ...lines.map((l) => JSON.stringify(l))].slice(-15).join('\n')}`,
            ),
          );
          return true;
        }
        return false;
      };
      const onChange = (): void => void check();
      const timer = setTimeout(() => {
        waiters.delete(onChange);
        reject(
          new Error(
            `no ${what} within ${timeoutMs} ms; log:\n${lines
              .map((l) => JSON.stringify(l))
              .slice(-20)
              .join('\n')}\n${other.join('\n')}`,
          ),
        );
      }, timeoutMs);
      if (!check()) waiters.add(onChange);
    });

  const started = await waitFor((l) => l.msg === 'serve started', 20_000, 'start');
  const url = String(started['metrics']).replace(/\/metrics$/, '');
  const metrics = async (): Promise<string> => (await fetch(`${url}/metrics`)).text();
  return {
    proc,
    url,
    identity: String(started['identity']),
    lines,
    other,
    waitFor,
    metrics,
    async sample(series) {
      const text = await metrics();
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    },
    async ready() {
      return (await fetch(`${url}/readyz`)).status === 200;
    },
    stop(signal = 'SIGTERM') {
      const t0 = Date.now();
      return new Promise((resolve) => {
        if (exited) {
          resolve({ ...exited, ms: 0 });
          return;
        }
        proc.once('exit', (code, sig) => resolve({ code, signal: sig, ms: Date.now() - t0 }));
        proc.kill(signal);
      });
    },
  };
}

/** Poll `fn` until it returns something defined, or fail after `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
