// The whole screen, from props only: header, then the table or one run's details, the finish
// dialog when open, and the status line.
import { Box } from 'ink';
import type { RunRow } from './dashboard-state.js';
import type { Finding, NotEvaluated } from '../../model/report.js';
import { FinishDialog, type FinishDialogProps } from './FinishDialog.js';
import { OffRunPanel, panelLines } from './OffRunPanel.js';
import { Header, type HeaderProps } from './Header.js';
import { RunDetails } from './RunDetails.js';
import { RunTable } from './RunTable.js';
import { StatusLine } from './StatusLine.js';

export interface DashboardProps {
  readonly header: HeaderProps;
  readonly rows: readonly RunRow[];
  /** Findings no row shows, and the not-evaluated reasons: the panel under the table. */
  readonly unattached?: readonly Finding[];
  readonly notEvaluated?: readonly NotEvaluated[];
  readonly selected: number;
  /** Scroll position of the details view. */
  readonly detailsOffset: number;
  readonly mode: 'table' | 'details' | 'confirm';
  /** Terminal size; the table shows what fits. */
  readonly width: number;
  readonly height: number;
  readonly filter: string;
  readonly editingFilter: boolean;
  readonly connection: string | undefined;
  readonly notice: string | undefined;
  readonly dialog: Omit<FinishDialogProps, 'color'> | undefined;
  readonly color: boolean;
}

/**
 * Lines around the rows: header (2), gap, table heading, scroll line, keys, and one spare — ink
 * redraws the whole screen (and scrolls) once its output reaches the terminal's height.
 */
export function chromeLines(
  props: Pick<DashboardProps, 'connection' | 'notice' | 'unattached' | 'notEvaluated'>,
): number {
  const panel = panelLines({ unattached: props.unattached ?? [], notEvaluated: props.notEvaluated ?? [] });
  return 7 + (props.connection ? 1 : 0) + (props.notice ? 1 : 0) + panel;
}

export function Dashboard(props: DashboardProps) {
  const row = props.rows[props.selected];
  const CHROME_LINES = chromeLines(props);
  return (
    <Box flexDirection="column" width={props.width}>
      <Header {...props.header} />
      <Box marginTop={1} flexDirection="column">
        {props.mode === 'confirm' && props.dialog ? (
          <FinishDialog
            {...props.dialog}
            maxLines={Math.max(3, props.height - CHROME_LINES - 6)}
            color={props.color}
          />
        ) : props.mode === 'details' && row ? (
          <RunDetails
            row={row}
            width={props.width}
            height={props.height - CHROME_LINES}
            offset={props.detailsOffset}
            color={props.color}
          />
        ) : (
          <>
            <RunTable
              rows={props.rows}
              selected={props.selected}
              height={props.height - CHROME_LINES}
              width={props.width}
              color={props.color}
            />
            <OffRunPanel
              unattached={props.unattached ?? []}
              notEvaluated={props.notEvaluated ?? []}
              width={props.width}
              color={props.color}
            />
          </>
        )}
      </Box>
      <StatusLine
        connection={props.connection}
        filter={props.filter}
        editingFilter={props.editingFilter}
        mode={props.mode}
        notice={props.notice}
        color={props.color}
      />
    </Box>
  );
}
