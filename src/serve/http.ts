// serve's HTTP endpoint: /metrics for Prometheus, /healthz (the process answers: liveness) and
// /readyz (the first complete list of every kind is done: readiness). Nothing else is served.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StoryctlError } from '../model/errors.js';

export interface ListenAddress {
  /** Undefined: every interface (`:9464`). */
  host: string | undefined;
  port: number;
}

/** `--metrics-addr`: `:9464`, `0.0.0.0:9464`, `127.0.0.1:0` (any free port), `[::1]:9464`. */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port > 65535)
    throw new StoryctlError(
      'usage',
      `--metrics-addr: expected HOST:PORT or :PORT (e.g. :9464), got "${text}"`,
    );
  const host = m[1] ?? m[2];
  return { host: host === '' || host === undefined ? undefined : host, port };
}

export interface Probe {
  ready(): { ok: boolean; detail: string };
}

export interface MetricsSource {
  text(): Promise<string>;
  readonly contentType: string;
}

export interface HttpEndpoint {
  /** `host:port` actually bound (port 0 picks one). */
  address: string;
  close(): Promise<void>;
}

export async function startHttp(
  at: ListenAddress,
  metrics: MetricsSource,
  probe: Probe,
): Promise<HttpEndpoint> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.text().then(
        (body) => res.writeHead(200, { 'Content-Type': metrics.contentType }).end(body),
        (error: unknown) =>
          res
            .writeHead(500, { 'Content-Type': 'text/plain' })
            .end(`${error instanceof Error ? error.message : String(error)}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    if (path === '/readyz') {
      const r = probe.ready();
      res.writeHead(r.ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(`${r.detail}\n`);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: /metrics, /healthz, /readyz\n');
  });
  // Prometheus scrapes every few seconds over keep-alive; idle sockets must not hold a shutdown.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StoryctlError(
          'usage',
          `--metrics-addr ${at.host ?? ''}:${at.port}: cannot listen (${error.code ?? error.message})`,
        ),
      ),
    );
    server.listen(at.port, at.host, resolve);
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: `${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
