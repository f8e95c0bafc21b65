// serve honours the config file and the suppressions exactly as doctor does (issue 15 item 1, the
// CI issue's settings): the same settings code filters every evaluation, so a suppressed finding
// is neither counted in storyctl_findings nor passed on to Events and auto-repair; it is counted in
// storyctl_suppressed_findings instead. Expiry follows the evaluation's clock, so a suppression
// that runs out while serve runs stops applying at the next evaluation, without a restart.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServeSettings, type ServeFlags } from '../../src/cli/commands/serve.js';
import { exitCodeForError } from '../../src/cli/exit.js';
import type { CliIO } from '../../src/cli/io.js';
import { StoryctlError } from '../../src/model/errors.js';
import type { ObjectSet, StoryRun } from '../../src/model/kube.js';
import { suppressionAnnotation } from '../../src/model/suppress.js';
import { keepAll } from '../../src/config/findings-filter.js';
import { evaluate, type Evaluation } from '../../src/serve/evaluate.js';
import { ServeMetrics } from '../../src/serve/metrics.js';
import { CANCEL_AT, makeRun, makeStory, NS } from '../support/objects.js';

const NOW = Date.parse('2026-04-22T18:30:00Z');

function io(cwd: string): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: {},
    cwd,
    now: () => NOW,
  };
}

const flags = (over: Partial<ServeFlags> = {}): ServeFlags =>
  ({
    metricsAddr: ':0',
    stopBudget: 30,
    grace: 120,
    maxRepairsPerHour: 20,
    leaseDuration: 15,
    evaluationInterval: 60,
    events: true,
    eventSeriesInterval: 1800,
    debounce: 0.25,
    requestTimeout: 0,
    ...over,
  }) as ServeFlags;

/** A directory with `.storyctl.yaml` holding `body` (after the header), and that file's path. */
function configDir(body: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'storyctl-serve-config-'));
  const file = join(dir, '.storyctl.yaml');
  writeFileSync(file, `apiVersion: storyctl/v1\nkind: Config\n${body}`);
  return { dir, file };
}

const stalled = (name: string, annotations: Record<string, string> = {}): StoryRun => {
  const run = makeRun({ name, cancelRequested: true, cancelObservedAt: CANCEL_AT });
  run.metadata.annotations = { ...run.metadata.annotations, ...annotations };
  return run;
};

const objects = (runs: StoryRun[], stories = [makeStory()]): ObjectSet => ({
  storyRuns: runs,
  stepRuns: [],
  stories,
  transports: [],
});

async function evaluateWith(
  body: string | undefined,
  set: ObjectSet,
  over: Partial<ServeFlags> = {},
  now = NOW,
): Promise<Evaluation> {
  const dir = body === undefined ? mkdtempSync(join(tmpdir(), 'storyctl-serve-none-')) : configDir(body).dir;
  const s = await resolveServeSettings(flags(over), io(dir));
  return evaluate(set, { rules: s.rules, filter: s.filter, now, ...s.thresholds });
}

const names = (fs: readonly { ruleId: string; subject?: { name: string } }[], rule = 'SR101'): string[] =>
  fs
    .filter((f) => f.ruleId === rule)
    .map((f) => f.subject?.name ?? '')
    .sort();

