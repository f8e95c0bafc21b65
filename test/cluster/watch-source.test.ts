// The watch source against the real apiserver: list then watch, live events, resume from the last
// resourceVersion after a dropped connection (through a TCP relay the test can cut: the HTTP API
// itself is the real one), `410 Gone` answered by a relist, and 403 reported as forbidden.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchCluster, type WatchEvent, type WatchHandle } from '../../src/sources/cluster/watch.js';
import { mergePatch, RUNS } from '../support/kube-clients.js';
import { createRun } from '../support/scenario.js';
import { makeRun } from '../support/objects.js';
import { clients, cluster, useCluster, useNamespace } from './use-cluster.js';

/** A TCP relay to the apiserver that can drop every connection and refuse new ones. */
class Relay {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: URL) {}
  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port), this.target.hostname);
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', () => resolve()));
    const a = this.server.address();
    if (a && typeof a === 'object') this.port = a.port;
  }
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

function kubeConfigVia(server: string, user: 'admin' | 'nobody'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, caFile: cluster().caFile, skipTLSVerify: false }],
    users: [{ name: 'u', token: cluster().tokens[user] }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

/** The first event at or after index `from` that passes `test`, waiting for it. */
async function until(
  events: WatchEvent[],
  test: (e: WatchEvent) => boolean,
  ms = 10_000,
  from = 0,
): Promise<WatchEvent> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = events.slice(from).find(test);
    if (hit) return hit;
    if (Date.now() > deadline)
      throw new Error(
        `no such event within ${ms} ms; saw: ${events.map((e) => `${e.type}:${e.kind}`).join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const names = (e: WatchEvent): string[] =>
  e.type === 'reset' ? e.items.map((i) => i.metadata.name).sort() : [];
const patchPhase = (ns: string, name: string, phase: string) =>
  clients('admin').custom.patchNamespacedCustomObjectStatus(
    { ...RUNS, plural: 'storyruns', namespace: ns, name, body: { status: { phase } } },
    mergePatch(),
  );

describe.skipIf(!useCluster())('watchCluster against a live apiserver', () => {
  const ns = useNamespace('watch-src');
  const handles: WatchHandle[] = [];
  let relay: Relay;

  beforeAll(async () => {
    await createRun(clients('admin'), makeRun({ namespace: ns, name: 'first', story: 'voice-agent' }), {
      phase: 'Running',
    });
    relay = new Relay(new URL(cluster().server));
    await relay.open();
  });
  afterAll(async () => {
    for (const h of handles) h.stop();
    await relay.cut();
  });

  it('lists, then delivers additions, changes and deletions', async () => {
    const events: WatchEvent[] = [];
    const kc = kubeConfigVia(cluster().server, 'admin');
    handles.push(
      watchCluster({ kc, server: cluster().server, namespace: ns, kinds: ['storyRuns'] }, (e) =>
        events.push(e),
      ),
    );
    expect(names(await until(events, (e) => e.type === 'reset'))).toEqual(['first']);
    await until(events, (e) => e.type === 'connected');
    await createRun(clients('admin'), makeRun({ namespace: ns, name: 'second', story: 'voice-agent' }));
    await until(events, (e) => e.type === 'upsert' && e.object.metadata.name === 'second');
    await patchPhase(ns, 'second', 'Succeeded');
    await until(
      events,
      (e) =>
        e.type === 'upsert' && (e.object as { status?: { phase?: string } }).status?.phase === 'Succeeded',
    );
    await clients('admin').custom.deleteNamespacedCustomObject({
      ...RUNS,
      plural: 'storyruns',
      namespace: ns,
      name: 'second',
    });
    // The run's finalizer holds it (a deletionTimestamp is a change); releasing it deletes it.
    await clients('admin').custom.patchNamespacedCustomObject(
      {
        ...RUNS,
        plural: 'storyruns',
        namespace: ns,
        name: 'second',
        body: { metadata: { finalizers: null } },
      },
      mergePatch(),
    );
    await until(events, (e) => e.type === 'delete' && e.object.metadata.name === 'second');
    // One list for the whole session: everything after it came through the watch.
    expect(events.filter((e) => e.type === 'reset')).toHaveLength(1);
  });

  it('says it is disconnected, retries with backoff, and resumes without losing changes', async () => {
    const events: WatchEvent[] = [];
    const via = `https://127.0.0.1:${relay.port}`;
    handles.push(
      watchCluster(
        {
          kc: kubeConfigVia(via, 'admin'),
          server: via,
          namespace: ns,
          kinds: ['storyRuns'],
          minBackoffMs: 200,
          maxBackoffMs: 400,
          timeoutSeconds: 2,
        },
        (e) => events.push(e),
      ),
    );
    await until(events, (e) => e.type === 'connected');
    await relay.cut();
    const down = await until(events, (e) => e.type === 'disconnected');
    expect(down).toMatchObject({ kind: 'storyRuns', retryInMs: expect.any(Number) });
    // Changed while we could not see it.
    await patchPhase(ns, 'first', 'Failed');
    await new Promise((r) => setTimeout(r, 600));
    expect(events.filter((e) => e.type === 'disconnected').length).toBeGreaterThanOrEqual(2);
    await relay.open();
    const seen = events.length;
    await until(events, (e) => e.type === 'connected', 10_000, seen);
    // Resumed from the last version, the change made during the outage arrives as an event.
    await until(
      events,
      (e) => e.type === 'upsert' && (e.object as { status?: { phase?: string } }).status?.phase === 'Failed',
      10_000,
      seen,
    );
  });

  it('relists when the server no longer has the version to resume from (410 Gone)', async () => {
    const events: WatchEvent[] = [];
    const kc = kubeConfigVia(cluster().server, 'admin');
    handles.push(
      watchCluster(
        { kc, server: cluster().server, namespace: ns, kinds: ['storyRuns'], resumeFrom: { storyRuns: '1' } },
        (e) => events.push(e),
      ),
    );
    const reset = await until(events, (e) => e.type === 'reset');
    expect(names(reset)).toContain('first');
    // The stale version produced no events of its own before the relist.
    expect(events.indexOf(reset)).toBe(0);
  });

  it('reports a kind the user may not watch as forbidden', async () => {
    const events: WatchEvent[] = [];
    const kc = kubeConfigVia(cluster().server, 'nobody');
    handles.push(
      watchCluster({ kc, server: cluster().server, namespace: ns, kinds: ['storyRuns'] }, (e) =>
        events.push(e),
      ),
    );
    expect(await until(events, (e) => e.type === 'forbidden')).toEqual({
      type: 'forbidden',
      kind: 'storyRuns',
      reason: `cannot list storyruns.runs.bubustack.io in namespace ${ns}`,
    });
  });
});
