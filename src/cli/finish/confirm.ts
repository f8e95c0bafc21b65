// The question before a force-terminal write: the plan as a diff in an ink dialog, y or n.
import { createElement } from 'react';
import { render } from 'ink';
import type { RunPlan } from '../../repair/run-plan.js';
import { planDiffLines, planSummary } from '../../report/plan-diff.js';
import { ConfirmPlan } from '../../report/ui/ConfirmPlan.js';
import type { CliIO } from '../io.js';

export async function confirm(io: CliIO, plans: readonly RunPlan[], color: boolean): Promise<boolean> {
  const lines = plans.flatMap((p) => [...planDiffLines(p), '']);
  const summary = planSummary(plans);
  return new Promise<boolean>((resolve) => {
    const props = { lines, summary, color };
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
