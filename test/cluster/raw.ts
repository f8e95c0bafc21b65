// A plain HTTPS request to the test apiserver. Used where client-node's typed models would
// re-serialize a body (CRDs: its serializer drops `x-kubernetes-*` keys it does not map).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { ClusterInfo, TestUser } from './harness.js';

// Keep-alive: bulk loads would otherwise pay a TLS handshake per request.
const keepAlive = new Agent({ keepAlive: true, maxSockets: 32 });
const cas = new Map<string, Buffer>();
function caOf(info: ClusterInfo): Buffer {
  let ca = cas.get(info.caFile);
  if (!ca) {
    ca = readFileSync(info.caFile);
    cas.set(info.caFile, ca);
  }
  return ca;
}

export interface RawResponse {
  status: number;
  body: unknown;
}

export function rawRequest(
  info: ClusterInfo,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<RawResponse> {
  const url = new URL(path, info.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: caOf(info),
        agent: keepAlive,
        headers: {
          authorization: `Bearer ${info.tokens[user]}`,
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text) as unknown;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
