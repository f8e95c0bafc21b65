// kubeconfig exec credential plugins (`users[].user.exec`), run within the API budget. client-node's
// own ExecAuth starts the plugin with no time limit and no way to stop it, so a plugin that hangs
// (an SSO login waiting for a browser) hangs storyctl for ever; one that fails or prints garbage
// surfaces as a bare JSON.parse or stderr message, reported as an internal error. Here the plugin
// runs under the abort signal of the request attempt that needs it (the ApiCaller's budget), is
// killed when that ends, and every failure names the plugin, the user and the context.
//
// client-node consults its built-in authenticators before ours, so a user's `exec` is moved off the
// user it sees and kept here; the authenticator is registered with KubeConfig.addAuthenticator.
import { spawn } from 'node:child_process';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { StoryctlError } from '../../model/errors.js';
import { currentAttempt } from './attempt.js';

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];
type RequestOptions = Parameters<Authenticator['applyAuthentication']>[1];

interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  apiVersion?: string;
}

interface Plugin {
  exec: ExecConfig;
  /** "the credential plugin aws (user eks-admin, context prod)", for messages. */
  described: string;
}

interface Credential {
  token: string | undefined;
  clientCertificateData: string | undefined;
  clientKeyData: string | undefined;
  /** Epoch ms; undefined: valid for the rest of the process, as kubectl treats it. */
  expiresAt: number | undefined;
}

/** When no request attempt is around (a watch connection), the plugin gets this long. */
const FALLBACK_TIMEOUT_MS = 15_000;
/** Refresh a credential this long before it expires, so it does not lapse in flight. */
const EXPIRY_MARGIN_MS = 10_000;
const MAX_OUTPUT = 1 << 20;

/**
 * Take over the exec plugins of `kc`'s users. Call once, after the kubeconfig is loaded and
 * before API clients are made from it.
 */
export function boundExecPlugins(kc: KubeConfig): void {
  const plugins = new Map<string, Plugin>();
  kc.users = kc.users.map((user) => {
    if (!user.exec) return user;
    const exec = user.exec as ExecConfig;
    const contexts = kc.contexts.filter((c) => c.user === user.name).map((c) => c.name);
    const where = contexts.length > 0 ? `, context ${contexts.join(', ')}` : '';
    plugins.set(user.name, {
      exec,
      described: `the credential plugin ${String(exec.command)} (user ${user.name}${where})`,
    });
    const { exec: _moved, ...rest } = user;
    return rest as User;
  });
  if (plugins.size > 0) kc.addAuthenticator(new BoundedExecAuth(plugins));
}

class BoundedExecAuth implements Authenticator {
  private readonly cache = new Map<string, Credential>();
  private readonly running = new Map<string, Promise<Credential>>();

  constructor(private readonly plugins: ReadonlyMap<string, Plugin>) {}

  isAuthProvider(user: User): boolean {
    return this.plugins.has(user.name);
  }

  async applyAuthentication(user: User, opts: RequestOptions): Promise<void> {
    // Every attempt waiting for the plugin (parallel lists share one run) says so, so that whichever
    // times out first names the plugin rather than the server.
    const attempt = currentAttempt.getStore();
    if (attempt) attempt.waitingFor = this.plugins.get(user.name)?.described;
    let credential: Credential;
    try {
      credential = await this.credential(user.name);
    } finally {
      if (attempt && !attempt.signal.aborted) attempt.waitingFor = undefined;
    }
    if (credential.token)
      opts.headers = { ...(opts.headers ?? {}), Authorization: `Bearer ${credential.token}` };
    const tls = opts as { cert?: unknown; key?: unknown };
    if (credential.clientCertificateData) tls.cert = credential.clientCertificateData;
    if (credential.clientKeyData) tls.key = credential.clientKeyData;
  }

