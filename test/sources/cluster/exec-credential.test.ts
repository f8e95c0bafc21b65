// kubeconfig exec plugins run by storyctl's own authenticator: bounded by the request attempt's
// signal (the ApiCaller's budget), shared by parallel requests, cached until they expire, and every
// failure one configuration error naming the plugin, user and context. Real child processes.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoryctlError } from '../../../src/model/errors.js';
import { currentAttempt } from '../../../src/sources/cluster/attempt.js';
import { parseCredential } from '../../../src/sources/cluster/exec-credential.js';
import { makeKubeConfig } from '../../../src/sources/cluster/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'storyctl-exec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfigWith(name: string, script: string): string {
  const plugin = join(dir, `${name}.sh`);
  writeFileSync(plugin, `#!/bin/sh\n${script}\n`);
  chmodSync(plugin, 0o755);
  const file = join(dir, `${name}.kubeconfig`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: prod',
      'clusters:',
      '- name: c',
      '  cluster: {server: "https://k:6443"}',
      'users:',
      '- name: sso',
      '  user:',
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1beta1',
      `      command: ${plugin}`,
      '      env: [{name: STORYCTL_TEST_VAR, value: set-by-kubeconfig}]',
      'contexts:',
      '- name: prod',
      '  context: {cluster: c, user: sso}',
      '',
    ].join('\n'),
  );
  return file;
}

const credential = (status: Record<string, unknown>): string =>
  JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status });

async function authorization(file: string, signal?: AbortSignal): Promise<string | undefined> {
  const { kc } = makeKubeConfig({ kubeconfig: file, env: {} });
  const apply = async (): Promise<string | undefined> => {
    const opts = await kc.applyToFetchOptions({});
    return (opts.headers as unknown as Headers).get('authorization') ?? undefined;
  };
  if (!signal) return apply();
  return currentAttempt.run({ signal, waitingFor: undefined }, apply);
}

