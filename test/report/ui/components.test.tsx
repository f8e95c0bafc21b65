// The dashboard's components as they render (ink-testing-library's lastFrame, no colours).
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { clusterRules } from '../../../src/rules/index.js';
import { evaluate } from '../../../src/report/ui/dashboard-state.js';
import { Dashboard, type DashboardProps } from '../../../src/report/ui/Dashboard.js';
import { FinishDialog } from '../../../src/report/ui/FinishDialog.js';
import { RunDetails } from '../../../src/report/ui/RunDetails.js';
import { RunTable } from '../../../src/report/ui/RunTable.js';
import { NOW, objects } from './world-fixture.js';

const evaluation = evaluate(objects(), { now: NOW, stopBudgetSeconds: 30, rules: clusterRules });
const rows = evaluation.rows;

function dashboard(over: Partial<DashboardProps> = {}): DashboardProps {
  return {
    header: {
      context: 'prod-eu',
      server: 'https://10.0.0.1:6443',
      scope: 'namespace voice',
      runs: rows.length,
      shown: rows.length,
      counts: evaluation.counts,
      notEvaluated: 0,
      suppressed: 0,
      color: false,
    },
    rows,
    selected: 0,
    detailsOffset: 0,
    mode: 'table',
    width: 100,
    height: 30,
    filter: '',
    editingFilter: false,
    connection: undefined,
    notice: undefined,
    dialog: undefined,
    color: false,
    ...over,
  };
}

describe('RunTable', () => {
  it('lists runs worst first with the cancel timer against budget and window, and rule badges', () => {
    const { lastFrame } = render(<RunTable rows={rows} selected={1} height={10} width={100} color={false} />);
    expect(lastFrame()).toMatchInlineSnapshot(`
      "  NAMESPACE  NAME                 PHASE      AGE     CANCEL / BUDGET (WINDOW) FINDINGS
        voice      call-7f3a            Running    4m50s   1m35s / 30s (2m0s)       [SR101] [SR102]
      > voice      call-2b91            Finished   10m                              [SR201] [SR103]
        voice      nightly-export       Succeeded  1h1m"
    `);
  });

  it('shows only the rows that fit and says where it is', () => {
    const { lastFrame } = render(<RunTable rows={rows} selected={2} height={2} width={100} color={false} />);
    const frame = lastFrame() ?? '';
    expect(frame).not.toContain('call-7f3a');
    expect(frame).toContain('> voice      nightly-export');
    expect(frame).toContain('rows 2-3 of 3');
  });
});

describe('RunDetails', () => {
  it('puts stepStates beside the StepRuns, then each finding with evidence and fix', () => {
    const ended = rows.find((r) => r.name === 'call-2b91');
    if (!ended) throw new Error('fixture changed');
    const { lastFrame } = render(<RunDetails row={ended} width={100} height={60} offset={0} color={false} />);
    expect(lastFrame()).toMatchInlineSnapshot(`
      "StoryRun voice/call-2b91 · story voice-agent · phase Finished

      STEP             STATE (mirror)   STEPRUN                          STEPRUN PHASE
      agent            Running          (none)                           —
      ingress          Running          (none)                           —

      Findings (2)
      SR201 error run is Finished but 2 step state(s) are still open: ingress=Running, agent=Running
          phase: Finished
          finishedAt: 2026-04-22T18:03:20Z
          openSteps: [{"step":"ingress","phase":"Running","stepRunExists":false,"repairTo":"Canceled"},{"…
        fix: storyctl finish call-2b91 -n voice --force-terminal

      SR103 warning canceled run took 2m10s to finish after its cancel (stop budget 30s)
          cancelObservedAt: 2026-04-22T18:01:10Z
          finishedAt: 2026-04-22T18:03:20Z
          wait: 2m10s
          budget: 30s
          window: 2m0s
          windowSource: transport drain window: Transport livekit-webrtc spec.streaming.lifecycle.drainTi…
          matchesWindow: false
      "
    `);
  });

  it('scrolls when the details are taller than the screen', () => {
    const row = rows[0];
    if (!row) throw new Error('fixture changed');
    const { lastFrame } = render(<RunDetails row={row} width={110} height={8} offset={3} color={false} />);
    const frame = lastFrame() ?? '';
    expect(frame).not.toContain('StoryRun voice/call-7f3a');
    expect(frame).toMatch(/lines 4-11 of \d+ \(↑\/↓ scroll\)/);
  });
});

