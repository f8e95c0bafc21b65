// Requests reuse their TLS connection (src/sources/cluster/shared-agent.ts): client-node alone opens
// a new one per request. Both of client-node's paths are covered: the generated API clients
// (applySecurityAuthentication) and fetch-based calls such as watches (applyToFetchOptions).
import type { Agent as HttpsAgent } from 'node:https';
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { makeKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { cluster, useCluster } from './use-cluster.js';

describe.skipIf(!useCluster())('API calls share keep-alive connections', () => {
  it('makes one TLS connection for sequential calls on both of client-node paths', async () => {
    const cfg = makeKubeConfig({ kubeconfig: cluster().kubeconfigs.admin, env: {} });
    const init = await cfg.kc.applyToFetchOptions({});
    const agent = init.agent as HttpsAgent;
    let connections = 0;
    const create = agent.createConnection.bind(agent);
    agent.createConnection = ((...args: Parameters<typeof create>) => {
      connections++;
      return create(...args);
    }) as typeof agent.createConnection;
    const core = cfg.kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 5; i++) await core.listNamespace({ limit: 1 });
    const again = await cfg.kc.applyToFetchOptions({});
    expect(again.agent).toBe(agent);
    expect(connections).toBe(1);
  });
});
