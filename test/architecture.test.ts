// ARCHITECTURE.md layering, checked on the source itself: the pure core never reaches IO or the
// layers above it, src/ has no import cycle, reporters never decide exit codes, and only src/cli
// touches process.exitCode. The IO modules and layers are the ones eslint.config.js enforces,
// read from the same file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importsOf, sourceFiles } from './support/import-graph.js';

const layering = JSON.parse(readFileSync(new URL('../eslint/layering.json', import.meta.url), 'utf8')) as {
  pureLayers: string[];
  upperLayers: string[];
  ioModules: string[];
};

/** Cycles still to remove: none are left, and nothing new may join. */
const CYCLES_BEING_REMOVED: string[][] = [];

describe('layering', () => {
  for (const layer of layering.pureLayers) {
    it(`${layer} imports no IO module and no upper layer`, () => {
      const upper = layering.upperLayers.map((d) => `src/${d}/`);
      const bad: string[] = [];
      for (const f of sourceFiles(layer)) {
        for (const e of importsOf(f)) {
          const isUpper = e.target !== undefined && upper.some((u) => e.target?.startsWith(u));
          if (layering.ioModules.includes(e.specifier) || isUpper) bad.push(`${f} → ${e.specifier}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it('src/ has no import cycle, type-only imports included', () => {
    // Type-only imports count: erased at run time, they still make two modules one idea in two
    // places (a shared type belongs in a module of its own).
    expect(importCycles(sourceFiles('src'))).toEqual(CYCLES_BEING_REMOVED);
  });

  it('src/ has no import cycle at run time at all', () => {
    expect(importCycles(sourceFiles('src'), (e) => !e.typeOnly)).toEqual([]);
  });

  it('reporters do not import the CLI, sources or the applier', () => {
    const bad = sourceFiles('src/report').flatMap((f) =>
      importsOf(f)
        .map((e) => e.specifier)
        .filter((s) => /(^|\/)(cli|sources)\//.test(s) || /repair\/apply/.test(s))
        .map((s) => `${f} → ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('only src/cli sets the exit code', () => {
    const bad = sourceFiles('src')
      .filter((f) => !f.startsWith('src/cli/'))
      .filter((f) => /process\.exit(Code)?\b/.test(readFileSync(f, 'utf8')));
    expect(bad).toEqual([]);
  });

  it('only src/cli/main.ts and src/cli/exit.ts end the process', () => {
    const bad = sourceFiles('src')
      .filter((f) => !['src/cli/main.ts', 'src/cli/exit.ts'].includes(f))
      .filter((f) => /process\.exit\b/.test(readFileSync(f, 'utf8')));
    expect(bad).toEqual([]);
  });
});

describe('import graph', () => {
  it('sees a cycle through a type-only import, and leaves it out when asked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-graph-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport type A = number;\nb();\n");
      writeFileSync(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport const b = (): A => 1;\n");
      writeFileSync(join(dir, 'c.ts'), "import './c.js';\n");
      const files = sourceFiles(dir);
      const [a, b, c] = files;
      expect(importCycles(files)).toEqual([[a, b], [c]]);
      expect(importCycles(files, (e) => !e.typeOnly)).toEqual([[c]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
