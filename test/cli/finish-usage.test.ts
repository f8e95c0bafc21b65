// `storyctl finish` flag combinations that are refused as usage errors (exit 2) before any
// kubeconfig is read or any request is sent.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// A kubeconfig that does not exist: reaching it would be exit 2 too, but with a different message.
const KC = ['--kubeconfig', '/nonexistent/kubeconfig'];

describe('finish usage', () => {
  const cases: [string[], RegExp][] = [
    [[], /name at least one StoryRun, or select them with -l SELECTOR or --all-stalled/],
    [['a', '--all-stalled', '--force-terminal'], /give run names or --all-stalled, not both/],
    [['a', '-A'], /-A selects runs with -l or --all-stalled; with run names use -n/],
    [['a', '-l', 'app=x'], /give run names or -l SELECTOR, not both/],
    [['--all-stalled'], /--all-stalled repairs runs the controller did not stop.*--force-terminal/],
    [['a', '--keep-steps'], /--keep-steps only applies with --force-terminal/],
    [['a', '--force-terminal', '--wait', '1m'], /--wait waits for the controller/],
    [['a', '--wait', '1m', '--dry-run'], /--wait cannot wait for a dry run/],
    [['--all-stalled', '--force-terminal', '-A', '-n', 'x'], /-A and -n exclude each other/],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${args.join(' ') || '(no arguments)'}`, async () => {
      const out = await runCli(['finish', ...args, ...KC]);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(message);
      expect(out.stdout).toBe('');
    });
  }

  it('rejects a --dry-run mode it does not know, and a --max-changes below 1', async () => {
    const dry = await runCli(['finish', '--dry-run=maybe', 'a', ...KC]);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toMatch(/expected client or server, got "maybe"/);
    const max = await runCli(['finish', '--all-stalled', '--force-terminal', '--max-changes', '0', ...KC]);
    expect(max.code).toBe(2);
    expect(max.stderr).toMatch(/at least 1/);
  });

  it('reaches the kubeconfig only once the flags make sense', async () => {
    const out = await runCli(['finish', 'a', '--force-terminal', ...KC]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/kubeconfig \/nonexistent\/kubeconfig does not exist/);
  });
});
