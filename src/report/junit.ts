// JUnit XML for CI test tabs: one suite per rule, one test case per rule × subject, so a run that
// stays broken shows up as the same failing test from build to build. Rules without findings are
// a passing case and checks that could not run are skipped, never passed.
import { subjectKey, subjectLabel, type Finding, type NotEvaluated, type Report } from '../model/report.js';
import { evidenceLines } from './evidence.js';
import { artifactPath, escapeXmlAttribute, escapeXmlText } from './escape.js';
import type { ReporterOptions } from './types.js';

interface TestCase {
  name: string;
  findings: Finding[];
  skips: NotEvaluated[];
}

interface Suite {
  ruleId: string;
  name: string;
  cases: Map<string, TestCase>;
  /** A not-evaluated entry without a subject: the rule checked nothing, so it cannot pass. */
  notRun: boolean;
}

interface Counts {
  tests: number;
  failures: number;
  skipped: number;
}

function caseFor(suite: Suite, key: string, name: string): TestCase {
  let c = suite.cases.get(key);
  if (!c) {
    c = { name, findings: [], skips: [] };
    suite.cases.set(key, c);
  }
  return c;
}

function buildSuites(report: Report, options: ReporterOptions): Suite[] {
  const suites = new Map<string, Suite>();
  const suite = (ruleId: string): Suite => {
    let s = suites.get(ruleId);
    if (!s) {
      const meta = options.rules.find((m) => m.id === ruleId);
      s = { ruleId, name: meta ? `${meta.id} ${meta.name}` : ruleId, cases: new Map(), notRun: false };
      suites.set(ruleId, s);
    }
    return s;
  };
  for (const m of options.rules) suite(m.id);
  for (const f of report.findings) {
    const s = suite(f.ruleId);
    if (f.subject) caseFor(s, subjectKey(f.subject), subjectLabel(f.subject)).findings.push(f);
    else if (f.location) {
      const where = `${artifactPath(f.location.file, options.cwd).path}:${f.location.line}`;
      caseFor(s, `file:${where}`, where).findings.push(f);
    } else caseFor(s, '', subjectLabel(undefined)).findings.push(f);
  }
  for (const n of report.notEvaluated) {
    const s = suite(n.ruleId);
    if (n.subject) caseFor(s, subjectKey(n.subject), subjectLabel(n.subject)).skips.push(n);
    else {
      s.notRun = true;
      caseFor(s, 'not-evaluated', 'not evaluated').skips.push(n);
    }
  }
  return [...suites.values()];
}

function failureBody(f: Finding, options: ReporterOptions): string {
  const lines = [f.message];
  if (f.location) lines.push(`at ${artifactPath(f.location.file, options.cwd).path}:${f.location.line}`);
  lines.push(...evidenceLines(f.evidence));
  if (f.fix !== undefined) lines.push(`fix: ${f.fix}`);
  return lines.join('\n');
}

function renderCase(ruleId: string, c: TestCase, options: ReporterOptions, counts: Counts): string[] {
  const open = `    <testcase classname="${escapeXmlAttribute(ruleId)}" name="${escapeXmlAttribute(c.name)}"`;
  counts.tests += 1;
  if (c.findings.length > 0) {
    counts.failures += 1;
    const out = [`${open}>`];
    for (const f of c.findings) {
      out.push(
        `      <failure message="${escapeXmlAttribute(f.message)}" type="${f.severity}">${escapeXmlText(failureBody(f, options))}</failure>`,
      );
    }
    // Same subject failed elsewhere in the capture but this part could not be checked: keep the
    // reason visible without turning a failure into a skip.
    if (c.skips.length > 0)
      out.push(
        `      <system-out>${escapeXmlText(c.skips.map((n) => `not evaluated: ${n.reason}`).join('\n'))}</system-out>`,
      );
    out.push('    </testcase>');
    return out;
  }
  if (c.skips.length > 0) {
    counts.skipped += 1;
    return [
      `${open}>`,
      `      <skipped message="${escapeXmlAttribute(c.skips.map((n) => n.reason).join('; '))}"/>`,
      '    </testcase>',
    ];
  }
  return [`${open}/>`];
}

function countsAttributes(c: Counts): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}"`;
}

export function renderJunit(report: Report, options: ReporterOptions): string {
  const total: Counts = { tests: 0, failures: 0, skipped: 0 };
  const body: string[] = [];
  for (const s of buildSuites(report, options)) {
    const counts: Counts = { tests: 0, failures: 0, skipped: 0 };
    const cases = [...s.cases.values()];
    if (cases.every((c) => c.findings.length === 0) && !s.notRun)
      cases.push({ name: 'no findings', findings: [], skips: [] });
    const lines = cases.flatMap((c) => renderCase(s.ruleId, c, options, counts));
    body.push(
      `  <testsuite name="${escapeXmlAttribute(s.name)}" ${countsAttributes(counts)}>`,
      ...lines,
      '  </testsuite>',
    );
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.skipped += counts.skipped;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="storyctl" ${countsAttributes(total)}>`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
