// `npm run bench -- scan`: the live scan against `kubectl get ... -o json` of the same objects and a
// raw paged listing with client-node, on a real apiserver filled with N runs (default 3000) and
// 2 StepRuns each. Target (issue 3): doctor/kubectl <= 1.0 and <= 300 MB peak RSS.
// STORYCTL_BENCH_RUNS sets N; STORYCTL_BENCH_REPEAT the repetitions (median is reported).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { findBinaries } from '../../test/cluster/binaries.js';
import { startCluster } from '../../test/cluster/harness.js';
import { loadRuns } from './load.js';
import { measure, median, type Measurement } from './measure.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const TARGET_RATIO = 1.0;
const TARGET_RSS_MB = 300;

export async function runScanBench(): Promise<boolean> {
  const runs = Number(process.env['STORYCTL_BENCH_RUNS'] ?? 3000);
  const repeat = Number(process.env['STORYCTL_BENCH_REPEAT'] ?? 3);
  const binaries = findBinaries();
  if (!binaries) {
    console.log(
      'scan: skipped, no kube-apiserver/etcd (run scripts/provision-apiserver.sh or set KUBEBUILDER_ASSETS)',
    );
    return process.env['STORYCTL_REQUIRE_APISERVER'] !== '1';
  }
  const bin = join(repoRoot, 'bin', 'storyctl.js');
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
    console.log('scan: dist/ is missing: run `npm run build` first');
    return false;
  }
  const kubectl = which('kubectl');
  const cluster = await startCluster({ binaries, crdDir: join(repoRoot, 'fixtures', 'crds') });
  try {
    const t0 = Date.now();
    const loaded = await loadRuns(cluster.info, runs);
    console.log(
      `scan: loaded ${loaded.runs} StoryRuns and ${loaded.steps} StepRuns in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const kubeconfig = cluster.info.kubeconfigs.admin;

    const doctor: Measurement[] = [];
    const kube: Measurement[] = [];
    const raw: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const d = await measure(process.execPath, [
        bin,
        'doctor',
        '-A',
        '-o',
        'json',
        '--fail-on',
        'none',
        '--kubeconfig',
        kubeconfig,
      ]);
      if (d.code !== 0) throw new Error(`storyctl doctor exited ${d.code}: ${d.stderr.slice(0, 500)}`);
      doctor.push(d);
      if (kubectl) {
        const k = await measure(kubectl, [
          'get',
          'storyruns,stepruns,stories,transports',
          '-A',
          '-o',
          'json',
          '--kubeconfig',
          kubeconfig,
        ]);
        if (k.code !== 0) throw new Error(`kubectl exited ${k.code}: ${k.stderr.slice(0, 500)}`);
        kube.push(k);
      }
      raw.push(await rawListing(kubeconfig));
    }

    const dMs = median(doctor.map((m) => m.ms));
    const dRss = Math.max(...doctor.map((m) => m.peakRssMb ?? NaN));
    const rMs = median(raw);
    const rows: string[][] = [['', 'median ms', 'peak RSS MB', 'ratio (doctor / this)']];
    rows.push(['storyctl doctor -A -o json', dMs.toFixed(0), dRss.toFixed(0), '']);
    let ok = dRss <= TARGET_RSS_MB;
    if (kubectl) {
      const kMs = median(kube.map((m) => m.ms));
      const ratio = dMs / kMs;
      rows.push([
        'kubectl get ... -A -o json',
        kMs.toFixed(0),
        Math.max(...kube.map((m) => m.peakRssMb ?? NaN)).toFixed(0),
        ratio.toFixed(2),
      ]);
      ok = ok && ratio <= TARGET_RATIO;
    } else {
      rows.push(['kubectl get ... -A -o json', 'not on PATH', '', '']);
    }
    rows.push(['raw paged listing (client-node, in-process)', rMs.toFixed(0), '', (dMs / rMs).toFixed(2)]);
    const width = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
    for (const r of rows) console.log(`scan: ${r.map((cell, c) => cell.padEnd(width[c] ?? 0)).join('  ')}`);
    console.log(
      `scan: ${loaded.runs} runs / ${loaded.steps} steps, ${repeat} repetitions; target doctor/kubectl <= ${TARGET_RATIO}, RSS <= ${TARGET_RSS_MB} MB: ${ok ? 'met' : 'NOT met'}`,
    );
    return ok;
  } finally {
    await cluster.stop();
  }
}

/** The floor: the four kinds listed in pages of 500 with client-node, nothing else. */
async function rawListing(kubeconfig: string): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = kc.makeApiClient(CustomObjectsApi);
  const started = process.hrtime.bigint();
  const all = async (group: string, plural: string, cluster: boolean): Promise<number> => {
    let n = 0;
    let token: string | undefined;
    do {
      const req = { group, version: 'v1alpha1', plural, limit: 500, ...(token ? { _continue: token } : {}) };
      const page = (await (cluster
        ? api.listClusterCustomObject(req)
        : api.listCustomObjectForAllNamespaces(req))) as {
        items: unknown[];
        metadata?: { continue?: string };
      };
      n += page.items.length;
      token = page.metadata?.continue || undefined;
    } while (token);
    return n;
  };
  await Promise.all([
    all('runs.bubustack.io', 'storyruns', false),
    all('runs.bubustack.io', 'stepruns', false),
    all('bubustack.io', 'stories', false),
    all('transport.bubustack.io', 'transports', true),
  ]);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function which(cmd: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
