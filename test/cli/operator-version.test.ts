// --operator-version and the release a snapshot carries: the rules of the release in the field.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

interface JsonReport {
  findings: { ruleId: string; subject?: { name: string }; evidence: Record<string, unknown> }[];
}

const doctor = async (args: string[]): Promise<JsonReport> => {
  const r = await runCli([
    'doctor',
    ...args,
    '--now',
    '2026-04-22T18:20:00Z',
    '-o',
    'json',
    '--fail-on',
    'none',
  ]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as JsonReport;
};
const ids = (r: JsonReport): string[] => [...new Set(r.findings.map((f) => f.ruleId))].sort();

describe('the operator release in doctor', () => {
  it('takes the release of a controller Deployment captured with the snapshot', async () => {
    const r = await doctor(['--snapshot', 'fixtures/release-v0.1.10/cluster.json']);
    expect(ids(r)).toEqual(['SR104']);
    expect(r.findings[0]?.evidence).toMatchObject({
      operatorRelease: 'v0.1.10',
      operatorReleaseSource: 'deployment-image',
    });
  });

  it('--operator-version wins over the snapshot and over what the objects suggest', async () => {
    // Told v0.1.12: the cancel request is accepted (no SR104), and its 120 s drain is the window (SR102).
    const r = await doctor([
      '--snapshot',
      'fixtures/release-v0.1.10/cluster.json',
      '--operator-version',
      '0.1.12',
    ]);
    expect(ids(r)).toEqual(['SR102']);
    // all-rules is a v0.1.12 capture: told it is v0.1.11, the drain windows are no longer reported.
    const all = await doctor([
      '--snapshot',
      'fixtures/all-rules/snapshot.yaml',
      '--operator-version',
      'v0.1.11',
    ]);
    expect(ids(all)).not.toContain('SR102');
    const sr101 = all.findings.find((f) => f.ruleId === 'SR101');
    expect(sr101?.evidence).toMatchObject({ operatorRelease: 'v0.1.11', operatorReleaseSource: 'flag' });
    expect(String(sr101?.evidence['cancelWindow'])).toMatch(/no cancel window/);
  });

  it('says in the evidence that a snapshot without a Deployment names no release', async () => {
    const r = await doctor(['--snapshot', 'fixtures/release-v0.1.11/cluster.json']);
    expect(r.findings[0]?.evidence).toMatchObject({ operatorRelease: 'v0.1.11' });
    const plain = await doctor(['--snapshot', 'fixtures/batch-failed/cluster.yaml', '--rule', 'SR101']);
    expect(plain.findings).toEqual([]);
  });

  it('rejects a release it cannot read', async () => {
    const r = await runCli([
      'doctor',
      '--snapshot',
      'fixtures/healthy/cluster.yaml',
      '--operator-version',
      'latest',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected a Bobrapet release such as v0.1.11/);
  });
});
