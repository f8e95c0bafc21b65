// Where the test apiserver's binaries come from: KUBEBUILDER_ASSETS (envtest users have them),
// STORYCTL_TEST_APISERVER_DIR, or the cache scripts/provision-apiserver.sh builds into.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APISERVER_VERSION = '1.20.2';

export interface Binaries {
  dir: string;
  apiserver: string;
  etcd: string;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root =
    env['STORYCTL_CACHE_DIR'] ??
    join(env['XDG_CACHE_HOME'] ?? join(env['HOME'] ?? homedir(), '.cache'), 'storyctl');
  return join(root, `kube-apiserver-${APISERVER_VERSION}`);
}

export function binariesIn(dir: string): Binaries | undefined {
  const apiserver = join(dir, 'kube-apiserver');
  const etcd = join(dir, 'etcd');
  return isExecutable(apiserver) && isExecutable(etcd) ? { dir, apiserver, etcd } : undefined;
}

/** The first folder holding both binaries, in the documented order; undefined when none does. */
export function findBinaries(env: NodeJS.ProcessEnv = process.env): Binaries | undefined {
  for (const dir of [env['KUBEBUILDER_ASSETS'], env['STORYCTL_TEST_APISERVER_DIR'], cacheDir(env)]) {
    if (!dir) continue;
    const found = binariesIn(dir);
    if (found) return found;
  }
  return undefined;
}

/** Build (or find) the binaries with the project's script; minutes on a fresh machine. */
export function provisionBinaries(repoRoot: string): Binaries {
  const script = join(repoRoot, 'scripts', 'provision-apiserver.sh');
  const out = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (out.status !== 0) throw new Error(`${script} failed with status ${out.status}`);
  const dir = out.stdout.trim().split('\n').pop() ?? '';
  const found = binariesIn(dir);
  if (!found) throw new Error(`${script} printed "${dir}", which holds no kube-apiserver and etcd`);
  return found;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
