// Issue 13, docs that travel with the tool: one generated page per rule in docs/rules/, cited by
// `explain`, --help and the README; nothing points at files outside the repository; package.json
// names the repository and the bug tracker, and an internal error points there.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { allRuleMetas } from '../../src/rules/index.js';
import { runCli } from '../support/cli.js';

const root = join(import.meta.dirname, '..', '..');
const OUTSIDE = /CONTROLLER\.md|LOG-FORMATS\.md|RULES\.md|ARCHITECTURE\.md|STYLE\.md/;

describe('docs/rules', () => {
  it('has a page for every rule, which its metadata names', () => {
    for (const m of allRuleMetas()) {
      expect(m.docs).toBe(`docs/rules/${m.id}.md`);
      expect(existsSync(join(root, m.docs)), m.docs).toBe(true);
      const page = readFileSync(join(root, m.docs), 'utf8');
      for (const heading of ['## What', '## Why it matters', '## Evidence', '## Fix', '## What it rests on'])
        expect(page, `${m.id} ${heading}`).toContain(heading);
      expect(m.upstream.length, m.id).toBeGreaterThan(0);
    }
  });

  it('is what the metadata generates (npm run rules:docs -- --check)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/rules-docs.ts', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`docs/rules matches ${allRuleMetas().length} rules`);
  });

  it('explain cites the rule page in the repository', async () => {
    for (const m of allRuleMetas()) {
      const r = await runCli(['explain', m.id]);
      expect(r.stdout).toContain(
        `Docs: docs/rules/${m.id}.md (https://github.com/bubustack/storyctl/blob/main/docs/rules/${m.id}.md)`,
      );
      expect(r.stdout).not.toMatch(OUTSIDE);
    }
  });

  it('no --help and no README line points at a file outside the repository', async () => {
    for (const cmd of [
      [],
      ['doctor'],
      ['finish'],
      ['lint'],
      ['watch'],
      ['rules'],
      ['explain'],
      ['version'],
      ['completion'],
    ])
      expect((await runCli([...cmd, '--help'])).stdout, cmd.join(' ')).not.toMatch(OUTSIDE);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).not.toMatch(OUTSIDE);
  });
});

describe('package.json and the bug tracker', () => {
  it('names the repository, the homepage and the bug tracker', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['homepage']).toBe('https://github.com/bubustack/storyctl');
    expect(pkg['repository']).toEqual({ type: 'git', url: 'git+https://github.com/bubustack/storyctl.git' });
    expect(pkg['bugs']).toEqual({ url: 'https://github.com/bubustack/storyctl/issues' });
  });

  it('an internal error points at the bug tracker', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const io = {
      stdout: {
        write: () => {
          throw new Error('disk on fire');
        },
      },
      stderr,
      stdin: new PassThrough(),
      env: {},
      cwd: root,
      now: () => Date.now(),
    } as unknown as CliIO;
    const code = await run(['node', 'storyctl', 'rules', '-o', 'json'], io);
    await new Promise((r) => setImmediate(r));
    expect(code).toBe(2);
    expect(err).toBe(
      'storyctl: internal error: disk on fire\nstoryctl: this is a bug; please report it at https://github.com/bubustack/storyctl/issues (STORYCTL_DEBUG=1 prints a stack trace to include)\n',
    );
  });
});