  private credential(name: string): Promise<Credential> {
    const cached = this.cache.get(name);
    if (cached && (cached.expiresAt === undefined || cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()))
      return Promise.resolve(cached);
    // Parallel lists share one run of the plugin.
    const running = this.running.get(name);
    if (running) return running;
    const plugin = this.plugins.get(name);
    if (!plugin) return Promise.reject(new Error(`no exec plugin for user ${name}`));
    const run = runPlugin(plugin).then(
      (credential) => {
        this.cache.set(name, credential);
        this.running.delete(name);
        return credential;
      },
      (error: unknown) => {
        this.running.delete(name);
        throw error;
      },
    );
    this.running.set(name, run);
    return run;
  }
}

function runPlugin(plugin: Plugin): Promise<Credential> {
  const { exec, described } = plugin;
  if (typeof exec.command !== 'string' || exec.command === '')
    return Promise.reject(new StoryctlError('config', `${described} names no command`));
  const attempt = currentAttempt.getStore();
  const signal = attempt?.signal ?? AbortSignal.timeout(FALLBACK_TIMEOUT_MS);
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  // What kubectl tells a plugin: the API version it expects, and that nobody can answer a prompt.
  env['KUBERNETES_EXEC_INFO'] = JSON.stringify({
    apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    spec: { interactive: false },
  });
  return new Promise<Credential>((resolve, reject) => {
    // Its own process group, so a timeout also ends what the plugin started (a shell's children).
    const group = process.platform !== 'win32';
    const child = spawn(exec.command, exec.args ?? [], {
      env,
      detached: group,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let settled = false;
    const settle = (outcome: Credential | string): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (typeof outcome === 'string') reject(new StoryctlError('config', outcome));
      else resolve(outcome);
    };
    const onAbort = (): void => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      stop(child.pid, group);
      // Do not wait for pipes a grandchild may still hold open.
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      settle(`${described} did not finish within ${seconds} s (the request timeout)`);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (out.length < MAX_OUTPUT) out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (err.length < MAX_OUTPUT) err += d;
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      settle(
        error.code === 'ENOENT'
          ? `${described} cannot be run: ${exec.command} not found`
          : `${described} cannot be run: ${error.message}`,
      ),
    );
    child.on('close', (code, killedBy) => {
      if (code !== 0) {
        const said = lastLines(err) || lastLines(out);
        const how = code === null ? `killed by ${killedBy}` : `exit ${code}`;
        return settle(`${described} failed (${how})${said ? `: ${said}` : ''}`);
      }
      const parsed = parseCredential(out);
      settle(typeof parsed === 'string' ? `${described} ${parsed}` : parsed);
    });
  });
}

function stop(pid: number | undefined, group: boolean): void {
  if (pid === undefined) return;
  try {
    process.kill(group ? -pid : pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The credential in a plugin's stdout, or what is wrong with it (a phrase after the plugin's name). */
export function parseCredential(stdout: string): Credential | string {
  let value: unknown;
  try {
    value = JSON.parse(stdout) as unknown;
  } catch {
    const shown = stdout.trim() === '' ? 'nothing' : JSON.stringify(lastLines(stdout).slice(0, 120));
    return `printed ${shown} instead of an ExecCredential (JSON)`;
  }
  const object = (value ?? {}) as { kind?: unknown; status?: Record<string, unknown> };
  if (object.kind !== 'ExecCredential' || typeof object.status !== 'object' || object.status === null)
    return `printed JSON that is not an ExecCredential with a status (kind: ${JSON.stringify(object.kind ?? null)})`;
  const s = object.status;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const credential: Credential = {
    token: text(s['token']),
    clientCertificateData: text(s['clientCertificateData']),
    clientKeyData: text(s['clientKeyData']),
    expiresAt: undefined,
  };
  if (!credential.token && !(credential.clientCertificateData && credential.clientKeyData))
    return 'printed an ExecCredential with neither a token nor a client certificate and key';
  const expiry = text(s['expirationTimestamp']);
  if (expiry !== undefined) {
    const at = Date.parse(expiry);
    if (Number.isNaN(at))
      return `printed an ExecCredential whose expirationTimestamp ${JSON.stringify(expiry)} is not a time`;
    credential.expiresAt = at;
  }
  return credential;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' / ').trim();
}
