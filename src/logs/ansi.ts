// Terminal escapes in captured logs (LOG-FORMATS.md section 0): pino-pretty's `colorize: true`,
// Python's ColoredFormatter, Ductor's console on a TTY and stern all write SGR codes into files and
// pipes. The reader removes them once, from each line it decodes, before any prefix or format sees it.

// CSI sequences (`ESC [ params intermediates final`, SGR among them) and two-byte `ESC x` escapes.
// eslint-disable-next-line no-control-regex -- matching the escape byte is the point
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])/g;

/** The line without terminal escapes; lines without an ESC byte (nearly all) are returned as they are. */
export function stripAnsi(line: string): string {
  return line.indexOf('\x1b') === -1 ? line : line.replace(ESCAPES, '');
}
