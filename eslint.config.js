import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

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
      // Layering: rules, contract and model are pure; they never reach IO or upper layers.
    },
  },
  {
    files: ['src/rules/**', 'src/contract/**', 'src/model/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['sources', 'repair', 'cli', 'report', 'logs'].flatMap((d) => [
                `../${d}/*`,
                `../../${d}/*`,
                `../../../${d}/*`,
              ]),
              message: 'pure core: no upper layers',
            },
            {
              group: [
                'node:fs',
                'node:fs/*',
                'fs',
                'node:net',
                'node:http',
                'node:https',
                'node:child_process',
                'node:process',
                '@kubernetes/client-node',
              ],
              message: 'pure core: no IO',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
