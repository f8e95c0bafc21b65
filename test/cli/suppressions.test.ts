// Suppressions with reasons (issue 14 item 2): an annotation on the object (or on the Story for
// the rules that say so), or a config entry; a suppressed finding does not fail the run and is
// listed in JSON and counted in the table; --no-suppressions brings it back; an expired one fires.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../support/cli.js';

const SEED = 'fixtures/seed-stalled-cancel/during-window.yaml';
const NOW = '2026-04-22T18:14:40Z';
const RUN = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';
const STORY = 'livekit-voice-assistant';
const TODAY = Date.parse('2026-05-01T12:00:00Z');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storyctl-suppress-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The seed capture with annotations added to the objects of `kind` named `name`. */
async function annotated(kind: string, name: string, annotations: Record<string, string>): Promise<string> {
  const docs = parseAllDocuments(await readFile(SEED, 'utf8'));
  const out: string[] = [];
  for (const doc of 'empty' in docs ? [] : docs) {
    const items = doc.get('items', true) as
      { items: { get(k: string): unknown; setIn(p: string[], v: unknown): void }[] } | undefined;
    for (const item of items?.items ?? [
      doc as unknown as { get(k: string): unknown; setIn(p: string[], v: unknown): void },
    ]) {
      const meta = item.get('metadata') as { get(k: string): unknown } | undefined;
      if (item.get('kind') === kind && meta?.get('name') === name)
        for (const [k, v] of Object.entries(annotations)) item.setIn(['metadata', 'annotations', k], v);
    }
    out.push(doc.toString());
  }
  const file = join(dir, 'capture.yaml');
  await writeFile(file, out.join('---\n'));
  return file;
}

async function doctor(snapshot: string, args: string[] = [], format = 'json') {
  const r = await runCli(['doctor', '--snapshot', snapshot, '--now', NOW, '-o', format, ...args], {
    cwd: dir,
    now: TODAY,
  });
  return { ...r, report: format === 'json' ? (JSON.parse(r.stdout) as Report) : undefined };
}

