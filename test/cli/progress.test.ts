// Progress only where a person watches stderr: never in a pipe, in CI or with --quiet, and never on stdout.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { showProgress, type CliIO } from '../../src/cli/io.js';
import { createProgress, formatBytes, formatObjects } from '../../src/cli/progress.js';

function io(options: { tty: boolean; env?: NodeJS.ProcessEnv; columns?: number }): {
  io: CliIO;
  out: () => string;
  err: () => string;
} {
  const chunks = { out: [] as string[], err: [] as string[] };
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  stdout.on('data', (c: Buffer) => chunks.out.push(c.toString()));
  stderr.on('data', (c: Buffer) => chunks.err.push(c.toString()));
  if (options.tty) {
    stdout.isTTY = true;
    stderr.isTTY = true;
    stderr.columns = options.columns ?? 80;
  }
  return {
    io: { stdout, stderr, stdin: Readable.from([]), env: options.env ?? {}, cwd: '/', now: () => 0 },
    out: () => chunks.out.join(''),
    err: () => chunks.err.join(''),
  };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('showProgress', () => {
  it('is on for a stderr TTY outside CI without --quiet', () => {
    expect(showProgress(io({ tty: true }).io, undefined)).toBe(true);
  });

  it('is off when stderr is not a TTY, under CI=true or CI=1, and with --quiet', () => {
    expect(showProgress(io({ tty: false }).io, undefined)).toBe(false);
    expect(showProgress(io({ tty: true, env: { CI: 'true' } }).io, undefined)).toBe(false);
    expect(showProgress(io({ tty: true, env: { CI: '1' } }).io, undefined)).toBe(false);
    expect(showProgress(io({ tty: true }).io, true)).toBe(false);
  });
});

describe('createProgress', () => {
  it('writes nothing anywhere when disabled', async () => {
    const t = io({ tty: false });
    const p = createProgress(t.io, false);
    p.objects('storyruns', 500);
    p.bytes(1024, 2048);
    p.update('x');
    p.done();
    await flush();
    expect(t.err()).toBe('');
    expect(t.out()).toBe('');
  });

  it('redraws one stderr line in place, throttled, and erases it when done; stdout stays clean', async () => {
    let clock = 0;
    const t = io({ tty: true });
    const p = createProgress(t.io, true, { now: () => clock, intervalMs: 100 });
    p.objects('storyruns', 500);
    clock = 50;
    p.objects('storyruns', 1000); // within the interval: skipped
    p.objects('stepruns', 500); // a new kind: drawn at once
    clock = 1000;
    p.objects('stepruns', 1500);
    p.done();
    await flush();
    expect(t.err()).toBe(
      '\r\x1b[2Klisting storyruns 500' +
        '\r\x1b[2Klisting storyruns 1,000 · stepruns 500' +
        '\r\x1b[2Klisting storyruns 1,000 · stepruns 1,500 · 2,500 objects/s' +
        '\r\x1b[2K',
    );
    expect(t.out()).toBe('');
  });

  it('cuts the line to the terminal width so it never wraps', async () => {
    const t = io({ tty: true, columns: 20 });
    const p = createProgress(t.io, true);
    p.update('reading logs 12.0 of 48.0 MiB (25%) · 30.0 MiB/s');
    await flush();
    expect(t.err()).toBe('\r\x1b[2Kreading logs 12.0 …'); // 19 columns: one spare for the cursor
  });

  it('does not erase a line it never drew', async () => {
    const t = io({ tty: true });
    createProgress(t.io, true).done();
    await flush();
    expect(t.err()).toBe('');
  });
});

describe('progress text', () => {
  it('gives bytes of total, percent, rate and time left', () => {
    expect(formatBytes(12 * 1048576, 48 * 1048576, 400)).toBe('reading logs 12.0 of 48.0 MiB (25%)');
    expect(formatBytes(12 * 1048576, 48 * 1048576, 2000)).toBe(
      'reading logs 12.0 of 48.0 MiB (25%) · 6.0 MiB/s · 6s left',
    );
    expect(formatBytes(3 * 1048576, undefined, 1000)).toBe('reading logs 3.0 MiB · 3.0 MiB/s');
  });

  it('gives objects per kind and the rate', () => {
    expect(formatObjects(new Map([['storyruns', 1200]]), 100)).toBe('listing storyruns 1,200');
    expect(
      formatObjects(
        new Map([
          ['storyruns', 1200],
          ['stepruns', 3600],
        ]),
        2000,
      ),
    ).toBe('listing storyruns 1,200 · stepruns 3,600 · 2,400 objects/s');
  });
});

describe('doctor and lint keep stdout clean whatever the terminal', () => {
  const logs = 'fixtures/logs/orphaned-stt-socket';
  const snapshot = 'fixtures/seed-stalled-cancel/during-window.yaml';

  it('lint -o json on a terminal: stdout is only the JSON report', async () => {
    const { runCli } = await import('../support/cli.js');
    const r = await runCli(['lint', logs, '-o', 'json', '--fail-on', 'none'], { tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect((JSON.parse(r.stdout) as { kind: string }).kind).toBe('Report');
  });

  it('lint under CI=true, and with --quiet, writes nothing to stderr', async () => {
    const { runCli } = await import('../support/cli.js');
    const ci = await runCli(['lint', logs, '-o', 'json', '--fail-on', 'none'], {
      tty: true,
      env: { CI: 'true' },
    });
    expect(ci.stderr).toBe('');
    const quiet = await runCli(['lint', logs, '-o', 'json', '--fail-on', 'none', '--quiet'], { tty: true });
    expect(quiet.stderr).toBe('');
    const findings = (text: string): unknown => (JSON.parse(text) as { findings: unknown }).findings;
    expect(findings(quiet.stdout)).toEqual(findings(ci.stdout));
  });

  it('doctor --snapshot -o json on a terminal: stdout is only the JSON report', async () => {
    const { runCli } = await import('../support/cli.js');
    const r = await runCli(['doctor', '--snapshot', snapshot, '-o', 'json', '--fail-on', 'none'], {
      tty: true,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect((JSON.parse(r.stdout) as { kind: string }).kind).toBe('Report');
  });
});
