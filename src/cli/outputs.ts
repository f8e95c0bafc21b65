// Several outputs in one run: `-o table -o sarif --output-file storyctl.sarif`. Each
// --output-file belongs to the -o given just before it; at most one output goes to stdout.
import { randomBytes } from 'node:crypto';
import { rename, writeFile, unlink } from 'node:fs/promises';
import { StoryctlError } from '../model/errors.js';
import type { OutputFormat } from './options.js';

export interface OutputTarget {
  format: OutputFormat;
  /** undefined: stdout */
  file?: string;
}

/** Rebuild the order of -o / --output-file from the raw arguments (commander keeps them apart). */
export function planOutputs(
  args: readonly string[],
  formats: readonly OutputFormat[] | undefined,
  files: readonly string[] | undefined,
): OutputTarget[] {
  if (!formats || formats.length === 0) {
    // A file without its format would get the table by accident: say which -o it needs.
    if (files && files.length > 0)
      throw new StoryctlError(
        'usage',
        `--output-file ${files[0] ?? ''} needs the -o FORMAT it is for just before it (e.g. -o json --output-file ${files[0] ?? ''})`,
      );
    return [{ format: 'table' }];
  }
  const events: { type: 'format' | 'file'; value: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') break;
    const next = args[i + 1];
    if (a === '-o' || a === '--output') {
      if (next !== undefined) events.push({ type: 'format', value: next });
      i++;
    } else if (a.startsWith('--output=')) events.push({ type: 'format', value: a.slice('--output='.length) });
    else if (/^-o[a-z]/.test(a)) events.push({ type: 'format', value: a.slice(2).replace(/^=/, '') });
    else if (a === '--output-file') {
      if (next !== undefined) events.push({ type: 'file', value: next });
      i++;
    } else if (a.startsWith('--output-file='))
      events.push({ type: 'file', value: a.slice('--output-file='.length) });
  }
  const targets: OutputTarget[] = [];
  for (const e of events) {
    if (e.type === 'format') {
      targets.push({ format: e.value as OutputFormat });
      continue;
    }
    const last = targets[targets.length - 1];
    if (!last || last.file !== undefined) {
      throw new StoryctlError('usage', `--output-file ${e.value} must follow the -o FORMAT it is for`);
    }
    last.file = e.value;
  }
  // Fall back to commander's view if the raw scan found nothing (programmatic use).
  if (targets.length === 0) return formats.map((format) => ({ format }));
  const toStdout = targets.filter((t) => t.file === undefined);
  if (toStdout.length > 1) {
    throw new StoryctlError(
      'usage',
      `only one output can go to stdout (${toStdout.map((t) => t.format).join(', ')}): add --output-file after the others`,
    );
  }
  return targets;
}

/** Write a file whole or not at all: a temporary sibling, then rename. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoryctlError('input', `cannot write output file: ${reason}`, { file: path });
  }
}
