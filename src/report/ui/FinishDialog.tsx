// The `f` dialog around the repair's own confirm question (ConfirmPlan): planning, then the plan
// diff and y/N, then what the applier did — including RBAC refusals, the usual failure here.
import { Box, Text } from 'ink';
import { inertLine, inertText } from '../escape.js';
import { diffSign, signColor } from '../plan-diff.js';
import { ConfirmPlan } from './ConfirmPlan.js';
import { tint } from './format.js';

export type FinishStage = 'planning' | 'confirm' | 'confirm-again' | 'applying' | 'done' | 'failed';

/** The second question, for a run nobody canceled: why it is different, and the question. */
export interface SecondQuestion {
  readonly lines: readonly string[];
  readonly question: string;
}

export interface FinishDialogProps {
  readonly namespace: string;
  readonly name: string;
  readonly stage: FinishStage;
  /** The plan as report/plan-diff.ts lines. */
  readonly diff: readonly string[];
  /** One line under the diff: what will be written. */
  readonly summary?: string;
  /** The outcome or the refusal, in words. */
  readonly message?: string;
  readonly onAnswer?: (yes: boolean) => void;
  /** Asked after a yes to the plan, when set (stage `confirm-again`). */
  readonly second?: SecondQuestion | undefined;
  /** Diff lines that fit on screen; the rest are counted, not drawn. */
  readonly maxLines?: number;
  readonly color: boolean;
}

/** The diff cut to `max` lines, the last one saying how many were left out. */
export function fitLines(lines: readonly string[], max: number | undefined): string[] {
  if (max === undefined || lines.length <= max) return [...lines];
  const keep = Math.max(1, max - 1);
  return [
    ...lines.slice(0, keep),
    `  … ${lines.length - keep} more line(s) (storyctl finish --dry-run prints them all)`,
  ];
}

export function FinishDialog(props: FinishDialogProps) {
  const { stage, color } = props;
  const diff = fitLines(props.diff, props.maxLines);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>finish {inertLine(`${props.namespace}/${props.name}`)} --force-terminal</Text>
      {stage === 'planning' ? <Text>reading the run and planning…</Text> : null}
      {stage === 'confirm-again' && props.second ? (
        <ConfirmPlan
          lines={props.second.lines}
          summary=""
          question={props.second.question}
          color={color}
          onAnswer={props.onAnswer ?? (() => undefined)}
        />
      ) : stage === 'confirm' ? (
        <ConfirmPlan
          lines={diff}
          summary={props.summary ?? ''}
          color={color}
          onAnswer={props.onAnswer ?? (() => undefined)}
        />
      ) : (
        diff.map((line, i) => (
          <Text key={i} {...tint(color ? signColor(diffSign(line)) : undefined)}>
            {inertLine(line)}
          </Text>
        ))
      )}
      {stage === 'applying' ? <Text>applying…</Text> : null}
      {props.message ? (
        <Text {...tint(color ? (stage === 'failed' ? 'red' : 'green') : undefined)} bold={stage === 'failed'}>
          {inertText(props.message)}
        </Text>
      ) : null}
      {stage === 'done' || stage === 'failed' ? <Text dimColor>any key: close</Text> : null}
    </Box>
  );
}
