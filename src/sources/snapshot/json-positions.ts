// Where the objects of a JSON snapshot start, and whether any object repeats a key, for text
// JSON.parse has already accepted. Re-parsing the text as YAML for line numbers (what the reader
// did before) held a node per value: 4 GB for a 200 MB `kubectl get -o json`. Here one scan,
// made only when a line is asked for, keeps a line number per List item; duplicate keys are ruled
// out by counting members natively, and only when the counts differ does a slower scan name each
// one. A general parser (jsonc-parser) would do both, but at several times JSON.parse's cost on the
// common path, which needs neither tokens nor a tree.

/** Keys and indexes from the document's root (parse.ts's NodePath). */
type NodePath = readonly (string | number)[];

export interface DuplicateKey {
  key: string;
  /** 1-based line of the repeated key (the one JSON.parse keeps). */
  line: number;
  /** 1-based line of the key's first occurrence (the value JSON.parse drops). */
  firstLine: number;
}

export interface JsonPositions {
  /**
   * 1-based line where the value at `path` starts, for the elements of the arrays storyctl walks
   * (a top-level array, and `items` of the top-level object or of an element), and of the
   * `metadata.name` of the objects among them (where a finding points); else undefined.
   */
  lineOf(path: NodePath): number | undefined;
  /** Every key an object in the text repeats, in text order; empty for most captures. */
  duplicateKeys(): DuplicateKey[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** One open container during the scan. */
interface Frame {
  array: boolean;
  /** Path of this container (`/items/3`), kept for walked ones only. */
  path: string;
  /** An array whose element starts are recorded (its path keys `starts`). */
  tracked: boolean;
  /** An object storyctl walks (the root or an element of a tracked array): its `items` is tracked. */
  walked: boolean;
  index: number;
  /** The `metadata` of a walked object: that object's path (its `name` line is recorded). */
  metadataOf: string | undefined;
  /** The last key read in this object, as offsets of its text. */
  keyStart: number;
  keyEnd: number;
}

/** The offset of the quote that closes the string opened at `open`. */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    if (close < 0) return text.length;
    let slashes = 0;
    for (let i = close - 1; text.charCodeAt(i) === BACKSLASH; i--) slashes++;
    if (slashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
}

interface ScanState {
  text: string;
  /** 1-based start lines of the elements of each tracked array, by the array's path. */
  starts: Map<string, number[]>;
  /** 1-based line of the `metadata.name` key of each walked object, by the object's path. */
  names: Map<string, number>;
  stack: Frame[];
  /** JSON strings hold no raw newline, so counting newlines between tokens counts them all. */
  line: number;
}

/**
 * A value starts on `s.line`: record it when its container is a tracked array; open containers.
 * A top-level function on purpose: a closure over the text would let the optimizing compiler embed
 * the 200 MB string in its code as a constant and keep it alive after the scan.
 */
function valueStarts(s: ScanState, code: number): void {
  const top = s.stack[s.stack.length - 1];
  let walked = false;
  let tracked = false;
  let path = '';
  let metadataOf: string | undefined;
  if (top === undefined) walked = true;
  else if (top.tracked) {
    s.starts.get(top.path)?.push(s.line);
    walked = true;
    path = `${top.path}/${top.index}`;
  } else if (!top.array && top.walked && isItemsKey(s.text, top)) {
    tracked = true;
    path = `${top.path}/items`;
  } else if (!top.array && top.walked && isKey(s.text, top, 'metadata')) {
    metadataOf = top.path;
  }
  if (code !== OPEN_BRACE && code !== OPEN_BRACKET) return;
  const array = code === OPEN_BRACKET;
  // An array met where an object is walked is walked element by element (classify does so).
  tracked = array && (tracked || walked);
  if (tracked) s.starts.set(path, []);
  s.stack.push({
    array,
    path,
    tracked,
    walked: walked && !array,
    index: 0,
    metadataOf: array ? undefined : metadataOf,
    keyStart: -1,
    keyEnd: -1,
  });
}

/**
 * Positions in `text` (valid JSON: `value` is what JSON.parse made of it), each computed when first
 * asked for: item and name lines by one linear scan holding a number or two per walked element.
 * Once both the lines and the duplicate keys are known the text is let go: a finding's location is
 * asked for after the whole snapshot is read, and must not keep a 200 MB capture alive till then.
 */
export function jsonPositions(text: string, value: unknown): JsonPositions {
  const held: { text: string | undefined; value: unknown } = { text, value };
  let lines: Pick<ScanState, 'starts' | 'names'> | undefined;
  let duplicates: DuplicateKey[] | undefined;
  const release = (): void => {
    if (lines !== undefined && duplicates !== undefined) {
      held.text = undefined;
      held.value = undefined;
    }
  };
  const scanned = (): Pick<ScanState, 'starts' | 'names'> => {
    if (lines === undefined) {
      lines = itemLines(held.text ?? '');
      release();
    }
    return lines;
  };
  return {
    lineOf(path) {
      const last = path[path.length - 1];
      if (last === 'name' && path[path.length - 2] === 'metadata')
        return scanned().names.get(arrayKey(path.slice(0, -2)));
      if (typeof last !== 'number') return undefined;
      return scanned().starts.get(arrayKey(path.slice(0, -1)))?.[last];
    },
    duplicateKeys() {
      if (duplicates === undefined) {
        const t = held.text ?? '';
        duplicates = hasDuplicateKeys(t, held.value) ? findDuplicateKeys(t) : [];
        release();
      }
      return duplicates;
    },
  };
}

/**
 * The start line of every element of the arrays storyctl walks, by the array's path, and the line
 * of each walked object's `metadata.name`, by the object's path.
 */
function itemLines(text: string): Pick<ScanState, 'starts' | 'names'> {
  const state: ScanState = { text, starts: new Map(), names: new Map(), stack: [], line: 1 };
  const stack = state.stack;
  let line = 1;
  let expectingValue = true;
  let top: Frame | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20) {
      if (c === 0x0a) line++;
      continue;
    }
    if (c === QUOTE) {
      // Skip the string byte by byte: most are short keys, where a call to indexOf costs more.
      const open = i;
      for (let d = text.charCodeAt(++i); d !== QUOTE && i < n; d = text.charCodeAt(++i)) {
        if (d === BACKSLASH) i++;
      }
      if (top !== undefined && !top.array && !expectingValue) {
        top.keyStart = open + 1;
        top.keyEnd = i;
        // The last `name` wins, as in JSON.parse.
        if (top.metadataOf !== undefined && isKey(text, top, 'name')) state.names.set(top.metadataOf, line);
      } else if (top === undefined || top.tracked) {
        state.line = line;
        valueStarts(state, c);
      }
      continue;
    }
    if (c === COLON) {
      expectingValue = true;
    } else if (c === COMMA) {
      if (top?.array) {
        top.index++;
        expectingValue = true;
      } else expectingValue = false;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
      top = stack[stack.length - 1];
      expectingValue = false;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      state.line = line;
      valueStarts(state, c);
      top = stack[stack.length - 1];
      expectingValue = c === OPEN_BRACKET;
    } else {
      // A number or literal.
      if (top === undefined || top.tracked) {
        state.line = line;
        valueStarts(state, c);
      }
      while (i + 1 < n && !isDelimiter(text.charCodeAt(i + 1))) i++;
      expectingValue = false;
    }
  }
  return { starts: state.starts, names: state.names };
}

