// A single-line progress indicator on stderr, only where a person is watching (see showProgress:
// a stderr TTY, not CI, not --quiet). Disabled, it writes nothing at all, so stdout and stderr of
// `-o json` in a pipe or in CI stay exactly as without it. The line is redrawn in place, at most a
// few times a second, and cut to the terminal width so it never wraps (a wrapped line cannot be
// erased with a carriage return).
import type { CliIO } from './io.js';

export interface Progress {
  /** Free text, shown as is. */
  update(text: string): void;
  /** Objects listed so far for one kind (cumulative): `listing storyruns 1,500 · stepruns 4,500 · 2,000/s`. */
  objects(kind: string, listed: number): void;
  /** Bytes read so far, of `total` when known: `reading logs 12.0 of 48.0 MiB (25%) · 30.0 MiB/s · 2s left`. */
  bytes(read: number, total?: number): void;
  /** Erase the line (call it before anything else is written). */
  done(): void;
}

export interface ProgressOptions {
  /** Clock in ms (tests). */
  now?: () => number;
  /** Minimum time between redraws (default 100 ms). */
  intervalMs?: number;
}

const NOOP: Progress = {
  update: () => undefined,
  objects: () => undefined,
  bytes: () => undefined,
  done: () => undefined,
};

export function createProgress(io: CliIO, enabled: boolean, options: ProgressOptions = {}): Progress {
  if (!enabled) return NOOP;
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 100;
  const started = now();
  const counts = new Map<string, number>();
  let shown = false;
  let last = -Infinity;
  const draw = (text: string, force = false): void => {
    const t = now();
    if (!force && t - last < interval) return;
    last = t;
    shown = true;
    const width = (io.stderr as { columns?: number }).columns ?? 80;
    io.stderr.write(`\r\x1b[2K${fit(text, width - 1)}`);
  };
  return {
    update: (text) => draw(text),
    objects(kind, listed) {
      const first = !counts.has(kind);
      counts.set(kind, listed);
      // A new kind is worth drawing at once; more of the same can wait for the next frame.
      draw(formatObjects(counts, now() - started), first);
    },
    bytes: (read, total) => draw(formatBytes(read, total, now() - started)),
    done() {
      if (shown) io.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** `listing storyruns 1,500 · stepruns 4,500 · 2,000 objects/s` */
export function formatObjects(counts: ReadonlyMap<string, number>, elapsedMs: number): string {
  const parts = [...counts].map(([kind, n]) => `${kind} ${n.toLocaleString('en-US')}`);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const rate =
    elapsedMs >= 500 ? ` · ${Math.round((total * 1000) / elapsedMs).toLocaleString('en-US')} objects/s` : '';
  return `listing ${parts.join(' · ')}${rate}`;
}

/** `reading logs 12.0 of 48.0 MiB (25%) · 30.0 MiB/s · 2s left` */
export function formatBytes(read: number, total: number | undefined, elapsedMs: number): string {
  const mib = (b: number): string => (b / 1048576).toFixed(1);
  const rate = elapsedMs >= 500 ? read / (elapsedMs / 1000) : undefined;
  let text = total
    ? `reading logs ${mib(read)} of ${mib(total)} MiB (${Math.min(100, Math.floor((read / total) * 100))}%)`
    : `reading logs ${mib(read)} MiB`;
  if (rate !== undefined && rate > 0) {
    text += ` · ${mib(rate)} MiB/s`;
    if (total && total > read) text += ` · ${Math.ceil((total - read) / rate)}s left`;
  }
  return text;
}

function fit(text: string, width: number): string {
  if (width <= 1 || text.length <= width) return text;
  return `${text.slice(0, width - 1)}…`;
}
