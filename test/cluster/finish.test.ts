// `storyctl finish` end to end on the real apiserver: the seed scenarios arise through the
// controller simulator, the CLI repairs them to the exact fields of CONTROLLER.md §9, and the
// simulator's next reconciles neither revert nor fight the repair.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadFinisher } from '../../src/cli/commands/watch.js';
import type { CliIO } from '../../src/cli/io.js';
import { run as runMain } from '../../src/cli/main.js';
import { CANCELED_MESSAGE } from '../../src/contract/terminal-state.js';
import { formatKubeTime } from '../../src/contract/time.js';
import { ANNOTATIONS, type StepRun, type StoryRun } from '../../src/model/kube.js';
import { MASK } from '../../src/model/redact.js';
import type { RunPlan } from '../../src/repair/plan.js';
import { planDiffLines } from '../../src/report/plan-diff.js';
import { applyEvent, emptyObjects, evaluate } from '../../src/report/ui/dashboard-state.js';
import { clusterRules } from '../../src/rules/index.js';
import { loadCluster, makeKubeConfig } from '../../src/sources/cluster/index.js';
import { BIN, runBin, runCli } from '../support/cli.js';
import { ControllerSim } from '../support/controller-sim.js';
import { expectControllerKeeps } from '../support/stability.js';
import { RUNS, type KubeClients } from '../support/kube-clients.js';
import {
  createRun,
  createSeedScenario,
  createStep,
  createStory,
  requestCancel,
  SEED_STEPS,
  SEED_STORY,
} from '../support/scenario.js';
import { makeRun, makeStep, makeStory } from '../support/objects.js';
import { cluster, clients, findingsOf, liveDoctor, useCluster, useNamespace } from './use-cluster.js';

const T0 = Date.parse('2026-04-22T18:00:00Z');
const CANCEL_AT = T0 + 300_000;

async function getRun(k: KubeClients, namespace: string, name: string): Promise<StoryRun> {
  return (await k.custom.getNamespacedCustomObject({
    ...RUNS,
    plural: 'storyruns',
    namespace,
    name,
  })) as StoryRun;
}

async function steps(k: KubeClients, namespace: string): Promise<StepRun[]> {
  const list = (await k.custom.listNamespacedCustomObject({ ...RUNS, plural: 'stepruns', namespace })) as {
    items: StepRun[];
  };
  return list.items;
}

function finish(
  args: string[],
  opts: { now: number; user?: 'admin' | 'readonly' | 'restricted' | 'nobody'; tty?: boolean },
) {
  return runCli(['finish', ...args, '--kubeconfig', cluster().kubeconfigs[opts.user ?? 'admin']], {
    now: opts.now,
    ...(opts.tty ? { tty: true } : {}),
  });
}

/** The seed, canceled at CANCEL_AT and observed by the controller: a stall in the making. */
async function stalledSeed(k: KubeClients, ns: string, name: string): Promise<void> {
  await createSeedScenario(k, ns, name, T0);
  await requestCancel(k, ns, name);
  expect((await new ControllerSim(k).reconcile(ns, name, CANCEL_AT)).action).toBe('waiting');
}

interface JsonOut {
  kind: string;
  runs: { name: string; action: string; reason?: string }[];
  results?: { name: string; outcome: string; message: string; writes: { write: string }[] }[];
  notes?: string[];
}

