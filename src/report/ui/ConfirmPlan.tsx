// The question `finish --force-terminal` asks on a TTY: the plan as a diff (report/plan-diff.ts),
// a one-line summary, and y/N. Presentational: the lines and the answer come in as props, the
// keypress goes out through onAnswer; anything but y is a no, so a stray Enter writes nothing.
import { Box, Text, useInput, type Key } from 'ink';
import { useCallback, useRef } from 'react';
import { diffSign, signColor } from '../plan-diff.js';
import { tint } from './format.js';

export interface ConfirmPlanProps {
  readonly lines: readonly string[];
  readonly summary: string;
  /** The question asked (default: whether to apply the plan). */
  readonly question?: string | undefined;
  readonly color: boolean;
  /** Undefined while waiting; then the answer given, shown instead of the question. */
  readonly answer?: boolean | undefined;
  readonly onAnswer: (yes: boolean) => void;
}

export function ConfirmPlan(props: ConfirmPlanProps) {
  const { color, answer } = props;
  // One handler for the component's life: ink re-subscribes useInput whenever the handler changes,
  // and a key that arrives in that gap is lost (the watch dashboard re-renders several times a second).
  const onAnswer = useRef(props.onAnswer);
  onAnswer.current = props.onAnswer;
  const onInput = useCallback((input: string, key: Key) => {
    if (input === 'y' || input === 'Y') onAnswer.current(true);
    else if (input === 'n' || input === 'N' || key.return || key.escape || (key.ctrl && input === 'c'))
      onAnswer.current(false);
  }, []);
  useInput(onInput, { isActive: answer === undefined });
  return (
    <Box flexDirection="column">
      {props.lines.map((line, i) => {
        const sign = diffSign(line);
        const header = sign === ' ' && !line.startsWith(' ');
        return (
          <Text key={i} bold={header} {...tint(color ? signColor(sign) : undefined)}>
            {line}
          </Text>
        );
      })}
      {props.summary ? <Text>{props.summary}</Text> : null}
      {answer === undefined ? (
        <Text bold>{props.question ?? 'Apply these changes? [y/N]'}</Text>
      ) : (
        <Text {...tint(color ? (answer ? 'green' : 'yellow') : undefined)}>
          {answer ? 'Applying.' : 'Not applied: nothing was written.'}
        </Text>
      )}
    </Box>
  );
}
