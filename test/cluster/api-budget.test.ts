// issue 16 item 3: --request-timeout bounds every API call of a command as one budget. Faults come
// from a fault-injecting proxy on loopback in front of the real apiserver (test/support/fault-proxy.ts):
// a 429 asking for 120 s, a list of one kind that hangs, a hung status write in finish, continue
// tokens that repeat or never end; and an exec credential plugin that hangs.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCli, type CliResult } from '../support/cli.js';
import { ControllerSim } from '../support/controller-sim.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import {
  createRun,
  createSeedScenario,
  createStep,
  createStory,
  requestCancel,
} from '../support/scenario.js';
import { makeRun, makeStep, makeStory } from '../support/objects.js';
import { execKubeconfig, kubeconfigYaml } from './harness.js';
import { clients, cluster, useCluster, useNamespace } from './use-cluster.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const CANCEL_AT = T0 + 300_000;
const AT = '2026-04-22T18:10:00Z';
/** Over the budget a command may take: process exit, and a loaded 2-core machine. */
const SLACK_MS = 2_500;

async function timed(run: () => Promise<CliResult>): Promise<CliResult & { ms: number }> {
  const started = Date.now();
  const r = await run();
  return { ...r, ms: Date.now() - started };
}

describe.skipIf(!useCluster())('--request-timeout is one budget for the whole command', () => {
  const ns = useNamespace('budget');
  let proxy: FaultProxy;
  let dir = '';
  let viaProxy = '';

  beforeAll(async () => {
    const k = clients('admin');
    await createStory(
      k,
      makeStory({ namespace: ns, name: 'batch', pattern: 'batch', steps: ['one'], transports: [] }),
    );
    const done = await createRun(k, makeRun({ namespace: ns, name: 'done', story: 'batch' }), {
      phase: 'Succeeded',
      startedAt: '2026-04-22T18:00:00Z',
      finishedAt: '2026-04-22T18:01:00Z',
      duration: '1m0s',
    });
    await createStep(k, makeStep(done, 'one'), { phase: 'Running', startedAt: '2026-04-22T18:00:00Z' });
    await createSeedScenario(k, ns, 'call-1', T0);
    await requestCancel(k, ns, 'call-1');
    await new ControllerSim(k).reconcile(ns, 'call-1', CANCEL_AT);

    proxy = await startFaultProxy(cluster().server, cluster().caFile);
    dir = mkdtempSync(join(tmpdir(), 'storyctl-budget-'));
    viaProxy = join(dir, 'kubeconfig-proxy');
    writeFileSync(viaProxy, kubeconfigYaml(proxy.url, cluster().caFile, 'admin', cluster().tokens.admin));
  });
  afterEach(() => proxy.setRules([]));
  afterAll(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const doctor = (kubeconfig: string, ...args: string[]) =>
    timed(() =>
      runBin(['doctor', '--kubeconfig', kubeconfig, '-n', ns, '-o', 'json', '--now', AT, ...args], {
        timeoutMs: 40_000,
      }),
    );

  it('reads the namespace through the proxy when nothing is wrong (the baseline)', async () => {
    const r = await doctor(viaProxy);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('SR301');
  }, 30_000);

  it('does not wait out a Retry-After longer than the budget has left', async () => {
    proxy.setRules([
      {
        match: /^GET .*\/stepruns/,
        fault: {
          type: 'answer',
          status: 429,
          headers: { 'retry-after': '120' },
          body: JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'too many requests, please try again later',
            reason: 'TooManyRequests',
            code: 429,
          }),
        },
      },
    ]);
    const r = await doctor(viaProxy, '--request-timeout', '5');
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(SLACK_MS + 5_000);
    expect(r.stderr).toContain(proxy.url);
    expect(r.stderr).toContain('list stepruns');
    expect(r.stderr).toContain('Retry-After 120 s');
    expect(r.stderr).not.toContain('internal error');
  }, 30_000);

  it('honours a Retry-After that fits in the budget, and the scan completes', async () => {
    proxy.setRules([
      {
        match: /^GET .*\/stepruns/,
        times: 1,
        fault: { type: 'answer', status: 429, headers: { 'retry-after': '1' }, body: '{}' },
      },
    ]);
    const r = await doctor(viaProxy, '--request-timeout', '5');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.ms).toBeGreaterThanOrEqual(1_000);
    expect(r.stdout).toContain('SR301');
  }, 30_000);

  it('retries a connection closed mid-request and a slow answer within the budget', async () => {
    proxy.setRules([
      { match: /^GET .*\/stepruns/, times: 1, fault: { type: 'close' } },
      { match: /^GET .*\/stories/, times: 1, fault: { type: 'delay', ms: 1_000 } },
    ]);
    const r = await doctor(viaProxy, '--request-timeout', '5');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('SR301');
    expect(proxy.count(/^GET .*\/stepruns/)).toBe(2);
  }, 30_000);

  it('gives up on a list of one kind that hangs within the budget, naming the list and the server', async () => {
    proxy.setRules([{ match: /^GET .*\/stories/, fault: { type: 'hang' } }]);
    const r = await doctor(viaProxy, '--request-timeout', '5');
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(SLACK_MS + 5_000);
    expect(r.stderr).toContain(proxy.url);
    expect(r.stderr).toContain('list stories');
  }, 30_000);

  it('bounds a status write that hangs in finish by the same budget', async () => {
    proxy.setRules([{ match: /^PATCH .*\/storyruns\/call-1\/status/, fault: { type: 'hang' } }]);
    const r = await timed(() =>
      runCli(
        [
          'finish',
          'call-1',
          '-n',
          ns,
          '--force-terminal',
          '--yes',
          '-o',
          'json',
          '--request-timeout',
          '5',
          '--kubeconfig',
          viaProxy,
        ],
        { now: CANCEL_AT + 60_000 },
      ),
    );
    expect(proxy.count(/^PATCH .*\/storyruns\/call-1\/status/)).toBeGreaterThan(0);
    expect(r.ms).toBeLessThan(SLACK_MS + 5_000);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain(proxy.url);
    expect(`${r.stdout}${r.stderr}`).toContain('patch storyrun');
  }, 30_000);

  it('stops paging on a repeated continue token, naming the resource and the server', async () => {
    proxy.setRules([{ match: /^GET .*\/stepruns/, fault: { type: 'repeat-continue' } }]);
    const r = await doctor(viaProxy, '--request-timeout', '10');
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(10_000);
    expect(proxy.count(/^GET .*\/stepruns/)).toBeLessThanOrEqual(3);
    expect(r.stderr).toContain('stepruns.runs.bubustack.io');
    expect(r.stderr).toContain(proxy.url);
    expect(r.stderr).toContain('continue token');
  }, 30_000);

  it('stops paging on a continue token that never ends (every page new, the same objects again)', async () => {
    proxy.setRules([{ match: /^GET .*\/stepruns/, fault: { type: 'endless-continue' } }]);
    const r = await doctor(viaProxy, '--request-timeout', '10');
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(10_000);
    expect(proxy.count(/^GET .*\/stepruns/)).toBeLessThanOrEqual(3);
    expect(r.stderr).toContain('stepruns.runs.bubustack.io');
    expect(r.stderr).toContain('continue token');
  }, 30_000);

  it('bounds an exec credential plugin that hangs, naming the plugin; the process exits', async () => {
    const plugin = join(dir, 'hanging-plugin.sh');
    writeFileSync(plugin, '#!/bin/sh\nsleep 600\n');
    chmodSync(plugin, 0o755);
    const file = join(dir, 'kubeconfig-hanging-plugin');
    writeFileSync(file, execKubeconfig(cluster().server, cluster().caFile, plugin));
    const r = await doctor(file, '--request-timeout', '3');
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(SLACK_MS + 3_000);
    expect(r.stderr).toContain(plugin);
    expect(r.stderr).toContain('storyctl-test-plugin');
  }, 30_000);
});
