// A single-line progress indicator on stderr, only where a person is watching (see showProgress).
import type { CliIO } from './io.js';

export interface Progress {
  update(text: string): void;
  done(): void;
}

export function createProgress(io: CliIO, enabled: boolean): Progress {
  if (!enabled) return { update: () => undefined, done: () => undefined };
  let shown = false;
  let last = 0;
  return {
    update(text: string) {
      const t = Date.now();
      if (t - last < 80) return; // redraw at most ~12 times a second
      last = t;
      shown = true;
      io.stderr.write(`\r\x1b[2K${text}`);
    },
    done() {
      if (shown) io.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
