// The IO edge: which inputs name which byte streams. Files, directories (recursive), globs and `-`
// for stdin; gzip is recognised by its magic bytes, whatever the name, once per input: a file when
// the inputs are expanded, stdin (which can be read only once) on its first chunk.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { inputError, StoryctlError } from '../model/errors.js';
import { fileIdentity, filesUnder } from '../sources/walk.js';
import { gunzipMembers, type GzipFault } from './gzip.js';

/** A file named by the inputs or found under them. */
export interface FileInput {
  kind: 'file';
  /** Shown in reports: the path as found. */
  name: string;
  path: string;
  size: number;
  /** Starts with the gzip magic bytes. */
  gzip: boolean;
}

/** `-`: standard input. */
export interface StdinInput {
  kind: 'stdin';
  name: '-';
}

export type LogInput = FileInput | StdinInput;

const GLOB_CHARS = /[*?[\]{}]/;
/**
 * Files a directory holds beside its captures that are not logs: READMEs, STATUS notes and the
 * fixtures' expected.json (skipped when found under a directory; named explicitly, they are read).
 */
const NOT_LOGS = /(^|\/)(README|STATUS)(\.md)?$|(^|\/)expected\.json$/i;
export const READ_CHUNK = 1 << 20;

/** Expand files, directories and globs into the files to read, in a stable order. */
export async function expandInputs(inputs: readonly string[]): Promise<LogInput[]> {
  const out: LogInput[] = [];
  const seen = new Set<string>();
  const add = async (path: string, size: number): Promise<void> => {
    // One real file (device and inode) is read once, however many names and links reach it.
    const id = (await fileIdentity(path)) ?? path;
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ kind: 'file', name: path, path, size, gzip: await startsWithGzipMagic(path) });
  };
  for (const input of inputs) {
    if (input === '-') {
      out.push({ kind: 'stdin', name: '-' });
      continue;
    }
    let st;
    try {
      st = await stat(input);
    } catch (error) {
      if (GLOB_CHARS.test(input)) {
        // Loaded only for a glob: most runs name files and would pay ~10 ms to load it.
        const { glob } = await import('tinyglobby');
        const matches = (await glob(input, { onlyFiles: true, dot: false })).sort();
        if (matches.length === 0) throw inputError(`no log file matches ${input}`, input);
        for (const m of matches) await add(m, (await stat(m)).size);
        continue;
      }
      throw inputError(`cannot read ${input}: ${reason(error)}`, input);
    }
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = await directoryFiles(input);
      } catch (error) {
        throw inputError(`cannot read directory ${input}: ${reason(error)}`, input);
      }
      let files = 0;
      for (const e of entries) {
        const s = await stat(e).catch(() => undefined);
        if (s?.isFile() && !NOT_LOGS.test(e)) {
          await add(e, s.size);
          files++;
        }
      }
      // Like a glob that matches nothing: reading no file must not pass as "no findings".
      if (files === 0) throw new StoryctlError('usage', `no log files in directory ${input}`);
    } else {
      await add(input, st.size);
    }
  }
  return out;
}

/**
 * The files under a directory, each real file once, hidden entries (a mounted ConfigMap's `..data`)
 * skipped, without looping on links: the walk the snapshot reader uses (sources/walk.ts).
 */
async function directoryFiles(dir: string): Promise<string[]> {
  return (await filesUnder(dir)).map((f) => f.path);
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** Whether a file starts with the gzip magic bytes (an unreadable file is an input error). */
async function startsWithGzipMagic(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(2);
      const { bytesRead } = await fh.read(head, 0, 2, 0);
      return isGzip(head.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  } catch (error) {
    throw inputError(`cannot read ${path}: ${reason(error)}`, path);
  }
}

function isGzip(b: Buffer | undefined): boolean {
  return b !== undefined && b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * The decompressed bytes of one input, chunk by chunk. `onRaw` sees the raw (compressed) byte
 * counts for progress. A gzip input cut short or followed by garbage yields all that decompresses
 * and tells `onFault` (gzip.ts): captures are often copied while still being written.
 */
export async function* inputChunks(
  input: LogInput,
  stdin: NodeJS.ReadableStream | undefined,
  onRaw: (n: number) => void,
  onFault?: (fault: GzipFault) => void,
): AsyncGenerator<Buffer> {
  let source: AsyncIterable<Buffer | string>;
  if (input.kind === 'stdin') {
    if (!stdin) throw inputError('no standard input to read for -', '-');
    source = stdin as AsyncIterable<Buffer | string>;
  } else {
    source = createReadStream(input.path, { highWaterMark: READ_CHUNK });
  }
  const raw = rawChunks(source, onRaw);
  let peek = await raw.next();
  if (peek.done) return;
  const gz = input.kind === 'file' ? input.gzip : isGzip(peek.value);
  if (!gz) {
    while (!peek.done) {
      yield peek.value;
      peek = await raw.next();
    }
    return;
  }
  // The first chunk was taken to look for the magic bytes: hand it back in front of the rest.
  const first = peek.value;
  let handedBack = false;
  const rest: AsyncIterator<Buffer> = {
    next: () => {
      if (handedBack) return raw.next();
      handedBack = true;
      return Promise.resolve({ done: false, value: first });
    },
  };
  yield* gunzipMembers(rest, (fault) => onFault?.(fault));
}

async function* rawChunks(
  source: AsyncIterable<Buffer | string>,
  onRaw: (n: number) => void,
): AsyncGenerator<Buffer> {
  try {
    for await (const c of source) {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      onRaw(b.length);
      yield b;
    }
  } catch (error) {
    throw inputError(`read failed: ${reason(error)}`);
  }
}
