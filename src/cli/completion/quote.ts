// Quoting words into the generated completion scripts.

/** Single-quoted for sh, bash and zsh: `it's` → `'it'\''s'`. */
export function sq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Single-quoted for fish, where only \\ and \' are escapes inside single quotes. */
export function fq(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
