// Error objects shaped like @livekit/agents' own (agents/src/_exceptions.ts, agents/src/worker.ts), so
// pino.stdSerializers.err gives what it gives upstream: `type` is the constructor name, own enumerable
// properties follow in the order the compiled classes create them (body, retryable, name, ...).
// Stacks are fixed text (a real stack would carry the generating machine's paths).

const DIST = 'file:///app/node_modules/@livekit/agents/dist';

function withStack<E extends Error>(e: E, head: string, frames: readonly string[]): E {
  e.stack = [head, ...frames.map((f) => `    at ${f}`)].join('\n');
  return e;
}

export class APIError extends Error {
  body: object | null;
  retryable: boolean;
  constructor(message: string, opts: { body?: object | null; retryable?: boolean } = {}) {
    super(message);
    this.body = opts.body ?? null;
    this.retryable = opts.retryable ?? true;
    this.name = 'APIError';
  }
}

export class APIStatusError extends APIError {
  statusCode: number;
  requestId: string | null;
  constructor(
    message: string,
    opts: { statusCode: number; requestId?: string | null; body?: object | null },
  ) {
    super(message, { body: opts.body ?? null, retryable: opts.statusCode < 400 || opts.statusCode >= 500 });
    this.name = 'APIStatusError';
    this.statusCode = opts.statusCode;
    this.requestId = opts.requestId ?? null;
  }
}

export class APIConnectionError extends APIError {
  constructor(message: string, retryable = false) {
    super(message, { retryable });
    this.name = 'APIConnectionError';
  }
}

/** agents/src/worker.ts: `class WorkerError extends Error {}` sets no name, so its stack starts `Error:`. */
export class WorkerError extends Error {}

/** The server's error frame as zod parses it (inference/stt.ts sttErrorEventSchema). */
export function sttErrorFrame(
  message: string,
  code: number,
): { type: 'error'; message: string; code: number } {
  return { type: 'error', message, code };
}

/** inference/stt.ts: `throw new APIError(\`LiveKit STT returned error: ${JSON.stringify(event)}\`)`. */
export function sttApiError(frame: object): APIError {
  const message = `LiveKit STT returned error: ${JSON.stringify(frame)}`;
  return withStack(new APIError(message), `APIError: ${message}`, [
    `SpeechStream.recvTask (${DIST}/inference/stt.js:984:23)`,
    'process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
    `async Promise.all (index 1)`,
    `async SpeechStream.run (${DIST}/inference/stt.js:871:7)`,
    `async SpeechStream.mainTask (${DIST}/stt/stt.js:372:11)`,
  ]);
}

/** stt/stt.ts after the last attempt: `failed to recognize speech after ${maxRetry + 1} attempts`. */
export function sttExhausted(maxRetry = 3): APIConnectionError {
  const message = `failed to recognize speech after ${maxRetry + 1} attempts`;
  return withStack(new APIConnectionError(message), `APIConnectionError: ${message}`, [
    `SpeechStream.mainTask (${DIST}/stt/stt.js:401:19)`,
    'process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
  ]);
}

export function drainTimedOut(): WorkerError {
  return withStack(new WorkerError('timed out draining'), 'Error: timed out draining', [
    `Timeout._onTimeout (${DIST}/worker.js:598:16)`,
    'listOnTimeout (node:internal/timers:594:17)',
    'process.processTimers (node:internal/timers:529:7)',
  ]);
}

/** job.ts getJobContext(): what 1.4.5–1.4.11's warm transfer hits from an rtc-node FFI event. */
export function noJobContext(): Error {
  const message = 'no job context found, are you running this code inside a job entrypoint?';
  return withStack(new Error(message), `Error: ${message}`, [
    `getJobContext (${DIST}/job.js:41:11)`,
    `WarmTransferTask.onCallerParticipantDisconnected (${DIST}/beta/workflows/warm_transfer.js:288:40)`,
    `Room.emit (node:events:518:28)`,
    `Room.onFfiEvent (file:///app/node_modules/@livekit/rtc-node/dist/room.js:402:14)`,
  ]);
}

/** A Twirp failure from livekit-server-sdk's RoomServiceClient.deleteRoom. */
export function twirpError(message: string, status: number, code: string): Error {
  class TwirpError extends Error {
    status: number;
    code: string;
    constructor() {
      super(message);
      this.name = 'TwirpError';
      this.status = status;
      this.code = code;
    }
  }
  return withStack(new TwirpError(), `TwirpError: ${message}`, [
    'TwirpRpc.request (file:///app/node_modules/livekit-server-sdk/dist/TwirpRPC.js:58:19)',
    'process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
    `async JobContext.deleteRoom (${DIST}/job.js:389:7)`,
  ]);
}
