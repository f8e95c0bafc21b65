// issue 16 item 4: an answer that is not what was asked for is never read as "nothing there". A
// fault-injecting proxy in front of the real apiserver (test/support/fault-proxy.ts) answers the
// StepRun list with an HTML page, a Status, a list of another kind, an empty or a truncated body;
// exec credential plugins fail or print garbage; a client certificate file is missing. Each is one
// clear message naming the server, context or plugin, exit 2 — never zero StepRuns (which hid the
// SR301 finding below) and never "internal error … this is a bug".
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { watchCluster, type WatchEvent } from '../../src/sources/cluster/watch.js';
import { runBin, runCli } from '../support/cli.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { createRun, createStep, createStory } from '../support/scenario.js';
import { makeRun, makeStep, makeStory } from '../support/objects.js';
import { execKubeconfig, kubeconfigYaml } from './harness.js';
import { clients, cluster, useCluster, useNamespace } from './use-cluster.js';

const AT = '2026-04-22T18:10:00Z';
const STEPRUN_LIST = /^GET [^?]*\/stepruns(\?|$)/;

describe.skipIf(!useCluster())('answers that are not what was asked for', () => {
  const ns = useNamespace('garbage');
  let proxy: FaultProxy;
  let dir = '';
  let viaProxy = '';

  beforeAll(async () => {
    const k = clients('admin');
    await createStory(
      k,
      makeStory({ namespace: ns, name: 'batch', pattern: 'batch', steps: ['one'], transports: [] }),
    );
    // A finished run whose StepRun still runs: SR301, visible only if the StepRuns are read.
    const done = await createRun(k, makeRun({ namespace: ns, name: 'done', story: 'batch' }), {
      phase: 'Succeeded',
      startedAt: '2026-04-22T18:00:00Z',
      finishedAt: '2026-04-22T18:01:00Z',
      duration: '1m0s',
    });
    await createStep(k, makeStep(done, 'one'), { phase: 'Running', startedAt: '2026-04-22T18:00:00Z' });
    proxy = await startFaultProxy(cluster().server, cluster().caFile);
    dir = mkdtempSync(join(tmpdir(), 'storyctl-garbage-'));
    viaProxy = join(dir, 'kubeconfig-proxy');
    writeFileSync(viaProxy, kubeconfigYaml(proxy.url, cluster().caFile, 'admin', cluster().tokens.admin));
  });
  afterEach(() => proxy.setRules([]));
  afterAll(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const doctor = (kubeconfig: string) =>
    runBin(['doctor', '--kubeconfig', kubeconfig, '-n', ns, '-o', 'json', '--now', AT], {
      timeoutMs: 30_000,
    });

  it('finds SR301 through the proxy when nothing is wrong (the baseline)', async () => {
    const r = await doctor(viaProxy);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('SR301');
  });

  const status200 = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'upstream connect error',
    code: 503,
  });
  const cases: [string, Fault, string][] = [
    [
      'an HTML page (a proxy login page)',
      {
        type: 'answer',
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html><body><h1>Sign in to continue</h1></body></html>',
      },
      'text/html',
    ],
    ['a Status object', { type: 'answer', status: 200, body: status200 }, 'a Status'],
    [
      'a list of another kind',
      { type: 'rewrite', rewrite: (list) => ({ ...list, kind: 'StoryRunList' }) },
      'a StoryRunList',
    ],
    ['a list without items', { type: 'rewrite', rewrite: (list) => ({ ...list, items: null }) }, 'items'],
    ['an empty body', { type: 'answer', status: 200, body: '' }, 'empty'],
    [
      'truncated JSON',
      {
        type: 'answer',
        status: 200,
        body: '{"apiVersion":"runs.bubustack.io/v1alpha1","kind":"StepRunList","it',
      },
      'not valid JSON',
    ],
  ];

  for (const [what, fault, says] of cases) {
    it(`fails clearly on ${what} where the StepRun list should be`, async () => {
      proxy.setRules([{ match: STEPRUN_LIST, fault }]);
      const r = await doctor(viaProxy);
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(proxy.url);
      expect(r.stderr).toContain('list stepruns');
      expect(r.stderr).toContain(says);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('finish NAME does not read an HTML page as "no StepRuns" either', async () => {
    proxy.setRules([
      {
        match: STEPRUN_LIST,
        fault: { type: 'answer', status: 200, contentType: 'text/html', body: '<html>proxy</html>' },
      },
    ]);
    const r = await runCli([
      'finish',
      'done',
      '-n',
      ns,
      '--force-terminal',
      '--dry-run=client',
      '-o',
      'json',
      '--kubeconfig',
      viaProxy,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(proxy.url);
    expect(r.stderr).toContain('text/html');
  });

  it('watch does not take an HTML page for an empty StepRun list: it says so and retries', async () => {
    proxy.setRules([
      {
        match: STEPRUN_LIST,
        times: 1,
        fault: { type: 'answer', status: 200, contentType: 'text/html', body: '<html>proxy</html>' },
      },
    ]);
    const cfg = makeKubeConfig({ kubeconfig: viaProxy, env: {} });
    const events: WatchEvent[] = [];
    const handle = watchCluster(
      {
        kc: cfg.kc,
        server: cfg.server,
        namespace: ns,
        kinds: ['stepRuns'],
        minBackoffMs: 50,
        maxBackoffMs: 100,
      },
      (e) => events.push(e),
    );
    try {
      const deadline = Date.now() + 10_000;
      while (!events.some((e) => e.type === 'reset') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      handle.stop();
    }
    const first = events[0];
    expect(first?.type).toBe('disconnected');
    expect(first?.type === 'disconnected' && first.reason).toContain('an HTML page');
    expect(first?.type === 'disconnected' && first.reason).toContain(proxy.url);
    // The retry reads the real list: the one StepRun, never an empty reset before it.
    const resets = events.filter((e) => e.type === 'reset');
    expect(resets.map((e) => e.type === 'reset' && e.items.map((o) => o.metadata.name))).toEqual([
      ['done-one'],
    ]);
  });

  function plugin(name: string, script: string): string {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
    const kc = join(dir, `kubeconfig-${name}`);
    writeFileSync(kc, execKubeconfig(cluster().server, cluster().caFile, file));
    return kc;
  }

  it('reads a working exec credential plugin (the baseline)', async () => {
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      kind: 'ExecCredential',
      status: { token: cluster().tokens.admin },
    });
    const r = await doctor(plugin('good-plugin', `echo '${credential}'`));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  it('names a failing exec plugin, its context and what it said', async () => {
    const r = await doctor(plugin('failing-plugin', 'echo "error: the SSO session has expired" >&2\nexit 3'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(dir, 'failing-plugin'));
    expect(r.stderr).toContain('storyctl-test-plugin');
    expect(r.stderr).toContain('the SSO session has expired');
    expect(r.stderr).not.toContain('internal error');
  });

  it('names an exec plugin that prints garbage instead of an ExecCredential', async () => {
    const r = await doctor(
      plugin('garbage-plugin', 'echo "Open https://login.example/device and enter ABCD"'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(dir, 'garbage-plugin'));
    expect(r.stderr).toContain('ExecCredential');
    expect(r.stderr).not.toContain('internal error');
  });

  it('names an exec plugin that does not exist', async () => {
    const kc = join(dir, 'kubeconfig-missing-plugin');
    writeFileSync(kc, execKubeconfig(cluster().server, cluster().caFile, join(dir, 'no-such-plugin')));
    const r = await doctor(kc);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(dir, 'no-such-plugin'));
    expect(r.stderr).not.toContain('internal error');
  });

  it('names a client certificate file that is missing', async () => {
    const kc = join(dir, 'kubeconfig-missing-cert');
    writeFileSync(
      kc,
      kubeconfigYaml(cluster().server, cluster().caFile, 'certs', 'unused').replace(
        '    token: unused',
        `    client-certificate: ${join(dir, 'missing.crt')}\n    client-key: ${join(dir, 'missing.key')}`,
      ),
    );
    const r = await doctor(kc);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(dir, 'missing.crt'));
    expect(r.stderr).toContain('storyctl-test-certs');
    expect(r.stderr).not.toContain('internal error');
  });
});
