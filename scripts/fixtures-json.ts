// Writes the JSON twin of each YAML fixture listed below (`kubectl get ... -o json` shape), so the
// snapshot reader's JSON path is exercised on the same objects. The YAML stays the source of truth:
// edit it, then run `npm run fixtures:json` (`.ci/run` runs it with `--check` and fails on drift).
import { readFile, writeFile } from 'node:fs/promises';
import { parse } from 'yaml';

const PAIRS: readonly [yamlPath: string, jsonPath: string][] = [
  ['fixtures/all-rules/snapshot.yaml', 'fixtures/all-rules/snapshot.json'],
];

async function main(check: boolean): Promise<number> {
  let stale = 0;
  for (const [from, to] of PAIRS) {
    // kubectl -o json indents with four spaces and ends with a newline.
    const json = `${JSON.stringify(parse(await readFile(from, 'utf8')), null, 4)}\n`;
    if (check) {
      const current = await readFile(to, 'utf8').catch(() => '');
      if (current !== json) {
        stale += 1;
        process.stderr.write(`${to} is out of date with ${from}: run npm run fixtures:json\n`);
      }
    } else {
      await writeFile(to, json);
      process.stdout.write(`wrote ${to}\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.includes('--check'));
