// Input warnings on stderr, whatever the output format (stdout carries only the report). Each is
// redacted like the report and made inert: a warning quotes a file name or a key, and either may
// carry a secret or a terminal escape.
import { describeWarning, type InputWarning } from '../model/input-warning.js';
import { redactString } from '../model/redact.js';
import { inertText } from '../report/escape.js';
import type { CliIO } from './io.js';

/** Past this many per input, the rest are counted: a hostile file must not flood the terminal. */
const SHOWN_PER_FILE = 20;

export function printInputWarnings(
  io: CliIO,
  warnings: readonly InputWarning[],
  options: { showPii: boolean },
): void {
  const shown = new Map<string, number>();
  for (const w of warnings) {
    const n = (shown.get(w.file) ?? 0) + 1;
    shown.set(w.file, n);
    if (n <= SHOWN_PER_FILE)
      io.stderr.write(`storyctl: warning: ${inertText(redactString(describeWarning(w), options))}\n`);
  }
  for (const [file, n] of shown) {
    if (n > SHOWN_PER_FILE)
      io.stderr.write(
        `storyctl: warning: ${inertText(redactString(file, options))}: ${n - SHOWN_PER_FILE} more warning(s) not shown\n`,
      );
  }
}
