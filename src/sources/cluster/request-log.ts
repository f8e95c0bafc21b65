// kubectl's `-v=6` for storyctl: one line per API request on stderr (method, URL, status, time),
// and at 7 and above the request headers too, with credentials masked. It listens on Node's HTTP
// client diagnostics channels, so it sees every request (lists, reads, writes, access reviews,
// watches) whichever client-node API made it, without wrapping any of them.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/** kubectl's level for request lines. */
export const REQUEST_LOG_LEVEL = 6;
/** …and for request headers. */
export const HEADER_LOG_LEVEL = 7;

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

interface Started {
  request: ClientRequest;
}
interface Finished {
  request: ClientRequest;
  response: IncomingMessage;
}
interface Failed {
  request: ClientRequest;
  error: Error;
}

/** Start logging at `level` (below 6: nothing); the returned function stops it. */
export function logRequests(
  level: number,
  write: (line: string) => void,
  clock: () => number = Date.now,
): () => void {
  if (level < REQUEST_LOG_LEVEL) return () => undefined;
  const started = new WeakMap<ClientRequest, number>();
  const onStart = (message: unknown): void => {
    const { request } = message as Started;
    started.set(request, clock());
    if (level >= HEADER_LOG_LEVEL) {
      write(`${stamp(clock())} ${request.method} ${urlOf(request)}`);
      write(`${stamp(clock())} Request Headers:`);
      for (const [name, value] of Object.entries(request.getHeaders()))
        write(
          `${stamp(clock())}     ${name}: ${SECRET_HEADERS.has(name) ? mask(String(value)) : String(value)}`,
        );
    }
  };
  const took = (request: ClientRequest): string => {
    const t0 = started.get(request);
    return t0 === undefined ? '' : ` in ${Math.max(0, Math.round(clock() - t0))} milliseconds`;
  };
  const onFinish = (message: unknown): void => {
    const { request, response } = message as Finished;
    const status = `${response.statusCode ?? ''} ${response.statusMessage ?? ''}`.trim();
    write(`${stamp(clock())} ${request.method} ${urlOf(request)} ${status}${took(request)}`);
  };
  const onError = (message: unknown): void => {
    const { request, error } = message as Failed;
    write(`${stamp(clock())} ${request.method} ${urlOf(request)} failed: ${error.message}${took(request)}`);
  };
  subscribe('http.client.request.start', onStart);
  subscribe('http.client.response.finish', onFinish);
  subscribe('http.client.request.error', onError);
  return () => {
    unsubscribe('http.client.request.start', onStart);
    unsubscribe('http.client.response.finish', onFinish);
    unsubscribe('http.client.request.error', onError);
  };
}

function urlOf(request: ClientRequest): string {
  const host = request.getHeader('host') ?? request.host;
  return `${request.protocol}//${String(host)}${request.path}`;
}

/** `Bearer <masked>`: the scheme stays, the credential does not. */
function mask(value: string): string {
  const scheme = /^(\w+)\s/.exec(value)?.[1];
  return scheme ? `${scheme} <masked>` : '<masked>';
}

/** klog's prefix, as kubectl prints it: `I1121 10:00:00.123456]`. */
function stamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `I${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${micros}]`;
}
