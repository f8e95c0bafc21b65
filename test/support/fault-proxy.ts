// A small HTTPS proxy on loopback between storyctl and the real test apiserver, which injects the
// faults the apiserver itself cannot be made to show: delays, hangs, 429s with any Retry-After,
// 200s whose body is an HTML page, a Status, truncated JSON or a list of another kind, continue
// tokens that repeat or never end, and sockets closed mid-request. It serves with the apiserver's
// own certificate, so the kubeconfig keeps the same certificate-authority and only the server
// address changes. Requests that no rule matches are forwarded untouched.
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ProxyRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
}

export type Fault =
  /** Wait, then forward. */
  | { type: 'delay'; ms: number }
  /** Read the request and never answer (the socket stays open until the proxy closes). */
  | { type: 'hang' }
  /** Answer without asking the apiserver (a 429 with Retry-After, or a 200 with any body). */
  | {
      type: 'answer';
      status: number;
      body: string;
      contentType?: string;
      headers?: Record<string, string>;
    }
  /** Forward, then hand the JSON answer through `rewrite` (a list of another kind, say). */
  | { type: 'rewrite'; rewrite: (body: Record<string, unknown>) => unknown }
  /**
   * Forward, and give every list page the same continue token; a request carrying that token is
   * forwarded without it, so the apiserver serves the first page again.
   */
  | { type: 'repeat-continue' }
  /** Like repeat-continue, but every page carries a token never seen before. */
  | { type: 'endless-continue' }
  /** Destroy the connection without a word. */
  | { type: 'close' };

export interface FaultRule {
  /** Matched against `METHOD path?query`, e.g. /^GET .*\/stepruns/. */
  match: RegExp;
  fault: Fault;
  /** Apply to this many matching requests, then let them through (default: every one). */
  times?: number;
}

export interface FaultProxy {
  /** https://127.0.0.1:<port>, for the kubeconfig. */
  url: string;
  /** Every request seen, in order. */
  requests: ProxyRequest[];
  /** Replace the rules (the first matching rule with uses left applies) and forget the requests seen. */
  setRules(rules: FaultRule[]): void;
  /** Requests seen matching `pattern` (against `METHOD path?query`). */
  count(pattern: RegExp): number;
  close(): Promise<void>;
}

const REPEATED = 'storyctl-fault-proxy-repeated';
const ENDLESS = 'storyctl-fault-proxy-endless-';

export async function startFaultProxy(upstream: string, caFile: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const ca = readFileSync(caFile);
  // The apiserver writes its self-signed serving pair next to each other in its cert dir.
  const key = readFileSync(caFile.replace(/\.crt$/, '.key'));
  let rules: { rule: FaultRule; left: number }[] = [];
  const requests: ProxyRequest[] = [];
  const sockets = new Set<Socket>();
  let endless = 0;

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    path: string,
    onAnswer: (status: number, headers: IncomingHttpHeaders, body: Buffer) => void,
    onError: (error: Error) => void,
  ): void => {
    const headers = { ...req.headers, host: target.host };
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path, headers, ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => onAnswer(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
        res.on('error', onError);
      },
    );
    up.on('error', onError);
    up.end(body);
  };

  const send = (
    res: ServerResponse,
    status: number,
    headers: IncomingHttpHeaders,
    body: Buffer | string,
  ): void => {
    const out = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const h: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined || k === 'content-length' || k === 'transfer-encoding' || k === 'connection')
        continue;
      h[k] = v;
    }
    h['content-length'] = String(out.length);
    res.writeHead(status, h);
    res.end(out);
  };

  const server: Server = createServer({ key, cert: ca }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: ProxyRequest = { method: req.method ?? 'GET', url: req.url ?? '/' };
      requests.push(seen);
      const body = Buffer.concat(chunks);
      const line = `${seen.method} ${seen.url}`;
      const hit = rules.find((r) => r.left > 0 && r.rule.match.test(line));
      if (hit) hit.left -= 1;
      const fault = hit?.rule.fault;
      const failed = (error: Error): void => {
        if (!res.headersSent) send(res, 502, { 'content-type': 'text/plain' }, error.message);
        else res.destroy();
      };
      const plain = (path = seen.url): void =>
        forward(req, body, path, (status, headers, out) => send(res, status, headers, out), failed);

      if (!fault) return plain();
      switch (fault.type) {
        case 'delay':
          setTimeout(() => plain(), fault.ms);
          return;
        case 'hang':
          return;
        case 'close':
          req.socket.destroy();
          return;
        case 'answer':
          send(
            res,
            fault.status,
            { 'content-type': fault.contentType ?? 'application/json', ...(fault.headers ?? {}) },
            fault.body,
          );
          return;
        case 'rewrite':
          forward(
            req,
            body,
            seen.url,
            (status, headers, out) => {
              const json = JSON.parse(out.toString('utf8')) as Record<string, unknown>;
              send(res, status, headers, JSON.stringify(fault.rewrite(json)));
            },
            failed,
          );
          return;
        case 'repeat-continue':
        case 'endless-continue': {
          // The token the proxy made up means nothing to the apiserver: ask for the first page again.
          const url = new URL(seen.url, 'https://proxy');
          const token = url.searchParams.get('continue') ?? '';
          if (token === REPEATED || token.startsWith(ENDLESS)) url.searchParams.delete('continue');
          forward(
            req,
            body,
            `${url.pathname}${url.search}`,
            (status, headers, out) => {
              const json = JSON.parse(out.toString('utf8')) as { metadata?: Record<string, unknown> };
              json.metadata = {
                ...(json.metadata ?? {}),
                continue: fault.type === 'repeat-continue' ? REPEATED : `${ENDLESS}${++endless}`,
              };
              send(res, status, headers, JSON.stringify(json));
            },
            failed,
          );
          return;
        }
      }
    });
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault proxy: no port');

  return {
    url: `https://127.0.0.1:${address.port}`,
    requests,
    setRules(next) {
      requests.length = 0;
      rules = next.map((rule) => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }));
    },
    count(pattern) {
      return requests.filter((r) => pattern.test(`${r.method} ${r.url}`)).length;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
