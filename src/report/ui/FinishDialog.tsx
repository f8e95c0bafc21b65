// The `f` dialog: the plan of `finish --force-terminal` for one run as a diff, the question, and
// then what the applier did (including RBAC refusals, which are the common failure here).
import { Box, Text } from 'ink';
import { tint } from './format.js';

export type FinishStage = 'planning' | 'confirm' | 'applying' | 'done' | 'failed';

export interface FinishDialogProps {
  readonly namespace: string;
  readonly name: string;
  readonly stage: FinishStage;
  /** The plan as diff lines (`-` before, `+` after, `x` deletions). */
  readonly diff: readonly string[];
  /** The outcome or the refusal, in words. */
  readonly message?: string;
  readonly color: boolean;
}

function lineColor(line: string, color: boolean): 'red' | 'green' | 'yellow' | undefined {
  if (!color) return undefined;
  if (line.startsWith('+')) return 'green';
  if (line.startsWith('-')) return 'red';
  if (line.startsWith('x') || line.startsWith('!')) return 'yellow';
  return undefined;
}

export function FinishDialog(props: FinishDialogProps) {
  const { stage, color } = props;
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>
        finish {props.namespace}/{props.name} --force-terminal
      </Text>
      {stage === 'planning' ? <Text>reading the run and planning…</Text> : null}
      {props.diff.map((line, i) => (
        <Text key={i} {...tint(lineColor(line, color))}>
          {line}
        </Text>
      ))}
      {stage === 'confirm' ? <Text bold>Apply these changes? [y/N]</Text> : null}
      {stage === 'applying' ? <Text>applying…</Text> : null}
      {props.message ? (
        <Text {...tint(color ? (stage === 'failed' ? 'red' : 'green') : undefined)} bold={stage === 'failed'}>
          {props.message}
        </Text>
      ) : null}
      {stage === 'done' || stage === 'failed' ? <Text dimColor>any key: close</Text> : null}
    </Box>
  );
}
