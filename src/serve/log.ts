// serve's log: one JSON object per line on stderr, one line per state change (a watch that drops or
// comes back, a finding that appears or goes, the lease changing hands, a repair), never one per
// event or per evaluation, so `kubectl logs` stays readable and a log pipeline can parse every line.
import type { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function jsonLogger(out: Writable, clock: () => number = Date.now, base: LogFields = {}): Logger {
  const log = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    // time first and msg second, as most log viewers show them; fields never overwrite them.
    const line = { time: new Date(clock()).toISOString(), level, msg, ...base, ...fields };
    line.time = new Date(clock()).toISOString();
    line.level = level;
    line.msg = msg;
    out.write(`${JSON.stringify(line, errorReplacer)}\n`);
  };
  return {
    log,
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}

/** Errors as their message (JSON.stringify turns an Error into `{}`). */
function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

/** A logger that drops everything (unit tests that do not look at the log). */
export const silentLogger: Logger = {
  log: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
