// One parsed log record (LOG-FORMATS.md): plain data handed from src/logs to the log rules.

/**
 * How a record was written: the name of a format in the reader's registry (src/logs/formats/),
 * e.g. `zap`, `pino`, `pino-pretty`, `python-json`, `python-text`, `ductor`. Rules ask the family.
 */
export type LogFormat = string;

/** Which program wrote a record, whatever its format: what the log rules select on. */
export type LogFamily = 'livekit-js' | 'livekit-python' | 'bobrapet' | 'ductor';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Ductor's `[agent:op:chat:sid8] ` message context (or `[main] ` at startup). */
export interface DuctorContext {
  agent: string;
  op?: string;
  chat?: string;
  session?: string;
}

export interface LogEvent {
  format: LogFormat;
  family: LogFamily;
  /** The input the record came from, as the user named it (or a file found under it). */
  file: string;
  /** 1-based line of the record's first line. */
  line: number;
  /** Epoch milliseconds, when the record carries a time. */
  time?: number;
  level: LogLevel;
  message: string;
  /** Correlation keys (RULES.md): JS hostname+pid, Python job id else pid. */
  pid?: number;
  hostname?: string;
  jobId?: string;
  ductor?: DuctorContext;
  /** Everything else the record carried (JSON keys, pino-pretty `key: value` lines, Python extras). */
  fields: Record<string, unknown>;
}

/** Numeric pino levels and the string spellings of zap, Python and Ductor. */
export function normalizeLevel(level: unknown): LogLevel {
  if (typeof level === 'number') {
    if (level >= 60) return 'fatal';
    if (level >= 50) return 'error';
    if (level >= 40) return 'warn';
    if (level >= 30) return 'info';
    if (level >= 20) return 'debug';
    return 'trace';
  }
  if (typeof level === 'string') {
    const l = level.toLowerCase();
    if (l === 'warning' || l === 'warn') return 'warn';
    if (l === 'error' || l === 'err' || l === 'dpanic') return 'error';
    if (l === 'fatal' || l === 'critical' || l === 'panic') return 'fatal';
    if (l === 'debug') return 'debug';
    if (l === 'trace') return 'trace';
    if (/^\d+$/.test(l)) return normalizeLevel(Number(l));
  }
  return 'info';
}

/** Epoch ms from epoch ms, epoch seconds (float) or an ISO / RFC3339 string. */
export function normalizeTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Epoch seconds are ~1.7e9 today; epoch ms ~1.7e12. Anything under 1e11 is seconds.
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value === 'string' && value.length > 0) {
    if (/^\d+(\.\d+)?$/.test(value)) return normalizeTime(Number(value));
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}
