// livekit-agents' Python formatters, followed line by line (research note livekit-agents-python.md):
// - JsonFormatter: `cli/cli.py` (1.3.1–1.3.6: level, name, message, ...) and `cli/log.py` (1.3.7+: message,
//   level, name, [exc_info], extras in record order, timestamp); json.dumps(ensure_ascii=False) with the
//   default separators `, ` and `: `; timestamp = datetime.fromtimestamp(created, tz=utc).isoformat().
// - ColoredFormatter (`cli/log.py`, used by 1.6 `dev` / `start --log-format colored`, and the compact
//   variant of `--simulation`): the format strings below, SGR escapes written whatever the output.
// - Records forwarded from a job process (`ipc/log_queue.py`): the job side formats the message with the
//   stdlib default formatter (so a traceback becomes part of the message) and, from 1.3.7, keeps exc_text;
//   the worker side adds `pid`, `job_id`, `room_id` (<= 1.5.x) or `room` (1.6) with setattr on arrival.

/** A Python float, printed with its `.0` (json.dumps(60.0) is `60.0`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue = string | number | boolean | null | PyFloat | PyValue[] | { [k: string]: PyValue };

export function pyJson(v: PyValue): string {
  if (v instanceof PyFloat) return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v);
}

export type PyLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'DEV' | 'WARNING' | 'ERROR' | 'CRITICAL';
const LEVELNO: Record<PyLevel, number> = {
  TRACE: 5,
  DEBUG: 10,
  INFO: 20,
  DEV: 23,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
};

export interface PyRecord {
  /** record.created in microseconds since the epoch. */
  createdUs: number;
  level: PyLevel;
  name: string;
  /** record.getMessage() on the worker side (a forwarded record's already holds its traceback). */
  message: string;
  /** Extras in record.__dict__ order (the call's extra, then what the listener set). */
  extras: [string, PyValue][];
  /** exc_info formatted (worker-local exception) or the forwarded exc_text. */
  excText?: string;
}

export type PyJsonLayout = 'cli.py' | 'log.py';

export function enabled(level: PyLevel, threshold: PyLevel): boolean {
  return LEVELNO[level] >= LEVELNO[threshold];
}

/** datetime.isoformat(): microseconds omitted when they are 0. */
function isoUtc(us: number): string {
  const ms = Math.floor(us / 1000);
  const micro = us % 1_000_000;
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}${micro === 0 ? '' : `.${String(micro).padStart(6, '0')}`}+00:00`;
}

export function jsonLine(r: PyRecord, layout: PyJsonLayout): string {
  const head: [string, PyValue][] =
    layout === 'log.py'
      ? [
          ['message', r.message],
          ['level', r.level],
          ['name', r.name],
        ]
      : [
          ['level', r.level],
          ['name', r.name],
          ['message', r.message],
        ];
  if (r.excText !== undefined) head.push(['exc_info', r.excText]);
  const obj: { [k: string]: PyValue } = {};
  for (const [k, v] of [...head, ...r.extras]) obj[k] = v; // an extra named like a head key keeps its place
  obj.timestamp = isoUtc(r.createdUs);
  return pyJson(obj);
}

const ESC = (...codes: number[]): string => `\x1b[${codes.join(';')}m`;
const LEVEL_COLOR: Partial<Record<PyLevel, string>> = {
  DEBUG: ESC(36),
  INFO: ESC(32),
  WARNING: ESC(33),
  ERROR: ESC(31),
  CRITICAL: ESC(1, 31),
  DEV: ESC(35),
};

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** time.strftime in local time (the generator pins TZ=UTC). */
function localParts(ms: number): { date: string; time: string } {
  const d = new Date(ms);
  return {
    date: `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`,
    time: `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`,
  };
}

export type PyColoredVariant = 'dev' | 'compact';

/**
 * dev:     "%(asctime)s - %(esc_levelcolor)s%(levelname)-4s%(esc_reset)s %(name)s - %(message)s %(esc_gray)s%(extra)s"
 * compact: "%(asctime)s %(esc_levelcolor)s%(levelname)-4s%(esc_reset)s %(name)s %(message)s %(esc_gray)s%(extra)s" (datefmt %H:%M:%S)
 * formatMessage appends esc_reset; Formatter.format then adds "\n" + exc_text.
 */
export function coloredLine(r: PyRecord, variant: PyColoredVariant): string {
  const ms = Math.floor(r.createdUs / 1000);
  const { date, time } = localParts(ms);
  const asctime = variant === 'dev' ? `${date} ${time},${String(ms % 1000).padStart(3, '0')}` : time;
  const extra = r.extras.length > 0 ? pyJson(Object.fromEntries(r.extras)) : '';
  const color = LEVEL_COLOR[r.level] ?? '';
  const level = r.level.padEnd(4);
  const sep = variant === 'dev' ? ' - ' : ' ';
  let s = `${asctime}${sep}${color}${level}${ESC(0)} ${r.name}${sep}${r.message} ${ESC(90)}${extra}${ESC(0)}`;
  if (r.excText !== undefined) s += `\n${r.excText}`;
  return s;
}
