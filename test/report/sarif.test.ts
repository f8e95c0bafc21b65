import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import { describe, expect, it } from 'vitest';
import { INTERNAL_RULE_ID } from '../../src/rules/engine.js';
import { FINGERPRINT_KEY, renderSarif, ruleHelpUri, SARIF_SCHEMA } from '../../src/report/sarif.js';
import {
  finding,
  makeReport,
  options,
  README_URL,
  RULES,
  RUN_NAME,
  NS,
  seedFindings,
  CWD,
  RUN,
  AGENT,
} from './helpers.js';
import type { Report } from '../../src/model/report.js';

function parse(text: string): { log: Log; run: Run; rules: ReportingDescriptor[]; results: Result[] } {
  const log = JSON.parse(text) as Log;
  const run = log.runs[0];
  if (!run) throw new Error('no run');
  return { log, run, rules: run.tool.driver.rules ?? [], results: run.results ?? [] };
}

function resultFor(results: Result[], ruleId: string): Result {
  const r = results.find((x) => x.ruleId === ruleId);
  if (!r) throw new Error(`no result for ${ruleId}`);
  return r;
}

describe('renderSarif', () => {
  it('writes one SARIF 2.1.0 run with the storyctl driver', () => {
    const { log, run } = parse(renderSarif(makeReport(), options()));
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({ name: 'storyctl', version: '0.1.0', informationUri: README_URL });
    expect(run.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe('file:///work/ci/');
  });

  it('declares every rule with descriptions, help, a README anchor, level and tags', () => {
    const { rules } = parse(renderSarif(makeReport(), options()));
    for (const meta of RULES) {
      const d = rules.find((r) => r.id === meta.id);
      expect(d, meta.id).toBeDefined();
      expect(d?.name).toBe(meta.name);
      expect(d?.shortDescription?.text).toBe(meta.summary);
      expect(d?.fullDescription?.text).toBe(meta.rationale);
      expect(d?.help?.text).toContain(meta.rationale);
      expect(d?.help?.text).toContain(meta.fix);
      expect(d?.help?.markdown).toContain(meta.fix);
      expect(d?.helpUri).toBe(`${README_URL}#${meta.id.toLowerCase()}`);
      expect(d?.defaultConfiguration?.level).toBe(
        { error: 'error', warning: 'warning', info: 'note' }[meta.severity],
      );
      expect(Array.isArray(d?.properties?.tags)).toBe(true);
    }
    expect(rules.find((r) => r.id === 'SR201')?.properties?.tags).toEqual([
      'reliability',
      'cluster',
      'storyrun',
    ]);
    expect(rules.find((r) => r.id === 'LK102')?.properties?.tags).toEqual(['reliability', 'logs', 'livekit']);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('declares internal-error, and any rule id the options do not know, so every ruleIndex resolves', () => {
    const report = makeReport([
      ...seedFindings(),
      finding({ ruleId: 'XX999', severity: 'warning', message: 'from a newer storyctl' }),
    ]);
    const { rules, results, run } = parse(renderSarif(report, options()));
    expect(rules.find((r) => r.id === INTERNAL_RULE_ID)?.defaultConfiguration?.level).toBe('error');
    expect(rules.find((r) => r.id === 'XX999')).toBeDefined();
    expect(results).toHaveLength(report.findings.length);
    for (const r of results) {
      expect(r.ruleIndex).toBeTypeOf('number');
      expect(rules[r.ruleIndex ?? -1]?.id).toBe(r.ruleId);
    }
    for (const n of run.invocations?.[0]?.toolExecutionNotifications ?? []) {
      expect(rules[n.associatedRule?.index ?? -1]?.id).toBe(n.associatedRule?.id);
    }
    // Declared even when no rule crashed: the rule list does not change shape run to run.
    expect(parse(renderSarif(makeReport([]), options())).rules.some((r) => r.id === INTERNAL_RULE_ID)).toBe(
      true,
    );
  });

  it('maps severities to SARIF levels', () => {
    const { results } = parse(renderSarif(makeReport(), options()));
    expect(resultFor(results, 'SR201').level).toBe('error');
    expect(resultFor(results, 'SR103').level).toBe('warning');
    expect(resultFor(results, 'SR204').level).toBe('note');
    expect(results.every((r) => r.kind === 'fail')).toBe(true);
  });

  it('places log findings at uri + startLine relative to the working directory', () => {
    const { results } = parse(renderSarif(makeReport(), options()));
    const lk102 = resultFor(results, 'LK102').locations?.[0]?.physicalLocation;
    expect(lk102).toEqual({
      artifactLocation: { uri: 'logs/agent.log', uriBaseId: '%SRCROOT%' },
      region: { startLine: 120 },
    });
    // Absolute path under cwd becomes relative; the run subject stays as a logical location.
    const br101 = resultFor(results, 'BR101').locations?.[0];
    expect(br101?.physicalLocation?.artifactLocation).toEqual({
      uri: 'logs/controller.log',
      uriBaseId: '%SRCROOT%',
    });
    expect(br101?.physicalLocation?.region?.startLine).toBe(42);
    expect(br101?.logicalLocations?.[0]?.fullyQualifiedName).toBe(`StoryRun/${NS}/${RUN_NAME}`);
    for (const r of results) {
      const phys = r.locations?.[0]?.physicalLocation;
      if (phys) {
        expect(phys.artifactLocation?.uri).toMatch(/^[^\\]+$/);
        expect(phys.region?.startLine).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('keeps paths outside the working directory absolute and encodes odd characters', () => {
    const report = makeReport([
      finding({
        ruleId: 'LK103',
        severity: 'error',
        message: 'outside',
        location: { file: '/var/log/pods/agent.log', line: 7 },
      }),
      finding({
        ruleId: 'LK103',
        severity: 'error',
        message: 'spaces',
        location: { file: './logs/run #2/agent log.txt', line: 3 },
      }),
    ]);
    const { results } = parse(renderSarif(report, options()));
    const outside = results.find((r) => r.message.text === 'outside')?.locations?.[0]?.physicalLocation
      ?.artifactLocation;
    expect(outside).toEqual({ uri: 'file:///var/log/pods/agent.log' });
    const spaces = results.find((r) => r.message.text === 'spaces')?.locations?.[0]?.physicalLocation
      ?.artifactLocation;
    expect(spaces).toEqual({ uri: 'logs/run%20%232/agent%20log.txt', uriBaseId: '%SRCROOT%' });
  });

  it('gives live-cluster findings a stable relative artifact (GitHub rejects results without one) and a logical location', () => {
    const { results } = parse(renderSarif(makeReport(), options()));
    const loc = resultFor(results, 'SR201').locations?.[0];
    expect(loc?.physicalLocation).toEqual({
      artifactLocation: { uri: `cluster/StoryRun/${NS}/${RUN_NAME}` },
      region: { startLine: 1 },
    });
    expect(loc?.logicalLocations).toEqual([
      { name: RUN_NAME, fullyQualifiedName: `StoryRun/${NS}/${RUN_NAME}`, kind: 'resource' },
    ]);
  });

  it('has stable, distinct partial fingerprints across runs', () => {
    const first = parse(renderSarif(makeReport(), options())).results;
    const second = parse(
      renderSarif(makeReport(seedFindings(), [], Date.parse('2026-04-23T09:00:00Z')), options()),
    ).results;
    const prints = (rs: Result[]): string[] => rs.map((r) => r.partialFingerprints?.[FINGERPRINT_KEY] ?? '');
    expect(prints(first)).toEqual(prints(second));
    expect(prints(first).every((p) => /^[0-9a-f]{32}$/.test(p))).toBe(true);
    expect(new Set(prints(first)).size).toBe(first.length);
  });

  it('carries evidence, subject and fix as result properties', () => {
    const { results } = parse(renderSarif(makeReport(), options()));
    const sr201 = resultFor(results, 'SR201');
    expect(sr201.message.text).toBe('StoryRun is Finished but 2 step states are still Running');
    expect(sr201.properties?.['fix']).toBe(`storyctl finish ${RUN_NAME} -n ${NS} --force-terminal`);
    expect(sr201.properties?.['subject']).toEqual({ kind: 'StoryRun', namespace: NS, name: RUN_NAME });
    expect(sr201.properties?.['evidence']).toMatchObject({ phase: 'Finished' });
    expect(resultFor(results, 'LK103').properties).not.toHaveProperty('fix');
  });

  it('reports checks that were not evaluated as warning notifications of a successful run', () => {
    const { run } = parse(renderSarif(makeReport(), options()));
    const inv = run.invocations?.[0];
    expect(inv?.executionSuccessful).toBe(true);
    const notes = inv?.toolExecutionNotifications ?? [];
    expect(notes).toHaveLength(2);
    expect(notes.every((n) => n.level === 'warning')).toBe(true);
    expect(notes[0]?.message.text).toContain(
      'LK101 not evaluated for AgentProcess voice-agent-7d9f6c8b5-x2kqp/22',
    );
    expect(notes[0]?.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName).toBe(
      'AgentProcess/voice-agent-7d9f6c8b5-x2kqp/22',
    );
    expect(notes[1]?.message.text).toContain('forbidden');
  });

  it('builds help URIs from the README without a fragment', () => {
    expect(ruleHelpUri(`${README_URL}#rules`, 'LK102')).toBe(`${README_URL}#lk102`);
  });

  it('omits the base directory when no working directory is known', () => {
    const { cwd: _cwd, ...noCwd } = options();
    const { run, results } = parse(renderSarif(makeReport(), noCwd));
    expect(run.originalUriBaseIds).toBeUndefined();
    expect(resultFor(results, 'BR101').locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      `file://${CWD}/logs/controller.log`,
    );
  });

  it('lists suppressed findings with SARIF suppressions: annotations in source, the config external', () => {
    const [a, b, ...rest] = seedFindings();
    const report: Report = {
      ...makeReport(rest),
      suppressed: [
        {
          ...a!,
          suppression: {
            kind: 'annotation',
            reason: 'accepted window',
            source: 'Story ns/voice annotation x',
          },
        },
        { ...b!, suppression: { kind: 'config', reason: 'known', source: '.storyctl.yaml:12' } },
      ],
    };
    const { results } = parse(renderSarif(report, options()));
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed.map((r) => r.suppressions?.[0])).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'accepted window',
        properties: { source: 'Story ns/voice annotation x' },
      },
      {
        kind: 'external',
        status: 'accepted',
        justification: 'known',
        properties: { source: '.storyctl.yaml:12' },
      },
    ]);
    expect(results).toHaveLength(rest.length + 2);
  });

  it('says new, unchanged or absent against a baseline, and nothing without one', () => {
    const [a, b, ...rest] = seedFindings();
    const withBaseline: Report = {
      ...makeReport([{ ...a!, baselineState: 'unchanged' }, { ...b!, baselineState: 'new' }, ...rest]),
      absent: [
        {
          fingerprint: 'f'.repeat(32),
          ruleId: 'SR101',
          severity: 'error',
          count: 1,
          message: 'gone',
          subject: RUN,
        },
      ],
    };
    const { results } = parse(renderSarif(withBaseline, options()));
    expect(results.filter((r) => r.baselineState === 'unchanged')).toHaveLength(1);
    const absent = results.filter((r) => r.baselineState === 'absent');
    expect(absent).toHaveLength(1);
    // GitHub opens an alert for any result; an accepted suppression keeps a fixed one closed.
    expect(absent[0]).toMatchObject({ kind: 'pass', level: 'none', suppressions: [{ status: 'accepted' }] });
    expect(results.filter((r) => r.baselineState === 'new')).toHaveLength(results.length - 2);
    expect(
      parse(renderSarif(makeReport(), options())).results.every((r) => r.baselineState === undefined),
    ).toBe(true);
  });

  it("gives GitHub's primaryLocationLineHash from the stable fingerprint, counting repeats", () => {
    const twice = [
      finding({
        ruleId: 'LK103',
        severity: 'error',
        message: 'one',
        subject: AGENT,
        location: { file: 'logs/a.log', line: 3 },
        anchor: 't1',
      }),
      finding({
        ruleId: 'LK103',
        severity: 'error',
        message: 'two',
        subject: AGENT,
        location: { file: 'logs/a.log', line: 9 },
        anchor: 't2',
      }),
    ];
    const { results } = parse(renderSarif(makeReport(twice, []), options()));
    const print = twice[0]!.fingerprint;
    expect(twice[1]!.fingerprint).toBe(print);
    expect(results.map((r) => r.partialFingerprints)).toEqual([
      { [FINGERPRINT_KEY]: print, primaryLocationLineHash: `${print}:1` },
      { [FINGERPRINT_KEY]: print, primaryLocationLineHash: `${print}:2` },
    ]);
  });
});
