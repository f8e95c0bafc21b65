// A real kube-apiserver + etcd for the cluster tests and the scan bench (ARCHITECTURE.md "Tests
// against a real Kubernetes API server"): free loopback ports, HTTPS with the serving certificate
// the apiserver generates itself, static tokens for four users, RBAC, the project's CRDs.
// Processes run in their own process groups and are stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Binaries } from './binaries.js';
import { installCrds, installRbac, waitForReady } from './bootstrap.js';

/** The users every test cluster has (static tokens). */
export type TestUser = 'admin' | 'readonly' | 'restricted' | 'nobody';

export const TEST_USERS: Readonly<Record<TestUser, string>> = {
  admin: 'system:masters: everything',
  readonly: 'get/list/watch on the four Bobrapet kinds, nothing else',
  restricted: 'like readonly, but no access to transports',
  nobody: 'authenticated, no permissions at all',
};

/** Serializable: handed to test files through vitest's provide/inject. */
export interface ClusterInfo {
  server: string;
  /** The folder the binaries came from (a second apiserver in a test uses the same). */
  binDir: string;
  /** etcd's client URL (tests compact it to expire continue tokens). */
  etcd: string;
  dir: string;
  /** One kubeconfig file per user; its context is named `storyctl-test-<user>` and its namespace `default`. */
  kubeconfigs: Record<TestUser, string>;
  tokens: Record<TestUser, string>;
  caFile: string;
}

export interface RunningCluster {
  info: ClusterInfo;
  /** Process-group leaders (etcd, kube-apiserver), for a last-resort kill on exit. */
  pids: number[];
  stop(): Promise<void>;
}

export interface StartOptions {
  binaries: Binaries;
  /** Install fixtures/crds (default true); false gives a cluster without Bobrapet. */
  crds?: boolean;
  /** Folder holding the CRD YAML files. */
  crdDir: string;
  /** Extra kube-apiserver flags (e.g. --max-requests-inflight=1 to provoke 429s). */
  extraArgs?: string[];
  /** Put etcd's data on tmpfs when there is one (default true): the tests do not need durability. */
  tmpfs?: boolean;
}

export async function startCluster(options: StartOptions): Promise<RunningCluster> {
  const base = options.tmpfs !== false && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'storyctl-apiserver-'));
  const procs: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of procs.reverse()) await stopProcess(p);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [etcdClient, etcdPeer, securePort] = await freePorts(3);
    procs.push(
      launch(
        options.binaries.etcd,
        [
          `--data-dir=${join(dir, 'etcd')}`,
          `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
          `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
          '--log-level=warn',
        ],
        join(dir, 'etcd.log'),
      ),
    );

    const tokens = {} as Record<TestUser, string>;
    const lines: string[] = [];
    for (const user of Object.keys(TEST_USERS) as TestUser[]) {
      tokens[user] = randomBytes(16).toString('hex');
      lines.push(`${tokens[user]},${user},uid-${user}${user === 'admin' ? ',"system:masters"' : ''}`);
    }
    writeFileSync(join(dir, 'tokens.csv'), lines.join('\n') + '\n', { mode: 0o600 });
    // 1.20 requires service-account signing flags even though nothing here uses service accounts.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

    const certDir = join(dir, 'certs');
    procs.push(
      launch(
        options.binaries.apiserver,
        [
          `--etcd-servers=http://127.0.0.1:${etcdClient}`,
          `--secure-port=${securePort}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          // 1.20 still opens the insecure port 8080 by default: turn it off so parallel servers do not collide.
          '--insecure-port=0',
          `--cert-dir=${certDir}`,
          `--token-auth-file=${join(dir, 'tokens.csv')}`,
          '--authorization-mode=RBAC',
          `--service-account-key-file=${join(dir, 'sa.pub')}`,
          `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
          '--service-account-issuer=https://kubernetes.default.svc',
          '--service-cluster-ip-range=10.0.0.0/24',
          // No controller-manager runs: admission that waits for controllers (service accounts) is off.
          '--disable-admission-plugins=ServiceAccount',
          '--enable-priority-and-fairness=false',
          '--logtostderr=true',
          '--v=0',
          ...(options.extraArgs ?? []),
        ],
        join(dir, 'apiserver.log'),
      ),
    );

    const server = `https://127.0.0.1:${securePort}`;
    const caFile = join(certDir, 'apiserver.crt');
    const kubeconfigs = {} as Record<TestUser, string>;
    for (const user of Object.keys(TEST_USERS) as TestUser[]) {
      kubeconfigs[user] = join(dir, `kubeconfig-${user}.yaml`);
      writeFileSync(kubeconfigs[user], kubeconfigYaml(server, caFile, user, tokens[user]), { mode: 0o600 });
    }
    const info: ClusterInfo = {
      server,
      binDir: options.binaries.dir,
      etcd: `http://127.0.0.1:${etcdClient}`,
      dir,
      kubeconfigs,
      tokens,
      caFile,
    };
    await waitForReady(info, procs, 90_000);
    await installRbac(info);
    if (options.crds !== false) await installCrds(info, readCrds(options.crdDir));
    return { info, stop, pids: procs.flatMap((p) => (p.pid === undefined ? [] : [p.pid])) };
  } catch (error) {
    const logs = ['etcd.log', 'apiserver.log']
      .map((f) => join(dir, f))
      .filter((f) => existsSync(f))
      .map((f) => `--- ${f} (tail)\n${readFileSync(f, 'utf8').split('\n').slice(-25).join('\n')}`)
      .join('\n');
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs}`, { cause: error });
  }
}

export function kubeconfigYaml(server: string, caFile: string, user: string, token: string): string {
  const name = `storyctl-test-${user}`;
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${name}`,
    'clusters:',
    `- name: storyctl-test`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caFile}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    '    cluster: storyctl-test',
    `    user: ${user}`,
    '    namespace: default',
    '',
  ].join('\n');
}

export function readCrds(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
}

function launch(bin: string, args: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  // detached: its own process group, so stop() can signal the group and leave nothing behind.
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  return child;
}

async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  signalGroup(p.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(p.pid ?? 0, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function freePorts(n: number): Promise<number[]> {
  // Hold all listeners open together so the same port is not handed out twice.
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new Error('no port');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** A kubeconfig whose user gets its credential from an exec plugin (context `storyctl-test-plugin`). */
export function execKubeconfig(server: string, caFile: string, command: string, args: string[] = []): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'current-context: storyctl-test-plugin',
    'clusters:',
    '- name: storyctl-test',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caFile}`,
    'users:',
    '- name: plugin-user',
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1beta1',
    `      command: ${command}`,
    `      args: ${JSON.stringify(args)}`,
    '      interactiveMode: Never',
    'contexts:',
    '- name: storyctl-test-plugin',
    '  context:',
    '    cluster: storyctl-test',
    '    user: plugin-user',
    '    namespace: default',
    '',
  ].join('\n');
}