describe.skipIf(!useCluster())('finish --force-terminal (real apiserver)', () => {
  const ns = useNamespace('finish');

  it('repairs the stalled seed cancel to the exact fields of §9 and the simulator leaves it alone', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-1');
    const before = await getRun(k, ns, 'call-1');
    const now = CANCEL_AT + 60_000;
    const out = await finish(
      ['call-1', '-n', ns, '--force-terminal', '--yes', '--reason', 'INC-1 hung call', '-o', 'json'],
      {
        now,
      },
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout) as JsonOut;
    expect(doc.results?.[0]).toMatchObject({ name: 'call-1', outcome: 'applied' });
    expect(doc.results?.[0]?.writes.map((w) => w.write)).toEqual([
      // The audit before the status: no crash point leaves the run terminal but unaudited.
      'annotations',
      'status',
      ...SEED_STEPS.map(() => 'delete-steprun'),
    ]);

    const run = await getRun(k, ns, 'call-1');
    const nowIso = formatKubeTime(now);
    const st = run.status ?? {};
    expect(run.spec?.cancelRequested).toBe(true);
    expect(st.phase).toBe('Finished');
    expect(st.message).toBe(CANCELED_MESSAGE);
    expect(st.finishedAt).toBe(nowIso);
    expect(st.duration).toBe('6m0s'); // 18:00:00 → 18:06:00
    expect(st.observedGeneration).toBe(run.metadata.generation);
    expect(st.conditions?.map((c) => [c.type, c.status, c.reason, c.message, c.lastTransitionTime])).toEqual([
      ['Ready', 'False', 'Canceled', CANCELED_MESSAGE, nowIso],
      ['Progressing', 'False', 'Canceled', CANCELED_MESSAGE, nowIso],
      ['Degraded', 'False', 'Canceled', CANCELED_MESSAGE, nowIso],
    ]);
    for (const id of SEED_STEPS)
      expect(st.stepStates?.[id]).toEqual({
        phase: 'Canceled',
        message: CANCELED_MESSAGE,
        startedAt: formatKubeTime(T0),
        finishedAt: nowIso,
      });
    expect([st.stepsComplete, st.stepsFailed, st.stepsSkipped]).toEqual([0, 0, 0]);
    expect(run.metadata.annotations).toMatchObject({
      'storyctl.bubustack.io/finished-at': nowIso,
      'storyctl.bubustack.io/finished-by': 'admin',
      'storyctl.bubustack.io/reason': 'INC-1 hung call',
      'storyctl.bubustack.io/previous-phase': 'Running',
      // The operator's own key is untouched.
      [ANNOTATIONS.cancelObservedAt]: before.metadata.annotations?.[ANNOTATIONS.cancelObservedAt],
    });
    // StepRuns are being deleted (background propagation; their finalizer is the controller's job).
    const left = (await steps(k, ns)).filter((s) => s.spec?.storyRunRef?.name === 'call-1');
    expect(left.every((s) => s.metadata.deletionTimestamp !== undefined)).toBe(true);

    // The controller's next passes: it releases the StepRuns and finishes the run its own way.
    const sim = new ControllerSim(k);
    expect((await sim.releaseDeletedSteps(ns, 'call-1')).sort()).toEqual(
      SEED_STEPS.map((id) => `call-1-${id}`).sort(),
    );
    expect((await sim.reconcile(ns, 'call-1', now + 5_000)).action).toBe('finished');
    expect((await sim.reconcile(ns, 'call-1', now + 10_000)).action).toBe('finished');
    const afterSim = await getRun(k, ns, 'call-1');
    expect(afterSim.status?.stepStates).toEqual(st.stepStates);
    expect(afterSim.status?.phase).toBe('Finished');
    expect(afterSim.status?.finishedAt).toBe(nowIso);
    expect(afterSim.metadata.resourceVersion).toBe(run.metadata.resourceVersion);
    await expectControllerKeeps(sim, ns, 'call-1', { now: now + 15_000 });
    const doctor = await liveDoctor({ namespace: ns, now: now + 10_000 });
    for (const id of ['SR101', 'SR201', 'SR202', 'SR203', 'SR204', 'SR205', 'SR301'])
      expect(findingsOf(doctor, id, 'call-1')).toEqual([]);

    // A second finish is a no-op and writes nothing.
    const again = await finish(['call-1', '-n', ns, '--force-terminal', '--yes', '-o', 'json'], {
      now: now + 20_000,
    });
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as JsonOut).results?.[0]?.outcome).toBe('no-op');
    expect((await getRun(k, ns, 'call-1')).metadata.resourceVersion).toBe(afterSim.metadata.resourceVersion);
  });

  it('rewrites a Succeeded run that already has cancelRequested to Finished itself, as the controller would, and the controller keeps it', async () => {
    const k = clients('admin');
    await createStory(
      k,
      makeStory({
        namespace: ns,
        name: 'report',
        pattern: 'batch',
        steps: ['render', 'mail'],
        transports: [],
      }),
    );
    const created = await createRun(k, makeRun({ namespace: ns, name: 'report-1', story: 'report' }), {
      phase: 'Succeeded',
      message: 'all steps succeeded',
      startedAt: '2026-04-22T17:00:00Z',
      finishedAt: '2026-04-22T17:04:10Z',
      duration: '4m10s',
      stepStates: {
        render: { phase: 'Succeeded', startedAt: '2026-04-22T17:00:00Z', finishedAt: '2026-04-22T17:03:00Z' },
        mail: { phase: 'Running', startedAt: '2026-04-22T17:03:00Z' },
      },
      stepsComplete: 1,
      stepsFailed: 0,
      stepsSkipped: 0,
    });
    await createStep(k, makeStep(created, 'mail', { story: 'report' }), { phase: 'Running' });
    // Someone asked to stop it after it ended (a late room end, a script).
    await requestCancel(k, ns, 'report-1');
    const now = Date.parse('2026-04-22T18:00:00Z');
    const out = await finish(['report-1', '-n', ns, '--force-terminal', '--yes', '-o', 'json'], { now });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout) as { runs: RunPlan[]; results: { outcome: string }[] };
    expect(doc.runs[0]).toMatchObject({ previousPhase: 'Succeeded', finalPhase: 'Finished' });
    expect(doc.runs[0]?.notes?.[0]).toMatch(/rewrites the run to Finished/);
    expect(doc.results[0]?.outcome).toBe('applied');
    const run = await getRun(k, ns, 'report-1');
    expect(run.status).toMatchObject({
      phase: 'Finished',
      message: CANCELED_MESSAGE,
      finishedAt: '2026-04-22T17:04:10Z',
      duration: '4m10s',
    });
    expect(run.status?.stepStates?.['mail']).toMatchObject({ phase: 'Canceled', message: CANCELED_MESSAGE });
    expect(run.metadata.annotations?.['storyctl.bubustack.io/previous-phase']).toBe('Succeeded');
    // The StepRun deletion triggers exactly the reconcile that would have rewritten a kept Succeeded.
    const passes = await expectControllerKeeps(new ControllerSim(k), ns, 'report-1', { now: now + 5000 });
    expect(passes.map((p) => [p.branch, p.action])).toContainEqual(['cancel', 'finished']);
  });

  it('deletes an unlabelled StepRun of the run too (the controller never finds it) and says so', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-unlabelled');
    const run = await getRun(k, ns, 'call-unlabelled');
    await createStep(
      k,
      makeStep(run, 'recorder', { links: ['ref', 'owner'], finalizers: [], story: SEED_STORY }),
      { phase: 'Running' },
    );
    const now = CANCEL_AT + 60_000;
    const out = await finish(['call-unlabelled', '-n', ns, '--force-terminal', '--yes', '-o', 'json'], {
      now,
    });
    expect(out.code).toBe(0);
    const plan = (JSON.parse(out.stdout) as { runs: RunPlan[] }).runs[0]!;
    expect(plan.stepRunDeletions.find((d) => d.name === 'call-unlabelled-recorder')).toMatchObject({
      unlabelled: true,
    });
    expect(plan.notes).toContainEqual(expect.stringMatching(/call-unlabelled-recorder .* lacks the label/));
    expect((await steps(k, ns)).some((s) => s.metadata.name === 'call-unlabelled-recorder')).toBe(false);
    await expectControllerKeeps(new ControllerSim(k), ns, 'call-unlabelled', { now: now + 5000 });
  });

  it('names the window rules for a named run when it may read the Story and Transports, and leaves them out when not', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-window');
    const now = CANCEL_AT + 10 * 60_000;
    const ruleIds = async (user: 'admin' | 'restricted'): Promise<string[]> => {
      const out = await finish(
        ['call-window', '-n', ns, '--force-terminal', '--dry-run=client', '-o', 'json'],
        {
          now,
          user,
        },
      );
      expect(out.code).toBe(0);
      const doc = JSON.parse(out.stdout) as { runs: { findings: { ruleId: string }[] }[] };
      return [...new Set(doc.runs[0]?.findings.map((f) => f.ruleId))];
    };
    const all = await ruleIds('admin');
    expect(all).toContain('SR101');
    // The restricted user may not read Transports: the window is unknown, so no window rule is guessed.
    expect(await ruleIds('restricted')).toEqual(
      all.filter((id) => !['SR101', 'SR102', 'SR103'].includes(id)),
    );
  });

  it('masks personal data and secrets in --dry-run -o json and -o yaml as reports do; --show-pii shows the personal data only', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-pii');
    const now = CANCEL_AT + 10 * 60_000;
    const token = 'ghp_0123456789abcdefABCDEF0123456789abcd';
    const reason = `caller jane.doe@example.com on +15551234567 after rotating GITHUB_TOKEN=${token}`;
    const base = ['call-pii', '-n', ns, '--force-terminal', '--dry-run=client', '--reason', reason];
    type Doc = { kind: string; runs: { annotations?: Record<string, string> }[] };
    for (const format of ['json', 'yaml'] as const) {
      const out = await finish([...base, '-o', format], { now });
      expect(out.code).toBe(0);
      for (const leak of ['jane.doe@example.com', '+15551234567', token])
        expect(out.stdout).not.toContain(leak);
      const doc = (format === 'json' ? JSON.parse(out.stdout) : parseYaml(out.stdout)) as Doc;
      expect(doc.kind).toBe('FinishPlan');
      expect(doc.runs[0]?.annotations?.['storyctl.bubustack.io/reason']).toBe(
        `caller ${MASK} on ${MASK} after rotating GITHUB_TOKEN=${MASK}`,
      );
    }
    const shown = await finish([...base, '-o', 'json', '--show-pii'], { now });
    expect((JSON.parse(shown.stdout) as Doc).runs[0]?.annotations?.['storyctl.bubustack.io/reason']).toBe(
      `caller jane.doe@example.com on +15551234567 after rotating GITHUB_TOKEN=${MASK}`,
    );
    // The table's plan diff follows the same flag.
    const table = await finish([...base, '--show-pii'], { now });
    expect(table.stdout).toContain('jane.doe@example.com');
    expect(table.stdout).not.toContain(token);
    // A dry run writes nothing.
    expect(
      (await getRun(k, ns, 'call-pii')).metadata.annotations?.['storyctl.bubustack.io/reason'],
    ).toBeUndefined();
  });

  it('repairs the #89 run (Finished with Running steps): phase and finish time kept, steps Canceled', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-89');
    const end = CANCEL_AT + 121_000;
    expect((await new ControllerSim(k).settle(ns, 'call-89', end)).action).toBe('finished');
    const broken = await getRun(k, ns, 'call-89');
    expect(broken.status?.stepStates?.['agent']?.phase).toBe('Running');

    const out = await finish(['call-89', '-n', ns, '--force-terminal', '--yes'], { now: end + 3_600_000 });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('- status.stepStates.agent.phase: Running');
    expect(out.stdout).toContain('+ status.stepStates.agent.phase: Canceled');
    const run = await getRun(k, ns, 'call-89');
    expect(run.metadata.generation).toBe(broken.metadata.generation); // no spec write
    expect(run.status?.phase).toBe('Finished');
    expect(run.status?.finishedAt).toBe(broken.status?.finishedAt);
    expect(run.status?.duration).toBe(broken.status?.duration);
    expect(run.status?.conditions).toEqual(broken.status?.conditions);
    for (const id of SEED_STEPS)
      expect(run.status?.stepStates?.[id]).toEqual({
        phase: 'Canceled',
        message: CANCELED_MESSAGE,
        startedAt: formatKubeTime(T0),
        finishedAt: broken.status?.finishedAt,
      });
    expect(run.metadata.annotations?.['storyctl.bubustack.io/previous-phase']).toBe('Finished');
    await expectControllerKeeps(new ControllerSim(k), ns, 'call-89', { now: end + 3_600_000 });
    const doctor = await liveDoctor({ namespace: ns, now: end + 3_700_000 });
    expect(findingsOf(doctor, 'SR201', 'call-89')).toEqual([]);
  });

  it('keeps a Failed batch run Failed: Aborted steps, no cancel request, its live StepRun deleted', async () => {
    const k = clients('admin');
    await createStory(
      k,
      makeStory({
        namespace: ns,
        name: 'nightly',
        pattern: 'batch',
        steps: ['extract', 'transform', 'load'],
        transports: [],
      }),
    );
    const created = await createRun(k, makeRun({ namespace: ns, name: 'nightly-1', story: 'nightly' }), {
      phase: 'Failed',
      message: 'step transform failed',
      startedAt: '2026-04-22T02:00:00Z',
      finishedAt: '2026-04-22T02:10:00Z',
      duration: '10m0s',
      stepStates: {
        extract: {
          phase: 'Succeeded',
          startedAt: '2026-04-22T02:00:00Z',
          finishedAt: '2026-04-22T02:04:00Z',
        },
        transform: { phase: 'Failed', startedAt: '2026-04-22T02:04:00Z', finishedAt: '2026-04-22T02:10:00Z' },
        load: { phase: 'Running', startedAt: '2026-04-22T02:04:00Z' },
      },
      stepsComplete: 1,
      stepsFailed: 1,
      stepsSkipped: 0,
    });
    await createStep(k, makeStep(created, 'load', { finalizers: [] }), { phase: 'Running' });

    const out = await finish(['nightly-1', '-n', ns, '--force-terminal', '--yes'], {
      now: Date.parse('2026-04-22T09:00:00Z'),
    });
    expect(out.code).toBe(0);
    const run = await getRun(k, ns, 'nightly-1');
    expect(run.spec?.cancelRequested).toBeUndefined();
    expect(run.status?.phase).toBe('Failed');
    expect(run.status?.message).toBe('step transform failed');
    expect(run.status?.stepStates?.['load']).toEqual({
      phase: 'Aborted',
      message: 'StoryRun ended in phase Failed before the step finished',
      startedAt: '2026-04-22T02:04:00Z',
      finishedAt: '2026-04-22T02:10:00Z',
    });
    expect(run.status?.stepStates?.['transform']?.phase).toBe('Failed');
    expect([run.status?.stepsComplete, run.status?.stepsFailed]).toEqual([1, 1]);
    expect((await steps(k, ns)).some((s) => s.metadata.name === 'nightly-1-load')).toBe(false);
    // Without a cancel request the run takes the terminal branch, never the cancel branch, so the
    // controller cannot rewrite it to Finished: it cleans up after the child TTL and keeps the repair.
    const passes = await expectControllerKeeps(new ControllerSim(k), ns, 'nightly-1', {
      now: Date.parse('2026-04-22T09:01:00Z'),
    });
    expect(passes.map((p) => p.branch)).toEqual(['terminal', 'terminal', 'terminal']);
    expect(passes.at(-1)?.action).toBe('retained');
  });

  it('writes nothing for --dry-run (client or server), without --yes off a TTY, or for a read-only user', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-dry');
    const rv = (await getRun(k, ns, 'call-dry')).metadata.resourceVersion;
    const stepRvs = async () =>
      (await steps(k, ns))
        .filter((s) => s.spec?.storyRunRef?.name === 'call-dry')
        .map(
          (s) =>
            `${s.metadata.name}@${s.metadata.resourceVersion}${s.metadata.deletionTimestamp ? '-deleting' : ''}`,
        )
        .sort();
    const stepsBefore = await stepRvs();
    const now = CANCEL_AT + 60_000;
    const base = ['call-dry', '-n', ns, '--force-terminal'];

    const client = await finish([...base, '--dry-run', '-o', 'json'], { now });
    expect(client.code).toBe(0);
    const plan = JSON.parse(client.stdout) as JsonOut;
    expect(plan).toMatchObject({ kind: 'FinishPlan', dryRun: 'client' });
    expect(plan.runs[0]).toMatchObject({ name: 'call-dry', action: 'repair' });
    expect(plan.results).toBeUndefined();

    const server = await finish([...base, '--dry-run=server', '-o', 'json'], { now });
    expect(server.stderr).toBe('');
    expect(server.code).toBe(0);
    expect((JSON.parse(server.stdout) as JsonOut).results?.[0]).toMatchObject({ outcome: 'dry-run' });

    const noYes = await finish(base, { now });
    expect(noYes.code).toBe(4);
    expect(noYes.stderr).toMatch(/without confirmation.*--yes/);
    expect(noYes.stdout).toContain('+ status.phase: Finished'); // the plan is still shown

    const readonly = await finish([...base, '--yes'], { now, user: 'readonly' });
    expect(readonly.code).toBe(4);
    expect(readonly.stderr).toMatch(
      /refused before any write: readonly .* may not patch storyruns\.runs\.bubustack\.io/,
    );
    expect(readonly.stderr).toContain('patch storyruns/status.runs.bubustack.io');
    expect(readonly.stderr).toContain('delete stepruns.runs.bubustack.io');

    expect((await getRun(k, ns, 'call-dry')).metadata.resourceVersion).toBe(rv);
    expect(await stepRvs()).toEqual(stepsBefore);
  });

  it('without --force-terminal only sets spec.cancelRequested, and refuses a terminal run', async () => {
    const k = clients('admin');
    await createSeedScenario(k, ns, 'call-ask', T0);
    const before = await getRun(k, ns, 'call-ask');
    const out = await finish(['call-ask', '-n', ns], { now: T0 + 60_000 });
    expect(out.code).toBe(0);
    const run = await getRun(k, ns, 'call-ask');
    expect(run.spec?.cancelRequested).toBe(true);
    expect(run.status).toEqual(before.status);
    expect(run.metadata.annotations?.['storyctl.bubustack.io/finished-at']).toBeUndefined();

    const terminal = await finish(['nightly-1', '-n', ns], { now: T0 + 60_000 });
    expect(terminal.code).toBe(4);
    expect(terminal.stdout).toMatch(/refused: the run is already Failed/);
    expect((await getRun(k, ns, 'nightly-1')).spec?.cancelRequested).toBeUndefined();
  });

  it('--wait watches the controller finish the run, then says --force-terminal is needed (SR201)', async () => {
    const k = clients('admin');
    await createSeedScenario(k, ns, 'call-wait', T0);
    const sim = new ControllerSim(k);
    const waiting = finish(['call-wait', '-n', ns, '--wait', '60s', '-o', 'json'], {
      now: CANCEL_AT + 200_000,
    });
    // The controller: it sees the cancel, waits out the window, deletes the StepRuns, marks it Finished.
    for (let i = 0; i < 100; i++) {
      if ((await getRun(k, ns, 'call-wait')).spec?.cancelRequested) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await sim.reconcile(ns, 'call-wait', CANCEL_AT);
    expect((await sim.settle(ns, 'call-wait', CANCEL_AT + 121_000)).action).toBe('finished');
    const out = await waiting;
    expect(out.code).toBe(1);
    const result = (JSON.parse(out.stdout) as JsonOut).results?.[0];
    expect(result?.outcome).toBe('applied');
    expect(result?.writes.map((w) => w.write)).toEqual(['spec']);
    expect(result?.message).toBe(
      `the controller finished it (Finished) but doctor still reports SR201: run storyctl finish call-wait -n ${ns} --force-terminal`,
    );
  });
});

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

