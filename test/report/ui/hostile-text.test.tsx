// The watch dashboard with hostile text in the objects it watches (issue 16 item 5): a Story name,
// a status message and step names carrying an OSC title, a clear screen, CR, NUL and a bidi
// override. Every component draws them as escapes; none reaches the terminal raw.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { clusterRules } from '../../../src/rules/index.js';
import { applyEvent, emptyObjects, evaluate } from '../../../src/report/ui/dashboard-state.js';
import { ConfirmPlan } from '../../../src/report/ui/ConfirmPlan.js';
import { FinishDialog } from '../../../src/report/ui/FinishDialog.js';
import { Header } from '../../../src/report/ui/Header.js';
import { OffRunPanel } from '../../../src/report/ui/OffRunPanel.js';
import { RunDetails } from '../../../src/report/ui/RunDetails.js';
import { RunTable } from '../../../src/report/ui/RunTable.js';
import { StatusLine } from '../../../src/report/ui/StatusLine.js';
import { HOSTILE, RAW, SHOWN } from '../../support/hostile.js';
import { NOW, sceneRun, sceneStep, transport, voiceStory } from './world-fixture.js';

const running = { phase: 'Running', startedAt: '2026-04-22T18:05:10Z' };
const run = sceneRun(
  'call-9e1d',
  HOSTILE,
  {
    phase: 'Finished',
    message: HOSTILE,
    startedAt: '2026-04-22T18:00:00Z',
    finishedAt: '2026-04-22T18:03:20Z',
    stepStates: { [HOSTILE]: running, agent: running },
    stepsComplete: 0,
    stepsFailed: 0,
    stepsSkipped: 0,
  },
  { createdAt: NOW - 610_000 },
);
const step = sceneStep('call-9e1d', 'agent', HOSTILE);

function rows() {
  let o = emptyObjects();
  o = applyEvent(o, { type: 'reset', kind: 'transports', items: [transport] });
  o = applyEvent(o, { type: 'reset', kind: 'stories', items: [voiceStory] });
  o = applyEvent(o, { type: 'reset', kind: 'storyRuns', items: [run] });
  o = applyEvent(o, { type: 'reset', kind: 'stepRuns', items: [step] });
  return evaluate(o, { now: NOW, stopBudgetSeconds: 30, rules: clusterRules });
}

function inert(frame: string | undefined): string {
  const text = frame ?? '';
  expect(text).not.toMatch(RAW);
  return text;
}

describe('hostile text in the watch dashboard', () => {
  const evaluation = rows();
  const row = evaluation.rows[0];
  if (!row) throw new Error('no row');

  it('RunTable escapes the Story name and the phase', () => {
    const frame = inert(
      render(<RunTable rows={[row]} selected={0} height={5} width={200} color />).lastFrame(),
    );
    expect(frame).toContain('call\\x1b]0;pw');
  });

  it('RunDetails escapes the header, step names, StepRun phases, messages and evidence', () => {
    const frame = inert(
      render(<RunDetails row={row} width={200} height={60} offset={0} color />).lastFrame(),
    );
    expect(frame).toContain(`story ${SHOWN}`);
    expect(frame).toContain(SHOWN);
    expect(row.findings.some((f) => f.message.includes(HOSTILE))).toBe(true);
  });

  it('FinishDialog and ConfirmPlan escape the diff, the summary and the message', () => {
    const diff = [`StoryRun voice/call-9e1d: Finished (kept)`, `- status.message: ${HOSTILE}`];
    for (const stage of ['confirm', 'failed'] as const) {
      const frame = inert(
        render(
          <FinishDialog
            namespace="voice"
            name={HOSTILE}
            stage={stage}
            diff={diff}
            summary={HOSTILE}
            message={`refused: ${HOSTILE}`}
            color
          />,
        ).lastFrame(),
      );
      expect(frame).toContain(`- status.message: ${SHOWN}`);
      if (stage === 'failed') expect(frame).toContain(`refused: ${SHOWN}`);
    }
    const confirm = inert(
      render(<ConfirmPlan lines={diff} summary={HOSTILE} color onAnswer={() => undefined} />).lastFrame(),
    );
    expect(confirm).toContain(SHOWN);
  });

  it('StatusLine and Header escape server answers, notices, the filter and the context', () => {
    const status = inert(
      render(
        <StatusLine
          connection={`storyruns: 502 from proxy: ${HOSTILE}`}
          notice={HOSTILE}
          filter={HOSTILE}
          editingFilter={false}
          mode="table"
          color
        />,
      ).lastFrame(),
    );
    expect(status).toContain(`filter: ${SHOWN}`);
    const header = inert(
      render(
        <Header
          context={HOSTILE}
          server="https://10.0.0.1:6443"
          scope="namespace voice"
          runs={1}
          shown={1}
          counts={evaluation.counts}
          notEvaluated={0}
          suppressed={0}
          color
        />,
      ).lastFrame(),
    );
    expect(header).toContain(`context ${SHOWN}`);
  });

  it('OffRunPanel escapes findings and not-evaluated reasons', () => {
    const finding = row.findings[0];
    if (!finding) throw new Error('no finding');
    const frame = inert(
      render(
        <OffRunPanel
          unattached={[{ ...finding, message: HOSTILE }]}
          notEvaluated={[{ ruleId: 'SR101', reason: `not a time (${HOSTILE})` }]}
          width={200}
          color
        />,
      ).lastFrame(),
    );
    expect(frame).toContain(`not a time (${SHOWN})`);
  });
});
