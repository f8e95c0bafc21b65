// The API request attempt in progress, for code that client-node runs inside a request without
// handing it our options (the credential plugin): its abort signal, so that work ends with the
// attempt, and a place to say what the attempt is waiting for, so a timeout can name it.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Attempt {
  signal: AbortSignal;
  /** Set while the attempt waits on something other than the server ("the credential plugin …"). */
  waitingFor: string | undefined;
}

export const currentAttempt = new AsyncLocalStorage<Attempt>();
