// The plan as the user reads it before saying yes: one -/+ pair per changed field, x per StepRun
// deletion, ! for what is left alone; and the per-run results table.
import { describe, expect, it } from 'vitest';
import { CANCELED_MESSAGE } from '../../src/contract/terminal-state.js';
import { planRun } from '../../src/repair/plan.js';
import type { RunResult } from '../../src/repair/result.js';
import {
  diffSign,
  formatValue,
  planDiffLines,
  planSummary,
  renderPlanDiff,
  renderResultsTable,
} from '../../src/report/plan-diff.js';
import { CANCEL_AT, NS, SEED_RUN, STEPS, makeRun, makeStep } from '../support/objects.js';

const NOW = Date.parse('2026-04-22T18:20:00Z');
const ANSI = new RegExp(String.fromCharCode(27) + '\\[');

function seedPlan(over: { deleting?: boolean } = {}) {
  const steps = STEPS.map((s) => makeStep(SEED_RUN, s));
  if (over.deleting) steps[1]!.metadata.deletionTimestamp = '2026-04-22T18:15:00Z';
  return planRun({
    run: makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT }),
    steps,
    now: NOW,
    mode: 'force-terminal',
    user: 'oncall',
    reason: 'INC-4711',
  });
}

describe('planDiffLines', () => {
  it('shows each changed field before and after, the audit annotations and the StepRun deletions', () => {
    const lines = planDiffLines(seedPlan());
    expect(lines[0]).toBe(`StoryRun ${NS}/${SEED_RUN}: Running → Finished, resourceVersion 4711`);
    expect(lines).toContain('- status.phase: Running');
    expect(lines).toContain('+ status.phase: Finished');
    expect(lines).toContain(`+ status.message: ${CANCELED_MESSAGE}`);
    expect(lines).toContain('- status.finishedAt: (unset)');
    expect(lines).toContain('+ status.finishedAt: 2026-04-22T18:20:00Z');
    expect(lines).toContain('- status.stepStates.voice-agent.phase: Running');
    expect(lines).toContain('+ status.stepStates.voice-agent.phase: Canceled');
    expect(lines).toContain('+ metadata.annotations["storyctl.bubustack.io/finished-by"]: oncall');
    expect(lines).toContain('+ metadata.annotations["storyctl.bubustack.io/previous-phase"]: Running');
    expect(lines).toContain(`x StepRun ${SEED_RUN}-livekit-bridge (Running): delete, propagation Background`);
    expect(
      lines.some((l) =>
        l.startsWith('+ status.conditions: Ready=False/Canceled, Progressing=False/Canceled'),
      ),
    ).toBe(true);
  });

  it('reports a StepRun stuck in deletion instead of deleting it', () => {
    const lines = planDiffLines(seedPlan({ deleting: true }));
    expect(lines.filter((l) => l.startsWith('x '))).toHaveLength(1);
    expect(lines).toContain(
      `! StepRun ${SEED_RUN}-voice-agent (Running) is stuck in deletion: reported, finalizers left alone`,
    );
  });

  it('says why for a refused or a no-op run, with no field lines', () => {
    const refused = planDiffLines(
      planRun({ run: makeRun({ phase: 'Succeeded' }), steps: [], now: NOW, mode: 'request-cancel' }),
    );
    expect(refused).toHaveLength(2);
    expect(refused[1]).toMatch(/^! refused: the run is already Succeeded/);
    const noop = planDiffLines(
      planRun({
        run: makeRun({ phase: 'Running', cancelRequested: true }),
        steps: [],
        now: NOW,
        mode: 'request-cancel',
      }),
    );
    expect(noop[1]).toMatch(/^ {2}no change: spec.cancelRequested is already true/);
  });

  it('every line carries its sign in the first column', () => {
    expect(planDiffLines(seedPlan()).slice(1).map(diffSign)).not.toContain(' ');
    expect(formatValue(undefined)).toBe('(unset)');
    expect(formatValue('')).toBe('""');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});

describe('renderPlanDiff and the summary', () => {
  it('colours only when asked', () => {
    expect(renderPlanDiff([seedPlan()], { color: false })).not.toMatch(ANSI);
    expect(renderPlanDiff([seedPlan()], { color: true })).toMatch(ANSI);
  });

  it('counts the runs, field changes and deletions', () => {
    const plan = seedPlan();
    const fields = plan.changes.length + 4;
    expect(planSummary([plan])).toBe(
      `1 run(s) to repair: ${fields} field change(s), ${STEPS.length} StepRun(s) to delete`,
    );
  });

  it('renders one results row per run with its outcome and the writes done', () => {
    const results: RunResult[] = [
      {
        namespace: NS,
        name: 'call-1',
        outcome: 'applied',
        message: 'run Finished and consistent',
        attempts: 2,
        writes: [
          { write: 'status', name: 'call-1' },
          { write: 'annotations', name: 'call-1' },
        ],
      },
      {
        namespace: NS,
        name: 'call-2',
        outcome: 'no-op',
        message: 'nothing to write',
        attempts: 0,
        writes: [],
      },
    ];
    const text = renderResultsTable(results, { color: false, width: 140 });
    expect(text).toMatch(/call-1\s*│\s*applied\s*│\s*status, annotations/);
    expect(text).toMatch(/\(2 attempts\)/);
    expect(text).toMatch(/call-2\s*│\s*no-op\s*│\s*-/);
    expect(text).toMatch(/2 run\(s\): 1 applied, 1 no-op/);
    expect(text).not.toMatch(ANSI);
  });
});

describe('planDiffLines: redaction (issue 16 item 6)', () => {
  it('masks a secret pasted into --reason, in the diff the CLI, the confirmation and watch all show', () => {
    const plan = planRun({
      run: makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT }),
      steps: STEPS.map((s) => makeStep(SEED_RUN, s)),
      now: NOW,
      mode: 'force-terminal',
      user: 'oncall',
      reason: 'INC-4711 after rotating GITHUB_TOKEN=ghp_0123456789abcdefABCDEF0123456789abcd',
    });
    const lines = planDiffLines(plan);
    expect(lines).toContain(
      '+ metadata.annotations["storyctl.bubustack.io/reason"]: INC-4711 after rotating GITHUB_TOKEN=[redacted]',
    );
    expect(lines.join('\n')).not.toContain('ghp_');
    expect(renderPlanDiff([plan], { color: false })).not.toContain('ghp_');
  });
});