describe('suppressions', () => {
  it('a Story annotation covers the runs it owns for SR101, not other rules; --no-suppressions brings it back', async () => {
    const snap = await annotated('Story', STORY, {
      'ignore-check.storyctl.bubustack.io/SR101':
        'calls hand over during upgrades; the long window is on purpose',
    });
    const { code, report } = await doctor(snap);
    expect(code).toBe(0); // SR101 was the only error; SR102 is a warning
    expect(report?.findings.map((f) => f.ruleId)).toEqual(['SR102']);
    expect(report?.suppressed).toHaveLength(1);
    expect(report?.suppressed[0]).toMatchObject({
      ruleId: 'SR101',
      subject: { kind: 'StoryRun', name: RUN },
      suppression: {
        kind: 'annotation',
        reason: 'calls hand over during upgrades; the long window is on purpose',
        source: `Story livekit-voice/${STORY} annotation ignore-check.storyctl.bubustack.io/SR101`,
      },
    });
    expect(report?.summary).toMatchObject({ error: 0, warning: 1, suppressed: 1 });

    const table = await doctor(snap, [], 'table');
    expect(table.stdout).toMatch(/1 suppressed/);

    const audit = await doctor(snap, ['--no-suppressions']);
    expect(audit.code).toBe(1);
    expect(audit.report?.findings.map((f) => f.ruleId).sort()).toEqual(['SR101', 'SR102']);
    expect(audit.report?.suppressed).toEqual([]);
  });

  it('an annotation on the run itself suppresses it; one without a reason does not, and says so', async () => {
    const own = await doctor(
      await annotated('StoryRun', RUN, { 'ignore-check.storyctl.bubustack.io/SR101': 'known' }),
    );
    expect(own.report?.suppressed[0]?.suppression.source).toBe(
      `StoryRun livekit-voice/${RUN} annotation ignore-check.storyctl.bubustack.io/SR101`,
    );
    const empty = await doctor(
      await annotated('StoryRun', RUN, { 'ignore-check.storyctl.bubustack.io/SR101': ' ' }),
    );
    expect(empty.code).toBe(1);
    expect(empty.report?.ineffectiveSuppressions).toEqual([
      {
        ruleId: 'SR101',
        kind: 'annotation',
        source: `StoryRun livekit-voice/${RUN} annotation ignore-check.storyctl.bubustack.io/SR101`,
        problem: 'no reason',
      },
    ]);
    expect(empty.stderr).toContain('the suppression of SR101 has no reason; it does not apply');
  });

  it('a config suppression applies until it expires, then the finding fires again and the expiry is reported', async () => {
    const write = (expires: string) =>
      writeFile(
        join(dir, '.storyctl.yaml'),
        [
          'apiVersion: storyctl/v1',
          'kind: Config',
          'suppressions:',
          '  - rule: SR101',
          '    namespace: livekit-voice',
          `    subject: "StoryRun/*/livekit-voice-assistant-rm-*"`,
          '    reason: "drain window accepted until the transport upgrade lands"',
          `    expires: "${expires}"`,
          '',
        ].join('\n'),
      );
    await write('2026-05-01');
    const live = await doctor(SEED);
    expect(live.code).toBe(0);
    expect(live.report?.suppressed[0]?.suppression).toEqual({
      kind: 'config',
      reason: 'drain window accepted until the transport upgrade lands',
      source: '.storyctl.yaml:4',
    });

    await write('2026-04-30');
    const expired = await doctor(SEED);
    expect(expired.code).toBe(1);
    expect(expired.report?.findings.map((f) => f.ruleId)).toContain('SR101');
    expect(expired.report?.ineffectiveSuppressions).toEqual([
      {
        ruleId: 'SR101',
        kind: 'config',
        source: '.storyctl.yaml:4',
        problem: 'expired',
        expires: '2026-04-30',
      },
    ]);
    expect(expired.stderr).toContain('.storyctl.yaml:4: the suppression of SR101 expired on 2026-04-30');
  });

  it('lint honours config suppressions of log findings by file', async () => {
    await writeFile(
      join(dir, '.storyctl.yaml'),
      'apiVersion: storyctl/v1\nkind: Config\nsuppressions:\n  - {rule: LK101, file: "**/orphaned-stt-socket/*", reason: "replayed incident"}\n',
    );
    const r = await runCli(
      ['lint', join(process.cwd(), 'fixtures/logs/orphaned-stt-socket'), '--now', NOW, '-o', 'json'],
      {
        cwd: dir,
      },
    );
    const report = JSON.parse(r.stdout) as Report;
    // Only the rule it names: the orphaned socket (LK102) of the same process still counts.
    expect(r.code).toBe(1);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['LK102']);
    expect(report.suppressed.map((f) => f.ruleId)).toEqual(['LK101']);
  });

  it('matches a suppression on the real file name, and masks it in the output', async () => {
    // A capture kept under an on-call engineer's address: redaction masks it in the report, but the
    // suppression written for that path must still apply.
    const where = join(dir, 'ops.oncall@example.com', 'orphaned-stt-socket');
    await cp(join(process.cwd(), 'fixtures/logs/orphaned-stt-socket'), where, { recursive: true });
    await writeFile(
      join(dir, '.storyctl.yaml'),
      'apiVersion: storyctl/v1\nkind: Config\nsuppressions:\n  - {rule: LK101, file: "**/ops.oncall@example.com/**", reason: "replayed incident"}\n',
    );
    const r = await runCli(['lint', join(dir, 'ops.oncall@example.com'), '--now', NOW, '-o', 'json'], {
      cwd: dir,
    });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.suppressed.map((f) => f.ruleId)).toEqual(['LK101']);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['LK102']);
    expect(r.stdout).not.toContain('ops.oncall@example.com');
  });
});
