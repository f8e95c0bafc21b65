import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// The layering of ARCHITECTURE.md, shared with test/architecture.test.ts (which also forbids cycles).
const layering = JSON.parse(readFileSync(new URL('./eslint/layering.json', import.meta.url), 'utf8'));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware rules on what tsconfig.json holds (one program, so `eslint .` stays near 12 s on
    // two cores): a dropped promise loses an error, an un-awaited `expect(...).rejects` passes
    // vacuously, a switch that misses a new union member silently does nothing.
    files: ['{src,test,bench,scripts}/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
    },
  },
  {
    // Layering: rules, contract and model are pure; they never reach IO or upper layers.
    files: layering.pureLayers.map((dir) => `${dir}/**`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: layering.ioModules.map((name) => ({ name, message: 'pure core: no IO' })),
          patterns: [
            {
              group: layering.upperLayers.flatMap((d) => [`../${d}/*`, `../../${d}/*`, `../../../${d}/*`]),
              message: 'pure core: no upper layers',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
