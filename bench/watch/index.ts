// `npm run bench -- watch`: `storyctl watch -A` in a real terminal (tmux, on its own socket) against
// a real apiserver filled with N StoryRuns (default 3 000) and 2 StepRuns each, as the serve bench
// fills it. Measured on the running process: CPU while idle (nothing changes) over 30 s, peak RSS
// (the kernel's VmHWM), and, after a burst of 200 status updates to other runs, the time from the
// API server's answer to one more status change until the rendered frame shows it (tmux
// capture-pane polled every 50 ms: what a person at the terminal would see, within that 50 ms).
// The change finishes a live run with its step states still Running, so the header's error count
// goes up by one. Targets (issue 16): idle CPU <= 5 % of a core, RSS <= 300 MB, change <= 1 s.
// STORYCTL_BENCH_WATCH_RUNS sets N, STORYCTL_BENCH_IDLE_SECONDS the idle window.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinaries } from '../../test/cluster/binaries.js';
import { startCluster, type ClusterInfo } from '../../test/cluster/harness.js';
import { rawRequest } from '../../test/cluster/raw.js';
import { inParallel } from '../../test/support/kube-clients.js';
import { benchNamespaces, loadRuns } from '../scan/load.js';
import { median } from '../scan/measure.js';
import { cpuSeconds, peakRssMb } from '../serve/proc.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const TARGET_IDLE_CPU = 5;
const TARGET_RSS_MB = 300;
const TARGET_LATENCY_MS = 1000;
const BURST = 200;
const ROUNDS = 3;

