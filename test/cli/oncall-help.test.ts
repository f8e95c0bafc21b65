// Issue 13: kubectl's habits offline: an Examples section in every --help, `storyctl version
// --client`, the flag spellings (-v=6, --request-timeout forms), finish's selection rules, and the
// pieces the connection flags rest on (impersonation headers, release tags).
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { headerSpelling } from '../../src/sources/cluster/kubeconfig.js';
import { releaseFromImage as releaseOf } from '../../src/contract/operator-release.js';
import { runCli } from '../support/cli.js';

const visibleCommands = (): string[] =>
  buildProgram({} as CliIO, { code: 0, argv: [] })
    .commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .map((c) => c.name());

describe('--help', () => {
  it('has commands to show', () => {
    expect(visibleCommands()).toEqual(
      expect.arrayContaining([
        'doctor',
        'finish',
        'lint',
        'rules',
        'explain',
        'watch',
        'version',
        'completion',
      ]),
    );
  });

  for (const name of ['', ...visibleCommands()]) {
    it(`storyctl ${name || '(no command)'} --help ends with Examples`, async () => {
      const r = await runCli([...(name ? [name] : []), '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\nExamples:\n {2}# .+\n {2}(storyctl|kubectl|source) .+/);
    });
  }
});

describe('storyctl version', () => {
  it('--client prints the package version and contacts nothing', async () => {
    const r = await runCli(['version', '--client']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Client Version: storyctl \d+\.\d+\.\d+\n$/);
    const json = await runCli(['version', '--client', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ clientVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('reads a release from the operator image tag only when it names one', () => {
    expect(releaseOf('ghcr.io/bubustack/bobrapet:v0.1.12')).toBe('v0.1.12');
    expect(releaseOf('ghcr.io/bubustack/bobrapet:0.1.12')).toBe('v0.1.12');
    expect(releaseOf('ghcr.io/bubustack/bobrapet:latest')).toBeUndefined();
    expect(releaseOf('ghcr.io/bubustack/bobrapet@sha256:abc')).toBeUndefined();
    expect(releaseOf('localhost:5000/bobrapet')).toBeUndefined();
  });
});

describe("kubectl's flag spellings", () => {
  it('-v takes 6, =6 and --v=6; a word is a usage error', async () => {
    for (const v of [['-v', '6'], ['-v=6'], ['--v=7']]) {
      const r = await runCli(['doctor', ...v, '--kubeconfig', '/nonexistent']);
      expect(r.stderr).toContain('kubeconfig /nonexistent does not exist');
    }
    const bad = await runCli(['doctor', '-v', 'loud']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a log level such as 6');
  });

  it('--request-timeout takes 5s, 1m, 5 and 0 in doctor, finish and watch; a bad value is a usage error', async () => {
    for (const cmd of [['doctor'], ['finish', 'x'], ['watch']])
      for (const t of ['5s', '1m', '5', '0']) {
        const r = await runCli([...cmd, '--request-timeout', t, '--kubeconfig', '/nonexistent'], {
          tty: true,
        });
        expect(r.stderr, `${cmd[0]} ${t}`).toContain('kubeconfig /nonexistent does not exist');
      }
    for (const cmd of [['doctor'], ['finish', 'x'], ['watch']]) {
      const r = await runCli([...cmd, '--request-timeout', 'soon'], { tty: true });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('expected a duration');
    }
  });

  it('connection flags do not apply to --snapshot', async () => {
    const r = await runCli([
      'doctor',
      '--snapshot',
      'fixtures/healthy',
      '--as',
      'x',
      '--server',
      'https://a',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--server, --as apply to a live cluster only');
  });

  it('sends each impersonated group under its own spelling of the header name', () => {
    const names = Array.from({ length: 20 }, (_, i) => headerSpelling('Impersonate-Group', i));
    expect(names[0]).toBe('Impersonate-Group');
    expect(new Set(names).size).toBe(20);
    for (const n of names) expect(n.toLowerCase()).toBe('impersonate-group');
  });
});

describe('finish selection', () => {
  it('takes -l without --all-stalled, but not with run names, and -A only with a selection', async () => {
    const both = await runCli(['finish', 'a', '-l', 'x=y']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give run names or -l SELECTOR, not both');
    const all = await runCli(['finish', 'a', '-A']);
    expect(all.code).toBe(2);
    expect(all.stderr).toContain('-A selects runs with -l or --all-stalled');
    const none = await runCli(['finish']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      'name at least one StoryRun, or select them with -l SELECTOR or --all-stalled',
    );
    const selected = await runCli(['finish', '-l', 'x=y', '-A', '--kubeconfig', '/nonexistent']);
    expect(selected.stderr).toContain('kubeconfig /nonexistent does not exist');
  });
});
