// ARCHITECTURE.md layering, checked on the source itself: the pure core never reaches IO or the
// layers above it, reporters never decide exit codes, and only src/cli touches process.exitCode.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => (m[1] ?? m[2]) as string);
}

const IO_MODULES = [
  'node:fs',
  'node:fs/promises',
  'fs',
  'node:net',
  'node:http',
  'node:https',
  'node:child_process',
  'node:readline',
  'node:worker_threads',
  '@kubernetes/client-node',
];

describe('layering', () => {
  for (const layer of ['src/contract', 'src/model', 'src/rules']) {
    it(`${layer} imports no IO module and no upper layer`, () => {
      const bad: string[] = [];
      for (const f of files(layer)) {
        for (const spec of imports(f)) {
          const target = spec.startsWith('.') ? relative('src', resolve(dirname(f), spec)) : '';
          const upper = /^(sources|repair|cli|report|logs)\//.test(target);
          if (IO_MODULES.includes(spec) || upper) bad.push(`${relative('.', f)} → ${spec}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it('reporters do not import the CLI, sources or the applier', () => {
    const bad = files('src/report').flatMap((f) =>
      imports(f)
        .filter((s) => /(^|\/)(cli|sources)\//.test(s) || /repair\/apply/.test(s))
        .map((s) => `${relative('.', f)} → ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('only src/cli sets the exit code', () => {
    const bad = files('src')
      .filter((f) => !f.startsWith('src/cli/'))
      .filter((f) => /process\.exit(Code)?\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative('.', f));
    expect(bad).toEqual([]);
  });

  it('only src/cli/main.ts and src/cli/exit.ts end the process', () => {
    const bad = files('src')
      .filter((f) => !['src/cli/main.ts', 'src/cli/exit.ts'].includes(f))
      .filter((f) => /process\.exit\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative('.', f));
    expect(bad).toEqual([]);
  });
});
