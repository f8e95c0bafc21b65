// The bottom line: the watch connection when it is down, the filter being typed, and the keys.
import { Box, Text } from 'ink';
import { inertLine } from '../escape.js';
import { tint } from './format.js';

export interface StatusLineProps {
  readonly connection: string | undefined;
  readonly filter: string;
  readonly editingFilter: boolean;
  readonly mode: 'table' | 'details' | 'confirm';
  readonly notice: string | undefined;
  readonly color: boolean;
}

const KEYS = {
  table: '↑/↓ select · Enter details · f finish --force-terminal · / filter · q quit',
  details: 'Esc/Enter back · ↑/↓ scroll · f finish --force-terminal · q quit',
  confirm: 'Ctrl-C quit',
} as const;

export function StatusLine(props: StatusLineProps) {
  return (
    <Box flexDirection="column">
      {props.connection ? (
        <Text {...tint(props.color ? 'red' : undefined)} bold wrap="truncate">
          ! {inertLine(props.connection)}
        </Text>
      ) : null}
      {props.notice ? <Text wrap="truncate">{inertLine(props.notice)}</Text> : null}
      {props.editingFilter ? (
        <Text>
          /{inertLine(props.filter)}
          <Text inverse> </Text> (Enter keep · Esc clear)
        </Text>
      ) : (
        <Text dimColor>
          {props.filter ? `filter: ${inertLine(props.filter)} · ` : ''}
          {KEYS[props.mode]}
        </Text>
      )}
    </Box>
  );
}
