// Every time flag goes through one duration parser with one error style, and --request-timeout
// takes kubectl's forms (0, 5s, 1m, a bare number of seconds) in doctor, finish and watch alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processIO } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { runBin, runCli } from '../support/cli.js';

const SNAPSHOT = ['--snapshot', 'fixtures/all-rules/snapshot.yaml', '--now', '2026-04-22T18:20:00Z'];

/** The flags commander parses for `storyctl <args>`, without running the command. */
async function parsedFlags(args: string[]): Promise<Record<string, unknown>> {
  const program = buildProgram(processIO(), { code: 0, argv: [] });
  let flags: Record<string, unknown> = {};
  for (const c of program.commands)
    (c as Command).action((...a: unknown[]) => {
      flags = a.at(-2) as Record<string, unknown>;
    });
  await program.parseAsync(['node', 'storyctl', ...args]);
  return flags;
}

describe('--request-timeout', () => {
  const forms: [string, number][] = [
    ['0', 0],
    ['5s', 5],
    ['1m', 60],
    ['1m30s', 90],
    ['500ms', 0.5],
    ['7', 7],
    ['2.5', 2.5],
  ];
  for (const command of [['doctor'], ['finish', 'a'], ['watch']]) {
    it(`${command[0]}: takes kubectl's forms`, async () => {
      for (const [text, seconds] of forms)
        expect((await parsedFlags([...command, '--request-timeout', text]))['requestTimeout'], text).toBe(
          seconds,
        );
      expect((await parsedFlags(command))['requestTimeout']).toBe(15);
    });

    it(`${command[0]}: a bad value is a usage error that names the flag and the value`, async () => {
      for (const bad of ['abc', '5x', '-1', '', 's']) {
        const r = await runCli([...command, '--request-timeout', bad, '--kubeconfig', '/nonexistent/kc'], {
          tty: true,
        });
        expect(r.code, bad).toBe(2);
        expect(r.stderr, bad).toContain(`option '--request-timeout <duration>' argument '${bad}' is invalid`);
        expect(r.stderr, bad).toContain('0 for no timeout');
        expect(r.stdout).toBe('');
      }
    });
  }
});

describe('every duration flag reports a bad value in the same words', () => {
  const flags: [string[], string][] = [
    [['doctor', ...SNAPSHOT], '--stop-budget'],
    [['doctor', ...SNAPSHOT], '--operator-graceful-timeout'],
    [['lint', 'x.log'], '--stop-budget'],
    [['watch'], '--stop-budget'],
    [['finish', 'a'], '--stop-budget'],
    [['finish', 'a'], '--wait'],
  ];
  it('as one commander usage error (exit 2), the flag and the value named', async () => {
    const messages: string[] = [];
    for (const [args, flag] of flags) {
      const r = await runCli([...args, flag, 'soon']);
      expect(r.code, flag).toBe(2);
      expect(r.stdout, flag).toBe('');
      expect(r.stderr, flag).toMatch(
        new RegExp(`^error: option '${flag} <duration>' argument 'soon' is invalid\\.`),
      );
      messages.push(r.stderr.replace(`'${flag} <duration>'`, "'FLAG'"));
    }
    expect(new Set(messages).size, messages.join('\n')).toBe(1);
  });

  it('--operator-graceful-timeout and --stop-budget say the same thing about the same mistake', async () => {
    const budget = await runCli(['doctor', ...SNAPSHOT, '--stop-budget', '0']);
    const graceful = await runCli(['doctor', ...SNAPSHOT, '--operator-graceful-timeout', '0']);
    expect(graceful.code).toBe(2);
    expect(graceful.stderr.replace('--operator-graceful-timeout', '--stop-budget')).toBe(budget.stderr);
  });
});

describe('--request-timeout against an API server that never answers', () => {
  let dir = '';
  let silent: Server;
  const sockets: Socket[] = [];
  let kubeconfig = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'storyctl-timeout-'));
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const port = (silent.address() as { port: number }).port;
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: c',
        `clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: c, context: {cluster: c, user: u, namespace: voice}}]',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('finish gives up within 1s instead of crashing', async () => {
    const started = Date.now();
    const r = await runCli(['finish', 'call-1', '--kubeconfig', kubeconfig, '--request-timeout', '1s']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain('did not answer');
    expect(r.code).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('doctor honours 2s (the built binary, so the budget counts from its own start)', async () => {
    const started = Date.now();
    const r = await runBin(['doctor', '--kubeconfig', kubeconfig, '--request-timeout', '2s', '-o', 'json'], {
      timeoutMs: 30_000,
    });
    const elapsed = Date.now() - started;
    expect(r.stderr).toContain('did not answer');
    expect(r.code).toBe(2);
    expect(elapsed).toBeLessThan(8000);
  }, 40_000);
});
