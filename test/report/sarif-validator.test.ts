// Every SARIF storyctl writes passes Microsoft's validator with the SARIF and GitHub rule kinds:
// no error and no warning (issue 14), plus GitHub's location rules. Doctor's snapshot and
// live-cluster reports, lint's, with suppressions and against a baseline.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Log } from 'sarif';
import type { Baseline } from '../../src/model/baseline.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/model/report.js';
import { renderSarif } from '../../src/report/sarif.js';
import { INTERNAL_RULE_ID } from '../../src/rules/engine.js';
import { allRuleMetas } from '../../src/rules/index.js';
import { runCli } from '../support/cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { finding, makeReport, NS, options, RUN, seedFindings } from './helpers.js';

const ALL = 'fixtures/all-rules/snapshot.yaml';
const ALL_NOW = '2026-04-22T18:20:00Z';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storyctl-sarif-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sarifOf(args: string[]): Promise<string> {
  const r = await runCli([...args, '-o', 'sarif', '--fail-on', 'none']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** A report as a live cluster gives it: objects without files, a crashed rule without a subject. */
function liveClusterSarif(): string {
  const report = buildReport({
    now: Date.parse('2026-04-22T18:16:00Z'),
    generatedAt: Date.parse('2026-04-22T18:16:05Z'),
    sources: [{ type: 'cluster', name: 'prod-eu', objects: 42 }],
    findings: [
      ...seedFindings().filter((f) => f.location === undefined),
      finding({
        ruleId: 'SR102',
        severity: 'warning',
        message: 'drain window',
        subject: { kind: 'Story', namespace: NS, name: 'voice' },
      }),
      finding({
        ruleId: 'SR303',
        severity: 'error',
        message: 'transport',
        subject: { kind: 'Transport', name: 'livekit-webrtc' },
      }),
      finding({
        ruleId: INTERNAL_RULE_ID,
        severity: 'error',
        message: 'rule SR204 failed: boom',
        evidence: { rule: 'SR204' },
      }),
    ],
    notEvaluated: [{ ruleId: 'SR302', reason: 'stepruns is forbidden', subject: RUN }],
  });
  return renderSarif(report, options({ cwd: process.cwd(), rules: allRuleMetas() }));
}

describe('SARIF against the Microsoft validator (Sarif;Gh rule kinds)', () => {
  it('finds no error and no warning in any SARIF storyctl writes', async () => {
    const config = join(dir, 'suppress.yaml');
    await writeFile(
      config,
      [
        'apiVersion: storyctl/v1',
        'kind: Config',
        'suppressions:',
        '  - rule: SR204',
        '    reason: "counters catch up on the next reconcile"',
        '',
      ].join('\n'),
    );
    // A baseline of the same capture, less one finding (new) and plus one that is gone (absent).
    const baseline = join(dir, 'baseline.json');
    await runCli([
      'doctor',
      '--snapshot',
      ALL,
      '--now',
      ALL_NOW,
      '--write-baseline',
      baseline,
      '-o',
      'json',
      '--fail-on',
      'none',
    ]);
    const written = JSON.parse(await readFile(baseline, 'utf8')) as Baseline;
    const gone = { ...written.findings[0]!, fingerprint: '0'.repeat(32), message: 'fixed since' };
    await writeFile(baseline, JSON.stringify({ ...written, findings: [...written.findings.slice(1), gone] }));
    const logs: Record<string, string> = {
      'doctor --snapshot (yaml)': await sarifOf(['doctor', '--snapshot', ALL, '--now', ALL_NOW]),
      'doctor --snapshot (json)': await sarifOf([
        'doctor',
        '--snapshot',
        'fixtures/all-rules/snapshot.json',
        '--now',
        ALL_NOW,
      ]),
      'doctor --snapshot --logs': await sarifOf([
        'doctor',
        '--snapshot',
        'fixtures/demo/cluster.yaml',
        '--logs',
        'fixtures/demo/logs',
        '--now',
        '2026-04-22T18:16:00Z',
      ]),
      'doctor with suppressions and a baseline': await sarifOf([
        'doctor',
        '--snapshot',
        ALL,
        '--now',
        ALL_NOW,
        '--config',
        config,
        '--baseline',
        baseline,
      ]),
      'lint fixtures/logs': await sarifOf(['lint', 'fixtures/logs', '--now', ALL_NOW]),
      'live cluster': liveClusterSarif(),
      'reporter seed report': renderSarif(makeReport(), options()),
      'a rule this version does not know': renderSarif(
        makeReport([
          finding({ ruleId: 'XX999', severity: 'warning', message: 'from a newer storyctl', subject: RUN }),
        ]),
        options(),
      ),
      'empty report': renderSarif(makeReport([], []), options()),
    };
    const problems = await validateSarif(logs);
    expect(problems).toEqual([]);
    // What was validated has every kind of result: suppressed, and each baseline state.
    const results =
      (JSON.parse(logs['doctor with suppressions and a baseline'] as string) as Log).runs[0]?.results ?? [];
    expect(new Set(results.map((r) => r.baselineState))).toEqual(new Set(['new', 'unchanged', 'absent']));
    expect(
      results.some((r) => r.suppressions?.[0]?.kind === 'external' && r.baselineState !== 'absent'),
    ).toBe(true);
  }, 120_000);

  it('does catch what GitHub rejects: a result with only a logical location, a rule without help', async () => {
    const bad = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'x',
              version: '1.0.0',
              informationUri: 'https://example.com/',
              rules: [{ id: 'R1', shortDescription: { text: 'Short.' } }],
            },
          },
          results: [
            {
              ruleId: 'R1',
              ruleIndex: 0,
              message: { text: 'A.' },
              locations: [{ logicalLocations: [{ name: 'a', kind: 'resource' }] }],
            },
          ],
        },
      ],
    };
    const problems = await validateSarif({ bad: JSON.stringify(bad) });
    expect(problems.map((p) => p.rule)).toEqual(expect.arrayContaining(['GH2012', 'github-location']));
  }, 60_000);
});
