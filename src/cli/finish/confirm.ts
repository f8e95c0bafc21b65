// The question before a force-terminal write: the plan as a diff in an ink dialog, y or n.
import { createElement } from 'react';
import { render } from 'ink';
import type { StoryRun } from '../../model/kube.js';
import type { RunPlan } from '../../repair/run-plan.js';
import { planDiffLines, planSummary } from '../../report/plan-diff.js';
import { ConfirmPlan } from '../../report/ui/ConfirmPlan.js';
import type { SecondQuestion } from '../../report/ui/FinishDialog.js';
import type { CliIO } from '../io.js';

export async function confirm(io: CliIO, plans: readonly RunPlan[], color: boolean): Promise<boolean> {
  const lines = plans.flatMap((p) => [...planDiffLines(p), '']);
  return ask(io, { lines, summary: planSummary(plans), color });
}

/** Why forcing runs nobody canceled is different, and the question: asked by finish and watch's `f`. */
export function uncanceledQuestion(names: readonly string[]): SecondQuestion {
  const it = names.length === 1 ? 'it' : 'them';
  return {
    lines: [
      `! ${names.join(', ')}: nobody asked ${it} to stop (no spec.cancelRequested) and doctor does not find ${it} stalled.`,
      '! The controller may still be working on it: forcing the terminal state ends the run under it.',
    ],
    question: `Force ${names.length === 1 ? 'this live run' : `these ${names.length} live runs`} terminal anyway? [y/N]`,
  };
}

/** The second question: the runs nobody canceled, why forcing them is different, y or n. */
export async function confirmUncanceled(
  io: CliIO,
  targets: readonly { run: StoryRun }[],
  color: boolean,
): Promise<boolean> {
  const names = targets.map((t) => `${t.run.metadata.namespace ?? 'default'}/${t.run.metadata.name}`);
  const q = uncanceledQuestion(names);
  return ask(io, { lines: [...q.lines], summary: '', question: q.question, color });
}

function ask(
  io: CliIO,
  base: { lines: string[]; summary: string; question?: string; color: boolean },
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const props = base;
    const onAnswer = (yes: boolean): void => {
      instance.rerender(createElement(ConfirmPlan, { ...props, answer: yes, onAnswer }));
      instance.unmount();
      resolve(yes);
    };
    const instance = render(createElement(ConfirmPlan, { ...props, onAnswer }), {
      stdout: io.stdout as NodeJS.WriteStream,
      stderr: io.stderr as NodeJS.WriteStream,
      stdin: io.stdin as NodeJS.ReadStream,
      // Ctrl-C is an answer here (no), not a reason to leave the terminal in raw mode.
      exitOnCtrlC: false,
      patchConsole: false,
    });
  });
}
