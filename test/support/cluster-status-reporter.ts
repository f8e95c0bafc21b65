// The last line of every test run: whether the real-apiserver tests ran, or why not. Vitest's own
// summary counts skipped tests but not why they were skipped, and global-setup's reason used to
// scroll away above it. The reason comes from test/cluster/global-setup.ts (same process).
import type { Reporter, TestModule } from 'vitest/node';

export const CLUSTER_STATUS_ENV = 'STORYCTL_CLUSTER_STATUS';

export default class ClusterStatusReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const files = modules.filter((m) => m.project.name === 'cluster').length;
    const status = process.env[CLUSTER_STATUS_ENV];
    let line: string;
    if (files === 0) line = 'cluster tests: not run (none selected; npm run test:cluster runs them)';
    else if (status === undefined || status.startsWith('skipped'))
      line = `cluster tests: ${status ?? 'skipped'} (${files} file(s))`;
    else line = `cluster tests: ran ${files} file(s) ${status}`;
    process.stdout.write(`\n${line}\n`);
  }
}
