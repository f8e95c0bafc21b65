// Offline: 3 000 runs as the bench loads them, fed to WatchApp through ink-testing-library; time per tick.
import { readFileSync } from 'node:fs';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { WatchApp } from '../../src/report/ui/WatchApp.js';
import { clusterRules } from '../../src/rules/index.js';
import { LiveEvaluation } from '../../src/report/ui/live-evaluation.js';
import { drain, makeRun, makeStep, makeStory, makeTransport } from '../../test/support/objects.js';

const N = Number(process.env['N'] ?? 3000);
const started = '2026-04-22T18:00:00Z';
const runs = [];
const steps = [];
for (let i = 0; i < N; i++) {
  const ns = `bench-${i % 6}`;
  const name = `call-${String(i).padStart(6, '0')}`;
  const broken = i % 50 === 0;
  const r = makeRun({
    namespace: ns,
    name,
    story: 'voice-agent',
    phase: broken ? 'Finished' : 'Running',
    startedAt: started,
    ...(broken ? { finishedAt: '2026-04-22T18:02:05Z' } : {}),
    stepStates: { agent: 'Running', egress: 'Running' },
  });
  runs.push(r);
  for (const id of ['agent', 'egress']) steps.push(makeStep(r, id, { phase: 'Running' } as never));
}
const stories = Array.from({ length: 6 }, (_, i) =>
  makeStory({
    namespace: `bench-${i}`,
    name: 'voice-agent',
    pattern: 'realtime',
    steps: ['agent', 'egress'],
  }),
);
const transports = [makeTransport('livekit-webrtc', { streaming: drain(120) })];
const mode = process.argv[2] ?? 'eval';
let now = Date.parse(process.env.NOW ?? '2026-04-22T18:10:00Z');
if (mode === 'eval') {
  const live = new LiveEvaluation({
    stopBudgetSeconds: 150,
    rules: clusterRules,
    selected: false,
    operator: undefined,
  });
  live.apply({ type: 'reset', kind: 'storyRuns', items: runs });
  live.apply({ type: 'reset', kind: 'stepRuns', items: steps });
  live.apply({ type: 'reset', kind: 'stories', items: stories });
  live.apply({ type: 'reset', kind: 'transports', items: transports });
  let t = performance.now();
  live.evaluate(now);
  console.log('first evaluate ms', (performance.now() - t).toFixed(1));
  t = performance.now();
  for (let k = 0; k < Number(process.env.TICKS ?? 20); k++) live.evaluate((now += 1000));
  console.log('tick evaluate ms', ((performance.now() - t) / 20).toFixed(2));
  t = performance.now();
  for (let k = 0; k < Number(process.env.CHANGES ?? 20); k++) {
    const r = runs[(k * 37) % runs.length];
    if (r)
      live.apply({
        type: 'upsert',
        kind: 'storyRuns',
        object: { ...r, status: { ...r.status, message: `m${k}` } } as typeof r,
      });
    live.evaluate((now += 25));
  }
  console.log('one change, evaluate ms', ((performance.now() - t) / 20).toFixed(2));
  const l = live as unknown as { runs: Map<string, { timed: boolean }>; wideResult: { timed: boolean } };
  console.log(
    'timed runs',
    [...l.runs.values()].filter((r) => r.timed).length,
    'wide timed',
    l.wideResult.timed,
  );
} else {
  let emit: (e: unknown) => void = () => undefined;
  const app = render(
    createElement(WatchApp, {
      context: 'c',
      server: 's',
      scope: 'all',
      rules: clusterRules,
      stopBudgetSeconds: 150,
      selected: false,
      clock: () => now,
      planFinish: () => Promise.reject(new Error('no')),
      onQuit: () => undefined,
      color: false,
      tickMs: Number(process.env.TICK ?? 1000),
      subscribe: (e: unknown) => {
        emit = e as never;
        return () => undefined;
      },
    } as never),
  );
  emit({ type: 'connected', kind: 'storyRuns' });
  const gap = Number(process.env.GAP ?? 0);
  for (const [kind, items] of [
    ['storyRuns', runs],
    ['stepRuns', steps],
    ['stories', stories],
    ['transports', transports],
  ] as const) {
    emit({ type: 'reset', kind, items });
    if (gap) await new Promise((r) => setTimeout(r, gap));
  }
  await new Promise((r) => setTimeout(r, 3000));
  console.log(app.lastFrame()?.split('\n').slice(0, 3).join('\n'));
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  if (process.env.PROF) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const timer = setInterval(() => (now += 1000), 1000);
  await new Promise((r) => setTimeout(r, Number(process.env.IDLE ?? 10) * 1000));
  clearInterval(timer);
  const c = process.cpuUsage(c0);
  if (process.env.PROF) {
    const { profile } = await session.post('Profiler.stop');
    (await import('node:fs')).writeFileSync(process.env.PROF, JSON.stringify(profile));
  }
  console.log('idle cpu %', (((c.user + c.system) / 1000 / (performance.now() - t0)) * 100).toFixed(2));
  console.log('peak', readFileSync('/proc/self/status', 'utf8').match(/VmHWM.*/)?.[0]);
  console.log(
    'rss MB',
    (process.memoryUsage().rss / 1e6).toFixed(0),
    'heap',
    (process.memoryUsage().heapUsed / 1e6).toFixed(0),
  );
  app.unmount();
}
