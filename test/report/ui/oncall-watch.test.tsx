// Issue 13 in the dashboard: every finding the header counts is on screen (a StepRun's on its run,
// an orphan's in the panel), the reasons of "not evaluated" are in a panel, a window that is a
// guess is marked, and the columns survive 80 columns.
import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { clusterRules } from '../../../src/rules/index.js';
import { applyEvent, evaluate, type Objects } from '../../../src/report/ui/dashboard-state.js';
import { Dashboard, type DashboardProps } from '../../../src/report/ui/Dashboard.js';
import { cancelText, fitBadges } from '../../../src/report/ui/format.js';
import { tableColumns } from '../../../src/report/ui/RunTable.js';
import { NOW, objects, sceneStep as step } from './world-fixture.js';

function withOrphan(): Objects {
  const o = objects();
  const orphan = step('call-gone', 'agent', 'Running');
  return applyEvent(o, { type: 'upsert', kind: 'stepRuns', object: orphan });
}

function screen(o: Objects, width: number, unavailable: Record<string, string> = {}): string {
  const evaluation = evaluate(o, { now: NOW, stopBudgetSeconds: 30, rules: clusterRules, unavailable });
  const props: DashboardProps = {
    header: {
      context: 'prod-eu',
      server: 'https://10.0.0.1:6443',
      scope: 'namespace voice',
      runs: evaluation.rows.length,
      shown: evaluation.rows.length,
      counts: evaluation.counts,
      notEvaluated: evaluation.notEvaluated.length,
      suppressed: evaluation.suppressed,
      color: false,
    },
    rows: evaluation.rows,
    unattached: evaluation.unattached,
    notEvaluated: evaluation.notEvaluated,
    selected: 0,
    detailsOffset: 0,
    mode: 'table',
    width,
    height: 30,
    filter: '',
    editingFilter: false,
    connection: undefined,
    notice: undefined,
    dialog: undefined,
    color: false,
  };
  return render(<Dashboard {...props} />).lastFrame() ?? '';
}

describe('the watch dashboard (issue 13)', () => {
  it("shows an orphaned StepRun's finding, which the header counts, in its own row", () => {
    const text = screen(withOrphan(), 120);
    expect(text).toContain('Not on a run');
    expect(text).toMatch(/\[SR302\] StepRun voice\/call-gone-agent/);
  });

  it('lists the reasons of "not evaluated" in a panel, and marks the window as unknown', () => {
    const text = screen(objects(), 120, {
      transports: 'cannot list transports.transport.bubustack.io at cluster scope',
    });
    expect(text).toContain('Not evaluated');
    expect(text).toMatch(/SR102.*: cannot list transports\.transport\.bubustack\.io at cluster scope/);
    // The stalled realtime run's window depends on the Transport it could not read.
    expect(text).toMatch(/call-7f3a.*1m35s \/ 30s \(\?\)/);
  });

  it('keeps every column and the findings inside 80 columns', () => {
    const text = screen(withOrphan(), 80);
    for (const line of text.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    const row = text.split('\n').find((l) => l.includes('call-7f3a')) ?? '';
    expect(row).toMatch(/\[SR101\]/);
    const c = tableColumns(80);
    expect(c.story).toBe(0);
    expect(c.cancel).toBeGreaterThanOrEqual('1m39s / 30s (2m0s)'.length);
  });

  it('says + N for badges that do not fit, never a cut rule ID', () => {
    expect(fitBadges(['SR101', 'SR102', 'SR301'], 16)).toEqual({ shown: ['SR101'], more: 2 });
    expect(fitBadges(['SR101', 'SR102'], 15)).toEqual({ shown: ['SR101', 'SR102'], more: 0 });
  });

  it('marks an assumed operator default with ?', () => {
    const base = {
      elapsedSeconds: 65,
      budgetSeconds: 30,
      windowSeconds: 20,
      windowSource: 'x',
      overBudget: true,
    };
    expect(cancelText({ ...base, windowConfidence: 'assumed' })).toBe('1m5s / 30s (20s?)');
    expect(cancelText({ ...base, windowConfidence: 'known' })).toBe('1m5s / 30s (20s)');
  });
});