/**
 * Whether some object in `text` repeats a key. JSON.parse keeps one member per key, so the value
 * has fewer members than the text then. The text's members are counted natively as the `":` that
 * close keys (a quote inside a string is escaped, so an unescaped `":` always ends a key); a key
 * spaced from its colon, which neither kubectl nor JSON.stringify prints, sends it to the exact scan.
 */
function hasDuplicateKeys(text: string, value: unknown): boolean {
  let keys = 0;
  for (let i = text.indexOf('":'); i >= 0; i = text.indexOf('":', i + 2)) {
    let slashes = 0;
    for (let j = i - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) keys++;
  }
  if (keys !== countMembers(value)) return true;
  const spaced = /"[ \t\r\n]+:/.test(text);
  // A successful match keeps its subject alive in V8's last-match state; a tiny one replaces it.
  if (spaced) /^/.test('');
  return spaced;
}

function isDelimiter(c: number): boolean {
  return c <= 0x20 || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COLON;
}

function isItemsKey(text: string, frame: Frame): boolean {
  return isKey(text, frame, 'items');
}

/** Whether the last key read in `frame` is `key` (as written: storyctl's keys need no escape). */
function isKey(text: string, frame: Frame, key: string): boolean {
  return frame.keyEnd - frame.keyStart === key.length && text.startsWith(key, frame.keyStart);
}

/** The `starts` key of the array at `path`: `` for the root, `/items`, `/items/3/items`, `/0`. */
function arrayKey(path: NodePath): string {
  return path.length === 0 ? '' : `/${path.join('/')}`;
}

/** Object members in a parsed value (iteratively: kubectl output nests deep enough to matter). */
function countMembers(value: unknown): number {
  let n = 0;
  const todo: unknown[] = [value];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) todo.push(x);
      continue;
    }
    for (const k in v) {
      n++;
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === 'object' && x !== null) todo.push(x);
    }
  }
  return n;
}

/** The slow path: every object's keys in a set, each repeat reported with both lines. */
function findDuplicateKeys(text: string): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const stack: ({ keys: Map<string, number> } | undefined)[] = [];
  let expectingKey = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) line++;
    else if (c === OPEN_BRACE) {
      stack.push({ keys: new Map() });
      expectingKey = true;
    } else if (c === OPEN_BRACKET) {
      stack.push(undefined);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
      expectingKey = false;
    } else if (c === COMMA) {
      expectingKey = stack[stack.length - 1] !== undefined;
    } else if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (expectingKey && top) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        const first = top.keys.get(key);
        if (first === undefined) top.keys.set(key, line);
        else out.push({ key, line, firstLine: first });
        expectingKey = false;
      }
      // Strings hold no raw newline in JSON, so the line count stays right across the skip.
      i = end;
    }
  }
  return out;
}
