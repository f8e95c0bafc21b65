// The shipped Prometheus rules with the real promtool (Debian package `prometheus`): they load,
// every alert's unit tests pass, each alert is tested both firing and not firing, the
// PrometheusRule is the same rules, and every runbook link lands on a section of docs/alerts.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  PROMETHEUS_RULE_FILE,
  prometheusRuleManifest,
  RULES_FILE,
} from '../../scripts/prometheus-rule-manifest.js';
import { REPO_ROOT } from '../support/manifests.js';
import { describeWithTool, findTool } from '../support/tools.js';

const PROM_DIR = join(REPO_ROOT, 'deploy', 'prometheus');
const RULES = join(REPO_ROOT, RULES_FILE);
const TESTS = join(PROM_DIR, 'storyctl.rules.test.yaml');
const DOCS = join(REPO_ROOT, 'docs', 'alerts.md');

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: AlertRule[] }[];
}
interface PromtoolTests {
  rule_files: string[];
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const rules = (): AlertRule[] =>
  (parse(readFileSync(RULES, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);

/** GitHub's anchor for a Markdown heading: lower case, spaces to dashes, punctuation dropped. */
function anchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
      (m[1] ?? '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

describe('deploy/prometheus (files)', () => {
  it('has the four alerts of issue 15 (and the stale-evaluation one), each with severity, summary, description and runbook', () => {
    const names = rules().map((r) => r.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        'StoryRunCancelStalled',
        'StoryRunStatusInconsistent',
        'StoryctlRepairsCapped',
        'StoryctlDown',
      ]),
    );
    for (const r of rules()) {
      expect(r.labels?.['severity'], r.alert).toMatch(/^(warning|critical|info)$/);
      expect(Object.keys(r.annotations ?? {}).sort(), r.alert).toEqual([
        'description',
        'runbook_url',
        'summary',
      ]);
    }
  });

  it('every runbook_url is docs/alerts.md#<the alert>, a section that exists', () => {
    const docAnchors = anchors(readFileSync(DOCS, 'utf8'));
    const bases = new Set<string>();
    for (const r of rules()) {
      const url = r.annotations?.['runbook_url'] ?? '';
      const [base, anchor] = url.split('#');
      bases.add(base ?? '');
      expect(base, r.alert).toMatch(/\/docs\/alerts\.md$/);
      expect(anchor, r.alert).toBe(r.alert.toLowerCase());
      expect(docAnchors.has(anchor ?? ''), `docs/alerts.md has no section for ${r.alert}`).toBe(true);
    }
    // One base URL: moving the repository is one search and replace.
    expect(bases.size).toBe(1);
  });

  it('uses only metrics docs/alerts.md documents: the issue 15 names, the cap counter and what serve adds', () => {
    const documented = new Set(
      [...readFileSync(DOCS, 'utf8').matchAll(/`(storyctl_[a-z_]+)`/g)].map((m) => m[1]),
    );
    expect([...documented].sort()).toEqual([
      'storyctl_build_info',
      'storyctl_cancel_stop_seconds',
      'storyctl_events_total',
      'storyctl_findings',
      'storyctl_last_evaluation_duration_seconds',
      'storyctl_last_evaluation_timestamp_seconds',
      'storyctl_lease_held',
      'storyctl_objects',
      'storyctl_repairs_capped_total',
      'storyctl_repairs_total',
      'storyctl_storyruns',
      'storyctl_watch_reconnects_total',
    ]);
    for (const r of rules())
      for (const [name] of r.expr.matchAll(/storyctl_[a-z_]+/g))
        expect(documented.has(name), `${r.alert} uses ${name}`).toBe(true);
  });

  it('the promtool tests cover every alert, firing and not firing', () => {
    const suite = parse(readFileSync(TESTS, 'utf8')) as PromtoolTests;
    expect(suite.rule_files).toEqual(['storyctl.rules.yaml']);
    const cases = suite.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const r of rules()) {
      const mine = cases.filter((c) => c.alertname === r.alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${r.alert}: no case where it fires`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${r.alert}: no case where it does not fire`,
      ).toBe(true);
    }
  });

  it('the PrometheusRule is generated from the rule file and has not drifted (scripts/prometheus-rules.ts)', async () => {
    const committed = readFileSync(join(REPO_ROOT, PROMETHEUS_RULE_FILE), 'utf8');
    expect(committed, 'run `npx tsx scripts/prometheus-rules.ts` and commit the result').toBe(
      await prometheusRuleManifest(readFileSync(RULES, 'utf8')),
    );
    const manifest = parse(committed) as { apiVersion: string; kind: string; spec: RuleFile };
    expect([manifest.apiVersion, manifest.kind]).toEqual(['monitoring.coreos.com/v1', 'PrometheusRule']);
    expect(manifest.spec.groups).toEqual((parse(readFileSync(RULES, 'utf8')) as RuleFile).groups);
  });
});

const promtool = findTool('promtool', 'STORYCTL_PROMTOOL', 'prometheus');

describeWithTool(promtool, 'deploy/prometheus with promtool', (bin) => {
  const run = (...args: string[]) => {
    const r = spawnSync(bin, args, { cwd: PROM_DIR, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('promtool check rules: the rule file loads', () => {
    const r = run('check', 'rules', 'storyctl.rules.yaml');
    expect(r.out).toContain(`SUCCESS: ${rules().length} rules found`);
    expect(r.code).toBe(0);
  });

  it('promtool test rules: every alert fires, and stays quiet, when its tests say', () => {
    const r = run('test', 'rules', 'storyctl.rules.test.yaml');
    expect(r.out).toContain('SUCCESS');
    expect(r.out).not.toContain('FAILED');
    expect(r.code).toBe(0);
  });

  it("promtool check rules: the PrometheusRule's spec loads too", () => {
    const manifest = parse(readFileSync(join(REPO_ROOT, PROMETHEUS_RULE_FILE), 'utf8')) as { spec: RuleFile };
    const file = join(mkdtempSync(join(tmpdir(), 'storyctl-promrule-')), 'spec.rules.yaml');
    writeFileSync(file, stringify(manifest.spec));
    const r = run('check', 'rules', file);
    expect(r.out).toContain(`SUCCESS: ${rules().length} rules found`);
    expect(r.code).toBe(0);
  });

  it('promtool check config: the example prometheus.yml and the rule file it loads', () => {
    const r = run('check', 'config', 'prometheus.example.yml');
    expect(r.out).toContain('SUCCESS: 1 rule files found');
    expect(r.code).toBe(0);
  });
});
