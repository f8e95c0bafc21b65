// What each key does, as a pure step function over the dashboard's UI state. Keys arrive in
// bursts (a paste, tmux send-keys, a fast typist), faster than React re-renders, so every key
// must see the state the previous key left: the app keeps this state in a ref, not in closures.
import type { FinishStage } from './FinishDialog.js';

export type Mode = 'table' | 'details' | 'confirm';

export interface UiState {
  mode: Mode;
  selectedIndex: number;
  selectedKey: string | undefined;
  detailsOffset: number;
  filter: string;
  editingFilter: boolean;
  /** The finish dialog's stage, when open. */
  dialog: FinishStage | undefined;
}

export const INITIAL_UI: UiState = {
  mode: 'table',
  selectedIndex: 0,
  selectedKey: undefined,
  detailsOffset: 0,
  filter: '',
  editingFilter: false,
  dialog: undefined,
};

/** The subset of ink's Key the dashboard uses. */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export type Effect =
  | { type: 'none' }
  | { type: 'quit'; code: number }
  /** Plan a finish of the row with this key and open the dialog. */
  | { type: 'plan'; key: string }
  | { type: 'apply' }
  | { type: 'close-dialog'; applied: boolean };

export interface KeyContext {
  /** Keys of the rows currently shown (after the filter), in order. */
  rowKeys: readonly string[];
  /** The index the selection resolves to now (see reselect). */
  selected: number;
}

export function reduceKey(
  s: UiState,
  input: string,
  key: KeyInfo,
  ctx: KeyContext,
): { state: UiState; effect: Effect } {
  const none = (state: UiState): { state: UiState; effect: Effect } => ({ state, effect: { type: 'none' } });
  if (key.ctrl && input === 'c') return { state: s, effect: { type: 'quit', code: 130 } };

  if (s.editingFilter) {
    if (key.return) return none({ ...s, editingFilter: false });
    if (key.escape) return none({ ...s, editingFilter: false, filter: '' });
    if (key.backspace || key.delete) return none({ ...s, filter: s.filter.slice(0, -1) });
    if (input && !key.ctrl && !key.meta)
      return none({ ...s, filter: s.filter + input, selectedIndex: 0, selectedKey: undefined });
    return none(s);
  }

  if (s.mode === 'confirm') {
    // The question itself is ConfirmPlan's (the repair's dialog): its answer arrives via answerFinish.
    if (s.dialog === 'done' || s.dialog === 'failed') {
      return {
        state: { ...s, mode: 'table', dialog: undefined },
        effect: { type: 'close-dialog', applied: s.dialog === 'done' },
      };
    }
    // Planning or applying: only quitting interrupts.
    return none(s);
  }

  if (input === 'q') return { state: s, effect: { type: 'quit', code: 0 } };

  if (s.mode === 'details') {
    if (key.upArrow || input === 'k') return none({ ...s, detailsOffset: Math.max(0, s.detailsOffset - 1) });
    if (key.downArrow || input === 'j') return none({ ...s, detailsOffset: s.detailsOffset + 1 });
    if (key.return || key.escape) return none({ ...s, mode: 'table', detailsOffset: 0 });
  }

  const select = (i: number): UiState => {
    const next = Math.min(Math.max(0, i), Math.max(0, ctx.rowKeys.length - 1));
    return { ...s, selectedIndex: next, selectedKey: ctx.rowKeys[next] };
  };
  if (s.mode === 'table') {
    if (key.upArrow || input === 'k') return none(select(ctx.selected - 1));
    if (key.downArrow || input === 'j') return none(select(ctx.selected + 1));
    if (key.pageUp) return none(select(ctx.selected - 10));
    if (key.pageDown) return none(select(ctx.selected + 10));
    if (key.return && ctx.rowKeys.length > 0)
      return none({ ...select(ctx.selected), mode: 'details', detailsOffset: 0 });
  }
  if (input === '/') return none({ ...s, mode: 'table', editingFilter: true });
  const target = ctx.rowKeys[ctx.selected];
  if (input === 'f' && target !== undefined)
    return {
      state: { ...s, mode: 'confirm', dialog: 'planning', selectedKey: target },
      effect: { type: 'plan', key: target },
    };
  return none(s);
}

/**
 * ConfirmPlan's y/N: yes applies, anything else closes the dialog without writing. A run nobody
 * canceled (`second`) asks once more, on its own, before anything is written — as `finish` does.
 */
export function answerFinish(
  s: UiState,
  yes: boolean,
  options: { second?: boolean } = {},
): { state: UiState; effect: Effect } {
  if (s.mode !== 'confirm' || (s.dialog !== 'confirm' && s.dialog !== 'confirm-again'))
    return { state: s, effect: { type: 'none' } };
  if (yes && s.dialog === 'confirm' && options.second === true)
    return { state: { ...s, dialog: 'confirm-again' }, effect: { type: 'none' } };
  if (yes) return { state: { ...s, dialog: 'applying' }, effect: { type: 'apply' } };
  return {
    state: { ...s, mode: 'table', dialog: undefined },
    effect: { type: 'close-dialog', applied: false },
  };
}

/**
 * ink hands a burst of plain characters (a paste, or keys that arrived together) to useInput as
 * one string; the dashboard treats it as the keys it is made of, so `/job⏎` filters and closes.
 */
export function splitInput(input: string, key: KeyInfo): [string, KeyInfo][] {
  const named =
    key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.escape || key.ctrl || key.meta;
  if (input.length <= 1 || named) return [[input, key]];
  return [...input].map((c): [string, KeyInfo] => {
    if (c === '\r' || c === '\n') return ['', { return: true }];
    if (c === '\x7f' || c === '\b') return ['', { backspace: true }];
    return [c, {}];
  });
}
