import { describe, expect, it } from 'vitest';
import {
  answerFinish,
  INITIAL_UI,
  reduceKey,
  splitInput,
  type KeyInfo,
  type UiState,
} from '../../../src/report/ui/keys.js';

const ctx = { rowKeys: ['ns/a', 'ns/b', 'ns/c'], selected: 0 };

/** Feed keys the way the app does: each sees the state the previous one left. */
function press(keys: [string, KeyInfo?][], start: UiState = INITIAL_UI) {
  let s = start;
  const effects: string[] = [];
  for (const [input, key] of keys) {
    const selected = s.selectedKey ? Math.max(0, ctx.rowKeys.indexOf(s.selectedKey)) : s.selectedIndex;
    const r = reduceKey(s, input, key ?? {}, { ...ctx, selected });
    s = r.state;
    effects.push(r.effect.type);
  }
  return { s, effects };
}

describe('reduceKey', () => {
  it('moves the selection with arrows and j/k, within the rows', () => {
    expect(press([['', { downArrow: true }], ['j'], ['j'], ['j']]).s.selectedKey).toBe('ns/c');
    expect(press([['', { upArrow: true }]]).s.selectedKey).toBe('ns/a');
    expect(press([['j'], ['k']]).s.selectedKey).toBe('ns/a');
  });

  it('opens details with Enter and goes back with Enter or Esc; arrows scroll there', () => {
    const open = press([['j'], ['', { return: true }]]).s;
    expect(open.mode).toBe('details');
    expect(open.selectedKey).toBe('ns/b');
    const scrolled = press(
      [
        ['', { downArrow: true }],
        ['', { downArrow: true }],
        ['', { upArrow: true }],
      ],
      open,
    ).s;
    expect(scrolled.detailsOffset).toBe(1);
    expect(scrolled.selectedKey).toBe('ns/b');
    expect(press([['', { escape: true }]], open).s.mode).toBe('table');
    expect(press([['', { return: true }]], open).s.mode).toBe('table');
  });

  it('types a filter after /, keeps it on Enter, clears it on Esc, and q is a letter there', () => {
    const typed = press([['/'], ['s'], ['r'], ['q'], ['', { backspace: true }], ['1']]);
    expect(typed.s.filter).toBe('sr1');
    expect(typed.effects).not.toContain('quit');
    expect(press([['', { return: true }]], typed.s).s).toMatchObject({ filter: 'sr1', editingFilter: false });
    expect(press([['', { escape: true }]], typed.s).s).toMatchObject({ filter: '', editingFilter: false });
  });

  it('plans a finish of the selected run, applies only on a yes, and closes on a no', () => {
    const f = press([['j'], ['f']]);
    expect(f.s).toMatchObject({ mode: 'confirm', dialog: 'planning', selectedKey: 'ns/b' });
    expect(f.effects.at(-1)).toBe('plan');
    // Keys and answers while planning do nothing (no apply of a plan nobody saw).
    expect(press([['y']], f.s).effects).toEqual(['none']);
    expect(answerFinish(f.s, true).effect.type).toBe('none');
    const confirm = { ...f.s, dialog: 'confirm' as const };
    // The y/N keys belong to ConfirmPlan; the dashboard's own keys leave the question open.
    expect(press([['y'], ['q'], ['f']], confirm).s.dialog).toBe('confirm');
    expect(answerFinish(confirm, true)).toMatchObject({
      state: { dialog: 'applying' },
      effect: { type: 'apply' },
    });
    expect(answerFinish(confirm, false)).toMatchObject({
      state: { mode: 'table', dialog: undefined },
      effect: { type: 'close-dialog', applied: false },
    });
    expect(answerFinish({ ...confirm, dialog: 'applying' }, true).effect.type).toBe('none');
    expect(press([['z']], { ...f.s, dialog: 'failed' }).s.mode).toBe('table');
  });

  it('asks a second question before forcing a run nobody canceled, and writes only on two yeses', () => {
    const f = press([['j'], ['f']]);
    const confirm = { ...f.s, dialog: 'confirm' as const };
    const again = answerFinish(confirm, true, { second: true });
    expect(again).toMatchObject({ state: { dialog: 'confirm-again' }, effect: { type: 'none' } });
    expect(answerFinish(again.state, true, { second: true })).toMatchObject({
      state: { dialog: 'applying' },
      effect: { type: 'apply' },
    });
    expect(answerFinish(again.state, false, { second: true })).toMatchObject({
      state: { mode: 'table', dialog: undefined },
      effect: { type: 'close-dialog', applied: false },
    });
    expect(answerFinish(confirm, false, { second: true }).effect).toEqual({
      type: 'close-dialog',
      applied: false,
    });
  });

  it('quits with 0 on q and 130 on Ctrl-C, even from the dialog', () => {
    expect(reduceKey(INITIAL_UI, 'q', {}, ctx).effect).toEqual({ type: 'quit', code: 0 });
    expect(
      reduceKey({ ...INITIAL_UI, mode: 'confirm', dialog: 'applying' }, 'c', { ctrl: true }, ctx).effect,
    ).toEqual({ type: 'quit', code: 130 });
  });

  it('does nothing for f when no run is shown', () => {
    expect(reduceKey(INITIAL_UI, 'f', {}, { rowKeys: [], selected: 0 }).effect.type).toBe('none');
  });
});

describe('splitInput', () => {
  it('splits a burst of characters into keys, Enter and Backspace included', () => {
    expect(splitInput('/job\r', {})).toEqual([
      ['/', {}],
      ['j', {}],
      ['o', {}],
      ['b', {}],
      ['', { return: true }],
    ]);
    expect(splitInput('a\x7f', {})).toEqual([
      ['a', {}],
      ['', { backspace: true }],
    ]);
  });

  it('leaves single keys and named keys alone', () => {
    expect(splitInput('q', {})).toEqual([['q', {}]]);
    expect(splitInput('', { upArrow: true })).toEqual([['', { upArrow: true }]]);
  });
});
