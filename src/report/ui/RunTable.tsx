// The table of runs, worst first, with the selected row marked. Only the rows that fit are drawn.
import { Box, Text } from 'ink';
import type { RunRow } from './dashboard-state.js';
import { visibleWindow } from './dashboard-state.js';
import { cancelText, cell, fitBadges, phaseColor, severityColor, shortAge, tint } from './format.js';

export interface RunTableProps {
  readonly rows: readonly RunRow[];
  readonly selected: number;
  /** Lines available for rows (the heading takes one more). */
  readonly height: number;
  readonly width: number;
  readonly color: boolean;
}

export interface Columns {
  namespace: number;
  name: number;
  /** 0: not shown (narrow terminal; the details view has it). */
  story: number;
  phase: number;
  age: number;
  cancel: number;
}

const FINDINGS_MIN = 16;

/** Column widths for a terminal `width` wide: the story goes first, then names shrink. */
export function tableColumns(width: number): Columns {
  const c: Columns = { namespace: 14, name: 24, story: 14, phase: 10, age: 7, cancel: 24 };
  const used = (): number =>
    2 + c.namespace + c.name + c.story + c.phase + c.age + c.cancel + (c.story ? 6 : 5);
  if (width - used() < FINDINGS_MIN) c.story = 0;
  if (width - used() < FINDINGS_MIN) {
    c.namespace = 10;
    c.name = 20;
  }
  if (width - used() < FINDINGS_MIN) {
    // 80 columns: every column narrower, so the findings still show (`1m39s / 30s (2m0s)` is 18).
    c.namespace = 9;
    c.name = Math.max(12, width - 2 - 9 - 9 - 6 - 18 - 5 - FINDINGS_MIN);
    c.phase = 9;
    c.age = 6;
    c.cancel = 18;
  }
  return c;
}

/** Columns left for the findings after the others. */
export function findingsWidth(width: number, c: Columns): number {
  return Math.max(
    0,
    width - (2 + c.namespace + c.name + c.story + c.phase + c.age + c.cancel + (c.story ? 6 : 5)),
  );
}

function badgeCells(r: RunRow, width: number, color: boolean) {
  const { shown, more } = fitBadges(r.badges, width);
  return [
    ...shown.map((b, j) => {
      const f = r.findings.find((x) => x.ruleId === b);
      return (
        <Text key={b} {...tint(color ? severityColor(f?.severity) : undefined)}>
          {j > 0 ? ' ' : ''}[{b}]
        </Text>
      );
    }),
    ...(more > 0 ? [<Text key="more"> +{more}</Text>] : []),
  ];
}

export function RunTable({ rows, selected, height, width, color }: RunTableProps) {
  const { start, end } = visibleWindow(rows.length, selected, height);
  const COLUMNS = tableColumns(width);
  const story = (text: string): string => (COLUMNS.story ? `${cell(text, COLUMNS.story)} ` : '');
  return (
    <Box flexDirection="column">
      <Text bold>
        {'  '}
        {cell('NAMESPACE', COLUMNS.namespace)} {cell('NAME', COLUMNS.name)} {story('STORY')}
        {cell('PHASE', COLUMNS.phase)} {cell('AGE', COLUMNS.age)}{' '}
        {cell('CANCEL / BUDGET (WINDOW)', COLUMNS.cancel)} FINDINGS
      </Text>
      {rows.length === 0 ? <Text dimColor> no StoryRuns in scope</Text> : null}
      {rows.slice(start, end).map((r, i) => {
        const isSelected = start + i === selected;
        const over = r.cancel?.overBudget === true;
        return (
          <Text key={r.key} inverse={isSelected && color} wrap="truncate">
            {isSelected ? '> ' : '  '}
            {cell(r.namespace, COLUMNS.namespace)} {cell(r.name, COLUMNS.name)} {story(r.story)}
            <Text {...tint(color ? phaseColor(r.phase) : undefined)}>
              {cell(r.phase || '-', COLUMNS.phase)}
            </Text>{' '}
            {cell(shortAge(r.ageSeconds), COLUMNS.age)}{' '}
            <Text {...tint(color && over ? 'red' : undefined)} bold={over}>
              {cell(cancelText(r.cancel), COLUMNS.cancel)}
            </Text>{' '}
            {badgeCells(r, findingsWidth(width, COLUMNS), color)}
          </Text>
        );
      })}
      {end < rows.length || start > 0 ? (
        <Text dimColor>
          {'  '}rows {start + 1}-{end} of {rows.length}
        </Text>
      ) : null}
    </Box>
  );
}