export async function runWatchBench(): Promise<boolean> {
  const runs = Number(process.env['STORYCTL_BENCH_WATCH_RUNS'] ?? 3000);
  const idleSeconds = Math.max(30, Number(process.env['STORYCTL_BENCH_IDLE_SECONDS'] ?? 30));
  const binaries = findBinaries();
  if (!binaries) {
    console.log(
      'watch: skipped, no kube-apiserver/etcd (run scripts/provision-apiserver.sh or set KUBEBUILDER_ASSETS)',
    );
    return process.env['STORYCTL_REQUIRE_APISERVER'] !== '1';
  }
  if (spawnSync('tmux', ['-V']).status !== 0) {
    console.log('watch: skipped, tmux is not installed');
    return process.env['STORYCTL_REQUIRE_APISERVER'] !== '1';
  }
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
    console.log('watch: dist/ is missing: run `npm run build` first');
    return false;
  }
  const cluster = await startCluster({ binaries, crdDir: join(repoRoot, 'fixtures', 'crds') });
  const dir = mkdtempSync(join(tmpdir(), 'storyctl-bench-watch-'));
  const socket = join(dir, 'tmux.sock');
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  // The tmux server runs in the foreground as our child (-D): where /dev/null is not a device
  // (some sandboxes), tmux cannot daemonize.
  writeFileSync(join(dir, 'tmux.conf'), '');
  const server = spawn('tmux', ['-S', socket, '-D', '-f', join(dir, 'tmux.conf')], { stdio: 'ignore' });
  const screen = (): string => tmux('capture-pane', '-p', '-t', 'watch');
  try {
    while (!existsSync(socket) && server.exitCode === null) await sleep(50);
    const t0 = Date.now();
    const loaded = await loadRuns(cluster.info, runs);
    console.log(
      `watch: loaded ${loaded.runs} StoryRuns and ${loaded.steps} StepRuns in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const command = `cd ${JSON.stringify(repoRoot)} && NO_COLOR=1 exec ${JSON.stringify(process.execPath)} bin/storyctl.js watch -A --kubeconfig ${JSON.stringify(cluster.info.kubeconfigs.admin)}`;
    const started = Date.now();
    tmux('new-session', '-d', '-s', 'watch', '-x', '160', '-y', '45', 'sh', '-c', command);
    const pid = Number(tmux('display-message', '-p', '-t', 'watch', '#{pane_pid}').trim());
    await waitFor(screen, (t) => new RegExp(`runs ${runs} `).test(t), 180_000, 'all runs listed');
    const readyS = (Date.now() - started) / 1000;
    // Where the peak is reached: while loading, while idle, or in the bursts.
    const peaks = [peakRssMb(pid)];

    // --- idle
    await sleep(5000);
    const cpu0 = cpuSeconds(pid);
    const idleStart = Date.now();
    await sleep(idleSeconds * 1000);
    const idleCpu = ((cpuSeconds(pid) - cpu0) / ((Date.now() - idleStart) / 1000)) * 100;
    peaks.push(peakRssMb(pid));

    // --- bursts, each followed by one change that must show
    const latencies: number[] = [];
    const burstSeconds: number[] = [];
    const names = benchNamespaces();
    const nameOf = (i: number): { ns: string; name: string } => ({
      ns: names[i % names.length] ?? 'bench-0',
      name: `call-${String(i).padStart(6, '0')}`,
    });
    for (let round = 0; round < ROUNDS; round++) {
      const before = errorCount(screen());
      const others = Array.from({ length: BURST }, (_, k) => 1 + ((round * BURST + k) % (runs - 1))).filter(
        (i) => i % 50 !== 0,
      );
      const b0 = Date.now();
      await inParallel(others, 24, async (i) => {
        const { ns, name } = nameOf(i);
        await patchStatus(cluster.info, ns, name, { message: `burst ${round} update ${i}` });
      });
      burstSeconds.push((Date.now() - b0) / 1000);
      // A live run (not one of every 50th, broken ones) finished with its step states still Running.
      const { ns, name } = nameOf(round * 50 + 7);
      await patchStatus(cluster.info, ns, name, {
        phase: 'Finished',
        finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      });
      const c0 = Date.now();
      await waitFor(screen, (t) => errorCount(t) > before, 120_000, `error count above ${before}`, 50);
      latencies.push(Date.now() - c0);
      await sleep(2000);
    }
    const rss = peakRssMb(pid);

    const ok =
      idleCpu <= TARGET_IDLE_CPU && rss <= TARGET_RSS_MB && Math.max(...latencies) <= TARGET_LATENCY_MS;
    const line = (what: string, value: string, target: string, met: boolean): void =>
      console.log(
        `watch: ${what.padEnd(38)} ${value.padStart(10)}  target ${target}: ${met ? 'met' : 'NOT met'}`,
      );
    console.log(
      `watch: ${loaded.runs} runs / ${loaded.steps} steps in a 160x45 tmux pane; all runs shown after ${readyS.toFixed(1)} s`,
    );
    line(
      `idle CPU % of a core (${idleSeconds} s)`,
      idleCpu.toFixed(2),
      `<= ${TARGET_IDLE_CPU}`,
      idleCpu <= TARGET_IDLE_CPU,
    );
    line('peak RSS MB', rss.toFixed(0), `<= ${TARGET_RSS_MB}`, rss <= TARGET_RSS_MB);
    console.log(
      `watch: peak RSS was ${peaks[0]?.toFixed(0)} MB when all runs were shown, ${peaks[1]?.toFixed(0)} MB after the idle window`,
    );
    line(
      `change visible after ${BURST}-update burst, ms (median / max of ${ROUNDS})`,
      `${median(latencies).toFixed(0)} / ${Math.max(...latencies).toFixed(0)}`,
      `<= ${TARGET_LATENCY_MS}`,
      Math.max(...latencies) <= TARGET_LATENCY_MS,
    );
    console.log(
      `watch: bursts took ${burstSeconds.map((s) => s.toFixed(1)).join(', ')} s to send; ` +
        `latency is from the API server's answer to the change until capture-pane shows it (50 ms polling)`,
    );
    return ok;
  } finally {
    spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
    if (server.exitCode === null) server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    await cluster.stop();
  }
}

/** The header's `N error` count, or -1 when the header is not on screen. */
function errorCount(text: string): number {
  const m = /· (\d+) error ·/.exec(text);
  return m ? Number(m[1]) : -1;
}

async function waitFor(
  screen: () => string,
  test: (text: string) => boolean,
  timeoutMs: number,
  what: string,
  everyMs = 200,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (test(last)) return last;
    await sleep(everyMs);
  }
  throw new Error(`watch: timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${last}`);
}

async function patchStatus(
  info: ClusterInfo,
  ns: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  const res = await rawRequest(
    info,
    'admin',
    'PATCH',
    `/apis/runs.bubustack.io/v1alpha1/namespaces/${ns}/storyruns/${name}/status`,
    { status },
    'application/merge-patch+json',
  );
  if (res.status >= 300) throw new Error(`patch ${ns}/${name}: HTTP ${res.status}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
