// `bin/kubectl-storyctl`: the kubectl plugin entry. Run directly, through kubectl's plugin lookup
// (when kubectl is installed), and as CommonJS (a copy outside this "type": "module" package), since
// an extensionless file's module type depends on where it lies and on the Node version.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRuleMetas } from '../../src/rules/index.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const plugin = join(repoRoot, 'bin', 'kubectl-storyctl');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const ruleIds = allRuleMetas().map((m) => m.id);
let dir = '';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'storyctl-plugin-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/kubectl-storyctl', () => {
  it('is an executable node script', () => {
    accessSync(plugin, constants.X_OK);
    expect(readFileSync(plugin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('runs directly with this Node and prints the rule catalog', () => {
    const r = run(plugin, ['rules', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((m) => m.id)).toEqual(ruleIds);
  });

  it('passes the exit code through', () => {
    const r = run(plugin, ['explain', 'SR999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule "SR999"');
  });

  it('also runs when Node loads it as CommonJS', () => {
    const pkg = join(dir, 'cjs');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'cjs-scope', type: 'commonjs' }));
    copyFileSync(plugin, join(pkg, 'bin', 'kubectl-storyctl'));
    symlinkSync(join(repoRoot, 'dist'), join(pkg, 'dist'));
    const r = run(process.execPath, [join(pkg, 'bin', 'kubectl-storyctl'), 'rules', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((m) => m.id)).toEqual(ruleIds);
  });

  it('says what is missing when the build is not there', () => {
    const pkg = join(dir, 'unbuilt');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    copyFileSync(plugin, join(pkg, 'bin', 'kubectl-storyctl'));
    const r = run(process.execPath, [join(pkg, 'bin', 'kubectl-storyctl'), 'rules']);
    expect(r.code).toBe(2);
    // One line, and what to do: run npm ci (issue 13).
    expect(r.stderr).toContain('kubectl-storyctl: storyctl is not built yet');
    expect(r.stderr).toContain('run `npm ci` in the checkout');
  });

  describe.skipIf(!hasKubectl)('through kubectl', () => {
    const PATH = `${join(repoRoot, 'bin')}${delimiter}${process.env['PATH'] ?? ''}`;

    it('is listed by kubectl plugin list', () => {
      const r = run('kubectl', ['plugin', 'list'], { PATH });
      expect(r.stdout).toContain(plugin);
    });

    it('runs as `kubectl storyctl` with the arguments and exit code passed through', () => {
      const r = run('kubectl', ['storyctl', 'rules', '-o', 'json'], { PATH });
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as { id: string }[]).map((m) => m.id)).toEqual(ruleIds);
      expect(run('kubectl', ['storyctl', 'explain', 'SR999'], { PATH }).code).toBe(2);
    });

    it('completes through kubectl (kubectl_complete-storyctl, kubectl >= 1.26)', () => {
      const r = run('kubectl', ['__complete', 'storyctl', 'doctor', '-o', ''], { PATH });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('table\nwide\njson\nyaml\nname\nsarif\ngithub\njunit\nmarkdown\n:4\n');
      expect(run('kubectl', ['__complete', 'storyctl', 'expl'], { PATH }).stdout).toMatch(/^explain\t/);
    });
  });
});