describe('serve: the config and suppressions, as doctor applies them', () => {
  it('without a config every finding is kept (the same as keepAll)', async () => {
    const set = objects([stalled('call-1')]);
    const ev = await evaluateWith(undefined, set);
    const all = evaluate(set, {
      rules: (await resolveServeSettings(flags(), io('/'))).rules,
      filter: keepAll,
      now: NOW,
      stopBudgetSeconds: 30,
    });
    expect(names(ev.findings)).toEqual(['call-1']);
    expect(ev.findings.map((f) => f.fingerprint)).toEqual(all.findings.map((f) => f.fingerprint));
    expect(ev.suppressed).toEqual([]);
  });

  it('a config suppression moves the matching finding to suppressed, with its file:line and reason', async () => {
    const ev = await evaluateWith(
      'suppressions:\n  - rule: SR101\n    name: call-quiet\n    reason: known drain, tracked in OPS-12\n',
      objects([stalled('call-quiet'), stalled('call-loud')]),
    );
    expect(names(ev.findings)).toEqual(['call-loud']);
    expect(names(ev.suppressed)).toEqual(['call-quiet']);
    expect(ev.suppressed[0]?.suppression).toMatchObject({
      kind: 'config',
      reason: 'known drain, tracked in OPS-12',
      source: expect.stringMatching(/\.storyctl\.yaml:4$/) as string,
    });
  });

  it('an ignore-check annotation on the run, or on its Story for SR101, suppresses it', async () => {
    const onRun = stalled('call-annotated', { [suppressionAnnotation('SR101')]: 'load test' });
    const story = makeStory();
    story.metadata.annotations = {
      [suppressionAnnotation('SR101')]: 'this Story drains for 2 minutes on purpose',
    };
    const ev1 = await evaluateWith(undefined, objects([onRun, stalled('call-plain')]));
    expect(names(ev1.findings)).toEqual(['call-plain']);
    expect(ev1.suppressed[0]?.suppression).toMatchObject({ kind: 'annotation', reason: 'load test' });
    const ev2 = await evaluateWith(undefined, objects([stalled('call-plain')], [story]));
    expect(names(ev2.findings)).toEqual([]);
    expect(ev2.suppressed[0]?.suppression.source).toBe(
      `Story ${NS}/${story.metadata.name} annotation ${suppressionAnnotation('SR101')}`,
    );
  });

  it('--no-suppressions (audit mode) brings both back; --no-config ignores the file', async () => {
    const body = 'suppressions:\n  - rule: SR101\n    name: call-quiet\n    reason: known\n';
    const set = objects([
      stalled('call-quiet'),
      stalled('call-annotated', { [suppressionAnnotation('SR101')]: 'load test' }),
    ]);
    expect(names((await evaluateWith(body, set)).findings)).toEqual([]);
    const audit = await evaluateWith(body, set, { suppressions: false });
    expect(names(audit.findings)).toEqual(['call-annotated', 'call-quiet']);
    expect(audit.suppressed).toEqual([]);
    const noConfig = await evaluateWith(body, set, { config: false });
    expect(names(noConfig.findings)).toEqual(['call-quiet']);
  });

  it('a suppression that expires while serve runs applies until then and not after (no restart)', async () => {
    const s = await resolveServeSettings(
      flags(),
      io(
        configDir(
          'suppressions:\n  - rule: SR101\n    name: call-quiet\n    reason: until the fix ships\n    expires: "2026-04-22T18:31:00Z"\n',
        ).dir,
      ),
    );
    const set = objects([stalled('call-quiet')]);
    const at = (now: number): Evaluation =>
      evaluate(set, { rules: s.rules, filter: s.filter, now, ...s.thresholds });
    const before = at(NOW);
    expect(names(before.suppressed)).toEqual(['call-quiet']);
    expect(before.ineffective).toEqual([]);
    const after = at(NOW + 61_000);
    expect(names(after.findings)).toEqual(['call-quiet']);
    expect(after.suppressed).toEqual([]);
    expect(after.ineffective).toEqual([
      expect.objectContaining({ ruleId: 'SR101', kind: 'config', problem: 'expired' }),
    ]);
    // Said whether or not anything matches now (serve logs it once, not each time a finding comes and goes).
    const quiet = evaluate(objects([]), {
      rules: s.rules,
      filter: s.filter,
      now: NOW + 61_000,
      ...s.thresholds,
    });
    expect(quiet.ineffective).toEqual(after.ineffective);
  });

  it('a rule the config turns off is not run; excludes drop findings; thresholds come from the file', async () => {
    const set = objects([stalled('call-1'), stalled('call-2', {})]);
    const off = await evaluateWith('rules:\n  SR101: off\n', set);
    expect(names(off.findings)).toEqual([]);
    expect(off.suppressed).toEqual([]);
    const s = await resolveServeSettings(flags(), io(configDir('rules:\n  SR101: off\n').dir));
    expect(s.rules.map((r) => r.meta.id)).not.toContain('SR101');

    const excluded = await evaluateWith('exclude:\n  - rules: [SR101]\n    name: "call-2"\n', set);
    expect(names(excluded.findings)).toEqual(['call-1']);

    // The cancel was observed 16½ minutes before NOW: a 20-minute budget from the file means no stall.
    const budget = await evaluateWith('thresholds:\n  stopBudget: 20m\n', set);
    expect(names(budget.findings)).toEqual([]);
    const t = await resolveServeSettings(flags(), io(configDir('thresholds:\n  stopBudget: 20m\n').dir));
    expect(t.thresholds.stopBudgetSeconds).toBe(1200);
    // The flag given on the command line overrides the file.
    const flagged = await resolveServeSettings(
      flags({ stopBudget: 45 }),
      io(configDir('thresholds:\n  stopBudget: 20m\n').dir),
      (name) => (name === 'stopBudget' ? 'cli' : undefined),
    );
    expect(flagged.thresholds.stopBudgetSeconds).toBe(45);
  });

  it('the metrics: a severity override is the label; suppressed findings are counted apart', async () => {
    const ev = await evaluateWith(
      'rules:\n  SR101: warning\nsuppressions:\n  - rule: SR101\n    name: call-quiet\n    reason: known\n',
      objects([
        stalled('call-quiet'),
        stalled('call-annotated', { [suppressionAnnotation('SR101')]: 'load test' }),
        stalled('call-loud'),
      ]),
    );
    const m = new ServeMetrics('0.1.0', { processMetrics: false });
    m.evaluated(ev.world, ev.findings, NOW, 1, ev.suppressed);
    const text = await m.text();
    expect(text).toContain(`storyctl_findings{rule="SR101",severity="warning",namespace="${NS}"} 1`);
    expect(text).not.toContain(`storyctl_findings{rule="SR101",severity="error"`);
    expect(text).toContain('# TYPE storyctl_suppressed_findings gauge');
    expect(text).toContain(
      `storyctl_suppressed_findings{rule="SR101",namespace="${NS}",suppression="config"} 1`,
    );
    expect(text).toContain(
      `storyctl_suppressed_findings{rule="SR101",namespace="${NS}",suppression="annotation"} 1`,
    );
    expect(text).not.toMatch(/call-/);
    // Once the suppression is gone the series falls to 0 rather than vanish.
    m.evaluated(ev.world, [...ev.findings, ...ev.suppressed], NOW + 1000, 1, []);
    expect(await m.text()).toContain(
      `storyctl_suppressed_findings{rule="SR101",namespace="${NS}",suppression="config"} 0`,
    );
  });

  it('a bad config file is a startup error naming the file and line (exit 2)', async () => {
    const { dir } = configDir('rules:\n  SR101: off\nthreshold:\n  stopBudget: 1m\n');
    const error = await resolveServeSettings(flags(), io(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoryctlError);
    expect(error).toMatchObject({ kind: 'config', file: '.storyctl.yaml', line: 5 });
    expect((error as Error).message).toMatch(/^threshold: unknown key/);
    expect(exitCodeForError(error)).toBe(2);
    const missing = await resolveServeSettings(flags({ config: join(dir, 'nope.yaml') }), io(dir)).catch(
      (e: unknown) => e,
    );
    expect(exitCodeForError(missing)).toBe(2);
  });
});

describe('storyctl serve --config', () => {
  it('a typo in the file stops serve before it connects: exit 2, file:line on stderr', async () => {
    const { runCli } = await import('../support/cli.js');
    const { dir } = configDir('rules:\n  SR101: off\nthreshold:\n  stopBudget: 1m\n');
    const r = await runCli(['serve', '-A', '--config', '.storyctl.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.storyctl.yaml:5');
    expect(r.stderr).toContain('threshold: unknown key');
    const help = await runCli(['serve', '--help']);
    for (const flag of ['--config <file>', '--no-config', '--no-suppressions', '--operator-graceful-timeout'])
      expect(help.stdout).toContain(flag);
  });
});

describe('deploy/serve/with-config', () => {
  it("the ConfigMap's storyctl.yaml is a valid config serve can start with", async () => {
    const { readManifests, REPO_ROOT } = await import('../support/manifests.js');
    const [cm] = readManifests(join(REPO_ROOT, 'deploy', 'serve', 'with-config', 'storyctl-config.yaml'));
    const text = (cm as { data?: Record<string, string> } | undefined)?.data?.['storyctl.yaml'];
    expect(text).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-serve-cm-'));
    writeFileSync(join(dir, 'storyctl.yaml'), text ?? '');
    const s = await resolveServeSettings(flags({ config: 'storyctl.yaml' }), io(dir));
    expect(s.rules.map((r) => r.meta.id)).not.toContain('SR204');
    expect(s.settings.suppressions).toHaveLength(1);
    expect(s.thresholds.stopBudgetSeconds).toBe(30);
  });
});
