// serve's Kubernetes Events on the real apiserver (events.k8s.io/v1): one Warning on the StoryRun a
// finding is about, reason the rule's name in CamelCase, note the finding's message, written by
// storyctl.bubustack.io/serve as the pod; while the finding persists the same Event becomes a
// series (series.count, lastObservedTime), never a second Event. The series interval is shortened
// to 1 s (hidden flag; 30 minutes by default).
import { EventsV1Api, type EventsV1Event } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoryRun } from '../../src/model/kube.js';
import { ControllerSim } from '../support/controller-sim.js';
import { createSeedScenario, requestCancel } from '../support/scenario.js';
import { eventually, startServeProcess, type ServeProcess } from './serve-process.js';
import { cluster, clients, useCluster, useNamespace } from './use-cluster.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const RUN = 'call-events';

describe.skipIf(!useCluster())('storyctl serve Events', () => {
  const ns = useNamespace('serve-events');
  let serve: ServeProcess | undefined;
  afterAll(async () => serve?.stop());

  it('one Warning Event per finding, updated as a series while it persists', async () => {
    const k = clients('admin');
    const { run } = await createSeedScenario(k, ns, RUN, T0);
    await requestCancel(k, ns, RUN);
    await new ControllerSim(k).reconcile(ns, RUN, T0 + 300_000);
    serve = await startServeProcess(
      [
        '-n',
        ns,
        '--kubeconfig',
        cluster().kubeconfigs.admin,
        '--event-series-interval',
        '1s',
        '--evaluation-interval',
        '1s',
      ],
      { POD_NAME: 'storyctl-events-0' },
    );
    const api = k.kc.makeApiClient(EventsV1Api);
    const stalled = async (): Promise<EventsV1Event[]> =>
      (await api.listNamespacedEvent({ namespace: ns })).items.filter(
        (e) => e.reason === 'StalledGracefulCancel',
      );
    const event = await eventually(
      async () => {
        const es = await stalled();
        return es.length === 1 && (es[0]?.series?.count ?? 0) >= 3 ? es[0] : undefined;
      },
      20_000,
      'the Event and its series',
    );
    expect(event).toMatchObject({
      type: 'Warning',
      action: 'Diagnose',
      reportingController: 'storyctl.bubustack.io/serve',
      reportingInstance: 'storyctl-events-0',
      regarding: {
        apiVersion: 'runs.bubustack.io/v1alpha1',
        kind: 'StoryRun',
        namespace: ns,
        name: RUN,
        uid: (run as StoryRun).metadata.uid,
      },
    });
    expect(event?.note).toMatch(/^SR101: cancel requested .* ago but the run is still Running/);
    expect((await stalled()).length).toBe(1);
    expect(await serve.sample('storyctl_events_total{result="updated"}')).toBeGreaterThanOrEqual(2);
  });
});
