// Fill the bench apiserver: N StoryRuns with 2 StepRuns each (status written through /status as
// the controllers do), spread over a few namespaces, a realtime Story and the LiveKit Transport.
// Plain HTTPS with keep-alive: client-node opens a new TLS connection per request.
import { storyRunLabelValue } from '../../src/contract/label.js';
import { rawRequest } from '../../test/cluster/raw.js';
import type { ClusterInfo } from '../../test/cluster/harness.js';
import { inParallel } from '../../test/support/kube-clients.js';
import { drain, forCreate, makeRun, makeStep, makeStory, makeTransport } from '../../test/support/objects.js';

const NAMESPACES = 6;
const CONCURRENCY = 24;

async function ok(
  info: ClusterInfo,
  method: string,
  path: string,
  body: unknown,
  contentType?: string,
): Promise<unknown> {
  const res = await rawRequest(info, 'admin', method, path, body, contentType);
  if (res.status >= 300)
    throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

export function benchNamespaces(): string[] {
  return Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`);
}

export async function loadRuns(info: ClusterInfo, runs: number): Promise<{ runs: number; steps: number }> {
  await ok(
    info,
    'POST',
    '/apis/transport.bubustack.io/v1alpha1/transports',
    forCreate(makeTransport('livekit-webrtc', { streaming: drain(120) })),
  );
  for (const ns of benchNamespaces()) {
    await ok(info, 'POST', '/api/v1/namespaces', { metadata: { name: ns } });
    await ok(
      info,
      'POST',
      `/apis/bubustack.io/v1alpha1/namespaces/${ns}/stories`,
      forCreate(
        makeStory({ namespace: ns, name: 'voice-agent', pattern: 'realtime', steps: ['agent', 'egress'] }),
      ),
    );
  }
  const started = '2026-04-22T18:00:00Z';
  let steps = 0;
  await inParallel(
    Array.from({ length: runs }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const ns = benchNamespaces()[i % NAMESPACES] ?? 'bench-0';
      const name = `call-${String(i).padStart(6, '0')}`;
      const base = `/apis/runs.bubustack.io/v1alpha1/namespaces/${ns}`;
      // Every 50th run ended with live step states and StepRuns (SR201, SR301), so the report is not empty.
      const broken = i % 50 === 0;
      const run = (await ok(
        info,
        'POST',
        `${base}/storyruns`,
        forCreate(makeRun({ namespace: ns, name, story: 'voice-agent' })),
      )) as {
        metadata: { uid: string; name: string; namespace: string };
      };
      await ok(
        info,
        'PATCH',
        `${base}/storyruns/${name}/status`,
        {
          status: broken
            ? {
                phase: 'Finished',
                message: 'StoryRun gracefully canceled',
                startedAt: started,
                finishedAt: '2026-04-22T18:02:05Z',
                duration: '2m5s',
                stepStates: {
                  agent: { phase: 'Running', startedAt: started },
                  egress: { phase: 'Running', startedAt: started },
                },
                stepsComplete: 0,
                stepsFailed: 0,
                stepsSkipped: 0,
              }
            : {
                phase: 'Running',
                startedAt: started,
                stepStates: {
                  agent: { phase: 'Running', startedAt: started },
                  egress: { phase: 'Running', startedAt: started },
                },
                stepsComplete: 0,
                stepsFailed: 0,
                stepsSkipped: 0,
                stepsTotal: 2,
              },
        },
        'application/merge-patch+json',
      );
      for (const id of ['agent', 'egress']) {
        const s = forCreate(
          makeStep(
            { apiVersion: 'runs.bubustack.io/v1alpha1', kind: 'StoryRun', metadata: run.metadata },
            id,
          ),
        );
        if (s.metadata.labels?.['bubustack.io/storyrun'] !== storyRunLabelValue(name))
          throw new Error('label mismatch');
        await ok(info, 'POST', `${base}/stepruns`, s);
        await ok(
          info,
          'PATCH',
          `${base}/stepruns/${s.metadata.name}/status`,
          { status: { phase: 'Running', retries: 0, startedAt: started } },
          'application/merge-patch+json',
        );
        steps++;
      }
    },
  );
  return { runs, steps };
}