describe('FinishDialog', () => {
  it('shows the plan diff and asks', () => {
    const { lastFrame } = render(
      <FinishDialog
        namespace="voice"
        name="call-7f3a"
        stage="confirm"
        diff={[
          'StoryRun voice/call-7f3a: Running → Finished, resourceVersion 812; doctor: SR101',
          '- status.phase: Running',
          '+ status.phase: Finished',
          'x StepRun call-7f3a-agent (Running): delete, propagation Background',
        ]}
        summary="set spec.cancelRequested, patch status, delete 1 StepRun(s); every write carries resourceVersion 812"
        color={false}
      />,
    );
    expect(lastFrame()).toMatchInlineSnapshot(`
      "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ finish voice/call-7f3a --force-terminal                                                          │
      │ StoryRun voice/call-7f3a: Running → Finished, resourceVersion 812; doctor: SR101                 │
      │ - status.phase: Running                                                                          │
      │ + status.phase: Finished                                                                         │
      │ x StepRun call-7f3a-agent (Running): delete, propagation Background                              │
      │ set spec.cancelRequested, patch status, delete 1 StepRun(s); every write carries resourceVersion │
      │  812                                                                                             │
      │ Apply these changes? [y/N]                                                                       │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it('asks the second question, on its own, for a run nobody canceled', () => {
    const { lastFrame } = render(
      <FinishDialog
        namespace="voice"
        name="call-7f3a"
        stage="confirm-again"
        diff={['StoryRun voice/call-7f3a: Running → Finished, resourceVersion 812']}
        second={{
          lines: ['! voice/call-7f3a: nobody asked it to stop (no spec.cancelRequested)'],
          question: 'Force this live run terminal anyway? [y/N]',
        }}
        color={false}
      />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).toContain('! voice/call-7f3a: nobody asked it to stop (no spec.cancelRequested)');
    expect(frame).toContain('Force this live run terminal anyway? [y/N]');
    expect(frame).not.toContain('Apply these changes?');
  });

  it('shows an RBAC refusal from the applier', () => {
    const { lastFrame } = render(
      <FinishDialog
        namespace="voice"
        name="call-7f3a"
        stage="failed"
        diff={['- status.phase: Running', '+ status.phase: Finished']}
        message='refused: user "oncall" cannot patch storyruns/status in namespace voice (403)'
        color={false}
      />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).toContain('cannot patch storyruns/status in namespace voice (403)');
    expect(frame).toContain('any key: close');
    expect(frame).not.toContain('Apply these changes?');
  });
});

describe('Dashboard', () => {
  it('renders header, table and keys', () => {
    const { lastFrame } = render(<Dashboard {...dashboard()} />);
    expect(lastFrame()).toMatchInlineSnapshot(`
      "storyctl watch · context prod-eu (https://10.0.0.1:6443) · namespace voice
      runs 3 · 2 error · 2 warning · 0 info

        NAMESPACE  NAME                 PHASE      AGE     CANCEL / BUDGET (WINDOW) FINDINGS
      > voice      call-7f3a            Running    4m50s   1m35s / 30s (2m0s)       [SR101] [SR102]
        voice      call-2b91            Finished   10m                              [SR201] [SR103]
        voice      nightly-export       Succeeded  1h1m
      ↑/↓ select · Enter details · f finish --force-terminal · / filter · q quit"
    `);
  });

  it('shows the disconnected status line and the filter being typed', () => {
    const { lastFrame } = render(
      <Dashboard
        {...dashboard({
          connection: 'disconnected (storyRuns) for 6s: connect ECONNREFUSED; retrying in 7s',
          filter: 'SR1',
          editingFilter: true,
        })}
      />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).toContain('! disconnected (storyRuns) for 6s: connect ECONNREFUSED; retrying in 7s');
    expect(frame).toContain('/SR1');
  });

  it('shows the dialog instead of the table while confirming', () => {
    const { lastFrame } = render(
      <Dashboard
        {...dashboard({
          mode: 'confirm',
          dialog: {
            namespace: 'voice',
            name: 'call-7f3a',
            stage: 'applying',
            diff: ['+ status.phase: Finished'],
          },
        })}
      />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).toContain('applying…');
    expect(frame).not.toContain('nightly-export');
  });
});
