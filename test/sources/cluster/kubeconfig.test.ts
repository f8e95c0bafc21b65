import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoryctlError } from '../../../src/model/errors.js';
import { makeKubeConfig } from '../../../src/sources/cluster/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'storyctl-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
}

const config = (ctx: string, server: string, ns?: string, current = true): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    current ? `current-context: ${ctx}` : '',
    'clusters:',
    `- name: ${ctx}`,
    `  cluster: {server: "${server}"}`,
    'users:',
    `- name: ${ctx}-user`,
    '  user: {token: t}',
    'contexts:',
    `- name: ${ctx}`,
    `  context: {cluster: ${ctx}, user: ${ctx}-user${ns ? `, namespace: ${ns}` : ''}}`,
  ].join('\n');

describe('makeKubeConfig', () => {
  const a = file('a.yaml', config('a', 'https://a:6443', 'team-a'));
  const b = file('b.yaml', config('b', 'https://b:6443'));
  const noCurrent = file('c.yaml', config('c', 'https://c:6443', undefined, false));

  it('uses --kubeconfig and reports context, namespace, user and server', () => {
    const r = makeKubeConfig({ kubeconfig: a, env: {} });
    expect([r.context, r.namespace, r.user, r.server]).toEqual(['a', 'team-a', 'a-user', 'https://a:6443']);
  });

  it('merges KUBECONFIG files: missing ones skipped, first current-context wins, all contexts usable', () => {
    const env = { KUBECONFIG: [join(dir, 'missing.yaml'), noCurrent, b, a].join(':') };
    expect(makeKubeConfig({ env }).context).toBe('b');
    expect(makeKubeConfig({ env, context: 'a' }).server).toBe('https://a:6443');
    expect(makeKubeConfig({ env, context: 'c' }).namespace).toBeUndefined();
  });

  it('fails with a configuration error for an unknown context, a missing file, or nothing at all', () => {
    const kinds = [
      () => makeKubeConfig({ kubeconfig: a, context: 'zzz', env: {} }),
      () => makeKubeConfig({ kubeconfig: join(dir, 'nope.yaml'), env: {} }),
      () => makeKubeConfig({ env: { KUBECONFIG: join(dir, 'nope.yaml') } }),
      () => makeKubeConfig({ env: { HOME: join(dir, 'no-home') } }),
      () => makeKubeConfig({ kubeconfig: noCurrent, env: {} }),
    ].map((f) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return e instanceof StoryctlError ? e.kind : 'other';
      }
    });
    expect(kinds).toEqual(['config', 'config', 'config', 'config', 'config']);
  });
});
