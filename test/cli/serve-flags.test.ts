// `storyctl serve`'s flags are checked before it connects anywhere: usage errors exit 2 and say why.
import { describe, expect, it } from 'vitest';
import { parseAutoFinish } from '../../src/cli/commands/serve.js';
import { runCli } from '../support/cli.js';

describe('storyctl serve flags', () => {
  it('--auto-finish takes only the rules finish --all-stalled repairs', () => {
    expect(parseAutoFinish('sr101, SR201,SR301', undefined)).toEqual(['SR101', 'SR201', 'SR301']);
    expect(() => parseAutoFinish('SR102', undefined)).toThrow(/SR102 is not a rule auto-repair acts on/);
    expect(() => parseAutoFinish('XX1', undefined)).toThrow(/unknown rule "XX1"/);
  });

  it.each([
    [['--grace', '1m'], '--grace only applies with --auto-finish'],
    [['--dry-run'], '--dry-run only applies with --auto-finish'],
    [['-A', '-n', 'x'], '-A and -n exclude each other'],
    [['--lease-namespace', 'x'], '--lease-namespace needs --lease-name'],
    [['--auto-finish', 'SR303'], 'SR303 is not a rule auto-repair acts on'],
    [['--metrics-addr', '9464'], '--metrics-addr: expected HOST:PORT'],
    [['--max-repairs-per-hour', '0'], 'expected a whole number of at least 1'],
  ])('serve %j is a usage error', async (args, message) => {
    const r = await runCli(['serve', ...args], { env: { KUBECONFIG: '/nonexistent' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
