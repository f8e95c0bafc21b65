// Escaping and path helpers for the machine-read formats. Each format has its own rules and a
// wrong escape silently corrupts the output (a stray `::` ends a GitHub command, a bare `|` splits a
// Markdown cell, a control character makes a JUnit file unparseable), so they live in one place.
import { isAbsolute, relative, sep } from 'node:path';

// GitHub Actions workflow commands, exactly as @actions/core's command.ts escapes them.
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// XML 1.0 cannot carry most C0 controls even as character references, nor U+FFFE/U+FFFF or lone
// surrogates; a JUnit consumer rejects the whole file over one, so they are dropped.
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXmlText(s: string): string {
  return s
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Attribute values: parsers normalize raw tabs and newlines to spaces, so keep them as references. */
export function escapeXmlAttribute(s: string): string {
  return escapeXmlText(s).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

// GFM table cells: `|` splits a cell even inside a code span unless written `\|`, and a newline
// ends the table row.
const MARKDOWN_SPECIAL = /[\\`*_[\]<>|&~]/g;

export function escapeMarkdownCell(s: string): string {
  return inertData(s)
    .replace(MARKDOWN_SPECIAL, '\\$&')
    .replace(/\r?\n|\r/g, '<br>');
}

/** A code span that survives backticks and pipes in its content (CommonMark: a longer fence). */
export function markdownCode(s: string): string {
  const flat = inertText(s.replace(/\r?\n|\r/g, ' ')).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A log file as CI tools want it: relative to the working directory (GitHub resolves annotation
 * paths and SARIF `%SRCROOT%` against the checkout), with forward slashes. A path outside the
 * working directory stays absolute: a `../` path would point into the wrong tree.
 */
export function artifactPath(file: string, cwd?: string): { path: string; relative: boolean } {
  let p = file;
  if (cwd !== undefined && isAbsolute(p)) {
    const rel = relative(cwd, p);
    if (rel !== '' && rel.split(sep)[0] !== '..' && !isAbsolute(rel)) p = rel;
  }
  const isRelative = !isAbsolute(p);
  p = p.split(sep).join('/');
  if (isRelative) p = p.replace(/^(\.\/)+/, '');
  return { path: p, relative: isRelative };
}

// Text from objects and logs (annotations, status messages, evidence, log lines) can carry terminal
// controls: `ESC ] 0 ; … BEL` retitles the window, `ESC [ 2 J` clears it, a CR overwrites the start
// of a line, a bidi override reorders what is read. A human renderer shows them as escapes
// instead (`\x1b`, `\r`, `\u202e`), before it paints: its own colour codes are added afterwards.
// The escaped form holds no control character, so escaping twice changes nothing.
// C0 controls but tab and newline, DEL, C1 controls, bidi embeddings, overrides and isolates,
// lone surrogates (from `decodeUtf8`'s invalid bytes or a broken string).
const HOSTILE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Without the g flag, for the test that nearly every string passes: no lastIndex to keep.
const HAS_HOSTILE = new RegExp(HOSTILE.source);
// Tab, newline and CR kept: for formats that escape line breaks themselves.
const HOSTILE_DATA =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// The same, and tab and newline too: for text that must stay on one line.
const HOSTILE_LINE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const HAS_HOSTILE_LINE = new RegExp(HOSTILE_LINE.source);
const HAS_HOSTILE_DATA = new RegExp(HOSTILE_DATA.source);

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const c = ch.charCodeAt(0);
  // An invalid byte kept by decodeUtf8 (U+DC80–U+DCFF): shown as the byte it was.
  if (c >= 0xdc80 && c <= 0xdcff) return `\\x${(c - 0xdc00).toString(16)}`;
  if (c < 0x80) return `\\x${c.toString(16).padStart(2, '0')}`;
  return `\\u${c.toString(16).padStart(4, '0')}`;
}

/** Untrusted text made inert for a terminal or a rendered document; newlines and tabs are kept. */
export function inertText(s: string): string {
  return HAS_HOSTILE.test(s) ? s.replace(HOSTILE, visible) : s;
}

/** As inertText, with newlines and tabs escaped too: for a cell, a title, a one-line notice. */
export function inertLine(s: string): string {
  return HAS_HOSTILE_LINE.test(s) ? s.replace(HOSTILE_LINE, visible) : s;
}

/** As inertText, with CR kept too: for a format that escapes CR and LF itself (GitHub's `%0D`). */
export function inertData(s: string): string {
  return HAS_HOSTILE_DATA.test(s) ? s.replace(HOSTILE_DATA, visible) : s;
}

/**
 * Every string in a report (keys too) made inert, for the renderers that take a whole report.
 * What holds nothing to escape is returned as it is, so the usual report costs one test a string.
 */
export function inertDeep<T>(value: T): T {
  return inertValue(value) as T;
}

function inertValue(value: unknown): unknown {
  if (typeof value === 'string') return inertText(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const x = inertValue(v);
      if (x !== v) (out ??= value.slice())[i] = x;
    }
    return out ?? value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let entries: [string, unknown][] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = record[key];
    const k = inertText(key);
    const x = inertValue(v);
    if (entries === undefined && (k !== key || x !== v))
      entries = keys.slice(0, i).map((kj): [string, unknown] => [kj, record[kj]]);
    entries?.push([k, x]);
  }
  // fromEntries defines own properties, so a `__proto__` key stays a key.
  return entries ? Object.fromEntries(entries) : value;
}
