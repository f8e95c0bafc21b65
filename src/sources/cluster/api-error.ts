// What a failed request means for a scan: retry it, give up on the server, or hand the HTTP status
// to the caller (403 / 404 / 410 are decisions about one list, not about the connection).
import { ApiException } from '@kubernetes/client-node';

export type Failure =
  | { type: 'status'; code: number; retryAfterMs: number | undefined; message: string }
  | { type: 'network'; message: string }
  | { type: 'tls'; message: string }
  | { type: 'other'; message: string };

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

export function classify(error: unknown): Failure {
  if (error instanceof ApiException) {
    const code = typeof error.code === 'number' ? error.code : Number(error.code);
    return {
      type: 'status',
      code,
      retryAfterMs: retryAfter(error.headers),
      message: statusMessage(error.body) ?? `HTTP ${code}`,
    };
  }
  if (error instanceof Error) {
    const code = errorCode(error);
    // node-fetch reports our own per-attempt timeout as an AbortError.
    if (error.name === 'AbortError')
      return { type: 'network', message: 'no answer before the request timeout' };
    if (code && (NETWORK_CODES.has(code) || code.startsWith('ECONN')))
      return { type: 'network', message: shortMessage(error) };
    if (
      code &&
      (code.includes('CERT') ||
        code.startsWith('ERR_TLS') ||
        // A client certificate or key that is not PEM (or does not match) fails in OpenSSL.
        code.startsWith('ERR_OSSL') ||
        code.includes('SELF_SIGNED') ||
        code.includes('UNABLE_TO'))
    ) {
      return { type: 'tls', message: shortMessage(error) };
    }
    if ((error as { type?: unknown }).type === 'system')
      return { type: 'network', message: shortMessage(error) };
    return { type: 'other', message: error.message };
  }
  return { type: 'other', message: String(error) };
}

/** Retry-After in ms: the apiserver sends delta-seconds; an HTTP date is accepted too. */
export function retryAfter(headers: unknown): number | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const raw = (headers as Record<string, unknown>)['retry-after'];
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return body.trim() || undefined;
    }
  }
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    return (value as { message: string }).message;
  }
  return undefined;
}

function errorCode(error: Error): string | undefined {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return errorCode(cause);
  return undefined;
}

function shortMessage(error: Error): string {
  // node-fetch: "request to https://… failed, reason: connect ECONNREFUSED 127.0.0.1:1"; keep the reason.
  const m = /reason: (.*)$/.exec(error.message);
  return m?.[1] ?? error.message;
}
