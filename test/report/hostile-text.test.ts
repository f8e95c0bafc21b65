// Hostile text (issue 16 item 5): a status message, an annotation, a step name or a log line can
// carry terminal controls (an OSC that retitles the window, a clear-screen CSI, a CR that overwrites
// the line, NUL, a bidi override). Human outputs show them as escapes; machine outputs keep them
// exactly and stay valid.
import { XMLValidator } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src/model/utf8.js';
import { planRun } from '../../src/repair/plan.js';
import type { RunResult } from '../../src/repair/result.js';
import {
  escapeGithubData,
  escapeMarkdownCell,
  inertDeep,
  inertLine,
  inertText,
  markdownCode,
} from '../../src/report/escape.js';
import { renderGithub, workflowCommand } from '../../src/report/github.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { planDiffLines, renderPlanDiff, renderResultsTable } from '../../src/report/plan-diff.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderTable } from '../../src/report/table.js';
import { renderYaml } from '../../src/report/yaml.js';
import { CANCEL_AT, SEED_RUN, STEPS, makeRun, makeStep } from '../support/objects.js';
import { HOSTILE, RAW, SGR, SHOWN } from '../support/hostile.js';
import { NS, RUN, finding, makeReport, options } from './helpers.js';

function hostileReport() {
  return makeReport(
    [
      finding({
        ruleId: 'SR201',
        severity: 'error',
        message: `run is Finished but 1 step state(s) are still open: ${HOSTILE} (Running)`,
        subject: RUN,
        location: { file: `logs/${HOSTILE}.log`, line: 3 },
        evidence: { steps: [{ step: HOSTILE, phase: 'Running' }], message: HOSTILE, [HOSTILE]: 'key' },
        fix: `kubectl annotate storyrun x note=${HOSTILE}`,
      }),
    ],
    [{ ruleId: 'SR101', subject: RUN, reason: `cancel-observed-at is not a time (${HOSTILE})` }],
  );
}

describe('inertText', () => {
  it('shows each control, DEL, C1 and bidi control as an escape and keeps newlines and tabs', () => {
    expect(inertText(HOSTILE)).toBe(SHOWN);
    expect(inertText('a\tb\nc\x7f\u009b\u2066\u2069')).toBe('a\tb\nc\\x7f\\u009b\\u2066\\u2069');
    expect(inertLine('a\tb\nc')).toBe('a\\tb\\nc');
  });

  it('leaves ordinary text, emoji and CJK alone (the same string, nothing copied)', () => {
    const s = 'voice-agent 通話 😀 ‒ “quoted” \\ back';
    expect(inertText(s)).toBe(s);
  });

  it('shows an invalid byte kept by decodeUtf8 as that byte, other lone surrogates as \\u', () => {
    expect(inertText(decodeUtf8(Buffer.from([0x61, 0xff, 0x62, 0xc3])))).toBe('a\\xffb\\xc3');
    expect(inertText('x\ud800y')).toBe('x\\ud800y');
  });

  it('is idempotent: the escaped form holds no control character', () => {
    expect(inertText(inertText(HOSTILE))).toBe(SHOWN);
  });

  it('inertDeep escapes values and keys and returns untouched parts as they are', () => {
    const clean = { a: ['x', { b: 1 }] };
    const value = { clean, dirty: { [HOSTILE]: [HOSTILE, 2] } };
    const out = inertDeep(value);
    expect(out.clean).toBe(clean);
    expect(out.dirty).toEqual({ [SHOWN]: [SHOWN, 2] });
    expect(value.dirty[HOSTILE]?.[0]).toBe(HOSTILE);
  });
});

describe('decodeUtf8', () => {
  it('decodes valid UTF-8 exactly as Buffer#toString does', () => {
    const text = 'voice 通話 😀 \u202e';
    expect(decodeUtf8(Buffer.from(text))).toBe(text);
  });

  it('keeps each invalid byte as U+DC00 + byte where toString would write U+FFFD', () => {
    const bytes = Buffer.from([0x6e, 0xff, 0xe2, 0x82, 0x20, 0xf0, 0x9f, 0x98, 0x80]);
    expect(bytes.toString('utf8')).toBe('n\ufffd\ufffd 😀');
    expect(decodeUtf8(bytes)).toBe('n\udcff\udce2\udc82 😀');
    // Overlong forms and encoded surrogates are not UTF-8 either.
    expect(decodeUtf8(Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]))).toBe('\udcc0\udcaf\udced\udca0\udc80');
  });

  it('gives JSON a valid escape that keeps the byte', () => {
    expect(JSON.stringify(decodeUtf8(Buffer.from([0x61, 0xff])))).toBe('"a\\udcff"');
  });
});

