// Inputs that are large or odd (issue 16 item 7), through the CLI: what the user sees on stderr,
// what the report's sources say, and the exit code.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../support/cli.js';

const ALL_JSON = 'fixtures/all-rules/snapshot.json';
const ALL_NOW = '2026-04-22T18:20:00Z';
const STALLED = 'livekit-voice-assistant-rm-k3p9x2mw7qdn-7c1e9a40d2b65f18';

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'storyctl-odd-'));
}

describe('a JSON snapshot that repeats a key', () => {
  it('warns with file and line when a second `phase` hides a stalled cancel', async () => {
    const lines = (await readFile(ALL_JSON, 'utf8')).split('\n');
    // The stalled run's own phase (its first `"phase": "Running"` after its name).
    const at = lines.findIndex(
      (l, i) => i > lines.findIndex((x) => x.includes(STALLED)) && l.trim() === '"phase": "Running",',
    );
    lines.splice(at + 1, 0, lines[at]?.replace('Running', 'Succeeded') ?? '');
    const dir = await scratch();
    const file = join(dir, 'cluster.json');
    await writeFile(file, lines.join('\n'));
    const r = await runCli(['doctor', '--snapshot', file, '--now', ALL_NOW, '-o', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    // The duplicate hides SR101 for the run (JSON keeps the last value)...
    expect(report.findings.some((f) => f.ruleId === 'SR101' && f.subject?.name === STALLED)).toBe(false);
    // ...and the user is told where.
    expect(r.stderr).toContain(
      `storyctl: warning: ${file}:${at + 2}: duplicate key "phase" (first at line ${at + 1}): only the last value is read, the first is hidden`,
    );
    expect(report.sources[0]).toMatchObject({ type: 'snapshot', warnings: 1 });
  });
});

describe('a gzip capture cut short or followed by garbage', () => {
  const MIXED = 'fixtures/logs/mixed-prefixed/capture.txt';
  const lint = async (file: string) => {
    const r = await runCli([
      'lint',
      file,
      '-o',
      'json',
      '--fail-on',
      'none',
      '--now',
      '2026-04-22T20:00:00Z',
    ]);
    return { ...r, report: JSON.parse(r.stdout) as Report };
  };

  it('reads the whole member before trailing garbage, warns, and exits 3', async () => {
    const dir = await scratch();
    const file = join(dir, 'capture.log.gz');
    const gz = gzipSync(await readFile(MIXED));
    await writeFile(file, Buffer.concat([gz, Buffer.from('\n<html>502 Bad Gateway</html>\n')]));
    const r = await lint(file);
    const plain = await lint(MIXED);
    // Every finding of the complete capture, at the same lines.
    expect(r.report.findings.map((f) => `${f.ruleId}:${f.location?.line}`)).toEqual(
      plain.report.findings.map((f) => `${f.ruleId}:${f.location?.line}`),
    );
    const [whole] = plain.report.sources;
    expect(r.report.sources).toEqual([
      {
        type: 'log',
        name: file,
        lines: 79,
        skippedLines: 4,
        formats: whole?.formats,
        unrecognised: whole?.unrecognised,
        incomplete: true,
        warnings: 1,
      },
    ]);
    expect(r.stderr).toContain(
      `storyctl: warning: ${file}: 30 byte(s) of trailing garbage after gzip member 1 (at byte ${gz.length}) were not read; the lines before it were read and checked`,
    );
    expect(r.code).toBe(3);
  });

  it('checks the lines before the cut, warns, and exits 3 rather than 0', async () => {
    const dir = await scratch();
    const file = join(dir, 'capture.log.gz');
    const gz = gzipSync(await readFile(MIXED));
    await writeFile(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = await lint(file);
    expect(r.report.findings.length).toBeGreaterThan(0);
    const [source] = r.report.sources;
    expect(source).toMatchObject({ incomplete: true, warnings: 1 });
    expect(source?.lines).toBeGreaterThan(10);
    expect(source?.lines).toBeLessThan(79);
    expect(r.stderr).toContain(`storyctl: warning: ${file}: gzip member 1 is cut short: its end is missing`);
    expect(r.code).toBe(3);
    // Findings at or above --fail-on still say 1.
    const failing = await runCli(['lint', file, '-o', 'json', '--now', '2026-04-22T20:00:00Z']);
    expect(failing.code).toBe(1);
  });
});

// The table, not only the JSON, says an input was read in part or warned of (a user reading the
// terminal must never see a green "no findings" for a capture that was not fully read).
describe('the table for an input read in part or warned of', () => {
  const NOW = '2026-04-22T20:00:00Z';
  /** The table wrapped at 80 columns, its continuation lines joined back (temp paths are long). */
  const unwrapped = (text: string): string => text.replace(/\n {2,}/g, ' ');
  /**
   * Controller lines (zap JSON, as bobrapet writes them) no rule looks at: a clean capture in a
   * known format, so the summary has no finding and nothing unrecognised to show.
   */
  const quiet = (n: number): string =>
    Array.from(
      { length: n },
      (_, i) =>
        `{"level":"info","ts":"2026-04-22T19:00:${String(i % 60).padStart(2, '0')}Z","logger":"controller-runtime.metrics","msg":"Serving metrics server","bindAddress":":8080","secure":false,"n":${i}}`,
    ).join('\n');

  it('says which log input was cut, and never "✔ no findings", for a cut gzip with no findings', async () => {
    const dir = await scratch();
    const file = join(dir, 'quiet.log.gz');
    const gz = gzipSync(Buffer.from(`${quiet(5000)}\n`));
    await writeFile(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const json = await runCli(['lint', file, '-o', 'json', '--now', NOW]);
    expect((JSON.parse(json.stdout) as Report).findings).toEqual([]);
    const r = await runCli(['lint', file, '--now', NOW]);
    const text = unwrapped(r.stdout);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('✔');
    expect(r.stdout).not.toMatch(/^✔ no findings/m);
    expect(r.stdout).toContain('Inputs not fully read or warned of');
    expect(text).toContain(
      `✖ ${file}: read only in part: what followed the cut was not checked (1 warning, on stderr)`,
    );
    expect(text).toMatch(
      /^▲ no findings in what was read in 1 log input, 1 input read in part, 1 input warning$/m,
    );
    // -o wide is the same table.
    expect((await runCli(['lint', file, '-o', 'wide', '--now', NOW])).stdout).toContain(
      `✖ ${file}: read only in part`,
    );
  });

  it('says a JSON snapshot repeated a key, and never "✔ no findings", when it holds no finding', async () => {
    const dir = await scratch();
    const file = join(dir, 'story.json');
    const story = {
      apiVersion: 'bubustack.io/v1alpha1',
      kind: 'Story',
      metadata: { name: 'batch', namespace: 'voice' },
      spec: { steps: [{ name: 'a' }] },
    };
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [story] }, null, 2).replace(
      '"name": "a"',
      '"name": "a",\n          "name": "b"',
    );
    await writeFile(file, text);
    const r = await runCli(['doctor', '--snapshot', file, '--now', NOW]);
    const table = unwrapped(r.stdout);
    expect(r.stderr).toContain('duplicate key "name"');
    expect(r.stdout).not.toContain('✔');
    expect(table).toContain(
      `▲ ${file}: 1 warning (on stderr): read, but maybe not as meant (a key given twice hides its first value)`,
    );
    expect(table).toMatch(/^▲ no findings in snapshot \S+story\.json, 1 input warning$/m);
  });

  it('keeps the green "✔ no findings" for a capture read whole without a warning', async () => {
    const dir = await scratch();
    const file = join(dir, 'quiet.log.gz');
    await writeFile(file, gzipSync(Buffer.from(`${quiet(50)}\n`)));
    const r = await runCli(['lint', file, '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ no findings in 1 log input$/m);
    expect(r.stdout).not.toContain('Inputs not fully read');
  });
});
