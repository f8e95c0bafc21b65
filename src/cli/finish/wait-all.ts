// `finish --wait`: after the cancel requests, poll each run until the controller has finished it,
// then say whether doctor still reports it (the request worked; a leftover is a finding, exit 1).
import type { RepairClient } from '../../repair/client.js';
import type { RunResult } from '../../repair/result.js';
import { blockingFindings, findingsForRun } from '../../repair/verify.js';
import { waitForTerminal, type WaitOutcome } from '../../sources/cluster/run-wait.js';
import { describeError } from '../exit.js';

export interface WaitAllOptions {
  /** Seconds for all runs together. */
  waitSeconds: number;
  stopBudgetSeconds: number;
  clock: () => number;
  signal: AbortSignal;
}

/** Updates `results` in place: the message, and `failed` or `remaining` where the wait says so. */
export async function waitAll(
  client: RepairClient,
  results: RunResult[],
  options: WaitAllOptions,
): Promise<void> {
  const deadline = Date.now() + options.waitSeconds * 1000;
  for (const r of results) {
    if (r.outcome !== 'applied' && r.outcome !== 'no-op') continue;
    let waited: WaitOutcome;
    try {
      waited = await waitForTerminal(client, r.namespace, r.name, {
        timeoutMs: Math.max(0, deadline - Date.now()),
        signal: options.signal,
      });
    } catch (error) {
      // One run that cannot be read is that run's result; the others are still waited for.
      r.outcome = 'failed';
      r.message = `the cancel was requested, but reading the run while waiting failed: ${describeError(error)}`;
      continue;
    }
    if (waited.state === 'gone') {
      r.message = 'the StoryRun was deleted while waiting';
      continue;
    }
    if (waited.state !== 'terminal') {
      r.outcome = 'failed';
      r.message = `${waited.state === 'timeout' ? 'timed out' : 'interrupted'}: still ${waited.current?.run.status?.phase ?? 'unknown'} after waiting; the controller has not finished it (storyctl doctor shows why; --force-terminal writes the terminal state)`;
      continue;
    }
    const left = blockingFindings(
      findingsForRun({
        ...waited.current,
        now: options.clock(),
        stopBudgetSeconds: options.stopBudgetSeconds,
      }),
    );
    const phase = waited.current.run.status?.phase ?? '';
    if (left.length === 0) {
      r.message = `the controller finished it: ${phase}, consistent`;
    } else {
      // The request itself worked; what is left is a finding (exit 1), like doctor would report it.
      r.remaining = left.map((f) => ({ ruleId: f.ruleId, message: f.message }));
      r.message = `the controller finished it (${phase}) but doctor still reports ${[...new Set(left.map((f) => f.ruleId))].join(', ')}: run storyctl finish ${r.name} -n ${r.namespace} --force-terminal`;
    }
  }
}
