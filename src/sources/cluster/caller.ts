// Every API request of a scan goes through here: a timeout per attempt, bounded retries with
// exponential backoff and jitter for 429 / 5xx / network failures (honouring Retry-After), and one
// deadline for the first answer. Until the server has answered once, all attempts share the
// `contactBudgetMs` budget, so a server that never answers fails the scan within that time
// whatever the retry count; after it has answered, slow pages are retried on their own timeouts.
import {
  IsomorphicFetchHttpLibrary,
  type ConfigurationOptions,
  type HttpLibrary,
} from '@kubernetes/client-node';
import { StoryctlError } from '../../model/errors.js';
import { classify, type Failure } from './api-error.js';

export interface CallPolicy {
  /** Per-attempt timeout once the server has answered. */
  attemptTimeoutMs: number;
  /** Total time allowed before the first answer of any request. */
  contactBudgetMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound for an honoured Retry-After. */
  maxRetryAfterMs: number;
}

/** Kept out of the first-answer budget for process start-up and exit, so `--request-timeout 15` means the whole command. */
const STARTUP_MARGIN_MS = 750;

/** `timeoutSeconds` 0 is kubectl's "no timeout": no per-attempt timeout and no first-answer budget. */
export function defaultPolicy(timeoutSeconds = 15): CallPolicy {
  const ms = timeoutSeconds === 0 ? Infinity : Math.max(1, timeoutSeconds) * 1000;
  return {
    attemptTimeoutMs: ms,
    contactBudgetMs: Math.max(500, ms - STARTUP_MARGIN_MS),
    maxAttempts: 5,
    baseDelayMs: 200,
    maxDelayMs: 5000,
    maxRetryAfterMs: 30_000,
  };
}

/** An HTTP status the caller must decide about (403, 404, 410, 400, …). */
/** Told about every retry, for progress output and tests. */
export interface RetryEvent {
  what: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export class HttpStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

export class ApiCaller {
  private contacted = false;
  private readonly started: number;
  private readonly http: HttpLibrary = new IsomorphicFetchHttpLibrary();

  constructor(
    readonly server: string,
    private readonly policy: CallPolicy,
    private readonly describeTarget: string = server,
    private readonly onRetry?: (event: RetryEvent) => void,
    /** When the first-answer budget started (the CLI passes its process start); default now. */
    startedAt: number = Date.now(),
  ) {
    // Whole milliseconds: timers reject fractional delays (performance.timeOrigin has a fraction).
    this.started = Math.floor(startedAt);
  }

  /**
   * Run `fn` (one client-node call) with retries. `fn` receives the per-call options to pass as
   * the last argument: they carry the abort signal of this attempt.
   */
  async call<T>(what: string, fn: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    let last: Failure | undefined;
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      const timeout = this.attemptTimeout();
      if (timeout <= 0) throw this.unreachable(last);
      // No timeout at all (`--request-timeout 0`) is no signal: timers cannot wait forever.
      const signal = Number.isFinite(timeout) ? AbortSignal.timeout(Math.ceil(timeout)) : undefined;
      const http = this.http;
      const options: ConfigurationOptions = {
        httpApi: {
          send(request) {
            if (signal) request.setSignal(signal);
            return http.send(request);
          },
        },
      };
      try {
        const result = await fn(options);
        this.contacted = true;
        return result;
      } catch (error) {
        const failure = classify(error);
        last = failure;
        if (failure.type === 'status') {
          this.contacted = true;
          if (failure.code === 401) {
            throw new StoryctlError(
              'config',
              `the API server ${this.server} rejected the credentials of ${this.describeTarget} (401 Unauthorized): log in again or check the kubeconfig`,
            );
          }
          if (failure.code !== 429 && failure.code < 500)
            throw new HttpStatusError(failure.code, failure.message);
        } else if (failure.type === 'tls') {
          throw new StoryctlError(
            'config',
            `TLS to the API server ${this.server} failed: ${failure.message} (check the kubeconfig's certificate-authority)`,
          );
        } else if (failure.type === 'other') {
          throw error;
        }
        if (attempt === this.policy.maxAttempts) break;
        const delay = this.delay(attempt, failure);
        if (!this.contacted && Date.now() + delay - this.started >= this.policy.contactBudgetMs)
          throw this.unreachable(last);
        const reason =
          failure.type === 'status' ? `HTTP ${failure.code}: ${failure.message}` : failure.message;
        this.onRetry?.({ what, attempt, delayMs: Math.round(delay), reason });
        await sleep(delay);
      }
    }
    if (last?.type === 'status') {
      throw new StoryctlError(
        'unreachable',
        `the API server ${this.server} kept failing to ${what}: ${last.message} (HTTP ${last.code}, ${this.policy.maxAttempts} attempts)`,
      );
    }
    throw this.unreachable(last);
  }

  private attemptTimeout(): number {
    if (this.contacted) return this.policy.attemptTimeoutMs;
    return Math.min(this.policy.attemptTimeoutMs, this.policy.contactBudgetMs - (Date.now() - this.started));
  }

  private delay(attempt: number, failure: Failure): number {
    if (failure.type === 'status' && failure.retryAfterMs !== undefined) {
      // Honour the server's own pacing; a little jitter keeps parallel lists from retrying in lockstep.
      return Math.min(failure.retryAfterMs, this.policy.maxRetryAfterMs) + Math.random() * 100;
    }
    const exp = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return exp / 2 + Math.random() * (exp / 2);
  }

  private unreachable(last: Failure | undefined): StoryctlError {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const why = last ? `: ${last.message}` : '';
    const phase = this.contacted ? 'stopped answering' : 'did not answer';
    return new StoryctlError(
      'unreachable',
      `the API server ${this.server} (${this.describeTarget}) ${phase} within ${seconds} s${why}`,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
