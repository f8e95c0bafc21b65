// One run in full: each step's mirrored state beside its StepRun's real phase (where drift shows),
// then every finding with its evidence and the command that fixes it. Drawn as a list of lines so
// it can scroll within the terminal's height.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { StepRun } from '../../model/kube.js';
import { inertLine } from '../escape.js';
import type { RunRow } from './dashboard-state.js';
import {
  cancelText,
  cell,
  evidenceLines,
  phaseColor,
  severityColor,
  shownEvidence,
  tint,
  wrapText,
} from './format.js';

export interface RunDetailsProps {
  readonly row: RunRow;
  readonly width: number;
  /** Lines available; the rest scrolls. */
  readonly height: number;
  /** First line shown (clamped). */
  readonly offset: number;
  readonly color: boolean;
}

export interface StepLine {
  step: string;
  statePhase: string;
  stepRun: string;
  stepRunPhase: string;
}

/** Steps by name: the union of stepStates and the run's StepRuns (by spec.stepId). */
export function stepLines(row: RunRow): StepLine[] {
  const states = row.view.run.status?.stepStates ?? {};
  const byStep = new Map<string, StepRun>();
  for (const s of row.view.steps) byStep.set(s.spec?.stepId ?? s.metadata.name, s);
  const names = [...new Set([...Object.keys(states), ...byStep.keys()])].sort();
  return names.map((step) => {
    const s = byStep.get(step);
    return {
      step,
      statePhase: states[step]?.phase ?? '—',
      stepRun: s ? s.metadata.name + (s.metadata.deletionTimestamp ? ' (deleting)' : '') : '(none)',
      stepRunPhase: s ? s.status?.phase || '-' : '—',
    };
  });
}

/** Every line of the details view, in order (the view shows a window of them). */
export function detailLines(row: RunRow, width: number, color: boolean): ReactNode[] {
  const w = Math.max(40, width);
  const col = (p: string) => tint(color ? phaseColor(p) : undefined);
  const out: ReactNode[] = [];
  const push = (node: ReactNode): void => {
    out.push(node);
  };
  push(
    <Text bold>
      {inertLine(
        `StoryRun ${row.namespace}/${row.name} · story ${row.story || '-'} · phase ${row.phase || '-'}`,
      )}
    </Text>,
  );
  if (row.cancel) {
    for (const line of wrapText(
      `cancel: ${cancelText(row.cancel)} · stop budget ${row.cancel.budgetSeconds}s · window from ${row.cancel.windowSource}`,
      w,
    ))
      push(<Text>{line}</Text>);
  }
  push(<Text> </Text>);
  push(
    <Text bold>
      {cell('STEP', 16)} {cell('STATE (mirror)', 16)} {cell('STEPRUN', 32)} STEPRUN PHASE
    </Text>,
  );
  const steps = stepLines(row);
  if (steps.length === 0) push(<Text dimColor>no step states and no StepRuns</Text>);
  for (const l of steps) {
    const drift = l.stepRunPhase !== '—' && l.statePhase !== '—' && l.stepRunPhase !== l.statePhase;
    push(
      <Text>
        {cell(l.step, 16)} <Text {...col(l.statePhase)}>{cell(l.statePhase, 16)}</Text> {cell(l.stepRun, 32)}{' '}
        <Text {...col(l.stepRunPhase)}>{inertLine(l.stepRunPhase)}</Text>
        {drift ? ' ≠' : ''}
      </Text>,
    );
  }
  push(<Text> </Text>);
  push(<Text bold>Findings ({row.findings.length})</Text>);
  if (row.findings.length === 0) push(<Text dimColor>none</Text>);
  for (const f of row.findings) {
    const [first = '', ...rest] = wrapText(`${f.ruleId} ${f.severity} ${f.message}`, w);
    const head = `${f.ruleId} ${f.severity}`;
    push(
      <Text>
        <Text {...tint(color ? severityColor(f.severity) : undefined)} bold>
          {head}
        </Text>
        {first.slice(head.length)}
      </Text>,
    );
    for (const line of rest) push(<Text>{line}</Text>);
    for (const line of evidenceLines(shownEvidence(f.evidence), w - 4))
      push(<Text dimColor>{`    ${line}`}</Text>);
    if (f.fix) push(<Text>{`  fix: ${inertLine(f.fix)}`}</Text>);
    push(<Text> </Text>);
  }
  return out;
}

export function RunDetails({ row, width, height, offset, color }: RunDetailsProps) {
  const lines = detailLines(row, width, color);
  const h = Math.max(3, height);
  const start = Math.min(Math.max(0, offset), Math.max(0, lines.length - h));
  const shown = lines.slice(start, start + h);
  return (
    <Box flexDirection="column">
      {shown.map((node, i) => (
        <Box key={start + i}>{node}</Box>
      ))}
      {lines.length > h ? (
        <Text dimColor>
          lines {start + 1}-{start + shown.length} of {lines.length} (↑/↓ scroll)
        </Text>
      ) : null}
    </Box>
  );
}
