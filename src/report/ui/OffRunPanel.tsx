// Under the table: what the header counts but no run's row shows (an orphaned StepRun's finding,
// a Story's with no live run) and why checks were not evaluated, so the counts above always have
// their findings on screen. A few lines at most; `storyctl doctor` lists everything.
import { Box, Text } from 'ink';
import { subjectLabel, type Finding, type NotEvaluated } from '../../model/report.js';
import { cell, severityColor, tint } from './format.js';

export const PANEL_MAX_LINES = 3;

export interface OffRunPanelProps {
  readonly unattached: readonly Finding[];
  readonly notEvaluated: readonly NotEvaluated[];
  readonly width: number;
  readonly color: boolean;
}

/** `SR102, SR103: cannot list transports…`: one line per reason, the rules it stopped. */
export function notEvaluatedLines(notEvaluated: readonly NotEvaluated[]): string[] {
  const byReason = new Map<string, Set<string>>();
  for (const n of notEvaluated) {
    const reason = n.subject ? `${subjectLabel(n.subject)}: ${n.reason}` : n.reason;
    byReason.set(reason, (byReason.get(reason) ?? new Set()).add(n.ruleId));
  }
  return [...byReason].map(([reason, ids]) => `${[...ids].join(', ')}: ${reason}`);
}

/** How many lines the panel takes (the dashboard keeps them out of the table's height). */
export function panelLines(props: Pick<OffRunPanelProps, 'unattached' | 'notEvaluated'>): number {
  const count = (n: number): number =>
    n === 0 ? 0 : 1 + Math.min(n, PANEL_MAX_LINES) + (n > PANEL_MAX_LINES ? 1 : 0);
  return count(props.unattached.length) + count(notEvaluatedLines(props.notEvaluated).length);
}

export function OffRunPanel({ unattached, notEvaluated, width, color }: OffRunPanelProps) {
  const reasons = notEvaluatedLines(notEvaluated);
  const more = (n: number) =>
    n > PANEL_MAX_LINES ? (
      <Text dimColor>
        {'  '}… {n - PANEL_MAX_LINES} more (storyctl doctor lists them)
      </Text>
    ) : null;
  return (
    <Box flexDirection="column">
      {unattached.length > 0 ? <Text bold>Not on a run</Text> : null}
      {unattached.slice(0, PANEL_MAX_LINES).map((f) => (
        <Text key={f.fingerprint} wrap="truncate">
          {'  '}
          <Text {...tint(color ? severityColor(f.severity) : undefined)}>[{f.ruleId}]</Text>{' '}
          {cell(`${subjectLabel(f.subject)}: ${f.message}`, Math.max(10, width - f.ruleId.length - 5))}
        </Text>
      ))}
      {more(unattached.length)}
      {reasons.length > 0 ? <Text bold>Not evaluated</Text> : null}
      {reasons.slice(0, PANEL_MAX_LINES).map((r) => (
        <Text key={r} dimColor wrap="truncate">
          {'  '}
          {cell(r, Math.max(10, width - 3))}
        </Text>
      ))}
      {more(reasons.length)}
    </Box>
  );
}
