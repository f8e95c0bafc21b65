// Issue 13, install from a checkout: a clone that is not built says to run `npm ci` in one line
// (no module-not-found trace), and the test run ends with one line about the cluster tests.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import ClusterStatusReporter, { CLUSTER_STATUS_ENV } from '../support/cluster-status-reporter.js';

const root = join(import.meta.dirname, '..', '..');

describe('an unbuilt checkout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storyctl-unbuilt-'));
  mkdirSync(join(dir, 'bin'));
  for (const f of ['storyctl.js', 'kubectl-storyctl'])
    copyFileSync(join(root, 'bin', f), join(dir, 'bin', f));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'storyctl', type: 'module' }));

  it('bin/storyctl.js says to run npm ci, in one line, exit 2', () => {
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'storyctl.js'), 'doctor'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`storyctl: this checkout is not built yet: run \`npm ci\` in ${dir}\n`);
    expect(r.stdout).toBe('');
  });

  it('bin/kubectl-storyctl says the same', () => {
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'kubectl-storyctl'), 'doctor'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('run `npm ci` in the checkout');
  });
});

describe('the cluster status line at the end of a test run', () => {
  afterEach(() => {
    delete process.env[CLUSTER_STATUS_ENV];
    vi.restoreAllMocks();
  });

  const lastLine = (modules: { project: { name: string } }[]): string => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    new ClusterStatusReporter().onTestRunEnd(modules as unknown as TestModule[]);
    vi.restoreAllMocks();
    return out.trim();
  };

  it('says the cluster tests ran, and where', () => {
    process.env[CLUSTER_STATUS_ENV] = 'against a real kube-apiserver (/x) at https://127.0.0.1:1';
    expect(lastLine([{ project: { name: 'cluster' } }, { project: { name: 'unit' } }])).toBe(
      'cluster tests: ran 1 file(s) against a real kube-apiserver (/x) at https://127.0.0.1:1',
    );
  });

  it('says why they were skipped, or that none were selected', () => {
    process.env[CLUSTER_STATUS_ENV] = 'skipped: no kube-apiserver/etcd found';
    expect(lastLine([{ project: { name: 'cluster' } }])).toBe(
      'cluster tests: skipped: no kube-apiserver/etcd found (1 file(s))',
    );
    expect(lastLine([{ project: { name: 'unit' } }])).toBe(
      'cluster tests: not run (none selected; npm run test:cluster runs them)',
    );
  });
});
