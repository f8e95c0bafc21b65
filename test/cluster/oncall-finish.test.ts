// `finish` for an on-call engineer (issue 13), on the real apiserver: `-l SELECTOR` picks runs
// without --all-stalled, and forcing a run nobody canceled asks a second, explicit question
// (unless --yes), while --all-stalled never picks such a run.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { run as runMain } from '../../src/cli/main.js';
import type { StoryRun } from '../../src/model/kube.js';
import { runCli } from '../support/cli.js';
import { ControllerSim } from '../support/controller-sim.js';
import { mergePatch, RUNS, type KubeClients } from '../support/kube-clients.js';
import { createSeedScenario, requestCancel } from '../support/scenario.js';
import { clients, cluster, useCluster, useNamespace } from './use-cluster.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const CANCEL_AT = T0 + 300_000;
const NOW = CANCEL_AT + 60_000;

async function getRun(k: KubeClients, namespace: string, name: string): Promise<StoryRun> {
  return (await k.custom.getNamespacedCustomObject({
    ...RUNS,
    plural: 'storyruns',
    namespace,
    name,
  })) as StoryRun;
}

async function label(k: KubeClients, namespace: string, name: string, labels: Record<string, string>) {
  await k.custom.patchNamespacedCustomObject(
    { ...RUNS, plural: 'storyruns', namespace, name, body: { metadata: { labels } } },
    mergePatch(),
  );
}

/** A terminal's keyboard as ink reads it (raw mode, `readable` + read()). */
class FakeTty extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  press(key: string): void {
    this.data = key;
    this.emit('readable');
  }
  read(): string | null {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  ref(): void {}
  unref(): void {}
  resume(): void {}
  pause(): void {}
}

/** Run finish on a (fake) terminal, answering each question with the next key. */
async function finishOnTty(args: string[], keys: string[]): Promise<{ code: number; screen: string }> {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
  let screen = '';
  stdout.on('data', (c: Buffer) => (screen += c.toString('utf8')));
  const keyboard = new FakeTty();
  const io = {
    stdout,
    stderr: new PassThrough(),
    stdin: keyboard,
    env: { NO_COLOR: '1' },
    cwd: process.cwd(),
    now: () => NOW,
  } as unknown as CliIO;
  const running = runMain(
    ['node', 'storyctl', 'finish', ...args, '--kubeconfig', cluster().kubeconfigs.admin],
    io,
  );
  let asked = 0;
  for (const key of keys) {
    for (let i = 0; i < 200 && (screen.match(/\[y\/N\]/g) ?? []).length <= asked; i++)
      await new Promise((r) => setTimeout(r, 25));
    asked++;
    keyboard.press(key);
  }
  const code = await running;
  return { code, screen };
}

describe.skipIf(!useCluster())('finish -l and runs nobody canceled (real apiserver)', () => {
  const ns = useNamespace('oncall-finish');

  it('-l SELECTOR without --all-stalled picks the runs it matches', async () => {
    const k = clients('admin');
    for (const name of ['sel-a', 'sel-b', 'other']) await createSeedScenario(k, ns, name, T0);
    await label(k, ns, 'sel-a', { team: 'voice' });
    await label(k, ns, 'sel-b', { team: 'voice' });
    const out = await runCli(
      [
        'finish',
        '-l',
        'team=voice',
        '-n',
        ns,
        '--dry-run',
        '-o',
        'json',
        '--kubeconfig',
        cluster().kubeconfigs.admin,
      ],
      { now: NOW },
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout) as { runs: { name: string }[] };
    expect(doc.runs.map((r) => r.name)).toEqual(['sel-a', 'sel-b']);
    const both = await runCli([
      'finish',
      'sel-a',
      '-l',
      'team=voice',
      '-n',
      ns,
      '--kubeconfig',
      cluster().kubeconfigs.admin,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give run names or -l SELECTOR, not both');
  });

  it('asks a second time, and says why, before forcing a run nobody canceled', async () => {
    const k = clients('admin');
    await createSeedScenario(k, ns, 'call-live', T0);
    const rv = (await getRun(k, ns, 'call-live')).metadata.resourceVersion;
    const declined = await finishOnTty(['call-live', '-n', ns, '--force-terminal'], ['y', 'n']);
    expect(declined.code).toBe(4);
    expect(declined.screen).toContain('Apply these changes? [y/N]');
    expect(declined.screen).toContain(
      `${ns}/call-live: nobody asked it to stop (no spec.cancelRequested) and doctor does not find it stalled.`,
    );
    expect(declined.screen).toContain('The controller may still be working on it');
    expect(declined.screen).toContain('Force this live run terminal anyway? [y/N]');
    expect((await getRun(k, ns, 'call-live')).metadata.resourceVersion).toBe(rv);

    const forced = await finishOnTty(['call-live', '-n', ns, '--force-terminal'], ['y', 'y']);
    expect(forced.code).toBe(0);
    expect((await getRun(k, ns, 'call-live')).status?.phase).toBe('Finished');
  });

  it('asks once for a stalled cancel, and --all-stalled never picks a live run nobody canceled', async () => {
    const k = clients('admin');
    await createSeedScenario(k, ns, 'call-stalled', T0);
    await requestCancel(k, ns, 'call-stalled');
    await new ControllerSim(k).reconcile(ns, 'call-stalled', CANCEL_AT);
    await createSeedScenario(k, ns, 'call-running', T0);
    const all = await runCli(
      [
        'finish',
        '--all-stalled',
        '-n',
        ns,
        '--force-terminal',
        '--dry-run',
        '-o',
        'json',
        '--kubeconfig',
        cluster().kubeconfigs.admin,
      ],
      { now: NOW },
    );
    expect(all.code).toBe(0);
    const names = (JSON.parse(all.stdout) as { runs: { name: string }[] }).runs.map((r) => r.name);
    expect(names).toContain('call-stalled');
    expect(names).not.toContain('call-running');
    expect(names).not.toContain('other');

    const once = await finishOnTty(['call-stalled', '-n', ns, '--force-terminal'], ['y']);
    expect(once.code).toBe(0);
    expect(once.screen).not.toContain('anyway?');
  });
});