/** Running (a killed process nobody has reaped yet is a zombie: gone for our purpose). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function failure(p: Promise<unknown>): Promise<StoryctlError> {
  const error = await p.catch((e: unknown) => e);
  if (!(error instanceof StoryctlError)) throw new Error(`expected a StoryctlError, got ${String(error)}`);
  return error;
}

describe('exec credential plugins', () => {
  it('hands the token on, with the kubeconfig env and KUBERNETES_EXEC_INFO set', async () => {
    const seen = join(dir, 'env-seen');
    const file = kubeconfigWith(
      'good',
      `echo "$STORYCTL_TEST_VAR $KUBERNETES_EXEC_INFO" > ${seen}\necho '${credential({ token: 'tok-1' })}'`,
    );
    expect(await authorization(file)).toBe('Bearer tok-1');
    const [envVar, info] = readFileSync(seen, 'utf8').trim().split(' ');
    expect(envVar).toBe('set-by-kubeconfig');
    expect(JSON.parse(info ?? '')).toMatchObject({ kind: 'ExecCredential', spec: { interactive: false } });
  });

  it('runs the plugin once for parallel requests and keeps a credential until it expires', async () => {
    const runs = join(dir, 'runs');
    writeFileSync(runs, '');
    const soon = new Date(Date.now() + 5_000).toISOString(); // inside the refresh margin: stale at once
    const file = kubeconfigWith(
      'counted',
      `echo run >> ${runs}\nsleep 0.2\necho '${credential({ token: 'tok-2', expirationTimestamp: soon })}'`,
    );
    const { kc } = makeKubeConfig({ kubeconfig: file, env: {} });
    await Promise.all([kc.applyToFetchOptions({}), kc.applyToFetchOptions({}), kc.applyToFetchOptions({})]);
    expect(readFileSync(runs, 'utf8').trim().split('\n')).toHaveLength(1);
    await kc.applyToFetchOptions({});
    expect(readFileSync(runs, 'utf8').trim().split('\n')).toHaveLength(2);

    const forever = join(dir, 'runs-forever');
    writeFileSync(forever, '');
    const kept = makeKubeConfig({
      kubeconfig: kubeconfigWith('no-expiry', `echo run >> ${forever}\necho '${credential({ token: 't' })}'`),
      env: {},
    }).kc;
    await kept.applyToFetchOptions({});
    await kept.applyToFetchOptions({});
    expect(readFileSync(forever, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('stops a plugin that hangs when the attempt ends, and names it', async () => {
    const pidFile = join(dir, 'sleeper.pid');
    const file = kubeconfigWith('hangs', `sleep 30 &\necho $! > ${pidFile}\nwait`);
    const started = Date.now();
    const error = await failure(authorization(file, AbortSignal.timeout(300)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(
      new RegExp(
        `^the credential plugin ${join(dir, 'hangs.sh')} \\(user sso, context prod\\) did not finish within 0\\.\\d s`,
      ),
    );
    // The whole process group went, the plugin's own children included.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(sleeper)).toBe(false);
  });

  it('reports a failing plugin with what it wrote to stderr', async () => {
    const error = await failure(
      authorization(kubeconfigWith('fails', 'echo "error: token expired, run sso login" >&2\nexit 4')),
    );
    expect(error.message).toBe(
      `the credential plugin ${join(dir, 'fails.sh')} (user sso, context prod) failed (exit 4): error: token expired, run sso login`,
    );
  });

  it('reports garbage on stdout and a command that does not exist', async () => {
    const garbage = await failure(authorization(kubeconfigWith('garbage', 'echo "Please log in"')));
    expect(garbage.message).toBe(
      `the credential plugin ${join(dir, 'garbage.sh')} (user sso, context prod) printed "Please log in" instead of an ExecCredential (JSON)`,
    );
    const file = kubeconfigWith('moved', 'true');
    writeFileSync(file, readFileSync(file, 'utf8').replace('moved.sh', 'not-there.sh'));
    const missing = await failure(authorization(file));
    expect(missing.message).toBe(
      `the credential plugin ${join(dir, 'not-there.sh')} (user sso, context prod) cannot be run: ${join(dir, 'not-there.sh')} not found`,
    );
  });
});

describe('parseCredential', () => {
  it('accepts a token or a client certificate and key, with an optional expiry', () => {
    expect(parseCredential(credential({ token: 't', expirationTimestamp: '2030-01-01T00:00:00Z' }))).toEqual({
      token: 't',
      clientCertificateData: undefined,
      clientKeyData: undefined,
      expiresAt: Date.parse('2030-01-01T00:00:00Z'),
    });
    expect(parseCredential(credential({ clientCertificateData: 'c', clientKeyData: 'k' }))).toMatchObject({
      clientCertificateData: 'c',
      clientKeyData: 'k',
    });
  });

  it('says what is wrong with anything else', () => {
    expect(parseCredential('')).toBe('printed nothing instead of an ExecCredential (JSON)');
    expect(parseCredential('{"kind":"Config"}')).toBe(
      'printed JSON that is not an ExecCredential with a status (kind: "Config")',
    );
    expect(parseCredential(credential({}))).toBe(
      'printed an ExecCredential with neither a token nor a client certificate and key',
    );
    expect(parseCredential(credential({ token: 't', expirationTimestamp: 'tomorrow' }))).toBe(
      'printed an ExecCredential whose expirationTimestamp "tomorrow" is not a time',
    );
  });
});

describe('credential files', () => {
  it('names a missing client certificate, its user and context', () => {
    const file = join(dir, 'certs.kubeconfig');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: prod',
        'clusters:',
        '- name: c',
        '  cluster: {server: "https://k:6443"}',
        'users:',
        '- name: admin',
        `  user: {client-certificate: ${join(dir, 'gone.crt')}, client-key: ${join(dir, 'gone.key')}}`,
        'contexts:',
        '- name: prod',
        '  context: {cluster: c, user: admin}',
        '',
      ].join('\n'),
    );
    let error: unknown;
    try {
      makeKubeConfig({ kubeconfig: file, env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoryctlError);
    expect((error as StoryctlError).kind).toBe('config');
    expect((error as StoryctlError).message).toBe(
      `the client certificate ${join(dir, 'gone.crt')} of user admin (context prod) does not exist`,
    );
  });
});
