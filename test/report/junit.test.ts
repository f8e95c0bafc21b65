import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import { AGENT, finding, makeReport, NS, options, RULES, RUN, RUN_NAME } from './helpers.js';

interface Failure {
  '@_message': string;
  '@_type': string;
  '#text'?: string;
}
interface TestCase {
  '@_classname': string;
  '@_name': string;
  failure?: Failure[];
  skipped?: { '@_message': string }[];
  'system-out'?: string[];
}
interface Counted {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
}
interface TestSuite extends Counted {
  testcase: TestCase[];
}
interface Parsed {
  testsuites: Counted & { testsuite: TestSuite[] };
}

function parse(xml: string): Parsed['testsuites'] {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    htmlEntities: true,
    trimValues: false,
    parseAttributeValue: false,
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'skipped', 'system-out'].includes(name),
  });
  return (parser.parse(xml) as Parsed).testsuites;
}

function suite(doc: Parsed['testsuites'], prefix: string): TestSuite {
  const s = doc.testsuite.find((x) => x['@_name'] === prefix || x['@_name'].startsWith(`${prefix} `));
  if (!s) throw new Error(`no suite ${prefix}`);
  return s;
}

function expectCounts(node: Counted, cases: TestCase[]): void {
  expect(Number(node['@_tests'])).toBe(cases.length);
  expect(Number(node['@_failures'])).toBe(cases.filter((c) => c.failure).length);
  expect(Number(node['@_skipped'])).toBe(cases.filter((c) => c.skipped).length);
  expect(node['@_errors']).toBe('0');
}

describe('renderJunit', () => {
  it('parses, and every count matches the test cases', () => {
    const doc = parse(renderJunit(makeReport(), options()));
    for (const s of doc.testsuite) expectCounts(s, s.testcase);
    expectCounts(
      doc,
      doc.testsuite.flatMap((s) => s.testcase),
    );
    expect(doc['@_name']).toBe('storyctl');
    expect(doc['@_failures']).toBe('7');
    expect(doc['@_skipped']).toBe('2');
  });

  it('has one suite per rule, named by id and name, plus one for internal errors', () => {
    const doc = parse(renderJunit(makeReport(), options()));
    const names = doc.testsuite.map((s) => s['@_name']);
    expect(names.slice(0, RULES.length)).toEqual(RULES.map((m) => `${m.id} ${m.name}`));
    expect(names).toContain('internal-error');
  });

  it('fails one test case per rule × subject, with the evidence as text', () => {
    const doc = parse(renderJunit(makeReport(), options()));
    const sr201 = suite(doc, 'SR201').testcase;
    expect(sr201).toHaveLength(1);
    expect(sr201[0]?.['@_classname']).toBe('SR201');
    expect(sr201[0]?.['@_name']).toBe(`StoryRun ${NS}/${RUN_NAME}`);
    const failure = sr201[0]?.failure?.[0];
    expect(failure?.['@_message']).toBe('StoryRun is Finished but 2 step states are still Running');
    expect(failure?.['@_type']).toBe('error');
    expect(failure?.['#text']).toContain('phase: Finished');
    expect(failure?.['#text']).toContain('step=voice-agent phase=Running stepRunExists=false');
    expect(failure?.['#text']).toContain(`fix: storyctl finish ${RUN_NAME} -n ${NS} --force-terminal`);
    expect(suite(doc, 'SR204').testcase[0]?.failure?.[0]?.['@_type']).toBe('info');
  });

  it('names subject-less log findings by file:line', () => {
    const doc = parse(renderJunit(makeReport(), options()));
    const lk103 = suite(doc, 'LK103').testcase;
    expect(lk103.map((c) => c['@_name'])).toEqual(['logs/agent.log:388']);
    expect(lk103[0]?.failure?.[0]?.['#text']).toContain('at logs/agent.log:388');
    expect(suite(doc, 'LK102').testcase[0]?.['@_name']).toBe(`AgentProcess ${AGENT.name}`);
  });

  it('groups several findings on one subject into one test case with several failures', () => {
    const report = makeReport(
      [
        finding({
          ruleId: 'LK102',
          severity: 'error',
          message: 'first socket',
          subject: AGENT,
          location: { file: 'logs/agent.log', line: 120 },
          anchor: 'a',
        }),
        finding({
          ruleId: 'LK102',
          severity: 'error',
          message: 'second socket',
          subject: AGENT,
          location: { file: 'logs/agent.log', line: 900 },
          anchor: 'b',
        }),
      ],
      [],
    );
    const doc = parse(renderJunit(report, options()));
    const lk102 = suite(doc, 'LK102');
    expect(lk102.testcase).toHaveLength(1);
    expect(lk102.testcase[0]?.failure?.map((f) => f['@_message'])).toEqual(['first socket', 'second socket']);
    expect(lk102['@_failures']).toBe('1');
  });

  it('passes rules without findings as one "no findings" case', () => {
    const doc = parse(renderJunit(makeReport(), options()));
    const dt102 = suite(doc, 'DT102');
    expect(dt102.testcase).toEqual([{ '@_classname': 'DT102', '@_name': 'no findings' }]);
    expectCounts(dt102, dt102.testcase);
  });

  it('skips what was not evaluated, and never passes a rule that did not run', () => {
    const doc = parse(renderJunit(makeReport(), options()));
    const lk101 = suite(doc, 'LK101').testcase;
    // Evaluated for other processes (nothing found), not for this one.
    expect(lk101.map((c) => c['@_name'])).toEqual([
      'AgentProcess voice-agent-7d9f6c8b5-x2kqp/22',
      'no findings',
    ]);
    expect(lk101[0]?.skipped?.[0]?.['@_message']).toBe(
      'the capture ends 12s after the forced close; the rule needs 60s',
    );
    const sr101 = suite(doc, 'SR101').testcase;
    expect(sr101).toHaveLength(1);
    expect(sr101[0]?.['@_name']).toBe('not evaluated');
    expect(sr101[0]?.skipped?.[0]?.['@_message']).toContain('forbidden');
  });

  it('escapes markup and strips control characters', () => {
    const nasty = `<script>&"quotes" 'single'\u0001\u001b[31m\nsecond line\ttab`;
    const report = makeReport(
      [
        finding({
          ruleId: 'SR201',
          severity: 'error',
          message: nasty,
          subject: { ...RUN, name: 'a<b>&c' },
          evidence: { note: nasty },
          fix: 'x && y',
        }),
      ],
      [{ ruleId: 'SR101', reason: 'forbidden: "list" <storyruns> & more\u0000' }],
    );
    const xml = renderJunit(report, options());
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    const doc = parse(xml);
    const c = suite(doc, 'SR201').testcase[0];
    const clean = `<script>&"quotes" 'single'[31m\nsecond line\ttab`;
    expect(c?.['@_name']).toBe(`StoryRun ${NS}/a<b>&c`);
    expect(c?.failure?.[0]?.['@_message']).toBe(clean);
    expect(c?.failure?.[0]?.['#text']).toContain(`note: ${clean}`);
    expect(c?.failure?.[0]?.['#text']).toContain('fix: x && y');
    expect(suite(doc, 'SR101').testcase[0]?.skipped?.[0]?.['@_message']).toBe(
      'forbidden: "list" <storyruns> & more',
    );
  });

  it('is valid with an empty report and no rules', () => {
    const doc = parse(renderJunit(makeReport([], []), options({ rules: [] })));
    expect(doc['@_tests']).toBe('0');
    expect(doc.testsuite).toBeUndefined();
  });
});
