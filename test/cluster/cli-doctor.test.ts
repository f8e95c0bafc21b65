// `storyctl doctor` against the live apiserver through the CLI: exit codes 0/1/2/3 in-process,
// and through the built binary (`node bin/storyctl.js`; .ci/run builds before testing, and this
// file builds once itself when dist/ is missing).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runBin, runCli } from '../support/cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { ControllerSim } from '../support/controller-sim.js';
import { createRun, createSeedScenario, createStory, requestCancel } from '../support/scenario.js';
import { makeRun, makeStory } from '../support/objects.js';
import { kubeconfigYaml } from './harness.js';
import { clients, cluster, useCluster, useNamespace } from './use-cluster.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const CANCEL = Date.parse('2026-04-22T18:05:00Z');
const AT = new Date(CANCEL + 60_000).toISOString();

function report(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

describe.skipIf(!useCluster())('storyctl doctor on a live cluster', () => {
  const stalledNs = useNamespace('cli-stalled');
  const cleanNs = useNamespace('cli-clean');

  beforeAll(async () => {
    const k = clients('admin');
    await createSeedScenario(k, stalledNs, 'call-1', Date.parse('2026-04-22T18:00:00Z'));
    await requestCancel(k, stalledNs, 'call-1');
    await new ControllerSim(k).reconcile(stalledNs, 'call-1', CANCEL);
    await createStory(
      k,
      makeStory({ namespace: cleanNs, name: 'batch', pattern: 'batch', steps: ['a'], transports: [] }),
    );
    await createRun(k, makeRun({ namespace: cleanNs, name: 'fine', story: 'batch' }), {
      phase: 'Succeeded',
      startedAt: '2026-04-22T18:00:00Z',
      finishedAt: '2026-04-22T18:01:00Z',
      duration: '1m0s',
      stepStates: { a: { phase: 'Succeeded' } },
      stepsComplete: 1,
      stepsFailed: 0,
      stepsSkipped: 0,
    });
  });

  const doctor = (user: 'admin' | 'readonly' | 'restricted' | 'nobody', ...args: string[]) =>
    runCli(['doctor', '--kubeconfig', cluster().kubeconfigs[user], '-o', 'json', '--now', AT, ...args]);

  it('writes SARIF for live findings that the validator and GitHub accept (an artifact for each object)', async () => {
    const r = await runCli([
      'doctor',
      '--kubeconfig',
      cluster().kubeconfigs.admin,
      '-n',
      stalledNs,
      '--now',
      AT,
      '-o',
      'sarif',
    ]);
    expect(r.code, r.stderr).toBe(1);
    const log = JSON.parse(r.stdout) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uris = log.runs[0]?.results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri) ?? [];
    expect(uris.length).toBeGreaterThan(0);
    expect(uris).toContain(`cluster/StoryRun/${stalledNs}/call-1`);
    expect(await validateSarif({ 'live doctor': r.stdout })).toEqual([]);
  }, 60_000);

  it('exits 0 on a healthy namespace and names the cluster as the source', async () => {
    const r = await doctor('admin', '-n', cleanNs);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rep = report(r.stdout);
    expect(rep.findings).toEqual([]);
    expect(rep.sources).toEqual([
      {
        type: 'cluster',
        name: `storyctl-test-admin (${cluster().server})`,
        objects: 3,
        // What was looked at (issue 13).
        scope: {
          context: 'storyctl-test-admin',
          namespaces: [cleanNs],
          counts: { storyRuns: 1, stepRuns: 0, stories: 1, transports: 1 },
        },
      },
    ]);
  });

  it('exits 1 with SR101 for the stalled cancel', async () => {
    const r = await doctor('readonly', '-n', stalledNs);
    expect(r.code).toBe(1);
    expect(report(r.stdout).findings.some((f) => f.ruleId === 'SR101' && f.subject?.name === 'call-1')).toBe(
      true,
    );
  });

  it('exits 3 when transports may not be listed and nothing else is wrong', async () => {
    const r = await doctor('restricted', '-n', cleanNs);
    expect(r.code).toBe(3);
    expect(report(r.stdout).notEvaluated).toContainEqual({
      ruleId: 'SR102',
      reason: 'cannot list transports.transport.bubustack.io at cluster scope',
    });
  });

  it('still exits 1 when findings exist even though some rules were not evaluated', async () => {
    const r = await doctor('restricted', '-n', stalledNs);
    expect(r.code).toBe(1);
  });

  it('exits 2 for an unknown context', async () => {
    const r = await doctor('admin', '--context', 'prod');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"prod"');
  });
});

describe.skipIf(!useCluster())('the built storyctl binary against a live cluster', () => {
  const ns = useNamespace('cli-bin');
  let dir = '';
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
      execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    }
    dir = mkdtempSync(join(tmpdir(), 'storyctl-cli-'));
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 3 with every rule not evaluated for a user who may list nothing', async () => {
    const r = await runBin(['doctor', '--kubeconfig', cluster().kubeconfigs.nobody, '-n', ns, '-o', 'json']);
    expect(r.code).toBe(3);
    const rep = report(r.stdout);
    expect(rep.findings).toEqual([]);
    expect(rep.notEvaluated.find((n) => n.ruleId === 'SR101')?.reason).toBe(
      `cannot list storyruns.runs.bubustack.io in namespace ${ns}`,
    );
  });

  it('exits 2 within 15 s, naming the server, when the API server never answers', async () => {
    const port = (silent.address() as { port: number }).port;
    const file = join(dir, 'kubeconfig');
    writeFileSync(
      file,
      kubeconfigYaml(`https://127.0.0.1:${port}`, cluster().caFile, 'admin', cluster().tokens.admin),
    );
    const started = Date.now();
    const r = await runBin(['doctor', '--kubeconfig', file, '-o', 'json'], { timeoutMs: 30_000 });
    const elapsed = Date.now() - started;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`https://127.0.0.1:${port}`);
    // The default --request-timeout is 15 s for the whole command, node's start-up included.
    expect(elapsed).toBeLessThan(15_000);
    expect(elapsed).toBeGreaterThan(10_000);
  }, 40_000);
});
