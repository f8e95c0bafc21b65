// `storyctl lint` as a user runs it (the built bin), with and without WebAssembly: `node --jitless`
// has none, and the regular-expression matcher must then give the same report.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

const capture = join(import.meta.dirname, '..', '..', 'fixtures', 'logs', 'mixed-prefixed', 'capture.txt');
const args = ['lint', capture, '-o', 'json', '--now', '2026-04-22T18:20:00Z'];

function withoutClock(stdout: string): unknown {
  const report = JSON.parse(stdout) as Record<string, unknown>;
  delete report['generatedAt'];
  return report;
}

describe('storyctl lint (bin)', () => {
  it('gives the same report and exit code without WebAssembly', async () => {
    const fast = await runBin(args);
    const slow = await runBin(args, { env: { NODE_OPTIONS: '--jitless' } });
    expect(fast.code).toBe(1);
    expect(slow.code).toBe(fast.code);
    const report = withoutClock(fast.stdout) as { findings: unknown[] };
    expect(report.findings).toHaveLength(6);
    expect(withoutClock(slow.stdout)).toEqual(report);
  });
});
