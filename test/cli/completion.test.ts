// Completion scripts: generated from the commander program, syntactically valid for each shell
// that is installed, complete every command and rule ID, and (bash, run for real) complete flags,
// values and cluster names through `storyctl __complete`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionScript, SHELLS } from '../../src/cli/commands/completion.js';
import { completionSpec } from '../../src/cli/completion/spec.js';
import { buildProgram } from '../../src/cli/program.js';
import { processIO } from '../../src/cli/io.js';
import { OUTPUT_FORMATS } from '../../src/report/types.js';
import { allRuleMetas } from '../../src/rules/index.js';
import { runCli } from '../support/cli.js';

const has = (bin: string): boolean => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
const program = buildProgram(processIO(), { code: 0, argv: [] });
const commands = program.commands.map((c) => c.name()).filter((n) => n !== '__complete');
const ruleIds = allRuleMetas().map((m) => m.id);
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'storyctl-completion-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout;
}

describe('storyctl completion', () => {
  for (const shell of SHELLS) {
    it(`${shell}: names every command, rule ID and output format`, async () => {
      const text = await script(shell);
      for (const c of commands) expect(text, c).toContain(c);
      for (const id of ruleIds) expect(text, id).toContain(id);
      for (const f of OUTPUT_FORMATS) expect(text, f).toContain(f);
    });
  }

  it('bash: the script parses (bash -n)', async () => {
    const file = join(dir, 'storyctl.bash');
    writeFileSync(file, await script('bash'));
    const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!has('zsh'))('zsh: the script parses (zsh -n)', async () => {
    const file = join(dir, '_storyctl');
    writeFileSync(file, await script('zsh'));
    const r = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!has('fish'))('fish: the script parses (fish --no-execute)', async () => {
    const file = join(dir, 'storyctl.fish');
    writeFileSync(file, await script('fish'));
    const r = spawnSync('fish', ['--no-execute', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses an unknown shell with a usage error', async () => {
    const r = await runCli(['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bash, zsh or fish');
  });

  it('keeps __complete out of help and out of the completed commands', async () => {
    expect(completionSpec(program).map((c) => c.name)).toEqual(commands);
    const r = await runCli(['--help']);
    expect(r.stdout).toContain('completion');
    expect(r.stdout).not.toContain('__complete');
  });
});

describe('completionSpec', () => {
  it('follows the program: a new command and flag appear without touching the generator', () => {
    const p = new Command('storyctl');
    p.command('frobnicate')
      .description('test')
      .addOption(new Option('--level <n>', 'low|high').choices(['low', 'high']))
      .option('-v, --verbose', 'more');
    const spec = completionSpec(p, ['SR101']);
    expect(spec).toEqual([
      {
        name: 'frobnicate',
        description: 'test',
        flags: [
          { long: '--level', description: 'low|high', value: { type: 'words', words: ['low', 'high'] } },
          { long: '--verbose', short: '-v', description: 'more' },
          { long: '--help', short: '-h', description: 'display help for command' },
        ],
        args: [],
      },
    ]);
    expect(completionScript('bash', spec)).toContain("compgen -W 'low high'");
  });

  it('completes the closed value sets the options declare, which their descriptions show', () => {
    // A description that lists `a|b|c` (at its start, or after a colon at its end) lists exactly the
    // option's declared choices, so help text and completion cannot disagree.
    const listed = (description: string): string[] | undefined =>
      (/^([a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)+)/.exec(description) ??
        /:\s*([a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)+)\s*$/.exec(description))?.[1]?.split('|');
    const options = program.commands.flatMap((c) =>
      c.options.map((o) => [`${c.name()} ${o.long}`, o] as const),
    );
    const described = options.filter(([, o]) => listed(o.description) !== undefined);
    expect(described.map(([name]) => name)).toEqual([
      'doctor --output',
      'doctor --fail-on',
      'finish --output',
      'lint --output',
      'lint --fail-on',
      'rules --output',
      'version --output',
    ]);
    for (const [name, o] of described) expect(o.argChoices, name).toEqual(listed(o.description));
    expect(listed('kubeconfig context')).toBeUndefined();
  });

  it('gives doctor its formats, severities, rule IDs, files and cluster names', () => {
    const doctor = completionSpec(program).find((c) => c.name === 'doctor');
    const flag = (long: string) => doctor?.flags.find((f) => f.long === long)?.value;
    expect(flag('--output')).toEqual({ type: 'words', words: [...OUTPUT_FORMATS] });
    expect(flag('--fail-on')).toEqual({ type: 'words', words: ['error', 'warning', 'info', 'none'] });
    expect(flag('--rule')).toEqual({ type: 'words', words: ruleIds });
    expect(flag('--kubeconfig')).toEqual({ type: 'files' });
    expect(flag('--namespace')).toEqual({ type: 'dynamic', what: 'namespaces' });
    expect(flag('--context')).toEqual({ type: 'dynamic', what: 'contexts' });
  });
});

describe('closed sets declared with Option.choices', () => {
  it('complete the modes of finish --dry-run, which no description spells as a|b', () => {
    const finish = completionSpec(program).find((c) => c.name === 'finish');
    expect(finish?.flags.find((f) => f.long === '--dry-run')?.value).toEqual({
      type: 'words',
      words: ['client', 'server'],
    });
  });
});

describe('bash completion, run in bash', () => {
  // `storyctl` is a shell function here: it records how __complete was called and answers.
  async function complete(line: string): Promise<string[]> {
    const file = join(dir, 'run.bash');
    writeFileSync(file, await script('bash'));
    const words = line.split(' ');
    const driver = [
      `source ${JSON.stringify(file)}`,
      'storyctl() { echo "$*" >> ' +
        JSON.stringify(join(dir, 'calls')) +
        '; [[ "$2" == namespaces ]] && printf "voice\\nvoice-staging\\nbatch\\n"; [[ "$2" == runs ]] && printf "call-7f3a\\ncall-2b91\\n"; return 0; }',
      `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      '_storyctl',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const r = spawnSync('bash', ['-c', driver], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter((l) => l !== '');
  }

  it('completes commands, flags and flag values', async () => {
    expect(await complete('storyctl w')).toEqual(['watch']);
    expect(await complete('storyctl doctor -o ')).toEqual([...OUTPUT_FORMATS]);
    expect(await complete('storyctl doctor --fail-on w')).toEqual(['warning']);
    expect(await complete('storyctl lint --skip-rule LK1')).toEqual(
      ruleIds.filter((id) => id.startsWith('LK1')),
    );
    expect(await complete('storyctl watch --stop')).toEqual(['--stop-budget']);
    expect(await complete('storyctl explain SR30')).toEqual(['SR301', 'SR302', 'SR303']);
    expect(await complete('storyctl completion ')).toEqual(['bash', 'zsh', 'fish']);
    // A flag's value is not the command: `-o json` before more flags still completes doctor's flags.
    expect(await complete('storyctl doctor -o json --sel')).toEqual(['--selector']);
  });

  it('asks storyctl __complete for namespaces and runs, passing -n, --context and --kubeconfig on', async () => {
    rmSync(join(dir, 'calls'), { force: true });
    expect(await complete('storyctl watch -n voice')).toEqual(['voice', 'voice-staging']);
    expect(await complete('storyctl finish --kubeconfig /tmp/kc -n voice --context prod ')).toEqual([
      'call-7f3a',
      'call-2b91',
    ]);
    const calls = spawnSync('cat', [join(dir, 'calls')], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n');
    expect(calls).toEqual([
      '__complete namespaces',
      '__complete runs -n voice --context prod --kubeconfig /tmp/kc',
    ]);
  });
});

describe('storyctl __complete', () => {
  let silent: Server;
  let port = 0;
  beforeAll(async () => {
    // Accepts connections and never answers: the worst case for a shell waiting on Tab.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => silent.close(() => resolve())));

  it('prints nothing and exits 0 without a kubeconfig', async () => {
    const r = await runCli(['__complete', 'namespaces', '--kubeconfig', join(dir, 'missing.yaml')]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('gives up on a silent server within its short timeout', async () => {
    const kc = join(dir, 'silent.yaml');
    writeFileSync(
      kc,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: c',
        'clusters:',
        '- name: c',
        '  cluster:',
        `    server: http://127.0.0.1:${port}`,
        'users:',
        '- name: u',
        '  user: {token: t}',
        'contexts:',
        '- name: c',
        '  context: {cluster: c, user: u}',
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const r = await runCli(['__complete', 'runs', '-n', 'voice', '--kubeconfig', kc]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('lists the contexts of the kubeconfig without a server', async () => {
    const kc = join(dir, 'contexts.yaml');
    writeFileSync(
      kc,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: prod',
        'clusters:',
        '- name: c',
        '  cluster: {server: "https://127.0.0.1:1"}',
        'users:',
        '- name: u',
        '  user: {token: t}',
        'contexts:',
        '- name: prod',
        '  context: {cluster: c, user: u}',
        '- name: staging',
        '  context: {cluster: c, user: u}',
        '',
      ].join('\n'),
    );
    const r = await runCli(['__complete', 'contexts', '--kubeconfig', kc]);
    expect(r.stdout).toBe('prod\nstaging\n');
  });
});
