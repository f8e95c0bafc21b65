import { describe, expect, it } from 'vitest';
import { escapeMarkdownCell, markdownCode } from '../../src/report/escape.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { finding, makeReport, NS, options, README_URL, RUN, RUN_NAME } from './helpers.js';

/** Cell separators: pipes not escaped with a backslash. */
function columns(row: string): number {
  return (row.match(/(?<!\\)\|/g) ?? []).length - 1;
}

function tableRows(md: string): string[] {
  return md.split('\n').filter((l) => l.startsWith('|'));
}

describe('renderMarkdown', () => {
  it('writes a summary line, one row per finding and the checks not evaluated', () => {
    const md = renderMarkdown(makeReport(), options());
    const lines = md.split('\n');
    expect(lines[0]).toBe(
      '**storyctl:** 4 errors, 2 warnings, 1 info, 2 not evaluated (evaluated at 2026-04-22T18:16:00.000Z)',
    );
    const rows = tableRows(md);
    expect(rows[0]).toBe('| Severity | Rule | Subject | Message | Fix |');
    expect(rows).toHaveLength(2 + 7);
    for (const r of rows) expect(columns(r)).toBe(5);
    expect(md).toContain(
      `| error | [SR201](${README_URL}#sr201) | StoryRun ${NS}/${RUN_NAME} | StoryRun is Finished but 2 step states are still Running | \`storyctl finish ${RUN_NAME} -n ${NS} --force-terminal\` |`,
    );
    expect(md).toContain('| error | [LK103](' + README_URL + '#lk103) | `logs/agent.log:388` |');
    expect(md).toContain(`StoryRun ${NS}/${RUN_NAME}<br>\`logs/controller.log:42\``);
    // internal-error has no README row, so no link.
    expect(md).toContain('| error | internal-error | (no subject) |');
    expect(md).toContain(
      '#### Not evaluated\n\n- **LK101** AgentProcess voice-agent-7d9f6c8b5-x2kqp/22: the capture ends 12s after the forced close; the rule needs 60s\n',
    );
    expect(md.endsWith('\n')).toBe(true);
  });

  it('escapes pipes and newlines so a message cannot break the table', () => {
    const report = makeReport(
      [
        finding({
          ruleId: 'SR201',
          severity: 'error',
          message: 'phase | Running\nstep *voice-agent* <b>',
          subject: RUN,
          fix: "kubectl get storyrun -o json | jq '.status'",
        }),
      ],
      [],
    );
    const md = renderMarkdown(report, options());
    const row = tableRows(md)[2] ?? '';
    expect(columns(row)).toBe(5);
    expect(row).toContain('phase \\| Running<br>step \\*voice-agent\\* \\<b\\>');
    expect(row).toContain("`kubectl get storyrun -o json \\| jq '.status'`");
    expect(md).not.toContain('Not evaluated');
  });

  it('says there are no findings and draws no table for a clean run', () => {
    const md = renderMarkdown(makeReport([], []), options());
    expect(md).toBe('**storyctl:** no findings (evaluated at 2026-04-22T18:16:00.000Z)\n');
  });
});

describe('markdown escaping', () => {
  it('fences code spans that contain backticks', () => {
    expect(markdownCode('a `b` c')).toBe('``a `b` c``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode('a|b\nc')).toBe('`a\\|b c`');
  });

  it('escapes markdown specials in cells', () => {
    expect(escapeMarkdownCell('a|b')).toBe('a\\|b');
    expect(escapeMarkdownCell('x\r\ny\nz')).toBe('x<br>y<br>z');
    expect(escapeMarkdownCell('[link](u) _u_ ~s~ & \\')).toBe('\\[link\\](u) \\_u\\_ \\~s\\~ \\& \\\\');
  });
});
