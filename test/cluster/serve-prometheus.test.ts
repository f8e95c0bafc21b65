// End to end, every part real: the seed scenario made on the real apiserver by the controller
// simulator, `storyctl serve` (the built bin) watching it, a real Prometheus (Debian package
// `prometheus`) scraping serve every second on loopback with deploy/prometheus/storyctl.rules.yaml
// loaded. The rules file is the shipped one rendered with every `for:` shortened to 2 s (the
// expressions, labels and annotations as shipped; production waits 5 and 15 minutes). What the
// on-call engineer would see, read through Prometheus's HTTP API: StoryRunCancelStalled goes
// pending, then firing, and resolves once serve's auto-repair (grace 15 s) has finished the run.
import { afterAll, describe, expect, it } from 'vitest';
import type { StoryRun } from '../../src/model/kube.js';
import { AUDIT_ANNOTATIONS } from '../../src/repair/plan.js';
import { ControllerSim } from '../support/controller-sim.js';
import { RUNS } from '../support/kube-clients.js';
import { createSeedScenario, requestCancel } from '../support/scenario.js';
import { describeWithTool, findTool } from '../support/tools.js';
import { renderRules, startPrometheus, type PrometheusProcess } from './prometheus-process.js';
import { eventually, startServeProcess, type ServeProcess } from './serve-process.js';
import { cluster, clients, useCluster, useNamespace } from './use-cluster.js';

const prometheus = findTool('prometheus', 'STORYCTL_PROMETHEUS', 'prometheus');
const T0 = Date.parse('2026-04-22T18:00:00Z');
/** When the controller observed the cancel: long ago, so SR101 holds at once on the real clock. */
const CANCEL_AT = T0 + 300_000;
const RUN = 'call-stalled';
const ALERT = 'StoryRunCancelStalled';

describe.skipIf(!useCluster())('storyctl serve scraped by a real Prometheus', () => {
  describeWithTool(prometheus, 'the stall alert', (bin) => {
    const ns = useNamespace('serve-prom');
    let serve: ServeProcess | undefined;
    let prom: PrometheusProcess | undefined;
    afterAll(async () => {
      await prom?.stop();
      await serve?.stop();
    });

    it('goes pending, then firing, and resolves after the auto-repair', async () => {
      const k = clients('admin');
      // A live realtime call with three Running steps.
      await createSeedScenario(k, ns, RUN, T0);
      serve = await startServeProcess([
        '-n',
        ns,
        '--kubeconfig',
        cluster().kubeconfigs.admin,
        '--auto-finish',
        'SR101',
        '--grace',
        '15s',
        '--evaluation-interval',
        '1s',
      ]);
      await serve.waitFor((l) => l.msg === 'ready: every kind listed', 20_000, 'ready');
      prom = await startPrometheus(bin, serve.url.replace(/^http:\/\//, ''), renderRules('2s'));
      const p = prom;
      await eventually(
        async () => ((await p.query('up{job="storyctl"}')) === 1 ? true : undefined),
        20_000,
        'Prometheus scrapes serve',
      );
      const stateOf = async (): Promise<string> =>
        (await p.alerts()).find((a) => a.labels['alertname'] === ALERT && a.labels['namespace'] === ns)
          ?.state ?? 'none';
      expect(await stateOf()).toBe('none');

      // The room ends: the webhook cancels the run, the controller observes it, and a StepRun never stops.
      await requestCancel(k, ns, RUN);
      expect((await new ControllerSim(k).reconcile(ns, RUN, CANCEL_AT)).action).toBe('waiting');

      const states: { state: string; at: number }[] = [{ state: 'none', at: Date.now() }];
      const deadline = Date.now() + 50_000;
      while (Date.now() < deadline) {
        const s = await stateOf();
        if (s !== states[states.length - 1]?.state) states.push({ state: s, at: Date.now() });
        if (s === 'none' && states.some((x) => x.state === 'firing')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(states.map((s) => s.state)).toEqual(['none', 'pending', 'firing', 'none']);

      // It resolved because serve repaired the run, not by chance: the repair came between firing and resolution.
      const repaired = await serve.waitFor((l) => l.msg === 'auto-repair: applied', 1000, 'the repair');
      const repairedAt = Date.parse(repaired.time);
      const firing = states.find((s) => s.state === 'firing')?.at ?? 0;
      const resolved = states[states.length - 1]?.at ?? 0;
      expect(repairedAt).toBeGreaterThan(firing);
      expect(repairedAt).toBeLessThanOrEqual(resolved);
      expect(repaired).toMatchObject({ run: `${ns}/${RUN}`, rule: 'SR101' });

      const run = (await k.custom.getNamespacedCustomObject({
        ...RUNS,
        plural: 'storyruns',
        namespace: ns,
        name: RUN,
      })) as StoryRun;
      expect(run.status?.phase).toBe('Finished');
      expect(run.metadata.annotations?.[AUDIT_ANNOTATIONS.finishedBy]).toBe('storyctl-serve');

      // The same story in the metrics Prometheus stored.
      await eventually(
        async () =>
          (await p.query(`storyctl_repairs_total{rule="SR101",result="applied"}`)) === 1 ? true : undefined,
        10_000,
        'the repair counted in Prometheus',
      );
      expect(await p.query(`max(storyctl_findings{rule="SR101",namespace="${ns}"})`)).toBe(0);
      // The stop took from the cancel (long ago) to the repair: the histogram's last bucket.
      expect(await p.query('storyctl_cancel_stop_seconds_count')).toBe(1);
      expect(await p.query('storyctl_cancel_stop_seconds_bucket{le="3600"}')).toBe(0);
    });
  });
});
