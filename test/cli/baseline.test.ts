// Baselines (issue 14 item 3): --write-baseline on one capture, then --baseline on a later capture
// of the same incident (every timestamp moved, same subjects) fails only on what is new.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Baseline } from '../../src/model/baseline.js';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../support/cli.js';

const DAY = 86_400_000;
let dir: string;
let logs: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storyctl-baseline-'));
  logs = join(dir, 'logs');
  await mkdir(logs);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The same JSON lines a day later: every pino `time` moved, nothing else. */
function later(text: string, ms = DAY): string {
  return text.replace(/"time":(\d+)/g, (_, t: string) => `"time":${Number(t) + ms}`);
}

async function lint(args: string[], now: string): Promise<{ code: number; report: Report; stdout: string }> {
  const r = await runCli(['lint', logs, '--now', now, ...args], { cwd: dir });
  const json = args.includes('json');
  return { code: r.code, report: (json ? JSON.parse(r.stdout) : undefined) as Report, stdout: r.stdout };
}

describe('baselines', () => {
  it('on a later capture of the same incident, only the new findings fail', async () => {
    const orphan = await readFile('fixtures/logs/orphaned-stt-socket/agent-7d9f.jsonl', 'utf8');
    const timeout = await readFile('fixtures/logs/session-close-timeout/agent-js.jsonl', 'utf8');
    const file = join(logs, 'agent.jsonl');
    await writeFile(file, orphan);
    const baseline = join(dir, '.storyctl-baseline.json');
    const first = await lint(['-o', 'json', '--write-baseline', baseline], '2026-04-22T18:20:00Z');
    expect(first.code).toBe(1);
    const written = JSON.parse(await readFile(baseline, 'utf8')) as Baseline;
    expect(written).toMatchObject({ apiVersion: 'storyctl/v1', kind: 'Baseline' });
    expect(written.findings.map((e) => e.ruleId).sort()).toEqual(
      first.report.findings.map((f) => f.ruleId).sort(),
    );
    // Keys are rule + subject + file: no time, no line.
    expect(JSON.stringify(written.findings.map((e) => e.fingerprint))).not.toMatch(/2026/);

    // A day later: the same incident (new timestamps), and a new one in the same file.
    await writeFile(file, later(orphan));
    const same = await lint(['-o', 'json', '--baseline', baseline], '2026-04-23T18:20:00Z');
    expect(same.code).toBe(0);
    expect(same.report.findings.map((f) => f.baselineState)).toEqual(
      first.report.findings.map(() => 'unchanged'),
    );
    expect(same.report.summary.new).toBe(0);

    await writeFile(file, later(orphan) + later(timeout, 0));
    const grown = await lint(['-o', 'json', '--baseline', baseline], '2026-05-03T00:00:00Z');
    expect(grown.code).toBe(1);
    const fresh = grown.report.findings.filter((f) => f.baselineState === 'new');
    expect(fresh.length).toBeGreaterThan(0);
    expect(new Set(fresh.map((f) => f.subject?.name))).toEqual(new Set(['agent-5c2a/6001']));
    expect(grown.report.summary.new).toBe(fresh.length);
    // --fail-on still chooses which new findings count.
    const table = await lint(['--baseline', baseline, '--fail-on', 'none'], '2026-05-03T00:00:00Z');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`, ${fresh.length} new`));

    // What the baseline had and is gone is absent.
    await writeFile(file, later(timeout, 0));
    const fixed = await lint(
      ['-o', 'json', '--baseline', baseline, '--fail-on', 'none'],
      '2026-05-03T00:00:00Z',
    );
    expect(fixed.report.absent?.map((e) => e.ruleId).sort()).toEqual(
      written.findings.map((e) => e.ruleId).sort(),
    );
  });

  it('a missing or foreign baseline is an input error', async () => {
    await writeFile(join(logs, 'a.jsonl'), '');
    const missing = await runCli(['lint', logs, '--baseline', join(dir, 'none.json')], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'cannot read the baseline: no such file (write one with --write-baseline)',
    );
    await writeFile(join(dir, 'report.json'), '{"apiVersion":"storyctl/v1","kind":"Report"}');
    const foreign = await runCli(['lint', logs, '--baseline', join(dir, 'report.json')], { cwd: dir });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('not a baseline');
  });
});
