// docs/ci.md's recipes are run as written (issue 14 item 5): every `storyctl` command in its code
// blocks, in order, through a shell with the built binary on PATH, in a fresh working directory
// holding captured logs in logs/. The SARIF the workflow uploads passes the validator, the JUnit
// GitLab reads parses, and the step summary is written; the config example validates.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/parse.js';
import { BIN } from '../support/cli.js';
import { validateSarif } from '../support/sarif-validator.js';

const sh = promisify(execFile);
const DOC = 'docs/ci.md';

interface Block {
  lang: string;
  text: string;
}

function codeBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] ?? '',
    text: m[2] ?? '',
  }));
}

/** Every string in a YAML value (a workflow's `run:`, a GitLab `script:` entry). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function storyctlCommands(blocks: Block[]): string[] {
  return blocks.flatMap((b) => {
    const lines =
      b.lang === 'yaml' ? strings(parseYaml(b.text)).flatMap((s) => s.split('\n')) : b.text.split('\n');
    return lines.map((l) => l.trim()).filter((l) => l.startsWith('storyctl '));
  });
}

let cwd: string;
let bin: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'storyctl-ci-doc-'));
  bin = join(cwd, '.bin');
  await mkdir(bin);
  await symlink(BIN, join(bin, 'storyctl'));
  // The captures the recipe lints: a LiveKit agent and the controller, as a repository keeps them.
  await cp('fixtures/logs/orphaned-stt-socket', join(cwd, 'logs'), { recursive: true });
  await cp('fixtures/logs/controller-cancel-window', join(cwd, 'logs', 'controller'), { recursive: true });
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe(DOC, () => {
  it('runs every storyctl command of its recipes as written, and they pass', async () => {
    const markdown = await readFile(DOC, 'utf8');
    const blocks = codeBlocks(markdown);
    const commands = storyctlCommands(blocks);
    expect(commands).toEqual([
      'storyctl lint logs/ --write-baseline .storyctl-baseline.json --fail-on none',
      'storyctl config view',
      'storyctl lint logs/ -o github -o sarif --output-file storyctl.sarif --baseline .storyctl-baseline.json',
      'storyctl lint logs/ -o junit --output-file storyctl-junit.xml -o table --baseline .storyctl-baseline.json',
    ]);
    const summary = join(cwd, 'step-summary.md');
    const env = {
      PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`,
      HOME: process.env['HOME'] ?? '',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
    };
    const outputs: string[] = [];
    for (const command of commands) {
      const r = await sh('sh', ['-c', command], { cwd, env, maxBuffer: 16 << 20 }).catch(
        (error: { code?: number; stdout?: string; stderr?: string }) => {
          throw new Error(`${command} exited ${String(error.code)}: ${error.stderr ?? ''}`);
        },
      );
      outputs.push(r.stdout);
    }
    // The captures have findings; the baseline holds them all, so the checks pass.
    expect(outputs[0]).toMatch(/✖ \d+ findings?/);
    expect(outputs[2]).toMatch(/^::(error|warning|notice) /m);
    expect(outputs[3]).toMatch(/, 0 new/);

    // The workflow uploads the file the lint step wrote.
    const workflow = blocks
      .map((b) => (b.lang === 'yaml' ? (parseYaml(b.text) as unknown) : undefined))
      .find(
        (y): y is { jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> } =>
          typeof y === 'object' && y !== null && 'jobs' in y,
      );
    const upload = Object.values(workflow?.jobs ?? {})
      .flatMap((j) => j.steps)
      .find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.['sarif_file']).toBe('storyctl.sarif');
    const sarif = await readFile(join(cwd, 'storyctl.sarif'), 'utf8');
    expect(await validateSarif({ 'docs/ci.md workflow': sarif })).toEqual([]);
    expect(await readFile(summary, 'utf8')).toMatch(/\*\*storyctl:\*\* .*, 0 new/);

    const junit = new XMLParser({ ignoreAttributes: false }).parse(
      await readFile(join(cwd, 'storyctl-junit.xml'), 'utf8'),
    ) as Record<string, unknown>;
    expect(junit['testsuites']).toBeDefined();
  }, 180_000);

  it('its config example is a valid .storyctl.yaml', async () => {
    const blocks = codeBlocks(await readFile(DOC, 'utf8'));
    const configs = blocks.filter((b) => b.lang === 'yaml' && /^kind: Config$/m.test(b.text));
    expect(configs).toHaveLength(1);
    for (const b of configs) expect(() => parseConfigText(b.text, DOC)).not.toThrow();
  });
});
