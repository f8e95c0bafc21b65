import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The last line says whether the real-apiserver tests ran, or why they were skipped.
    reporters: ['default', './test/support/cluster-status-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/cluster/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.{ts,tsx}'],
          globalSetup: ['test/cluster/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One apiserver is shared; files get their own namespaces but keep load modest on 2 cores.
          fileParallelism: false,
          // The in-process TTY tests (finish's y/N prompt) stand for a person at a terminal, which
          // is what src/cli/launch.ts gives ink in production; ink reads CI once at import.
          env: { CI: 'false' },
        },
      },
    ],
  },
});
