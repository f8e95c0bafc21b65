// `kubectl storyctl <Tab>`: kubectl (>= 1.26) runs bin/kubectl_complete-storyctl with the words after
// `kubectl storyctl` and reads cobra's answer (candidates, then `:<directive>`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIRECTIVE, kubectlComplete } from '../../src/cli/completion/kubectl.js';
import { completionSpec } from '../../src/cli/completion/spec.js';
import { processIO } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { OUTPUT_FORMATS } from '../../src/report/types.js';
import { allRuleMetas } from '../../src/rules/index.js';

const spec = completionSpec(buildProgram(processIO(), { code: 0, argv: [] }));
const values = (words: string[]): string[] => kubectlComplete(spec, words).candidates.map((c) => c.value);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'kubectl_complete-storyctl');

describe('kubectl plugin completion (answers)', () => {
  it('completes commands with their descriptions, never hidden ones', () => {
    const a = kubectlComplete(spec, ['']);
    expect(a.candidates.map((c) => c.value)).toEqual(spec.map((c) => c.name));
    expect(a.candidates.map((c) => c.value)).not.toContain('__complete');
    expect(a.candidates[0]?.description).toBeTruthy();
    expect(values(['fi'])).toEqual(['finish']);
    expect(a.directive).toBe(DIRECTIVE.noFileComp);
  });

  it('completes flags, and the closed values of a flag, separate or after =', () => {
    expect(values(['doctor', '--out'])).toEqual(['--output', '--output-file']);
    expect(values(['doctor', '-o', ''])).toEqual([...OUTPUT_FORMATS]);
    expect(values(['lint', 'a.log', '--output=s'])).toEqual(['--output=sarif']);
    expect(values(['lint', '--fail-on', 'w'])).toEqual(['warning']);
    expect(values(['doctor', '--rule', 'SR20'])).toEqual(
      allRuleMetas()
        .map((m) => m.id)
        .filter((id) => id.startsWith('SR20')),
    );
  });

  it('lets the shell complete file names where a file is wanted, and nothing where free text is', () => {
    expect(kubectlComplete(spec, ['lint', 'x.log', '']).directive).toBe(DIRECTIVE.default);
    expect(kubectlComplete(spec, ['doctor', '--snapshot', '']).directive).toBe(DIRECTIVE.default);
    expect(kubectlComplete(spec, ['doctor', '--selector', '']).directive).toBe(DIRECTIVE.noFileComp);
    expect(values(['doctor', '--selector', ''])).toEqual([]);
  });

  it('asks the cluster for names with the flags typed so far, wherever they stand', () => {
    expect(
      kubectlComplete(spec, ['finish', '--kubeconfig=/k', '-n', 'voice', '--context', 'c1', 'r']),
    ).toMatchObject({
      dynamic: { what: 'runs', flags: { namespace: 'voice', context: 'c1', kubeconfig: '/k' } },
      prefix: 'r',
      lead: '',
    });
    expect(kubectlComplete(spec, ['doctor', '--namespace=pro'])).toMatchObject({
      dynamic: { what: 'namespaces' },
      prefix: 'pro',
      lead: '--namespace=',
    });
    expect(values(['explain', 'LK1'])).toEqual(['LK101', 'LK102', 'LK103', 'LK104']);
  });
});

describe('bin/kubectl_complete-storyctl', () => {
  it('answers in cobra’s format, with names from the kubeconfig', () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-kcomp-'));
    const kc = join(dir, 'config');
    writeFileSync(
      kc,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: a, cluster: {server: "https://127.0.0.1:9"}}]',
        'users: [{name: a, user: {token: t}}]',
        'contexts: [{name: kind-dev, context: {cluster: a, user: a}}, {name: prod, context: {cluster: a, user: a}}]',
        'current-context: prod',
        '',
      ].join('\n'),
    );
    const run = (...words: string[]) =>
      spawnSync(bin, words, { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: dir } });
    const contexts = run('doctor', '--kubeconfig', kc, '--context', '');
    expect(contexts.status).toBe(0);
    expect(contexts.stdout).toBe('kind-dev\nprod\n:4\n');
    const commands = run('');
    expect(commands.stdout.split('\n').at(-2)).toBe(':4');
    expect(commands.stdout).toMatch(/^doctor\t\S/m);
    // An unreachable cluster gives no names, quickly, and still a directive.
    const runs = run('finish', '--kubeconfig', kc, '');
    expect(runs.status).toBe(0);
    expect(runs.stdout).toBe(':4\n');
  });
});
