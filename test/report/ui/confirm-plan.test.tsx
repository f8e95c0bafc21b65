// The confirmation asked on a TTY: it shows the plan and only a `y` says yes.
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmPlan } from '../../../src/report/ui/ConfirmPlan.js';

const LINES = [
  'StoryRun voice/call-4711: Running → Finished, resourceVersion 812',
  '- status.phase: Running',
  '+ status.phase: Finished',
  'x StepRun call-4711-agent (Running): delete, propagation Background',
  '',
];
const SUMMARY = '1 run(s) to repair: 2 field change(s), 1 StepRun(s) to delete';

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('ConfirmPlan', () => {
  it('shows the diff, the summary and the question', () => {
    const { lastFrame } = render(
      <ConfirmPlan lines={LINES} summary={SUMMARY} color={false} onAnswer={() => {}} />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).toContain('- status.phase: Running');
    expect(frame).toContain('+ status.phase: Finished');
    expect(frame).toContain('x StepRun call-4711-agent (Running): delete');
    expect(frame).toContain(SUMMARY);
    expect(frame).toContain('Apply these changes? [y/N]');
  });

  it('y answers yes', async () => {
    const onAnswer = vi.fn();
    const { stdin } = render(
      <ConfirmPlan lines={LINES} summary={SUMMARY} color={false} onAnswer={onAnswer} />,
    );
    await tick();
    stdin.write('y');
    await tick();
    expect(onAnswer).toHaveBeenCalledWith(true);
  });

  it('Enter and n answer no (the default)', async () => {
    for (const key of ['\r', 'n']) {
      const onAnswer = vi.fn();
      const { stdin } = render(
        <ConfirmPlan lines={LINES} summary={SUMMARY} color={false} onAnswer={onAnswer} />,
      );
      await tick();
      stdin.write(key);
      await tick();
      expect(onAnswer).toHaveBeenCalledWith(false);
    }
  });

  it('once answered, says what happens instead of asking again', () => {
    const { lastFrame } = render(
      <ConfirmPlan lines={LINES} summary={SUMMARY} color={false} answer={false} onAnswer={() => {}} />,
    );
    expect(lastFrame()).toContain('Not applied: nothing was written.');
    expect(lastFrame()).not.toContain('[y/N]');
  });
});
