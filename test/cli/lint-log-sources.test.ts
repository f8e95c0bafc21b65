// `storyctl lint` on captures as users have them: --log-timezone for the formats that print no zone,
// and an input no known format reads (a warning, not evaluated, exit 3, the summary says so).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const REAL = 'fixtures/logs/real';
const DT102 = join(REAL, 'ductor/0.20.x/ductor-file/dt102-timed-out/agent.log.txt');
const NGINX = join(REAL, 'unknown/nginx-access/ingress-combined');

describe('lint --log-timezone', () => {
  it('reads zone-less Ductor times in the zone given (default UTC)', async () => {
    const at = async (extra: string[]): Promise<unknown> => {
      const r = await runCli([
        'lint',
        DT102,
        '-o',
        'json',
        '--now',
        '2026-05-14T09:00:00Z',
        '--quiet',
        ...extra,
      ]);
      const report = JSON.parse(r.stdout) as {
        findings: { ruleId: string; evidence: { timedOutAt: string } }[];
      };
      return report.findings.find((f) => f.ruleId === 'DT102')?.evidence.timedOutAt;
    };
    expect(await at([])).toBe('2026-05-14T08:15:00.000Z');
    expect(await at(['--log-timezone', 'Europe/Berlin'])).toBe('2026-05-14T06:15:00.000Z');
  });

  it("takes the config file's logTimezone, and the flag over it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storyctl-tz-'));
    const config = join(dir, 'storyctl.yaml');
    await writeFile(config, 'apiVersion: storyctl/v1\nkind: Config\nlogTimezone: Europe/Berlin\n');
    const at = async (extra: string[]): Promise<unknown> => {
      const r = await runCli([
        'lint',
        resolve(DT102),
        '-o',
        'json',
        '--now',
        '2026-05-14T09:00:00Z',
        '--quiet',
        '--config',
        config,
        ...extra,
      ]);
      const report = JSON.parse(r.stdout) as {
        findings: { ruleId: string; evidence: { timedOutAt: string } }[];
      };
      return report.findings.find((f) => f.ruleId === 'DT102')?.evidence.timedOutAt;
    };
    expect(await at([])).toBe('2026-05-14T06:15:00.000Z');
    expect(await at(['--log-timezone', 'UTC'])).toBe('2026-05-14T08:15:00.000Z');
    const view = await runCli(['config', 'view', '--config', config]);
    expect(view.stdout).toMatch(/logTimezone: Europe\/Berlin # .*storyctl\.yaml:3/);
  });

  it('refuses a zone Intl does not know, as a usage error', async () => {
    const r = await runCli(['lint', DT102, '--log-timezone', 'Mars/Base']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('IANA time zone');
  });

  it('is documented in --help, on lint and doctor', async () => {
    for (const cmd of ['lint', 'doctor']) {
      const r = await runCli([cmd, '--help']);
      expect(r.stdout, cmd).toContain('--log-timezone <zone>');
    }
  });
});

describe('an input in no known format', () => {
  it('warns naming the file and its first line, lists every rule as not evaluated, exits 3, says so in the summary', async () => {
    const r = await runCli(['lint', NGINX, '--now', '2026-04-22T14:10:00Z', '--quiet', '--no-color']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^warning: .*access\.txt: no record in a known log format \(first line "/m);
    expect(r.stdout).toContain('1 log input in no known format, not checked');
    const json = await runCli(['lint', NGINX, '-o', 'json', '--now', '2026-04-22T14:10:00Z', '--quiet']);
    const report = JSON.parse(json.stdout) as {
      sources: { formats: Record<string, number>; unrecognised: number }[];
      notEvaluated: unknown[];
    };
    expect(report.sources[0]).toMatchObject({ formats: {} });
    expect(report.sources[0]?.unrecognised).toBeGreaterThan(0);
    expect(report.notEvaluated.length).toBeGreaterThanOrEqual(11);
  });

  it('does not fail a run whose findings already fail it with 3 instead of 1', async () => {
    const hung = join(REAL, 'agents-js/1.7.0/pino-json/lk101-close-hung/agent.jsonl');
    const r = await runCli(['lint', hung, NGINX, '--now', '2026-04-22T14:10:00Z', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no record in a known log format');
  });
});
