// Ctrl-C during a batch of writes (finish, prune): the first stops after the run in hand, so no
// run is left half-written; a second means now. Every write is idempotent, so the next run of the
// same command resumes where this one stopped.
import { exitInterrupted } from '../exit.js';
import type { CliIO } from '../io.js';

export async function untilInterrupted<T>(io: CliIO, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      io.stderr.write('storyctl: stopped; run the same command again to resume\n');
      exitInterrupted();
    }
    io.stderr.write('storyctl: stopping after the run in hand (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