describe('human reporters show hostile text escaped', () => {
  it('table: every message, evidence value, key, file, fix and reason escaped; colours kept', () => {
    for (const wide of [false, true]) {
      const text = renderTable(hostileReport(), options({ color: true, wide, width: 200 }));
      expect(text).toMatch(SGR);
      expect(text.replace(SGR, '')).not.toMatch(RAW);
      expect(text).toContain(SHOWN);
      expect(text).toContain(`cancel-observed-at is not a time (${SHOWN})`);
      expect(text).toContain(`at logs/${SHOWN}.log:3`);
    }
  });

  it('GitHub: no control character reaches the Actions log, in data or in properties', () => {
    const text = renderGithub(hostileReport(), options());
    expect(text).not.toMatch(RAW);
    // CR stays @actions/core's %0D; everything else a terminal would act on is an escape.
    const data = 'call\\x1b]0;pwned\\x07\\x1b[2J%0D\\x00\\u202egnp.exe';
    expect(text).toContain(`file=logs/${data}.log`);
    expect(text).toContain(`still open: ${data} (Running)%0Afix:`);
    expect(workflowCommand('error', { title: HOSTILE }, HOSTILE)).toBe(`::error title=${data}::${data}`);
    expect(escapeGithubData('a\r\nb')).toBe('a%0D%0Ab');
  });

  it('Markdown: cells, code spans and the not-evaluated list escaped', () => {
    const text = renderMarkdown(hostileReport(), options());
    expect(text).not.toMatch(RAW);
    expect(escapeMarkdownCell('a\x1bb')).toBe('a\\\\x1bb');
    expect(markdownCode('a\x1bb')).toBe('`a\\x1bb`');
    expect(text).toContain('not a time (call\\\\x1b\\]0;pwned\\\\x07');
  });
});

describe('machine reporters keep hostile text exact and valid', () => {
  it('JSON round-trips every string', () => {
    const report = hostileReport();
    const back = JSON.parse(renderJson(report)) as typeof report;
    expect(back.findings[0]?.evidence['message']).toBe(HOSTILE);
    expect(back.findings[0]?.message).toBe(report.findings[0]?.message);
    expect(back.notEvaluated[0]?.reason).toBe(report.notEvaluated[0]?.reason);
  });

  it('YAML round-trips and holds no raw control character', () => {
    const text = renderYaml(hostileReport());
    // eslint-disable-next-line no-control-regex -- YAML writes C0 controls as escapes
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
    const back = parseYaml(text) as ReturnType<typeof hostileReport>;
    expect(back.findings[0]?.evidence['message']).toBe(HOSTILE);
  });

  it('SARIF is JSON with the message exact', () => {
    const sarif = JSON.parse(renderSarif(hostileReport(), options())) as {
      runs: { results: { message: { text: string } }[] }[];
    };
    expect(sarif.runs[0]?.results[0]?.message.text).toContain(HOSTILE);
  });

  it('JUnit stays well-formed XML', () => {
    expect(XMLValidator.validate(renderJunit(hostileReport(), options()))).toBe(true);
  });
});

describe('plan diff', () => {
  const NOW = Date.parse('2026-04-22T18:20:00Z');
  const plan = planRun({
    run: makeRun({
      phase: 'Running',
      message: HOSTILE,
      cancelRequested: true,
      cancelObservedAt: CANCEL_AT,
      stepStates: { [HOSTILE]: 'Running' },
    }),
    steps: STEPS.map((s) => makeStep(SEED_RUN, s)),
    now: NOW,
    mode: 'force-terminal',
    user: 'oncall',
    reason: HOSTILE,
  });

  it('shows the run’s status message, step names and the reason escaped, each line whole', () => {
    const lines = planDiffLines(plan);
    for (const l of lines) expect(l).not.toMatch(RAW);
    expect(lines).toContain(`- status.message: ${SHOWN}`);
    expect(lines.join('\n')).toContain(SHOWN);
    const text = renderPlanDiff([plan], { color: true });
    expect(text).toMatch(SGR);
    expect(text.replace(SGR, '')).not.toMatch(RAW);
  });

  it('the results table escapes the message', () => {
    const result: RunResult = {
      namespace: NS,
      name: 'call-7f3a',
      outcome: 'failed',
      attempts: 1,
      writes: [],
      message: `status write failed: ${HOSTILE}`,
    };
    const text = renderResultsTable([result], { color: false });
    expect(text).not.toMatch(RAW);
    expect(text.replace(/[\s│|]+/g, '')).toContain(SHOWN.replace(/\s+/g, ''));
  });
});