/** Run the CLI on a (fake) terminal and answer the question with `key` once it is asked. */
async function finishOnTty(
  args: string[],
  key: string,
  now: number,
): Promise<{ code: number; screen: string }> {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let screen = '';
  stdout.on('data', (c: Buffer) => (screen += c.toString('utf8')));
  const keyboard = new FakeTty();
  const io = {
    stdout,
    stderr: new PassThrough(),
    stdin: keyboard,
    env: { NO_COLOR: '1' },
    cwd: process.cwd(),
    now: () => now,
  } as unknown as CliIO;
  const running = runMain(
    ['node', 'storyctl', 'finish', ...args, '--kubeconfig', cluster().kubeconfigs.admin],
    io,
  );
  for (let i = 0; i < 200 && !screen.includes('[y/N]'); i++) await new Promise((r) => setTimeout(r, 25));
  keyboard.press(key);
  const code = await running;
  return { code, screen };
}

describe.skipIf(!useCluster())("watch's f key and finish NAME (real apiserver)", () => {
  const ns = useNamespace('finish-watch');

  it('plan the same repair from the same reads: the Story and its Transports, so the same window rules', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-both');
    const now = CANCEL_AT + 60_000;
    const out = await finish(['call-both', '-n', ns, '--force-terminal', '--dry-run=client', '-o', 'json'], {
      now,
    });
    expect(out.code).toBe(0);
    const fromFinish = (JSON.parse(out.stdout) as { runs: RunPlan[] }).runs[0]!;
    // The SR102 Story finding shows on this live run, as on the dashboard: finish read the Transport.
    expect(fromFinish.findings.map((f) => f.ruleId)).toEqual(['SR101', 'SR102']);

    // The dashboard row as the watch builds it, then the finisher behind its f key.
    const kubeconfig = cluster().kubeconfigs.admin;
    const live = await loadCluster({ kubeconfig, namespace: ns, env: {} });
    let objects = emptyObjects();
    for (const kind of ['storyRuns', 'stepRuns', 'stories', 'transports'] as const)
      objects = applyEvent(objects, { type: 'reset', kind, items: live.objects[kind] });
    const rows = evaluate(objects, { now, stopBudgetSeconds: 30, rules: clusterRules }).rows;
    const row = rows.find((r) => r.name === 'call-both')!;
    expect(row.badges).toEqual(['SR101', 'SR102']);
    const io = { now: () => now, env: {} } as unknown as CliIO;
    const finisher = await loadFinisher(
      makeKubeConfig({ kubeconfig, env: {} }),
      { stopBudget: 30, requestTimeout: 15 },
      io,
    );
    const planned = await finisher(row);
    expect(planned.refusal).toBeUndefined();
    expect(planned.diff).toEqual(planDiffLines(fromFinish));
  });
});

