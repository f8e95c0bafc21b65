// Shared matchers and correlation keys for the log rules (LOG-FORMATS.md section 4, RULES.md).
import type { LogEvent } from '../../model/log-event.js';
import type { Location, Subject } from '../../model/report.js';

export const FORCED_CLOSE = 'closing agent session due to participant disconnect';
export const CLOSE_DONE_JS = 'AgentSession closed';
export const CLOSE_DONE_PY = 'session closed';
export const PROCESS_EXITING = 'process exiting';
export const STT_ERROR_JS = 'Received error from LiveKit STT';
export const STT_ERROR_PY = 'LiveKit Inference STT returned error';
export const STT_RETRY = 'failed to recognize speech';
export const CLOSE_TIMEOUT_JS = 'AgentSession.close() timed out';
export const CLOSE_TIMEOUT_PY = 'AgentSession.aclose() timed out';
export const INACTIVITY = 'session closed due to agent inactivity';
/** Default STT connect options: maxRetry 3. */
export const STT_MAX_RETRY = 3;

export interface ProcessRef {
  key: string;
  subject: Subject;
}

/** JS: hostname+pid; Python: job id, else pid (per file, pids repeat across pods). */
export function agentProcess(ev: LogEvent): ProcessRef | undefined {
  if (ev.family === 'livekit-js') {
    if (ev.pid === undefined)
      return { key: `js:${ev.file}`, subject: { kind: 'AgentProcess', name: ev.file } };
    const name = ev.hostname !== undefined ? `${ev.hostname}/${ev.pid}` : String(ev.pid);
    return { key: `js:${name}`, subject: { kind: 'AgentProcess', name } };
  }
  if (ev.family === 'livekit-python') {
    if (ev.jobId !== undefined)
      return { key: `py:job:${ev.jobId}`, subject: { kind: 'AgentProcess', name: ev.jobId } };
    if (ev.pid !== undefined)
      return { key: `py:pid:${ev.file}:${ev.pid}`, subject: { kind: 'AgentProcess', name: `pid ${ev.pid}` } };
    return { key: `py:${ev.file}`, subject: { kind: 'AgentProcess', name: ev.file } };
  }
  return undefined;
}

export function locationOf(ev: LogEvent): Location {
  return { file: ev.file, line: ev.line };
}

export function iso(t: number | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString();
}

export function isForcedClose(ev: LogEvent): boolean {
  return ev.message.startsWith(FORCED_CLOSE);
}

export function isCloseDone(ev: LogEvent): boolean {
  if (ev.family === 'livekit-js') return ev.message.startsWith(CLOSE_DONE_JS);
  return (
    ev.message === CLOSE_DONE_PY ||
    ev.message.startsWith(PROCESS_EXITING) ||
    ev.message.startsWith(CLOSE_DONE_JS)
  );
}

export function isCloseTimeout(ev: LogEvent): boolean {
  return ev.message.startsWith(CLOSE_TIMEOUT_JS) || ev.message.startsWith(CLOSE_TIMEOUT_PY);
}

/** An STT error frame: the JS error line, or the Python retry warning that carries it. */
export function isSttError(ev: LogEvent): boolean {
  return (
    ev.message.startsWith(STT_ERROR_JS) ||
    (ev.family === 'livekit-python' && ev.message.startsWith(STT_RETRY))
  );
}

export function isSttRetry(ev: LogEvent): boolean {
  return ev.message.startsWith(STT_RETRY);
}

/** The retry attempt, 1-based (JS logs 1..3, Python 0..2). */
export function retryAttempt(ev: LogEvent): number | undefined {
  const a = ev.fields.attempt;
  const n = typeof a === 'number' ? a : typeof a === 'string' && /^\d+$/.test(a) ? Number(a) : undefined;
  if (n === undefined) return undefined;
  return ev.family === 'livekit-python' ? n + 1 : n;
}

/** The orphan's tell: code 2007 / `session closed due to agent inactivity`, anywhere in the payload. */
export function is2007(ev: LogEvent): boolean {
  if (!isSttError(ev) && !(ev.family === 'livekit-python' && ev.message.includes(STT_ERROR_PY))) return false;
  if (ev.message.includes(INACTIVITY) || /\b(status_code|code)\s*[=:]\s*"?2007\b/.test(ev.message))
    return true;
  const text = JSON.stringify(ev.fields);
  return (
    text.includes(INACTIVITY) ||
    /"(code|status_code|statusCode)":"?2007\b/.test(text) ||
    /\b(status_code|code)=2007\b/.test(text)
  );
}

/** `2m0s`-like text for a number of seconds, for messages. */
export function humanSeconds(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function windowReason(
  what: string,
  windowSeconds: number,
  openedAt: number | undefined,
  lastTime: number | undefined,
): string {
  const left =
    openedAt !== undefined && lastTime !== undefined
      ? Math.max(0, Math.round((openedAt + windowSeconds * 1000 - lastTime) / 1000))
      : undefined;
  return `${what} at ${iso(openedAt) ?? 'an unknown time'}; the capture ends ${left !== undefined ? `${left} s` : ''} before the ${humanSeconds(windowSeconds)} window closes`.replace(
    'ends  before',
    'ends before',
  );
}
