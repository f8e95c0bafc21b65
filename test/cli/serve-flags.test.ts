// `storyctl serve`'s flags are checked before it connects anywhere: usage errors exit 2 and say why;
// the Deployment's args (deploy/serve) are flags serve parses to what deploy/README.md says.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAutoFinish } from '../../src/cli/commands/serve.js';
import { buildProgram } from '../../src/cli/program.js';
import { readManifests, REPO_ROOT } from '../support/manifests.js';
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

describe('the Deployment runs flags serve understands', () => {
  it('base and auto-repair overlay args parse to the settings deploy/README.md promises', async () => {
    const base = readManifests(
      join(REPO_ROOT, 'deploy', 'serve', 'base', 'deployment.yaml'),
    )[0] as unknown as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    const patch = readManifests(
      join(REPO_ROOT, 'deploy', 'serve', 'auto-repair', 'auto-repair-args.yaml'),
    )[0] as unknown as {
      op: string;
      path: string;
      value: unknown;
    }[];
    const baseArgs = base.spec.template.spec.containers[0]?.args ?? [];
    const added = patch.filter((o) => o.path.endsWith('/args/-')).map((o) => String(o.value));
    // The kubelet expands $(POD_NAMESPACE) from the container's env.
    const overlayArgs = [...baseArgs, ...added].map((a) => a.replace('$(POD_NAMESPACE)', 'storyctl-system'));

    const parse = async (args: string[]): Promise<Record<string, unknown>> => {
      let got: Record<string, unknown> = {};
      const program = buildProgram(
        {
          stdout: process.stdout,
          stderr: process.stderr,
          stdin: process.stdin,
          env: {},
          cwd: process.cwd(),
          now: () => 0,
        },
        { code: 0, argv: args },
      );
      program.commands
        .find((c) => c.name() === 'serve')
        ?.action((flags: Record<string, unknown>) => {
          got = flags;
        });
      await program.parseAsync(['node', 'storyctl', ...args]);
      return got;
    };
    expect(await parse(baseArgs)).toMatchObject({ allNamespaces: true, metricsAddr: ':9464', events: true });
    expect(await parse(overlayArgs)).toMatchObject({
      allNamespaces: true,
      metricsAddr: ':9464',
      autoFinish: ['SR101', 'SR201', 'SR301'],
      grace: 120,
      maxRepairsPerHour: 20,
      leaseName: 'storyctl-serve',
      leaseNamespace: 'storyctl-system',
    });
  });
});
