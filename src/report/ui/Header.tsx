// The dashboard's first lines: which cluster and scope, and how many findings of each severity.
import { Box, Text } from 'ink';
import { inertLine } from '../escape.js';
import { tint } from './format.js';
import type { Severity } from '../../model/report.js';

export interface HeaderProps {
  readonly context: string;
  readonly server: string;
  /** `namespace voice`, `all namespaces`, plus the selector when one is set. */
  readonly scope: string;
  readonly runs: number;
  readonly shown: number;
  readonly counts: Readonly<Record<Severity, number>>;
  readonly notEvaluated: number;
  /** Findings the config's suppressions or the objects' annotations hold back. */
  readonly suppressed: number;
  readonly color: boolean;
}

export function Header(props: HeaderProps) {
  const { counts, color } = props;
  const c = (name: 'red' | 'yellow' | 'cyan') => (color ? name : undefined);
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>storyctl watch</Text> ·{' '}
        {inertLine(`context ${props.context} (${props.server}) · ${props.scope}`)}
      </Text>
      <Text>
        runs {props.shown === props.runs ? props.runs : `${props.shown}/${props.runs}`} ·{' '}
        <Text {...tint(c('red'))}>{counts.error} error</Text> ·{' '}
        <Text {...tint(c('yellow'))}>{counts.warning} warning</Text> ·{' '}
        <Text {...tint(c('cyan'))}>{counts.info} info</Text>
        {props.suppressed > 0 ? ` · ${props.suppressed} suppressed` : ''}
        {props.notEvaluated > 0 ? ` · ${props.notEvaluated} not evaluated` : ''}
      </Text>
    </Box>
  );
}