describe.skipIf(!useCluster())('finish on a terminal (real apiserver)', () => {
  const ns = useNamespace('finish-tty');

  it('shows the plan, writes nothing on no, and applies on y', async () => {
    const k = clients('admin');
    await stalledSeed(k, ns, 'call-tty');
    const rv = (await getRun(k, ns, 'call-tty')).metadata.resourceVersion;
    const now = CANCEL_AT + 60_000;
    const no = await finishOnTty(['call-tty', '-n', ns, '--force-terminal'], 'n', now);
    expect(no.screen).toContain('+ status.phase: Finished');
    expect(no.screen).toContain('Apply these changes? [y/N]');
    expect(no.code).toBe(4);
    expect((await getRun(k, ns, 'call-tty')).metadata.resourceVersion).toBe(rv);

    const yes = await finishOnTty(['call-tty', '-n', ns, '--force-terminal'], 'y', now);
    expect(yes.code).toBe(0);
    expect(yes.screen).toMatch(/call-tty\s*│\s*applied/);
    expect((await getRun(k, ns, 'call-tty')).status?.phase).toBe('Finished');
    await expectControllerKeeps(new ControllerSim(k), ns, 'call-tty', { now: now + 5000 });
  });

  it('sets the intent first on a run nobody asked to stop, so the controller agrees instead of fighting', async () => {
    const k = clients('admin');
    await createSeedScenario(k, ns, 'call-live', T0);
    const now = T0 + 600_000;
    const out = await finish(['call-live', '-n', ns, '--force-terminal', '--yes', '-o', 'json'], { now });
    expect(out.code).toBe(0);
    // The intent and the audit in one write, before the status.
    expect((JSON.parse(out.stdout) as JsonOut).results?.[0]?.writes.map((w) => w.write).slice(0, 2)).toEqual([
      'spec+annotations',
      'status',
    ]);
    const repaired = await getRun(k, ns, 'call-live');
    expect(repaired.spec?.cancelRequested).toBe(true);
    // The controller now sees a cancel: it stamps its window, releases the StepRuns and finishes
    // the run exactly as storyctl left it.
    const sim = new ControllerSim(k);
    await sim.reconcile(ns, 'call-live', now + 1000);
    await sim.releaseDeletedSteps(ns, 'call-live');
    expect((await sim.reconcile(ns, 'call-live', now + 2000)).action).toBe('finished');
    const after = await getRun(k, ns, 'call-live');
    expect(after.status).toEqual(repaired.status);
    await expectControllerKeeps(sim, ns, 'call-live', { now: now + 3000 });
    const doctor = await liveDoctor({ namespace: ns, now: now + 3000 });
    for (const id of ['SR101', 'SR201', 'SR204', 'SR205', 'SR301'])
      expect(findingsOf(doctor, id, 'call-live')).toEqual([]);
  });
});

