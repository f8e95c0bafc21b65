// The files under a directory, as the snapshot and log readers take them: every real file once,
// however many links reach it, hidden entries skipped, in a stable order. Symbolic links are
// followed (kubectl captures and mounted ConfigMaps are made of them), but each real directory is
// walked once, so a link back up the tree cannot loop: `readdir({ recursive: true })` and the glob
// library follow such a link until the path is too long, reading the same file dozens of times.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FoundFile {
  /** `dir` joined with the path below it, as found (not the link's target). */
  path: string;
  /** The path below `dir`, `/`-separated. */
  relative: string;
  size: number;
}

/**
 * Whether an entry found under a directory is hidden: a name starting with a dot anywhere in its
 * relative path. Kubernetes mounts a ConfigMap or Secret as `..2026_04_22_18_13_19.123/` with a
 * `..data` link to it and one link per key into `..data/`: reading the hidden entries too would
 * read every file twice.
 */
export function isHiddenEntry(relative: string): boolean {
  return relative.split('/').some((name) => name.startsWith('.'));
}

/**
 * Every regular file under `dir`, recursively, sorted by relative path in code-unit order (the
 * same on every machine), hidden entries skipped. A file reached by several paths (a link and its
 * target) is given once, by the first of them in that order; each real directory is walked once,
 * the first time it is met. Entries that vanish or cannot be read while walking are left out; an
 * unreadable `dir` itself throws.
 */
export async function filesUnder(dir: string): Promise<FoundFile[]> {
  const seenDirs = new Set<string>();
  const found: (FoundFile & { id: string })[] = [];
  const walk = async (absolute: string, relative: string, top: boolean): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(absolute);
    } catch (error) {
      if (top) throw error;
      return;
    }
    for (const name of names.sort()) {
      if (isHiddenEntry(name)) continue;
      const path = join(absolute, name);
      const rel = relative === '' ? name : `${relative}/${name}`;
      const st = await stat(path).catch(() => undefined);
      if (st === undefined) continue; // a dangling link, or gone since readdir
      const id = `${st.dev}:${st.ino}`;
      if (st.isDirectory()) {
        if (seenDirs.has(id)) continue;
        seenDirs.add(id);
        await walk(path, rel, false);
      } else if (st.isFile()) {
        found.push({ path, relative: rel, size: st.size, id });
      }
    }
  };
  const top = await stat(dir);
  seenDirs.add(`${top.dev}:${top.ino}`);
  await walk(dir, '', true);
  found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  const seenFiles = new Set<string>();
  const out: FoundFile[] = [];
  for (const { id, ...file } of found) {
    if (seenFiles.has(id)) continue;
    seenFiles.add(id);
    out.push(file);
  }
  return out;
}

/** The identity of the real file behind `path` (device and inode), for de-duplicating inputs. */
export async function fileIdentity(path: string): Promise<string | undefined> {
  const st = await stat(path).catch(() => undefined);
  return st === undefined ? undefined : `${st.dev}:${st.ino}`;
}
