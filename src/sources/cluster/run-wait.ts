// `finish --wait`: after asking the controller to stop a run, read it until the controller has made
// it terminal (or the time is up). Polling one object every couple of seconds is cheaper to reason
// about than a watch for a handful of runs, and survives a dropped connection by construction.
import { isTerminal } from '../../contract/phases.js';
import { readRun, type RunAndSteps, type RunReader } from './run-reads.js';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

export type WaitOutcome =
  | { state: 'terminal'; current: RunAndSteps }
  | { state: 'timeout'; current: RunAndSteps }
  | { state: 'gone' }
  | { state: 'interrupted'; current: RunAndSteps | undefined };

export async function waitForTerminal(
  client: RunReader,
  namespace: string,
  name: string,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 2000;
  let current: RunAndSteps | undefined;
  for (;;) {
    current = await readRun(client, namespace, name);
    if (!current) return { state: 'gone' };
    if (isTerminal(current.run.status?.phase)) return { state: 'terminal', current };
    if (options.signal?.aborted) return { state: 'interrupted', current };
    const left = deadline - Date.now();
    if (left <= 0) return { state: 'timeout', current };
    await sleep(Math.min(interval, left), options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