describe.skipIf(!useCluster())('finish --all-stalled (real apiserver)', () => {
  const ns = useNamespace('finish-all');

  it('repairs at most --max-changes runs per pass, and the next pass picks up the rest', async () => {
    const k = clients('admin');
    for (const name of ['call-a', 'call-b', 'call-c']) await stalledSeed(k, ns, name);
    const now = CANCEL_AT + 60_000;
    const first = await finish(
      ['--all-stalled', '-n', ns, '--force-terminal', '--yes', '--max-changes', '2', '-o', 'json'],
      {
        now,
      },
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout) as JsonOut;
    expect(doc.results?.map((r) => [r.name, r.outcome])).toEqual([
      ['call-a', 'applied'],
      ['call-b', 'applied'],
    ]);
    expect(doc.notes?.[0]).toMatch(/1 more stalled run\(s\) left for the next pass: --max-changes 2/);
    expect((await getRun(k, ns, 'call-c')).status?.phase).toBe('Running');

    const second = await finish(
      ['--all-stalled', '-n', ns, '--force-terminal', '--yes', '--max-changes', '2'],
      {
        now: now + 1000,
      },
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/call-c\s*│\s*applied/);
    expect(second.stdout).toMatch(/1 run\(s\): 1 applied/);
    expect((await getRun(k, ns, 'call-c')).status?.phase).toBe('Finished');
    for (const name of ['call-a', 'call-b', 'call-c'])
      await expectControllerKeeps(new ControllerSim(k), ns, name, { now: now + 5000 });
  });
});

