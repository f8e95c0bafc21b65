// Issue 13, offline: the report says what it looked at, usage mistakes are usage errors, and the
// table reads in an incident (grouped by run, the fix command whole, compact evidence, 80 and 200
// columns without a cut name), with -o wide, -o yaml and -o name beside it.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Report } from '../../src/model/report.js';
import { findRuleMeta } from '../../src/rules/index.js';
import { runCli } from '../support/cli.js';

const DEMO = ['--snapshot', 'fixtures/demo/cluster.yaml', '--now', '2026-04-22T18:16:00Z'];
const DEMO_LOGS = [...DEMO, '--logs', 'fixtures/demo/logs'];
const RUN_STALLED = 'livekit-voice-assistant-rm-p2d7k9sx3nhw-6a0c4e8f1b2d9375';
const RUN_ENDED = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storyctl-oncall-'));
});

/** A canceled run the controller has not observed yet: SR101 cannot tell its age (not evaluated). */
const UNOBSERVED = `apiVersion: runs.bubustack.io/v1alpha1
kind: StoryRun
metadata: {name: call-new, namespace: voice}
spec: {storyRef: {name: batch}, cancelRequested: true}
status: {phase: Running, startedAt: "2026-04-22T18:00:00Z"}
`;

const STORY_ONLY = `apiVersion: bubustack.io/v1alpha1
kind: Story
metadata: {name: batch, namespace: voice}
spec: {steps: [{name: a}]}
`;

