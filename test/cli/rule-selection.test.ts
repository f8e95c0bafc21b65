// --rule / --skip-rule choose among the rules a command can run. Naming a rule the command cannot
// run is a usage error: `lint --rule SR101` used to run no rule at all and pass.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const root = join(import.meta.dirname, '..', '..', 'fixtures');
const capture = join(root, 'logs', 'mixed-prefixed', 'capture.txt');
const snapshot = join(root, 'all-rules', 'snapshot.yaml');
const now = ['--now', '2026-04-22T18:20:00Z'];

describe('rule selection', () => {
  it('refuses a cluster rule for lint (exit 2) and says where it runs', async () => {
    const r = await runCli(['lint', capture, '--rule', 'SR101', ...now]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SR101 is a cluster rule');
    expect(r.stderr).toContain('storyctl doctor');
    expect(r.stdout).toBe('');
  });

  it('refuses a log rule for doctor without --logs (exit 2)', async () => {
    const r = await runCli(['doctor', '--snapshot', snapshot, '--rule', 'LK101', ...now]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LK101 is a log rule');
    expect(r.stderr).toContain('--logs');
  });

  it('runs a log rule in doctor when logs are given', async () => {
    const r = await runCli([
      'doctor',
      '--snapshot',
      snapshot,
      '--logs',
      capture,
      '--rule',
      'LK102',
      '-o',
      'json',
      ...now,
    ]);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string }[] };
    expect(new Set(report.findings.map((f) => f.ruleId))).toEqual(new Set(['LK102']));
  });

  it('still lets --skip-rule name any known rule', async () => {
    const r = await runCli([
      'lint',
      capture,
      '--skip-rule',
      'SR101',
      '-o',
      'json',
      '--fail-on',
      'none',
      ...now,
    ]);
    expect(r.code).toBe(0);
  });
});
