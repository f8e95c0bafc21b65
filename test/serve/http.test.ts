// --metrics-addr forms, and the three paths the probes and Prometheus use.
import { afterEach, describe, expect, it } from 'vitest';
import { parseListenAddress, startHttp, type HttpEndpoint } from '../../src/serve/http.js';
import { ServeMetrics } from '../../src/serve/metrics.js';

describe('parseListenAddress', () => {
  it.each([
    [':9464', { host: undefined, port: 9464 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
  ])('%s', (text, want) => {
    expect(parseListenAddress(text)).toEqual(want);
  });

  it.each(['9464', ':', ':99999', 'host:port', '::1:9464'])('refuses %s', (text) => {
    expect(() => parseListenAddress(text)).toThrow(/--metrics-addr/);
  });
});

describe('the endpoint', () => {
  let endpoint: HttpEndpoint | undefined;
  afterEach(async () => endpoint?.close());

  it('serves /metrics, /healthz, and /readyz by the probe', async () => {
    let ready = false;
    const metrics = new ServeMetrics('1.2.3', { processMetrics: false });
    endpoint = await startHttp(parseListenAddress('127.0.0.1:0'), metrics, {
      ready: () => (ready ? { ok: true, detail: 'ready' } : { ok: false, detail: 'not ready: StoryRun' }),
    });
    const get = (path: string) => fetch(`http://${endpoint?.address}${path}`);
    const m = await get('/metrics');
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await m.text()).toContain('storyctl_build_info{version="1.2.3"} 1');
    expect((await get('/healthz')).status).toBe(200);
    const notReady = await get('/readyz');
    expect([notReady.status, await notReady.text()]).toEqual([503, 'not ready: StoryRun\n']);
    ready = true;
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/other')).status).toBe(404);
  });

  it('says which address is taken', async () => {
    const metrics = new ServeMetrics('1', { processMetrics: false });
    endpoint = await startHttp(parseListenAddress('127.0.0.1:0'), metrics, {
      ready: () => ({ ok: true, detail: '' }),
    });
    await expect(
      startHttp(parseListenAddress(endpoint.address), metrics, { ready: () => ({ ok: true, detail: '' }) }),
    ).rejects.toThrow(/cannot listen \(EADDRINUSE\)/);
  });
});
