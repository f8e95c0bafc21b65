// `npm run fixtures:logs`: regenerates fixtures/logs/real/ from the generators in this folder.
// `--check` regenerates in memory and fails on any difference with the tree (a changed, missing or
// extra file), so the checked-in captures can never drift from the code that writes them.
// gzip files are compared by their decompressed bytes and header: zlib's output may differ by version.
process.env.TZ = 'UTC'; // pino-pretty and the Python/Ductor formatters print local time: pin it.

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { allScenarios } from './all.js';
import { ROOT } from './model.js';

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(ROOT.length + 1))
    .filter((p) => p !== 'STATUS.md')
    .sort();
}

function sameGzip(a: Buffer, b: Buffer): boolean {
  try {
    return a.subarray(4, 8).equals(b.subarray(4, 8)) && gunzipSync(a).equals(gunzipSync(b));
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const wanted = new Map<string, Buffer>();
  for (const sc of await allScenarios()) {
    for (const f of sc.files) {
      const path = `${sc.dir}/${f.name}`;
      if (wanted.has(path)) throw new Error(`two scenarios write ${path}`);
      wanted.set(path, typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data);
    }
  }
  const present = await listTree(ROOT);
  let drift = 0;
  for (const [path, data] of wanted) {
    const full = join(ROOT, path);
    const current = await readFile(full).catch(() => undefined);
    const same =
      current !== undefined && (path.endsWith('.gz') ? sameGzip(current, data) : current.equals(data));
    if (same) continue;
    drift += 1;
    if (check)
      process.stderr.write(`${full}: ${current === undefined ? 'missing' : 'differs from its generator'}\n`);
    else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, data);
    }
  }
  for (const path of present) {
    if (wanted.has(path)) continue;
    drift += 1;
    if (check) process.stderr.write(`${join(ROOT, path)}: not written by any generator\n`);
    else await rm(join(ROOT, path));
  }
  const scenarios = new Set([...wanted.keys()].map((p) => dirname(p))).size;
  if (check) {
    if (drift > 0) {
      process.stderr.write(`${drift} file(s) out of date: run npm run fixtures:logs and commit the result\n`);
      return 1;
    }
    process.stdout.write(`${ROOT}: ${wanted.size} files in ${scenarios} scenarios match their generators\n`);
    return 0;
  }
  process.stdout.write(
    `${ROOT}: ${drift} file(s) written or removed; ${wanted.size} files in ${scenarios} scenarios\n`,
  );
  return 0;
}

process.exitCode = await main();
