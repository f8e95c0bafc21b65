// Something an input held that was read, but maybe not as its author meant: a JSON key given
// twice (the first value is hidden), a gzip member cut short. Sources collect these; the CLI prints
// them on stderr and the report's sources count them.

export interface InputWarning {
  /** The input as the report's sources name it. */
  file: string;
  /** 1-based line, when the warning has one. */
  line?: number;
  message: string;
}

/** `file:line: message`, the way input errors are printed. */
export function describeWarning(w: InputWarning): string {
  return `${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}`;
}
