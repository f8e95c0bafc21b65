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
  return s.replace(MARKDOWN_SPECIAL, '\\$&').replace(/\r?\n|\r/g, '<br>');
}

/** A code span that survives backticks and pipes in its content (CommonMark: a longer fence). */
export function markdownCode(s: string): string {
  const flat = s.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');
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
