// A snapshot of N stalled calls, as `kubectl get storyruns,stepruns,stories,transports -A -o json`
// prints it: the seed scenario N times over (a realtime Story on the 120 s LiveKit drain, each run
// canceled long ago and still Running with two live StepRuns), so every run carries findings
// (SR101, SR102 on its Story) and the table has one long, wrapped row per run.
import { ANNOTATIONS } from '../../src/model/kube.js';
import { drain, makeRun, makeStep, makeStory, makeTransport, plain } from '../../test/support/objects.js';

export const SNAPSHOT_NOW = '2026-04-22T19:00:00Z';
const NAMESPACES = 6;
const STEPS = ['livekit-bridge', 'voice-agent'] as const;

export function stalledSnapshot(runs: number): string {
  const items: Record<string, unknown>[] = [
    plain(makeTransport('livekit-webrtc', { streaming: drain(120) })),
  ];
  for (let n = 0; n < NAMESPACES; n++)
    items.push(
      plain(makeStory({ namespace: `voice-${n}`, name: 'voice-agent', pattern: 'realtime', steps: STEPS })),
    );
  for (let i = 0; i < runs; i++) {
    const namespace = `voice-${i % NAMESPACES}`;
    const name = `voice-agent-rm-${String(i).padStart(6, '0')}-${(i * 2654435761).toString(16).slice(-8)}`;
    const run = makeRun({
      namespace,
      name,
      story: 'voice-agent',
      cancelRequested: true,
      cancelObservedAt: '2026-04-22T18:13:32.023539756Z',
      stepStates: Object.fromEntries(STEPS.map((s) => [s, 'Running'])),
      stepsComplete: 0,
      stepsFailed: 0,
      stepsSkipped: 0,
    });
    run.metadata.annotations = {
      ...run.metadata.annotations,
      [ANNOTATIONS.cancelObservedAt]: '2026-04-22T18:13:32.023539756Z',
    };
    items.push(plain(run));
    for (const s of STEPS) items.push(plain(makeStep(run, s, { namespace })));
  }
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });
}
