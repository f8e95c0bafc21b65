// Every API request of a command goes through here: bounded retries with exponential backoff and
// jitter for 429 / 5xx / network failures (honouring Retry-After), all inside one budget — the
// command's `--request-timeout` (budget.ts). Each attempt is cut off when the budget is spent,
// whatever it is waiting on: the server, a body that never ends, the kubeconfig's credential plugin
// (attempt.ts). A wait the budget cannot afford is not started: the call fails at once, saying
// why. A 2xx answer that is not what was asked for (answer-check.ts) is an error naming the server,
// never read as an empty result.
import {
  IsomorphicFetchHttpLibrary,
  ResponseContext,
  wrapHttpLibrary,
  type ConfigurationOptions,
  type HttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';
import { StoryctlError } from '../../model/errors.js';
import { answerProblem } from './answer-check.js';
import { classify, type Failure } from './api-error.js';
import { currentAttempt, type Attempt } from './attempt.js';
import { Budget } from './budget.js';

export interface CallPolicy {
  /** Upper bound for one attempt (the budget usually cuts it first). */
  attemptTimeoutMs: number;
  /** All the API time of this caller: attempts and the waits between them. */
  budgetMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound for an honoured Retry-After. */
  maxRetryAfterMs: number;
}

/** Kept out of the budget for process exit, so `--request-timeout 15` means the whole command. */
const EXIT_MARGIN_MS = 750;

/** `timeoutSeconds` 0 is kubectl's "no timeout": no per-attempt timeout and no budget at all. */
export function defaultPolicy(timeoutSeconds = 15): CallPolicy {
  const ms = timeoutSeconds === 0 ? Infinity : Math.max(1, timeoutSeconds) * 1000;
  return {
    attemptTimeoutMs: ms,
    budgetMs: Number.isFinite(ms) ? Math.max(500, ms - EXIT_MARGIN_MS) : Infinity,
    maxAttempts: 5,
    baseDelayMs: 200,
    maxDelayMs: 5000,
    maxRetryAfterMs: 30_000,
  };
}

/** Told about every retry, for progress output and tests. */
export interface RetryEvent {
  what: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

/** An HTTP status the caller must decide about (403, 404, 410, 400, …). */
export class HttpStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** A 2xx answer that is not what the request asked for (answer-check.ts). */
class BadAnswer extends Error {}

/** The attempt ran out of budget (raised by us, whatever the attempt was waiting on). */
class OutOfTime extends Error {}

export class ApiCaller {
  private readonly budget: Budget;
  private readonly http: HttpLibrary = new IsomorphicFetchHttpLibrary();

  constructor(
    readonly server: string,
    private readonly policy: CallPolicy,
    private readonly describeTarget: string = server,
    private readonly onRetry?: (event: RetryEvent) => void,
    /** When the budget started (the CLI passes its process start); default: at the first call. */
    startedAt?: number,
  ) {
    this.budget = new Budget(policy.budgetMs, startedAt);
  }

  /**
   * Run `fn` (one client-node call) with retries. `fn` receives the per-call options to pass as
   * the last argument: they carry the abort signal of this attempt and check its answer.
   */
  async call<T>(what: string, fn: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    this.budget.enter();
    try {
      return await this.attempts(what, fn);
    } finally {
      this.budget.leave();
    }
  }

  private async attempts<T>(what: string, fn: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    let last: Failure | undefined;
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      const left = this.budget.leftMs();
      if (left <= 0) throw this.outOfTime(what, last);
      const controller = new AbortController();
      const cutOff = Math.min(this.policy.attemptTimeoutMs, left);
      // No timeout at all (`--request-timeout 0`) sets no timer: timers cannot wait for ever.
      const timer = Number.isFinite(cutOff)
        ? setTimeout(() => controller.abort(new OutOfTime()), Math.ceil(cutOff))
        : undefined;
      const state: Attempt = { signal: controller.signal, waitingFor: undefined };
      try {
        const result = await currentAttempt.run(state, () =>
          untilAborted(fn(this.options(controller.signal)), controller.signal),
        );
        return result;
      } catch (error) {
        if (error instanceof BadAnswer) {
          throw new StoryctlError(
            'unreachable',
            `the API server ${this.server} (${this.describeTarget}) answered ${what} with ${error.message}: is a proxy or gateway in the way?`,
          );
        }
        if (controller.signal.aborted && state.waitingFor !== undefined) {
          throw new StoryctlError(
            'config',
            `${state.waitingFor} did not finish within ${this.seconds()} s (the request timeout)`,
          );
        }
        const failure = controller.signal.aborted ? timedOut() : classify(error);
        last = failure;
        if (failure.type === 'status') {
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
            `TLS to the API server ${this.server} failed: ${failure.message} (check the kubeconfig's certificate-authority and client certificate)`,
          );
        } else if (failure.type === 'other') {
          throw error;
        }
        if (attempt === this.policy.maxAttempts) break;
        const delay = this.delay(attempt, failure);
        const leftNow = this.budget.leftMs();
        if (delay >= leftNow) {
          if (failure.type === 'status' && failure.retryAfterMs !== undefined)
            throw this.retryAfterTooLong(what, failure, failure.retryAfterMs, leftNow);
          throw this.outOfTime(what, last);
        }
        const reason =
          failure.type === 'status' ? `HTTP ${failure.code}: ${failure.message}` : failure.message;
        this.onRetry?.({ what, attempt, delayMs: Math.round(delay), reason });
        await sleep(delay);
      } finally {
        clearTimeout(timer);
      }
    }
    if (last?.type === 'status') {
      throw new StoryctlError(
        'unreachable',
        `the API server ${this.server} kept failing to ${what}: ${last.message} (HTTP ${last.code}, ${this.policy.maxAttempts} attempts)`,
      );
    }
    throw this.outOfTime(what, last);
  }

  /** The per-call options: this attempt's signal on the request, and a check of a 2xx answer. */
  private options(signal: AbortSignal): ConfigurationOptions {
    const http = this.http;
    return {
      httpApi: wrapHttpLibrary({
        async send(request: RequestContext): Promise<ResponseContext> {
          request.setSignal(signal);
          const response = await http.send(request).toPromise();
          if (response.httpStatusCode < 200 || response.httpStatusCode >= 300) return response;
          const body = await response.body.text();
          const problem = answerProblem({
            method: request.getHttpMethod().toString(),
            url: request.getUrl(),
            contentType: response.headers['content-type'],
            body,
          });
          if (problem !== undefined) throw new BadAnswer(problem);
          // The body was read to check it: hand client-node the text it would have read.
          return new ResponseContext(response.httpStatusCode, response.headers, {
            text: () => Promise.resolve(body),
            binary: () => Promise.resolve(Buffer.from(body)),
          });
        },
      }),
    };
  }

  private delay(attempt: number, failure: Failure): number {
    if (failure.type === 'status' && failure.retryAfterMs !== undefined) {
      // Honour the server's own pacing; a little jitter keeps parallel lists from retrying in lockstep.
      return Math.min(failure.retryAfterMs, this.policy.maxRetryAfterMs) + Math.random() * 100;
    }
    const exp = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return exp / 2 + Math.random() * (exp / 2);
  }

  private seconds(): string {
    return (this.budget.usedMs() / 1000).toFixed(1);
  }

  private outOfTime(what: string, last: Failure | undefined): StoryctlError {
    // Our own timeout needs no second mention.
    const why = last && last.message !== timedOut().message ? `: ${last.message}` : '';
    return new StoryctlError(
      'unreachable',
      `the API server ${this.server} (${this.describeTarget}) did not answer ${what} within ${this.seconds()} s (the request timeout, for the whole command)${why}`,
    );
  }

  private retryAfterTooLong(
    what: string,
    failure: Failure & { type: 'status' },
    retryAfterMs: number,
    leftMs: number,
  ): StoryctlError {
    const asked = Math.round(retryAfterMs / 100) / 10;
    const left = (Math.max(0, leftMs) / 1000).toFixed(1);
    const said = failure.message === `HTTP ${failure.code}` ? '' : ` (${failure.message})`;
    return new StoryctlError(
      'unreachable',
      `the API server ${this.server} (${this.describeTarget}) answered ${what} with HTTP ${failure.code}${said} and Retry-After ${asked} s, more than the ${left} s left of the request timeout`,
    );
  }
}

function timedOut(): Failure {
  return { type: 'network', message: 'no answer before the request timeout' };
}

/** `work`, or a rejection as soon as `signal` aborts, whether or not `work` listens to it. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new OutOfTime());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new OutOfTime());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
