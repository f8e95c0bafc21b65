import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { describe, expect, it } from 'vitest';
import { sharedAgent } from '../../../src/sources/cluster/shared-agent.js';

describe('sharedAgent', () => {
  it('gives one keep-alive agent for agents with the same options', () => {
    const a = sharedAgent(new HttpsAgent({ ca: 'CA-1', rejectUnauthorized: true }));
    const b = sharedAgent(new HttpsAgent({ ca: 'CA-1', rejectUnauthorized: true }));
    expect(a).toBe(b);
    expect(a).toBeInstanceOf(HttpsAgent);
    expect((a as HttpsAgent & { keepAlive: boolean }).keepAlive).toBe(true);
  });

  it('keeps agents with other TLS material apart (a rotated client certificate, another CA)', () => {
    const base = sharedAgent(new HttpsAgent({ ca: 'CA-1', cert: Buffer.from('cert-1') }));
    expect(sharedAgent(new HttpsAgent({ ca: 'CA-1', cert: Buffer.from('cert-2') }))).not.toBe(base);
    expect(sharedAgent(new HttpsAgent({ ca: 'CA-2', cert: Buffer.from('cert-1') }))).not.toBe(base);
    expect(sharedAgent(new HttpsAgent({ ca: ['CA-1'], cert: Buffer.from('cert-1') }))).toBe(
      sharedAgent(new HttpsAgent({ ca: ['CA-1'], cert: Buffer.from('cert-1') })),
    );
    expect(sharedAgent(new HttpAgent({}))).not.toBe(sharedAgent(new HttpsAgent({})));
  });

  it('leaves other agents (proxies) and no agent as they are', () => {
    class ProxyAgent extends HttpsAgent {}
    const proxy = new ProxyAgent({});
    expect(sharedAgent(proxy)).toBe(proxy);
    expect(sharedAgent(undefined)).toBeUndefined();
  });
});