describe.skipIf(!useCluster())('finish interrupted with Ctrl-C (built binary, real apiserver)', () => {
  const ns = useNamespace('finish-sigint');

  it('finishes the run in hand, exits 5, and the same command resumes where it stopped', async () => {
    const k = clients('admin');
    const names = Array.from({ length: 10 }, (_, i) => `call-${String(i).padStart(2, '0')}`);
    for (const name of names) await stalledSeed(k, ns, name);
    const args = ['finish', '--all-stalled', '-n', ns, '--force-terminal', '--yes', '-o', 'json'];
    const phases = async () => Promise.all(names.map(async (n) => (await getRun(k, ns, n)).status?.phase));

    // The binary runs on the wall clock, long past these runs' 2026-04 cancel windows.
    const child = spawn(process.execPath, [BIN, ...args, '--kubeconfig', cluster().kubeconfigs.admin], {
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Ctrl-C as soon as the first run is repaired.
    for (let i = 0; i < 400; i++) {
      if ((await getRun(k, ns, names[0]!)).status?.phase === 'Finished') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(5);
    const doc = JSON.parse(stdout) as JsonOut & { interrupted: boolean };
    expect(doc.interrupted).toBe(true);
    const outcomes = doc.results?.map((r) => r.outcome) ?? [];
    const applied = outcomes.filter((o) => o === 'applied').length;
    expect(applied).toBeGreaterThanOrEqual(1);
    expect(applied).toBeLessThan(names.length);
    // Each run is all or nothing: the applied ones first, then the ones never started.
    expect(outcomes).toEqual([
      ...Array(applied).fill('applied'),
      ...Array(names.length - applied).fill('skipped'),
    ]);
    expect(await phases()).toEqual([
      ...Array(applied).fill('Finished'),
      ...Array(names.length - applied).fill('Running'),
    ]);

    const resumed = await runBin([...args, '--kubeconfig', cluster().kubeconfigs.admin]);
    expect(resumed.code).toBe(0);
    expect((JSON.parse(resumed.stdout) as JsonOut).results?.map((r) => r.outcome)).toEqual(
      Array(names.length - applied).fill('applied'),
    );
    expect(await phases()).toEqual(names.map(() => 'Finished'));
    for (const name of names)
      await expectControllerKeeps(new ControllerSim(k), ns, name, { now: Date.now(), passes: 2 });
  });
});
