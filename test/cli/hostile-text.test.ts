// Hostile text through the CLI (issue 16 item 5): a snapshot whose StoryRun carries terminal
// controls in its step names, status message and cancel annotation, one with an invalid UTF-8
// byte, a controller log line carrying them, and `explain` given them. Human output escapes them;
// -o json keeps them exact.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../src/model/kube.js';
import { runCli } from '../support/cli.js';
import { HOSTILE, RAW, SHOWN } from '../support/hostile.js';
import { makeRun } from '../support/objects.js';

const NOW = '2026-04-22T18:20:00Z';
const dir = mkdtempSync(join(tmpdir(), 'storyctl-hostile-'));

function snapshot(): string {
  const finished = makeRun({
    name: 'call-9e1d',
    phase: 'Finished',
    message: HOSTILE,
    finishedAt: '2026-04-22T18:14:07Z',
    stepStates: { [HOSTILE]: 'Running' },
  });
  const canceled = makeRun({ name: 'call-7f3a', phase: 'Running', cancelRequested: true });
  (canceled.metadata.annotations ??= {})[ANNOTATIONS.cancelObservedAt] = HOSTILE;
  const file = join(dir, 'hostile.yaml');
  writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'List', items: [finished, canceled] }));
  return file;
}

describe('hostile text through the CLI', () => {
  const file = snapshot();

  it('doctor: the table and -o wide show it escaped, -o json keeps it exact', async () => {
    for (const format of ['table', 'wide']) {
      const r = await runCli(['doctor', '--snapshot', file, '--now', NOW, '-o', format]);
      expect(r.stdout).not.toMatch(RAW);
      expect(r.stderr).not.toMatch(RAW);
      expect(r.stdout).toContain(SHOWN);
    }
    const json = await runCli(['doctor', '--snapshot', file, '--now', NOW, '-o', 'json']);
    const report = JSON.parse(json.stdout) as {
      findings: { message: string }[];
      notEvaluated: { reason: string }[];
    };
    expect(report.findings.some((f) => f.message.includes(HOSTILE))).toBe(true);
    expect(report.notEvaluated.some((n) => n.reason.includes(HOSTILE))).toBe(true);
  });

  it('doctor -o github and -o markdown escape it too', async () => {
    for (const format of ['github', 'markdown']) {
      const r = await runCli(['doctor', '--snapshot', file, '--now', NOW, '-o', format]);
      expect(r.stdout).not.toMatch(RAW);
      // Markdown doubles the backslash so it renders as one.
      expect(r.stdout).toMatch(/call\\{1,2}x1b\\?\]0;pwned/);
    }
  });

  it('an invalid UTF-8 byte in a step name is shown as \\xff, and JSON keeps it as \\udcff', async () => {
    const run = makeRun({
      name: 'call-9e1d',
      phase: 'Finished',
      finishedAt: '2026-04-22T18:14:07Z',
      stepStates: { 'agent-BYTE': 'Running' },
    });
    const [head = '', tail = ''] = stringify({ apiVersion: 'v1', kind: 'List', items: [run] }).split('-BYTE');
    const bad = join(dir, 'invalid.yaml');
    // The one byte 0xff in the step name, the rest UTF-8.
    writeFileSync(bad, Buffer.concat([Buffer.from(head), Buffer.from([0xff]), Buffer.from(tail)]));
    const table = await runCli(['doctor', '--snapshot', bad, '--now', NOW]);
    expect(table.stdout).toContain('agent\\xff');
    expect(table.stdout).not.toContain('\ufffd');
    const json = await runCli(['doctor', '--snapshot', bad, '--now', NOW, '-o', 'json']);
    expect(json.stdout).toContain('agent\\udcff');
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
  });

  it('lint: a controller log line carrying it is escaped in the table, exact in JSON', async () => {
    const source = readFileSync('fixtures/logs/controller-cancel-window/bobrapet-controller.jsonl', 'utf8');
    const encoded = JSON.stringify(HOSTILE).slice(1, -1);
    const log = join(dir, 'controller.jsonl');
    writeFileSync(
      log,
      source.replaceAll('"namespace":"livekit-voice"', `"namespace":"livekit-voice${encoded}"`),
    );
    const table = await runCli(['lint', log, '--now', NOW]);
    expect(table.stdout).not.toMatch(RAW);
    expect(table.stderr).not.toMatch(RAW);
    expect(table.stdout).toContain(`livekit-voice${SHOWN}`);
    const json = await runCli(['lint', log, '--now', NOW, '-o', 'json']);
    expect(json.stdout).toContain(`livekit-voice${encoded}`);
  });

  it('explain: an unknown rule ID is quoted escaped in the error', async () => {
    const r = await runCli(['explain', HOSTILE]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain(`unknown rule "${SHOWN}"`);
  });
});
