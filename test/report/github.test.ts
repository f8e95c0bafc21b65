import { describe, expect, it } from 'vitest';
import { githubStepSummary, renderGithub, workflowCommand } from '../../src/report/github.js';
import { finding, makeReport, many, NS, options, RUN, RUN_NAME } from './helpers.js';

// A workflow command: level, optional comma-separated key=value properties whose values carry no
// raw `:`, `,`, CR or LF, then `::` and a message with no raw CR or LF.
const COMMAND = /^::(error|warning|notice)(?: [a-z]+=[^:,\r\n]*(?:,[a-z]+=[^:,\r\n]*)*)?::[^\r\n]*$/;

function lines(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

function unescape(s: string): string {
  return s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

function parseCommand(line: string): { level: string; props: Record<string, string>; message: string } {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a command: ${line}`);
  const props: Record<string, string> = {};
  for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = kv.indexOf('=');
    props[kv.slice(0, eq)] = unescape(kv.slice(eq + 1));
  }
  return { level: m[1] ?? '', props, message: unescape(m[3] ?? '') };
}

describe('renderGithub', () => {
  it('emits one well-formed workflow command per finding, most severe first', () => {
    const report = makeReport();
    const out = lines(renderGithub(report, options()));
    for (const l of out) expect(l).toMatch(COMMAND);
    // 7 findings plus the closing notice for the two checks that were not evaluated.
    expect(out).toHaveLength(8);
    const levels = out.slice(0, 7).map((l) => parseCommand(l).level);
    expect(levels).toEqual(['error', 'error', 'error', 'error', 'warning', 'warning', 'notice']);
  });

  it('annotates log findings with file and line, relative to the working directory', () => {
    const out = lines(renderGithub(makeReport(), options()));
    expect(out).toContain(
      '::error file=logs/agent.log,line=120,title=LK102 AgentProcess voice-agent-7d9f6c8b5-x2kqp/17::STT socket kept alive after the session close started: 4 closures with code 2007',
    );
    expect(out).toContain(
      '::error file=logs/agent.log,line=388,title=LK103 session-close-timeout::AgentSession.close() timed out after 10000ms',
    );
    const br101 = out.map(parseCommand).find((c) => c.props['title']?.startsWith('BR101'));
    expect(br101?.props).toEqual({
      file: 'logs/controller.log',
      line: '42',
      title: `BR101 StoryRun ${NS}/${RUN_NAME}`,
    });
  });

  it('gives cluster findings a title and no file, with the fix on its own line', () => {
    const out = lines(renderGithub(makeReport(), options()));
    const sr201 = out.find((l) => l.includes('title=SR201'));
    expect(sr201).toBe(
      `::error title=SR201 StoryRun ${NS}/${RUN_NAME}::StoryRun is Finished but 2 step states are still Running%0Afix: storyctl finish ${RUN_NAME} -n ${NS} --force-terminal`,
    );
  });

  it("escapes data and properties exactly as GitHub's toolkit does", () => {
    expect(workflowCommand('warning', { title: 'a:b,c%d\r\ne' }, '100% done: a, b\r\nnext')).toBe(
      '::warning title=a%3Ab%2Cc%25d%0D%0Ae::100%25 done: a, b%0D%0Anext',
    );
    expect(workflowCommand('notice', {}, 'plain')).toBe('::notice::plain');
    // An already-escaped-looking sequence is escaped again, not passed through.
    expect(workflowCommand('error', {}, '%0A')).toBe('::error::%250A');

    const tricky = finding({
      ruleId: 'DT102',
      severity: 'warning',
      message: 'Session timed out after 300s: 50% of turns, then:\nretry, again %25',
      subject: { kind: 'DuctorChat', name: 'chat:42,b' },
      location: { file: 'logs/ductor, main:1.log', line: 9 },
    });
    const [line] = lines(renderGithub(makeReport([tricky], []), options()));
    expect(line).toMatch(COMMAND);
    const cmd = parseCommand(line ?? '');
    expect(cmd).toEqual({
      level: 'warning',
      props: { file: 'logs/ductor, main:1.log', line: '9', title: 'DT102 DuctorChat chat:42,b' },
      message: 'Session timed out after 300s: 50% of turns, then:\nretry, again %25',
    });
  });

  it('sorts defensively even when the report is not ordered', () => {
    const report = makeReport();
    report.findings.reverse();
    const levels = lines(renderGithub(report, options()))
      .slice(0, 7)
      .map((l) => parseCommand(l).level);
    expect(levels).toEqual(['error', 'error', 'error', 'error', 'warning', 'warning', 'notice']);
  });

  it('emits at most 10 annotations per level and says how many were left out', () => {
    const report = makeReport(
      [...many('SR201', 'error', 13), ...many('SR103', 'warning', 12), ...many('SR204', 'info', 3)],
      [],
    );
    const out = lines(renderGithub(report, options()));
    for (const l of out) expect(l).toMatch(COMMAND);
    const parsed = out.map(parseCommand);
    expect(parsed.filter((c) => c.level === 'error')).toHaveLength(10);
    expect(parsed.filter((c) => c.level === 'warning')).toHaveLength(10);
    expect(parsed.filter((c) => c.level === 'notice')).toHaveLength(4);
    const last = out[out.length - 1] ?? '';
    expect(last.startsWith('::notice::')).toBe(true);
    expect(parseCommand(last).message).toBe(
      'storyctl: 5 findings not annotated (GitHub shows at most 10 annotations per level per step); the job summary lists them all.',
    );
    // The first ten of each level are the ones the report ranks first.
    expect(parsed[0]?.props['title']).toBe(`SR201 StoryRun ${NS}/run-01`);
  });

  it('keeps the closing notice inside the notice cap', () => {
    const eleven = lines(renderGithub(makeReport(many('SR204', 'info', 11), []), options())).map(
      parseCommand,
    );
    expect(eleven.filter((c) => c.level === 'notice')).toHaveLength(10);
    expect(eleven[9]?.message).toContain('2 findings not annotated');

    const ten = lines(renderGithub(makeReport(many('SR204', 'info', 10), []), options())).map(parseCommand);
    expect(ten).toHaveLength(10);
    expect(ten.every((c) => c.props['title']?.startsWith('SR204'))).toBe(true);
  });

  it('mentions checks that were not evaluated, and prints nothing for a clean run', () => {
    const out = lines(renderGithub(makeReport([]), options()));
    expect(out).toEqual(['::notice::storyctl: 2 checks not evaluated; the job summary lists them all.']);
    expect(renderGithub(makeReport([], []), options())).toBe('');
  });
});

describe('renderGithub with --baseline', () => {
  it('annotates only new findings and says how many the baseline already had', () => {
    const report = makeReport(many('SR101', 'error', 3), []);
    const [first, ...rest] = report.findings;
    if (!first) throw new Error('no findings');
    first.baselineState = 'new';
    for (const f of rest) f.baselineState = 'unchanged';
    const out = lines(renderGithub(report, options())).map(parseCommand);
    expect(out.map((c) => c.level)).toEqual(['error', 'notice']);
    expect(out[0]?.message).toContain(first.message);
    expect(out[1]?.message).toBe(
      'storyctl: 2 findings unchanged from the baseline, not annotated; the job summary lists them all.',
    );
  });
});

describe('githubStepSummary', () => {
  it('lists every finding, including those over the annotation cap', () => {
    const report = makeReport(
      [
        ...many('SR201', 'error', 13),
        finding({ ruleId: 'SR201', severity: 'error', message: 'seed run', subject: RUN }),
      ],
      [],
    );
    const summary = githubStepSummary(report, options());
    const rows = summary.split('\n').filter((l) => l.startsWith('| error '));
    expect(rows).toHaveLength(14);
    expect(summary).toContain('**storyctl:** 14 errors');
  });
});