describe('honest scope', () => {
  it('puts the scope of a snapshot in the JSON report: namespaces and counts per kind', async () => {
    const r = await runCli(['doctor', ...DEMO, '-o', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.sources[0]?.scope).toEqual({
      namespaces: ['livekit-voice', 'media-batch'],
      counts: { storyRuns: 4, stepRuns: 11, stories: 2, transports: 1 },
    });
  });

  it('says no StoryRuns were found, with the scope beside "no findings", and exits 0', async () => {
    const file = join(dir, 'story-only.yaml');
    await writeFile(file, STORY_ONLY);
    const r = await runCli(['doctor', '--snapshot', file]);
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/\n\s+/g, ' ');
    expect(text).toContain(`No StoryRuns found in ${file}.`);
    expect(text).toContain(
      `scope: snapshot ${file} · namespace voice · 0 StoryRuns · 0 StepRuns · 1 Story · 0 Transports`,
    );
    expect(text).toContain(`✔ no findings in snapshot ${file}\n`);
  });

  it('--fail-on none exits 0 whatever was not evaluated; the default exits 3', async () => {
    const file = join(dir, 'unobserved.yaml');
    await writeFile(file, `${UNOBSERVED}---\n${STORY_ONLY}`);
    const base = ['doctor', '--snapshot', file, '--now', '2026-04-22T18:10:00Z', '-o', 'json'];
    const strict = await runCli(base);
    expect(strict.code).toBe(3);
    expect((JSON.parse(strict.stdout) as Report).notEvaluated.map((n) => n.ruleId)).toContain('SR101');
    expect((await runCli([...base, '--fail-on', 'none'])).code).toBe(0);
    // Not the format: the table says the same.
    expect((await runCli([...base.slice(0, -2), '--fail-on', 'none'])).code).toBe(0);
  });

  it('refuses --output-file without its own -o', async () => {
    const r = await runCli(['doctor', ...DEMO, '--output-file', join(dir, 'out.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs the -o FORMAT it is for just before it');
  });

  it('refuses -l with --snapshot instead of ignoring it', async () => {
    const r = await runCli(['doctor', ...DEMO, '-l', 'app=voice']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-l selects StoryRuns on the API server');
  });

  it('lint: an empty directory and an empty stdin are usage errors; piped logs still work', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const r = await runCli(['lint', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`storyctl: no log files in directory ${empty}\n`);
    const nothing = await runCli(['lint'], { stdin: '' });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('lint read nothing');
    const piped = await runCli(['lint', '-o', 'json'], { stdin: '{"msg":"hello"}\n' });
    expect(piped.code).toBe(0);
  });
});

/** The lines that may pass the width: a fix command is printed whole, to be copied. */
const isCommandLine = (l: string): boolean => /^\s*fix: (storyctl|kubectl) /.test(l);

describe('the table in an incident', () => {
  const table = (columns: number, ...extra: string[]) =>
    runCli(['doctor', ...DEMO_LOGS, '--fail-on', 'none', ...extra], {
      tty: true,
      columns,
      env: { NO_COLOR: '1' },
    });

  for (const columns of [80, 200]) {
    it(`fits ${columns} columns without cutting a name`, async () => {
      const r = await table(columns);
      const lines = r.stdout.split('\n');
      const over = lines.filter((l) => stringWidth(l) > columns);
      expect(over.every(isCommandLine), over.join('\n')).toBe(true);
      // Every name is there in full once wrapping marks are joined back.
      const joined = r.stdout.replace(/↩\n\s*/g, '').replace(/\n\s+/g, ' ');
      for (const name of [RUN_STALLED, RUN_ENDED, 'livekit-voice-assistant', 'agent-7d9f/4242'])
        expect(joined).toContain(name);
    });
  }

  it('groups by run: a block per run, headed by what is wrong, then its one fix command unwrapped', async () => {
    const r = await table(80);
    const lines = r.stdout.split('\n');
    // At 80 columns the long run name takes its own line of the heading, whole.
    const head = lines.findIndex((l) => l.includes(`livekit-voice/${RUN_ENDED}`));
    expect(lines[head - 1]).toBe('✖ StoryRun');
    expect(lines[head + 1]).toBe(
      '  terminal run live step states, cancel waited full window, slow cancel finish',
    );
    expect(lines[head + 2]).toBe(`  fix: storyctl finish ${RUN_ENDED} -n livekit-voice --force-terminal`);
    // The controller log's finding about this run sits in the run's block.
    const block = lines.slice(head, lines.indexOf('', head));
    expect(block.some((l) => l.includes('BR101'))).toBe(true);
    expect(block.filter((l) => l.startsWith('  fix: '))).toHaveLength(1);
  });

  it('shows compact evidence: human times, no nanoseconds, no camelCase keys', async () => {
    const r = await table(120);
    expect(r.stdout).not.toMatch(/\d\d:\d\d:\d\d\.\d+Z/);
    const evidence = r.stdout.split('\n').filter((l) => /^ {17}\S/.test(l));
    expect(evidence.some((l) => l.includes('cancel observed at: 2026-04-22 18:15:05Z'))).toBe(true);
    expect(r.stdout).toContain('terminal run live step states');
    expect(evidence.filter((l) => /(^|· )[a-z]+[A-Z]\w*:/.test(l.trim()))).toEqual([]);
  });

  it('-o wide keeps every evidence key as the JSON has it', async () => {
    const r = await table(120, '-o', 'wide');
    expect(r.stdout).toMatch(/cancelObservedAt: 2026-04-22T18:15:05(\.\d+)?Z/);
    expect(r.stdout).toContain('elapsedSeconds: 55');
    expect(r.stdout).toMatch(/windowSourceDetail:\s+\{"kind":"transport-drain"/);
  });

  it('ends with the scope, the summary and the next step', async () => {
    const r = await table(200);
    const tail = r.stdout.trimEnd().split('\n').slice(-5);
    expect(tail[0]).toBe(
      'scope: snapshot fixtures/demo/cluster.yaml · namespaces livekit-voice, media-batch · 4 StoryRuns · 11 StepRuns · 2 Stories · 1 Transport',
    );
    expect(tail.at(-2)).toMatch(
      /^✖ 7 findings \(4 errors, 3 warnings, 0 info\) in snapshot fixtures\/demo\/cluster\.yaml \+ 2 log inputs$/,
    );
    expect(tail.at(-1)).toBe('next: storyctl finish --all-stalled -n livekit-voice --force-terminal');
  });

  it('gives log findings a fix too', async () => {
    const r = await runCli(['doctor', ...DEMO_LOGS, '-o', 'json', '--fail-on', 'none']);
    const report = JSON.parse(r.stdout) as Report;
    // Log findings are those of the log rules (snapshot findings carry a location too).
    const logFindings = report.findings.filter((f) => findRuleMeta(f.ruleId)?.family !== 'storyrun');
    expect(logFindings.length).toBeGreaterThan(0);
    for (const f of logFindings) expect(f.fix, f.ruleId).toBeTruthy();
  });
});

describe('-o yaml and -o name', () => {
  it('-o yaml is the JSON report as YAML', async () => {
    const json = JSON.parse(
      (await runCli(['doctor', ...DEMO, '-o', 'json', '--fail-on', 'none'])).stdout,
    ) as Report;
    const yaml = parse(
      (await runCli(['doctor', ...DEMO, '-o', 'yaml', '--fail-on', 'none'])).stdout,
    ) as Report;
    expect({ ...yaml, generatedAt: '' }).toEqual({ ...json, generatedAt: '' });
  });

  it('-o name prints resource.group/name lines like kubectl', async () => {
    const r = await runCli(['doctor', ...DEMO, '-o', 'name', '--fail-on', 'none']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain(`storyrun.runs.bubustack.io/${RUN_STALLED}`);
    expect(lines).toContain('story.bubustack.io/livekit-voice-assistant');
    expect(new Set(lines).size).toBe(lines.length);
  });
});
