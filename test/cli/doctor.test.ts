import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../support/cli.js';

const ALL = 'fixtures/all-rules/snapshot.yaml';
const ALL_NOW = '2026-04-22T18:20:00Z';
const SEED_DURING = 'fixtures/seed-stalled-cancel/during-window.yaml';
const SEED_AFTER = 'fixtures/seed-stalled-cancel/after-finish.yaml';
const SEED_RUN = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';

interface Expected {
  ruleId: string;
  subject: { kind: string; namespace?: string; name: string };
}

function key(e: Expected): string {
  return `${e.ruleId} ${e.subject.kind} ${e.subject.namespace ?? ''}/${e.subject.name}`;
}

async function doctorJson(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await runCli(['doctor', ...args, '-o', 'json']);
  expect(r.stderr, r.stderr).not.toMatch(/at .*\.js:\d+/); // never a stack trace
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

describe('storyctl doctor --snapshot', () => {
  it('reports exactly the positives of the all-rules snapshot', async () => {
    const expected = JSON.parse(await readFile('fixtures/all-rules/expected.json', 'utf8')) as Expected[];
    const { code, report } = await doctorJson(['--snapshot', ALL, '--now', ALL_NOW]);
    const found = report.findings
      .map((f) => key({ ruleId: f.ruleId, subject: f.subject as Expected['subject'] }))
      .sort();
    expect(found).toEqual(expected.map(key).sort());
    expect(code).toBe(1);
    expect(report.apiVersion).toBe('storyctl/v1');
    expect(report.kind).toBe('Report');
    expect(report.now).toBe('2026-04-22T18:20:00.000Z');
    expect(report.summary.error + report.summary.warning + report.summary.info).toBe(report.findings.length);
  });

  it('covers every cluster rule in the all-rules snapshot', async () => {
    const expected = JSON.parse(await readFile('fixtures/all-rules/expected.json', 'utf8')) as Expected[];
    const ids = new Set(expected.map((e) => e.ruleId));
    for (const id of [
      'SR101',
      'SR102',
      'SR103',
      'SR201',
      'SR202',
      'SR203',
      'SR204',
      'SR205',
      'SR301',
      'SR302',
      'SR303',
    ]) {
      expect(ids, id).toContain(id);
    }
  });

  it('gives the same findings for the YAML and the JSON form of a snapshot', async () => {
    const a = await doctorJson(['--snapshot', ALL, '--now', ALL_NOW]);
    const b = await doctorJson(['--snapshot', 'fixtures/all-rules/snapshot.json', '--now', ALL_NOW]);
    // Each points at the object in its own file (issue 14: snapshot findings carry a location).
    const unlocated = (r: Report): unknown[] => r.findings.map(({ location: _, ...f }) => f);
    expect(unlocated(b.report)).toEqual(unlocated(a.report));
    expect(a.report.findings.every((f) => f.location?.file === ALL)).toBe(true);
    expect(b.report.findings.every((f) => f.location?.file === 'fixtures/all-rules/snapshot.json')).toBe(
      true,
    );
  });

  it('sees the seed run stall while its 120 s drain window runs', async () => {
    const { report, code } = await doctorJson(['--snapshot', SEED_DURING, '--now', '2026-04-22T18:14:40Z']);
    const sr101 = report.findings.find((f) => f.ruleId === 'SR101');
    expect(sr101?.subject).toEqual({ kind: 'StoryRun', namespace: 'livekit-voice', name: SEED_RUN });
    expect(sr101?.fix).toBe(`storyctl finish ${SEED_RUN} -n livekit-voice --force-terminal`);
    expect(JSON.stringify(sr101?.evidence)).toContain('120');
    expect(report.findings.map((f) => f.ruleId)).toContain('SR102');
    expect(code).toBe(1);
  });

  it('sees the seed run finished with Running step states after the window', async () => {
    const { report } = await doctorJson(['--snapshot', SEED_AFTER, '--now', '2026-04-22T18:16:00Z']);
    const ids = report.findings.filter((f) => f.subject?.name === SEED_RUN).map((f) => f.ruleId);
    expect(ids).toContain('SR201');
    expect(ids).toContain('SR103');
    expect(ids).not.toContain('SR101');
  });

  it('is quiet and exits 0 on a healthy cluster', async () => {
    const r = await runCli(['doctor', '--snapshot', 'fixtures/healthy', '--now', '2026-04-22T18:20:00Z']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no findings');
  });

  it('reads a snapshot from stdin', async () => {
    const text = await readFile(SEED_AFTER, 'utf8');
    const r = await runCli(['doctor', '--snapshot', '-', '--now', '2026-04-22T18:16:00Z', '-o', 'json'], {
      stdin: text,
    });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => f.ruleId)).toContain('SR201');
    expect(report.sources[0]?.type).toBe('snapshot');
  });

  it('runs only --rule and skips --skip-rule', async () => {
    const only = await doctorJson(['--snapshot', ALL, '--now', ALL_NOW, '--rule', 'sr201']);
    expect(new Set(only.report.findings.map((f) => f.ruleId))).toEqual(new Set(['SR201']));
    const skip = await doctorJson(['--snapshot', ALL, '--now', ALL_NOW, '--skip-rule', 'SR201']);
    expect(skip.report.findings.some((f) => f.ruleId === 'SR201')).toBe(false);
    expect(skip.report.findings.length).toBeGreaterThan(0);
  });

  it('honours --fail-on', async () => {
    const warningsOnly = ['--snapshot', ALL, '--now', ALL_NOW, '--rule', 'SR102'];
    expect((await runCli(['doctor', ...warningsOnly])).code).toBe(0);
    expect((await runCli(['doctor', ...warningsOnly, '--fail-on', 'warning'])).code).toBe(1);
    expect((await runCli(['doctor', '--snapshot', ALL, '--now', ALL_NOW, '--fail-on', 'none'])).code).toBe(0);
  });

  it('honours --stop-budget', async () => {
    const tight = await doctorJson([
      '--snapshot',
      SEED_DURING,
      '--now',
      '2026-04-22T18:14:40Z',
      '--rule',
      'SR101',
    ]);
    expect(tight.report.findings).toHaveLength(1);
    const loose = await doctorJson([
      '--snapshot',
      SEED_DURING,
      '--now',
      '2026-04-22T18:14:40Z',
      '--rule',
      'SR101',
      '--stop-budget',
      '5m',
    ]);
    expect(loose.report.findings).toHaveLength(0);
  });

  it('writes outputs to files and keeps one on stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storyctl-cli-'));
    const file = join(dir, 'report.json');
    const r = await runCli([
      'doctor',
      '--snapshot',
      SEED_AFTER,
      '--now',
      '2026-04-22T18:16:00Z',
      '-o',
      'table',
      '-o',
      'json',
      '--output-file',
      file,
    ]);
    expect(r.stdout).toContain('SR201');
    const report = JSON.parse(await readFile(file, 'utf8')) as Report;
    expect(report.findings.some((f) => f.ruleId === 'SR201')).toBe(true);
  });

  it('colours only on a TTY without NO_COLOR or --no-color', async () => {
    const args = ['doctor', '--snapshot', SEED_AFTER, '--now', '2026-04-22T18:16:00Z'];
    // eslint-disable-next-line no-control-regex
    const esc = /\u001b\[/;
    expect((await runCli(args, { tty: true })).stdout).toMatch(esc);
    expect((await runCli(args, { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(esc);
    expect((await runCli([...args, '--no-color'], { tty: true })).stdout).not.toMatch(esc);
    expect((await runCli(args)).stdout).not.toMatch(esc);
  });
});

describe('storyctl doctor: bad input', () => {
  it('names the file and line of a malformed snapshot (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storyctl-bad-'));
    const file = join(dir, 'broken.yaml');
    await writeFile(
      file,
      'apiVersion: v1\nkind: List\nitems:\n  - kind: StoryRun\n    metadata: {name: x\n  bad: [\n',
    );
    const r = await runCli(['doctor', '--snapshot', file, '--now', ALL_NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('names a snapshot that does not exist (exit 2)', async () => {
    const r = await runCli(['doctor', '--snapshot', 'no/such/file.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no/such/file.yaml');
  });

  it.each([
    [['doctor', '--snapshot', ALL, '--now', 'yesterday']],
    [['doctor', '--snapshot', ALL, '--fail-on', 'fatal']],
    [['doctor', '--snapshot', ALL, '-o', 'xml']],
    [['doctor', '--snapshot', ALL, '--stop-budget', 'soon']],
    [['doctor', '--snapshot', ALL, '--rule', 'SR999']],
    [['doctor', '--no-such-flag']],
    [['no-such-command']],
  ])('%j is a usage error (exit 2)', async (args) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(0);
    expect(r.stdout).toBe('');
  });
});

describe('storyctl rules / explain', () => {
  it('lists every rule', async () => {
    const r = await runCli(['rules', '-o', 'json']);
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((m) => m.id);
    for (const id of [
      'SR101',
      'SR102',
      'SR103',
      'SR201',
      'SR202',
      'SR203',
      'SR204',
      'SR205',
      'SR301',
      'SR302',
      'SR303',
    ])
      expect(ids).toContain(id);
    for (const id of [
      'LK101',
      'LK102',
      'LK103',
      'LK104',
      'LK201',
      'LK301',
      'BR101',
      'BR102',
      'DT101',
      'DT102',
      'DT103',
    ])
      expect(ids).toContain(id);
    const table = await runCli(['rules']);
    expect(table.stdout).toContain('terminal-run-live-step-states');
  });

  it('explains SR201 with its rationale and fix', async () => {
    const r = await runCli(['explain', 'SR201']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SR201 terminal-run-live-step-states (error)');
    expect(r.stdout).toContain('Why it matters:');
    expect(r.stdout).toContain('Fix:');
  });

  it('refuses an unknown rule (exit 2)', async () => {
    expect((await runCli(['explain', 'XX1'])).code).toBe(2);
  });

  it('--help exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('doctor');
  });
});
