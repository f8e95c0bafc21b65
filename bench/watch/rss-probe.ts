// Investigation aid: one loaded apiserver, several `storyctl watch -A` runs in tmux with different
// node flags (STORYCTL_PROBE_VARIANTS: `;`-separated flag lists), each sampled for RSS over time.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinaries } from '../../test/cluster/binaries.js';
import { startCluster } from '../../test/cluster/harness.js';
import { loadRuns } from '../scan/load.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const runs = Number(process.env['STORYCTL_BENCH_WATCH_RUNS'] ?? 3000);
const variants = (process.env['STORYCTL_PROBE_VARIANTS'] ?? '').split(';');
const binaries = findBinaries();
if (!binaries) throw new Error('no apiserver');
const cluster = await startCluster({ binaries, crdDir: join(repoRoot, 'fixtures', 'crds') });
const dir = mkdtempSync(join(tmpdir(), 'storyctl-probe-'));
const socket = join(dir, 'tmux.sock');
const tmux = (...a: string[]): string => execFileSync('tmux', ['-S', socket, ...a], { encoding: 'utf8' });
writeFileSync(join(dir, 'tmux.conf'), '');
const server = spawn('tmux', ['-S', socket, '-D', '-f', join(dir, 'tmux.conf')], { stdio: 'ignore' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const status = (pid: number, field: string): number =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) /
  1024;
try {
  while (!existsSync(socket)) await sleep(50);
  await loadRuns(cluster.info, runs);
  for (const [i, flags] of variants.entries()) {
    const command = `cd ${JSON.stringify(repoRoot)} && NO_COLOR=1 exec ${process.execPath} ${flags} bin/storyctl.js watch -A --kubeconfig ${cluster.info.kubeconfigs.admin}`;
    tmux('new-session', '-d', '-s', `w${i}`, '-x', '160', '-y', '45', 'sh', '-c', command);
    const pid = Number(tmux('display-message', '-p', '-t', `w${i}`, '#{pane_pid}').trim());
    const t0 = Date.now();
    const samples: string[] = [];
    let ready = -1;
    while (Date.now() - t0 < 120_000) {
      await sleep(250);
      const rss = status(pid, 'VmRSS');
      if (ready < 0 && new RegExp(`runs ${runs} `).test(tmux('capture-pane', '-p', '-t', `w${i}`)))
        ready = (Date.now() - t0) / 1000;
      samples.push(rss.toFixed(0));
      if (ready > 0 && Date.now() - t0 > ready * 1000 + Number(process.env['PROBE_IDLE_MS'] ?? 15_000)) break;
    }
    console.log(
      `[${flags}] ready ${ready}s peak ${status(pid, 'VmHWM').toFixed(0)} MB; rss: ${samples.join(' ')}`,
    );
    if (flags.includes('heapsnapshot-signal')) {
      process.kill(pid, 'SIGUSR2');
      await sleep(15_000);
    }
    tmux('kill-session', '-t', `w${i}`);
  }
} finally {
  try {
    tmux('kill-server');
  } catch {
    /* gone */
  }
  server.kill();
  await cluster.stop();
}
