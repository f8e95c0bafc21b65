// Typed errors. Lower layers say *what* went wrong; only src/cli maps a kind to an exit code.

export type ErrorKind =
  | 'usage' // bad flag or argument
  | 'input' // unreadable or malformed file
  | 'config' // kubeconfig, context, CRDs missing
  | 'unreachable' // the API server did not answer
  | 'refused' // repair refused (RBAC, no TTY without --yes, validation)
  | 'conflict' // repair lost an optimistic-concurrency race too often
  | 'partial' // repair partly applied
  | 'interrupted';

export class StoryctlError extends Error {
  readonly kind: ErrorKind;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(kind: ErrorKind, message: string, where?: { file?: string; line?: number }) {
    super(message);
    this.name = 'StoryctlError';
    this.kind = kind;
    this.file = where?.file;
    this.line = where?.line;
  }
}

export function inputError(message: string, file?: string, line?: number): StoryctlError {
  const where: { file?: string; line?: number } = {};
  if (file !== undefined) where.file = file;
  if (line !== undefined) where.line = line;
  return new StoryctlError('input', message, where);
}
